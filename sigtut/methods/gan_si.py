"""GAN-SI: a GAN whose generator loss adds λ times the SIG objective H_M (paper Section 3, Algorithm 1)."""
from __future__ import annotations

from collections.abc import Sequence

from torch import Tensor, nn

from .. import _checks
from ..likelihoods import Likelihood, Normal
from ..objectives import sig_cross_entropy
from .gan import GAN, generator_loss


class GANSI(GAN):
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
        if not isinstance(likelihood, Likelihood):
            raise TypeError(f"likelihood must be a sigtut Likelihood, got {type(likelihood).__name__}")
        self.lam = _checks.non_negative("lam", lam)
        self.likelihood = likelihood
        self.n_theta = None if n_theta is None else _checks.positive_int("n_theta", n_theta)

    @classmethod
    def gaussian(cls, data_dim: int, lam: float, sigma: float, **kwargs) -> GANSI:
        """GAN-SI with p(x | θ) = N(x; θ, σ² I), the paper's choice."""
        return cls(data_dim, lam, Normal(sigma), **kwargs)

    def generator_objective(self, x: Tensor) -> Tensor:
        m = self.n_theta or x.shape[0]
        theta = self.generate(m)                                    # (M, *event_shape)
        adversarial = generator_loss(self.discriminator(theta))     # -1/M Σ_j log D(θ_j)
        if self.lam == 0.0:
            return adversarial
        return adversarial + self.lam * sig_cross_entropy(x, theta, self.likelihood)  # + λ H_M
