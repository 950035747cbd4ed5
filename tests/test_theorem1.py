"""Theorem 1 and Corollary 1 (sigtut.theory.theorem1) against independent computations.

The optimum is compared with scipy's SLSQP on the simplex, the stationary point with the
gradient of the Lagrangian, Corollary 1 with Monte-Carlo averages and with scipy's
non-central χ² density.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from scipy import integrate, optimize, stats

from sigtut.theory import (
    corollary1_ratio,
    corollary1_uv,
    noncentral_chi2_mgf,
    rbf_uv,
    theorem1_hessian,
    theorem1_lagrangian,
    theorem1_objective,
    theorem1_optimum,
    theorem1_pairwise_objective,
    theorem1_paper_share,
    theorem1_stationary_point,
    theorem1_survival_threshold,
    theorem1_symbols,
)


def _gradient(p: np.ndarray, w: np.ndarray, u: float, v: float) -> np.ndarray:
    """The gradient of -Σ w_k log(p_k u + (1 - p_k) v) in p."""
    return -w * (u - v) / (p * (u - v) + v)


def _slsqp_shares(n: np.ndarray, u: float, v: float) -> np.ndarray:
    """Minimise -Σ n_k log(p_k u + (1 - p_k) v) over the simplex with SLSQP (independent of sigtut)."""
    w = n / n.sum()

    def f(p: np.ndarray) -> float:
        return -float(w @ np.log(p * (u - v) + v))

    def grad(p: np.ndarray) -> np.ndarray:
        return _gradient(p, w, u, v)

    k = len(n)
    res = optimize.minimize(
        f, np.full(k, 1.0 / k), jac=grad, method="SLSQP", bounds=[(0.0, 1.0)] * k,
        constraints=[{"type": "eq", "fun": lambda p: p.sum() - 1.0, "jac": lambda p: np.ones_like(p)}],
        options={"ftol": 1e-16, "maxiter": 2000},
    )
    # Status 8 ("positive directional derivative for linesearch") is SLSQP stopping at the limit of
    # floating-point precision, which ftol = 1e-16 reaches on flat instances (u close to v) on some
    # CPUs and not on others; its point is still the optimum to about 1e-8, which the caller checks.
    assert res.success or res.status == 8, res.message
    return res.x


def _kkt_violation(p: np.ndarray, n: np.ndarray, u: float, v: float) -> float:
    """How far shares p are from the KKT conditions of min -Σ w_k log(p_k u + (1 - p_k) v) on the simplex.

    The problem is convex, so p is its minimum exactly when the gradient is the same on every
    mode with p_k > 0 and no smaller on the modes with p_k = 0; the result is the largest
    relative violation of either condition (0 at the optimum).
    """
    grad = _gradient(p, n / n.sum(), u, v)
    active = p > 0
    level = grad[active].mean()
    spread = np.abs(grad[active] - level).max()
    below = max(0.0, float(level - grad[~active].min())) if (~active).any() else 0.0
    return max(spread, below) / abs(level)


def test_optimum_matches_slsqp_on_random_instances() -> None:
    rng = np.random.default_rng(0)
    feasible = infeasible = 0
    for _ in range(150):
        k = int(rng.integers(2, 9))
        n = rng.integers(1, 200, size=k).astype(float)
        if rng.random() < 0.5:
            n[rng.integers(k)] = float(rng.integers(1, 5))     # a tiny mode
        u = float(rng.uniform(0.2, 1.0))
        v = float(u * rng.choice([rng.uniform(0.0, 0.05), rng.uniform(0.05, 0.9)]))
        # use the paper's closed form only to classify the instance
        w = n / n.sum()
        closed = w + (w - 1.0 / k) * k * v / (u - v)
        if (closed < 0).any():
            infeasible += 1
        else:
            feasible += 1
        ours = np.array(theorem1_optimum(list(n), u, v))
        np.testing.assert_allclose(ours, _slsqp_shares(n, u, v), atol=1e-6)
        assert abs(ours.sum() - 1.0) < 1e-12 and (ours >= 0).all()
        assert _kkt_violation(ours, n, u, v) < 1e-9
        assert _kkt_violation(np.full(k, 1.0 / k), n, u, v) > 1e-6 or np.ptp(n) == 0   # the check can fail
    assert feasible >= 30 and infeasible >= 30, (feasible, infeasible)


def test_optimum_is_paper_form_when_feasible_and_exact() -> None:
    s = theorem1_symbols(3)
    n, u, v = [6, 5, 4], sp.Integer(3), sp.Integer(1)
    paper = [e.subs({**dict(zip(s.n, n)), s.N: sum(n), s.u: u, s.v: v}) for e in theorem1_paper_share(3)]
    assert all(p > 0 for p in paper)
    ours = theorem1_optimum(n, u, v)
    assert ours == paper
    assert all(isinstance(x, sp.Rational) for x in ours)


def test_optimum_kkt_correction_by_hand() -> None:
    # eq. (15) gives mode 3 the share 1/6 + (1/6 - 1/3)·3/2 = -1/12; on modes {1, 2} with K = 2:
    # 3/5 + (3/5 - 1/2)·1 = 7/10 and 2/5 + (2/5 - 1/2)·1 = 3/10.
    assert theorem1_optimum([3, 2, 1], 3, 1) == [sp.Rational(7, 10), sp.Rational(3, 10), 0]
    assert theorem1_optimum([3, 2, 1], 3.0, 1.0) == pytest.approx([0.7, 0.3, 0.0], abs=1e-12)


def test_survival_condition_is_not_sufficient() -> None:
    # n_2 = 27 is above N v / (u - v + K v) = 25, yet mode 2 vanishes once mode 3 is removed
    assert theorem1_survival_threshold(100, 3, 2, 1) == 25
    assert theorem1_optimum([60, 27, 13], 2, 1) == [1, 0, 0]


def test_optimum_without_overlap_is_the_data_share() -> None:
    assert theorem1_optimum([1, 2, 0, 5], 1, 0) == [sp.Rational(1, 8), sp.Rational(1, 4), 0, sp.Rational(5, 8)]


def test_stationary_point_zeroes_the_lagrangian_gradient() -> None:
    K = 4
    s = theorem1_symbols(K)
    point = theorem1_stationary_point(K)
    lagrangian = theorem1_lagrangian(K)
    values = {**dict(zip(s.n, [3, 7, 11, 2])), s.N: 23, s.u: sp.Rational(5, 7), s.v: sp.Rational(1, 9), s.M: 50}
    at_point = {mk: point[mk].subs(values) for mk in s.m} | {s.beta: point[s.beta].subs(values)}
    for mk in s.m:
        assert sp.simplify(sp.diff(lagrangian, mk).subs(values).subs(at_point)) == 0
    assert sp.simplify(sum(at_point[mk] for mk in s.m) - 50) == 0
    paper = theorem1_paper_share(K)
    for mk, p in zip(s.m, paper):
        assert sp.simplify(point[mk] / s.M - p) == 0


def test_grouped_objective_equals_pairwise_sum() -> None:
    rng = np.random.default_rng(1)
    t, z = rng.integers(0, 3, size=12).tolist(), rng.integers(0, 3, size=7).tolist()
    s = theorem1_symbols(3)
    values = {**{s.n[k]: t.count(k) for k in range(3)}, **{s.m[k]: z.count(k) for k in range(3)}, s.M: 7}
    grouped = theorem1_objective(3).subs(values)
    pairwise = theorem1_pairwise_objective(t, z)
    for u, v in ((0.9, 0.2), (0.5, 0.01)):
        assert float(grouped.subs({s.u: u, s.v: v})) == pytest.approx(float(pairwise.subs({s.u: u, s.v: v})), rel=1e-12)


def test_hessian_matches_finite_differences_and_is_positive() -> None:
    K = 3
    s = theorem1_symbols(K)
    hess = theorem1_hessian(K)
    values = {s.n[0]: 4.0, s.n[1]: 1.0, s.n[2]: 2.0, s.u: 0.8, s.v: 0.3, s.M: 10.0}
    f = sp.lambdify([s.m], theorem1_objective(K).subs(values))
    m0, h = np.array([2.0, 5.0, 3.0]), 1e-4
    for i in range(K):
        for j in range(K):
            ei, ej = np.eye(K)[i] * h, np.eye(K)[j] * h
            fd = (f(m0 + ei + ej) - f(m0 + ei - ej) - f(m0 - ei + ej) + f(m0 - ei - ej)) / (4 * h * h)
            exact = float(hess[i, j].subs(values).subs(dict(zip(s.m, m0))))
            assert exact == pytest.approx(fd, rel=1e-5, abs=1e-7)
    assert all(float(hess[i, i].subs(values).subs(dict(zip(s.m, m0)))) > 0 for i in range(K))


def test_survival_threshold_at_its_boundary() -> None:
    N, K, u, v = 120, 5, sp.Rational(2, 3), sp.Rational(1, 5)
    threshold = theorem1_survival_threshold(N, K, u, v)
    assert threshold == sp.Rational(N, K) / (1 + (u - v) / (K * v))     # the main text's form
    rest = (N - threshold) / (K - 1)
    at = theorem1_optimum([threshold] + [rest] * (K - 1), u, v)
    assert at[0] == 0 and all(x > 0 for x in at[1:])
    above = theorem1_optimum([threshold + sp.Rational(1, 100)] + [rest] * (K - 1), u, v)
    assert above[0] > 0
    assert theorem1_survival_threshold(120.0, K, 2 / 3, 0.2) == pytest.approx(float(threshold), rel=1e-12)


@pytest.mark.parametrize(("c", "d", "spread_x", "spread_theta"), [(1.5, 2, 1.0, 1.0), (0.7, 1, 1.0, 1.0), (2.0, 3, 0.2, 0.5)])
def test_rbf_uv_matches_monte_carlo(c: float, d: int, spread_x: float, spread_theta: float) -> None:
    rng = np.random.default_rng(2)
    n = 200_000
    offset = np.zeros(d)
    offset[0] = c
    for mean, expected in ((np.zeros(d), 0), (offset, 1)):
        x = mean + spread_x * rng.standard_normal((n, d))
        theta = spread_theta * rng.standard_normal((n, d))
        kernel = np.exp(-((x - theta) ** 2).sum(1) / 2)
        value = rbf_uv(c, d, spread_x, spread_theta)[expected]
        assert abs(value - kernel.mean()) < 4 * kernel.std() / math.sqrt(n)


def test_corollary1_closed_forms_and_methods_agree() -> None:
    c = sp.Symbol("c", positive=True)
    for d in (1, 2, 3):
        u, v = corollary1_uv(c, d)
        assert sp.simplify(u - 3 ** sp.Rational(-d, 2)) == 0
        assert sp.simplify(v - 3 ** sp.Rational(-d, 2) * sp.exp(-c**2 / 6)) == 0
        u_m, v_m = corollary1_uv(c, d, method="mgf")
        assert sp.simplify(u - u_m) == 0 and sp.simplify(v - v_m) == 0
    assert sp.simplify(corollary1_ratio(c) - 1 / (sp.exp(c**2 / 6) - 1)) == 0
    u, v = corollary1_uv(4.0, 2)
    assert corollary1_ratio(4.0) == pytest.approx(v / (u - v), rel=1e-12)


def test_noncentral_chi2_mgf_matches_scipy() -> None:
    t, lam = sp.Symbol("t", negative=True), sp.Symbol("lambda", nonnegative=True)
    for d, t_val, lam_val in ((1, -1.0, 0.8), (3, -0.4, 2.5)):
        ours = float(noncentral_chi2_mgf(d).subs({t: t_val, lam: lam_val}))
        numeric, _ = integrate.quad(lambda y: math.exp(t_val * y) * stats.ncx2.pdf(y, d, lam_val), 0, np.inf)
        assert ours == pytest.approx(numeric, rel=1e-7)


def test_bad_input_raises() -> None:
    with pytest.raises(ValueError, match="n\\[1\\]"):
        theorem1_optimum([3, -1, 2], 1.0, 0.1)
    with pytest.raises(ValueError, match="u must be > v"):
        theorem1_optimum([3, 1, 2], 0.1, 0.1)
    with pytest.raises(ValueError, match="v must be >= 0"):
        theorem1_optimum([3, 1, 2], 0.5, -0.1)
    with pytest.raises(ValueError, match="K = 4"):
        theorem1_optimum([3, 1, 2], 0.5, 0.1, K=4)
    with pytest.raises(ValueError, match="all zero"):
        theorem1_optimum([0, 0], 0.5, 0.1)
    with pytest.raises(TypeError, match="n\\[0\\]"):
        theorem1_optimum(["a", 1], 0.5, 0.1)
    with pytest.raises(ValueError, match="u must be > v"):
        theorem1_survival_threshold(10, 3, 0.2, 0.3)
    with pytest.raises(ValueError, match="K must be >= 2"):
        theorem1_survival_threshold(10, 1, 0.5, 0.1)
    with pytest.raises(ValueError, match="c must be >= 0"):
        corollary1_uv(-1.0, 2)
    with pytest.raises(ValueError, match="method"):
        corollary1_uv(1.0, 2, method="quad")
    with pytest.raises(ValueError, match="mode indices"):
        theorem1_pairwise_objective([0, -1], [0])
