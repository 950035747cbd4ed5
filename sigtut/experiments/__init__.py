"""Command-line experiments that reproduce the paper's tables (``python -m sigtut reproduce ...``)."""
