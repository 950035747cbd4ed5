"""Metrics of the paper's experiments (mode coverage, distances, scores)."""
