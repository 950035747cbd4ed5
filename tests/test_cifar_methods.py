"""Table 3's networks and methods: the standard CNN, the gradient penalty by hand, one step of each method."""
import math

import pytest
import torch
from torch import nn

from sigtut.cifar_methods import METHODS, build_method, fit_batch_size, si_lambda, train_method
from sigtut.cnn32 import StandardCNNDiscriminator, StandardCNNGenerator, standard_cnn_pair
from sigtut.data import synthetic_cifar10
from sigtut.likelihoods import Normal
from sigtut.methods import WGANGP, WGANGPSI
from sigtut.methods.wgan_gp import gradient_penalty
from sigtut.objectives import sig_cross_entropy

torch.set_num_threads(1)


class Linear(nn.Module):
    """D(x) = w·x + b, whose input gradient is w everywhere."""

    def __init__(self, w):
        super().__init__()
        self.w = nn.Parameter(torch.tensor(w))

    def forward(self, x):
        return x.flatten(1) @ self.w + 1.0


class HalfSquaredNorm(nn.Module):
    """D(x) = ½‖x‖², whose input gradient is x."""

    def forward(self, x):
        return 0.5 * x.flatten(1).pow(2).sum(1)


def test_gradient_penalty_of_a_linear_critic_is_the_squared_norm_excess_with_its_gradient():
    critic = Linear([3.0, 4.0])                       # ‖w‖ = 5 whatever x̂ is: penalty (5 − 1)² = 16
    real, fake = torch.randn(6, 2), torch.randn(6, 2)
    gp = gradient_penalty(critic, real, fake)
    assert math.isclose(float(gp.detach()), 16.0, rel_tol=1e-6)
    gp.backward()                                     # d/dw (‖w‖ − 1)² = 2 (‖w‖ − 1) w / ‖w‖
    torch.testing.assert_close(critic.w.grad, torch.tensor([2 * 4 * 0.6, 2 * 4 * 0.8]))


def test_gradient_penalty_of_a_quadratic_critic_at_given_mixing_weights():
    real = torch.tensor([[3.0, 4.0], [4.0, 0.0]])
    fake = torch.tensor([[0.0, 0.0], [0.0, 8.0]])
    eps = torch.tensor([1.0, 0.25])                   # x̂ = (3, 4) and 0.25·(4, 0) + 0.75·(0, 8) = (1, 6)
    expected = ((5.0 - 1) ** 2 + (math.sqrt(37.0) - 1) ** 2) / 2
    assert math.isclose(float(gradient_penalty(HalfSquaredNorm(), real, fake, eps).detach()), expected, rel_tol=1e-6)


def test_gradient_penalty_on_images_uses_the_norm_over_all_pixels():
    real = torch.full((2, 3, 4, 4), 0.5)
    gp = gradient_penalty(HalfSquaredNorm(), real, torch.zeros_like(real), torch.ones(2))
    assert math.isclose(float(gp.detach()), (math.sqrt(48 * 0.25) - 1) ** 2, rel_tol=1e-6)
    with pytest.raises(ValueError, match="eps must have shape"):
        gradient_penalty(HalfSquaredNorm(), real, real, torch.ones(3))


def test_standard_cnn_shapes_and_batch_norm_switch():
    g, d = standard_cnn_pair(width=16, noise_dim=8)
    with torch.no_grad():
        x = g(torch.randn(5, 8))
    assert x.shape == (5, 3, 32, 32) and float(x.abs().max()) <= 1.0
    assert d(x).shape == (5, 1)
    has_bn = lambda net: any(isinstance(m, nn.BatchNorm2d) for m in net.modules())  # noqa: E731
    assert has_bn(d) and not has_bn(StandardCNNDiscriminator(16, batch_norm=False))
    # the full-width networks: 4·4·512 after the dense layer, 512 channels before the critic's dense layer
    assert StandardCNNGenerator().fc[0].out_features == 4 * 4 * 512
    assert StandardCNNDiscriminator().body[-1].in_features == 4 * 4 * 512
    with pytest.raises(ValueError, match="multiple of 8"):
        StandardCNNGenerator(width=12)


@pytest.mark.parametrize("method", METHODS)
def test_one_training_step_of_each_method_has_finite_losses(method):
    data, _ = synthetic_cifar10(64, seed=0)
    model, history = train_method(method, data, steps=1, batch_size=4, width=16, device="cpu")
    assert set(history) == {"d", "g"}
    assert all(len(v) == 1 and math.isfinite(v[0]) for v in history.values())
    assert model.sample(3).shape == (3, 3, 32, 32)


def test_a_wgan_gp_iteration_is_five_critic_updates_on_sub_batches_and_one_generator_update():
    torch.manual_seed(0)
    model = build_method("WGAN-GP", width=16)
    opts = {name: torch.optim.Adam(params, lr=1e-4) for name, params in model.optimizer_groups().items()}
    seen = []
    model.discriminator_step = lambda x, opt, step=model.discriminator_step: seen.append(x.shape[0]) or step(x, opt)
    model.training_step(torch.zeros(fit_batch_size("WGAN-GP", 4), 3, 32, 32), opts)
    assert seen == [4] * 5
    steps = lambda opt: {int(s["step"]) for s in opt.state.values()}  # noqa: E731
    assert steps(opts["discriminator"]) == {5} and steps(opts["generator"]) == {1}
    with pytest.raises(ValueError, match="n_critic = 5"):
        model.training_step(torch.zeros(7, 3, 32, 32), opts)


def test_wgan_gp_refuses_a_critic_with_batch_norm():
    g, d = standard_cnn_pair(width=16, batch_norm=True)
    with pytest.raises(ValueError, match="batch normalisation"):
        WGANGP(3072, noise_dim=128, generator=g, discriminator=d)


def test_wgan_gp_si_generator_objective_is_the_wgan_loss_plus_lambda_h_m():
    g, d = standard_cnn_pair(width=16, noise_dim=8, batch_norm=False)
    model = WGANGPSI(3072, lam=0.5, likelihood=Normal(0.2), noise_dim=8, generator=g, discriminator=d).eval()
    x, _ = synthetic_cifar10(6, seed=2)
    torch.manual_seed(3)
    total = model.generator_objective(x)
    torch.manual_seed(3)
    theta = model.generate(6)
    expected = -model.discriminator(theta).mean() + 0.5 * sig_cross_entropy(x, theta, Normal(0.2))
    torch.testing.assert_close(total, expected)
    norms = model.term_gradient_norms(x)
    assert set(norms) == {"adversarial", "lambda_h_m"} and all(v > 0 and math.isfinite(v) for v in norms.values())


def test_si_settings_and_method_names():
    assert math.isclose(si_lambda(), 1 / 3072)
    assert build_method("DCGAN-SI", width=16).lam == build_method("WGAN-GP-SI", width=16).lam == si_lambda()
    with pytest.raises(ValueError, match="method must be one of"):
        build_method("WGAN")
