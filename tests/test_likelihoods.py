import math

import pytest
import torch
from torch import distributions as dist

from sigtut import Bernoulli, Normal, Poisson


def _reference(likelihood_dist, x, theta):
    """log p(x_i | θ_j) by broadcasting torch.distributions over (N, M, D), then summing D."""
    return likelihood_dist(theta[None, :, :]).log_prob(x[:, None, :]).sum(-1)


def test_normal_matches_torch_distributions():
    g = torch.Generator().manual_seed(0)
    x, theta = torch.randn(7, 5, generator=g, dtype=torch.float64), torch.randn(4, 5, generator=g, dtype=torch.float64)
    ours = Normal(0.7).pairwise_log_prob(x, theta)
    ref = _reference(lambda t: dist.Normal(t, 0.7), x, theta)
    assert ours.shape == (7, 4)
    torch.testing.assert_close(ours, ref, rtol=1e-10, atol=1e-10)


def test_poisson_matches_torch_distributions_including_zero_counts():
    g = torch.Generator().manual_seed(1)
    x = torch.poisson(torch.full((6, 3), 2.0), generator=g).double()
    x[0] = 0.0
    theta = torch.rand(5, 3, generator=g, dtype=torch.float64) * 4 + 0.1
    ref = _reference(lambda t: dist.Poisson(t), x, theta)
    torch.testing.assert_close(Poisson().pairwise_log_prob(x, theta), ref, rtol=1e-10, atol=1e-10)


def test_poisson_zero_rate_and_zero_count_is_finite():
    out = Poisson().pairwise_log_prob(torch.zeros(2, 3), torch.zeros(4, 3))
    assert torch.allclose(out, torch.zeros(2, 4))


def test_bernoulli_matches_torch_distributions():
    g = torch.Generator().manual_seed(2)
    x = (torch.rand(6, 8, generator=g) > 0.5).double()
    theta = torch.rand(3, 8, generator=g, dtype=torch.float64) * 0.98 + 0.01
    ref = _reference(lambda t: dist.Bernoulli(probs=t), x, theta)
    torch.testing.assert_close(Bernoulli().pairwise_log_prob(x, theta), ref, rtol=1e-10, atol=1e-10)


def test_image_shaped_inputs_are_flattened():
    x, theta = torch.rand(3, 3, 4, 4), torch.rand(2, 3, 4, 4)
    flat = Normal(0.5).pairwise_log_prob(x.flatten(1), theta.flatten(1))
    torch.testing.assert_close(Normal(0.5).pairwise_log_prob(x, theta), flat)


@pytest.mark.parametrize("lik", [Normal(1.0), Poisson(), Bernoulli()])
def test_sample_shapes(lik):
    theta = torch.full((5, 3), 0.5)
    assert lik.sample(theta).shape == (5, 3)


def test_normal_sample_moments():
    torch.manual_seed(0)
    theta = torch.full((200_000, 1), 3.0)
    s = Normal(0.5).sample(theta)
    assert abs(s.mean().item() - 3.0) < 0.01 and abs(s.std().item() - 0.5) < 0.01


@pytest.mark.parametrize("sigma", [0.0, -1.0, math.nan, math.inf])
def test_bad_sigma(sigma):
    with pytest.raises(ValueError, match="sigma"):
        Normal(sigma)


def test_sigma_type():
    with pytest.raises(TypeError, match="sigma"):
        Normal("1")


def test_shape_mismatch_names_both_arguments():
    with pytest.raises(ValueError, match="x and theta"):
        Normal(1.0).pairwise_log_prob(torch.zeros(3, 2), torch.zeros(4, 3))


def test_non_finite_data_rejected():
    x = torch.zeros(3, 2)
    x[1, 0] = float("nan")
    with pytest.raises(ValueError, match="x contains NaN"):
        Normal(1.0).pairwise_log_prob(x, torch.zeros(4, 2))


def test_x_type_checked():
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        Normal(1.0).pairwise_log_prob([[0.0, 1.0]], torch.zeros(4, 2))


def test_poisson_rejects_negative_counts():
    with pytest.raises(ValueError, match="non-negative counts"):
        Poisson().pairwise_log_prob(-torch.ones(2, 1), torch.ones(3, 1))


def test_bernoulli_rejects_out_of_range():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        Bernoulli().pairwise_log_prob(torch.full((2, 1), 2.0), torch.full((3, 1), 0.5))
