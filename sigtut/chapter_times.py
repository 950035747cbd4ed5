"""How long each chapter takes to run, from measured runs: ``results/chapter-times.json``.

Every chapter's set-up cell prints :func:`expected_time` of itself, so a reader (or a teacher
handing the chapter out) knows before "Run all" how long to wait. The numbers come from a
full nbval run of the book with ``SIGTUT_CHAPTER_TIMES=1`` set (the repository's
``conftest.py`` adds up each notebook's cell times and calls :func:`record`), never typed in.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from .experiments import store
from .provenance import provenance
from .runtime import profile as active_profile

FILE = "chapter-times.json"


def path() -> Path:
    """Where the measured times are stored: ``results/chapter-times.json``."""
    return store.results_dir() / FILE


def record(seconds: Mapping[str, float], profile_name: str | None = None) -> Path:
    """Store the measured seconds per chapter (notebook stem -> seconds) with provenance."""
    if not seconds:
        raise ValueError("seconds must name at least one chapter")
    for name, value in seconds.items():
        if not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"seconds[{name!r}] must be a number >= 0, got {value!r}")
    prof = profile_name or active_profile()
    cmd = f"SIGTUT_CHAPTER_TIMES=1 SIGTUT_PROFILE={prof} python -m pytest book/"
    payload: dict[str, Any] = {"profile": prof, "seconds": {k: round(float(v), 1) for k, v in sorted(seconds.items())},
                               "threads": torch.get_num_threads(), "cores": os.cpu_count(),
                               **provenance([], sum(seconds.values()), torch.device("cpu"), command=cmd)}
    return store.write(path(), payload)


def expected_time(chapter: str) -> str:
    """One line for a chapter's set-up cell: its measured run time in the active profile, or that there is none.

    Args:
        chapter: the notebook's name without suffix, e.g. ``"05_mixtures"``.
    """
    if not isinstance(chapter, str) or not chapter:
        raise TypeError(f"chapter must be a chapter's name such as '05_mixtures', got {chapter!r}")
    stored = store.load(path())
    prof = active_profile()
    if stored is None or stored["profile"] != prof or chapter not in stored["seconds"]:
        return f"expected run time: not measured yet for {chapter} in the {prof} profile"
    seconds = stored["seconds"][chapter]
    length = "under a minute" if seconds < 60 else f"about {round(seconds / 60)} min"
    return (f"expected run time ({prof} profile): {length} on a {stored['cores']}-core CPU\n"
            f"(measured at {stored['commit'][:7]}; not yet measured on a Colab GPU)")
