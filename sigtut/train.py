"""One training loop for every method and chapter: Adam, progress bar, checkpoints, divergence guard."""
from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path

import torch
from torch import Tensor
from tqdm.auto import tqdm

from . import _checks
from .methods.base import GenerativeMethod
from .runtime import device as default_device
from .runtime import seed_everything

History = dict[str, list[float]]
Sampler = Callable[[int, torch.Generator], Tensor]


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite; the message names the step and the loss."""


def _per_group(name: str, value: object, groups: list[str]) -> dict[str, object]:
    if isinstance(value, dict):
        missing = set(groups) - set(value)
        if missing:
            raise ValueError(f"{name} has no entry for parameter group(s) {sorted(missing)}")
        return value
    return {g: value for g in groups}


def _batch(data: Tensor | Sampler, batch_size: int, generator: torch.Generator) -> Tensor:
    if isinstance(data, Tensor):
        idx = torch.randint(data.shape[0], (batch_size,), generator=generator)
        return data[idx]
    return data(batch_size, generator)


def fit(
    method: GenerativeMethod,
    data: Tensor | Sampler,
    steps: int,
    batch_size: int = 256,
    lr: float | dict[str, float] = 1e-3,
    betas: tuple[float, float] | dict[str, tuple[float, float]] = (0.9, 0.999),
    seed: int = 0,
    device: torch.device | str | None = None,
    checkpoint: str | os.PathLike | None = None,
    checkpoint_every: int = 1000,
    progress: bool = True,
    desc: str | None = None,
) -> History:
    """Train ``method`` for ``steps`` mini-batch updates with Adam; return the loss history.

    Args:
        method: any :class:`~sigtut.methods.GenerativeMethod` (SIG, GAN, ...).
        data: a tensor (N, *event_shape) sampled with replacement, or a sampler
            ``f(batch_size, generator) -> Tensor`` for an endless data stream.
        steps: total number of updates (a resumed run continues up to this number).
        batch_size: mini-batch size N.
        lr, betas: Adam settings, one value for all parameter groups or a dict by group.
        seed: seeds the initialisation noise, the mini-batches and the model's noise.
        device: defaults to :func:`sigtut.runtime.device` (cuda, else mps, else cpu).
        checkpoint: file to save to every ``checkpoint_every`` steps and at the end;
            when it exists, training resumes from it. On CPU a resumed run ends with
            the same parameters as an uninterrupted one.
        progress: show a tqdm progress bar with the current losses.
        desc: label of the progress bar.

    Returns:
        History: for each loss name, its value at every step (including resumed steps).

    Raises:
        TrainingDiverged: when a loss becomes NaN or infinite, naming the step.
    """
    if not isinstance(method, GenerativeMethod):
        raise TypeError(f"method must be a sigtut GenerativeMethod, got {type(method).__name__}")
    if isinstance(data, Tensor):
        data = _checks.tensor("data", data)
        if data.shape[0] < 1:
            raise ValueError("data must hold at least one sample")
    elif not callable(data):
        raise TypeError(f"data must be a Tensor or a sampler callable, got {type(data).__name__}")
    _checks.positive_int("steps", steps)
    _checks.positive_int("batch_size", batch_size)
    _checks.positive_int("checkpoint_every", checkpoint_every)

    dev = torch.device(device) if device is not None else default_device()
    seed_everything(seed)
    method.to(dev)
    groups = method.optimizer_groups()
    lrs = _per_group("lr", lr, list(groups))
    beta_pairs = _per_group("betas", betas, list(groups))
    optimizers = {
        name: torch.optim.Adam(params, lr=_checks.positive("lr", lrs[name]), betas=beta_pairs[name])
        for name, params in groups.items()
    }
    batch_gen = torch.Generator().manual_seed(seed)
    history: History = {}
    start = 0

    path = Path(checkpoint) if checkpoint is not None else None
    if path is not None and path.exists():
        state = torch.load(path, map_location=dev, weights_only=False)
        method.load_state_dict(state["method"])
        for name, opt in optimizers.items():
            opt.load_state_dict(state["optimizers"][name])
        batch_gen.set_state(state["batch_rng"])
        torch.set_rng_state(state["torch_rng"])
        if torch.cuda.is_available() and state.get("cuda_rng") is not None:
            torch.cuda.set_rng_state_all(state["cuda_rng"])
        history = state["history"]
        start = state["step"]

    def save(step: int) -> None:
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        torch.save(
            {
                "step": step,
                "method": method.state_dict(),
                "optimizers": {n: o.state_dict() for n, o in optimizers.items()},
                "batch_rng": batch_gen.get_state(),
                "torch_rng": torch.get_rng_state(),
                "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None,
                "history": history,
            },
            tmp,
        )
        os.replace(tmp, path)  # atomic: a run killed while saving keeps the previous checkpoint

    method.train()
    bar = tqdm(range(start, steps), initial=start, total=steps, disable=not progress, desc=desc, leave=False)
    for step in bar:
        x = _batch(data, batch_size, batch_gen).to(dev)
        losses = method.training_step(x, optimizers)
        for name, value in losses.items():
            v = float(value)
            if not math.isfinite(v):
                raise TrainingDiverged(
                    f"training diverged: loss {name!r} became {v} at step {step + 1} of {steps}; "
                    "try a smaller learning rate or check the data"
                )
            history.setdefault(name, []).append(v)
        if progress:
            bar.set_postfix({k: f"{h[-1]:.4g}" for k, h in history.items()}, refresh=False)
        if path is not None and ((step + 1) % checkpoint_every == 0 or step + 1 == steps):
            save(step + 1)
    bar.close()
    method.eval()
    return history
