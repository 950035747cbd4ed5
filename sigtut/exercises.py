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


def _bisect(above: Callable[[float], bool], lo: float, hi: float, steps: int = 200) -> float:
    """The point of [lo, hi] where ``above`` turns from false to true, by ``steps`` halvings."""
    for _ in range(steps):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if above(mid) else (mid, hi)
    return (lo + hi) / 2


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
        root = _bisect(lambda n1: gap(n1) > 0, 0.0, float(others))
        _close(f"thresholds[{K}]", got, root, rel=1e-6, abs_tol=1e-9)


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
    root = _bisect(lambda m: kl_of(m) <= kl, 1.0, float(modes))   # kl_of decreases in m
    _close("m_paper", m_paper, root, rel=1e-6)


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


@_check("ex-two-modes")
def _two_modes(share_1: Any) -> None:
    """Chapter 3: the minimiser of J(m) = −n₁ log(mu + (1−m)v) − n₂ log((1−m)u + mv) (eq. 14).

    K = 2, n = (70, 30), u = 1/3, v = 1/30; the key is the root of J'(m), found by bisection
    (J is convex, so J' is increasing on [0, 1]).
    """
    n1, n2, u, v = 70.0, 30.0, 1 / 3, 1 / 30

    def slope(m: float) -> float:              # J'(m)
        return -n1 * (u - v) / (m * u + (1 - m) * v) + n2 * (u - v) / ((1 - m) * u + m * v)
    root = _bisect(lambda m: slope(m) > 0, 0.0, 1.0)
    _close("share_1", share_1, root, rel=1e-9)


@_check("ex-critical-separation")
def _critical_separation(c_star: float, sigma_star: float, spacing: float = 2.0) -> None:
    """Chapter 3: the separation c* at which Theorem 1 (with KKT) starts to keep the light modes.

    The grid of Figure 3(a): 15 heavy modes with twice the data of the 10 light ones, u and v
    from Corollary 1 in two dimensions. The key is found by bisecting c on the sign of a light
    mode's share in :func:`sigtut.theory.theorem1_optimum` (the KKT optimum, not eq. 15's form).
    """
    from .theory import corollary1_uv, theorem1_optimum

    counts = [2.0] * 15 + [1.0] * 10                   # heavy modes first, then the light ones

    def light_survives(c: float) -> bool:
        u, v = corollary1_uv(c, 2)
        return theorem1_optimum(counts, u, v)[-1] > 0
    want = _bisect(light_survives, 2.0, 8.0, steps=60)   # lost at c = 2, kept at c = 8
    _close("c_star", c_star, want, rel=1e-6)
    _close("sigma_star", sigma_star, spacing / want, rel=1e-6)


@_check("ex-water-filling")
def _water_filling(water_filling: Callable[[list[float], float, float], Any]) -> None:
    """Chapter 3: a KKT solver for Theorem 1, tested by the KKT conditions of its answers.

    For J(m) = −Σ_k n_k log(m_k u + (1 − m_k) v) on {m_k ≥ 0, Σ m_k = 1}, the minimiser has
    ∂J/∂m_k = −n_k (u − v) / (m_k (u − v) + v) equal to −β on every mode with m_k > 0 and
    ≥ −β on every mode with m_k = 0 (J is strictly convex, so these conditions fix it).
    """
    from .theory import corollary1_uv

    gen = torch.Generator().manual_seed(18)
    problems: list[tuple[list[float], float, float]] = [([60.0, 27.0, 13.0], 2.0, 1.0)]
    for c, K in ((2.0, 6), (3.0, 10), (5.0, 25)):
        n = (torch.rand(K, generator=gen, dtype=torch.float64) * 99 + 1).tolist()
        u, v = corollary1_uv(c, 2)
        problems.append((n, float(u), float(v)))
    for n, u, v in problems:
        try:
            shares = [float(s) for s in water_filling(list(n), u, v)]
        except Exception as err:                       # a crash is a wrong answer here
            raise ExerciseIncorrect(f"water_filling raised {type(err).__name__}") from None
        where = f"water_filling is not correct yet (K = {len(n)})"
        if len(shares) != len(n) or min(shares) < -1e-12:
            raise ExerciseIncorrect(where)
        if not math.isclose(sum(shares), 1.0, rel_tol=1e-9):
            raise ExerciseIncorrect(where)
        grads = [-nk * (u - v) / (mk * (u - v) + v) for nk, mk in zip(n, shares)]
        active = [g for g, m in zip(grads, shares) if m > 1e-12]
        beta = -sum(active) / len(active)
        if any(not math.isclose(g, -beta, rel_tol=1e-6) for g in active):
            raise ExerciseIncorrect(where)
        if any(g < -beta * (1 + 1e-6) for g, m in zip(grads, shares) if m <= 1e-12):
            raise ExerciseIncorrect(where)


def _sympy_function(name: str, expr: Any, symbols: tuple[str, ...]) -> Callable[..., float]:
    """A float function of the named sympy symbols in ``expr``; other symbols are wrong."""
    import sympy as sp

    try:
        expr = sp.sympify(expr)
    except (sp.SympifyError, TypeError):
        raise ExerciseIncorrect(f"{name} must be a sympy expression") from None
    by_name = {str(sym): sym for sym in expr.free_symbols}
    if not set(by_name) <= set(symbols):
        raise ExerciseIncorrect(f"{name} may only contain the symbols {', '.join(symbols)}")
    args = [by_name.get(s, sp.Symbol(s)) for s in symbols]
    return sp.lambdify(args, expr, "math")


@_check("ex-nb-moments")
def _nb_moments(p0_expr: Any, var_expr: Any) -> None:
    """Chapter 4: P(x = 0) and Var x of the Poisson–Gamma(r, β) mixture, against scipy's NB(r, p).

    The mixture is NB(r, p = β/(1 + β)) (the chapter's lemma); the key is scipy's nbinom at
    a few (r, β), not the sympy integral.
    """
    from scipy import stats

    p0_of = _sympy_function("p0_expr", p0_expr, ("r", "beta"))
    var_of = _sympy_function("var_expr", var_expr, ("r", "beta"))
    for r, beta in ((2.0, 1.0), (0.2, 9.0), (3.5, 0.4)):
        nb = stats.nbinom(r, beta / (1 + beta))
        try:
            got_p0, got_var = p0_of(r, beta), var_of(r, beta)
        except (TypeError, ValueError, ZeroDivisionError):
            raise ExerciseIncorrect("p0_expr or var_expr cannot be evaluated") from None
        _close("p0_expr", got_p0, float(nb.pmf(0)), rel=1e-9)
        _close("var_expr", got_var, float(nb.var()), rel=1e-9)


@_check("ex-toy-exact-pmf")
def _toy_exact_pmf(model_pmf: Callable[[torch.Tensor, int], Any], tv_exact: float,
                   theta: torch.Tensor) -> None:
    """Chapter 4: SIG's Poisson-layer PMF (1/J) Σ_j Poisson(k; θ_j), and its TV to NB(2, 0.5).

    The key uses scipy's Poisson PMF in float64, averaged over the draws directly (no log
    space), on a fixed set of rates that includes θ = 0 and a large θ, and on ``theta``.
    """
    import numpy as np
    from scipy import stats

    def reference(rates: np.ndarray, k_max: int) -> np.ndarray:
        return stats.poisson.pmf(np.arange(k_max + 1)[None, :], rates[:, None]).mean(0)

    gen = torch.Generator().manual_seed(4)
    rates = torch.cat([torch.tensor([0.0, 1e-9, 60.0, 150.0], dtype=torch.float64),
                       8 * torch.rand(50, generator=gen, dtype=torch.float64)])
    for test_theta, k_max in ((rates.reshape(-1, 1), 200), (theta.detach().cpu(), 100)):
        try:
            got = torch.as_tensor(model_pmf(test_theta, k_max), dtype=torch.float64).cpu()
        except Exception as err:                       # a crash is a wrong answer here
            raise ExerciseIncorrect(f"model_pmf raised {type(err).__name__}") from None
        want = reference(test_theta.double().reshape(-1).numpy(), k_max)
        if got.shape != (k_max + 1,) or not np.allclose(got.numpy(), want, rtol=1e-6,
                                                         atol=1e-12):
            raise ExerciseIncorrect("model_pmf is not correct yet")
    nb = stats.nbinom(2, 0.5).pmf(np.arange(101))
    want_tv = 0.5 * float(np.abs(reference(theta.detach().cpu().double().reshape(-1).numpy(),
                                             100) - nb).sum())
    _close("tv_exact", tv_exact, want_tv, rel=1e-6)


@_check("ex-hq-radius")
def _hq_radius(hq_expr: Any, rho_99: float, hq_wider: float) -> None:
    """Chapter 5: P(‖z‖ < ρ) for z ~ N(0, I₂), the radius holding 99 %, and hq of 1.5× wide modes.

    The key is the χ²₂ CDF (‖z‖² ~ χ²₂) through :func:`sigtut.metrics.true_bin_probabilities`,
    with ρ₉₉ found by bisection on it, not the polar integral.
    """
    import numpy as np

    from .metrics import true_bin_probabilities

    def inside(radius: float) -> float:
        return float(true_bin_probabilities(np.ones(1), 2, radius=radius)[0])

    hq_of = _sympy_function("hq_expr", hq_expr, ("rho",))
    for radius in (0.5, 1.0, 2.0, 3.0, 4.5):
        try:
            got = hq_of(radius)
        except (TypeError, ValueError, ZeroDivisionError):
            raise ExerciseIncorrect("hq_expr cannot be evaluated") from None
        _close("hq_expr", got, inside(radius), rel=1e-9)
    root = _bisect(lambda rho: inside(rho) >= 0.99, 0.0, 10.0, steps=100)
    _close("rho_99", rho_99, root, rel=1e-9)
    _close("hq_wider", hq_wider, inside(3.0 / 1.5), rel=1e-9)


@_check("ex-gansi-toy-gradients")
def _gansi_toy_gradients(grad_h: Any, grad_h1: Any) -> None:
    """Chapter 6: ∂H/∂μ and ∂H_1/∂μ on the Gaussian toy of Section 3's errata (eq. 6, eq. 12).

    The keys are :func:`sigtut.theory.gansi.cross_entropy_gradient` and, for H_1, that
    gradient times 1 + :func:`sigtut.theory.gansi.h_m_gap_at_m1`, at a few (μ, s, σ).
    """
    from .theory.gansi import cross_entropy_gradient, h_m_gap_at_m1

    h_of = _sympy_function("grad_h", grad_h, ("mu", "s", "sigma"))
    h1_of = _sympy_function("grad_h1", grad_h1, ("mu", "s", "sigma"))
    for mu, s, sigma in ((1.0, 1.0, 1.0), (-0.7, 0.3, 2.0), (2.5, 1.7, 0.4)):
        exact = cross_entropy_gradient(mu, s, sigma)
        try:
            got_h, got_h1 = h_of(mu, s, sigma), h1_of(mu, s, sigma)
        except (TypeError, ValueError, ZeroDivisionError):
            raise ExerciseIncorrect("grad_h or grad_h1 cannot be evaluated") from None
        _close("grad_h", got_h, exact, rel=1e-9)
        _close("grad_h1", got_h1, exact * (1 + h_m_gap_at_m1(s, sigma)), rel=1e-9)


@_check("ex-optimal-discriminator")
def _optimal_discriminator(logit_expr: Any, x_half: Any, value_at_match: float) -> None:
    """Chapter 6: D*'s logit log p_data − log p_g for N(0, 1) against N(μ, 1), and V(D*, G) at μ = 0.

    The logit is compared with torch's Normal log-densities on a grid of (x, μ); the point
    D* = 1/2 is found by bisection on that reference logit; V(D*, G) at μ = 0 by quadrature
    of eq. (10) with the reference D* (trapezoid rule on [−12, 12]).
    """
    logit_of = _sympy_function("logit_expr", logit_expr, ("x", "mu"))
    half_of = _sympy_function("x_half", x_half, ("mu",))
    normal = torch.distributions.Normal

    def reference(x: float, mu: float) -> float:
        x_t = torch.tensor(x, dtype=torch.float64)
        return float(normal(0.0, 1.0).log_prob(x_t) - normal(mu, 1.0).log_prob(x_t))

    try:
        for mu in (-1.5, 0.5, 2.0):
            for x in (-2.0, 0.0, 0.7, 3.0):
                _close("logit_expr", logit_of(x, mu), reference(x, mu), rel=1e-9, abs_tol=1e-12)
            lo, hi = -10.0, 10.0                        # the logit is monotone in x for μ ≠ 0
            rising = reference(hi, mu) > reference(lo, mu)
            root = _bisect(lambda x: (reference(x, mu) > 0) == rising, lo, hi)
            _close("x_half", half_of(mu), root, rel=1e-9, abs_tol=1e-12)
    except (TypeError, ValueError, ZeroDivisionError):
        raise ExerciseIncorrect("logit_expr or x_half cannot be evaluated") from None
    xs = torch.linspace(-12.0, 12.0, 20_001, dtype=torch.float64)
    d_star = torch.sigmoid(normal(0.0, 1.0).log_prob(xs) - normal(0.0, 1.0).log_prob(xs))
    density = normal(0.0, 1.0).log_prob(xs).exp()
    value = float(torch.trapezoid(density * (torch.log(d_star) + torch.log1p(-d_star)), xs))
    _close("value_at_match", value_at_match, value, rel=1e-6)


@_check("ex-gansi-objective")
def _gansi_objective(gansi_loss: Callable[..., torch.Tensor]) -> None:
    """Chapter 6: GAN-SI's generator loss −1/M Σ_j log D(θ_j) + λ H_M (eq. 12), by hand.

    Compared, in value and in its gradients with respect to the logits and θ, with
    :func:`sigtut.methods.gan.generator_loss` plus λ :func:`sigtut.objectives.sig_cross_entropy`
    on random batches: vectors and images, a wide and a narrow σ (where exp underflows).
    """
    from .likelihoods import Normal
    from .methods.gan import generator_loss
    from .objectives import sig_cross_entropy

    gen = torch.Generator().manual_seed(12)
    for shape, sigma, lam in (((2,), 1.0, 0.5), ((1, 6, 6), 0.2, 1e-2), ((3,), 0.005, 2.0)):
        x = torch.rand(7, *shape, generator=gen, dtype=torch.float64) * 2 - 1
        theta = (torch.rand(4, *shape, generator=gen, dtype=torch.float64) * 2 - 1)
        logits = 3 * torch.randn(4, 1, generator=gen, dtype=torch.float64)
        want_inputs = [logits.clone().requires_grad_(True), theta.clone().requires_grad_(True)]
        want = (generator_loss(want_inputs[0])
                + lam * sig_cross_entropy(x, want_inputs[1], Normal(sigma)))
        want_grads = torch.autograd.grad(want, want_inputs)
        got_inputs = [logits.clone().requires_grad_(True), theta.clone().requires_grad_(True)]
        where = f"gansi_loss is not correct yet (sigma = {sigma})"
        try:
            got = gansi_loss(got_inputs[0], x, got_inputs[1], sigma, lam)
            got_grads = torch.autograd.grad(got, got_inputs)
        except Exception as err:                        # a crash is a wrong answer here
            raise ExerciseIncorrect(f"gansi_loss raised {type(err).__name__}") from None
        if not (isinstance(got, torch.Tensor) and got.numel() == 1
                and torch.allclose(got.double().reshape(()), want, rtol=1e-6, atol=1e-9)):
            raise ExerciseIncorrect(where)
        for g, w in zip(got_grads, want_grads):
            if g is None or not torch.allclose(g.double(), w, rtol=1e-5, atol=1e-9):
                raise ExerciseIncorrect(where)


@_check("ex-unseen-triples")
def _unseen_triples(unseen_expr: Any, n_min: int) -> None:
    """Chapter 7: E[#unseen triples] = 1000 (1 − 1/1000)^n for n uniform draws, and the n where it is < 1.

    The key for ``n_min`` is a scan over n that multiplies the miss probability step by step.
    """
    unseen_of = _sympy_function("unseen_expr", unseen_expr, ("n",))
    for n in (1, 10, 2_000, 26_000):
        try:
            got = unseen_of(n)
        except (TypeError, ValueError, OverflowError):
            raise ExerciseIncorrect("unseen_expr cannot be evaluated") from None
        _close("unseen_expr", got, 1000 * (999 / 1000) ** n, rel=1e-9)
    unseen, n = 1000.0, 0
    while unseen >= 1.0:
        unseen, n = unseen * (1 - 1 / 1000), n + 1
    try:
        whole = not isinstance(n_min, bool) and float(n_min) == int(n_min)
    except (TypeError, ValueError):
        whole = False
    if not whole or int(n_min) != n:
        raise ExerciseIncorrect("n_min is not correct yet")


@_check("ex-hq-triple")
def _hq_triple(c_min: float, hq_triple: float, hq_channel: float) -> None:
    """Chapter 7: the per-channel confidence whose triple clears Table 2's 0.7, and both readings at 0.85.

    The key for ``c_min`` is a bisection on :func:`sigtut.metrics.stacked_mnist.triple_metrics`
    of images whose three channels have top-digit probability c (the rest spread evenly).
    """
    from .metrics.stacked_mnist import HQ_THRESHOLD, triple_metrics, triples_from_digits

    def digits(c: float) -> torch.Tensor:
        p = torch.full((2, 3, 10), (1 - c) / 9, dtype=torch.float64)
        p[..., 3] = c
        return p

    def high_quality(c: float) -> float:
        return triple_metrics(triples_from_digits(digits(c)))["hq"]
    root = _bisect(lambda c: high_quality(c) > 0, 0.5, 1.0, steps=60)
    _close("c_min", c_min, root, rel=1e-9)
    _close("hq_triple", hq_triple, high_quality(0.85), abs_tol=1e-12)
    per_channel = float((digits(0.85).max(-1).values > HQ_THRESHOLD).all(-1).double().mean())
    _close("hq_channel", hq_channel, per_channel, abs_tol=1e-12)


@_check("ex-inception-score")
def _inception_score(inception_score: Callable[[torch.Tensor], float]) -> None:
    """Chapter 7: eq. (13), exp E_x KL(p(y|x) ‖ p(y)), on (n, 10) class probabilities.

    The key is :func:`sigtut.metrics.stacked_mnist.channel_metrics` (the entropy form
    exp(H(y) − E H(y|x))) on the rows copied to three channels: random Dirichlet rows,
    one-hot rows, rows with zeros, and identical rows (IS = 1).
    """
    from .metrics.stacked_mnist import channel_metrics

    gen = torch.Generator().manual_seed(13)
    gamma = -torch.log(torch.rand(50, 10, generator=gen, dtype=torch.float64))
    dirichlet = gamma / gamma.sum(1, keepdim=True)
    one_hot = torch.eye(10, dtype=torch.float64)[torch.randint(0, 6, (40,), generator=gen)]
    sparse = dirichlet.clone()
    sparse[:, 5:] = 0
    sparse = sparse / sparse.sum(1, keepdim=True)
    same = dirichlet[:1].repeat(20, 1)
    for name, p in (("random", dirichlet), ("one-hot", one_hot), ("with zeros", sparse),
                    ("identical", same)):
        want = channel_metrics(p.unsqueeze(1).repeat(1, 3, 1))["is"]
        try:
            got = inception_score(p.clone())
        except Exception as err:                        # a crash is a wrong answer here
            raise ExerciseIncorrect(f"inception_score raised {type(err).__name__}") from None
        _close(f"inception_score on {name} rows", got, want, rel=1e-9)
