"""Theorem 1 and Corollary 1 of the paper, derived with sympy (paper eqs. 7, 14, 15 and 16).

Theorem 1 studies an idealised SIG: K separated modes, n_k of the N data points in mode k,
m_k of the M draws θ_j placed in mode k, and a radial basis function r whose expectation is
u for a pair (x, θ) in the same mode and v < u for a pair in different modes. Grouping the
pairs of eq. (14) by mode turns the objective into

    J(m) = -Σ_k n_k log(m_k u + (M - m_k) v),

which is minimised over {m_k ≥ 0, Σ_k m_k = M}. Every step here is computed by sympy: the
Lagrangian, its stationary point (the paper's eq. 15), the Hessian, and the survival
threshold. :func:`theorem1_optimum` adds what the paper leaves out: the constraint m_k ≥ 0.
When eq. (15) gives a negative share, the Karush–Kuhn–Tucker conditions set that mode to 0
and the stationary point is re-solved on the remaining modes, until no share is negative.

Corollary 1 evaluates u and v for Gaussian modes: x ~ N(μ_x, σ² I), θ ~ N(μ_θ, σ² I) and
r(x, θ) = exp(-‖x - θ‖² / 2σ²), with ‖μ_x - μ_θ‖ = cσ. :func:`corollary1_uv` computes the
expectations by symbolic integration (in one dimension, then as a product over dimensions) or
through the moment generating function of the non-central χ² (the paper's eq. 16).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
import sympy as sp

Number = int | float | sp.Expr
UV_METHODS = ("integral", "mgf")


class Theorem1Symbols(NamedTuple):
    """The symbols of Theorem 1 for K modes (same names and assumptions on every call)."""

    m: tuple[sp.Symbol, ...]   # m_1..m_K: number of θ's in each mode
    n: tuple[sp.Symbol, ...]   # n_1..n_K: number of data points in each mode
    u: sp.Symbol               # E r(x, θ), x and θ in the same mode
    v: sp.Symbol               # E r(x, θ), x and θ in different modes
    M: sp.Symbol               # total number of θ's
    N: sp.Symbol               # total number of data points, Σ_k n_k
    beta: sp.Symbol            # Lagrange multiplier of Σ_k m_k = M


# ---------------------------------------------------------------------------------------
# argument checks
# ---------------------------------------------------------------------------------------

def _n_modes(K: int) -> int:
    if isinstance(K, bool) or not isinstance(K, Integral):
        raise TypeError(f"K must be an int, got {type(K).__name__}")
    if K < 1:
        raise ValueError(f"K must be >= 1, got {K}")
    return int(K)


def _is_exact(value: object) -> bool:
    """True for ints and sympy numbers without floating-point parts."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (Integral, np.integer)):
        return True
    return isinstance(value, sp.Expr) and value.is_number and not value.has(sp.Float)


def _number(name: str, value: object) -> Number:
    """``value`` as an exact sympy number or a Python float; TypeError/ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, (Real, np.integer, np.floating, sp.Expr)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if isinstance(value, sp.Expr):
        if not value.is_number or value.is_real is False:
            raise TypeError(f"{name} must be a real number, got {value}")
        if _is_exact(value):
            return value
        value = float(value)
    if _is_exact(value):
        return sp.Integer(int(value))
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def _counts(n: Sequence[object]) -> list[Number]:
    if isinstance(n, (str, bytes)) or not isinstance(n, (Sequence, np.ndarray)):
        raise TypeError(f"n must be a sequence of counts, got {type(n).__name__}")
    counts = [_number(f"n[{k}]", value) for k, value in enumerate(n)]
    if not counts:
        raise ValueError("n must hold at least one count (K >= 1)")
    for k, value in enumerate(counts):
        if value < 0:
            raise ValueError(f"n[{k}] must be >= 0, got {value}")
    if sum(counts) <= 0:
        raise ValueError("n must not be all zero: Theorem 1 needs at least one data point")
    return counts


def _uv(u: object, v: object) -> tuple[Number, Number]:
    u_, v_ = _number("u", u), _number("v", v)
    if v_ < 0:
        raise ValueError(f"v must be >= 0 (an expected RBF value), got {v_}")
    if not u_ > v_:
        raise ValueError(f"u must be > v (modes must be separated), got u = {u_}, v = {v_}")
    return u_, v_


# ---------------------------------------------------------------------------------------
# Theorem 1: the objective and its stationary point
# ---------------------------------------------------------------------------------------

def theorem1_symbols(K: int) -> Theorem1Symbols:
    """Symbols m_1..m_K, n_1..n_K, u, v, M, N, β with the assumptions Theorem 1 needs (all > 0)."""
    K = _n_modes(K)
    m = sp.symbols(f"m_1:{K + 1}", positive=True)
    n = sp.symbols(f"n_1:{K + 1}", positive=True)
    u, v, M, N, beta = sp.symbols("u v M N beta", positive=True)
    return Theorem1Symbols(tuple(m), tuple(n), u, v, M, N, beta)


def theorem1_pairwise_objective(data_modes: Sequence[int], theta_modes: Sequence[int]) -> sp.Expr:
    """The right-hand side of eq. (14) written pair by pair: -Σ_i log Σ_j E r(x_i, θ_j).

    E r(x_i, θ_j) is u when data point i and draw j are in the same mode, v otherwise.
    Expanding this for concrete labels checks the grouping by mode in :func:`theorem1_objective`.

    Args:
        data_modes: t_i, the mode (0-based) of each data point.
        theta_modes: z_j, the mode (0-based) of each draw θ_j.
    """
    for name, labels in (("data_modes", data_modes), ("theta_modes", theta_modes)):
        if len(labels) == 0:
            raise ValueError(f"{name} must not be empty")
        if any(isinstance(t, bool) or not isinstance(t, (Integral, np.integer)) or t < 0 for t in labels):
            raise ValueError(f"{name} must hold mode indices >= 0, got {list(labels)}")
    s = theorem1_symbols(1)
    return -sum(sp.log(sum(s.u if t == z else s.v for z in theta_modes)) for t in data_modes)


def theorem1_objective(K: int) -> sp.Expr:
    """J(m) = -Σ_k n_k log(m_k u + (M - m_k) v): eq. (14) grouped by mode (≡ eq. 7 up to constants).

    A data point in mode k meets m_k draws with expected kernel u and M - m_k with v, and
    n_k data points share that term. Eq. (7) equals J/N + log M + (d/2) log(2πσ²), so both
    have the same minimiser.
    """
    s = theorem1_symbols(K)
    return -sum(nk * sp.log(mk * s.u + (s.M - mk) * s.v) for mk, nk in zip(s.m, s.n))


def theorem1_lagrangian(K: int) -> sp.Expr:
    """L(m, β) = J(m) + β (Σ_k m_k - M), the Lagrangian of the appendix's proof of Theorem 1."""
    s = theorem1_symbols(K)
    return theorem1_objective(K) + s.beta * (sum(s.m) - s.M)


def theorem1_hessian(K: int) -> sp.Matrix:
    """The K × K Hessian of J with respect to m_1..m_K (diagonal: J is a sum of one-mode terms)."""
    s = theorem1_symbols(K)
    return sp.hessian(theorem1_objective(K), s.m).applyfunc(sp.factor)


class Theorem1Solution(NamedTuple):
    """The stationary point of the Lagrangian for a generic mode k of K, step by step.

    Symbols: ``k`` and ``K`` (integers), ``n`` and ``m`` (sympy IndexedBase, n[k], m[k]),
    and u, v, M, N, β as in :func:`theorem1_symbols`.
    """

    gradient: sp.Expr      # ∂L/∂m_k
    m_of_beta: sp.Expr     # m_k solving ∂L/∂m_k = 0, a function of β
    beta: sp.Expr          # β solving Σ_k m_k = M, with Σ_k n_k = N
    share: sp.Expr         # m_k / M at the stationary point (eq. 15, may be negative)
    threshold: sp.Expr     # the n_k at which ``share`` is 0


@lru_cache(maxsize=None)
def theorem1_solution() -> Theorem1Solution:
    """Solve the Lagrangian's stationarity for any number of modes K, with sympy.

    L depends on m_k only through n_k log(m_k u + (M - m_k) v) and β m_k, so ∂L/∂m_k = 0 is one
    equation in m_k and β; sympy solves it for m_k (affine in n_k), sums it over k = 1..K with
    Σ_k n_k = N,
    solves Σ_k m_k = M for β, and solves share = 0 for n_k.
    """
    s = theorem1_symbols(1)
    k, K = sp.symbols("k K", integer=True, positive=True)
    n, m = sp.IndexedBase("n", positive=True), sp.IndexedBase("m", positive=True)
    lagrangian_k = -n[k] * sp.log(m[k] * s.u + (s.M - m[k]) * s.v) + s.beta * m[k]
    gradient = sp.factor(sp.diff(lagrangian_k, m[k]))
    (m_of_beta,) = sp.solve(gradient, m[k])
    # m_k(β) = a n_k + b with a, b the same for every mode, so Σ_k m_k = a N + K b
    slope, intercept = sp.simplify(sp.diff(m_of_beta, n[k])), sp.simplify(m_of_beta.subs(n[k], 0))
    total = slope * sp.Sum(n[k], (k, 1, K)) + sp.summation(intercept, (k, 1, K))
    total = total.subs(sp.Sum(n[k], (k, 1, K)), s.N)
    (beta,) = sp.solve(sp.Eq(total, s.M), s.beta)
    share = sp.factor(m_of_beta.subs(s.beta, beta) / s.M)
    (threshold,) = sp.solve(share, n[k])
    return Theorem1Solution(gradient, sp.factor(m_of_beta), sp.factor(beta), share, sp.factor(threshold))


def theorem1_stationary_point(K: int) -> dict[sp.Symbol, sp.Expr]:
    """The stationary point of :func:`theorem1_lagrangian` for K modes: {m_k: ..., β: ...}.

    :func:`theorem1_solution` written out for a concrete K in the symbols of
    :func:`theorem1_symbols` (N stands for n_1 + ... + n_K). Eq. (15) without m_k ≥ 0.
    """
    s = theorem1_symbols(K)
    general = theorem1_solution()
    k, K_sym = sp.symbols("k K", integer=True, positive=True)
    n, m = sp.IndexedBase("n", positive=True), sp.IndexedBase("m", positive=True)
    solution = {mk: (s.M * general.share).subs({n[k]: nk, K_sym: K}) for mk, nk in zip(s.m, s.n)}
    solution[s.beta] = general.beta.subs(K_sym, K)
    return solution


def theorem1_paper_share(K: int) -> list[sp.Expr]:
    """The paper's eq. (15) as printed: m_k*/M = n_k/N + (n_k/N - 1/K) K v / (u - v).

    Kept to be compared with :func:`theorem1_stationary_point`, never used to compute an optimum.
    """
    s = theorem1_symbols(K)
    return [nk / s.N + (nk / s.N - sp.Rational(1, K)) * K * s.v / (s.u - s.v) for nk in s.n]


@lru_cache(maxsize=None)
def _share_function() -> Callable[..., float]:
    """The stationary share of :func:`theorem1_solution` as a float function of (n_k, N, K, u, v)."""
    s = theorem1_symbols(1)
    k, K = sp.symbols("k K", integer=True, positive=True)
    n_k = sp.IndexedBase("n", positive=True)[k]
    return sp.lambdify([n_k, s.N, K, s.u, s.v], theorem1_solution().share, "math")


def _stationary_shares(counts: list[Number], u: Number, v: Number, exact: bool) -> list[Number]:
    """Eq. (15) for the given modes (all active), exact or in floating point."""
    total, n_active = sum(counts), len(counts)
    if not exact:
        share = _share_function()
        return [share(float(c), float(total), n_active, float(u), float(v)) for c in counts]
    s = theorem1_symbols(1)
    k, K = sp.symbols("k K", integer=True, positive=True)
    n_k = sp.IndexedBase("n", positive=True)[k]
    share = theorem1_solution().share.subs({s.N: total, K: n_active, s.u: u, s.v: v})
    return [sp.simplify(share.subs(n_k, c)) for c in counts]


def theorem1_optimum(n: Sequence[object], u: object, v: object, K: int | None = None) -> list[Number]:
    """The minimiser of J over {m_k ≥ 0, Σ_k m_k = M}, as shares m_k/M (Theorem 1 with KKT).

    The stationary point of the Lagrangian (eq. 15) is computed on the active modes; modes
    whose share comes out negative are set to 0 (their KKT multiplier takes up the slack) and
    the stationary point is re-solved on the rest, until all shares are ≥ 0. Because the shares
    of the remaining modes only fall when a mode is removed, the removed modes stay at 0 and
    the result satisfies every KKT condition; J is convex, so it is the global minimum. When
    eq. (15) is non-negative everywhere, it is returned unchanged. The answer does not depend
    on M.

    Args:
        n: n_1..n_K, the data counts (or proportions) of the K modes, ≥ 0, not all 0.
        u: expected kernel within a mode, > v.
        v: expected kernel across modes, ≥ 0.
        K: the number of modes, when the caller knows it (e.g. a mixture's component count);
            it must equal ``len(n)``.

    Returns:
        K shares summing to 1: exact sympy numbers when n, u and v are all exact (ints or
        sympy numbers), floats otherwise.
    """
    counts = _counts(n)
    if K is not None and _n_modes(K) != len(counts):
        raise ValueError(f"n must have K = {K} entries, one per mode, got {len(counts)}")
    u_, v_ = _uv(u, v)
    exact = all(_is_exact(x) for x in (*counts, u_, v_))
    active = list(range(len(counts)))
    while True:
        shares = _stationary_shares([counts[k] for k in active], u_, v_, exact)
        negative = {k for k, share in zip(active, shares) if share < 0}
        if not negative:
            break
        active = [k for k in active if k not in negative]
    result: list[Number] = [sp.Integer(0) if exact else 0.0] * len(counts)
    for k, share in zip(active, shares):
        result[k] = share
    return result


def theorem1_survival_threshold(N: object, K: int, u: object, v: object) -> Number:
    """The count n_k above which eq. (15) gives mode k a positive share: N v / (u - v + K v).

    Solved by sympy from the stationary share (:func:`theorem1_solution`). It equals the main
    text's N/K · 1/(1 + (u - v)/(K v)). It is the condition for survival in the *unconstrained*
    solution; once other modes vanish the threshold of the remaining modes rises, so at the
    true optimum (:func:`theorem1_optimum`) it is necessary but not sufficient.

    Returns:
        An exact sympy number when N, u, v are exact, a float otherwise.
    """
    K = _n_modes(K)
    if K < 2:
        raise ValueError(f"K must be >= 2 for a survival threshold (one mode always survives), got {K}")
    N_ = _number("N", N)
    if not N_ > 0:
        raise ValueError(f"N must be > 0, got {N_}")
    u_, v_ = _uv(u, v)
    s = theorem1_symbols(1)
    K_sym = sp.Symbol("K", integer=True, positive=True)
    value = theorem1_solution().threshold.subs({s.N: N_, K_sym: K, s.u: u_, s.v: v_})
    return sp.simplify(value) if all(_is_exact(x) for x in (N_, u_, v_)) else float(value)


# ---------------------------------------------------------------------------------------
# Corollary 1: u and v for Gaussian modes
# ---------------------------------------------------------------------------------------

def _gaussian_density(y: sp.Symbol, mean: sp.Expr, std: sp.Expr) -> sp.Expr:
    return sp.exp(-(y - mean) ** 2 / (2 * std**2)) / sp.sqrt(2 * sp.pi * std**2)


@lru_cache(maxsize=None)
def rbf_expectation_1d(spread_x: sp.Rational = sp.Integer(1), spread_theta: sp.Rational = sp.Integer(1)) -> sp.Expr:
    """E exp(-(x - θ)² / 2) for x ~ N(δ, s_x²), θ ~ N(0, s_θ²) in one dimension, by integration.

    Lengths are in units of σ, so this is E exp(-(x - θ)² / 2σ²) with means δσ apart and
    spreads s_x σ, s_θ σ. Sympy integrates over x, then over θ. Corollary 1 is s_x = s_θ = 1.

    Returns:
        An expression in the symbol ``delta`` (the separation δ in units of σ).
    """
    s_x, s_t = sp.nsimplify(spread_x), sp.nsimplify(spread_theta)
    for name, value in (("spread_x", s_x), ("spread_theta", s_t)):
        if not (value.is_number and value > 0):
            raise ValueError(f"{name} must be > 0, got {value}")
    x, theta = sp.symbols("x theta", real=True)
    delta = sp.Symbol("delta", real=True)
    inner = sp.integrate(sp.exp(-(x - theta) ** 2 / 2) * _gaussian_density(x, delta, s_x), (x, -sp.oo, sp.oo), conds="none")
    outer = sp.integrate(sp.expand(inner) * _gaussian_density(theta, 0, s_t), (theta, -sp.oo, sp.oo), conds="none")
    return sp.simplify(sp.expand(outer))


@lru_cache(maxsize=None)
def noncentral_chi2_mgf(d: int = 1) -> sp.Expr:
    """MGF E e^{tχ} of χ ~ χ²_d(λ), derived by sympy: one dimension integrated, then a product.

    For z ~ N(μ, 1), E e^{t z²} is integrated symbolically (t < 1/2); a d-dimensional z with
    ‖E z‖² = λ is rotated so that its mean lies on the first axis, which gives
    MGF_1(t; √λ) · MGF_1(t; 0)^{d-1} = (1 - 2t)^{-d/2} e^{λt/(1-2t)}.

    Returns:
        An expression in the symbols ``t`` (negative) and ``lambda`` (≥ 0).
    """
    d = _n_modes(d)
    z, mu = sp.symbols("z mu", real=True)
    t = sp.Symbol("t", negative=True)
    lam = sp.Symbol("lambda", nonnegative=True)
    one_dim = sp.simplify(sp.integrate(sp.exp(t * z**2) * _gaussian_density(z, mu, 1), (z, -sp.oo, sp.oo), conds="none"))
    return sp.simplify(one_dim.subs(mu, sp.sqrt(lam)) * one_dim.subs(mu, 0) ** (d - 1))


def _separation(c: object) -> tuple[sp.Expr, bool]:
    """c as a sympy value (symbols allowed) and whether the answer should stay symbolic/exact."""
    if isinstance(c, sp.Symbol):
        return c, True
    value = _number("c", c)
    if value < 0:
        raise ValueError(f"c must be >= 0, got {value}")
    return (value, True) if _is_exact(value) else (sp.Float(value, 30), False)


def rbf_uv(c: object, d: int, spread_x: float = 1.0, spread_theta: float = 1.0) -> tuple[Number, Number]:
    """(u, v) for Gaussian modes in d dimensions with spreads s_x σ, s_θ σ, centres cσ apart.

    The d-dimensional kernel is a product over coordinates; put the offset on the first axis:
    u = E_1(0)^d and v = E_1(c) E_1(0)^{d-1}, with E_1 from :func:`rbf_expectation_1d`.
    With s_x = s_θ = 1 this is Corollary 1 (:func:`corollary1_uv`).
    """
    d = _n_modes(d)
    c_value, exact = _separation(c)
    e1 = rbf_expectation_1d(sp.nsimplify(_number("spread_x", spread_x)), sp.nsimplify(_number("spread_theta", spread_theta)))
    delta = sp.Symbol("delta", real=True)
    u = e1.subs(delta, 0) ** d
    v = e1.subs(delta, c_value) * e1.subs(delta, 0) ** (d - 1)
    return (sp.simplify(u), sp.simplify(v)) if exact else (float(u), float(v))


def corollary1_uv(c: object, d: int, method: str = "integral") -> tuple[Number, Number]:
    """Corollary 1: (u, v) for x ~ N(μ_x, σ² I), θ ~ N(μ_θ, σ² I), r = exp(-‖x - θ‖²/2σ²).

    u is the expectation when μ_x = μ_θ, v when ‖μ_x - μ_θ‖ = cσ. Both methods give
    u = 3^{-d/2} and v = 3^{-d/2} e^{-c²/6}.

    Args:
        c: separation of the means in units of σ (a number or a sympy symbol).
        d: dimension of x.
        method: ``"integral"`` (symbolic integration, :func:`rbf_uv`) or ``"mgf"`` (the
            paper's route, eq. 16: z = (x - θ)/(√2 σ), χ = zᵀz ~ χ²_d(λ = c²/2), E e^{-χ} = MGF(-1)).

    Returns:
        (u, v): sympy expressions when c is exact or symbolic, floats otherwise.
    """
    if method not in UV_METHODS:
        raise ValueError(f"method must be one of {UV_METHODS}, got {method!r}")
    if method == "integral":
        return rbf_uv(c, d)
    d = _n_modes(d)
    c_value, exact = _separation(c)
    mgf = noncentral_chi2_mgf(d)
    t, lam = sp.Symbol("t", negative=True), sp.Symbol("lambda", nonnegative=True)
    u = mgf.subs({t: -1, lam: 0})
    v = mgf.subs({t: -1, lam: c_value**2 / 2})
    return (sp.simplify(u), sp.simplify(v)) if exact else (float(u), float(v))


def corollary1_ratio(c: object) -> Number:
    """v / (u - v) of Corollary 1, simplified by sympy: 1 / (e^{c²/6} - 1), for any dimension.

    Returns a sympy expression for exact or symbolic c, a float otherwise.
    """
    c_value, exact = _separation(c)
    c_sym = sp.Symbol("c", positive=True)
    u, v = corollary1_uv(c_sym, 1)
    ratio = sp.simplify(sp.powsimp(v / (u - v)))
    value = ratio.subs(c_sym, c_value)
    return sp.simplify(value) if exact else float(value)
