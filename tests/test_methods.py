"""Every Table 1 method trains with finite losses, repeats exactly for a seed, and matches independent computations."""
import math

import pytest
import torch

from sigtut import fit
from sigtut.data import gmm_grid
from sigtut.methods import BMSVAEGAN, GAN, VAE, VEEGAN, ManifoldDiffusionGAN, ModeRegularizedGAN, UnrolledGAN
from sigtut.methods.gan import generator_loss
from sigtut.methods.vae import gaussian_kl_to_standard
from sigtut.data import mixture_sampler
from sigtut.experiments.table1 import METHODS, PROFILES, build, mixture_of, score

torch.set_num_threads(1)
GRID = mixture_of("grid")


def _train(name: str, steps: int = 4, seed: int = 0):
    torch.manual_seed(seed)
    model = build(name, GRID, steps)
    history = fit(model, mixture_sampler(GRID), steps=steps, batch_size=32,
                  lr=PROFILES["quick"].learning_rates(model.optimizer_groups()), seed=seed, device="cpu", progress=False)
    return model, history


@pytest.mark.parametrize("name", METHODS)
def test_method_trains_with_finite_losses(name):
    model, history = _train(name)
    assert history and all(len(v) == 4 for v in history.values())
    assert all(math.isfinite(v) for values in history.values() for v in values)
    x = model.sample(7)
    assert x.shape == (7, 2) and torch.isfinite(x).all()


@pytest.mark.parametrize("name", METHODS)
def test_same_seed_same_metrics(name):
    scores = []
    for _ in range(2):
        model, _ = _train(name, steps=3, seed=5)
        torch.manual_seed(99)
        scores.append(score(model.sample(3_000), GRID))
    assert scores[0] == scores[1]


def test_vae_kl_matches_torch_distributions():
    mu, log_var = torch.randn(6, 3), torch.randn(6, 3)
    q = torch.distributions.Normal(mu, (0.5 * log_var).exp())
    p = torch.distributions.Normal(torch.zeros(3), torch.ones(3))
    expected = torch.distributions.kl_divergence(q, p).sum(-1)
    assert torch.allclose(gaussian_kl_to_standard(mu, log_var), expected, atol=1e-5)


def test_one_unrolled_step_is_the_adam_step_of_the_discriminator():
    torch.manual_seed(0)
    model = UnrolledGAN(2, noise_dim=4, unroll_steps=1)
    x, z = torch.randn(16, 2), torch.randn(16, 4)
    opt = torch.optim.Adam(model.discriminator.parameters(), lr=0.05, betas=(0.5, 0.999))
    unrolled = model.unrolled_parameters(x, z, opt)
    # independent: one real torch Adam step on the same discriminator loss
    from sigtut.methods.gan import discriminator_loss
    opt.zero_grad()
    discriminator_loss(model.discriminator(x), model.discriminator(model.generator(z).detach())).backward()
    opt.step()
    for name, p in model.discriminator.named_parameters():
        assert torch.allclose(unrolled[name], p, atol=1e-6), name


def test_unrolled_gradient_reaches_the_generator_through_the_look_ahead():
    torch.manual_seed(0)
    model = UnrolledGAN(2, noise_dim=4, unroll_steps=3)
    x, z = torch.randn(16, 2), torch.randn(16, 4)
    opt = torch.optim.Adam(model.discriminator.parameters(), lr=0.05)
    unrolled = model.unrolled_parameters(x, z, opt)
    w = next(iter(unrolled.values()))
    grads = torch.autograd.grad(w.sum(), list(model.generator.parameters()), allow_unused=True)
    assert any(g is not None and g.abs().sum() > 0 for g in grads)


def test_mode_regulariser_with_zero_weights_is_the_gan_loss():
    torch.manual_seed(1)
    model = ModeRegularizedGAN(2, noise_dim=4, lambda_geometric=0.0, lambda_mode=0.0)
    x = torch.randn(8, 2)
    torch.manual_seed(2)
    reg = model.generator_objective(x)
    torch.manual_seed(2)
    plain = generator_loss(model.discriminator(model.generate(8)))
    assert torch.allclose(reg, plain)


def test_mode_regulariser_geometric_term_is_the_reconstruction_error():
    torch.manual_seed(1)
    model = ModeRegularizedGAN(2, noise_dim=4, lambda_geometric=1.0, lambda_mode=0.0)
    x = torch.randn(8, 2)
    torch.manual_seed(2)
    total = model.generator_objective(x)
    torch.manual_seed(2)
    adversarial = generator_loss(model.discriminator(model.generate(8)))
    recon = ((x - model.reconstruct(x)) ** 2).sum(-1).mean()
    assert torch.allclose(total - adversarial, recon, atol=1e-6)


def test_mdgan_step_updates_each_player_on_its_own_loss():
    """Manifold step: D1 (x vs G(E(x))), then G and E; diffusion step: D2 (G(E(x)) vs G(z)), then G only."""
    torch.manual_seed(0)
    model = ManifoldDiffusionGAN(2, noise_dim=3, hidden=(8,), disc_hidden=(8,), lam=0.5)
    groups = model.optimizer_groups()
    opts = {k: torch.optim.SGD(v, lr=0.1) for k, v in groups.items()}
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    x = torch.randn(16, 2)
    # the manifold loss is the reconstruction error plus λ·(−log D1(G(E(x))))
    recon = model.reconstruct(x)
    expected = ((x - recon) ** 2).sum(-1).mean() + 0.5 * generator_loss(model.discriminator(recon))
    assert torch.allclose(model.regularizers(x), expected, atol=1e-6)
    losses = model.training_step(x, opts)
    assert set(losses) == {"d1", "g_manifold", "d2", "g_diffusion"}
    assert all(math.isfinite(float(v)) for v in losses.values())
    moved = {name.split(".")[0] for name, p in model.named_parameters() if not torch.equal(p, before[name])}
    assert moved == {"generator", "encoder", "discriminator", "diffusion_discriminator"}


def test_mdgan_encoder_gets_no_gradient_from_the_diffusion_step():
    torch.manual_seed(0)
    model = ManifoldDiffusionGAN(2, noise_dim=3, hidden=(8,), disc_hidden=(8,))
    loss = generator_loss(model.diffusion_discriminator(model.generate(8)))
    loss.backward()
    assert all(p.grad is None for p in model.encoder.parameters())
    assert all(p.grad is not None for p in model.generator.parameters())


def test_bms_reconstruction_keeps_only_the_best_of_t_draws():
    torch.manual_seed(0)
    model = BMSVAEGAN(2, noise_dim=3, n_samples=50, sigma=1.0)
    model.eval()
    x = torch.randn(5, 2)
    z, _, _ = model.encoder.rsample(x, 50)
    errors = ((x - model.generator(z)) ** 2).sum(-1)          # (T, n)
    assert (errors.min(0).values <= errors.mean(0)).all()      # best of T never worse than average
    assert errors.min(0).values.mean() < errors.mean()


def test_veegan_reconstructor_maps_data_to_noise_space():
    model = VEEGAN(2, noise_dim=6)
    assert model.reconstructor(torch.randn(4, 2)).shape == (4, 6)
    assert model.pair_logits(torch.randn(4, 6), torch.randn(4, 2)).shape == (4, 1)


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_bad_unroll_steps_rejected(bad):
    with pytest.raises(ValueError, match="unroll_steps"):
        UnrolledGAN(2, unroll_steps=bad)


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="lambda_mode"):
        ModeRegularizedGAN(2, lambda_mode=-0.1)
    with pytest.raises(ValueError, match="sigma"):
        VAE(2, sigma=0.0)
    with pytest.raises(ValueError, match="n_samples"):
        BMSVAEGAN(2, n_samples=0)
    assert isinstance(GAN(2), GAN)
