"""Text: script detection and OpenCC, width folding, numbers, periods, sentences."""
