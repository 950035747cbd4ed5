"""Issue 17, item 1: θ checked like x; H_M accurate at small σ, high D, offset data and float16."""
import math

import pytest
import torch

from sigtut import Bernoulli, Normal, Poisson, sig_cross_entropy

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("likelihood, good", [(Normal(1.0), 0.5), (Poisson(), 0.5), (Bernoulli(), 0.5)])
@pytest.mark.parametrize("bad", [NAN, INF, -INF])
def test_non_finite_theta_is_refused_naming_theta(likelihood, good, bad):
    x = torch.full((3, 2), 0.0)
    theta = torch.full((4, 2), good)
    theta[2, 1] = bad
    with pytest.raises(ValueError, match="theta"):
        likelihood.pairwise_log_prob(x, theta)
    with pytest.raises(ValueError, match="theta"):
        sig_cross_entropy(x, theta, likelihood)


def test_bernoulli_theta_out_of_range_names_theta():
    with pytest.raises(ValueError, match="theta"):
        Bernoulli().pairwise_log_prob(torch.zeros(2, 1), torch.full((3, 1), 1.5))


def test_poisson_negative_rate_names_theta():
    with pytest.raises(ValueError, match="theta"):
        Poisson().pairwise_log_prob(torch.zeros(2, 1), torch.full((3, 1), -0.5))


def _reference(x: torch.Tensor, theta: torch.Tensor, sigma: float) -> torch.Tensor:
    """H_M in float64 with explicit differences (N, M, D): the exact value for these inputs."""
    x, theta = x.double(), theta.double()
    sq = ((x[:, None, :] - theta[None, :, :]) ** 2).sum(-1)
    d = x.shape[1]
    log_p = -sq / (2 * sigma**2) - 0.5 * d * math.log(2 * math.pi * sigma**2)
    return -(torch.logsumexp(log_p, 1) - math.log(theta.shape[0])).mean()


def _close_pairs(offset: float, n: int = 8, d: int = 3072, seed: int = 0):
    """x (n, d) standard normal plus ``offset``; θ = x + 1e-3 · noise (the issue's hard case)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g) + offset
    theta = x + 1e-3 * torch.randn(n, d, generator=g)
    return x, theta


@pytest.mark.parametrize("offset", [0.0, 50.0])
def test_small_sigma_high_d_value_and_gradient_match_float64(offset):
    sigma = 1e-3
    x, theta32 = _close_pairs(offset)
    theta32.requires_grad_(True)
    ours = sig_cross_entropy(x, theta32, Normal(sigma))
    ours.backward()
    theta64 = theta32.detach().double().requires_grad_(True)
    ref = _reference(x, theta64, sigma)
    ref.backward()
    assert ours.dtype == torch.float32
    assert abs(ours.item() - ref.item()) <= 1e-5 * abs(ref.item()), (ours.item(), ref.item())
    g32, g64 = theta32.grad.double().flatten(), theta64.grad.flatten()
    cosine = float(g32 @ g64 / (g32.norm() * g64.norm()))
    assert cosine >= 0.999, cosine


def test_far_pairs_with_offset_stay_accurate():
    """Pairs far apart after a large common offset: the expansion must not cancel catastrophically."""
    g = torch.Generator().manual_seed(1)
    x = torch.randn(8, 3072, generator=g) + 50.0
    theta = (torch.randn(8, 3072, generator=g) + 50.0).requires_grad_(True)
    ours = sig_cross_entropy(x, theta, Normal(1.0))
    ours.backward()
    theta64 = theta.detach().double().requires_grad_(True)
    ref = _reference(x, theta64, 1.0)
    ref.backward()
    assert abs(ours.item() - ref.item()) <= 1e-5 * abs(ref.item())
    g32, g64 = theta.grad.double().flatten(), theta64.grad.flatten()
    assert float(g32 @ g64 / (g32.norm() * g64.norm())) >= 0.999


def test_float16_inputs_give_a_finite_accurate_value_and_gradient():
    g = torch.Generator().manual_seed(2)
    x = torch.rand(8, 3072, generator=g).half()
    theta = torch.rand(8, 3072, generator=g).half().requires_grad_(True)
    ours = sig_cross_entropy(x, theta, Normal(0.5))
    ours.backward()
    ref = _reference(x, theta.detach(), 0.5)
    assert torch.isfinite(ours) and torch.isfinite(theta.grad).all()
    assert theta.grad.dtype == torch.float16
    assert abs(ours.item() - ref.item()) <= 1e-5 * abs(ref.item())


@pytest.mark.parametrize("likelihood, make", [
    (Poisson(), lambda t: (t * 3).round()),
    (Bernoulli(), lambda t: (t > 0.5).float()),
])
def test_float16_poisson_and_bernoulli_are_finite(likelihood, make):
    g = torch.Generator().manual_seed(3)
    x = make(torch.rand(6, 3072, generator=g)).half()
    theta = (torch.rand(5, 3072, generator=g) * 0.98 + 0.01).half()
    out = likelihood.pairwise_log_prob(x, theta)
    ref = likelihood.pairwise_log_prob(x.double(), theta.double())
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out.double(), ref, rtol=1e-5, atol=1e-3)


def test_pairwise_normal_in_float64_is_exact_for_close_pairs():
    x, theta = _close_pairs(50.0, n=4, d=512)
    x, theta = x.double(), theta.double()
    ours = Normal(1e-3).pairwise_log_prob(x, theta)
    sq = ((x[:, None, :] - theta[None, :, :]) ** 2).sum(-1)
    ref = -sq / 2e-6 - 0.5 * 512 * math.log(2 * math.pi * 1e-6)
    torch.testing.assert_close(ours, ref, rtol=1e-12, atol=1e-6)
