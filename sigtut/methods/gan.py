"""The vanilla GAN baseline with the non-saturating generator loss (paper eq. 10; Goodfellow et al., 2014)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .. import _checks
from ..nets import mlp
from .base import GenerativeMethod

NOISES = ("normal", "uniform")     # the distributions of the generator's input z


def discriminator_loss(real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    """-E log D(x) - E log(1 - D(G(z))) of eq. (10)/(11), from the discriminator's logits."""
    real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
    fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return real + fake


def generator_loss(fake_logits: Tensor) -> Tensor:
    """Non-saturating generator loss -E log D(G(z)) (the first term of eq. 12)."""
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


class GAN(GenerativeMethod):
    """GAN with generator G = g_φ (the same network as SIG's implicit net) and discriminator D.

    Each step updates D once on eq. (10), then G once on -E log D(G(z)).

    Args:
        data_dim: dimension of x.
        noise_dim: dimension of z.
        hidden: hidden widths of the generator (two layers of 100 in Section 5.2).
        disc_hidden: hidden widths of the discriminator (one layer of 100 in Section 5.2).
        generator, discriminator: alternative networks (e.g. DCGAN), replacing the MLPs.
        activation: the hidden units' non-linearity of both MLPs (ReLU; Metz et al.'s reference
            code for the unrolled GAN uses tanh).
        noise: the distribution of z, ``"normal"`` (N(0, I)) or ``"uniform"`` (U[0, 1)^d, as in
            Che et al.'s 2-D experiment, Appendix C).
    """

    def __init__(
        self,
        data_dim: int,
        noise_dim: int = 10,
        hidden: Sequence[int] = (100, 100),
        disc_hidden: Sequence[int] = (100,),
        generator: nn.Module | None = None,
        discriminator: nn.Module | None = None,
        activation: type[nn.Module] = nn.ReLU,
        noise: str = "normal",
    ) -> None:
        super().__init__()
        self.data_dim = _checks.positive_int("data_dim", data_dim)
        self.noise_dim = _checks.positive_int("noise_dim", noise_dim)
        if noise not in NOISES:
            raise ValueError(f"noise must be one of {list(NOISES)}, got {noise!r}")
        if not (isinstance(activation, type) and issubclass(activation, nn.Module)):
            raise TypeError(f"activation must be a torch.nn.Module class such as nn.Tanh, got {activation!r}")
        self.noise_distribution = noise
        self.generator = generator if generator is not None else mlp(noise_dim, hidden, data_dim, activation)
        self.discriminator = discriminator if discriminator is not None else \
            mlp(data_dim, disc_hidden, 1, activation)

    def optimizer_groups(self) -> dict[str, Iterable[nn.Parameter]]:
        return {"generator": self.generator.parameters(), "discriminator": self.discriminator.parameters()}

    def noise(self, n: int) -> Tensor:
        """n draws of z: N(0, I) or, with ``noise="uniform"``, U[0, 1)^d."""
        if self.noise_distribution == "uniform":
            return torch.rand(n, self.noise_dim, device=self.device)
        return super().noise(n)

    def generate(self, n: int) -> Tensor:
        """G(z) for n fresh noise draws, with gradients."""
        return self.generator(self.noise(n))

    def discriminator_step(self, x: Tensor, opt: torch.optim.Optimizer) -> Tensor:
        """One discriminator update on eq. (11); returns its loss."""
        with torch.no_grad():
            fake = self.generate(x.shape[0])
        opt.zero_grad(set_to_none=True)
        loss = discriminator_loss(self.discriminator(x), self.discriminator(fake))
        loss.backward()
        opt.step()
        return loss.detach()

    def adversarial_loss(self, fake_logits: Tensor) -> Tensor:
        """The generator's adversarial loss from the discriminator's outputs on generated samples.

        Here the non-saturating -E log D(G(z)); WGAN-GP overrides it with -E D(G(z)).
        """
        return generator_loss(fake_logits)

    def generator_objective(self, x: Tensor) -> Tensor:
        """The generator's loss on mini-batch x (subclasses add regularisers, e.g. GAN-SI's λ H_M)."""
        return self.adversarial_loss(self.discriminator(self.generate(x.shape[0])))

    def training_step(self, x: Tensor, optimizers: dict[str, torch.optim.Optimizer]) -> dict[str, Tensor]:
        d_loss = self.discriminator_step(x, optimizers["discriminator"])
        opt_g = optimizers["generator"]
        opt_g.zero_grad(set_to_none=True)
        g_loss = self.generator_objective(x)
        g_loss.backward()
        opt_g.step()
        return {"d": d_loss, "g": g_loss.detach()}

    @torch.no_grad()
    def sample(self, n: int) -> Tensor:
        _checks.positive_int("n", n)
        return self.generate(n)
