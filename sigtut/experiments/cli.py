"""The command line shared by the ``reproduce`` commands: common flags, checks at parse time, clean exits."""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..data.mnist import ChecksumError
from .runner import EXECUTORS, Interrupted
from .store import ResultPathError, StoredResultError


def positive_int_arg(text: str) -> int:
    """argparse ``type`` for counts (--seeds, --steps, --processes, --threads): an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


class UniqueChoices(argparse.Action):
    """``nargs='+'`` values from a set of keys (or their display labels), each at most once.

    ``labels`` maps every key to its label; a label given on the command line is read as its key,
    so commands stored with labels (``--methods "SIG (fixed σ)"``) still run.
    """

    def __init__(self, option_strings: Sequence[str], dest: str, labels: Mapping[str, str], **kwargs) -> None:
        self.labels = dict(labels)
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values, option_string=None):
        by_label = {label: key for key, label in self.labels.items()}
        keys = []
        for value in values:
            key = value if value in self.labels else by_label.get(value)
            if key is None:
                parser.error(f"argument {option_string}: unknown {value!r}; choose from {', '.join(self.labels)}")
            if key in keys:
                parser.error(f"argument {option_string}: {value!r} given twice")
            keys.append(key)
        setattr(namespace, self.dest, keys)


def table_parser(prog: str, doc: str, profiles: Sequence[str]) -> argparse.ArgumentParser:
    """A parser with the flags every table command shares; the table adds its own."""
    parser = argparse.ArgumentParser(prog=prog, description=doc.strip().splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", choices=list(profiles), default=None, help="default: $SIGTUT_PROFILE or quick")
    parser.add_argument("--seeds", type=positive_int_arg, default=None, help="seeds per row (default: the profile's)")
    parser.add_argument("--processes", type=positive_int_arg, default=None,
                        help="runs in parallel (default: the CPU cores, 1 on a GPU); numbers do not depend on it")
    parser.add_argument("--threads", type=positive_int_arg, default=1,
                        help="torch threads of every run (default 1); part of the set-up, so it is recorded")
    parser.add_argument("--merge", action="store_true",
                        help="add these runs to the stored result of the same set-up instead of replacing it")
    parser.add_argument("--out", type=Path, default=None, help="results file (default: under results/)")
    parser.add_argument("--run-dir", type=Path, default=None,
                        help="folder of the per-run checkpoints that make a re-issued command resume "
                             "(default: checkpoints/ in the repository)")
    parser.add_argument("--executor", choices=list(EXECUTORS), default="process",
                        help="process: local worker processes; ray: one Ray task per run (a local Ray, "
                             "or the cluster at --address); both give the same numbers")
    parser.add_argument("--address", default=None,
                        help="with --executor ray: the address of a running Ray cluster (e.g. auto)")
    return parser


def executor_options(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of :func:`~sigtut.experiments.runner.execute` that ``--executor`` and ``--address`` set."""
    if args.address is not None and args.executor != "ray":
        raise SystemExit("error: --address is the address of a Ray cluster; give it with --executor ray")
    return {"executor": args.executor, "address": args.address}


def default_processes(n_jobs: int, on_gpu: bool) -> int:
    """1 on a GPU (the runs share it), else as many as the CPU has cores and there are runs."""
    return 1 if on_gpu else max(1, min(n_jobs, os.cpu_count() or 1))


def guarded(run: Callable[[], int]) -> int:
    """Run a command; a stop by signal, a refused stored result or missing data become a message and an exit code."""
    try:
        return run()
    except Interrupted as err:
        print(f"\n{err}: finished runs and checkpoints are kept; run the same command again to resume. "
              "No results file was written.", file=sys.stderr)
        return 128 + err.signum
    except (StoredResultError, ResultPathError, ChecksumError, ConnectionError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)     # found before any training: a message, not a traceback
        return 2
