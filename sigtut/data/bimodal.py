"""A one-dimensional two-component Gaussian mixture: the smallest data set on which a
single explicit Gaussian fails and a semi-implicit generator succeeds (chapter 1, eqs. 2–5).

The data distribution is::

    p(x) = w N(x; -d/2, s²) + (1 - w) N(x; d/2, s²),

with separation d, component standard deviation s and left weight w.
"""
from __future__ import annotations

import math

import torch
from torch import Tensor

from .. import _checks


def _check_params(separation: float, std: float, weight: float) -> tuple[float, float, float]:
    separation = _checks.positive("separation", separation)
    std = _checks.positive("std", std)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)):
        raise TypeError(f"weight must be a number, got {type(weight).__name__}")
    if not 0.0 < weight < 1.0:
        raise ValueError(f"weight must lie strictly between 0 and 1, got {weight}")
    return separation, std, float(weight)


def bimodal(n: int, separation: float = 4.0, std: float = 0.4, weight: float = 0.5, seed: int = 0) -> Tensor:
    """n draws of the two-component mixture, shape (n, 1), reproducible from ``seed``.

    Args:
        n: number of samples.
        separation: distance d between the two component means (they sit at ±d/2).
        std: standard deviation s of each component.
        weight: probability w of the left component.
        seed: seed of a private torch.Generator (the global RNG is left alone).
    """
    _checks.positive_int("n", n)
    separation, std, weight = _check_params(separation, std, weight)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    gen = torch.Generator().manual_seed(seed)
    left = torch.rand(n, 1, generator=gen) < weight                       # (n, 1)
    means = torch.where(left, -separation / 2, separation / 2)
    return means + std * torch.randn(n, 1, generator=gen)


def bimodal_log_density(x: Tensor, separation: float = 4.0, std: float = 0.4, weight: float = 0.5) -> Tensor:
    """log p(x) of the mixture, elementwise, same shape as x (the exact data density)."""
    x = _checks.tensor("x", x, min_dim=0)
    separation, std, weight = _check_params(separation, std, weight)
    log_norm = -0.5 * math.log(2.0 * math.pi * std**2)
    left = math.log(weight) + log_norm - (x + separation / 2) ** 2 / (2 * std**2)
    right = math.log1p(-weight) + log_norm - (x - separation / 2) ** 2 / (2 * std**2)
    return torch.logaddexp(left, right)
