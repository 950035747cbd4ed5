"""Where and how sigtut runs: the device, the profile and the seed.

Every chapter and every experiment reads one switch, the environment variable
``SIGTUT_PROFILE``: ``quick`` (the default; CPU-sized, what CI and nbval run) or
``paper`` (the paper's settings, meant for a GPU).
"""
from __future__ import annotations

import os
import random
from typing import TypeVar

import numpy as np
import torch

from . import _checks

PROFILES = ("quick", "paper")
T = TypeVar("T")


def _mps_available() -> bool:
    return getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()


def device(requested: torch.device | str | None = None) -> torch.device:
    """The device to train on, checked to be usable on this machine.

    ``requested`` when given (a torch.device or a name such as ``'cpu'``, ``'cuda:1'``), else
    ``SIGTUT_DEVICE`` if set, else cuda, else mps, else cpu.

    Raises:
        ValueError: naming the request (the argument or ``SIGTUT_DEVICE``) when it is not a
            torch device, or names CUDA or MPS on a machine without it, or a GPU index past
            the last GPU.
    """
    if requested is None:
        env = os.environ.get("SIGTUT_DEVICE", "").strip()
        if not env:
            if torch.cuda.is_available():
                return torch.device("cuda")
            return torch.device("mps") if _mps_available() else torch.device("cpu")
        requested, source = env, "SIGTUT_DEVICE"
    else:
        source = "device"
    label = f"{source} = {str(requested)!r}"
    try:
        dev = torch.device(requested)
    except (RuntimeError, TypeError, ValueError) as err:
        raise ValueError(f"{source} must name a torch device such as 'cpu' or 'cuda', "
                         f"got {requested!r}") from err
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"{label} was asked for, but this machine has no usable CUDA GPU; "
                             "use 'cpu'")
        count = torch.cuda.device_count()
        if dev.index is not None and dev.index >= count:
            raise ValueError(f"{label} was asked for, but this machine has {count} CUDA GPU(s) "
                             f"(cuda:0 to cuda:{count - 1})")
    if dev.type == "mps" and not _mps_available():
        raise ValueError(f"{label} was asked for, but MPS is not available here; use 'cpu'")
    return dev


def profile() -> str:
    """The active profile, ``quick`` (default) or ``paper``, from ``SIGTUT_PROFILE``."""
    value = os.environ.get("SIGTUT_PROFILE", "quick").strip().lower() or "quick"
    if value not in PROFILES:
        raise ValueError(f"SIGTUT_PROFILE must be one of {PROFILES}, got {value!r}")
    return value


def pick(quick: T, paper: T, profile_name: str | None = None) -> T:
    """Return ``quick`` or ``paper`` according to the active (or the given) profile.

    >>> pick(quick=2_000, paper=50_000, profile_name="quick")
    2000
    """
    name = profile() if profile_name is None else profile_name
    if name not in PROFILES:
        raise ValueError(f"profile_name must be one of {PROFILES}, got {name!r}")
    return quick if name == "quick" else paper


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (all devices) so a CPU run repeats exactly."""
    _checks.seed(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
