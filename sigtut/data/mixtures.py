"""The 2-D Gaussian mixtures of the mode-collapse benchmark (paper Section 5.2, Table 1, Figure 3a).

The SIG paper does not state the grid's spacing or the components' spread; we use the
setting of VEEGAN (Srivastava et al., 2017), which PacGAN follows: means on
{-4, -2, 0, 2, 4}² with std 0.05 for the grid, and 8 components evenly spaced on the unit
circle with std 0.01 for the ring. The unrolled-GAN and GDPP reference code draw their ring
with ``linspace(0, 2π, 8)``, whose first and last angles coincide: 7 distinct centres, one
of them with double weight, so their ring numbers are not on this ring.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

import torch
from torch import Tensor

from .. import _checks


class Mixture(NamedTuple):
    """Samples of an isotropic Gaussian mixture together with its parameters."""

    x: Tensor          # (n, 2) samples
    labels: Tensor     # (n,) index of the component each sample came from
    centers: Tensor    # (K, 2) component means
    std: float         # common standard deviation of every component
    weights: Tensor    # (K,) mixing weights, summing to 1


def _weights(weights: Sequence[float] | Tensor | None, k: int) -> Tensor:
    if weights is None:
        return torch.full((k,), 1.0 / k, dtype=torch.float64)
    w = torch.as_tensor(weights, dtype=torch.float64).flatten()
    if w.numel() != k:
        raise ValueError(f"weights must have {k} entries, got {w.numel()}")
    if not torch.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    return w / w.sum()


def sample_mixture(n: int, centers: Tensor, std: float, weights: Tensor | None = None, seed: int = 0) -> Mixture:
    """n draws of Σ_k w_k N(μ_k, std² I), reproducible for a seed."""
    _checks.positive_int("n", n)
    std = _checks.positive("std", std)
    centers = torch.as_tensor(centers, dtype=torch.float32)
    w = _weights(weights, centers.shape[0])
    gen = torch.Generator().manual_seed(seed)
    labels = torch.multinomial(w, n, replacement=True, generator=gen)
    x = centers[labels] + std * torch.randn(n, centers.shape[1], generator=gen)
    return Mixture(x, labels, centers, std, w.float())


def grid_centers(side: int = 5, spacing: float = 2.0) -> Tensor:
    """The side × side grid of means, centred at 0 ({-4, -2, 0, 2, 4}² by default), row-major in x."""
    _checks.positive_int("side", side)
    _checks.positive("spacing", spacing)
    ticks = (torch.arange(side, dtype=torch.float32) - (side - 1) / 2) * spacing
    gx, gy = torch.meshgrid(ticks, ticks, indexing="ij")
    return torch.stack([gx.flatten(), gy.flatten()], dim=1)


def ring_centers(k: int = 8, radius: float = 1.0) -> Tensor:
    """k means on a circle at angles 2πk'/k, k' = 0..k-1 (not linspace(0, 2π, k), which repeats one)."""
    _checks.positive_int("k", k)
    _checks.positive("radius", radius)
    angles = 2 * math.pi * torch.arange(k, dtype=torch.float64) / k
    return torch.stack([radius * angles.cos(), radius * angles.sin()], dim=1).float()


def gmm_grid(
    n: int, std: float = 0.05, spacing: float = 2.0, weights: Sequence[float] | Tensor | None = None, seed: int = 0
) -> Mixture:
    """The 25-component grid of Table 1: means {-4,-2,0,2,4}², std 0.05 (VEEGAN's setting).

    ``weights`` (25 entries, row-major with the first coordinate as column index) gives an
    uneven mixture such as Figure 3(a)'s; see :func:`column_weights`.
    """
    centers = grid_centers(5, spacing)
    return sample_mixture(n, centers, std, _weights(weights, 25), seed)


def column_weights(column_mass: Sequence[float], side: int = 5) -> Tensor:
    """Weights for a side × side grid whose column c (first coordinate) has relative mass column_mass[c].

    Figure 3(a) of the paper: ``column_weights([2, 1, 2, 1, 2])``.
    """
    mass = torch.as_tensor(column_mass, dtype=torch.float64)
    if mass.numel() != side:
        raise ValueError(f"column_mass must have {side} entries, got {mass.numel()}")
    return _weights(mass.repeat_interleave(side), side * side)


def gmm_ring(n: int, std: float = 0.01, radius: float = 1.0, k: int = 8, seed: int = 0,
             weights: Sequence[float] | Tensor | None = None) -> Mixture:
    """The ring of VEEGAN's benchmark: k = 8 Gaussians on a circle of radius 1, std 0.01."""
    centers = ring_centers(k, radius)
    return sample_mixture(n, centers, std, _weights(weights, k), seed)


def linspace_ring(n: int, k: int = 8, std: float = 0.01, radius: float = 1.0, seed: int = 0) -> Mixture:
    """The ring of the unrolled-GAN and GDPP reference code: k draws of ``linspace(0, 2π, k)``.

    Their code places centres at (r sin θ, r cos θ) for θ in ``linspace(0, 2π, k)`` with equal
    weights; θ = 0 and θ = 2π give the same centre, so the mixture has k − 1 distinct centres,
    the one at (0, r) with weight 2/k and the others 1/k each. This returns those k − 1 centres
    and weights, so that mode counts are out of k − 1 (7 for k = 8).
    """
    k = _checks.positive_int("k", k)
    if k < 3:
        raise ValueError(f"k must be >= 3 (k - 1 >= 2 distinct centres), got {k}")
    radius = _checks.positive("radius", radius)
    angles = 2 * math.pi * torch.arange(k - 1, dtype=torch.float64) / (k - 1)
    centers = torch.stack([radius * angles.sin(), radius * angles.cos()], dim=1).float()
    weights = torch.full((k - 1,), 1.0, dtype=torch.float64)
    weights[0] = 2.0
    return sample_mixture(n, centers, std, weights / k, seed)


def mixture_sampler(mixture: Mixture) -> Callable[[int, torch.Generator], Tensor]:
    """An endless data stream for :func:`sigtut.fit`: fresh draws of ``mixture`` for every mini-batch."""
    if not isinstance(mixture, Mixture):
        raise TypeError(f"mixture must be a sigtut Mixture, got {type(mixture).__name__}")
    centers, std, weights = mixture.centers, mixture.std, mixture.weights

    def draw(n: int, generator: torch.Generator) -> Tensor:
        labels = torch.multinomial(weights, n, replacement=True, generator=generator)
        return centers[labels] + std * torch.randn(n, centers.shape[1], generator=generator)

    return draw
