"""Argument checks shared by the package: clear errors that name the argument."""
from __future__ import annotations

import math

import numpy as np
import torch
from torch import Tensor


class NonFiniteError(ValueError):
    """A tensor argument holds NaN or infinite values; the message names the argument."""


def positive(name: str, value: float) -> float:
    """Return ``value`` as a float, raising ValueError unless it is finite and > 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return float(value)


def positive_int(name: str, value: int) -> int:
    """Return ``value``, raising unless it is an int >= 1."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value


def tensor(name: str, value: object, min_dim: int = 1) -> Tensor:
    """Return ``value`` as a floating tensor, raising on wrong type, rank or non-finite entries."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if value.dim() < min_dim:
        raise ValueError(f"{name} must have at least {min_dim} dimension(s), got shape {tuple(value.shape)}")
    if not value.is_floating_point():
        value = value.float()
    # One reduction first (NaN and inf propagate into the sum); the element-wise test only runs
    # when the sum is not finite, which also happens when finite values overflow it.
    if not torch.isfinite(value.sum()) and not torch.isfinite(value).all():
        raise NonFiniteError(f"{name} contains NaN or infinite values")
    return value


def non_negative(name: str, value: float) -> float:
    """Return ``value`` as a float, raising ValueError unless it is a number >= 0 (NaN is refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    return float(value)


def non_negative_int(name: str, value: int) -> int:
    """Return ``value`` as an int, raising ValueError unless it is an integer >= 0."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name} must be an int >= 0, got {value!r}")
    return int(value)


def seed(value: int) -> int:
    """Return a valid seed: TypeError unless an int, ValueError when negative."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"seed must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"seed must be >= 0, got {value}")
    return value
