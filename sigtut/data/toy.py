"""The toy data sets of the paper's Section 5.1 (Figure 1), discrete and continuous.

Every generator takes the number of samples ``n`` and a ``seed`` and returns a float32
tensor of shape (n, D): D = 1 for the count data, D = 2 for the noisy ring. The fourth
set of Figure 1, eight Gaussians on a ring, is :func:`sigtut.data.mixtures.gmm_ring`
with a wider spread (see the toy chapter).

Negative-binomial parameterisation: NB(r, p) is scipy's ``nbinom(n=r, p=p)`` (and
NumPy's ``negative_binomial(r, p)``), the number of failures before the r-th success
with success probability p,

    P(X = k) = Γ(k + r) / (Γ(r) k!) · p^r (1 - p)^k,   E[X] = r (1 - p) / p.

In this convention NB(r, p) = ∫ Poisson(k; θ) Gamma(θ; shape r, rate p / (1 - p)) dθ,
so the paper's NB(r=2, p=0.5) is the Poisson mixture with mixing distribution
Gamma(θ; 2, 1), as Section 5.1 states.
"""
from __future__ import annotations

import math

import numpy as np
import torch
from scipy import stats
from torch import Tensor

from .. import _checks


def _probability(name: str, value: float) -> float:
    value = _checks.positive(name, value)
    if value >= 1:
        raise ValueError(f"{name} must lie in (0, 1), got {value}")
    return value


def _as_tensor(values: np.ndarray) -> Tensor:
    return torch.as_tensor(np.asarray(values, dtype=np.float32))


def gamma_rate_of_negative_binomial(p: float) -> float:
    """The Gamma rate β = p / (1 - p) of the Poisson–Gamma mixture that equals NB(r, p) (Section 5.1)."""
    p = _probability("p", p)
    return p / (1.0 - p)


def negative_binomial(n: int, r: float = 2.0, p: float = 0.5, seed: int = 0) -> Tensor:
    """n counts from NB(r, p) in scipy's parameterisation (Figure 1a; mean r (1 - p) / p).

    Returns:
        Tensor of shape (n, 1), float32, non-negative integers.
    """
    _checks.positive_int("n", n)
    r = _checks.positive("r", r)
    p = _probability("p", p)
    rng = np.random.default_rng(_checks.seed(seed))
    return _as_tensor(rng.negative_binomial(r, p, size=(n, 1)))


def negative_binomial_pmf(k: np.ndarray, r: float = 2.0, p: float = 0.5) -> np.ndarray:
    """P(X = k) for X ~ NB(r, p), scipy's ``nbinom(n=r, p=p)``."""
    r = _checks.positive("r", r)
    p = _probability("p", p)
    return stats.nbinom(r, p).pmf(k)


# ½ Poisson(10) + ½ NB(r=0.2, p=0.9), the second count set of Figure 1 (f)-(g)
POISSON_RATE = 10.0
NB_R, NB_P = 0.2, 0.9


def poisson_nb_mixture(n: int, seed: int = 0) -> Tensor:
    """n counts from ½ Poisson(10) + ½ NB(r=0.2, p=0.9) (Figure 1f).

    In scipy's parameterisation NB(0.2, 0.9) puts 0.9^0.2 ≈ 0.979 of its mass on 0,
    so the mixture is a Poisson(10) bump plus an excess of zeros.

    Returns:
        Tensor of shape (n, 1), float32, non-negative integers.
    """
    _checks.positive_int("n", n)
    rng = np.random.default_rng(_checks.seed(seed))
    from_poisson = rng.random(n) < 0.5
    counts = np.where(from_poisson, rng.poisson(POISSON_RATE, size=n), rng.negative_binomial(NB_R, NB_P, size=n))
    return _as_tensor(counts.reshape(n, 1))


def poisson_nb_mixture_pmf(k: np.ndarray) -> np.ndarray:
    """P(X = k) for X ~ ½ Poisson(10) + ½ NB(r=0.2, p=0.9)."""
    return 0.5 * stats.poisson(POISSON_RATE).pmf(k) + 0.5 * stats.nbinom(NB_R, NB_P).pmf(k)


def ring(n: int, radius: float = 2.0, noise_std: float = 0.1, seed: int = 0) -> Tensor:
    """n points of a circle with Gaussian noise (Figure 1c): radius·(cos u, sin u) + ε.

    u ~ Uniform[0, 2π), ε ~ N(0, noise_std² I). With the default noise_std = 0.1, equal
    to the σ of SIG's Normal likelihood, the true mixing distribution of θ is the
    uniform distribution on the circle itself.

    Returns:
        Tensor of shape (n, 2), float32.
    """
    _checks.positive_int("n", n)
    radius = _checks.positive("radius", radius)
    noise_std = _checks.positive("noise_std", noise_std)
    rng = np.random.default_rng(_checks.seed(seed))
    angle = rng.uniform(0.0, 2.0 * math.pi, size=n)
    points = radius * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return _as_tensor(points + noise_std * rng.standard_normal((n, 2)))


def to_counts(x: Tensor) -> Tensor:
    """Map continuous generator output to counts: round to the nearest integer, negatives to 0.

    A vanilla GAN's generator emits real numbers; to compare it with count data we
    read each output as the nearest non-negative integer, max(round(x), 0). This is
    applied to samples only, after training: the GAN trains on the raw counts as reals.
    """
    x = _checks.tensor("x", x)
    return torch.round(x).clamp_min(0.0)
