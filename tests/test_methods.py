"""Every Table 1 method trains with finite losses, repeats exactly for a seed, and matches independent computations."""
import math

import pytest
import torch
from torch import nn

from sigtut import fit
from sigtut.data import gmm_grid
from sigtut.methods import BMSVAEGAN, GAN, VAE, VEEGAN, ManifoldDiffusionGAN, ModeRegularizedGAN, UnrolledGAN
from sigtut.methods.bms import best_of_many_error
from sigtut.methods.gan import discriminator_loss, generator_loss
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


# ---------------------------------------------------------------------------------------------
# Loss values against hand computations. Every network is replaced by one affine layer whose
# weights the test sets, in float64; the hand side applies them with explicit matrix products
# and writes log σ(t) = −log(1 + e^{−t}), log(1 − σ(t)) = −log(1 + e^{t}) out, so it shares no
# code with the package (no nn.Linear call, no binary_cross_entropy_with_logits, no .min(dim)).
# Where a loss draws noise inside the package, the test re-seeds and draws the same tensors in
# the same order.
# ---------------------------------------------------------------------------------------------
TIGHT = dict(rtol=1e-12, atol=1e-12)


@pytest.fixture
def float64():
    """Default dtype float64 for the test (the methods draw their noise in the default dtype)."""
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


def _affine(weight, bias) -> nn.Linear:
    """An nn.Linear with the given weight (out, in) and bias (out,)."""
    w, b = torch.tensor(weight, dtype=torch.float64), torch.tensor(bias, dtype=torch.float64)
    layer = nn.Linear(w.shape[1], w.shape[0], dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(w)
        layer.bias.copy_(b)
    return layer


def _apply(layer: nn.Linear, v: torch.Tensor) -> torch.Tensor:
    """The layer's affine map written out: v Wᵀ + b, with the weights copied out of the layer."""
    w, b = layer.weight.detach().clone(), layer.bias.detach().clone()
    return torch.einsum("...i,oi->...o", v, w) + b


def _log_sigmoid(t: torch.Tensor) -> torch.Tensor:
    return -torch.log1p(torch.exp(-t))


def _log_one_minus_sigmoid(t: torch.Tensor) -> torch.Tensor:
    return -torch.log1p(torch.exp(t))


def _zero_lr(model) -> dict:
    """SGD with learning rate 0 for each group: a training step then leaves every parameter as it was."""
    return {k: torch.optim.SGD(v, lr=0.0) for k, v in model.optimizer_groups().items()}


X = [[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]]          # three 2-D data points


def test_gan_losses_match_closed_forms():
    """Discriminator BCE (eq. 10) and non-saturating −E log D(G(z)) on logits with known sigmoids."""
    ln3 = math.log(3.0)
    real = torch.tensor([[0.0], [ln3]], dtype=torch.float64)    # D(x) = 1/2, 3/4
    fake = torch.tensor([[-ln3], [0.0]], dtype=torch.float64)   # D(G(z)) = 1/4, 1/2
    # −½(log ½ + log ¾) − ½(log(1 − ¼) + log(1 − ½)) = log 2 + log 4/3 = log 8/3
    assert torch.allclose(discriminator_loss(real, fake), torch.tensor(math.log(8 / 3), dtype=torch.float64), **TIGHT)
    # −½(log ¼ + log ½) = (3/2) log 2
    assert torch.allclose(generator_loss(fake), torch.tensor(1.5 * math.log(2.0), dtype=torch.float64), **TIGHT)


def test_gan_player_losses_match_hand_computation(float64):
    model = GAN(2, noise_dim=2)
    model.generator = _affine([[1.0, 0.5], [-0.5, 2.0]], [0.1, -0.2])
    model.discriminator = _affine([[0.8, -0.3]], [0.05])
    x = torch.tensor(X)
    torch.manual_seed(3)
    losses = model.training_step(x, _zero_lr(model))
    torch.manual_seed(3)
    z_d, z_g = torch.randn(3, 2), torch.randn(3, 2)            # D's fake batch, then G's
    d = lambda v: _apply(model.discriminator, v)               # noqa: E731
    g = lambda v: _apply(model.generator, v)                   # noqa: E731
    d_loss = -_log_sigmoid(d(x)).mean() - _log_one_minus_sigmoid(d(g(z_d))).mean()
    g_loss = -_log_sigmoid(d(g(z_g))).mean()
    assert torch.allclose(losses["d"], d_loss, **TIGHT)
    assert torch.allclose(losses["g"], g_loss, **TIGHT)
    torch.manual_seed(4)
    objective = model.generator_objective(x)
    torch.manual_seed(4)
    assert torch.allclose(objective, -_log_sigmoid(d(g(torch.randn(3, 2)))).mean(), **TIGHT)


def _veegan() -> VEEGAN:
    model = VEEGAN(2, noise_dim=2)
    model.generator = _affine([[1.0, -0.5], [0.25, 2.0]], [0.3, -0.1])
    model.reconstructor = _affine([[0.5, 0.2], [-0.4, 0.9]], [0.0, 0.2])
    model.discriminator = _affine([[0.6, -0.2, 0.3, 0.7]], [-0.1])   # on (z, x) concatenated
    return model


def test_veegan_generator_objective_is_eq8(float64):
    """Ô = 1/N Σ D(z_i, G(z_i)) + 1/N Σ ‖z_i − F(G(z_i))‖² (eq. 8, Algorithm 1 of the VEEGAN paper)."""
    model = _veegan()
    z = torch.tensor([[0.2, -1.0], [1.0, 0.5], [-0.3, 0.8], [0.0, 0.0]])
    total, reconstruction = model.generator_objective(z)
    x_gen = _apply(model.generator, z)
    d_pairs = _apply(model.discriminator, torch.cat([z, x_gen], dim=1))[:, 0]
    z_back = _apply(model.reconstructor, x_gen)
    rec = sum(float(((z[i] - z_back[i]) ** 2).sum()) for i in range(4)) / 4
    assert torch.allclose(reconstruction, torch.tensor(rec), **TIGHT)
    assert torch.allclose(total, d_pairs.mean() + rec, **TIGHT)
    # the adversarial term is the raw logit D_ω (the log ratio), not a log-sigmoid of it
    assert not torch.allclose(total, -_log_sigmoid(d_pairs).mean() + rec)


def test_veegan_discriminator_objective_is_logistic_on_pairs(float64):
    """O_LR: generated pairs (z, G(z)) labelled 1, data pairs (F(x) + s·ε, x) labelled 0.

    The reconstructor is the Gaussian p_θ(z | x) = N(F(x), s² I) of the authors' code (s = 1),
    so a data pair carries a draw of it, not the bare mean F(x).
    """
    model = _veegan()
    z, x = torch.tensor([[0.2, -1.0], [1.0, 0.5], [-0.3, 0.8]]), torch.tensor(X)
    torch.manual_seed(5)
    loss = model.discriminator_objective(z, x)
    torch.manual_seed(5)
    eps = torch.randn(3, 2)
    fake = torch.cat([z, _apply(model.generator, z)], dim=1)
    real = torch.cat([_apply(model.reconstructor, x) + eps, x], dim=1)
    expected = -_log_sigmoid(_apply(model.discriminator, fake)).mean() \
        - _log_one_minus_sigmoid(_apply(model.discriminator, real)).mean()
    assert torch.allclose(loss, expected, **TIGHT)
    deterministic = _veegan()
    deterministic.reconstructor_std = 0.0                        # s = 0: the data pair is (F(x), x)
    real0 = torch.cat([_apply(model.reconstructor, x), x], dim=1)
    expected0 = -_log_sigmoid(_apply(model.discriminator, fake)).mean() \
        - _log_one_minus_sigmoid(_apply(model.discriminator, real0)).mean()
    assert torch.allclose(deterministic.discriminator_objective(z, x), expected0, **TIGHT)
    assert not torch.allclose(loss, expected0)


def test_veegan_reconstructor_std_must_be_non_negative():
    with pytest.raises(ValueError, match="reconstructor_std"):
        VEEGAN(2, reconstructor_std=-1.0)


def test_veegan_training_step_reports_the_eq8_losses_of_its_noise(float64):
    model, x = _veegan(), torch.tensor(X)
    torch.manual_seed(7)
    losses = model.training_step(x, _zero_lr(model))
    torch.manual_seed(7)
    z = torch.randn(3, 2)
    total, rec = model.generator_objective(z)
    assert torch.allclose(losses["d"], model.discriminator_objective(z, x), **TIGHT)
    assert torch.allclose(losses["g"], total, **TIGHT) and torch.allclose(losses["rec"], rec, **TIGHT)


def _encoder_moments(net: nn.Linear, x: torch.Tensor, k: int):
    out = _apply(net, x)
    mu, log_var = out[:, :k], out[:, k:]
    return mu, (0.5 * log_var).exp()


def test_vae_loss_is_the_negative_elbo(float64):
    """VAE.loss = mean_i [‖x_i − G(z_i)‖²/(2σ²) + KL(N(μ_i, s_i²) ‖ N(0, I))], z_i = μ_i + s_i ε_i."""
    sigma = 0.5
    model = VAE(2, noise_dim=2, sigma=sigma)
    model.generator = _affine([[1.0, 0.5], [-0.5, 2.0]], [0.1, -0.2])
    model.encoder.net = _affine([[0.3, -0.2], [0.1, 0.4], [0.2, 0.1], [-0.3, 0.2]], [0.0, 0.1, -0.5, 0.3])
    x = torch.tensor(X)
    torch.manual_seed(11)
    loss = model.loss(x)
    torch.manual_seed(11)
    eps = torch.randn(1, 3, 2)[0]
    mu, s = _encoder_moments(model.encoder.net, x, 2)
    z = mu + s * eps
    recon = ((x - _apply(model.generator, z)) ** 2).sum(1) / (2 * sigma**2)
    kl = (-torch.log(s) + (s**2 + mu**2) / 2 - 0.5).sum(1)         # per dimension: −log s + (s² + μ²)/2 − ½
    assert torch.allclose(loss, (recon + kl).mean(), **TIGHT)
    # the same number from torch.distributions: −log N(x; G(z), σ²I) + KL, less the constant (D/2) log 2πσ²
    normal = torch.distributions.Normal
    log_lik = normal(_apply(model.generator, z), sigma).log_prob(x).sum(1)
    kl_td = torch.distributions.kl_divergence(normal(mu, s), normal(0.0, 1.0)).sum(1)
    neg_elbo = (-log_lik + kl_td).mean() - math.log(2 * math.pi * sigma**2)   # D/2 = 1
    assert torch.allclose(loss, neg_elbo, **TIGHT)


def test_best_of_many_error_is_the_smallest_squared_error():
    x = torch.tensor([[0.0, 0.0], [1.0, 1.0]])
    recon = torch.tensor([[[1.0, 0.0], [2.0, 1.0]],     # draw 1: errors 1, 1
                          [[0.0, 2.0], [1.0, 1.0]],     # draw 2: errors 4, 0
                          [[3.0, 3.0], [0.0, 0.0]]])    # draw 3: errors 18, 2
    assert torch.equal(best_of_many_error(x, recon), torch.tensor([1.0, 0.0]))
    with pytest.raises(ValueError, match="recon"):
        best_of_many_error(x, recon[0])


def _bms(**kwargs) -> BMSVAEGAN:
    model = BMSVAEGAN(2, noise_dim=2, **kwargs)
    model.generator = _affine([[1.0, 0.5], [-0.5, 2.0]], [0.1, -0.2])
    model.encoder.net = _affine([[0.3, -0.2], [0.1, 0.4], [0.2, 0.1], [-0.3, 0.2]], [0.0, 0.1, 0.4, 0.3])
    model.critic = _affine([[0.7, -0.4]], [0.2])
    model.latent_discriminator = _affine([[0.5, 0.3]], [-0.2])
    return model


def test_bms_autoencoder_loss_is_eq7_with_the_best_of_t_reconstruction(float64):
    """−L_BMS-S (eq. 7): β min_t ‖x − G(z_t)‖²/(2σ²) − α min_t s(G(z_t)) − KL̂, plus α-GAN's −α E s(G(z)), z ~ p."""
    T, sigma, alpha, beta = 4, 0.5, 0.7, 1.3
    model, x = _bms(n_samples=T, sigma=sigma, alpha=alpha, beta=beta), torch.tensor(X)
    torch.manual_seed(5)
    loss, z_post = model.autoencoder_loss(x)
    torch.manual_seed(5)
    eps, z_prior = torch.randn(T, 3, 2), torch.randn(3, 2)
    mu, s = _encoder_moments(model.encoder.net, x, 2)
    codes = [mu + s * eps[t] for t in range(T)]                      # T draws from q(z | x)
    recons = [_apply(model.generator, c) for c in codes]
    per_point = []
    for i in range(3):
        best = min(float(((x[i] - r[i]) ** 2).sum()) for r in recons)
        worst = min(float(_apply(model.critic, r[i])[0]) for r in recons)
        per_point.append(beta * best / (2 * sigma**2) - alpha * worst)
    prior_term = alpha * _apply(model.critic, _apply(model.generator, z_prior)).mean()
    kl_hat = -_apply(model.latent_discriminator, codes[0]).mean()     # KL(q ‖ p) ≈ −E_q logit D_L
    expected = sum(per_point) / 3 - prior_term + kl_hat
    assert torch.allclose(loss, expected, **TIGHT)
    assert torch.allclose(z_post, codes[0], **TIGHT)
    # the best of T is used: averaging the T errors gives another value
    mean_fit = sum(float(((x[i] - r[i]) ** 2).sum()) for r in recons for i in range(3)) / (3 * T)
    best_fit = sum(min(float(((x[i] - r[i]) ** 2).sum()) for r in recons) for i in range(3)) / 3
    assert mean_fit > best_fit + 0.1


def test_bms_analytic_kl_replaces_the_latent_classifier(float64):
    """kl="analytic": KL(q(z | x) ‖ N(0, I)) = ½ Σ (μ² + s² − 1 − log s²) in place of −E_q logit D_L."""
    model, x = _bms(n_samples=3), torch.tensor(X)
    analytic = _bms(n_samples=3, kl="analytic")
    torch.manual_seed(4)
    with_classifier, z_post = model.autoencoder_loss(x)
    torch.manual_seed(4)
    with_analytic, z_again = analytic.autoencoder_loss(x)
    mu, s = _encoder_moments(model.encoder.net, x, 2)
    kl = (0.5 * (mu**2 + s**2 - 1 - torch.log(s**2)).sum(dim=1)).mean()
    kl_hat = -_apply(model.latent_discriminator, z_post).mean()
    assert abs(float(kl - kl_hat)) > 0.1                               # the two estimates differ here
    assert torch.allclose(with_analytic, with_classifier - kl_hat + kl, **TIGHT)
    assert torch.equal(z_post, z_again)
    with pytest.raises(ValueError, match="kl"):
        BMSVAEGAN(2, kl="exact")


def test_bms_critic_and_latent_losses_are_algorithm1_steps_4_and_5(float64):
    """Hinge: E max(0, a − s(x)) + E max(0, b + s(G(z))); D_L: −E_p log D_L(z) − E_x log(1 − D_L(R(x)))."""
    a, b = 1.0, 0.5
    model, x = _bms(hinge_real=a, hinge_fake=b), torch.tensor(X)
    z_post = torch.tensor([[0.4, -0.2], [1.2, 0.3], [-0.5, -0.9]])
    torch.manual_seed(9)
    critic_loss, latent_loss = model.discriminator_objectives(x, z_post)
    torch.manual_seed(9)
    z_fake, z_prior = torch.randn(3, 2), torch.randn(3, 2)
    s_real = _apply(model.critic, x)[:, 0]
    s_fake = _apply(model.critic, _apply(model.generator, z_fake))[:, 0]
    hinge = torch.clamp(a - s_real, min=0).mean() + torch.clamp(b + s_fake, min=0).mean()
    assert (a - s_real > 0).any() and (a - s_real < 0).any()          # both sides of the hinge occur
    assert torch.allclose(critic_loss, hinge, **TIGHT)
    latent = -_log_sigmoid(_apply(model.latent_discriminator, z_prior)).mean() \
        - _log_one_minus_sigmoid(_apply(model.latent_discriminator, z_post)).mean()
    assert torch.allclose(latent_loss, latent, **TIGHT)


def test_bms_training_step_reports_its_losses(float64):
    model, x = _bms(n_samples=3), torch.tensor(X)
    torch.manual_seed(2)
    losses = model.training_step(x, _zero_lr(model))
    torch.manual_seed(2)
    g_loss, z_post = model.autoencoder_loss(x)
    critic_loss, latent_loss = model.discriminator_objectives(x, z_post)
    assert torch.allclose(losses["g"], g_loss, **TIGHT)
    assert torch.allclose(losses["critic"], critic_loss, **TIGHT)
    assert torch.allclose(losses["latent"], latent_loss, **TIGHT)


def test_bms_reconstruct_decodes_the_posterior_mean(float64):
    model, x = _bms(), torch.tensor(X)
    mu, _ = model.encoder(x)
    assert torch.allclose(model.reconstruct(x), model.generator(mu), **TIGHT)
    with pytest.raises(ValueError, match="x must have 2 columns"):
        model.reconstruct(torch.zeros(3, 5, dtype=torch.float64))


def _regularized(model):
    model.generator = _affine([[1.0, 0.5], [-0.5, 2.0]], [0.1, -0.2])
    model.encoder = _affine([[0.6, -0.1], [0.3, 0.8]], [0.05, 0.0])
    model.discriminator = _affine([[0.8, -0.3]], [0.05])
    return model


def test_mode_regularized_gan_objective_matches_hand_computation(float64):
    """T_G = −E log D(G(z)) + E[λ1 ‖x − G(E(x))‖² − λ2 log D(G(E(x)))] (Che et al. Section 3.2, sign of the text)."""
    lam1, lam2 = 0.3, 0.2
    model = _regularized(ModeRegularizedGAN(2, noise_dim=2, lambda_geometric=lam1, lambda_mode=lam2))
    x = torch.tensor(X)
    g = lambda v: _apply(model.generator, v)                   # noqa: E731
    d = lambda v: _apply(model.discriminator, v)               # noqa: E731
    recon = g(_apply(model.encoder, x))
    reg = lam1 * ((x - recon) ** 2).sum(1).mean() - lam2 * _log_sigmoid(d(recon)).mean()
    assert torch.allclose(model.regularizers(x), reg, **TIGHT)
    torch.manual_seed(6)
    objective = model.generator_objective(x)
    torch.manual_seed(6)
    assert torch.allclose(objective, -_log_sigmoid(d(g(torch.randn(3, 2)))).mean() + reg, **TIGHT)


def test_mdgan_step_losses_match_hand_computation(float64):
    """Manifold step (D1 on x vs G(E(x)); ‖x − G(E(x))‖² − λ log D1(G(E(x)))), diffusion step (D2; −log D2(G(z)))."""
    lam = 0.5
    model = _regularized(ManifoldDiffusionGAN(2, noise_dim=2, lam=lam))
    model.diffusion_discriminator = _affine([[-0.4, 0.6]], [0.1])
    x = torch.tensor(X)
    torch.manual_seed(8)
    losses = model.training_step(x, _zero_lr(model))
    torch.manual_seed(8)
    z_d2, z_g = torch.randn(3, 2), torch.randn(3, 2)
    g = lambda v: _apply(model.generator, v)                   # noqa: E731
    d1 = lambda v: _apply(model.discriminator, v)              # noqa: E731
    d2 = lambda v: _apply(model.diffusion_discriminator, v)    # noqa: E731
    recon = g(_apply(model.encoder, x))
    assert torch.allclose(losses["d1"], -_log_sigmoid(d1(x)).mean() - _log_one_minus_sigmoid(d1(recon)).mean(), **TIGHT)
    assert torch.allclose(losses["g_manifold"],
                          ((x - recon) ** 2).sum(1).mean() - lam * _log_sigmoid(d1(recon)).mean(), **TIGHT)
    assert torch.allclose(losses["d2"],
                          -_log_sigmoid(d2(recon)).mean() - _log_one_minus_sigmoid(d2(g(z_d2))).mean(), **TIGHT)
    assert torch.allclose(losses["g_diffusion"], -_log_sigmoid(d2(g(z_g))).mean(), **TIGHT)
