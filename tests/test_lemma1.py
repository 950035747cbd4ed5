"""Lemma 1 (eq. 6): the exact sympy values of sigtut.theory against independent numerics."""
import itertools
import math

import numpy as np
import pytest
import sympy as sp
import torch
from scipy import integrate, optimize, stats

import sigtut
from sigtut.theory import (
    DiscreteExample,
    correlated_bits_example,
    exact_cross_entropy,
    exact_h_m,
    gaussian_case,
    gaussian_gap_proof,
    gaussian_h1_minimiser,
    h_m_sequence,
    joint_kl,
    m1_gap,
    marginal_kl,
    model_posterior,
    optimal_point,
    point_cross_entropy,
    two_minimisers_example,
)

torch.set_num_threads(1)


def poisson_example() -> DiscreteExample:
    return DiscreteExample(
        support=((0,), (1,), (2,), (4,)),
        data_probs=("1/2", "1/8", "1/8", "1/4"),
        atoms=(("1/5",), ("3",), ("5",)),
        weights=("1/2", "1/4", "1/4"),
        likelihood="poisson",
    )


def numpy_tables(ex: DiscreteExample) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """p_data (X,), weights (A,) and the likelihood table p(x | θ_a) (X, A), with scipy pmfs."""
    atoms = np.array([[float(t) for t in a] for a in ex.atoms])          # (A, D)
    xs = np.array(ex.support, dtype=float)                               # (X, D)
    if ex.likelihood == "bernoulli":
        lik = stats.bernoulli.pmf(xs[:, None, :], atoms[None, :, :]).prod(axis=2)
    else:
        lik = stats.poisson.pmf(xs[:, None, :], atoms[None, :, :]).prod(axis=2)
    return np.array([float(p) for p in ex.data_probs]), np.array([float(w) for w in ex.weights]), lik


def brute_force_h_m(ex: DiscreteExample, M: int) -> float:
    """H_M by enumerating all A^M ordered tuples (θ_1..θ_M) - no multinomial shortcut."""
    p_data, w, lik = numpy_tables(ex)
    total = 0.0
    for tup in itertools.product(range(len(w)), repeat=M):
        prob = np.prod(w[list(tup)])
        total += prob * -(p_data * np.log(lik[:, list(tup)].mean(axis=1))).sum()
    return total


@pytest.mark.parametrize("make", [correlated_bits_example, poisson_example])
def test_exact_h_and_h_m_equal_brute_force(make):
    ex = make()
    p_data, w, lik = numpy_tables(ex)
    assert float(exact_cross_entropy(ex)) == pytest.approx(-(p_data * np.log(lik @ w)).sum(), rel=1e-12)
    for M in range(1, 5):
        assert float(exact_h_m(ex, M)) == pytest.approx(brute_force_h_m(ex, M), rel=1e-12)


@pytest.mark.parametrize("make", [correlated_bits_example, poisson_example])
def test_h_m_decreases_to_h(make):
    ex = make()
    H = sp.N(exact_cross_entropy(ex), 40)
    seq = [sp.N(h, 40) for h in h_m_sequence(ex, 6)]
    for a, b in zip(seq, seq[1:]):
        assert H < b < a
    assert seq[0] - H > 2 * (seq[-1] - H)


def test_h_m_approaches_h_at_the_delta_method_rate():
    # H_M - H ≈ c / M with c = Σ_x p_data(x) Var_θ[p(x|θ)] / (2 p_model(x)²)
    ex = correlated_bits_example()
    p_data, w, lik = numpy_tables(ex)
    p_model = lik @ w
    var = (lik**2) @ w - p_model**2
    c = (p_data * var / (2 * p_model**2)).sum()
    M = 40
    gap = float(exact_h_m(ex, M) - exact_cross_entropy(ex))
    assert M * gap == pytest.approx(c, rel=0.1)


@pytest.mark.parametrize("M", [1, 3, 6])
def test_monte_carlo_sig_cross_entropy_matches_exact_h_m(M):
    ex = correlated_bits_example()
    p_data, w, _ = numpy_tables(ex)
    xs = torch.tensor(ex.support, dtype=torch.float64)
    atoms = torch.tensor([[float(t) for t in a] for a in ex.atoms], dtype=torch.float64)
    gen = torch.Generator().manual_seed(M)
    estimates = []
    for _ in range(400):
        x = xs[torch.multinomial(torch.tensor(p_data), 200, replacement=True, generator=gen)]
        theta = atoms[torch.multinomial(torch.tensor(w), M, replacement=True, generator=gen)]
        estimates.append(sigtut.sig_cross_entropy(x, theta, sigtut.Bernoulli()).item())
    est = np.array(estimates)
    se = est.std(ddof=1) / math.sqrt(len(est))
    assert abs(est.mean() - float(exact_h_m(ex, M))) < 4 * se


def test_m1_statement_on_the_discrete_example():
    ex = correlated_bits_example()
    theta_star = optimal_point(ex)
    p_data, _, _ = numpy_tables(ex)
    data_mean = (p_data[:, None] * np.array(ex.support)).sum(axis=0)
    np.testing.assert_allclose([float(t) for t in theta_star], data_mean)
    # numerical minimisation of L(θ) agrees with the sympy minimiser
    def loss(theta):
        return float(point_cross_entropy(ex, tuple(sp.Float(t) for t in theta)))
    res = optimize.minimize(loss, x0=[0.3, 0.7], bounds=[(1e-3, 1 - 1e-3)] * 2)
    np.testing.assert_allclose(res.x, data_mean, atol=1e-4)
    assert sp.N(m1_gap(ex), 30) > 0
    point_mass = DiscreteExample(ex.support, ex.data_probs, (theta_star,), (1,), ex.likelihood)
    assert sp.simplify(m1_gap(point_mass)) == 0


def test_gaussian_closed_forms_match_numerical_integration():
    case = gaussian_case()
    vals = {case.m: 0.7, case.s: 1.3, case.mu: -0.4, case.tau: 0.8, case.sigma: 0.5}
    m, s, mu, tau, sigma = (vals[k] for k in (case.m, case.s, case.mu, case.tau, case.sigma))
    H_num, _ = integrate.quad(
        lambda x: -stats.norm.pdf(x, m, s) * stats.norm.logpdf(x, mu, math.hypot(sigma, tau)), -np.inf, np.inf)
    # H_1 = E_θ E_x [-log N(x; θ, σ²)] by a 2-D Gauss-Hermite rule over (x, θ)
    nodes, weights = np.polynomial.hermite_e.hermegauss(30)
    weights = weights / weights.sum()
    xg, tg = np.meshgrid(m + s * nodes, mu + tau * nodes, indexing="ij")
    H1_num = -(np.outer(weights, weights) * stats.norm.logpdf(xg, tg, sigma)).sum()
    assert float(case.H.subs(vals)) == pytest.approx(H_num, rel=1e-7)
    assert float(case.H1.subs(vals)) == pytest.approx(H1_num, rel=1e-6)


def test_gaussian_gap_proof_and_minimiser():
    case = gaussian_case()
    proof = gaussian_gap_proof(case)
    assert proof.matches and proof.first_term_nonnegative and proof.second_term_nonnegative and proof.holds
    rng = np.random.default_rng(0)
    for m, s, mu, tau, sigma in rng.uniform(0.05, 3.0, size=(50, 5)):
        vals = {case.m: m, case.s: s, case.mu: -mu, case.tau: tau, case.sigma: sigma}
        assert float((case.H1 - case.H).subs(vals)) > 0
    best = gaussian_h1_minimiser(case)
    assert best.mu_star == case.m and best.theta_star == case.m
    assert sp.simplify(best.dH1_dtau - case.tau / case.sigma**2) == 0
    assert best.limit_equals_point_loss


def test_two_minimisers_break_the_iff():
    ex = two_minimisers_example()
    m = sp.Symbol("m", positive=True)
    assert [sp.simplify(r**2 - m) for r in ex.minimisers] == [0, 0]
    assert sp.simplify(ex.h1_two_point - ex.min_loss) == 0
    # numerically: at m = 2, s = 1 both ±√2 minimise L and a Dirac at 0 does not
    loss = sp.lambdify(ex.theta, ex.point_loss.subs({m: 2, sp.Symbol("s", positive=True): 1}))
    for start in (-1.0, 1.0):
        res = optimize.minimize_scalar(loss, bracket=(start, 1.5 * start))
        assert abs(abs(res.x) - math.sqrt(2)) < 1e-4
    assert loss(0.0) > loss(math.sqrt(2)) + 0.5


def test_vae_joint_kl_is_never_below_sig_marginal_kl():
    ex = correlated_bits_example()
    p_data, w, lik = numpy_tables(ex)
    marginal = float(marginal_kl(ex))
    assert marginal == pytest.approx((p_data * np.log(p_data / (lik @ w))).sum(), rel=1e-12)
    assert float(joint_kl(ex, model_posterior(ex))) == pytest.approx(marginal, rel=1e-12)
    rng = np.random.default_rng(1)
    for _ in range(5):
        enc = rng.dirichlet(np.ones(3), size=4)
        enc = [[sp.Rational(round(q * 1000), 1000) for q in row[:-1]] for row in enc]
        enc = [row + [1 - sum(row)] for row in enc]
        assert float(joint_kl(ex, enc)) > marginal


def test_bad_examples_raise_naming_the_argument():
    with pytest.raises(ValueError, match="weights"):
        DiscreteExample(((0,),), (1,), (("1/2",),), ("1/2",))
    with pytest.raises(TypeError, match="data_probs"):
        DiscreteExample(((0,),), (1.0,), (("1/2",),), (1,))
    with pytest.raises(ValueError, match="likelihood"):
        DiscreteExample(((0,),), (1,), (("1/2",),), (1,), likelihood="gamma")
    with pytest.raises(ValueError, match="M"):
        exact_h_m(correlated_bits_example(), 0)
