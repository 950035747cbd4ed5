"""GAN-SI: a GAN whose generator loss adds λ times the SIG objective H_M (paper Section 3, Algorithm 1)."""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from .. import _checks
from ..likelihoods import Likelihood, Normal
from ..objectives import sig_cross_entropy
from .gan import GAN


def per_pixel_lambda(data_dim: int) -> float:
    """λ of eq. (12) for images of ``data_dim`` pixel values: 1/D, which makes λ·H_M a cross-entropy per pixel.

    The paper sets λ so that the GAN's generator loss and the H_M term are on the same
    scale. H_M over D pixels grows like D, whereas the non-saturating loss −log D(θ) is
    of order one nat (log 2 at the equilibrium D = 1/2); dividing by D brings H_M to nats
    per pixel, a few nats with σ = 0.2 on images in [-1, 1]. A WGAN-GP critic's values
    have no fixed offset, so there only gradients can be compared: the penalty holds
    ‖∇_θ D(θ)‖ near 1, and λ = 1/D gives the H_M gradient on one image a norm of about
    ‖θ − x‖ / (σ² D), of order 0.1 to 1 for images in [-1, 1]
    (:meth:`SIRegularised.term_gradient_norms` measures both).
    """
    return 1.0 / _checks.positive_int("data_dim", data_dim)


class SIRegularised:
    """Adds the semi-implicit regulariser λ·H_M to an adversarial method's generator (eq. 12).

    Mixed into a :class:`~sigtut.methods.GAN` subclass (before it), it replaces the
    generator objective by

        adversarial loss of the θ_j  +  λ · [ -1/N Σ_i log 1/M Σ_j p(x_i | θ_j) ]

    where the θ_j are M generator outputs and the adversarial loss is the base method's
    (``adversarial_loss``): −1/M Σ_j log D(θ_j) for the GAN, −1/M Σ_j D(θ_j) for WGAN-GP.
    """

    lam: float
    likelihood: Likelihood
    n_theta: int | None

    def _set_regulariser(self, lam: float, likelihood: Likelihood, n_theta: int | None) -> None:
        if not isinstance(likelihood, Likelihood):
            raise TypeError(f"likelihood must be a sigtut Likelihood, got {type(likelihood).__name__}")
        self.lam = _checks.non_negative("lam", lam)
        self.likelihood = likelihood
        self.n_theta = None if n_theta is None else _checks.positive_int("n_theta", n_theta)

    @classmethod
    def gaussian(cls, data_dim: int, lam: float, sigma: float, **kwargs):
        """The method with p(x | θ) = N(x; θ, σ² I), the paper's choice."""
        return cls(data_dim, lam, Normal(sigma), **kwargs)

    def generator_objective(self, x: Tensor) -> Tensor:
        m = self.n_theta or x.shape[0]
        theta = self.generate(m)  # (M, *event_shape)
        # the GAN's generator loss, e.g. -1/M Σ_j log D(θ_j)
        adversarial = self.adversarial_loss(self.discriminator(theta))
        if self.lam == 0.0:
            return adversarial
        # + λ H_M, eq. (12)
        return adversarial + self.lam * sig_cross_entropy(x, theta, self.likelihood)

    def term_gradient_norms(self, x: Tensor) -> dict[str, float]:
        """Mean norm, over M generated images θ_j, of the gradient of each term of eq. (12) with respect to θ_j.

        Both terms average over the θ_j, so M times a term's gradient with respect to θ_j
        is what that image feels; comparing the two means shows whether λ balances them.
        """
        theta = self.generate(self.n_theta or x.shape[0]).detach().requires_grad_(True)   # (M, *event_shape)
        m = theta.shape[0]
        terms = {"adversarial": self.adversarial_loss(self.discriminator(theta)),
                 "lambda_h_m": self.lam * sig_cross_entropy(x, theta, self.likelihood)}
        norms = {}
        for name, term in terms.items():
            (grad,) = torch.autograd.grad(term * m, theta)
            norms[name] = float(grad.flatten(1).norm(dim=1).mean())
        return norms


class GANSI(SIRegularised, GAN):
    """GAN with the semi-implicit regulariser (eqs. 11–12, Algorithm 1).

    The discriminator minimises eq. (11), exactly as in :class:`~sigtut.methods.GAN`.
    The generator T_φ is read as SIG's implicit network: its outputs are the θ_j, and it minimises

        -1/M Σ_j log D(θ_j)  +  λ · [ -1/N Σ_i log 1/M Σ_j p(x_i | θ_j) ]          (eq. 12)

    with p(x | θ) = N(x; θ, σ² I) by default. λ = 0 is the plain GAN; large λ approaches SIG.

    Args:
        data_dim: dimension of x (ignored by custom networks).
        lam: λ ≥ 0, weight of the H_M term.
        likelihood: p(x | θ); ``Normal(sigma)`` for the paper's experiments.
        n_theta: M, generated θ's per step (default: the mini-batch size N).
        noise_dim, hidden, disc_hidden, generator, discriminator: as for :class:`GAN`.
    """

    def __init__(
        self,
        data_dim: int,
        lam: float,
        likelihood: Likelihood,
        n_theta: int | None = None,
        noise_dim: int = 10,
        hidden: Sequence[int] = (100, 100),
        disc_hidden: Sequence[int] = (100,),
        generator: nn.Module | None = None,
        discriminator: nn.Module | None = None,
    ) -> None:
        super().__init__(data_dim, noise_dim, hidden, disc_hidden, generator, discriminator)
        self._set_regulariser(lam, likelihood, n_theta)
