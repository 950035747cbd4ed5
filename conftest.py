"""Repository-wide pytest hooks: with ``SIGTUT_CHAPTER_TIMES=1``, store how long each chapter ran.

nbval runs a chapter notebook as one test per cell; the seconds of its cells (set-up, call and
tear-down, the kernel's start included) add up to the chapter's run time. When the whole run
passes, :func:`sigtut.chapter_times.record` stores them in ``results/chapter-times.json``.
"""
from collections import defaultdict
import os
from pathlib import Path

_seconds: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report) -> None:
    file = report.nodeid.split("::")[0]
    if file.endswith(".ipynb"):
        _seconds[Path(file).stem] += report.duration


def pytest_sessionfinish(session, exitstatus) -> None:
    if os.environ.get("SIGTUT_CHAPTER_TIMES") == "1" and _seconds and exitstatus == 0:
        from sigtut.chapter_times import record

        print(f"\nchapter times stored in {record(dict(_seconds))}")
