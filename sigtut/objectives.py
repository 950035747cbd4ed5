"""The SIG objective: the Monte-Carlo upper bound H_M on the cross-entropy (paper eq. 6, Lemma 1)."""
from __future__ import annotations

import math

import torch
from torch import Tensor

from . import _checks
from .likelihoods import Likelihood


def _check_likelihood(likelihood: object) -> None:
    if not isinstance(likelihood, Likelihood):
        raise TypeError(f"likelihood must be a sigtut Likelihood, got {type(likelihood).__name__}")


def log_marginal(x: Tensor, theta: Tensor, likelihood: Likelihood, chunk: int | None = None) -> Tensor:
    """log (1/M) Σ_m p(x_n | θ_m) for each data point: the Monte-Carlo log-density inside eq. (6).

    Without ``chunk`` this is one log-sum-exp over the (N, M) matrix of pairwise
    log-likelihoods. With ``chunk`` it works on blocks of at most ``chunk`` data points by
    ``chunk`` draws, combining the blocks over θ with a running log-sum-exp, so the largest
    matrix held is (chunk, chunk) whatever N and M are: use it to score many points against
    many draws (e.g. 20,000 × 50,000) in bounded memory. Both give the same values up to
    float rounding. (Under autograd every block is kept for the backward pass, so the
    memory bound holds under ``torch.no_grad()``.)

    Args:
        x: data, shape ``(N, *event_shape)``.
        theta: draws from p_φ(θ), shape ``(M, *event_shape)``.
        likelihood: the explicit layer p(x | θ), e.g. ``Normal(sigma)``.
        chunk: block size (>= 1) over both N and M, or None for the whole matrix at once.

    Returns:
        Tensor of shape (N,), in nats (float32 at least).
    """
    _check_likelihood(likelihood)
    if chunk is None:
        log_p = likelihood.pairwise_log_prob(x, theta)              # (N, M)
        return torch.logsumexp(log_p, dim=1) - math.log(log_p.shape[1])
    _checks.positive_int("chunk", chunk)
    x = _checks.tensor("x", x)
    theta = _checks.tensor("theta", theta)
    if x.shape[0] < 1 or theta.shape[0] < 1:
        # the likelihood's own checks name the empty argument
        return log_marginal(x, theta, likelihood)
    rows = []
    for i in range(0, x.shape[0], chunk):
        running = None                                              # log Σ_m p(x_n | θ_m) so far
        for j in range(0, theta.shape[0], chunk):
            block = likelihood.pairwise_log_prob(x[i:i + chunk], theta[j:j + chunk])
            part = torch.logsumexp(block, dim=1)                    # (chunk,)
            running = part if running is None else torch.logaddexp(running, part)
        rows.append(running)
    return torch.cat(rows) - math.log(theta.shape[0])


def sig_cross_entropy(x: Tensor, theta: Tensor, likelihood: Likelihood, chunk: int | None = None) -> Tensor:
    """Monte-Carlo estimate of H_M, the SIG upper bound on the cross-entropy (eq. 6).

    H_M ≈ -(1/N) Σ_i log (1/M) Σ_j p(x_i | θ_j), computed as a log-sum-exp over
    the (N, M) matrix of pairwise log-likelihoods, so memory is O(N M), or
    O(chunk²) with ``chunk`` (see :func:`log_marginal`).

    Args:
        x: data, shape ``(N, *event_shape)``.
        theta: draws from the implicit distribution p_φ(θ), shape ``(M, *event_shape)``.
        likelihood: the explicit layer p(x | θ), e.g. ``Normal(sigma)``.
        chunk: optional block size over N and M (see :func:`log_marginal`).

    Returns:
        Scalar tensor in nats; differentiable with respect to theta. float16 and bfloat16
        inputs are computed, and the value returned, in float32 (their gradient with
        respect to theta has theta's dtype).
    """
    return -log_marginal(x, theta, likelihood, chunk).mean()
