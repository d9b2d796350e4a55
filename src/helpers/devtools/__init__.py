"""Developer tools: gold-set evaluation and benchmarks (``python -m helpers evaluate|bench``)."""
