"""The interface every generative method offers to the training loop :func:`sigtut.train.fit`."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

import torch
from torch import Tensor, nn


def optimizer_step(opt: torch.optim.Optimizer, loss: Tensor) -> Tensor:
    """Zero the gradients of ``opt``'s parameters, back-propagate ``loss``, step; return the detached loss."""
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss.detach()


class GenerativeMethod(nn.Module, ABC):
    """A generative model that ``fit`` can train.

    A method names its parameter groups (one Adam optimiser each) and performs one
    training step on a mini-batch. Methods with one loss only implement ``loss``;
    adversarial methods override ``training_step`` to alternate their players.
    """

    noise_dim: int

    def optimizer_groups(self) -> dict[str, Iterable[nn.Parameter]]:
        """Parameter groups, one optimiser each. Default: one group ``model``."""
        return {"model": self.parameters()}

    def loss(self, x: Tensor) -> Tensor:
        """The scalar loss of a single-objective method on the mini-batch x."""
        raise TypeError(f"{type(self).__name__} has no single loss; it overrides training_step")

    def training_step(self, x: Tensor, optimizers: dict[str, torch.optim.Optimizer]) -> dict[str, Tensor]:
        """One update on mini-batch x; returns the (detached) losses by name."""
        return {"loss": optimizer_step(optimizers["model"], self.loss(x))}

    def noise(self, n: int) -> Tensor:
        """n draws of the generator's input noise z ~ N(0, I), on the method's device."""
        return torch.randn(n, self.noise_dim, device=self.device)

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    @abstractmethod
    def sample(self, n: int) -> Tensor:
        """n samples x of the model, shape ``(n, *event_shape)``."""
