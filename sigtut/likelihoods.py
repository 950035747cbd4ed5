"""The explicit layer p(x | θ) of the semi-implicit generator (paper eq. 3).

Each likelihood evaluates the full (N, M) matrix of log p(x_i | θ_j), with all
normalising constants, as matrix products over the flattened event dimension D,
so memory is O(N M + (N + M) D), never O(N M D) (the Gaussian's explicit differences
are computed for D <= 8 only, or in bounded blocks for the few close pairs). x and θ are
checked alike: tensors with one event shape, finite, and in the family's range.
float16 and bfloat16 inputs are computed, and returned, in float32.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod

import torch
import torch.nn.functional as F
from torch import Tensor

from . import _checks


_HALF = (torch.float16, torch.bfloat16)
# Pairs whose expanded squared distance is below this share of ‖x_c‖² + ‖θ_c‖² are recomputed
# from explicit differences: there the expansion's rounding error (a few float eps times
# ‖x_c‖² + ‖θ_c‖²) would be more than about 1e-5 of the distance itself.
_REFINE_BELOW = 2.0**-6
# Event sizes up to this are handled by explicit differences for every pair (as cheap as the expansion).
_DIRECT_MAX_D = 8
# At most this many elements in one (pairs, D) block of explicit differences.
_BLOCK_ELEMENTS = 1 << 22


def _flatten_pair(x: Tensor, theta: Tensor) -> tuple[Tensor, Tensor]:
    """Check x (N, *E) and theta (M, *E): tensors, one event shape, finite; flatten both to (·, D).

    float16 and bfloat16 inputs are computed in float32 (their range and precision cannot hold
    ‖x‖² at image sizes), so every likelihood returns at least float32.
    """
    x = _checks.tensor("x", x)
    theta = _checks.tensor("theta", theta)
    if x.shape[1:] != theta.shape[1:]:
        raise ValueError(
            f"x and theta must share the event shape: x has {tuple(x.shape[1:])}, "
            f"theta has {tuple(theta.shape[1:])}"
        )
    if theta.shape[0] < 1:
        raise ValueError(f"theta must hold at least one draw (M >= 1), got shape {tuple(theta.shape)}")
    if x.shape[0] < 1:
        raise ValueError("x must hold at least one data point (N >= 1)")
    if theta.dtype in _HALF:
        theta = theta.float()
    x = x.to(dtype=theta.dtype, device=theta.device)
    return x.reshape(x.shape[0], -1), theta.reshape(theta.shape[0], -1)


def _explicit_sq(x: Tensor, theta: Tensor, rows: Tensor, cols: Tensor) -> Tensor:
    """‖x_rows[k] - θ_cols[k]‖² from explicit differences, in blocks of at most _BLOCK_ELEMENTS."""
    step = max(1, _BLOCK_ELEMENTS // max(1, x.shape[1]))
    parts = [(x[rows[i:i + step]] - theta[cols[i:i + step]]).square().sum(1)
             for i in range(0, rows.numel(), step)]
    return torch.cat(parts)


def squared_distances(x: Tensor, theta: Tensor) -> Tensor:
    """‖x_i - θ_j‖² for every pair, x (N, D), theta (M, D) -> (N, M), accurate to rounding.

    The matrix is the expansion ‖x_c‖² + ‖θ_c‖² - 2 x_c·θ_c, one matrix product, on data
    centred by the common mean c (a shift leaves every distance unchanged and removes the
    cancellation that an offset such as 50 causes). Where the result is small against
    ‖x_c‖² + ‖θ_c‖² (θ_j close to x_i, as at small σ in high dimension) the expansion still
    cancels, so those pairs are recomputed from explicit differences. For D <= 8 every pair is
    computed explicitly. The result is >= 0 and differentiable in both arguments.
    """
    n, d = x.shape
    if d <= _DIRECT_MAX_D:
        return (x[:, None, :] - theta[None, :, :]).square().sum(-1)
    with torch.no_grad():
        centre = (x.sum(0) + theta.sum(0)) / (n + theta.shape[0])      # (D,); distances ignore it
    xc, tc = x - centre, theta - centre                                   # (N, D), (M, D)
    sq_x = xc.square().sum(1, keepdim=True)                               # (N, 1)
    sq_t = tc.square().sum(1)                                             # (M,)
    norms = sq_x + sq_t                                                   # (N, M)
    sq = torch.addmm(norms, xc, tc.T, alpha=-2.0).clamp_min(0.0)          # (N, M)
    with torch.no_grad():
        close = sq <= _REFINE_BELOW * norms
        rows, cols = close.nonzero(as_tuple=True) if bool(close.any()) else (None, None)
    if rows is not None:
        sq = sq.index_put((rows, cols), _explicit_sq(x, theta, rows, cols))
    return sq


class Likelihood(ABC):
    """An explicit distribution p(x | θ) with a pairwise log-density and a sampler."""

    @abstractmethod
    def pairwise_log_prob(self, x: Tensor, theta: Tensor) -> Tensor:
        """log p(x_i | θ_j) for every pair: x (N, *E), theta (M, *E) -> (N, M)."""

    @abstractmethod
    def sample(self, theta: Tensor) -> Tensor:
        """One draw x ~ p(x | θ) for each row of theta; same shape as theta."""

    @abstractmethod
    def link(self, raw: Tensor) -> Tensor:
        """Map an unconstrained network output to a valid θ (identity, softplus, sigmoid)."""


class Normal(Likelihood):
    """p(x | θ) = N(x; θ, σ² I), the likelihood of the continuous experiments and of GAN-SI (eq. 12).

    log p(x | θ) = -‖x - θ‖² / (2σ²) - (D/2) log(2π σ²).
    """

    def __init__(self, sigma: float) -> None:
        self.sigma = _checks.positive("sigma", sigma)

    def __repr__(self) -> str:
        return f"Normal(sigma={self.sigma:g})"

    def pairwise_log_prob(self, x: Tensor, theta: Tensor) -> Tensor:
        x, theta = _flatten_pair(x, theta)                     # (N, D), (M, D)
        log_norm = 0.5 * x.shape[1] * math.log(2.0 * math.pi * self.sigma**2)
        # -‖x - θ‖²/(2σ²) - log Z, the distances computed stably (see squared_distances)
        return squared_distances(x, theta).mul(-0.5 / self.sigma**2).sub_(log_norm)  # (N, M)

    def sample(self, theta: Tensor) -> Tensor:
        return theta + self.sigma * torch.randn_like(theta)

    def link(self, raw: Tensor) -> Tensor:
        return raw


class Poisson(Likelihood):
    """p(x | θ) = Π_d Poisson(x_d; θ_d), for count data (paper Section 5.1).

    log p(x | θ) = Σ_d [x_d log θ_d - θ_d - log x_d!]. θ is clamped at 1e-12 inside
    the logarithm so that x_d = 0 with θ_d → 0 contributes 0, not NaN.
    """

    min_rate = 1e-12

    def __repr__(self) -> str:
        return "Poisson()"

    def pairwise_log_prob(self, x: Tensor, theta: Tensor) -> Tensor:
        x, theta = _flatten_pair(x, theta)                     # (N, D), (M, D)
        if (x < 0).any():
            raise ValueError("x must hold non-negative counts for a Poisson likelihood")
        if (theta < 0).any():
            raise ValueError("theta must be non-negative rates for a Poisson likelihood")
        log_rate = theta.clamp_min(self.min_rate).log()        # (M, D)
        return x @ log_rate.T - theta.sum(dim=1) - torch.lgamma(x + 1.0).sum(dim=1, keepdim=True)

    def sample(self, theta: Tensor) -> Tensor:
        return torch.poisson(theta)

    def link(self, raw: Tensor) -> Tensor:
        return F.softplus(raw)


class Bernoulli(Likelihood):
    """p(x | θ) = Π_d θ_d^{x_d} (1 - θ_d)^{1 - x_d}, θ the pixel probabilities (e.g. binarised MNIST).

    θ is clamped to [1e-6, 1 - 1e-6] inside the logarithms so the log-density stays finite.
    """

    eps = 1e-6

    def __repr__(self) -> str:
        return "Bernoulli()"

    def pairwise_log_prob(self, x: Tensor, theta: Tensor) -> Tensor:
        x, theta = _flatten_pair(x, theta)                     # (N, D), (M, D)
        if ((x < 0) | (x > 1)).any():
            raise ValueError("x must lie in [0, 1] for a Bernoulli likelihood")
        if ((theta < 0) | (theta > 1)).any():
            raise ValueError("theta must be probabilities in [0, 1] for a Bernoulli likelihood")
        p = theta.clamp(self.eps, 1.0 - self.eps)
        return x @ p.log().T + (1.0 - x) @ torch.log1p(-p).T   # (N, M)

    def sample(self, theta: Tensor) -> Tensor:
        return torch.bernoulli(theta)

    def link(self, raw: Tensor) -> Tensor:
        return torch.sigmoid(raw)
