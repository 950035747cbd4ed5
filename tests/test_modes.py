"""Table 1's mode metrics (sigtut.metrics.modes) on samples whose answer is known in closed form."""
import math

import numpy as np
import pytest
import torch

from sigtut.data import gmm_grid, gmm_ring
from sigtut.metrics import mode_metrics

HQ_LIMIT = 1.0 - math.exp(-4.5)   # P(‖x − μ‖ < 3 std) for a 2-D Gaussian: χ²_2 cdf at 9


def test_true_grid_samples_score_the_limit():
    data = gmm_grid(50_000, seed=1)
    m = mode_metrics(data.x, data.centers, data.std)
    assert m["modes"] == 25
    assert abs(m["hq"] - HQ_LIMIT) < 0.01
    assert 0.0 <= m["kl"] < 0.01
    assert sum(m["counts"]) == round(m["hq"] * 50_000)


def test_true_grid_veegan_convention_counts_every_mode():
    data = gmm_grid(2_500, seed=2)
    m = mode_metrics(data.x, data.centers, data.std, min_count=0)
    assert m["modes"] == 25
    assert abs(m["hq"] - HQ_LIMIT) < 0.02


def test_collapsed_samples_cover_one_mode_and_pay_log_k():
    data = gmm_grid(10, seed=0)
    collapsed = data.centers[7].repeat(50_000, 1) + 0.01 * torch.randn(50_000, 2, generator=torch.Generator().manual_seed(0))
    m = mode_metrics(collapsed, data.centers, data.std)
    assert m["modes"] == 1 and m["counts"][7] == 50_000
    assert m["hq"] == 1.0
    # P_g puts all mass on bin 7; P_d gives it (1/25)·HQ_LIMIT, so KL = −log of that
    assert m["kl"] == pytest.approx(-math.log(HQ_LIMIT / 25), rel=1e-9)


def test_ring_true_and_collapsed():
    ring = gmm_ring(50_000, seed=3)
    assert len(torch.unique(ring.centers.round(decimals=4), dim=0)) == 8
    m = mode_metrics(ring.x, ring.centers, ring.std)
    assert m["modes"] == 8 and abs(m["hq"] - HQ_LIMIT) < 0.01 and m["kl"] < 0.01
    half = ring.x[ring.labels < 4]
    m_half = mode_metrics(half, ring.centers, ring.std, min_count=0)
    assert m_half["modes"] == 4
    # four of eight modes, evenly: KL = log 2 (+ the small hq mismatch)
    assert m_half["kl"] == pytest.approx(math.log(2), abs=0.02)


def test_far_samples_are_low_quality():
    data = gmm_grid(10, seed=0)
    far = np.full((1_000, 2), 1.0)           # the midpoint between four centres, 20 std from each
    m = mode_metrics(far, data.centers, data.std, min_count=0)
    assert m["modes"] == 0 and m["hq"] == 0.0
    assert m["kl"] == pytest.approx(-math.log(1 - HQ_LIMIT), rel=1e-9)


def test_ring_has_eight_distinct_evenly_spaced_centres_unlike_a_linspace_ring():
    # VEEGAN's and PacGAN's ring: 8 centres 2πk/8 apart; the unrolled-GAN and GDPP code use
    # linspace(0, 2π, 8), whose first and last angles coincide (7 distinct centres)
    centers = gmm_ring(10).centers.double()
    gaps = torch.cdist(centers, centers) + torch.eye(8, dtype=torch.float64) * 10
    assert len(centers) == 8 and torch.allclose(gaps.min(1).values,
                                                torch.full((8,), 2 * math.sin(math.pi / 8),
                                                           dtype=torch.float64))
    assert torch.allclose(centers.norm(dim=1), torch.ones(8, dtype=torch.float64))
    angles = torch.linspace(0, 2 * math.pi, 8, dtype=torch.float64)
    linspace_ring = torch.stack([angles.sin(), angles.cos()], 1)
    assert torch.cdist(linspace_ring, linspace_ring)[0, -1] < 1e-12
