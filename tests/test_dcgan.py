"""DCGAN networks of Appendix C and one GAN-SI step on images."""
import math

import pytest
import torch

from sigtut.dcgan import SIZES, DCGANDiscriminator, DCGANGenerator, dcgan_pair
from sigtut.experiments.table2 import DATA_DIM, build, gansi_lambda


@pytest.mark.parametrize("size", ["S", "M", "L"])
def test_every_size_maps_noise_to_images_to_logits(size):
    g, d = dcgan_pair(size)
    with torch.no_grad():
        x = g(torch.randn(4, 256))
    assert x.shape == (4, 3, 28, 28)
    assert float(x.abs().max()) <= 1.0                       # tanh output, the data's range
    assert d(x).shape == (4, 1)


def test_widths_follow_k_g_and_k_d():
    k_g, k_d = SIZES["L"]
    g, d = DCGANGenerator(k_g), DCGANDiscriminator(k_d)
    convs_g = [m for m in g.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d))]
    assert [m.out_channels for m in convs_g] == [128, 64, 16, 3]
    convs_d = [m for m in DCGANDiscriminator(SIZES["S"][1]).modules() if isinstance(m, torch.nn.Conv2d)]
    assert [m.out_channels for m in convs_d] == [4, 8, 16]


def test_bad_size_is_named():
    with pytest.raises(ValueError, match="size must be one of"):
        dcgan_pair("XL")
    with pytest.raises(ValueError, match="k_d"):
        DCGANDiscriminator(0.01)


def test_one_gansi_step_on_cpu_gives_finite_losses_and_moves_the_generator():
    torch.manual_seed(0)
    model = build("dcgan-si", "S", n_theta=8)
    opts = {k: torch.optim.Adam(v, lr=2e-4) for k, v in model.optimizer_groups().items()}
    before = [p.clone() for p in model.generator.parameters()]
    losses = model.training_step(torch.rand(8, 3, 28, 28) * 2 - 1, opts)
    assert set(losses) == {"d", "g"} and all(math.isfinite(float(v)) for v in losses.values())
    assert any(not torch.equal(a, b) for a, b in zip(before, model.generator.parameters()))
    assert model.lam == pytest.approx(1 / 2352) and gansi_lambda() == 1 / DATA_DIM
