"""Tests for the 1-D bimodal mixture of chapter 1 (sigtut.data.bimodal)."""
import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from sigtut.data import bimodal, bimodal_log_density


def test_samples_match_the_mixture_moments_and_weight():
    x = bimodal(40_000, separation=4.0, std=0.4, weight=0.3, seed=1)
    assert x.shape == (40_000, 1)
    left = (x < 0).float().mean().item()
    assert abs(left - 0.3) < 4 * math.sqrt(0.3 * 0.7 / 40_000)
    # mixture mean and variance: E x = (1-2w) d/2, Var x = s² + d²/4 - (E x)²
    mean = (1 - 2 * 0.3) * 2.0
    var = 0.4**2 + 4.0 - mean**2
    assert abs(x.mean().item() - mean) < 0.03
    assert abs(x.var().item() - var) < 0.05


def test_seed_repeats_and_differs():
    assert torch.equal(bimodal(100, seed=3), bimodal(100, seed=3))
    assert not torch.equal(bimodal(100, seed=3), bimodal(100, seed=4))


def test_log_density_equals_scipy_mixture_and_integrates_to_one():
    x = torch.linspace(-5, 5, 101)
    ours = bimodal_log_density(x, separation=3.0, std=0.5, weight=0.2).numpy()
    ref = np.log(0.2 * stats.norm.pdf(x.numpy(), -1.5, 0.5) + 0.8 * stats.norm.pdf(x.numpy(), 1.5, 0.5))
    np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-5)
    total, _ = integrate.quad(lambda t: math.exp(bimodal_log_density(torch.tensor(t, dtype=torch.float64)).item()), -10, 10)
    assert abs(total - 1.0) < 1e-6


@pytest.mark.parametrize("kwargs, exc", [
    ({"std": 0.0}, ValueError),
    ({"separation": -1.0}, ValueError),
    ({"weight": 1.0}, ValueError),
    ({"weight": "half"}, TypeError),
])
def test_bad_arguments_name_the_argument(kwargs, exc):
    name = next(iter(kwargs))
    with pytest.raises(exc, match=name):
        bimodal(10, **kwargs)
