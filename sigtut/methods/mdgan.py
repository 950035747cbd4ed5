"""Mode-regularised GAN (Che et al., 2017, Section 3.2): an encoder E and two regularisers on G ∘ E.

Besides the usual discriminator D, an encoder E maps data x to noise, and the generator
and the encoder minimise (Section 3.2 of Che et al., 2017)

    T_G = −E_z log D(G(z)) + E_x [ λ1 ‖x − G(E(x))‖²  −  λ2 log D(G(E(x))) ],
    T_E =                    E_x [ λ1 ‖x − G(E(x))‖²  −  λ2 log D(G(E(x))) ].

The λ1 term (the *geometric* regulariser) pulls every data point's reconstruction onto
it, so the generator's image must reach every mode; the λ2 term (the *mode* regulariser)
asks D to accept those reconstructions. The paper prints "+ λ2 log D(G ∘ E(x))" inside
the minimised T_G, while its text says the term should *encourage* G(E(x)) towards
modes, i.e. raise D; we use the sign that does what the text says (−λ2 log D, minimised).
T_E is T_G without its first term, so one backward pass of T_G gives both gradients.
D is trained as in the plain GAN (real x against G(z)).

This is the regularised GAN that the MDGAN paper builds on; its two-discriminator
"manifold-diffusion" schedule (Appendix A of Che et al.) is not implemented here.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch
from torch import Tensor, nn

from .. import _checks
from ..nets import mlp
from .gan import GAN, generator_loss


class ModeRegularizedGAN(GAN):
    """GAN with MDGAN's geometric (λ1) and mode (λ2) regularisers through an encoder E.

    Args:
        data_dim, noise_dim, hidden, disc_hidden: as for :class:`~sigtut.methods.GAN`.
        lambda_geometric: λ1 ≥ 0, weight of ‖x − G(E(x))‖².
        lambda_mode: λ2 ≥ 0, weight of −log D(G(E(x))).
        Both default to 0.005, Che et al.'s values for their own 2-D mixture (Appendix C).
    """

    def __init__(
        self,
        data_dim: int,
        noise_dim: int = 10,
        hidden: Sequence[int] = (100, 100),
        disc_hidden: Sequence[int] = (100,),
        lambda_geometric: float = 0.005,
        lambda_mode: float = 0.005,
    ) -> None:
        super().__init__(data_dim, noise_dim, hidden, disc_hidden)
        self.lambda_geometric = _checks.non_negative("lambda_geometric", lambda_geometric)
        self.lambda_mode = _checks.non_negative("lambda_mode", lambda_mode)
        self.encoder = mlp(data_dim, hidden, noise_dim)

    def optimizer_groups(self) -> dict[str, Iterable[nn.Parameter]]:
        return {
            "generator": list(self.generator.parameters()) + list(self.encoder.parameters()),
            "discriminator": self.discriminator.parameters(),
        }

    def generator_objective(self, x: Tensor) -> Tensor:
        """T_G of Section 3.2 (its gradient with respect to E is that of T_E)."""
        adversarial = generator_loss(self.discriminator(self.generate(x.shape[0])))   # −E log D(G(z))
        recon = self.generator(self.encoder(x))                                       # G(E(x)), (n, d)
        geometric = (x - recon).pow(2).sum(dim=-1).mean()
        mode = generator_loss(self.discriminator(recon))                              # −E log D(G(E(x)))
        return adversarial + self.lambda_geometric * geometric + self.lambda_mode * mode

    @torch.no_grad()
    def reconstruct(self, x: Tensor) -> Tensor:
        """G(E(x)), the auto-encoded data."""
        return self.generator(self.encoder(x))
