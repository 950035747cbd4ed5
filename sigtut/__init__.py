"""sigtut: the semi-implicit generative model (SIG) and GAN-SI, as taught in the sigtut book.

Chapters call this package; the package holds models, objectives, data, metrics,
training loops and the sympy derivations.
"""
from .chapter_times import expected_time
from .likelihoods import Bernoulli, Likelihood, Normal, Poisson
from .methods import GAN, SIG, GenerativeMethod
from .objectives import log_marginal, sig_cross_entropy
from .runtime import device, pick, profile, seed_everything
from .train import TrainingDiverged, fit

__version__ = "0.1.0"

__all__ = [
    "GAN",
    "SIG",
    "Bernoulli",
    "GenerativeMethod",
    "Likelihood",
    "Normal",
    "Poisson",
    "TrainingDiverged",
    "device",
    "expected_time",
    "fit",
    "log_marginal",
    "pick",
    "profile",
    "seed_everything",
    "sig_cross_entropy",
]
