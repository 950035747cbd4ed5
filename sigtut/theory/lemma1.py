"""Lemma 1 (paper eq. 6) in exact arithmetic: H ≤ H_{M+1} ≤ H_M, H_M → H, and the M = 1 case.

H is the cross-entropy of eq. (5), H = -E_{p_data(x)} log ∫ p(x | θ) p_φ(θ) dθ, and H_M the
SIG objective of eq. (6), H_M = -E_x E_{θ_1..θ_M ~ p_φ} log (1/M) Σ_j p(x | θ_j).

Three worked cases, each returning sympy expressions for the book to assert on:

* a discrete example (data on finitely many x, p_φ on finitely many atoms θ_a, a Bernoulli
  or Poisson layer p(x | θ)), where H and every H_M are finite sums, computed exactly;
* a Gaussian example, p(x | θ) = N(θ, σ²), p_φ = N(μ, τ²), data N(m, s²), where H and H_1
  are derived with ``sympy.stats`` and H_1 - H ≥ 0 is proved symbolically;
* a likelihood with two minimisers θ*, showing that the "if and only if" of the M = 1
  statement of Lemma 1 needs θ* to be unique.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import sympy as sp
from sympy import stats

LIKELIHOODS = ("bernoulli", "poisson")

Point = tuple[sp.Expr, ...]


def _rational(name: str, value: object) -> sp.Rational:
    """An exact rational from an int, a string like "1/3" or a sympy number (floats are refused)."""
    if isinstance(value, float):
        raise TypeError(f"{name} must be exact (int, 'p/q' string or sympy Rational), got the float {value}")
    try:
        number = sp.Rational(value)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be an exact rational, got {value!r}") from err
    return number


def _probabilities(name: str, values: Sequence[object]) -> tuple[sp.Rational, ...]:
    probs = tuple(_rational(name, v) for v in values)
    if not probs:
        raise ValueError(f"{name} must not be empty")
    if any(p <= 0 for p in probs):
        raise ValueError(f"{name} must all be > 0, got {[str(p) for p in probs]}")
    if sum(probs) != 1:
        raise ValueError(f"{name} must sum to 1, got {sum(probs)}")
    return probs


@dataclass(frozen=True)
class DiscreteExample:
    """A data distribution on finitely many x and a p_φ on finitely many atoms, all exact.

    Attributes:
        support: the values x, each a tuple of D non-negative integers.
        data_probs: p_data(x) for each value in ``support`` (exact rationals summing to 1).
        atoms: the atoms θ_a of p_φ, each a tuple of D exact rationals.
        weights: p_φ(θ_a) (exact rationals summing to 1).
        likelihood: ``"bernoulli"`` (x_d ∈ {0, 1}, θ_d ∈ (0, 1)) or ``"poisson"`` (θ_d > 0);
            p(x | θ) is the product over the D coordinates.
    """

    support: tuple[tuple[int, ...], ...]
    data_probs: tuple[sp.Rational, ...]
    atoms: tuple[Point, ...]
    weights: tuple[sp.Rational, ...]
    likelihood: str = "bernoulli"

    def __post_init__(self) -> None:
        if self.likelihood not in LIKELIHOODS:
            raise ValueError(f"likelihood must be one of {LIKELIHOODS}, got {self.likelihood!r}")
        support = tuple(tuple(int(v) for v in x) for x in self.support)
        atoms = tuple(tuple(_rational("atoms", v) for v in a) for a in self.atoms)
        if len(support) != len(self.data_probs):
            raise ValueError(f"support has {len(support)} values but data_probs has {len(self.data_probs)}")
        if len(atoms) != len(self.weights):
            raise ValueError(f"atoms has {len(atoms)} entries but weights has {len(self.weights)}")
        dims = {len(x) for x in support} | {len(a) for a in atoms}
        if len(dims) != 1 or 0 in dims:
            raise ValueError(f"support and atoms must all have the same dimension D >= 1, got {sorted(dims)}")
        if len(set(support)) != len(support):
            raise ValueError("support must not repeat a value")
        if any(v < 0 for x in support for v in x):
            raise ValueError("support must hold non-negative integers")
        if self.likelihood == "bernoulli":
            if any(v > 1 for x in support for v in x):
                raise ValueError("support must hold 0/1 vectors for a Bernoulli likelihood")
            if any(not 0 < t < 1 for a in atoms for t in a):
                raise ValueError("atoms must lie strictly inside (0, 1) for a Bernoulli likelihood")
        elif any(t <= 0 for a in atoms for t in a):
            raise ValueError("atoms must be > 0 for a Poisson likelihood")
        object.__setattr__(self, "support", support)
        object.__setattr__(self, "atoms", atoms)
        object.__setattr__(self, "data_probs", _probabilities("data_probs", self.data_probs))
        object.__setattr__(self, "weights", _probabilities("weights", self.weights))

    @property
    def dim(self) -> int:
        """D, the dimension of x and θ."""
        return len(self.support[0])


def correlated_bits_example() -> DiscreteExample:
    """Two correlated bits: p_data puts 2/5 on 00 and on 11 and 1/10 on 01 and on 10.

    No single Bernoulli product p(x | θ) has that correlation, but the three atoms
    (1/10, 1/10), (9/10, 9/10), (1/2, 1/2) with weights 2/5, 2/5, 1/5 mix to a model that does.
    """
    half, tenth, nine = sp.Rational(1, 2), sp.Rational(1, 10), sp.Rational(9, 10)
    return DiscreteExample(
        support=((0, 0), (0, 1), (1, 0), (1, 1)),
        data_probs=(sp.Rational(2, 5), tenth, tenth, sp.Rational(2, 5)),
        atoms=((tenth, tenth), (nine, nine), (half, half)),
        weights=(sp.Rational(2, 5), sp.Rational(2, 5), sp.Rational(1, 5)),
        likelihood="bernoulli",
    )


def likelihood_pmf(likelihood: str, x: Sequence[int], theta: Sequence[sp.Expr]) -> sp.Expr:
    """p(x | θ) = Π_d p(x_d | θ_d) for a Bernoulli or Poisson layer (the explicit part of eq. 3)."""
    if likelihood not in LIKELIHOODS:
        raise ValueError(f"likelihood must be one of {LIKELIHOODS}, got {likelihood!r}")
    if len(x) != len(theta):
        raise ValueError(f"x has dimension {len(x)} but theta has dimension {len(theta)}")
    if likelihood == "bernoulli":
        return sp.Mul(*(t**xd * (1 - t) ** (1 - xd) for xd, t in zip(x, theta)))
    return sp.Mul(*(sp.exp(-t) * t**xd / sp.factorial(xd) for xd, t in zip(x, theta)))


def _check_m(M: int) -> int:
    if isinstance(M, bool) or not isinstance(M, int):
        raise TypeError(f"M must be an int, got {type(M).__name__}")
    if M < 1:
        raise ValueError(f"M must be >= 1, got {M}")
    return M


def compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Every tuple (c_1, ..., c_parts) of non-negative integers with sum ``total``."""
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in compositions(total - first, parts - 1):
            yield (first, *rest)


def exact_cross_entropy(example: DiscreteExample) -> sp.Expr:
    """H(P_data, P_model) of eq. (5): -Σ_x p_data(x) log Σ_a w_a p(x | θ_a), exactly."""
    terms = []
    for x, p in zip(example.support, example.data_probs):
        marginal = sp.Add(*(w * likelihood_pmf(example.likelihood, x, a) for a, w in zip(example.atoms, example.weights)))
        terms.append(-p * sp.log(marginal))
    return sp.Add(*terms)


def exact_h_m(example: DiscreteExample, M: int) -> sp.Expr:
    """H_M of eq. (6), exactly, as a multinomial sum.

    The M draws θ_1..θ_M from p_φ matter only through how many land on each atom,
    (c_1, ..., c_A), which is multinomial(M; w_1..w_A); given the counts, the inner
    average is (1/M) Σ_a c_a p(x | θ_a). So::

        H_M = -Σ_x p_data(x) Σ_c [M! / Π_a c_a!] Π_a w_a^{c_a} log((1/M) Σ_a c_a p(x | θ_a)),

    a sum over C(M + A - 1, A - 1) count vectors instead of A^M ordered tuples.
    """
    _check_m(M)
    pmf = [[likelihood_pmf(example.likelihood, x, a) for a in example.atoms] for x in example.support]
    terms = []
    for counts in compositions(M, len(example.atoms)):
        prob = sp.factorial(M) * sp.Mul(*(w**c / sp.factorial(c) for w, c in zip(example.weights, counts)))
        for p_x, row in zip(example.data_probs, pmf):
            mean_lik = sp.Add(*(c * lik for c, lik in zip(counts, row))) / M
            terms.append(-p_x * prob * sp.log(mean_lik))
    return sp.Add(*terms)


def h_m_sequence(example: DiscreteExample, max_m: int = 6) -> list[sp.Expr]:
    """[H_1, ..., H_{max_m}] of eq. (6), exactly."""
    return [exact_h_m(example, M) for M in range(1, _check_m(max_m) + 1)]


def point_cross_entropy(example: DiscreteExample, theta: Sequence[sp.Expr]) -> sp.Expr:
    """L(θ) = -E_{p_data(x)} log p(x | θ): the cross-entropy of the explicit model at one θ (eq. 2)."""
    if len(theta) != example.dim:
        raise ValueError(f"theta must have dimension {example.dim}, got {len(theta)}")
    return sp.Add(*(-p * sp.log(likelihood_pmf(example.likelihood, x, theta))
                    for x, p in zip(example.support, example.data_probs)))


def optimal_point(example: DiscreteExample) -> Point:
    """θ* = argmin_θ L(θ) (Lemma 1, M = 1), solved with sympy coordinate by coordinate.

    L splits into a sum over coordinates, each strictly convex on the parameter domain,
    so each has one stationary point; a ValueError is raised if sympy finds any other number.
    """
    t = sp.Symbol("t", positive=True)
    point = []
    for d in range(example.dim):
        loss_d = sp.Add(*(-p * sp.log(likelihood_pmf(example.likelihood, (x[d],), (t,)))
                          for x, p in zip(example.support, example.data_probs)))
        roots = [r for r in sp.solve(sp.diff(loss_d, t), t)
                 if r.is_positive and (example.likelihood == "poisson" or r < 1)]
        if len(roots) != 1:
            raise ValueError(f"expected one minimiser in coordinate {d}, sympy found {roots}")
        point.append(sp.nsimplify(roots[0]))
    return tuple(point)


def m1_gap(example: DiscreteExample) -> sp.Expr:
    """H_1 - L(θ*): the M = 1 statement of Lemma 1 says it is ≥ 0, and 0 iff p_φ = δ_{θ*}.

    H_1 = Σ_a w_a L(θ_a) (eq. 6 with M = 1), so the gap is Σ_a w_a [L(θ_a) - L(θ*)].
    """
    return exact_h_m(example, 1) - point_cross_entropy(example, optimal_point(example))


@dataclass(frozen=True)
class GaussianCase:
    """Lemma 1 for p(x | θ) = N(θ, σ²), p_φ = N(μ, τ²) and data N(m, s²), in closed form.

    Attributes:
        m, s, mu, tau, sigma: the sympy symbols (m, μ real; s, τ, σ positive).
        H: the cross-entropy of eq. (5); the model's marginal is N(μ, σ² + τ²).
        H1: H_M of eq. (6) at M = 1, i.e. E_{θ ~ p_φ} L(θ).
        point_loss: L(θ) = -E_x log N(x; θ, σ²) as a function of the symbol ``theta``.
        theta: the symbol θ of ``point_loss``.
    """

    m: sp.Symbol
    s: sp.Symbol
    mu: sp.Symbol
    tau: sp.Symbol
    sigma: sp.Symbol
    theta: sp.Symbol
    H: sp.Expr
    H1: sp.Expr
    point_loss: sp.Expr


def _normal_cross_entropy(x: sp.Expr, mean: sp.Expr, var: sp.Expr) -> sp.Expr:
    """-E log N(x; mean, var) for a constant var: ½ log(2π var) + E[(x - mean)²] / (2 var)."""
    return sp.log(2 * sp.pi * var) / 2 + sp.simplify(stats.E((x - mean) ** 2)) / (2 * var)


def gaussian_case() -> GaussianCase:
    """Derive H, H_1 and L(θ) of the Gaussian case with ``sympy.stats`` expectations.

    The model marginal x = θ + σ ε, θ ~ N(μ, τ²), ε ~ N(0, 1) is Gaussian (a sum of
    independent Gaussians); its mean and variance are computed, not typed. Each
    cross-entropy is ½ log(2π v) + E[(x - c)²] / (2v) with the second moment from sympy.stats.
    """
    m, mu, theta = sp.symbols("m mu theta", real=True)
    s, tau, sigma = sp.symbols("s tau sigma", positive=True)
    x_data = stats.Normal("X", m, s)
    theta_rv = stats.Normal("Theta", mu, tau)
    eps = stats.Normal("epsilon", 0, 1)
    model_x = theta_rv + sigma * eps
    model_mean, model_var = stats.E(model_x), sp.simplify(stats.variance(model_x))
    H = _normal_cross_entropy(x_data, model_mean, model_var)
    H1 = _normal_cross_entropy(x_data, theta_rv, sigma**2)
    point_loss = _normal_cross_entropy(x_data, theta, sigma**2)
    return GaussianCase(m=m, s=s, mu=mu, tau=tau, sigma=sigma, theta=theta, H=H, H1=H1, point_loss=point_loss)


@dataclass(frozen=True)
class GapProof:
    """H_1 - H = ½ (t - log(1 + t)) + a t / (2 σ² (1 + t)), t = τ²/σ², a = s² + (m - μ)².

    Attributes:
        t, a: the symbols of the decomposition (both non-negative).
        decomposition: the right-hand side above, in t and a.
        matches: sympy simplifies (H_1 - H) - decomposition to 0 after substituting t and a.
        first_term_nonnegative: f(t) = t - log(1 + t) has f(0) = 0 and f'(t) = t/(1 + t) ≥ 0 for t ≥ 0.
        second_term_nonnegative: sympy's assumptions show a t / (2σ²(1 + t)) ≥ 0.
    """

    t: sp.Symbol
    a: sp.Symbol
    decomposition: sp.Expr
    matches: bool
    first_term_nonnegative: bool
    second_term_nonnegative: bool

    @property
    def holds(self) -> bool:
        """H_1 ≥ H proved: the identity holds and both terms are non-negative."""
        return self.matches and self.first_term_nonnegative and self.second_term_nonnegative


def gaussian_gap_proof(case: GaussianCase) -> GapProof:
    """Prove H_1 ≥ H (Lemma 1 with M = 1) for the Gaussian case, term by term."""
    t, a = sp.symbols("t a", nonnegative=True)
    first = (t - sp.log(1 + t)) / 2
    second = a * t / (2 * case.sigma**2 * (1 + t))
    substituted = (first + second).subs({t: case.tau**2 / case.sigma**2, a: case.s**2 + (case.m - case.mu) ** 2})
    matches = sp.simplify(case.H1 - case.H - substituted) == 0
    f = t - sp.log(1 + t)
    derivative_ok = sp.simplify(sp.diff(f, t) - t / (1 + t)) == 0 and bool((t / (1 + t)).is_nonnegative)
    first_ok = f.subs(t, 0) == 0 and derivative_ok
    second_ok = bool(second.is_nonnegative)
    return GapProof(t=t, a=a, decomposition=first + second, matches=bool(matches),
                    first_term_nonnegative=bool(first_ok), second_term_nonnegative=second_ok)


@dataclass(frozen=True)
class GaussianMinimiser:
    """Where H_1 of the Gaussian case is smallest: μ = m and τ → 0, i.e. p_φ → δ_{θ*}.

    Attributes:
        mu_star: the unique root of ∂H_1/∂μ (equals m).
        dH1_dtau: ∂H_1/∂τ = τ/σ², positive for every τ > 0, so H_1 decreases to τ = 0.
        theta_star: the unique root of dL/dθ (equals m): the best single θ of eq. (2).
        limit_equals_point_loss: lim_{τ→0} H_1(μ = m) equals L(θ*), the M = 1 equality case.
    """

    mu_star: sp.Expr
    dH1_dtau: sp.Expr
    theta_star: sp.Expr
    limit_equals_point_loss: bool


def gaussian_h1_minimiser(case: GaussianCase) -> GaussianMinimiser:
    """Minimise H_1 over (μ, τ) symbolically and compare the limit with L(θ*)."""
    (mu_star,) = sp.solve(sp.diff(case.H1, case.mu), case.mu)
    dtau = sp.simplify(sp.diff(case.H1, case.tau))
    (theta_star,) = sp.solve(sp.diff(case.point_loss, case.theta), case.theta)
    limit = sp.limit(case.H1.subs(case.mu, mu_star), case.tau, 0, "+")
    equal = sp.simplify(limit - case.point_loss.subs(case.theta, theta_star)) == 0
    return GaussianMinimiser(mu_star=mu_star, dH1_dtau=dtau, theta_star=theta_star, limit_equals_point_loss=bool(equal))


@dataclass(frozen=True)
class TwoMinimisers:
    """p(x | θ) = N(x; θ², 1) with data N(m, s²), m > 0: L(θ) has two minimisers ±√m.

    Attributes:
        theta: the symbol θ.
        point_loss: L(θ) = -E_x log N(x; θ², 1).
        minimisers: the roots of L'(θ) at which L'' > 0 (they are -√m and √m).
        h1_two_point: H_1 for p_φ = ½ δ_{-√m} + ½ δ_{√m}.
        min_loss: L(θ*) at either minimiser.
    """

    theta: sp.Symbol
    point_loss: sp.Expr
    minimisers: tuple[sp.Expr, ...]
    h1_two_point: sp.Expr
    min_loss: sp.Expr


def two_minimisers_example() -> TwoMinimisers:
    """A case where H_1 = L(θ*) although p_φ is not a point mass (Lemma 1 needs θ* unique)."""
    theta = sp.Symbol("theta", real=True)
    m, s = sp.symbols("m s", positive=True)
    loss = _normal_cross_entropy(stats.Normal("X", m, s), theta**2, 1)
    curvature = sp.diff(loss, theta, 2)
    roots = sp.solve(sp.diff(loss, theta), theta)
    minimisers = tuple(sorted((r for r in roots if sp.simplify(curvature.subs(theta, r)).is_positive),
                              key=lambda r: float(r.subs(m, 1))))
    h1 = sp.Add(*(loss.subs(theta, r) for r in minimisers)) / len(minimisers)
    return TwoMinimisers(theta=theta, point_loss=loss, minimisers=minimisers,
                         h1_two_point=sp.simplify(h1), min_loss=sp.simplify(loss.subs(theta, minimisers[-1])))
