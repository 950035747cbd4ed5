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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from .. import cifar_methods
from ..cnn32 import WIDTH
from ..data._files import data_root
from ..data.cifar10 import TARBALL, TARBALL_MD5, URL, SyntheticClassifier, cifar10, cifar10_available
from ..data.cifar10 import synthetic_cifar10
from ..metrics.inception import INCEPTION, IS_SAMPLES, IS_SPLITS, ImageScore, frechet_distance, inception_missing
from ..metrics.inception import inception_score
from ..plots import image_grid
from ..provenance import provenance
from ..runtime import device as default_device
from ..runtime import profile as active_profile
from ..runtime import seed_everything
from ..train import checkpoint_info
from . import store
from .cli import UniqueChoices, default_processes, guarded, table_parser
from .profiles import Profile, profile_named
from .report import mean_sd
from .runner import Job, default_run_dir, execute

TABLE = "table3"
PROTOCOL = 1
METHODS = {"dcgan": "DCGAN", "dcgan-si": "DCGAN-SI", "wgan-gp": "WGAN-GP", "wgan-gp-si": "WGAN-GP-SI"}
REAL = "real"
# the stored metric keys of each scorer: (score, distance to the training set)
METRIC_KEYS = {"inception": ("is", "fid"), "injected": ("score_injected", "distance_injected")}
GRID_IMAGES = 64      # samples kept per run for Figure 6
MERGE_KEYS = ("table", "protocol", "profile", "steps", "batch_size", "n_eval", "lr", "betas", "eval_every",
              "width", "splits", "data", "scorer", "sigma", "lambda")


class MissingRequirement(FileNotFoundError):
    """The paper profile's data or Inception network is not here; the message (one line) says what to do."""


@dataclass(frozen=True)
class Table3Profile(Profile):
    """A :class:`Profile` with what Table 3 adds: network width, splits, data and scorer.

    Attributes:
        width: base width of the standard CNN (512 in the paper).
        splits: splits of the IS-style score (10, the standard protocol).
        data: ``"cifar10"`` (the training set) or ``"synthetic"`` (:func:`synthetic_cifar10`).
        n_train: images of the synthetic set (ignored for CIFAR-10: all 50,000).
        scorer: ``"inception"`` (the Inception network) or ``"injected"`` (:class:`SyntheticClassifier`).
    """

    width: int = WIDTH
    splits: int = IS_SPLITS
    data: str = "cifar10"
    n_train: int = 0
    scorer: str = "inception"

    def __post_init__(self) -> None:
        if self.data not in ("cifar10", "synthetic"):
            raise ValueError(f"data must be 'cifar10' or 'synthetic', got {self.data!r}")
        if self.scorer not in METRIC_KEYS:
            raise ValueError(f"scorer must be one of {list(METRIC_KEYS)}, got {self.scorer!r}")
        if self.data == "synthetic" and self.n_train < 1:
            raise ValueError(f"n_train must be >= 1 for synthetic data, got {self.n_train!r}")
        if self.lr_generator != self.lr_discriminator:
            raise ValueError("Table 3 trains both players at one learning rate (the paper's 0.0002)")

    def header(self, steps: int) -> dict[str, Any]:
        """The stored settings: the base ones, Adam β per method, width, splits, data and scorer."""
        return {**super().header(steps),
                "betas": {k: list(cifar_methods.adam_betas(v)) for k, v in METHODS.items()},
                "width": self.width, "splits": self.splits, "data": data_record(self),
                "scorer": scorer_record(self.scorer)}


PROFILES: dict[str, Table3Profile] = {
    "quick": Table3Profile(steps=60, batch_size=32, seeds=2, n_eval=1_000, lr_generator=cifar_methods.LR,
                           lr_discriminator=cifar_methods.LR, eval_every=30, width=32, data="synthetic",
                           n_train=500, scorer="injected"),
    "paper": Table3Profile(steps=cifar_methods.ITERATIONS, batch_size=cifar_methods.BATCH_SIZE, seeds=1,
                           n_eval=IS_SAMPLES, lr_generator=cifar_methods.LR, lr_discriminator=cifar_methods.LR,
                           eval_every=25_000),
}
SYNTHETIC_SEED = 0    # the synthetic training set is synthetic_cifar10(n_train, seed=0)


def data_record(prof: Table3Profile) -> dict[str, Any]:
    """What a stored result says about its training data (and the reference of its distance)."""
    if prof.data == "cifar10":
        return {"name": "cifar10", "split": "train", "n": 50_000, "synthetic": False}
    return {"name": "synthetic_cifar10", "n": prof.n_train, "seed": SYNTHETIC_SEED, "synthetic": True,
            "note": "synthetic images in CIFAR-10's format (sigtut.data.synthetic_cifar10), not CIFAR-10"}


def extractor_name(scorer: str) -> str:
    """The network behind a scorer's numbers, as :class:`ImageScore` names it."""
    return INCEPTION if scorer == "inception" else SyntheticClassifier.__name__


def scorer_record(scorer: str) -> dict[str, Any]:
    """What a stored result says about its scores: the kind, the network and each metric's full name."""
    if scorer not in METRIC_KEYS:
        raise ValueError(f"scorer must be one of {list(METRIC_KEYS)}, got {scorer!r}")
    extractor = extractor_name(scorer)
    score_key, distance_key = METRIC_KEYS[scorer]
    out = {"kind": scorer, "extractor": extractor,
           "metrics": {score_key: ImageScore("IS", 0.0, None, 0, extractor).name,
                       distance_key: ImageScore("FID", 0.0, None, 0, extractor).name}}
    if scorer == "injected":
        out["note"] = ("scores under an injected extractor on synthetic data: "
                       "not an Inception Score, not an FID, not comparable with the paper's Table 3")
    return out


def label(group: str) -> str:
    """The paper's name of a row: ``"wgan-gp-si"`` -> ``"WGAN-GP-SI"``, ``"real"`` -> ``"Real data"``."""
    if group == REAL:
        return "Real data"
    if group not in METHODS:
        raise ValueError(f"group must be one of {[REAL, *METHODS]}, got {group!r}")
    return METHODS[group]


def training_data(prof: Table3Profile) -> Tensor:
    """The training images in [-1, 1]: CIFAR-10's training set, or the synthetic stand-in."""
    if prof.data == "cifar10":
        return cifar10(train=True)[0]
    return synthetic_cifar10(prof.n_train, seed=SYNTHETIC_SEED)[0]


def score(samples: Tensor, reference: Tensor, prof: Table3Profile, seed: int = 0) -> dict[str, Any]:
    """The IS-style score (mean and s.d. over ``prof.splits``) of ``samples`` and their distance to ``reference``.

    Stored under the scorer's own keys (:data:`METRIC_KEYS`): ``is``/``fid`` only for the
    Inception network, ``score_injected``/``distance_injected`` for an injected extractor.
    """
    feature = None if prof.scorer == "inception" else SyntheticClassifier()
    s = inception_score(samples, feature=feature, splits=prof.splits, seed=seed)
    d = frechet_distance(samples, reference, feature=feature)
    if s.extractor != extractor_name(prof.scorer):
        raise ValueError(f"the score came from {s.extractor!r}, expected {extractor_name(prof.scorer)!r}")
    score_key, distance_key = METRIC_KEYS[prof.scorer]
    return {score_key: s.value, f"{score_key}_split_sd": s.std, distance_key: d.value, "extractor": s.extractor}


def spec_profile(spec: dict[str, Any]) -> Table3Profile:
    """The profile a job's spec describes (one seed)."""
    data = spec["data"]
    return Table3Profile(steps=spec["steps"], batch_size=spec["batch_size"], seeds=1, n_eval=spec["n_eval"],
                         lr_generator=spec["lr"]["generator"], lr_discriminator=spec["lr"]["discriminator"],
                         eval_every=spec["eval_every"], width=spec["width"], splits=spec["splits"],
                         data="synthetic" if data["synthetic"] else "cifar10", n_train=data["n"],
                         scorer=spec["scorer"]["kind"])


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
    groups = list(dict.fromkeys(r["group"] for r in runs))
    keys = (*METRIC_KEYS[scorer], "seconds")
    return {g: {k: list(mean_sd([float(r[k]) for r in runs if r["group"] == g])) for k in keys} for g in groups}


def order(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Runs sorted by method (the paper's order) and seed."""
    return sorted(runs, key=lambda r: (list(METHODS).index(r["method"]), r["seed"]))


def result_path(profile_name: str) -> Path:
    """``results/table3.json`` for the paper profile, ``results/table3-quick.json`` for the quick one."""
    return store.results_dir() / ("table3.json" if profile_name == "paper" else f"table3-{profile_name}.json")


def grids_dir(out: Path) -> Path:
    """The folder of the per-run sample grids that belong to the results file ``out``."""
    return out.with_name(out.stem + "-samples")


def grid_name(group: str, seed: int) -> str:
    """The file name of a run's sample grid, e.g. ``wgan-gp-si-seed0.png``."""
    return f"{group}-seed{seed}.png"


def real_row(prof: Table3Profile, data: Tensor) -> dict[str, Any]:
    """The score of (up to ``n_eval``) training images: the paper's "Real data" row, under the same scorer."""
    seed_everything(12_345)
    n = min(prof.n_eval, data.shape[0])
    images = data[torch.randperm(data.shape[0])[:n]]
    feature = None if prof.scorer == "inception" else SyntheticClassifier()
    s = inception_score(images, feature=feature, splits=prof.splits)
    score_key = METRIC_KEYS[prof.scorer][0]
    return {score_key: s.value, f"{score_key}_split_sd": s.std, "n_images": n, "extractor": s.extractor}


def missing_requirements(prof: Table3Profile) -> str | None:
    """What a profile needs and this machine lacks, in one line (None when nothing is missing)."""
    reasons = []
    if prof.data == "cifar10" and not cifar10_available():
        folder = data_root() / "cifar10"
        reasons.append(f"CIFAR-10 is not in {folder}: put {TARBALL} (from {URL}, MD5 {TARBALL_MD5}) or the "
                       f"cifar-10-batches-py/ folder it extracts to there, or set SIGTUT_DATA to a folder "
                       f"whose cifar10/ subfolder holds it")
    if prof.scorer == "inception":
        why = inception_missing()
        if why:
            reasons.append(f"the Inception Score needs torch-fidelity and its weights: {why}")
    if not reasons:
        return None
    return "; ".join(reasons).replace("\n", " ")


def check_requirements(prof: Table3Profile, profile_name: str) -> None:
    """Stop before any training when the profile's data or scorer is missing (:class:`MissingRequirement`)."""
    why = missing_requirements(prof)
    if why:
        raise MissingRequirement(f"the {profile_name} profile of Table 3 cannot run here: {why}. "
                                 "Nothing was trained.")


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
    runs = execute(run_one, jobs, run_dir, processes=processes, threads=args.threads)
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
