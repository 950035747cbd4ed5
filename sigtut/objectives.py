"""The SIG objective: the Monte-Carlo upper bound H_M on the cross-entropy (paper eq. 6, Lemma 1)."""
from __future__ import annotations

import math

import torch
from torch import Tensor

from .likelihoods import Likelihood


def sig_cross_entropy(x: Tensor, theta: Tensor, likelihood: Likelihood) -> Tensor:
    """Monte-Carlo estimate of H_M, the SIG upper bound on the cross-entropy (eq. 6).

    H_M ≈ -(1/N) Σ_i log (1/M) Σ_j p(x_i | θ_j), computed as a log-sum-exp over
    the (N, M) matrix of pairwise log-likelihoods, so memory is O(N M).

    Args:
        x: data, shape (N, *event_shape).
        theta: draws from the implicit distribution p_φ(θ), shape (M, *event_shape).
        likelihood: the explicit layer p(x | θ), e.g. ``Normal(sigma)``.

    Returns:
        Scalar tensor in nats; differentiable with respect to theta.
    """
    if not isinstance(likelihood, Likelihood):
        raise TypeError(f"likelihood must be a sigtut Likelihood, got {type(likelihood).__name__}")
    log_p = likelihood.pairwise_log_prob(x, theta)             # (N, M)
    m = log_p.shape[1]
    # log (1/M) Σ_j p(x_i | θ_j) for each data point i
    log_mean_p = torch.logsumexp(log_p, dim=1) - math.log(m)  # (N,)
    return -log_mean_p.mean()
