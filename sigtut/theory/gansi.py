"""Two facts about GAN-SI's regulariser (paper Section 3, eq. 12, Algorithm 1), on a Gaussian toy model.

The toy: data x ~ N(0, 1) in one dimension; the implicit distribution θ ~ N(μ, s²) (a generator
that shifts its noise by μ); the explicit layer p(x | θ) = N(x; θ, σ²). Its marginal is
N(μ, s² + σ²), so the cross-entropy H(μ) = −E log p_model(x) is known in closed form.

1. **Algorithm 1's sign** (:func:`algorithm1_steps`). Line 6 of Algorithm 1 sets
   g_φ = −∇_φ[(1/M)Σ_j log D(θ_j) − λ (1/N)Σ_i log (1/M)Σ_j p(x_i | θ_j)] and line 7
   φ ← φ − η g_φ, which *ascends* the bracket and so *lowers* the log-likelihood. Eq. (12)
   and the code (``GANSI.generator_objective``) descend D's loss *plus* λ·H_M, which raises it.
2. **H_M is biased** (:func:`h_m_gradient`). H_M (eq. 6) is an upper bound of H, not an
   unbiased estimate of it, and so is its gradient: at M = 1 the expected gradient is μ/σ²,
   against H's μ/(s² + σ²). The gap shrinks like 1/M, so "SIG is a GAN with an optimal
   discriminator" holds only as M → ∞.
"""
from __future__ import annotations

import sympy as sp
import torch

from .. import _checks
from ..likelihoods import Normal
from ..objectives import sig_cross_entropy


def algorithm1_steps(eta: float = 0.1, lam: float = 1.0, mu: float = 1.0, sigma: float = 1.0) -> dict[str, sp.Expr]:
    """The log-likelihood of one data point x = 0 before and after one step of Algorithm 1 on θ = μ.

    With the discriminator term left out (it is the same in both), the printed line 6 gives
    g = −∇(−λ log p) and the step μ − η g; the corrected line gives g = −∇(+λ log p).

    Returns:
        dict with sympy numbers ``before``, ``printed`` and ``corrected``: log N(0; μ, σ²) at μ,
        after the printed step and after the corrected one.
    """
    m = sp.Symbol("mu", real=True)
    log_lik = -m**2 / (2 * sp.Float(sigma) ** 2) - sp.log(sp.Float(sigma) * sp.sqrt(2 * sp.pi))   # log N(0; μ, σ²)
    grad = sp.diff(log_lik, m)
    g_printed = -(-sp.Float(lam) * grad)                    # g_φ ← −∇[... − λ log p]   (line 6 as printed)
    g_corrected = -(sp.Float(lam) * grad)                   # g_φ ← −∇[... + λ log p]
    at = {m: sp.Float(mu)}
    step = lambda g: sp.Float(mu) - sp.Float(eta) * g.subs(at)   # line 7: φ ← φ − η g_φ
    return {"before": log_lik.subs(at), "printed": log_lik.subs(m, step(g_printed)),
            "corrected": log_lik.subs(m, step(g_corrected))}


def cross_entropy_gradient(mu: float, s: float, sigma: float) -> float:
    """∂H/∂μ of the toy model: the cross-entropy of N(0, 1) under N(μ, s² + σ²) is minimised at 0."""
    return mu / (s**2 + sigma**2)


def h_m_gradient(M: int, mu: float, s: float, sigma: float, n_x: int = 1024, repeats: int = 2000,
                 seed: int = 0) -> float:
    """Monte-Carlo estimate of E[∂H_M/∂μ] on the toy model (``repeats`` × ``n_x`` data points, float64).

    At M = 1 its expectation is exactly μ/σ² (the gradient of E (x − θ)²/2σ²); it tends to
    :func:`cross_entropy_gradient` as M grows.
    """
    _checks.positive_int("M", M)
    for name, value in (("s", s), ("sigma", sigma)):
        _checks.positive(name, value)
    gen = torch.Generator().manual_seed(seed)
    total = 0.0
    for _ in range(_checks.positive_int("repeats", repeats)):
        shift = torch.tensor(float(mu), dtype=torch.float64, requires_grad=True)
        x = torch.randn(n_x, 1, generator=gen, dtype=torch.float64)
        theta = shift + s * torch.randn(M, 1, generator=gen, dtype=torch.float64)
        (grad,) = torch.autograd.grad(sig_cross_entropy(x, theta, Normal(sigma)), shift)
        total += float(grad)
    return total / repeats


def h_m_gap_at_m1(s: float, sigma: float) -> float:
    """The relative gradient bias of H_1: (μ/σ²) / (μ/(s² + σ²)) − 1 = s²/σ² (independent of μ)."""
    return _checks.positive("s", s) ** 2 / _checks.positive("sigma", sigma) ** 2
