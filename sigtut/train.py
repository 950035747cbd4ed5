"""One training loop for every method and chapter: Adam, progress bar, checkpoints, divergence guard."""
from __future__ import annotations

import math
import os
import time
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


def _check_adam(name: str, lr: object, betas: object) -> None:
    """lr > 0 and small enough that Adam's bias-corrected step is a float32 number; 0 <= β < 1."""
    _checks.positive(name, lr)
    if not (isinstance(betas, (tuple, list)) and len(betas) == 2
            and all(isinstance(b, (int, float)) and 0.0 <= b < 1.0 for b in betas)):
        raise ValueError(f"betas must be two numbers in [0, 1), got {betas!r}")
    if lr / (1.0 - betas[0]) >= torch.finfo(torch.float32).max:
        raise ValueError(f"{name} = {lr} overflows float32 in Adam's update; use a learning rate far below 1e38")


def _batch(data: Tensor | Sampler, batch_size: int, generator: torch.Generator) -> Tensor:
    if isinstance(data, Tensor):
        idx = torch.randint(data.shape[0], (batch_size,), generator=generator)
        return data[idx]
    return data(batch_size, generator)


def _finite_parameters(method: GenerativeMethod) -> bool:
    return all(bool(torch.isfinite(p).all()) for p in method.parameters())


def checkpoint_info(path: str | os.PathLike) -> dict[str, object]:
    """The step, the training seconds so far, the settings and the last losses stored in a :func:`fit` checkpoint."""
    state = torch.load(Path(path), map_location="cpu", weights_only=True)
    return {"step": state["step"], "seconds": state.get("seconds", 0.0), "settings": state.get("settings", {}),
            "last_losses": {k: v[-1] for k, v in state["history"].items() if v}}


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
    allow_changed_settings: bool = False,
) -> History:
    """Train ``method`` for ``steps`` mini-batch updates with Adam; return the loss history.

    Args:
        method: any :class:`~sigtut.methods.GenerativeMethod` (SIG, GAN, ...).
        data: a tensor ``(N, *event_shape)`` sampled with replacement, or a sampler
            ``f(batch_size, generator) -> Tensor`` for an endless data stream.
        steps: total number of updates (a resumed run continues up to this number).
        batch_size: mini-batch size N.
        lr, betas: Adam settings, one value for all parameter groups or a dict by group.
        seed: seeds the initialisation noise, the mini-batches and the model's noise.
        device: defaults to :func:`sigtut.runtime.device` (cuda, else mps, else cpu).
        checkpoint: file to save to every ``checkpoint_every`` steps and at the end;
            when it exists, training resumes from it. On CPU a resumed run ends with
            the same parameters as an uninterrupted one. The checkpoint records the
            settings (batch size, lr, betas, seed) and the training seconds so far
            (:func:`checkpoint_info`); it is loaded with ``weights_only=True``.
        progress: show a tqdm progress bar with the current losses.
        desc: label of the progress bar.
        allow_changed_settings: resume even when batch size, lr, betas or seed differ
            from the checkpoint's (the run is then no longer one run of one setting).

    Returns:
        History: for each loss name, its value at every step (including resumed steps).

    Raises:
        TrainingDiverged: when a loss, a tensor the model computes (such as θ), or after
            the last update a parameter, becomes NaN or infinite, naming the step.
        ValueError: bad arguments; a mini-batch with NaN or infinite values (naming the
            step); a checkpoint past ``steps`` or made with other settings.
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
    _checks.seed(seed)

    dev = default_device(device)   # checked: a clear ValueError for an unusable device
    groups = method.optimizer_groups()
    lrs = _per_group("lr", lr, list(groups))
    beta_pairs = _per_group("betas", betas, list(groups))
    for name in groups:
        _check_adam("lr" if not isinstance(lr, dict) else f"lr[{name!r}]", lrs[name], beta_pairs[name])
    settings = {"batch_size": batch_size, "seed": seed,
                "lr": {g: float(lrs[g]) for g in groups},
                "betas": {g: [float(b) for b in beta_pairs[g]] for g in groups}}
    seed_everything(seed)
    method.to(dev)
    optimizers = {
        name: torch.optim.Adam(params, lr=float(lrs[name]), betas=tuple(beta_pairs[name]))
        for name, params in groups.items()
    }
    batch_gen = torch.Generator().manual_seed(seed)
    history: History = {}
    start, seconds_before = 0, 0.0

    path = Path(checkpoint) if checkpoint is not None else None
    if path is not None and path.exists():
        state = torch.load(path, map_location=dev, weights_only=True)
        if state["step"] > steps:
            raise ValueError(f"checkpoint {path} is at step {state['step']}, past steps = {steps}; "
                             "give steps >= the checkpoint's or another checkpoint file")
        stored = state.get("settings", {})
        changed = sorted(k for k in settings if k in stored and stored[k] != settings[k])
        if changed and not allow_changed_settings:
            raise ValueError(f"checkpoint {path} was made with other settings ({', '.join(changed)}: stored "
                             f"{ {k: stored[k] for k in changed} }, now { {k: settings[k] for k in changed} }); "
                             "delete it to start again, or pass allow_changed_settings=True")
        method.load_state_dict(state["method"])
        for name, opt in optimizers.items():
            opt.load_state_dict(state["optimizers"][name])
        batch_gen.set_state(state["batch_rng"])
        torch.set_rng_state(state["torch_rng"])
        if torch.cuda.is_available() and state.get("cuda_rng") is not None:
            torch.cuda.set_rng_state_all(state["cuda_rng"])
        history = state["history"]
        start, seconds_before = state["step"], float(state.get("seconds", 0.0))

    clock = time.perf_counter()

    def save(step: int) -> None:
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        torch.save(
            {
                "step": step,
                "seconds": seconds_before + time.perf_counter() - clock,
                "settings": settings,
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
        x = _batch(data, batch_size, batch_gen)
        if not torch.isfinite(x.sum()) and not torch.isfinite(x).all():
            raise ValueError(f"the mini-batch of step {step + 1} of {steps} contains NaN or infinite values; "
                             "check the data or the sampler")
        try:
            losses = method.training_step(x.to(dev), optimizers)
        except _checks.NonFiniteError as err:   # the batch is finite: the model's output is not
            raise TrainingDiverged(
                f"training diverged at step {step + 1} of {steps}: {err} (computed by the model); "
                "try a smaller learning rate or check the data"
            ) from err
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
        last = step + 1 == steps
        if last and not _finite_parameters(method):
            raise TrainingDiverged(f"training diverged: a parameter became NaN or infinite in the update of "
                                   f"step {steps} of {steps} (the last); try a smaller learning rate")
        if path is not None and ((step + 1) % checkpoint_every == 0 or last):
            save(step + 1)
    bar.close()
    method.eval()
    return history
