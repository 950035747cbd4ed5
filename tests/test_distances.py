"""Distances of sigtut.metrics.distances against hand computations and scipy."""
import numpy as np
import pytest
import torch
from scipy import stats

from sigtut.metrics.distances import empirical_pmf, energy_distance, ks_statistic, tv_distance, tv_distance_to_pmf


def test_tv_distance_by_hand():
    p = np.array([0.5, 0.3, 0.2, 0.0])
    q = np.array([0.25, 0.25, 0.25, 0.25])
    assert tv_distance(p, q) == pytest.approx(0.5 * (0.25 + 0.05 + 0.05 + 0.25))
    assert tv_distance(p, q) == pytest.approx(tv_distance(q, p))
    assert tv_distance(p, p) == 0.0
    assert tv_distance(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == 1.0


def test_tv_distance_rejects_non_pmfs():
    with pytest.raises(ValueError, match="p must be a PMF"):
        tv_distance(np.array([0.5, 0.6]), np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="equal length"):
        tv_distance(np.array([1.0]), np.array([0.5, 0.5]))


def test_empirical_pmf_matches_unique_counts():
    samples = torch.tensor([[0.0], [2.0], [2.0], [5.0], [1.0], [2.0], [9.0], [0.0]])
    pmf = empirical_pmf(samples, support_size=6)
    values, counts = np.unique(samples.numpy(), return_counts=True)
    expected = np.zeros(6)
    for v, c in zip(values.astype(int), counts):
        if v < 6:
            expected[v] = c / samples.shape[0]
    np.testing.assert_allclose(pmf, expected)
    assert pmf.sum() == pytest.approx(7 / 8)     # the 9 lies beyond the support


def test_tv_distance_to_pmf_equals_tv_on_a_wide_support():
    """The tail formula agrees with plain TV on a support wide enough to hold all the mass."""
    rng = np.random.default_rng(0)
    samples = rng.negative_binomial(2, 0.5, size=3000)
    truth = stats.nbinom(2, 0.5)
    support = np.arange(400)
    p_hat = np.bincount(samples, minlength=support.size) / samples.size
    wide = 0.5 * np.abs(p_hat - truth.pmf(support)).sum()
    assert tv_distance_to_pmf(torch.as_tensor(samples, dtype=torch.float32), truth.pmf) == pytest.approx(wide, abs=1e-12)
    # samples of a point mass at 0 against NB(2, 0.5): TV = 1 - P(0) = 1 - 0.25
    assert tv_distance_to_pmf(np.zeros(10), truth.pmf) == pytest.approx(0.75)


def test_tv_distance_to_pmf_rejects_non_counts():
    with pytest.raises(ValueError, match="non-negative integers"):
        tv_distance_to_pmf(np.array([0.5, 1.0]), stats.poisson(1).pmf)
    with pytest.raises(ValueError, match="non-negative integers"):
        tv_distance_to_pmf(np.array([-1.0, 1.0]), stats.poisson(1).pmf)
    with pytest.raises(TypeError, match="pmf must be callable"):
        tv_distance_to_pmf(np.array([1.0]), 0.3)


def test_ks_statistic_by_hand():
    rng = np.random.default_rng(1)
    samples = np.sort(rng.gamma(2.0, 1.0, size=500))
    cdf = stats.gamma(2.0).cdf(samples)
    n = samples.size
    by_hand = max((np.arange(1, n + 1) / n - cdf).max(), (cdf - np.arange(n) / n).max())
    assert ks_statistic(torch.as_tensor(rng.permutation(samples)), stats.gamma(2.0)) == pytest.approx(by_hand, abs=1e-12)
    # far-off samples: every sample above the 0.999 quantile gives a statistic of at least 0.999
    assert ks_statistic(np.full(10, 20.0), stats.gamma(2.0)) > 0.999
    with pytest.raises(TypeError, match="distribution must be a scipy distribution"):
        ks_statistic(samples, 2.0)


def test_energy_distance_is_scipy_squared_in_one_dimension():
    g = torch.Generator().manual_seed(2)
    x, y = torch.randn(300, 1, generator=g), 0.5 + 1.3 * torch.randn(200, 1, generator=g)
    ours = energy_distance(x, y)
    assert ours == pytest.approx(stats.energy_distance(x.squeeze(1).numpy(), y.squeeze(1).numpy()) ** 2, rel=1e-6)


def test_energy_distance_in_two_dimensions_by_loops():
    g = torch.Generator().manual_seed(3)
    x, y = torch.randn(12, 2, generator=g, dtype=torch.float64), torch.randn(9, 2, generator=g, dtype=torch.float64) + 1
    mean = lambda a, b: sum(float(torch.linalg.norm(u - v)) for u in a for v in b) / (len(a) * len(b))
    by_loops = 2 * mean(x, y) - mean(x, x) - mean(y, y)
    assert energy_distance(x, y) == pytest.approx(by_loops, rel=1e-10)
    assert energy_distance(x, x) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="share the event shape"):
        energy_distance(x, torch.randn(5, 3))
