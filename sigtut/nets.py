"""Neural networks shared by every method, so that comparisons use one generator (paper Section 5.2)."""
from __future__ import annotations

from collections.abc import Sequence

from torch import nn

from . import _checks


def mlp(in_dim: int, hidden: Sequence[int], out_dim: int, activation: type[nn.Module] = nn.ReLU) -> nn.Sequential:
    """A fully connected network in_dim → hidden[0] → … → out_dim with ``activation`` between layers.

    The paper's toy generator is ``mlp(noise_dim, (100, 100), data_dim)``: two hidden
    layers of 100 ReLU units (Sections 5.1–5.2). The last layer is linear.
    """
    _checks.positive_int("in_dim", in_dim)
    _checks.positive_int("out_dim", out_dim)
    for width in hidden:
        _checks.positive_int("hidden width", width)
    sizes = [in_dim, *hidden, out_dim]
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)
