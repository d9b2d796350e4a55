"""The runner: ``python -m helpers run``, stage selection, run folders, executors."""
