"""Shared pieces of the table experiments: seeds in parallel, mean ± standard error, printed tables."""
from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

R = TypeVar("R")


def mean_se(values: Sequence[float]) -> tuple[float, float]:
    """Mean and standard error (sample std / √n; 0 for one value) of ``values``."""
    n = len(values)
    if n == 0:
        raise ValueError("values must not be empty")
    mean = sum(values) / n
    if n == 1:
        return mean, 0.0
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(var / n)


def _one_thread_then(fn: Callable[[Any], R], arg: Any) -> R:
    import torch

    torch.set_num_threads(1)
    return fn(arg)


def run_parallel(fn: Callable[[Any], R], args: Sequence[Any], processes: int | None = None) -> list[R]:
    """``[fn(a) for a in args]``, in parallel processes (one torch thread each) when cores allow.

    ``fn`` must be a module-level function (it is pickled). With one process, or one task,
    everything runs here in order.
    """
    n = processes if processes is not None else min(len(args), os.cpu_count() or 1)
    if n <= 1 or len(args) <= 1:
        return [fn(a) for a in args]
    ctx = mp.get_context("spawn")
    with ctx.Pool(n) as pool:
        # one task per hand-out: tasks last minutes, so balance beats batching
        return pool.starmap(_one_thread_then, [(fn, a) for a in args], chunksize=1)


def format_table(rows: Sequence[dict[str, str]], columns: Sequence[str]) -> str:
    """A plain-text table with one line per row dict and the given column order."""
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    line = "  ".join(c.ljust(widths[c]) for c in columns)
    out = [line, "  ".join("-" * widths[c] for c in columns)]
    out += ["  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(out)


def pm(mean: float, se: float, digits: int = 2) -> str:
    """'mean ± se' with ``digits`` decimals."""
    return f"{mean:.{digits}f} ± {se:.{digits}f}"


def positive_int_arg(text: str) -> int:
    """argparse ``type`` for counts such as --seeds and --steps: an integer ≥ 1, else a usage error."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value
