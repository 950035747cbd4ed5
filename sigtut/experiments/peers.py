"""The peers under their own protocols: VEEGAN, BMS-VAE-GAN, Reg-GAN/MDGAN and the unrolled GAN.

Che et al.'s plain GAN (their Figure 9's baseline) runs beside Reg-GAN on their ring, so the
regulariser is judged against the GAN of the same protocol.

``python -m sigtut reproduce peers [--specs veegan/grid ...] [--seeds 3] [--profile quick|paper]``

Table 1 trains every method under one shared set-up; there VEEGAN, BMS-VAE-GAN and Reg-GAN
capture no mode, which says more about the set-up than about the methods. Here each method
runs under the protocol of its own paper and, where the authors published code, of that
code: its mixture, networks, noise, optimiser, batch size, training length, number of
evaluation samples and mode rule (:data:`~sigtut.experiments.peers_specs.SPECS`; :mod:`sigtut.experiments.peers_report`
prints each beside the paper's claim). Every setting names its source in ``sources``; a
setting no source states is marked "not stated" with the choice made and why.

Profiles: ``paper`` (each spec's own settings, 3 seeds) and ``quick`` (a few steps on small
batches, for the tests). Results go to ``results/peers.json`` (``peers-quick.json``) with
provenance; ``--merge`` adds the specs of one call to the stored result; a killed command
resumes when re-issued (:mod:`sigtut.experiments.runner`).
"""
from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..data.mixtures import Mixture, mixture_sampler
from ..metrics.modes import mode_metrics
from ..provenance import provenance
from ..runtime import profile as active_profile
from ..runtime import seed_everything
from ..train import checkpoint_info, fit
from . import store
from .cli import UniqueChoices, default_processes, executor_options, guarded, table_parser
from .peers_specs import DATASETS, SPECS
from .report import mean_sd
from .runner import Job, default_run_dir, execute

TABLE = "peers"
PROTOCOL = 1
CHECKPOINT_EVERY = 1000
METRICS = ("modes", "hq", "kl", "seconds")
MERGE_KEYS = ("table", "protocol", "profile", "specs")
SAMPLES_STORED = 1000       # samples kept of each spec's first seed, for plots
CURVE_POINTS = 10           # scores (and mean losses) stored at this many evenly spaced steps of a run
# quick: a few steps on small batches, every spec's networks and mode rule unchanged
QUICK = {"steps": 3, "batch_size": 32, "n_eval": 500, "seeds": 1}
PAPER_SEEDS = 3
PROFILES = ("quick", "paper")


def spec_settings(key: str, profile_name: str) -> dict[str, Any]:
    """The settings a run of spec ``key`` uses under a profile (the quick one shrinks steps, batch, n_eval)."""
    if key not in SPECS:
        raise ValueError(f"spec must be one of {list(SPECS)}, got {key!r}")
    if profile_name not in PROFILES:
        raise ValueError(f"profile_name must be one of {list(PROFILES)}, got {profile_name!r}")
    settings = SPECS[key].settings()
    if profile_name == "quick":
        settings.update({k: QUICK[k] for k in ("steps", "batch_size", "n_eval")})
    return settings


def mixture_of(dataset: str) -> Mixture:
    """The named mixture (centres, std, weights and one draw)."""
    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {sorted(DATASETS)}, got {dataset!r}")
    return DATASETS[dataset](1)


def score(samples: torch.Tensor, mixture: Mixture, settings: dict[str, Any]) -> dict[str, Any]:
    """Modes, high-quality share and KL of the first ``n_eval`` samples under the spec's mode rule."""
    m = mode_metrics(samples[: settings["n_eval"]], mixture.centers, mixture.std, mixture.weights.double(),
                     min_count=settings["min_count"], radius=settings["radius"])
    return {"modes": m["modes"], "hq": m["hq"], "kl": m["kl"], "counts": m["counts"]}


def curve_steps(steps: int, points: int = CURVE_POINTS) -> list[int]:
    """The steps at which a run is scored during training: ``points`` evenly spaced ones, the last = ``steps``."""
    return sorted({max(1, round(steps * k / points)) for k in range(1, points + 1)})


def run_one(job: Job, folder: Path) -> dict[str, Any]:
    """Train one spec with one seed (resuming from ``folder``) and score it; the run's record.

    The run is scored at :func:`curve_steps` too (``curve``: modes, hq, KL and each loss's
    mean since the previous point), so a failure can be read off its course; training
    resumes from its checkpoint after each point, which leaves it the same as one
    uninterrupted run (the checkpoint restores every random state).
    """
    s = job.spec
    mixture = mixture_of(s["dataset"])
    seed_everything(job.seed)
    model = SPECS[job.group].build(mixture)
    groups = list(model.optimizer_groups())
    lr = {g: s["lr"]["discriminator" if g == "discriminator" else "generator"] for g in groups}
    ckpt = folder / "checkpoint.pt"
    curve, done = [], 0
    for upto in curve_steps(s["steps"]):
        history = fit(model, mixture_sampler(mixture), steps=upto, batch_size=s["batch_size"], lr=lr,
                      betas=tuple(s["betas"]), seed=job.seed, device="cpu", progress=False, checkpoint=ckpt,
                      checkpoint_every=CHECKPOINT_EVERY)
        seed_everything(20_000 + job.seed)
        point = score(model.sample(s["n_eval"]), mixture, s)
        curve.append({"step": upto, **{k: point[k] for k in ("modes", "hq", "kl")},
                      "losses": {k: float(np.mean(v[done:upto])) for k, v in history.items()}})
        done = upto
    info = checkpoint_info(ckpt)
    seed_everything(10_000 + job.seed)
    samples = model.sample(s["n_eval"])
    return {"group": job.group, "method": s["method"], "dataset": s["dataset"], "seed": job.seed,
            "seconds": info["seconds"], **score(samples, mixture, s), "final_losses": info["last_losses"],
            "curve": curve, "samples": np.round(samples[:SAMPLES_STORED].numpy(), 4).tolist()}


def summarise(runs: list[dict[str, Any]]) -> dict[str, dict[str, list[float]]]:
    """Mean and standard deviation over seeds of each metric, per spec, in the order of :data:`SPECS`."""
    present = [k for k in SPECS if any(r["group"] == k for r in runs)]
    return {k: {m: list(mean_sd([float(r[m]) for r in runs if r["group"] == k])) for m in METRICS} for k in present}


def result_path(profile_name: str) -> Path:
    """``results/peers.json`` (paper profile) or ``results/peers-<profile>.json``."""
    return store.table_path(TABLE, profile_name)


def header(profile_name: str, seeds: Sequence[int]) -> dict[str, Any]:
    """The set-up a stored result records: every spec's settings under the profile, and the seeds."""
    return {"table": TABLE, "protocol": PROTOCOL, "profile": profile_name,
            "specs": {k: spec_settings(k, profile_name) for k in SPECS}, "seeds": list(seeds)}


def run(specs: Sequence[str], seeds: Sequence[int], profile_name: str, processes: int = 1, threads: int = 1,
        run_dir: str | Path | None = None, executor: str = "process", address: str | None = None) -> dict[str, Any]:
    """Train every (spec, seed) pair and summarise; a result with provenance, not yet stored."""
    head = header(profile_name, seeds)
    for k in specs:
        spec_settings(k, profile_name)
    jobs = [Job(TABLE, k, s, head["specs"][k]) for k in specs for s in seeds]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sigtut-peers-") as tmp:
        runs = execute(run_one, jobs, run_dir or tmp, processes=processes, threads=threads, executor=executor,
                       address=address)
    wall = time.perf_counter() - start
    for r in runs:
        if r["seed"] != seeds[0]:
            r.pop("samples", None)
    return {**head, "summary": summarise(runs), "runs": runs,
            **provenance(list(seeds), wall, torch.device("cpu"), threads=threads, processes=processes)}


def main(argv: list[str] | None = None) -> int:
    parser = table_parser("python -m sigtut reproduce peers", __doc__, list(PROFILES))
    parser.add_argument("--specs", nargs="+", action=UniqueChoices, labels={k: k for k in SPECS},
                        default=list(SPECS), metavar="SPEC", help=f"any of {list(SPECS)}")
    args = parser.parse_args(argv)
    return guarded(lambda: reproduce(args))


def reproduce(args) -> int:
    """The body of ``reproduce peers``: checks before training, the runs (resumable), the stored result."""
    from .peers_report import table_text

    profile_name = args.profile or active_profile()
    if profile_name not in PROFILES:
        raise SystemExit(f"error: profile must be one of {list(PROFILES)}, got {profile_name!r}")
    seeds = list(range(args.seeds or (QUICK["seeds"] if profile_name == "quick" else PAPER_SEEDS)))
    out = args.out or result_path(profile_name)
    # a spec added to SPECS later still merges into a file written before it
    stored = store.prepare(out, header(profile_name, seeds), args.merge, MERGE_KEYS, growing=("specs",))
    processes = args.processes or default_processes(len(args.specs) * len(seeds), on_gpu=False)
    result = run(args.specs, seeds, profile_name, processes, args.threads, run_dir=args.run_dir or default_run_dir(),
                 **executor_options(args))
    if args.merge:
        result = store.merge_runs(stored, result, lambda r: (list(SPECS).index(r["group"]), r["seed"]), summarise)
    print(table_text(result))
    path = store.write(out, result)
    print(f"\nwrote {path} in {result['wall_seconds']:.0f} s")
    return 0
