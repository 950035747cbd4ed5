"""The toy data of Section 5.1: parameterisation, moments against closed forms, seeding, checks."""
import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from sigtut.data.toy import (
    NB_P,
    NB_R,
    POISSON_RATE,
    gamma_rate_of_negative_binomial,
    negative_binomial,
    negative_binomial_pmf,
    poisson_nb_mixture,
    poisson_nb_mixture_pmf,
    ring,
    to_counts,
)


@pytest.mark.parametrize("r, p", [(2.0, 0.5), (3.5, 0.3), (1.0, 0.8)])
def test_negative_binomial_is_the_poisson_gamma_integral(r, p):
    """NB(r, p) (scipy's nbinom) = ∫ Poisson(k; θ) Gamma(θ; shape r, rate p/(1-p)) dθ, by quadrature."""
    rate = gamma_rate_of_negative_binomial(p)
    assert rate == pytest.approx(p / (1 - p))
    for k in range(25):
        integral, _ = integrate.quad(
            lambda t: stats.poisson.pmf(k, t) * stats.gamma.pdf(t, a=r, scale=1.0 / rate), 0.0, np.inf
        )
        assert negative_binomial_pmf(np.array(k), r, p) == pytest.approx(integral, rel=1e-6, abs=1e-12)


def test_negative_binomial_pmf_formula():
    """P(k) = Γ(k + r) / (Γ(r) k!) p^r (1 - p)^k, written out by hand."""
    r, p = 2.0, 0.5
    for k in range(10):
        by_hand = math.exp(math.lgamma(k + r) - math.lgamma(r) - math.lgamma(k + 1)) * p**r * (1 - p) ** k
        assert negative_binomial_pmf(np.array(k), r, p) == pytest.approx(by_hand, rel=1e-12)


def test_negative_binomial_moments():
    r, p, n = 2.0, 0.5, 200_000
    x = negative_binomial(n, r, p, seed=3)
    assert x.shape == (n, 1) and x.dtype == torch.float32
    assert torch.equal(x, x.round()) and (x >= 0).all()
    mean, var = r * (1 - p) / p, r * (1 - p) / p**2            # 2 and 4
    assert x.mean().item() == pytest.approx(mean, abs=4 * math.sqrt(var / n))
    assert x.var().item() == pytest.approx(var, rel=0.03)


def test_poisson_nb_mixture_moments_and_pmf():
    n = 200_000
    x = poisson_nb_mixture(n, seed=4)
    nb_mean = NB_R * (1 - NB_P) / NB_P
    nb_var = NB_R * (1 - NB_P) / NB_P**2
    mean = 0.5 * POISSON_RATE + 0.5 * nb_mean
    second = 0.5 * (POISSON_RATE + POISSON_RATE**2) + 0.5 * (nb_var + nb_mean**2)
    var = second - mean**2
    assert x.mean().item() == pytest.approx(mean, abs=4 * math.sqrt(var / n))
    assert x.var().item() == pytest.approx(var, rel=0.03)
    k = np.arange(200)
    pmf = poisson_nb_mixture_pmf(k)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-12)
    assert (k * pmf).sum() == pytest.approx(mean, rel=1e-10)
    # the zeros: half of the NB's 0.9^0.2 plus half of Poisson(10)'s e^-10
    assert (x == 0).float().mean().item() == pytest.approx(0.5 * NB_P**NB_R + 0.5 * math.exp(-10), abs=0.005)


def test_ring_moments():
    n, radius, noise = 100_000, 2.0, 0.1
    x = ring(n, radius, noise, seed=5).double()
    assert x.shape == (n, 2)
    assert x.mean(0).abs().max().item() < 0.02
    # E‖x‖² = R² + 2 σ² (the noise is independent of the point on the circle)
    assert (x**2).sum(1).mean().item() == pytest.approx(radius**2 + 2 * noise**2, rel=0.005)
    # the angle is uniform on (-π, π]
    angle = torch.atan2(x[:, 1], x[:, 0]).numpy()
    assert stats.kstest(angle, stats.uniform(-math.pi, 2 * math.pi).cdf).pvalue > 1e-3


@pytest.mark.parametrize("make", [negative_binomial, poisson_nb_mixture, ring])
def test_generators_are_seeded(make):
    assert torch.equal(make(500, seed=7), make(500, seed=7))
    assert not torch.equal(make(500, seed=7), make(500, seed=8))


def test_to_counts_rounds_and_clips():
    out = to_counts(torch.tensor([[-1.7], [-0.2], [0.4], [0.6], [2.5], [7.49]]))
    assert out.squeeze(1).tolist() == [0.0, 0.0, 0.0, 1.0, 2.0, 7.0]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: negative_binomial(0), "n must be >= 1"),
        (lambda: negative_binomial(5, r=-1.0), "r must be"),
        (lambda: negative_binomial(5, p=1.0), "p must lie in"),
        (lambda: negative_binomial(5, seed=-1), "seed must be >= 0"),
        (lambda: ring(5, noise_std=0.0), "noise_std must be"),
        (lambda: gamma_rate_of_negative_binomial(1.5), "p must lie in"),
    ],
)
def test_bad_arguments_raise_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_bad_types_raise_type_error():
    with pytest.raises(TypeError, match="seed must be an int"):
        ring(5, seed=1.5)
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        to_counts([1.0, 2.0])
