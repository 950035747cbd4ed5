"""Data sets of the paper's experiments, each a seeded function returning tensors."""
from .mixtures import (Mixture, column_weights, gmm_grid, gmm_ring, grid_centers, mixture_sampler, ring_centers,
                       sample_mixture)
from .bimodal import bimodal, bimodal_log_density
from .cifar10 import SyntheticClassifier, cifar10, cifar10_available, synthetic_cifar10
from .mnist import mnist, stacked_mnist, stacked_mnist_sampler
from .toy import negative_binomial, negative_binomial_pmf, poisson_nb_mixture, poisson_nb_mixture_pmf, ring, to_counts
