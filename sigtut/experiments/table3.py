"""Table 3: DCGAN, WGAN-GP and their SI versions on CIFAR-10 (paper Section 5.4, Figure 6).

``python -m sigtut reproduce table3 [--methods dcgan dcgan-si wgan-gp wgan-gp-si] [--seeds N] [--profile quick|paper] [--merge]``

Trains the four methods of :mod:`sigtut.cifar_methods` (the non-saturating GAN of eqs. 10–11,
WGAN-GP, and each with the SI term λ·H_M of eq. 12) on the standard CNN for each seed,
scores ``n_eval`` samples of each every ``eval_every`` iterations and at the end, and
stores the runs with provenance in ``results/table3.json`` (paper profile) or
``results/table3-quick.json``, one 8 × 8 sample grid per run beside it (Figure 6). Runs
resume after a kill (:mod:`sigtut.experiments.runner`); ``--merge`` adds methods or seeds
to the stored result.

The two profiles score differently, and the stored result says which (its ``scorer``):
- ``paper``: the paper's setting on CIFAR-10, 100,000 iterations at batch 64, Adam at
  lr 2·10⁻⁴, width 512; the Inception Score of 50,000 samples in 10 splits and the FID
  against the 50,000 training images (:mod:`sigtut.metrics.inception`). It needs
  ``cifar-10-python.tar.gz`` in ``$SIGTUT_DATA/cifar10/`` and the ``cifar`` extra with the
  Inception weights, and stops before any training when either is missing.
- ``quick``: a pipeline check that runs on two CPU cores in about a minute. Networks of
  width 32 train for 60 iterations on 500 images of :func:`~sigtut.data.synthetic_cifar10`
  (synthetic, not CIFAR-10) and are scored under the injected extractor
  :class:`~sigtut.data.SyntheticClassifier`. Its numbers are stored as ``score_injected``
  and ``distance_injected``, never as an Inception Score or an FID.

Settings the paper leaves open are those of :mod:`sigtut.cifar_methods` (Adam β per method,
σ = 0.2, λ = 1/3,072); one seed per method by default (the paper's ± may be the spread
over the 10 splits of one run, the standard protocol).
"""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

from torch import Tensor

from .. import cifar_methods
from ..plots import image_grid
from ..provenance import provenance
from ..runtime import device as default_device
from ..runtime import profile as active_profile
from ..runtime import seed_everything
from ..train import checkpoint_info
from . import store
from .store import grids_dir  # re-exported: the chapters find a table's grids through it
from .cli import UniqueChoices, default_processes, executor_options, guarded, table_parser
from .report import group_summary
from .profiles import profile_named
from .runner import Job, default_run_dir, execute
# the table's settings, re-exported so that table3.METHODS, table3.label, ... name the table
from .table3_setup import (METHODS, METRIC_KEYS, PROFILES, REAL, MissingRequirement, Table3Profile,
                           check_requirements, label, real_row, score, scorer_record, spec_profile,
                           training_data)

TABLE = "table3"
PROTOCOL = 1
GRID_IMAGES = 64      # samples kept per run for Figure 6
MERGE_KEYS = ("table", "protocol", "profile", "steps", "batch_size", "n_eval", "lr", "betas", "eval_every",
              "width", "splits", "data", "scorer", "sigma", "lambda")


def run_one(job: Job, folder: Path) -> dict[str, Any]:
    """Train one (method, seed), scoring it at every evaluation step; resumes from ``folder``."""
    spec = job.spec
    prof = spec_profile(dict(spec))
    data = training_data(prof)
    method = METHODS[spec["method"]]
    curve_file, ckpt = folder / "curve.json", folder / "checkpoint.pt"
    curve = json.loads(curve_file.read_text()) if curve_file.exists() else []
    for step in prof.eval_steps(spec["steps"]):
        if any(point["step"] == step for point in curve):
            continue
        model, _ = cifar_methods.train_method(method, data, steps=step, batch_size=prof.batch_size,
                                              width=prof.width, seed=job.seed, checkpoint=ckpt,
                                              lr=prof.lr_generator)
        start = time.perf_counter()
        seed_everything(10_000 + job.seed)              # the same noise at every evaluation step
        samples = cifar_methods.generate(model, prof.n_eval)
        point = {"step": step, **score(samples, data, prof, seed=job.seed),
                 "eval_seconds": round(time.perf_counter() - start, 1)}
        if step == spec["steps"]:
            save_grid(samples, folder / "grid.png")
        curve.append(point)
        store.write_json(curve_file, curve)
    info = checkpoint_info(ckpt)
    final = curve[-1]
    return {"group": job.group, "method": spec["method"], "seed": job.seed,
            **{k: final[k] for k in final if k not in ("step", "eval_seconds")},
            "seconds": round(info["seconds"], 1), "final_losses": info["last_losses"], "curve": curve}


def save_grid(images: Tensor, path: Path) -> Path:
    """The first 64 images as one 8 × 8 RGB PNG (256 × 256 pixels, lossless): a run's Figure 6 panel."""
    from matplotlib.image import imsave

    imsave(path, image_grid(images[:GRID_IMAGES], 8))
    return path


def metric_keys(result: dict[str, Any]) -> tuple[str, str]:
    """The (score, distance) keys of a stored result, by its scorer."""
    return METRIC_KEYS[result["scorer"]["kind"]]


def summarise(runs: list[dict[str, Any]], scorer: str) -> dict[str, dict[str, list[float]]]:
    """Mean and standard deviation over seeds of the score, the distance and the training seconds, per group."""
    return group_summary(runs, (*METRIC_KEYS[scorer], "seconds"))


def order(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Runs sorted by method (the paper's order) and seed."""
    return sorted(runs, key=lambda r: (list(METHODS).index(r["method"]), r["seed"]))


def result_path(profile_name: str) -> Path:
    """``results/table3.json`` for the paper profile, ``results/table3-quick.json`` for the quick one."""
    return store.table_path(TABLE, profile_name)


def grid_name(group: str, seed: int) -> str:
    """The file name of a run's sample grid, e.g. ``wgan-gp-si-seed0.png``."""
    return f"{group}-seed{seed}.png"


def main(argv: list[str]) -> int:
    parser = table_parser("python -m sigtut reproduce table3", __doc__, list(PROFILES))
    parser.add_argument("--methods", nargs="+", action=UniqueChoices, labels=METHODS, default=list(METHODS),
                        help=f"any of {list(METHODS)}")
    args = parser.parse_args(argv)
    return guarded(lambda: reproduce(args))


def reproduce(args) -> int:
    """The body of ``reproduce table3``: checks, the runs (resumed where they stopped), the stored result."""
    profile_name = args.profile or active_profile()
    prof = profile_named(PROFILES, profile_name)
    seeds = list(range(args.seeds or prof.seeds))
    dev = default_device()
    header = {"table": TABLE, "protocol": PROTOCOL, "profile": profile_name, **prof.header(prof.steps_for()),
              "sigma": cifar_methods.SIGMA, "lambda": cifar_methods.si_lambda()}
    out = args.out or result_path(profile_name)
    stored = store.prepare(out, header, args.merge, MERGE_KEYS)     # fails now, not after the training
    check_requirements(prof, profile_name)                           # so do missing data and weights
    data = training_data(prof)                                       # and corrupt data files
    spec = {k: header[k] for k in ("steps", "batch_size", "n_eval", "lr", "eval_every", "width", "splits",
                                   "data", "scorer")}
    jobs = [Job(TABLE, m, seed, {"method": m, "device": dev.type, **spec, "betas": header["betas"][m]})
            for seed in seeds for m in args.methods]                 # methods side by side, seed by seed
    processes = args.processes or default_processes(len(jobs), dev.type != "cpu")
    start = time.perf_counter()
    run_dir = args.run_dir or default_run_dir()
    runs = execute(run_one, jobs, run_dir, processes=processes, threads=args.threads,
                   **executor_options(args))
    real = real_row(prof, data)
    wall = time.perf_counter() - start
    grids = grids_dir(out)
    grids.mkdir(parents=True, exist_ok=True)
    for job in jobs:
        shutil.copyfile(job.folder(run_dir) / "grid.png", grids / grid_name(job.group, job.seed))
    new = {**header, "real": real, "runs": runs,
           **provenance(seeds, wall, dev, threads=args.threads, processes=processes)}
    result = store.merge(stored, new)
    result["runs"] = order(result["runs"])
    result["summary"] = summarise(result["runs"], prof.scorer)
    store.write(out, result)
    from .table3_report import table_text    # the report module imports this one
    print(table_text(result))
    print(f"wrote {out} ({len(result['runs'])} runs; sample grids in {grids})")
    return 0
