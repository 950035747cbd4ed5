"""Stacked MNIST metrics (eq. 13 and Table 2) on hand-made class distributions."""
import math

import pytest
import torch

from sigtut.metrics.stacked_mnist import (channel_metrics, digit_probabilities, stacked_mnist_metrics, triple_metrics,
                                          triple_probabilities, triples_from_digits)


def test_one_image_per_triple_covers_1000_modes_with_zero_kl():
    m = triple_metrics(torch.eye(1000, dtype=torch.float64))
    assert m["modes"] == 1000 and m["kl"] == pytest.approx(0.0, abs=1e-12)
    assert m["hq"] == 1.0 and m["exp_h_y_given_x_triples"] == pytest.approx(1.0)
    assert m["is_triples"] == pytest.approx(1000.0) and m["exp_h_y_triples"] == pytest.approx(1000.0)


def test_one_class_is_one_mode_with_kl_log_1000():
    p = torch.zeros(50, 1000, dtype=torch.float64)
    p[:, 417] = 1.0
    m = triple_metrics(p)
    assert m["modes"] == 1 and m["kl"] == pytest.approx(math.log(1000))
    assert m["is_triples"] == pytest.approx(1.0)


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
    assert m["exp_h_y_given_x_triples"] == pytest.approx(math.exp(sum(h_cond) / 4))
    assert m["is_triples"] == pytest.approx(math.exp(h_marg - sum(h_cond) / 4))
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


def _one_hot_digits(labels):
    """Perfectly confident p_c(d | x) for digit labels (n, 3): shape (n, 3, 10)."""
    return torch.nn.functional.one_hot(torch.as_tensor(labels), 10).double()


def test_ten_class_scores_of_perfect_uniform_digits_reach_10():
    # every digit equally often in every channel, each image classified with certainty
    labels = torch.stack([torch.arange(1000) // 100, torch.arange(1000) // 10 % 10, torch.arange(1000) % 10], 1)
    m = channel_metrics(_one_hot_digits(labels))
    assert m == pytest.approx({"is": 10.0, "exp_h_y_given_x": 1.0, "exp_h_y": 10.0})


def test_ten_class_scores_average_the_channels():
    # channel 0 always digit 3 (IS 1), channel 1 digits 0/1 half each (IS 2), channel 2 uniform over 0..3 (IS 4)
    labels = torch.stack([torch.full((8,), 3), torch.arange(8) % 2, torch.arange(8) % 4], 1)
    m = channel_metrics(_one_hot_digits(labels))
    assert m["is"] == pytest.approx((1 + 2 + 4) / 3) and m["exp_h_y"] == pytest.approx((1 + 2 + 4) / 3)
    # an uncertain channel: p = (0.5, 0.5) on every image gives H(d|x) = log 2 and IS 1 on that channel
    p = _one_hot_digits(labels)
    p[:, 0] = 0
    p[:, 0, :2] = 0.5
    m = channel_metrics(p)
    assert m["exp_h_y_given_x"] == pytest.approx((2 + 1 + 1) / 3)
    assert m["is"] == pytest.approx((1 + 2 + 4) / 3)


def test_triples_are_the_outer_product_and_metrics_combine_both_scales():
    class ByMean(torch.nn.Module):
        """Logits that make digit k certain when the image's mean pixel equals k / 10."""
        def __init__(self):
            super().__init__()
            self.scale = torch.nn.Parameter(torch.tensor(1e4))
        def forward(self, x):
            centre = torch.arange(10, dtype=x.dtype) / 10
            return -self.scale * (x.mean((1, 2, 3))[:, None] - centre) ** 2
    values = torch.tensor([[0.3, 0.0, 0.9], [0.1, 0.1, 0.1], [0.3, 0.0, 0.9], [0.5, 0.6, 0.7]])
    images = values[:, :, None, None].expand(4, 3, 28, 28).contiguous()
    p_digits = digit_probabilities(images, ByMean())
    assert p_digits.shape == (4, 3, 10)
    assert torch.allclose(triples_from_digits(p_digits), triple_probabilities(images, ByMean()))
    m = stacked_mnist_metrics(images, ByMean())
    assert m["modes"] == 3 and m["hq"] == 1.0                 # triples 309, 111, 567
    assert set(m) == {"is", "exp_h_y_given_x", "exp_h_y", "hq", "modes", "kl",
                      "is_triples", "exp_h_y_given_x_triples", "exp_h_y_triples"}
    # confident images: IS over the triples is exp H(P_g), P_g = (1/2, 1/4, 1/4)
    assert m["is_triples"] == pytest.approx(math.exp(-(0.5 * math.log(0.5) + 2 * 0.25 * math.log(0.25))))
    assert 1 <= m["is"] <= 10


def test_bad_digit_distributions_are_rejected():
    with pytest.raises(ValueError, match="p_digits must have shape"):
        channel_metrics(torch.ones(4, 10) / 10)
    with pytest.raises(ValueError, match="probability vectors"):
        channel_metrics(torch.ones(4, 3, 10))


def test_real_stacked_mnist_scores_near_the_limit_with_the_shipped_classifier(data_dir, monkeypatch):
    """Table 2's real-data row: IS close to 10 on the digit scale, about 1,000 modes, small KL."""
    from sigtut.data import stacked_mnist

    monkeypatch.setenv("SIGTUT_DATA", data_dir)
    images, _ = stacked_mnist(26_000, seed=12_345, train=False)
    m = stacked_mnist_metrics(images)
    assert 9.0 < m["is"] <= 10.0 and 9.0 < m["exp_h_y"] <= 10.0 and m["exp_h_y_given_x"] < 1.2
    assert m["modes"] >= 990 and m["kl"] < 0.06 and m["hq"] > 0.9
