"""VEEGAN: a GAN with a reconstructor network that auto-encodes the noise (Srivastava et al., 2017).

The generator G_γ maps z ~ p0 = N(0, I) to x; the reconstructor F_θ maps x back to z.
A discriminator D_ω(z, x) on *pairs* estimates the log density ratio between the
generator's joint p0(z) q_γ(x | z) and the reconstructor's joint q(x) p_θ(z | x)
(data x, z drawn from the reconstructor). VEEGAN's objective (eq. 8 and Algorithm 1 of the VEEGAN paper,
with d the squared ℓ2 distance) is

    O(γ, θ) = 1/N Σ_i D_ω(z_i, G_γ(z_i))  +  1/N Σ_i ‖z_i − F_θ(G_γ(z_i))‖²,

minimised by both G_γ and F_θ: the first term is the adversarial estimate of
KL(generator joint ‖ reconstructor joint), the second an auto-encoder *of the noise*,
which penalises a generator that maps many z to the same x (mode collapse). D_ω is
a logistic regression of generated pairs (label 1) against data pairs (label 0):

    min_ω  −1/N Σ_i [ log σ(D_ω(z_i, G(z_i))) + log(1 − σ(D_ω(F(x_i) + s ε_i, x_i))) ],   ε_i ~ N(0, I).

The reconstructor is a distribution, p_θ(z | x) = N(F_θ(x), s² I) with s = 1 in the
authors' 2-D notebook (its "generative_network" draws a unit-variance Normal around the
network's output; the reconstruction term is that Normal's log-density, i.e. w = 1/2 on
the squared distance). The noise matters: a deterministic F puts the data pairs on a
d-dimensional surface of the (z, x) space while the generated pairs fill all of z's
dimensions, so D_ω separates them perfectly, its loss goes to 0 and the generator learns
nothing (chapter 5 shows it in the stored Table 1 runs: their final D loss is far below 2 log 2).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .. import _checks
from ..nets import mlp
from .base import GenerativeMethod


class VEEGAN(GenerativeMethod):
    """VEEGAN with the shared generator, a reconstructor like the paper's encoder, and a pair discriminator.

    Args:
        data_dim: dimension of x.
        noise_dim: dimension of z.
        hidden: hidden widths of the generator and the reconstructor (two layers of 100).
        disc_hidden: hidden widths of the discriminator on (z, x) pairs (one layer of 100).
        reconstruction_weight: w > 0 in front of 1/N Σ ‖z − F(G(z))‖² in eq. (8) (1; the authors'
            notebook scores the reconstruction by a unit-variance Gaussian log-density, i.e. w = 1/2).
        reconstructor_std: s ≥ 0, the standard deviation of p_θ(z | x) = N(F_θ(x), s² I) whose
            draws make the discriminator's data pairs (1, the authors' notebook; 0 gives the
            deterministic reconstructor, which fails as the module docstring says).
    """

    def __init__(
        self,
        data_dim: int,
        noise_dim: int = 10,
        hidden: Sequence[int] = (100, 100),
        disc_hidden: Sequence[int] = (100,),
        reconstruction_weight: float = 1.0,
        reconstructor_std: float = 1.0,
    ) -> None:
        super().__init__()
        self.reconstructor_std = _checks.non_negative("reconstructor_std", reconstructor_std)
        self.reconstruction_weight = _checks.positive("reconstruction_weight", reconstruction_weight)
        self.data_dim = _checks.positive_int("data_dim", data_dim)
        self.noise_dim = _checks.positive_int("noise_dim", noise_dim)
        self.generator = mlp(noise_dim, hidden, data_dim)
        self.reconstructor = mlp(data_dim, hidden, noise_dim)
        self.discriminator = mlp(noise_dim + data_dim, disc_hidden, 1)

    def optimizer_groups(self) -> dict[str, Iterable[nn.Parameter]]:
        return {
            "generator": list(self.generator.parameters()) + list(self.reconstructor.parameters()),
            "discriminator": self.discriminator.parameters(),
        }

    def pair_logits(self, z: Tensor, x: Tensor) -> Tensor:
        """D_ω(z, x): the estimated log ratio of generator joint to reconstructor joint, shape (n, 1)."""
        return self.discriminator(torch.cat([z, x], dim=-1))

    def discriminator_objective(self, z: Tensor, x: Tensor) -> Tensor:
        """O_LR of the VEEGAN paper (Section 3): the logistic loss of D_ω on pairs.

        −1/N Σ_i log σ(D_ω(z_i, G(z_i)))  −  1/N Σ_i log(1 − σ(D_ω(F(x_i) + s ε_i, x_i))),

        generated pairs (z, G(z)) labelled 1 and data pairs (z' ~ N(F(x), s² I), x) labelled 0;
        G and F are held fixed (no gradient reaches them).
        """
        with torch.no_grad():
            fake_pair = (z, self.generator(z))
            mean = self.reconstructor(x)                                               # F(x), (n, noise_dim)
            real_pair = (mean + self.reconstructor_std * torch.randn_like(mean), x)    # a draw of p_θ(z | x)
        fake_logits, real_logits = self.pair_logits(*fake_pair), self.pair_logits(*real_pair)
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits)) + \
            F.binary_cross_entropy_with_logits(real_logits, torch.zeros_like(real_logits))

    def generator_objective(self, z: Tensor) -> tuple[Tensor, Tensor]:
        """Ô(γ, θ) of eq. (8) of the VEEGAN paper on noise draws z, and its reconstruction part.

        Returns (1/N Σ_i D_ω(z_i, G(z_i)) + w/N Σ_i ‖z_i − F(G(z_i))‖²,  1/N Σ_i ‖z_i − F(G(z_i))‖²),
        w = ``reconstruction_weight``;
        G_γ and F_θ both minimise the first (Algorithm 1: F_θ gets the gradient of the second
        term only, since the first does not depend on θ).
        """
        x_gen = self.generator(z)
        adversarial = self.pair_logits(z, x_gen).mean()
        reconstruction = (z - self.reconstructor(x_gen)).pow(2).sum(dim=-1).mean()
        return adversarial + self.reconstruction_weight * reconstruction, reconstruction

    def training_step(self, x: Tensor, optimizers: dict[str, torch.optim.Optimizer]) -> dict[str, Tensor]:
        z = self.noise(x.shape[0])
        # discriminator: generated pairs (z, G(z)) -> 1, data pairs (F(x), x) -> 0
        opt_d = optimizers["discriminator"]
        opt_d.zero_grad(set_to_none=True)
        d_loss = self.discriminator_objective(z, x)
        d_loss.backward()
        opt_d.step()
        # generator and reconstructor: O(γ, θ) of eq. (8)
        opt_g = optimizers["generator"]
        opt_g.zero_grad(set_to_none=True)
        g_loss, reconstruction = self.generator_objective(z)
        g_loss.backward()
        opt_g.step()
        return {"d": d_loss.detach(), "g": g_loss.detach(), "rec": reconstruction.detach()}

    @torch.no_grad()
    def sample(self, n: int) -> Tensor:
        _checks.positive_int("n", n)
        return self.generator(self.noise(n))
