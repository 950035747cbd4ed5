"""Unrolled GAN (Metz et al., 2017): the generator looks k discriminator updates ahead.

With θ_D the discriminator's parameters and f(θ_G, θ_D) the GAN value, the unrolled
discriminator is the k-fold update θ_D^{k+1} = θ_D^k + η ∂f/∂θ_D^k (eq. 3–5 of Metz et al.,
with θ_D^0 = θ_D), and the generator minimises the surrogate

    f_K(θ_G, θ_D) = f(θ_G, θ_D^K(θ_G, θ_D)),                                  (eq. 6)

differentiating *through* the K updates (their dependence on θ_G included, no
first-order shortcut). The discriminator itself is still trained on f with θ_D^1.
As in the authors' reference implementation, each unrolled update is an Adam step that
starts from the discriminator optimiser's current moments; the generator's loss is the
non-saturating −log D_{θ_D^K}(G(z)).
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn
from torch.func import functional_call

from .. import _checks
from .gan import GAN, discriminator_loss, generator_loss


def _safe_sqrt(v: Tensor) -> Tensor:
    """√v with gradient 0 (not ∞, which times 0 gives NaN) where v = 0, e.g. a dead ReLU unit's Adam moment."""
    positive = v > 0
    return torch.where(positive, v, torch.ones_like(v)).sqrt() * positive


class UnrolledGAN(GAN):
    """GAN whose generator step differentiates through ``unroll_steps`` Adam updates of D (Metz et al., 2017).

    Args:
        data_dim, noise_dim, hidden, disc_hidden: as for :class:`~sigtut.methods.GAN`.
        unroll_steps: K ≥ 0, the look-ahead (5, as in VEEGAN's and Metz et al.'s 2-D experiments);
            K = 0 is the plain GAN.
        activation, noise: as for :class:`~sigtut.methods.GAN` (Metz et al.'s code: ``nn.Tanh``).
    """

    def __init__(
        self,
        data_dim: int,
        noise_dim: int = 10,
        hidden: Sequence[int] = (100, 100),
        disc_hidden: Sequence[int] = (100,),
        unroll_steps: int = 5,
        activation: type[nn.Module] = nn.ReLU,
        noise: str = "normal",
    ) -> None:
        super().__init__(data_dim, noise_dim, hidden, disc_hidden, activation=activation, noise=noise)
        self.unroll_steps = _checks.non_negative_int("unroll_steps", unroll_steps)

    def unrolled_parameters(self, x: Tensor, z: Tensor, opt: torch.optim.Optimizer) -> dict[str, Tensor]:
        """θ_D^K: K differentiable Adam steps of D on (x, G(z)), as functions of the generator's parameters."""
        group = opt.param_groups[0]
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        names = [name for name, _ in self.discriminator.named_parameters()]
        leaves = [p for _, p in self.discriminator.named_parameters()]
        params = [p.detach().requires_grad_(True) for p in leaves]
        states = [opt.state.get(p, {}) for p in leaves]
        m = [s["exp_avg"].clone() if "exp_avg" in s else torch.zeros_like(p) for s, p in zip(states, leaves)]
        v = [s["exp_avg_sq"].clone() if "exp_avg_sq" in s else torch.zeros_like(p) for s, p in zip(states, leaves)]
        t0 = int(states[0]["step"]) if "step" in states[0] else 0
        fake = self.generator(z)                                        # depends on θ_G
        for k in range(1, self.unroll_steps + 1):
            current = dict(zip(names, params))
            loss = discriminator_loss(functional_call(self.discriminator, current, (x,)),
                                      functional_call(self.discriminator, current, (fake,)))
            grads = torch.autograd.grad(loss, params, create_graph=True)
            t = t0 + k
            m = [beta1 * mi + (1 - beta1) * g for mi, g in zip(m, grads)]
            v = [beta2 * vi + (1 - beta2) * g * g for vi, g in zip(v, grads)]
            params = [p - lr * (mi / (1 - beta1**t)) / (_safe_sqrt(vi / (1 - beta2**t)) + eps)
                      for p, mi, vi in zip(params, m, v)]
        return dict(zip(names, params))

    def training_step(self, x: Tensor, optimizers: dict[str, torch.optim.Optimizer]) -> dict[str, Tensor]:
        opt_d = optimizers["discriminator"]
        d_loss = self.discriminator_step(x, opt_d)
        opt_g = optimizers["generator"]
        opt_g.zero_grad(set_to_none=True)
        z = self.noise(x.shape[0])
        unrolled = self.unrolled_parameters(x, z, opt_d)
        g_loss = generator_loss(functional_call(self.discriminator, unrolled, (self.generator(z),)))
        g_loss.backward(inputs=list(self.generator.parameters()))
        opt_g.step()
        return {"d": d_loss, "g": g_loss.detach()}

