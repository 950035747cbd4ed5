"""Distances between model samples and the truth, used to quantify the toy examples (paper Section 5.1).

- total variation between probability mass functions, for count data;
- the Kolmogorov–Smirnov statistic of samples against a scipy distribution, for the
  learned mixing distribution p_φ(θ);
- the energy distance between two samples, for planar data.

Mode coverage on Gaussian mixtures is :func:`sigtut.metrics.modes.mode_metrics`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from scipy import stats
from torch import Tensor

from .. import _checks


def _counts(name: str, samples: Tensor | np.ndarray) -> np.ndarray:
    values = np.asarray(samples.detach().cpu() if isinstance(samples, Tensor) else samples, dtype=np.float64).ravel()
    if values.size == 0:
        raise ValueError(f"{name} must hold at least one sample")
    if not np.isfinite(values).all() or (values < 0).any() or (values != np.round(values)).any():
        raise ValueError(f"{name} must hold non-negative integers (counts); use sigtut.data.to_counts first")
    return values.astype(np.int64)


def tv_distance(p: np.ndarray, q: np.ndarray) -> float:
    """Total variation distance ``½ Σ_k |p_k − q_k|`` between two PMFs on the same support."""
    p, q = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    if p.shape != q.shape or p.ndim != 1:
        raise ValueError(f"p and q must be 1-D arrays of equal length, got shapes {p.shape} and {q.shape}")
    for name, pmf in (("p", p), ("q", q)):
        if not np.isfinite(pmf).all():
            raise ValueError(f"{name} contains NaN or infinite values")
        if (pmf < 0).any() or abs(pmf.sum() - 1.0) > 1e-6:
            raise ValueError(f"{name} must be a PMF (non-negative, summing to 1), got sum {pmf.sum():.6g}")
    return 0.5 * float(np.abs(p - q).sum())


def empirical_pmf(samples: Tensor | np.ndarray, support_size: int) -> np.ndarray:
    """The sample PMF on {0, …, support_size − 1}: the share of samples equal to each k.

    Samples ≥ support_size are counted in no bin, so the result sums to less than 1
    when some samples fall beyond the support.
    """
    _checks.positive_int("support_size", support_size)
    counts = _counts("samples", samples)
    return np.bincount(counts[counts < support_size], minlength=support_size) / counts.size


def tv_distance_to_pmf(samples: Tensor | np.ndarray, pmf: Callable[[np.ndarray], np.ndarray]) -> float:
    """Exact TV distance between the sample PMF of count ``samples`` and a true PMF.

    With K the largest sample, ``TV = ½ [Σ_{k≤K} |p̂_k − p_k| + P(X > K)]``: beyond K the
    sample PMF is 0, so the truth's whole tail counts.

    Args:
        samples: non-negative integer samples (any shape).
        pmf: vectorised true PMF on the non-negative integers, e.g. ``scipy.stats.nbinom(2, .5).pmf``.
    """
    if not callable(pmf):
        raise TypeError(f"pmf must be callable, got {type(pmf).__name__}")
    counts = _counts("samples", samples)
    support = np.arange(counts.max() + 1)
    truth = np.asarray(pmf(support), dtype=np.float64)
    if truth.shape != support.shape or (truth < 0).any() or truth.sum() > 1.0 + 1e-9:
        raise ValueError("pmf must return non-negative probabilities summing to at most 1")
    sample = np.bincount(counts, minlength=support.size) / counts.size
    tail = max(0.0, 1.0 - truth.sum())
    return 0.5 * float(np.abs(sample - truth).sum() + tail)


def ks_statistic(samples: Tensor | np.ndarray, distribution: Any) -> float:
    """Kolmogorov–Smirnov statistic ``sup_t |F̂(t) − F(t)|`` of 1-D samples against a scipy distribution.

    Used to compare the learned implicit distribution p_φ(θ) with the true mixing
    distribution, e.g. ``scipy.stats.gamma(a=2, scale=1)`` for NB(2, 0.5) (Figure 1b).
    """
    if not hasattr(distribution, "cdf"):
        raise TypeError(f"distribution must be a scipy distribution with a cdf, got {type(distribution).__name__}")
    values = np.asarray(samples.detach().cpu() if isinstance(samples, Tensor) else samples, dtype=np.float64).ravel()
    if values.size == 0 or not np.isfinite(values).all():
        raise ValueError("samples must hold at least one finite value")
    return float(stats.kstest(values, distribution.cdf).statistic)


def energy_distance(x: Tensor, y: Tensor) -> float:
    """Squared energy distance 2 E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖ between two samples (Székely & Rizzo).

    All expectations are plain averages over every pair, including i = j (V-statistics);
    the value is ≥ 0 and 0 only when the two empirical distributions coincide. In one
    dimension it is the square of ``scipy.stats.energy_distance``.

    Args:
        x: samples (N, D); y: samples (M, D).
    """
    x = _checks.tensor("x", x, min_dim=2).double()
    y = _checks.tensor("y", y, min_dim=2).double()
    if x.shape[1:] != y.shape[1:]:
        raise ValueError(f"x and y must share the event shape, got {tuple(x.shape)} and {tuple(y.shape)}")
    for name, value in (("x", x), ("y", y)):
        if value.shape[0] < 1 or value[0].numel() < 1:
            raise ValueError(f"{name} must hold at least one sample with at least one coordinate, "
                             f"got shape {tuple(value.shape)}")
    x, y = x.reshape(x.shape[0], -1), y.reshape(y.shape[0], -1)
    between = torch.cdist(x, y).mean()
    within_x = torch.cdist(x, x).mean()
    within_y = torch.cdist(y, y).mean()
    return float(2.0 * between - within_x - within_y)

