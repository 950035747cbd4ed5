"""The settings of a table's profiles (``quick`` and ``paper``), one type for every table."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .. import _checks


@dataclass(frozen=True)
class Profile:
    """Training and evaluation settings of one profile, shared by every method of a table.

    Attributes:
        steps: training steps, one number or one per data set (e.g. ``{"grid": 50_000, "ring": 25_000}``).
        batch_size: mini-batch size N.
        seeds: seeds per method by default.
        n_eval: samples scored per run.
        lr_generator: Adam's learning rate of every parameter group but the discriminator's.
        lr_discriminator: Adam's learning rate of the discriminator.
        betas: Adam's (β₁, β₂).
        eval_every: also score every this many steps (learning curves); None scores the end only.
    """

    steps: int | Mapping[str, int]
    batch_size: int
    seeds: int
    n_eval: int
    lr_generator: float = 1e-3
    lr_discriminator: float = 1e-4
    betas: tuple[float, float] = (0.5, 0.999)
    eval_every: int | None = None

    def steps_for(self, dataset: str | None = None) -> int:
        """The training length on ``dataset`` (profiles with one length ignore it)."""
        if isinstance(self.steps, int):
            return self.steps
        if dataset not in self.steps:
            raise ValueError(f"dataset must be one of {sorted(self.steps)}, got {dataset!r}")
        return self.steps[dataset]

    def learning_rates(self, groups: Iterable[str]) -> dict[str, float]:
        """The learning rate of each parameter group of a method (the discriminator's is its own)."""
        return {g: self.lr_discriminator if g == "discriminator" else self.lr_generator for g in groups}

    def eval_steps(self, steps: int) -> list[int]:
        """The steps at which a run of ``steps`` steps is scored: every ``eval_every`` and the last."""
        _checks.positive_int("steps", steps)
        if self.eval_every is None:
            return [steps]
        return sorted({*range(self.eval_every, steps, self.eval_every), steps})

    def header(self, steps: int) -> dict[str, Any]:
        """The settings a stored result records (and a merged one must share) for a run of ``steps`` steps."""
        return {"steps": steps, "batch_size": self.batch_size, "n_eval": self.n_eval,
                "lr": {"generator": self.lr_generator, "discriminator": self.lr_discriminator},
                "betas": list(self.betas), "eval_every": self.eval_every}


def profile_named(profiles: Mapping[str, Profile], name: str) -> Profile:
    """``profiles[name]`` with a clear error naming the choices."""
    if name not in profiles:
        raise ValueError(f"profile_name must be one of {sorted(profiles)}, got {name!r}")
    return profiles[name]
