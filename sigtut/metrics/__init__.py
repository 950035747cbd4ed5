"""Metrics of the paper's experiments (mode coverage, distances, scores)."""
from .modes import assign_modes, mode_metrics, true_bin_probabilities
from .stacked_mnist import (channel_metrics, digit_probabilities, stacked_mnist_metrics, triple_metrics,
                            triple_probabilities, triples_from_digits)
from .distances import empirical_pmf, energy_distance, ks_statistic, tv_distance, tv_distance_to_pmf
