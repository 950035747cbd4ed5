"""Stacked MNIST metrics (eq. 13 and Table 2) on hand-made class distributions."""
import math

import pytest
import torch

from sigtut.metrics.stacked_mnist import triple_metrics, triple_probabilities


def test_one_image_per_triple_covers_1000_modes_with_zero_kl():
    m = triple_metrics(torch.eye(1000, dtype=torch.float64))
    assert m["modes"] == 1000 and m["kl"] == pytest.approx(0.0, abs=1e-12)
    assert m["hq"] == 1.0 and m["exp_h_y_given_x"] == pytest.approx(1.0)
    assert m["is"] == pytest.approx(1000.0) and m["exp_h_y"] == pytest.approx(1000.0)


def test_one_class_is_one_mode_with_kl_log_1000():
    p = torch.zeros(50, 1000, dtype=torch.float64)
    p[:, 417] = 1.0
    m = triple_metrics(p)
    assert m["modes"] == 1 and m["kl"] == pytest.approx(math.log(1000))
    assert m["is"] == pytest.approx(1.0)


def test_uncertain_images_are_not_high_quality_and_is_matches_eq_13():
    p = torch.zeros(4, 1000, dtype=torch.float64)
    p[0, 1] = 1.0
    p[1, 2] = 1.0
    p[2, [3, 4]] = 0.5
    p[3, 5], p[3, 6] = 0.6, 0.4
    m = triple_metrics(p)
    h_cond = [0.0, 0.0, math.log(2), -(0.6 * math.log(0.6) + 0.4 * math.log(0.4))]
    marg = torch.tensor([0.25, 0.25, 0.125, 0.125, 0.15, 0.1], dtype=torch.float64)
    h_marg = float(-(marg * marg.log()).sum())
    assert m["hq"] == 0.5                                  # only the two one-hot rows exceed 0.7
    assert m["exp_h_y_given_x"] == pytest.approx(math.exp(sum(h_cond) / 4))
    assert m["is"] == pytest.approx(math.exp(h_marg - sum(h_cond) / 4))
    # KL(P_g ‖ U) by hand: arg-max triples 1, 2, 3 (tie -> first) and 5, each 1/4
    assert m["modes"] == 4 and m["kl"] == pytest.approx(4 * 0.25 * math.log(0.25 * 1000))


def test_triple_probability_is_the_product_of_the_channels():
    class ByMean(torch.nn.Module):
        """Logits that make digit k certain when the image's mean pixel equals k / 10."""
        def __init__(self):
            super().__init__()
            self.scale = torch.nn.Parameter(torch.tensor(100.0))
        def forward(self, x):
            centre = torch.arange(10, dtype=x.dtype) / 10
            return -self.scale * (x.mean((1, 2, 3))[:, None] - centre) ** 2
    images = torch.stack([torch.full((28, 28), v) for v in (0.3, 0.0, 0.9)])[None]
    p = triple_probabilities(images, ByMean())
    assert p.shape == (1, 1000) and float(p.sum()) == pytest.approx(1.0)
    digit_p = ByMean()(images[0, :, None]).softmax(-1).double().detach()
    assert float(p[0, 309]) == pytest.approx(float(digit_p[0, 3] * digit_p[1, 0] * digit_p[2, 9]))
    assert int(p.argmax()) == 309


def test_bad_distributions_are_rejected():
    with pytest.raises(ValueError, match="shape"):
        triple_metrics(torch.ones(3, 10) / 10)
    with pytest.raises(ValueError, match="probability vectors"):
        triple_metrics(torch.ones(3, 1000))
