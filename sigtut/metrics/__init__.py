"""Metrics of the paper's experiments (mode coverage, distances, scores)."""
from .modes import assign_modes, mode_metrics, true_bin_probabilities
