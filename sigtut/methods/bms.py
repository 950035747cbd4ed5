"""BMS-VAE-GAN: a hybrid VAE-GAN with a "best-of-many-samples" reconstruction (eq. 7 of the BMS paper).

Components: an encoder R (q(z | x) Gaussian), the generator G, a data critic D_I with a
controlled Lipschitz constant (spectral normalisation), and a latent classifier D_L that
replaces the analytic KL to the prior (as in α-GAN). For each data point the encoder draws
T codes z_1..z_T ~ q(z | x), and the encoder and generator maximise

    L_BMS-S = α min_i log D_I(G(z_i))  +  β max_i log p(x | z_i)  −  KL(q(z | x) ‖ p(z)),   (eq. 7)

with p(x | z) = N(x; G(z), σ² I), so that max_i log p(x | z_i) is −min_i ‖x − G(z_i)‖² / (2σ²)
up to a constant: only the best of the T reconstructions is penalised, which lets q(z | x)
stay wide (close to the prior) while some draw still reconstructs x. We write s = log D_I
for the critic's raw output. As in α-GAN, whose optimisation scheme the BMS paper follows,
the generator is also trained on samples from the prior, −α E_{z~p(z)} s(G(z)), and the KL is
estimated by the latent classifier: −KL ≈ E_q logit D_L(z) (D_L tells prior codes from encoded ones).
With ``kl="analytic"`` the closed form of KL(q(z | x) ‖ N(0, I)) for the Gaussian encoder takes
its place (an ablation: the BMS paper's eq. (7) writes the KL itself; D_L is still trained, so its
loss stays comparable).

The critic is trained with the hinge loss of the paper's Algorithm 1,
E_x max(0, a − s(x)) + E_z max(0, b + s(G(z))), and D_L with the logistic loss.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn.utils.parametrizations import spectral_norm

from .. import _checks
from ..nets import mlp
from .base import GenerativeMethod
from .vae import GaussianEncoder, gaussian_kl_to_standard

KL_ESTIMATES = ("classifier", "analytic")


def _spectral_mlp(in_dim: int, hidden: Sequence[int], out_dim: int) -> nn.Sequential:
    """``mlp`` with spectral normalisation on every linear layer (Lipschitz constant ≤ 1)."""
    net = mlp(in_dim, hidden, out_dim)
    for i, layer in enumerate(net):
        if isinstance(layer, nn.Linear):
            net[i] = spectral_norm(layer)
    return net


def best_of_many_error(x: Tensor, recon: Tensor) -> Tensor:
    """min_i ‖x − G(z_i)‖² over the T reconstructions of each data point (the "best of many" of eq. 7).

    Args:
        x: data, shape (n, d).
        recon: the T reconstructions G(z_1..T) of each row of x, shape (T, n, d).

    Returns:
        Shape (n,): −2σ² max_i log p(x | z_i) up to a constant, for p(x | z) = N(G(z), σ² I).
    """
    if recon.dim() != x.dim() + 1 or recon.shape[1:] != x.shape:
        raise ValueError(f"recon must have shape (T, *x.shape) = (T, {tuple(x.shape)}), got {tuple(recon.shape)}")
    return (x - recon).pow(2).sum(dim=-1).min(dim=0).values


class BMSVAEGAN(GenerativeMethod):
    """Best-of-Many-Samples VAE-GAN (Table 1 of the BMS paper uses T = 10 on the 2-D grid and ring).

    Args:
        data_dim: dimension of x.
        noise_dim: dimension of z.
        n_samples: T, codes drawn from q(z | x) per data point.
        sigma: σ of p(x | z) = N(G(z), σ² I); the reconstruction weight is β / (2σ²).
        alpha, beta: weights of the synthetic likelihood and of the reconstruction, as in eqs. (6)-(7);
            the prose of the paper's Section 3.3 names them the other way round (β for the synthetic
            likelihood, α for the reconstruction). We follow the equations.
        hinge_real, hinge_fake: the critic's hinge margins a and b (Algorithm 1).
        hidden: hidden widths of G and R (two layers of 100).
        disc_hidden: hidden widths of D_I and D_L (one layer of 100).
        latent_disc_hidden: hidden widths of D_L alone, when they differ from D_I's (the BMS
            paper's Section 4.2 takes α-GAN's three layers of 750); None uses ``disc_hidden``.
        kl: how eq. (7)'s KL(q(z | x) ‖ p(z)) is estimated: "classifier" (D_L's logit, as in
            α-GAN and the BMS paper's Algorithm 1) or "analytic" (the Gaussian closed form).
    """

    def __init__(
        self,
        data_dim: int,
        noise_dim: int = 10,
        n_samples: int = 10,
        sigma: float = 0.05,
        alpha: float = 1.0,
        beta: float = 1.0,
        hinge_real: float = 1.0,
        hinge_fake: float = 1.0,
        hidden: Sequence[int] = (100, 100),
        disc_hidden: Sequence[int] = (100,),
        latent_disc_hidden: Sequence[int] | None = None,
        kl: str = "classifier",
    ) -> None:
        super().__init__()
        self.data_dim = _checks.positive_int("data_dim", data_dim)
        self.noise_dim = _checks.positive_int("noise_dim", noise_dim)
        self.n_samples = _checks.positive_int("n_samples", n_samples)
        self.sigma = _checks.positive("sigma", sigma)
        self.alpha = _checks.positive("alpha", alpha)
        self.beta = _checks.positive("beta", beta)
        self.hinge_real = _checks.positive("hinge_real", hinge_real)
        self.hinge_fake = _checks.positive("hinge_fake", hinge_fake)
        if kl not in KL_ESTIMATES:
            raise ValueError(f"kl must be one of {list(KL_ESTIMATES)}, got {kl!r}")
        self.kl = kl
        self.generator = mlp(noise_dim, hidden, data_dim)
        self.encoder = GaussianEncoder(data_dim, noise_dim, hidden)
        self.critic = _spectral_mlp(data_dim, disc_hidden, 1)
        self.latent_discriminator = mlp(noise_dim, disc_hidden if latent_disc_hidden is None else latent_disc_hidden, 1)

    def optimizer_groups(self) -> dict[str, Iterable[nn.Parameter]]:
        return {
            "generator": list(self.generator.parameters()) + list(self.encoder.parameters()),
            "discriminator": list(self.critic.parameters()) + list(self.latent_discriminator.parameters()),
        }

    def autoencoder_loss(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """−L_BMS-S of eq. (7) plus α-GAN's prior-sample term; also returns the encoded codes (detached)."""
        z, mu, log_var = self.encoder.rsample(x, self.n_samples)           # z: (T, n, noise_dim)
        recon = self.generator(z)                                           # (T, n, d)
        best_fit = best_of_many_error(x, recon)                             # min_i ‖x − G(z_i)‖², (n,)
        worst_realism = self.critic(recon).squeeze(-1).min(dim=0).values    # min_i s(G(z_i)), (n,)
        prior_realism = self.critic(self.generator(self.noise(x.shape[0]))).mean()
        if self.kl == "analytic":
            neg_kl = -gaussian_kl_to_standard(mu, log_var).mean()            # −KL(q(z | x) ‖ N(0, I)), exact
        else:
            neg_kl = self.latent_discriminator(z[0]).mean()                  # ≈ −KL(q ‖ p) via D_L's logit
        loss = (self.beta * best_fit / (2.0 * self.sigma**2) - self.alpha * worst_realism).mean() \
            - self.alpha * prior_realism - neg_kl
        return loss, z[0].detach()

    def discriminator_objectives(self, x: Tensor, z_post: Tensor) -> tuple[Tensor, Tensor]:
        """The losses of D_I and D_L in steps 4 and 5 of the BMS paper's Algorithm 1.

        critic (hinge):  E_x max(0, a − s(x)) + E_z max(0, b + s(G(z))),  z ~ p(z), G fixed;
        latent classifier (logistic):  −E_{p(z)} log D_L(z) − E_x log(1 − D_L(z_post)),
        with z_post the encoded codes R(x) (detached) and D_L(z) = σ(its logit).
        """
        with torch.no_grad():
            fake = self.generator(self.noise(x.shape[0]))
        critic_loss = F.relu(self.hinge_real - self.critic(x)).mean() + F.relu(self.hinge_fake + self.critic(fake)).mean()
        prior_logits = self.latent_discriminator(self.noise(x.shape[0]))
        post_logits = self.latent_discriminator(z_post)
        latent_loss = F.binary_cross_entropy_with_logits(prior_logits, torch.ones_like(prior_logits)) + \
            F.binary_cross_entropy_with_logits(post_logits, torch.zeros_like(post_logits))
        return critic_loss, latent_loss

    def training_step(self, x: Tensor, optimizers: dict[str, torch.optim.Optimizer]) -> dict[str, Tensor]:
        opt_g = optimizers["generator"]
        opt_g.zero_grad(set_to_none=True)
        g_loss, z_post = self.autoencoder_loss(x)
        g_loss.backward()
        opt_g.step()
        # critic (hinge) and latent classifier (prior codes -> 1, encoded codes -> 0)
        opt_d = optimizers["discriminator"]
        opt_d.zero_grad(set_to_none=True)
        critic_loss, latent_loss = self.discriminator_objectives(x, z_post)
        (critic_loss + latent_loss).backward()
        opt_d.step()
        return {"g": g_loss.detach(), "critic": critic_loss.detach(), "latent": latent_loss.detach()}

    @torch.no_grad()
    def sample(self, n: int) -> Tensor:
        _checks.positive_int("n", n)
        return self.generator(self.noise(n))

    @torch.no_grad()
    def reconstruct(self, x: Tensor) -> Tensor:
        """G(μ(x)): each data point through the encoder's mean and back, shape (n, d).

        The autoencoder path of eq. (7). Where these land on the modes but :meth:`sample`
        (G of prior draws) does not, the generator works and the codes it was trained on
        do not cover the prior: q(z) = E_x q(z | x) misses parts of p(z).
        """
        x = _checks.tensor("x", x, min_dim=2)
        if x.shape[-1] != self.data_dim:
            raise ValueError(f"x must have {self.data_dim} columns, got shape {tuple(x.shape)}")
        mu, _ = self.encoder(x)
        return self.generator(mu)
