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

:class:`ModeRegularizedGAN` is this regularised GAN (Section 3.2 of Che et al.);
:class:`ManifoldDiffusionGAN` is MDGAN proper, the two-discriminator "manifold-diffusion"
training of their Section 3.3 and Appendix A.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch
from torch import Tensor, nn

from .. import _checks
from ..nets import mlp
from .base import optimizer_step
from .gan import GAN, discriminator_loss, generator_loss


class ModeRegularizedGAN(GAN):
    """GAN with MDGAN's geometric (λ1) and mode (λ2) regularisers through an encoder E.

    Args:
        data_dim, noise_dim, hidden, disc_hidden: as for :class:`~sigtut.methods.GAN`.
        lambda_geometric: λ1 ≥ 0, weight of ‖x − G(E(x))‖².
        lambda_mode: λ2 ≥ 0, weight of −log D(G(E(x))).
        Both default to 0.005, Che et al.'s values for their own 2-D mixture (Appendix C).
        activation, noise: as for :class:`~sigtut.methods.GAN` (Che et al.'s 2-D experiment:
            ReLU and ``noise="uniform"``); the encoder E has the generator's widths and activation.
    """

    def __init__(
        self,
        data_dim: int,
        noise_dim: int = 10,
        hidden: Sequence[int] = (100, 100),
        disc_hidden: Sequence[int] = (100,),
        lambda_geometric: float = 0.005,
        lambda_mode: float = 0.005,
        activation: type[nn.Module] = nn.ReLU,
        noise: str = "normal",
    ) -> None:
        super().__init__(data_dim, noise_dim, hidden, disc_hidden, activation=activation, noise=noise)
        self.lambda_geometric = _checks.non_negative("lambda_geometric", lambda_geometric)
        self.lambda_mode = _checks.non_negative("lambda_mode", lambda_mode)
        self.encoder = mlp(data_dim, hidden, noise_dim, activation)

    def optimizer_groups(self) -> dict[str, Iterable[nn.Parameter]]:
        return {
            "generator": list(self.generator.parameters()) + list(self.encoder.parameters()),
            "discriminator": self.discriminator.parameters(),
        }

    def regularizers(self, x: Tensor) -> Tensor:
        """T_E of Section 3.2: E_x [λ1 ‖x − G(E(x))‖² − λ2 log D(G(E(x)))]."""
        recon = self.generator(self.encoder(x))                                       # G(E(x)), (n, d)
        geometric = (x - recon).pow(2).sum(dim=-1).mean()
        mode = generator_loss(self.discriminator(recon))                              # −E log D(G(E(x)))
        return self.lambda_geometric * geometric + self.lambda_mode * mode

    def generator_objective(self, x: Tensor) -> Tensor:
        """T_G of Section 3.2 (its gradient with respect to E is that of T_E)."""
        adversarial = generator_loss(self.discriminator(self.generate(x.shape[0])))   # −E log D(G(z))
        return adversarial + self.regularizers(x)

    @torch.no_grad()
    def reconstruct(self, x: Tensor) -> Tensor:
        """G(E(x)), the auto-encoded data."""
        return self.generator(self.encoder(x))


class ManifoldDiffusionGAN(ModeRegularizedGAN):
    """MDGAN: manifold-diffusion training with two discriminators (Che et al., 2017, Section 3.3, Appendix A).

    Each training step has two halves (their Appendix A, with ``D1``, ``D2`` as discriminators):

    *Manifold step* — D1 separates data x from reconstructions G(E(x)),

        max_{D1}  E_x [ log D1(x) + log(1 − D1(G(E(x)))) ],

    and G with E pull the reconstructions onto the data and make them pass D1,

        min_{G,E}  E_x [ ‖x − G(E(x))‖²  −  λ log D1(G(E(x))) ].

    *Diffusion step* — D2 separates reconstructions G(E(x)) (now on the data manifold) from
    samples G(z), and G spreads its mass like the reconstructions,

        max_{D2}  E [ log D2(G(E(x))) + log(1 − D2(G(z))) ],      min_G  −E_z log D2(G(z)).

    Appendix A prints ``log(1 − D2(z_i))`` in step 6, which compares a reconstruction with a
    noise vector; the text of Section 3.3 says D2 separates G(z) from G(E(x)), so we use
    ``D2(G(z))``. The generator steps use the non-saturating form −log D, as the GAN does.

    Args:
        data_dim, noise_dim, hidden, disc_hidden: as for :class:`~sigtut.methods.GAN`; D1 is
            the ``discriminator``, D2 a second network of the same shape. The manifold step's
            loss is :meth:`ModeRegularizedGAN.regularizers` with λ1 = 1 and λ2 = λ.
        lam: λ ≥ 0, weight of the adversarial term of the manifold step. Che et al. state no
            value for 2-D data; the default 1 puts it on the scale of the squared
            reconstruction error of data of unit spread.
        activation, noise: as for :class:`ModeRegularizedGAN`.
    """

    def __init__(
        self,
        data_dim: int,
        noise_dim: int = 10,
        hidden: Sequence[int] = (100, 100),
        disc_hidden: Sequence[int] = (100,),
        lam: float = 1.0,
        activation: type[nn.Module] = nn.ReLU,
        noise: str = "normal",
    ) -> None:
        super().__init__(data_dim, noise_dim, hidden, disc_hidden, lambda_geometric=1.0,
                         lambda_mode=_checks.non_negative("lam", lam), activation=activation, noise=noise)
        self.diffusion_discriminator = mlp(data_dim, disc_hidden, 1, activation)

    def optimizer_groups(self) -> dict[str, Iterable[nn.Parameter]]:
        # One Adam per group; a parameter without a gradient in a given update is left untouched.
        return {
            "generator": list(self.generator.parameters()) + list(self.encoder.parameters()),
            "discriminator": list(self.discriminator.parameters()) + list(self.diffusion_discriminator.parameters()),
        }

    def training_step(self, x: Tensor, optimizers: dict[str, torch.optim.Optimizer]) -> dict[str, Tensor]:
        opt_g, opt_d = optimizers["generator"], optimizers["discriminator"]
        d1, d2 = self.discriminator, self.diffusion_discriminator
        # manifold step: D1 on x against G(E(x)), then G and E on reconstruction + λ·(−log D1(G(E(x))))
        with torch.no_grad():
            recon = self.generator(self.encoder(x))                               # (n, d)
        d1_loss = optimizer_step(opt_d, discriminator_loss(d1(x), d1(recon)))
        g_manifold = optimizer_step(opt_g, self.regularizers(x))
        # diffusion step: D2 on G(E(x)) (as "real") against G(z), then G on −log D2(G(z))
        with torch.no_grad():
            recon, fake = self.generator(self.encoder(x)), self.generate(x.shape[0])
        d2_loss = optimizer_step(opt_d, discriminator_loss(d2(recon), d2(fake)))
        g_diffusion = optimizer_step(opt_g, generator_loss(d2(self.generate(x.shape[0]))))
        return {"d1": d1_loss, "g_manifold": g_manifold, "d2": d2_loss, "g_diffusion": g_diffusion}
