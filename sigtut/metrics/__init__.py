"""Metrics of the paper's experiments (mode coverage, distances, scores)."""
from .modes import assign_modes, mode_metrics, true_bin_probabilities
from .distances import empirical_pmf, energy_distance, ks_statistic, tv_distance, tv_distance_to_pmf
