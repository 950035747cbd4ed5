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
    """Check x ``(N, *E)`` and theta ``(M, *E)``: tensors, one event shape, finite; flatten both to (·, D).

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


def _centred(x: Tensor, theta: Tensor) -> tuple[Tensor, Tensor]:
    """x and θ shifted by a common centre c when the data sit far from the origin; else as given.

    A shift leaves every distance unchanged; it only makes ‖x‖² + ‖θ‖², the scale of the
    expansion's rounding error, small again. c is the mean of the first (up to) 16 rows of x,
    and the shift is made only when ‖c‖² exceeds 8 times their mean squared distance to c:
    below that the explicit recomputation of close pairs costs less than the shift.
    """
    with torch.no_grad():
        head = x[:16]
        c = head.mean(0)                                                          # (D,)
        spread = (head - c).square().sum(1).mean()
        far = bool(c.square().sum() > 8.0 * spread)
    return (x - c, theta - c) if far else (x, theta)


def _explicit_sq(x: Tensor, theta: Tensor, rows: Tensor, cols: Tensor) -> Tensor:
    """‖x_rows[k] - θ_cols[k]‖² from explicit differences, in blocks of at most _BLOCK_ELEMENTS."""
    step = max(1, _BLOCK_ELEMENTS // max(1, x.shape[1]))
    parts = [(x[rows[i:i + step]] - theta[cols[i:i + step]]).square().sum(1)
             for i in range(0, rows.numel(), step)]
    return torch.cat(parts)


class Likelihood(ABC):
    """An explicit distribution p(x | θ) with a pairwise log-density and a sampler."""

    @abstractmethod
    def pairwise_log_prob(self, x: Tensor, theta: Tensor) -> Tensor:
        """log p(x_i | θ_j) for every pair: x ``(N, *E)``, theta ``(M, *E)`` -> (N, M)."""

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
        """log N(x_i; θ_j, σ² I) for every pair, accurate to rounding even at small σ in high D.

        The matrix is the expansion ‖x - θ‖² = ‖x_c‖² + ‖θ_c‖² - 2 x_c·θ_c, one fused matrix
        product, on data shifted by a common centre c when they sit far from the origin (a
        shift leaves every distance unchanged and removes the cancellation that an offset
        such as 50 causes). Where ‖x_i - θ_j‖² is
        small against ‖x_c‖² + ‖θ_c‖² (θ_j close to x_i, as at small σ in high dimension) the
        expansion still cancels, so those pairs are recomputed from explicit differences. For
        D <= 8 every pair is computed from explicit differences.
        """
        x, theta = _flatten_pair(x, theta)                     # (N, D), (M, D)
        d = x.shape[1]
        log_norm = 0.5 * d * math.log(2.0 * math.pi * self.sigma**2)
        scale = 0.5 / self.sigma**2
        if d <= _DIRECT_MAX_D:
            sq = (x[:, None, :] - theta[None, :, :]).square().sum(-1)               # (N, M)
            return sq.mul(-scale).sub_(log_norm)
        xc, tc = _centred(x, theta)
        sq_x = torch.linalg.vector_norm(xc, dim=1, keepdim=True).square()           # (N, 1)
        sq_t = torch.linalg.vector_norm(tc, dim=1).square()                        # (M,)
        # -‖x - θ‖²/(2σ²) - log Z: the constants and norms are scaled on the (N,) and (M,)
        # vectors, so the (N, M) work is one fused addmm
        offset = (-scale * sq_x - log_norm) - scale * sq_t                          # (N, M)
        log_p = torch.addmm(offset, xc, tc.T, alpha=2.0 * scale)                    # (N, M)
        with torch.no_grad():
            # candidates: ‖x_i - θ_j‖² <= τ (‖x_c,i‖² + max_j ‖θ_c,j‖²), a superset of the
            # pairs with ‖x_i - θ_j‖² <= τ (‖x_c,i‖² + ‖θ_c,j‖²), tested with one comparison
            floor = -log_norm - scale * _REFINE_BELOW * (sq_x + sq_t.max())          # (N, 1)
            rows, cols = (log_p >= floor).nonzero(as_tuple=True)
        if rows.numel():
            exact = _explicit_sq(x, theta, rows, cols).mul(-scale).sub_(log_norm)
            log_p = log_p.index_put((rows, cols), exact)
        # rounding can make the expanded ‖x - θ‖² slightly negative; cap at its value for x = θ
        return log_p.clamp_max_(-log_norm)

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
