"""SIG on the toy count data of Section 5.1: the Poisson layer against scipy, and a short fit on NB(2, 0.5)."""
import numpy as np
import pytest
import torch
from scipy import stats

import sigtut
from sigtut.data.toy import negative_binomial, negative_binomial_pmf, to_counts
from sigtut.metrics.distances import ks_statistic, tv_distance_to_pmf


def test_poisson_pairwise_log_likelihood_matches_scipy():
    g = torch.Generator().manual_seed(0)
    x = torch.poisson(torch.full((9, 1), 3.0), generator=g).double()          # (N, 1)
    theta = torch.rand(6, 1, generator=g, dtype=torch.float64) * 8 + 0.05     # (M, 1)
    ours = sigtut.Poisson().pairwise_log_prob(x, theta)                       # (N, M)
    ref = stats.poisson.logpmf(x.numpy(), theta.numpy().T)                   # broadcast to (N, M)
    np.testing.assert_allclose(ours.numpy(), ref, rtol=1e-10, atol=1e-10)


def test_short_sig_fit_on_negative_binomial_beats_the_untrained_model():
    """400 steps bring the sample PMF within TV 0.1 of NB(2, 0.5); the untrained model is > 0.2 away."""
    x = negative_binomial(4000, seed=0)
    sig = sigtut.SIG(1, sigtut.Poisson(), hidden=(32, 32), n_theta=50)
    sigtut.seed_everything(0)
    untrained = tv_distance_to_pmf(sig.sample(20_000), negative_binomial_pmf)
    sigtut.fit(sig, x, steps=400, batch_size=128, lr=3e-3, seed=0, progress=False, device="cpu")
    torch.manual_seed(1)
    trained = tv_distance_to_pmf(sig.sample(20_000), negative_binomial_pmf)
    assert untrained > 0.2
    assert trained < 0.1
    # the implicit distribution moved towards the mixing distribution Gamma(2, 1) as well
    with torch.no_grad():
        theta = sig.sample_theta(5000)
    assert ks_statistic(theta, stats.gamma(2.0)) < 0.3


def test_gan_output_becomes_valid_counts():
    """The GAN emits reals; to_counts turns them into counts that the count metrics accept."""
    gan = sigtut.GAN(1)
    sigtut.seed_everything(0)
    counts = to_counts(gan.sample(1000))
    assert torch.equal(counts, counts.round()) and (counts >= 0).all()
    assert 0.0 <= tv_distance_to_pmf(counts, negative_binomial_pmf) <= 1.0
    with pytest.raises(ValueError, match="non-negative integers"):
        tv_distance_to_pmf(gan.sample(10), negative_binomial_pmf)
