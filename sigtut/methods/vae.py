"""The variational auto-encoder baseline of Table 1 (Kingma & Welling, 2014).

Objective (the negative evidence lower bound, eq. 3 of Kingma & Welling, 2014), with
an encoder q_ψ(z | x) = N(z; μ_ψ(x), diag s_ψ(x)²) and the decoder p(x | z) = N(x; G(z), σ² I):

    L(ψ, φ) = E_x [ E_{q_ψ(z|x)} ‖x − G_φ(z)‖² / (2σ²)  +  KL(q_ψ(z | x) ‖ N(0, I)) ]  + const,

    KL = ½ Σ_k (μ_k² + s_k² − 1 − log s_k²),

estimated with one reparameterised draw z = μ + s ⊙ ε per data point.
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from .. import _checks
from ..nets import mlp
from .base import GenerativeMethod


def gaussian_kl_to_standard(mu: Tensor, log_var: Tensor) -> Tensor:
    """KL(N(μ, diag e^{log_var}) ‖ N(0, I)) per row, summed over the last dimension: shape (n,)."""
    return 0.5 * (mu.pow(2) + log_var.exp() - 1.0 - log_var).sum(dim=-1)


class GaussianEncoder(nn.Module):
    """q(z | x) = N(μ(x), diag e^{log_var(x)}): an MLP with 2·noise_dim outputs (two hidden layers of 100)."""

    def __init__(self, data_dim: int, noise_dim: int, hidden: Sequence[int] = (100, 100)) -> None:
        super().__init__()
        self.net = mlp(data_dim, hidden, 2 * noise_dim)

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        mu, log_var = self.net(x).chunk(2, dim=-1)
        return mu, log_var

    def rsample(self, x: Tensor, n_draws: int = 1) -> tuple[Tensor, Tensor, Tensor]:
        """n_draws reparameterised z per row: z (n_draws, n, noise_dim), and μ, log_var (n, noise_dim)."""
        mu, log_var = self(x)
        eps = torch.randn(n_draws, *mu.shape, device=mu.device, dtype=mu.dtype)
        return mu + (0.5 * log_var).exp() * eps, mu, log_var


class VAE(GenerativeMethod):
    """VAE with the shared generator network as decoder mean G(z) (Table 1's "VAE" column).

    Samples are the decoder means G(z), z ~ N(0, I), as drawn in the paper's Figure 2;
    adding the decoder's N(0, σ² I) noise would only blur every mode by σ.

    Args:
        data_dim: dimension of x.
        noise_dim: dimension of z.
        sigma: σ of the decoder p(x | z) = N(G(z), σ² I); it sets the weight of the
            reconstruction term against the KL term.
        hidden: hidden widths of the generator G and of the encoder (two layers of 100).
    """

    def __init__(self, data_dim: int, noise_dim: int = 10, sigma: float = 0.05, hidden: Sequence[int] = (100, 100)) -> None:
        super().__init__()
        self.data_dim = _checks.positive_int("data_dim", data_dim)
        self.noise_dim = _checks.positive_int("noise_dim", noise_dim)
        self.sigma = _checks.positive("sigma", sigma)
        self.generator = mlp(noise_dim, hidden, data_dim)
        self.encoder = GaussianEncoder(data_dim, noise_dim, hidden)

    def loss(self, x: Tensor) -> Tensor:
        """The negative ELBO per data point (without the constant (D/2) log 2πσ²)."""
        z, mu, log_var = self.encoder.rsample(x)
        recon = (x - self.generator(z[0])).pow(2).sum(dim=-1) / (2.0 * self.sigma**2)   # (n,)
        return (recon + gaussian_kl_to_standard(mu, log_var)).mean()

    @torch.no_grad()
    def sample(self, n: int) -> Tensor:
        _checks.positive_int("n", n)
        return self.generator(self.noise(n))
