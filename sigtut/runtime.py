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


def device() -> torch.device:
    """The device to train on: ``SIGTUT_DEVICE`` if set, else cuda, else mps, else cpu."""
    requested = os.environ.get("SIGTUT_DEVICE")
    if requested:
        try:
            return torch.device(requested)
        except RuntimeError as err:
            raise ValueError(f"SIGTUT_DEVICE must name a torch device, got {requested!r}") from err
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


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
