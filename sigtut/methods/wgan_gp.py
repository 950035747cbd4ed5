"""WGAN-GP (Gulrajani et al., 2017) and its semi-implicit version WGAN-GP-SI (paper Section 5.4, Table 3).

The critic D minimises

    E_z D(G(z)) − E_x D(x) + λ_gp E_x̂ (‖∇_x̂ D(x̂)‖₂ − 1)²,   x̂ = ε x + (1 − ε) G(z), ε ~ U[0, 1],

an estimate of the negated Wasserstein-1 distance with a soft 1-Lipschitz constraint
(their eq. 3, Algorithm 1), and the generator minimises −E_z D(G(z)). Their settings:
λ_gp = 10 and n_critic = 5 critic updates per generator update; Adam with β = (0, 0.9)
in Algorithm 1 and β = (0.5, 0.9) in their CIFAR-10 script (``gan_cifar.py`` of
igul222/improved_wgan_training, which also draws a fresh data batch for every critic step).

Data per training step: :func:`sigtut.train.fit` hands a method one mini-batch per step.
A WGAN-GP step splits it into ``n_critic`` equal sub-batches, one per critic update, as
the authors' script does with fresh batches; so ``fit(batch_size=n_critic · B)`` trains
with batches of B, and one ``fit`` step is one generator iteration (the unit of "100K
iterations"). The generator update uses B generated images and, for WGAN-GP-SI, the last
sub-batch as the x of H_M.
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from .. import _checks
from ..likelihoods import Likelihood
from .gan import GAN
from .gan_si import SIRegularised

GP_WEIGHT = 10.0
N_CRITIC = 5
BETAS = (0.5, 0.9)


def gradient_penalty(critic: nn.Module, real: Tensor, fake: Tensor, eps: Tensor | None = None) -> Tensor:
    """E (‖∇_x̂ D(x̂)‖₂ − 1)² at x̂ = ε x + (1 − ε) x̃, one ε ~ U[0, 1] per pair (Gulrajani et al., eq. 3).

    Args:
        critic: D, mapping ``(n, *event_shape)`` to (n, 1) or (n,).
        real, fake: x and x̃, both ``(n, *event_shape)``; ``fake`` is treated as a constant.
        eps: the mixing weights, shape (n,); drawn uniformly when omitted.

    Returns:
        Scalar tensor, differentiable with respect to the critic's parameters.
    """
    if real.shape != fake.shape:
        raise ValueError(f"real and fake must have the same shape, got {tuple(real.shape)} and {tuple(fake.shape)}")
    n = real.shape[0]
    if eps is None:
        eps = torch.rand(n, device=real.device, dtype=real.dtype)
    elif eps.shape != (n,):
        raise ValueError(f"eps must have shape ({n},), got {tuple(eps.shape)}")
    eps = eps.view(n, *([1] * (real.dim() - 1)))
    mixed = (eps * real.detach() + (1 - eps) * fake.detach()).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(mixed).sum(), mixed, create_graph=True)   # row i: ∇ D at x̂_i
    return (grad.flatten(1).norm(dim=1) - 1).square().mean()


def critic_loss(real_values: Tensor, fake_values: Tensor) -> Tensor:
    """E D(G(z)) − E D(x), the critic's Wasserstein loss without the penalty."""
    return fake_values.mean() - real_values.mean()


class WGANGP(GAN):
    """WGAN with gradient penalty; the critic is the GAN's ``discriminator`` (no sigmoid).

    Args:
        data_dim: dimension of x (ignored by custom networks).
        gp_weight: λ_gp, weight of the gradient penalty (10 in Gulrajani et al.).
        n_critic: critic updates per generator update (5); each uses 1/n_critic of the batch.
        noise_dim, hidden, disc_hidden, generator, discriminator: as for :class:`~sigtut.methods.GAN`.
            A critic with batch normalisation is refused: it would couple the per-image
            penalty across the batch.
    """

    def __init__(
        self,
        data_dim: int,
        gp_weight: float = GP_WEIGHT,
        n_critic: int = N_CRITIC,
        noise_dim: int = 10,
        hidden: Sequence[int] = (100, 100),
        disc_hidden: Sequence[int] = (100,),
        generator: nn.Module | None = None,
        discriminator: nn.Module | None = None,
    ) -> None:
        super().__init__(data_dim, noise_dim, hidden, disc_hidden, generator, discriminator)
        self.gp_weight = _checks.non_negative("gp_weight", gp_weight)
        self.n_critic = _checks.positive_int("n_critic", n_critic)
        if any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in self.discriminator.modules()):
            raise ValueError("discriminator must not use batch normalisation under WGAN-GP: the gradient penalty "
                             "is per image (Gulrajani et al., Section 4); build it with batch_norm=False")

    def adversarial_loss(self, fake_values: Tensor) -> Tensor:
        """−E D(G(z)), the WGAN generator loss."""
        return -fake_values.mean()

    def discriminator_step(self, x: Tensor, opt: torch.optim.Optimizer) -> Tensor:
        """One critic update on sub-batch x: Wasserstein loss plus λ_gp times the penalty; returns the total."""
        with torch.no_grad():
            fake = self.generate(x.shape[0])
        opt.zero_grad(set_to_none=True)
        loss = critic_loss(self.discriminator(x), self.discriminator(fake))
        loss = loss + self.gp_weight * gradient_penalty(self.discriminator, x, fake)
        loss.backward()
        opt.step()
        return loss.detach()

    def training_step(
        self, x: Tensor, optimizers: dict[str, torch.optim.Optimizer]
    ) -> dict[str, Tensor]:
        """n_critic critic updates on sub-batches of x, then one generator update."""
        if x.shape[0] % self.n_critic:
            raise ValueError(
                f"the batch of {x.shape[0]} must split into n_critic = {self.n_critic} "
                f"equal sub-batches: call fit with batch_size = {self.n_critic} × "
                "(sub-batch size)")
        chunks = x.chunk(self.n_critic)
        opt_d = optimizers["discriminator"]
        d_losses = [self.discriminator_step(chunk, opt_d) for chunk in chunks]
        opt_g = optimizers["generator"]
        opt_g.zero_grad(set_to_none=True)
        g_loss = self.generator_objective(chunks[-1])
        g_loss.backward()
        opt_g.step()
        return {"d": torch.stack(d_losses).mean(), "g": g_loss.detach()}


class WGANGPSI(SIRegularised, WGANGP):
    """WGAN-GP whose generator adds λ·H_M (eq. 12 with the WGAN generator loss): −1/M Σ_j D(θ_j) + λ H_M.

    Args:
        data_dim: dimension of x (ignored by custom networks).
        lam: λ ≥ 0, weight of the H_M term.
        likelihood: p(x | θ); ``Normal(sigma)`` as in the paper.
        n_theta: M, generated θ's per generator update (default: the sub-batch size).
        gp_weight, n_critic, noise_dim, hidden, disc_hidden, generator, discriminator: as for :class:`WGANGP`.
    """

    def __init__(
        self,
        data_dim: int,
        lam: float,
        likelihood: Likelihood,
        n_theta: int | None = None,
        gp_weight: float = GP_WEIGHT,
        n_critic: int = N_CRITIC,
        noise_dim: int = 10,
        hidden: Sequence[int] = (100, 100),
        disc_hidden: Sequence[int] = (100,),
        generator: nn.Module | None = None,
        discriminator: nn.Module | None = None,
    ) -> None:
        super().__init__(data_dim, gp_weight, n_critic, noise_dim, hidden, disc_hidden, generator, discriminator)
        self._set_regulariser(lam, likelihood, n_theta)
