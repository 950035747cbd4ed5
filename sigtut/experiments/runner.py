"""Running a table's runs: one folder per run, resume after a kill, the same numbers however it is run.

A table is a list of :class:`Job` s, one per (group, seed): a group is a method (Table 1)
or a method at one network size (Table 2). Each job has its own folder under the run
directory, named after a hash of everything that determines the run, where the job keeps
its checkpoints (:func:`sigtut.fit` resumes from them) and, once finished, its record
``run.json``. :func:`execute` skips finished jobs and continues unfinished ones, so a
killed command re-issued with the same arguments ends with the same parameters as one
that was never interrupted.

The numbers do not depend on how many runs go in parallel: every job runs with the same
fixed number of torch threads (``threads``, default 1), in the main process or in a worker.
SIGINT and SIGTERM stop the workers at once and raise :class:`Interrupted`; what a job has
checkpointed stays for the next call.

Two executors run the jobs: ``process`` (a pool of local worker processes) and ``ray``
(each job one Ray task, on a local Ray started on demand or on an existing cluster given by
its address; a task asks for one GPU where the cluster has GPUs). Both run the same job
function with the same thread count, so they give the same numbers. On a cluster the run
directory must be on a file system every node sees.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import re
import signal
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from .. import _checks
from .store import repository_root, write_json

Record = dict[str, Any]
JobFunction = Callable[["Job", Path], Record]
RUN_RECORD = "run.json"
EXECUTORS = ("process", "ray")


@dataclass(frozen=True)
class Job:
    """One run of a table.

    Attributes:
        table: the table's name, e.g. ``"table1"``.
        group: the row it belongs to, e.g. ``"sig"`` or ``"dcgan-si/M"``.
        seed: its seed.
        spec: every setting that determines the run (JSON values); part of its identity.
    """

    table: str
    group: str
    seed: int
    spec: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """A short hash of table, group, seed and spec: two jobs share it only when they are the same run."""
        text = json.dumps([self.table, self.group, self.seed, dict(self.spec)], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def folder(self, run_dir: Path) -> Path:
        """The job's own folder: ``<run_dir>/<table>/<group>-seed<seed>-<key>``."""
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", self.group).strip("-")
        return Path(run_dir) / self.table / f"{slug}-seed{self.seed}-{self.key}"

    def describe(self) -> dict[str, Any]:
        return {"table": self.table, "group": self.group, "seed": self.seed, "spec": dict(self.spec), "key": self.key}


class Interrupted(Exception):
    """SIGINT or SIGTERM stopped a table run; finished and checkpointed work is kept for a resume."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by signal {signal.Signals(signum).name}")
        self.signum = signum


def default_run_dir() -> Path:
    """Where run folders go by default: ``<repository>/checkpoints`` (ignored by git)."""
    return repository_root() / "checkpoints"


def finished_record(job: Job, run_dir: Path) -> Record | None:
    """The record of a finished job, or None; a record of another job in its folder is an error."""
    path = job.folder(run_dir) / RUN_RECORD
    if not path.exists():
        return None
    stored = json.loads(path.read_text())
    if stored.get("job") != json.loads(json.dumps(job.describe())):
        raise ValueError(f"{path} holds the record of another run ({stored.get('job')}); remove its folder")
    return stored["record"]


def _run_job(fn: JobFunction, job: Job, run_dir: Path, threads: int) -> Record:
    """Run one job with a fixed thread count and store its record atomically in its folder."""
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        folder = job.folder(run_dir)
        folder.mkdir(parents=True, exist_ok=True)
        record = fn(job, folder)
        write_json(folder / RUN_RECORD, {"job": job.describe(), "record": record})
        return record
    finally:
        torch.set_num_threads(previous)


def _worker_init() -> None:
    # Ctrl-C reaches the whole process group: the parent alone decides, and terminates the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _signals_raise() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into :class:`Interrupted` in this (main) thread."""
    def handler(signum: int, frame: Any) -> None:
        raise Interrupted(signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _run_on_ray(fn: JobFunction, todo: Sequence[Job], root: Path, threads: int, processes: int,
                address: str | None, finished: Callable[[Job, Record], None]) -> None:
    """Run ``todo`` as Ray tasks; a local Ray of ``processes`` CPUs is started when none is running."""
    try:
        import ray
    except ImportError as err:
        raise ImportError("executor 'ray' needs Ray: pip install 'sigtut[ray]' (or pip install ray)") from err
    started = not ray.is_initialized()
    if started:
        if address is None:
            ray.init(num_cpus=processes, include_dashboard=False, log_to_driver=False)
        else:
            ray.init(address=address, log_to_driver=False)
    refs: dict[str, Any] = {}
    try:
        gpus = 1 if ray.cluster_resources().get("GPU", 0) >= 1 else 0
        task = ray.remote(num_cpus=threads, num_gpus=gpus, max_retries=0)(_run_job)
        refs = {job.key: task.remote(fn, job, root, threads) for job in todo}
        for job in todo:                            # in job order; each get may raise the job's error
            finished(job, ray.get(refs[job.key]))
    except BaseException:
        for ref in refs.values():
            ray.cancel(ref, force=True)             # checkpoints of cancelled runs stay for a resume
        raise
    finally:
        if started:
            ray.shutdown()


def execute(fn: JobFunction, jobs: Sequence[Job], run_dir: str | Path | None = None, processes: int = 1,
            threads: int = 1, log: Callable[[str], None] = _log, executor: str = "process",
            address: str | None = None) -> list[Record]:
    """The records of ``jobs`` in order: finished ones read from their folders, the rest run now.

    Args:
        fn: a module-level function ``fn(job, folder) -> record`` (it is pickled for workers); it
            keeps its checkpoints in ``folder`` so that a re-issued call resumes it.
        jobs: the runs; their keys must be distinct.
        run_dir: the folder of the run folders (default :func:`default_run_dir`).
        processes: runs in parallel (worker processes; 1 runs them here, in order).
        threads: torch threads of every run, the same in every case so numbers do not depend on
            ``processes``.
        log: receives one line per finished run.
        executor: ``"process"`` (local worker processes) or ``"ray"`` (Ray tasks; ``processes``
            is then the CPUs of the local Ray it starts, unused on an existing cluster).
        address: with ``executor="ray"``, the address of an existing Ray cluster (e.g.
            ``"ray://head:10001"`` or ``"auto"``); None starts a local Ray.

    Raises:
        Interrupted: on SIGINT or SIGTERM, after the workers are stopped.
    """
    _checks.positive_int("processes", processes)
    _checks.positive_int("threads", threads)
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {list(EXECUTORS)}, got {executor!r}")
    if address is not None and executor != "ray":
        raise ValueError("address is the address of a Ray cluster; give it with executor='ray'")
    keys = [j.key for j in jobs]
    if len(set(keys)) != len(keys):
        raise ValueError("jobs must be distinct; the same (group, seed, spec) appears twice")
    root = Path(run_dir) if run_dir is not None else default_run_dir()
    records: dict[str, Record] = {}
    todo = []
    for job in jobs:
        done = finished_record(job, root)
        if done is None:
            todo.append(job)
        else:
            records[job.key] = done
    if len(records):
        log(f"[{jobs[0].table}] {len(records)} of {len(jobs)} runs already finished in {root}; skipping them")
    start = time.perf_counter()

    def finished(job: Job, record: Record) -> None:
        records[job.key] = record
        log(f"[{job.table}] {job.group} seed {job.seed} done ({len(records)}/{len(jobs)}, "
            f"{time.perf_counter() - start:.0f} s)")

    with _signals_raise():
        if executor == "ray":
            if todo:
                _run_on_ray(fn, todo, root, threads, processes, address, finished)
        elif processes == 1 or len(todo) <= 1:
            for job in todo:
                finished(job, _run_job(fn, job, root, threads))
        else:
            pool = mp.get_context("spawn").Pool(min(processes, len(todo)), initializer=_worker_init)
            try:
                pending = {job.key: pool.apply_async(_run_job, (fn, job, root, threads)) for job in todo}
                for job in todo:                    # in job order; each .get() may raise the job's error
                    finished(job, pending[job.key].get())
                pool.close()
            except BaseException:
                pool.terminate()                    # workers stop now, mid-run; their checkpoints stay
                raise
            finally:
                pool.join()
    return [records[k] for k in keys]
