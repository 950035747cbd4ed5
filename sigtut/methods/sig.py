"""The semi-implicit generator SIG (paper Section 2, eqs. 3 and 6)."""
from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor, nn

from .. import _checks
from ..likelihoods import Likelihood, Normal
from ..nets import mlp
from ..objectives import sig_cross_entropy
from .base import GenerativeMethod


def _event_shape(data_shape: int | Sequence[int]) -> tuple[int, ...]:
    shape = (data_shape,) if isinstance(data_shape, int) else tuple(data_shape)
    if not shape:
        raise ValueError("data_shape must name at least one dimension")
    for s in shape:
        _checks.positive_int("data_shape entry", s)
    return shape


class SIG(GenerativeMethod):
    """Semi-implicit generator: x ~ p(x | θ), θ = g_φ(z), z ~ N(0, I) (eq. 3).

    Trained by minimising H_M (eq. 6): every step draws M values of θ from the
    implicit network and scores the mini-batch against all of them.

    Args:
        data_shape: event shape of x (an int for vectors).
        likelihood: the explicit layer p(x | θ); its ``link`` maps the network output to θ.
        noise_dim: dimension of z (10 in the paper's toy examples).
        hidden: hidden widths of the default MLP g_φ (two layers of 100 in the paper).
        n_theta: M, the number of θ draws per step.
        generator: an alternative g_φ mapping (n, noise_dim) to ``(n, *data_shape)`` raw outputs
            (e.g. a DCGAN generator); ``hidden`` is then ignored. Every method calls the
            network that maps z to samples (here to θ) ``generator``.
        sigma_schedule: optional map from the training step to the σ of a ``Normal``
            likelihood (e.g. :class:`~sigtut.annealing.GeometricAnnealing`); the step count
            is saved with the model, so a resumed run continues the schedule, and the
            model samples with the σ of the step it reached.
    """

    def __init__(
        self,
        data_shape: int | Sequence[int],
        likelihood: Likelihood,
        noise_dim: int = 10,
        hidden: Sequence[int] = (100, 100),
        n_theta: int = 100,
        generator: nn.Module | None = None,
        sigma_schedule: Callable[[int], float] | None = None,
    ) -> None:
        super().__init__()
        if not isinstance(likelihood, Likelihood):
            raise TypeError(f"likelihood must be a sigtut Likelihood, got {type(likelihood).__name__}")
        self.event_shape = _event_shape(data_shape)
        self.likelihood = likelihood
        self.noise_dim = _checks.positive_int("noise_dim", noise_dim)
        self.n_theta = _checks.positive_int("n_theta", n_theta)
        data_dim = int(torch.tensor(self.event_shape).prod())
        self.generator = generator if generator is not None else mlp(noise_dim, hidden, data_dim)
        if sigma_schedule is not None and not isinstance(likelihood, Normal):
            raise TypeError(f"sigma_schedule needs a Normal likelihood, got {type(likelihood).__name__}")
        if sigma_schedule is not None and not callable(sigma_schedule):
            raise TypeError(f"sigma_schedule must be callable, got {type(sigma_schedule).__name__}")
        self.sigma_schedule = sigma_schedule
        self.register_buffer("steps_done", torch.zeros((), dtype=torch.long))

    def _sync_sigma(self) -> None:
        """Set the likelihood's σ to the schedule's value at the current step (no-op without schedule)."""
        if self.sigma_schedule is not None:
            self.likelihood.sigma = _checks.positive("sigma_schedule(step)", self.sigma_schedule(int(self.steps_done)))

    def sample_theta(self, n: int) -> Tensor:
        """n draws θ = g_φ(z) of the implicit distribution, shape ``(n, *event_shape)``."""
        _checks.positive_int("n", n)
        raw = self.generator(self.noise(n))
        return self.likelihood.link(raw.reshape(n, *self.event_shape))

    @torch.no_grad()
    def sample(self, n: int) -> Tensor:
        """n samples x ~ p(x | θ), θ ~ p_φ(θ): shape ``(n, *event_shape)``."""
        self._sync_sigma()
        return self.likelihood.sample(self.sample_theta(n))

    def training_step(self, x: Tensor, optimizers: dict[str, torch.optim.Optimizer]) -> dict[str, Tensor]:
        """One Adam step on H_M, with σ set by ``sigma_schedule`` for this step when there is one."""
        self._sync_sigma()
        losses = super().training_step(x, optimizers)
        self.steps_done += 1
        return losses

    def loss(self, x: Tensor, M: int | None = None) -> Tensor:
        """H_M of eq. (6) on the mini-batch x with M fresh draws of θ (default ``n_theta``)."""
        m = self.n_theta if M is None else _checks.positive_int("M", M)
        return sig_cross_entropy(x, self.sample_theta(m), self.likelihood)
