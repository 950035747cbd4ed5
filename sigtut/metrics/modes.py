"""Mode-coverage metrics on Gaussian mixtures (paper Section 5.2, Table 1).

A sample is *high quality* when it lies within ``radius`` (3) standard deviations of its
nearest component centre. Two counting conventions exist:

- SIG paper: 50,000 samples; a mode is captured when it has more than 1,000 high-quality
  samples (``min_count=1000``).
- VEEGAN paper: 2,500 samples; a mode is captured with at least one (``min_count=0``).
"""
from __future__ import annotations

import numpy as np
import torch
from scipy.stats import chi2
from torch import Tensor

from .. import _checks

ArrayLike = Tensor | np.ndarray


def _as_array(name: str, value: ArrayLike, ndim: int, min_rows: int = 0) -> np.ndarray:
    if isinstance(value, Tensor):
        value = value.detach().cpu().numpy()
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a torch.Tensor or numpy array, got {type(value).__name__}")
    arr = value.astype(np.float64)
    if arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    if arr.shape[0] < min_rows:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if ndim == 2 and arr.shape[1] < 1:
        raise ValueError(f"{name} must have at least one coordinate per point, got shape {arr.shape}")
    return arr


def assign_modes(samples: ArrayLike, centers: ArrayLike, std: float, radius: float = 3.0) -> np.ndarray:
    """Index of each sample's nearest centre, or -1 when it is farther than radius·std (low quality)."""
    x = _as_array("samples", samples, 2, min_rows=1)
    c = _as_array("centers", centers, 2, min_rows=1)
    if x.shape[1] != c.shape[1]:
        raise ValueError(f"samples and centers must have the same dimension, got {x.shape[1]} and {c.shape[1]}")
    std = _checks.positive("std", std)
    radius = _checks.positive("radius", radius)
    sq = (x**2).sum(1)[:, None] + (c**2).sum(1)[None, :] - 2 * x @ c.T   # (n, K)
    nearest = sq.argmin(1)
    dist = np.sqrt(np.maximum(sq[np.arange(len(x)), nearest], 0.0))
    return np.where(dist < radius * std, nearest, -1)


def true_bin_probabilities(weights: ArrayLike, dim: int, radius: float = 3.0) -> np.ndarray:
    """P_d over K+1 bins: w_k · P(‖x - μ_k‖ < radius·std) per mode, the remainder in the last bin.

    For an isotropic Gaussian in d dimensions ‖x - μ‖²/std² ~ χ²_d; in 2-D with radius 3 the
    share inside is 1 - e^{-4.5} ≈ 0.989. Overlap between components is neglected (modes are
    separated by 40 std on the grid).
    """
    w = _as_array("weights", weights, 1, min_rows=1)
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 1:
        raise ValueError(f"dim must be an int >= 1, got {dim!r}")
    radius = _checks.positive("radius", radius)
    inside = chi2.cdf(radius**2, df=dim)
    return np.append(w * inside, 1.0 - inside)


def mode_metrics(
    samples: ArrayLike,
    centers: ArrayLike,
    std: float,
    weights: ArrayLike | None = None,
    min_count: int = 1000,
    radius: float = 3.0,
) -> dict[str, float | int | list[int]]:
    """Modes captured, share of high-quality samples and KL(P_g ‖ P_d) over K+1 bins (Table 1).

    Args:
        samples: generated points, shape (n, d).
        centers: the mixture's means, shape (K, d).
        std: the components' standard deviation.
        weights: mixing weights (K,), summing to 1; uniform when omitted.
        min_count: a mode counts when it has more than this many high-quality samples
            (1000 with 50,000 samples in the SIG paper; 0 in VEEGAN's convention).
        radius: the high-quality radius in standard deviations (3).

    Raises:
        ValueError: naming the argument, for empty ``samples`` or ``centers``, wrong shapes,
            NaN or infinite values, ``std`` or ``radius`` <= 0, or bad ``weights``.

    Returns:
        dict with ``modes`` (int), ``hq`` (share of samples within radius·std of a centre),
        ``kl`` (nats) and ``counts`` (high-quality samples per mode).
    """
    c = _as_array("centers", centers, 2, min_rows=1)
    _as_array("samples", samples, 2, min_rows=1)
    _checks.positive("std", std)
    _checks.positive("radius", radius)
    k = c.shape[0]
    w = np.full(k, 1.0 / k) if weights is None else _as_array("weights", weights, 1)
    if w.shape[0] != k:
        raise ValueError(f"weights must have {k} entries (one per centre), got {w.shape[0]}")
    if (w < 0).any() or abs(w.sum() - 1.0) > 1e-6:
        raise ValueError(f"weights must be non-negative and sum to 1, got sum {w.sum():.6g}")
    min_count = _checks.non_negative_int("min_count", min_count)
    labels = assign_modes(samples, c, std, radius)
    n = labels.shape[0]
    counts = np.bincount(labels[labels >= 0], minlength=k)
    p_g = np.append(counts, n - counts.sum()) / n                      # (K+1,)
    p_d = true_bin_probabilities(w, c.shape[1], radius)               # (K+1,)
    support = p_g > 0
    kl = float(np.sum(p_g[support] * np.log(p_g[support] / p_d[support]))) if (p_d[support] > 0).all() else float("inf")
    return {
        "modes": int((counts > min_count).sum()),
        "hq": float(counts.sum() / n),
        "kl": kl,
        "counts": counts.tolist(),
    }
