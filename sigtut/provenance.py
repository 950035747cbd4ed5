"""Provenance for every stored result: what command, which commit, which machine, which libraries.

The results themselves are written and read by :mod:`sigtut.experiments.store`.
"""
from __future__ import annotations

import os
import platform
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import torch

LIBRARIES = ("torch", "numpy", "scipy", "sympy", "sigtut")


def git_commit() -> str:
    """The current git commit, with ``-dirty`` when the work tree has changes; ``unknown`` outside git."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("-dirty" if dirty else "")


def cpu_model(cpuinfo: str | os.PathLike = "/proc/cpuinfo") -> str:
    """The CPU's model name (Linux ``/proc/cpuinfo``), else what ``platform`` knows, else the architecture.

    Wall times are only comparable on the same model, so provenance records it.
    """
    try:
        for line in Path(cpuinfo).read_text().splitlines():
            if line.startswith("model name") and ":" in line:
                return f"{line.split(':', 1)[1].strip()} ({platform.machine()})"
    except OSError:
        pass
    return platform.processor() or platform.machine()


def device_description(dev: torch.device) -> str:
    """A human-readable name of the device: GPU model, or CPU model with its core count."""
    if dev.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(dev)}"
    return f"{dev.type}: {cpu_model()}, {os.cpu_count()} cores"


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


PROVENANCE_FIELDS = ("command", "commit", "device", "seeds", "wall_seconds", "versions")


def provenance(seeds: list[int], wall_seconds: float, dev: torch.device, command: str | None = None,
               threads: int | None = None, processes: int | None = None) -> dict[str, Any]:
    """The provenance fields every ``results/*.json`` carries (:data:`PROVENANCE_FIELDS`).

    ``threads`` (torch threads per run) and ``processes`` (runs in parallel) are recorded when
    given: on a CPU the thread count can change a run's numbers, so it is part of the set-up.
    """
    out = {
        # shlex.join quotes arguments with spaces so the command can be re-run
        "command": command if command is not None else "python -m sigtut " + shlex.join(sys.argv[1:]),
        "commit": git_commit(),
        "device": device_description(dev),
        "seeds": list(seeds),
        "wall_seconds": round(float(wall_seconds), 2),
        "versions": library_versions(),
    }
    if threads is not None:
        out["threads"] = threads
    if processes is not None:
        out["processes"] = processes
    return out
