"""Automatic checks of the book's exercises: ``check(label, **answers)``.

Every exercise of the book that asks for a number or a small function has a *check cell*
after its solution (a code cell tagged ``check``) that calls :func:`check` with the
exercise's label and the student's answers. In the book the reference solution above it
passes the check; in a student hand-out (``python -m sigtut assign``) the solution is gone,
the student writes the answer, and ``python -m sigtut grade`` scores each exercise by its
checks. A check never prints the expected value, so a failing check gives nothing away.

The reference answers below are computed independently of the chapter's solution code where
a second route exists (a root found by bisection, an autograd gradient, a property of the
answer rather than the formula); where the answer is a closed form, the closed form is the key.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch

CHECKS: dict[str, Callable[..., None]] = {}


class ExerciseIncorrect(AssertionError):
    """An answer that does not pass its exercise's check (the grader counts it as failed)."""


def _check(label: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(fn: Callable[..., None]) -> Callable[..., None]:
        CHECKS[label] = fn
        return fn
    return register


def _close(name: str, got: Any, want: float, rel: float = 1e-6, abs_tol: float = 0.0) -> None:
    try:
        value = float(got)
    except (TypeError, ValueError):
        raise ExerciseIncorrect(f"{name} must be a number, got {type(got).__name__}") from None
    if not math.isclose(value, want, rel_tol=rel, abs_tol=abs_tol):
        raise ExerciseIncorrect(f"{name} is not correct yet")


def check(label: str, **answers: Any) -> None:
    """Check the answers to the exercise ``label``; print a one-line verdict or raise.

    Raises:
        ValueError: ``label`` names no exercise with a check.
        TypeError: an answer is missing or unexpected.
        ExerciseIncorrect: an answer is wrong (the message names it, not the expected value).
    """
    if label not in CHECKS:
        raise ValueError(f"label must be one of {sorted(CHECKS)}, got {label!r}")
    try:
        CHECKS[label](**answers)
    except TypeError as err:
        raise TypeError(f"check({label!r}, ...): {err}") from None
    print(f"✓ {label}: correct")


@_check("ex-single-gaussian")
def _single_gaussian(variance: float, cross_entropy: float, d: float = 4.0, s: float = 0.4) -> None:
    """Chapter 1: the maximum-likelihood Gaussian of ½N(−d/2, s²) + ½N(d/2, s²)."""
    var = s**2 + d**2 / 4                      # variance of each component + squared mean
    _close("variance", variance, var)
    _close("cross_entropy", cross_entropy, 0.5 * math.log(2 * math.pi * math.e * var))


@_check("ex-gaussian-marginal")
def _gaussian_marginal(marginal_variance: Any) -> None:
    """Chapter 1: θ ~ N(μ, τ²), x | θ ~ N(θ, σ²) gives x ~ N(μ, σ² + τ²)."""
    import sympy as sp

    if not isinstance(marginal_variance, sp.Expr):
        raise ExerciseIncorrect("marginal_variance must be a sympy expression in sigma and tau")
    names = {str(s): s for s in marginal_variance.free_symbols}
    if not set(names) <= {"sigma", "tau"}:
        raise ExerciseIncorrect("marginal_variance may use only the symbols sigma and tau")
    for sigma, tau in ((0.3, 1.7), (2.0, 0.5), (1.0, 1.0)):
        value = marginal_variance.subs({names[k]: v for k, v in (("sigma", sigma), ("tau", tau))
                                        if k in names})
        _close("marginal_variance", value, sigma**2 + tau**2, rel=1e-9)


@_check("ex-ideal-theta")
def _ideal_theta(within_mode_sd: float, s: float = 0.4, sigma: float = 0.1) -> None:
    """Chapter 1: the θ of one mode N(c, s²) under the layer N(θ, σ²) has variance s² − σ²."""
    _close("within_mode_sd", within_mode_sd, math.sqrt(s**2 - sigma**2), rel=1e-6)


@_check("ex-hm-rate")
def _hm_rate(c: Any) -> None:
    """Chapter 2: c = E_x v(x) / (2 P(x)²) of the two-bit example (the 1/M rate of H_M − H)."""
    from .theory import correlated_bits_example, likelihood_pmf

    bits = correlated_bits_example()
    want = 0.0
    for x, p_data in zip(bits.support, bits.data_probs):
        liks = [float(likelihood_pmf(bits.likelihood, x, a)) for a in bits.atoms]
        weights = [float(w) for w in bits.weights]
        mean = sum(w * lik for w, lik in zip(weights, liks))
        second = sum(w * lik**2 for w, lik in zip(weights, liks))
        want += float(p_data) * (second - mean**2) / (2 * mean**2)
    _close("c", c, want)


@_check("ex-h1-bits")
def _h1_bits(h1: Any) -> None:
    """Chapter 2: H_1 of the two-bit example, by the sum over ordered single draws (eq. 6, M = 1)."""
    from .theory import correlated_bits_example, likelihood_pmf

    bits = correlated_bits_example()
    want = -sum(float(w) * float(p) * math.log(float(likelihood_pmf(bits.likelihood, x, a)))
                for x, p in zip(bits.support, bits.data_probs) for a, w in zip(bits.atoms, bits.weights))
    _close("h1", h1, want)


@_check("ex-my-h-m")
def _my_h_m(h_m_bernoulli: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Chapter 2: a hand-written H_M for the Bernoulli layer against the package's (eq. 6)."""
    from .likelihoods import Bernoulli
    from .objectives import sig_cross_entropy

    gen = torch.Generator().manual_seed(3)
    for n, m, d in ((5, 3, 2), (7, 4, 1000)):          # D = 1000: products of p underflow
        x = (torch.rand(n, d, generator=gen) < 0.5).double()
        theta = 0.05 + 0.9 * torch.rand(m, d, generator=gen, dtype=torch.float64)
        got = h_m_bernoulli(x, theta)
        want = sig_cross_entropy(x, theta, Bernoulli())
        if not (isinstance(got, torch.Tensor) and got.numel() == 1 and torch.isfinite(got)
                and torch.allclose(got.double().reshape(()), want, rtol=1e-6)):
            raise ExerciseIncorrect(f"h_m_bernoulli is not correct yet (N, M, D = {n}, {m}, {d})")


@_check("ex-tiny-mode")
def _tiny_mode(thresholds: dict[int, float], separation: float = 5.0, others: int = 100) -> None:
    """Chapter 3: the smallest surviving n_1 for K = 5, 25, 100, found here by bisection."""
    from .theory import corollary1_uv, theorem1_survival_threshold

    if not isinstance(thresholds, dict) or set(thresholds) != {5, 25, 100}:
        raise ExerciseIncorrect("thresholds must be a dict with the keys 5, 25 and 100")
    u, v = (float(t) for t in corollary1_uv(separation, 2))
    for K, got in thresholds.items():
        def gap(n1: float) -> float:           # > 0 once n_1 exceeds its own threshold
            return n1 - float(theorem1_survival_threshold(n1 + others * (K - 1), K, u, v))
        lo, hi = 0.0, float(others)
        for _ in range(200):
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if gap(mid) > 0 else (mid, hi)
        _close(f"thresholds[{K}]", got, (lo + hi) / 2, rel=1e-6, abs_tol=1e-9)


@_check("ex-toy-zeros")
def _toy_zeros(layer: str, p0_sig: float, theta: torch.Tensor) -> None:
    """Chapter 4: the Poisson layer suffices; SIG's P(x = 0) is E_θ e^{−θ} of its θ's."""
    if not isinstance(layer, str) or layer.strip().lower() != "poisson":
        raise ExerciseIncorrect("layer is not correct yet")
    _close("p0_sig", p0_sig, float(torch.exp(-theta.double()).mean()), rel=1e-4)


@_check("ex-mixtures-kl")
def _mixtures_kl(m_paper: float, kl: float = 0.14, modes: int = 25) -> None:
    """Chapter 5: the m of KL = κ for m equally weighted, perfect modes of the 25-mode grid."""
    hq = 1 - math.exp(-4.5)                    # P_d's high-quality share, 1 − e^{−9/2}

    def kl_of(m: float) -> float:              # KL(P_g ‖ P_d) with mass 1/m on m bins
        return math.log(modes / m) - math.log(hq)
    lo, hi = 1.0, float(modes)
    for _ in range(200):                       # kl_of decreases in m: bisect for kl_of(m) = κ
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if kl_of(mid) > kl else (lo, mid)
    _close("m_paper", m_paper, (lo + hi) / 2, rel=1e-6)


@_check("ex-mixtures-responsibilities")
def _responsibilities(gradient_by_hand: Callable[[torch.Tensor, torch.Tensor, float], torch.Tensor]) -> None:
    """Chapter 5: ∂H_M/∂θ_j = −1/N Σ_i r_ij (x_i − θ_j)/σ², against autograd."""
    from .likelihoods import Normal
    from .objectives import sig_cross_entropy

    gen = torch.Generator().manual_seed(7)
    for sigma in (1.0, 0.3):
        xs = torch.randn(5, 2, generator=gen, dtype=torch.float64)
        thetas = torch.randn(3, 2, generator=gen, dtype=torch.float64).requires_grad_(True)
        (want,) = torch.autograd.grad(sig_cross_entropy(xs, thetas, Normal(sigma)), thetas)
        got = gradient_by_hand(xs, thetas.detach(), sigma)
        if not (isinstance(got, torch.Tensor) and got.shape == want.shape
                and torch.allclose(got.double(), want, rtol=1e-6, atol=1e-9)):
            raise ExerciseIncorrect(f"gradient_by_hand is not correct yet (sigma = {sigma})")


@_check("ex-gansi-lambda")
def _gansi_lambda(lam_star: float, g_gan: torch.Tensor, g_sig: torch.Tensor) -> None:
    """Chapter 6: the λ at which g_GAN + λ g_SIG is equally close to g_GAN and to g_SIG."""
    def cos(a: torch.Tensor, b: torch.Tensor) -> float:
        return float(torch.nn.functional.cosine_similarity(a.double(), b.double(), dim=0))
    try:
        lam = float(lam_star)
    except (TypeError, ValueError):
        raise ExerciseIncorrect("lam_star must be a number") from None
    if not lam > 0:
        raise ExerciseIncorrect("lam_star is not correct yet")
    step = g_gan + lam * g_sig
    if not math.isclose(cos(step, g_gan), cos(step, g_sig), rel_tol=1e-4, abs_tol=1e-6):
        raise ExerciseIncorrect("lam_star is not correct yet")


@_check("ex-stacked-modes")
def _stacked_modes(kl: float, modes: int, exp_h_y: float) -> None:
    """Chapter 7: mass ½ on one triple and 1/1998 on each other: KL, modes, exp H(y)."""
    p = [0.5] + [0.5 / 999] * 999
    entropy = -sum(q * math.log(q) for q in p)
    _close("kl", kl, math.log(1000) - entropy)
    if modes != 1000:
        raise ExerciseIncorrect("modes is not correct yet")
    _close("exp_h_y", exp_h_y, math.exp(entropy))


@_check("ex-gp-linear")
def _gp_linear(penalty: float, w: float = 0.05, dim: int = 3 * 32 * 32) -> None:
    """Chapter 8: a linear critic's gradient is w everywhere; penalty (‖w‖ − 1)², by autograd."""
    x = torch.randn(3, dim, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad((x * w).sum(), x)      # ∇ of f(x) = w·x at three points
    _close("penalty", penalty, float(((grad.norm(dim=1) - 1) ** 2).mean()), rel=1e-6)


@_check("ex-fid-gaussians")
def _fid_gaussians(fid: float, d: int = 4, shift: float = 0.5, scale: float = 2.0) -> None:
    """Chapter 8: the Fréchet distance of N(0, I_d) and N(shift·1, scale² I_d), by eigenvalues."""
    import numpy as np

    s1, s2 = np.eye(d), scale**2 * np.eye(d)
    root = np.sqrt(np.linalg.eigvals(s1 @ s2).real).sum()   # tr (Σ1 Σ2)^{1/2}
    _close("fid", fid, d * shift**2 + float(np.trace(s1 + s2)) - 2 * root, rel=1e-6)


@_check("ex-cifar-is-classes")
def _cifar_is_classes(six_classes: float, ten_classes: float) -> None:
    """Chapter 8: the Inception Score exp H(y) of certain classifications over k even classes."""
    _close("six_classes", six_classes, 6.0, rel=1e-6)
    _close("ten_classes", ten_classes, 10.0, rel=1e-6)
