import math

import pytest
import torch

from sigtut import Normal, Poisson, sig_cross_entropy


def _reference_hm(x, theta, sigma):
    """-(1/N) Σ_i log (1/M) Σ_j N(x_i; θ_j, σ² I), directly in float64 with explicit differences."""
    x, theta = x.double(), theta.double()
    d = x.shape[1]
    total = 0.0
    for xi in x:
        logs = [-((xi - t) ** 2).sum().item() / (2 * sigma**2) - 0.5 * d * math.log(2 * math.pi * sigma**2) for t in theta]
        top = max(logs)
        total += top + math.log(sum(math.exp(v - top) for v in logs) / len(logs))
    return -total / x.shape[0]


@pytest.mark.parametrize("sigma", [0.3, 1.0, 2.5])
def test_matches_float64_reference(sigma):
    g = torch.Generator().manual_seed(3)
    x, theta = torch.randn(9, 4, generator=g, dtype=torch.float64), torch.randn(6, 4, generator=g, dtype=torch.float64)
    ours = sig_cross_entropy(x, theta, Normal(sigma)).item()
    ref = _reference_hm(x, theta, sigma)
    assert abs(ours - ref) <= 1e-6 * abs(ref)


def test_float32_matches_reference_to_1e6():
    g = torch.Generator().manual_seed(4)
    x, theta = torch.randn(16, 8, generator=g), torch.randn(12, 8, generator=g)
    ours = sig_cross_entropy(x, theta, Normal(1.0)).item()
    ref = _reference_hm(x, theta, 1.0)
    assert abs(ours - ref) <= 1e-6 * abs(ref)


def test_m_equals_one_is_the_average_negative_log_likelihood():
    x, theta = torch.randn(5, 3, dtype=torch.float64), torch.randn(1, 3, dtype=torch.float64)
    expected = -torch.distributions.Normal(theta, 1.0).log_prob(x).sum(1).mean()
    torch.testing.assert_close(sig_cross_entropy(x, theta, Normal(1.0)), expected)


def test_finite_value_and_gradient_in_high_dimension_small_sigma():
    torch.manual_seed(0)
    x = torch.rand(32, 3072)
    theta = torch.rand(32, 3072, requires_grad=True)
    loss = sig_cross_entropy(x, theta, Normal(1e-3))
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(theta.grad).all()
    assert theta.grad.abs().sum() > 0


def test_gradient_points_theta_towards_data():
    x = torch.zeros(4, 2)
    theta = torch.ones(1, 2, requires_grad=True)
    sig_cross_entropy(x, theta, Normal(1.0)).backward()
    assert (theta.grad > 0).all()  # descending moves θ towards 0


def test_poisson_objective_is_finite():
    x = torch.poisson(torch.full((20, 1), 3.0))
    theta = torch.rand(10, 1) * 5
    assert torch.isfinite(sig_cross_entropy(x, theta, Poisson()))


def test_likelihood_type_checked():
    with pytest.raises(TypeError, match="likelihood"):
        sig_cross_entropy(torch.zeros(2, 1), torch.zeros(2, 1), "normal")


def test_empty_theta_rejected():
    with pytest.raises(ValueError, match="M >= 1"):
        sig_cross_entropy(torch.zeros(2, 1), torch.zeros(0, 1), Normal(1.0))


def test_gradient_matches_finite_differences():
    g = torch.Generator().manual_seed(5)
    x = torch.randn(6, 3, generator=g, dtype=torch.float64)
    theta = torch.randn(4, 3, generator=g, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: sig_cross_entropy(x, t, Normal(0.8)), (theta,))
