"""The explicit layer p(x | θ) of the semi-implicit generator (paper eq. 3).

Each likelihood evaluates the full (N, M) matrix of log p(x_i | θ_j), with all
normalising constants, as matrix products over the flattened event dimension D,
so memory is O(N M + (N + M) D), never O(N M D).
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod

import torch
import torch.nn.functional as F
from torch import Tensor

from . import _checks


def _flatten_pair(x: Tensor, theta: Tensor) -> tuple[Tensor, Tensor]:
    """Check that x (N, *E) and theta (M, *E) share an event shape; flatten both to (·, D)."""
    x = _checks.tensor("x", x)
    if not isinstance(theta, Tensor):
        raise TypeError(f"theta must be a torch.Tensor, got {type(theta).__name__}")
    if x.shape[1:] != theta.shape[1:]:
        raise ValueError(
            f"x and theta must share the event shape: x has {tuple(x.shape[1:])}, "
            f"theta has {tuple(theta.shape[1:])}"
        )
    if theta.dim() < 1 or theta.shape[0] < 1:
        raise ValueError(f"theta must hold at least one draw (M >= 1), got shape {tuple(theta.shape)}")
    if x.shape[0] < 1:
        raise ValueError("x must hold at least one data point (N >= 1)")
    theta = theta if theta.is_floating_point() else theta.float()
    x = x.to(dtype=theta.dtype, device=theta.device)
    return x.reshape(x.shape[0], -1), theta.reshape(theta.shape[0], -1)


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
        d = x.shape[1]
        sq_x = torch.linalg.vector_norm(x, dim=1, keepdim=True).square()  # (N, 1)
        sq_theta = torch.linalg.vector_norm(theta, dim=1).square()        # (M,)
        log_norm = 0.5 * d * math.log(2.0 * math.pi * self.sigma**2)
        scale = 0.5 / self.sigma**2
        # -‖x - θ‖²/(2σ²) - log Z with ‖x - θ‖² = ‖x‖² + ‖θ‖² - 2 x·θ: the constants and norms are
        # scaled on the (N,) and (M,) vectors, so the (N, M) work is one fused addmm
        offset = (-scale * sq_x - log_norm) - scale * sq_theta                     # (N, M)
        log_p = torch.addmm(offset, x, theta.T, alpha=2.0 * scale)                 # (N, M)
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
