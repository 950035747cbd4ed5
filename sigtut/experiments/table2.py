"""Table 2: DCGAN vs DCGAN-SI on Stacked MNIST, sizes S/M/L (paper Section 5.3, Figures 4–5).

``python -m sigtut reproduce table2 [--sizes S M L] [--methods dcgan dcgan-si] [--seeds N] [--profile quick|paper] [--merge]``

Trains DCGAN (eq. 10) and DCGAN-SI (eqs. 11–12) with the same Appendix C networks for each
size and seed, scores ``n_eval`` samples of each with the Stacked MNIST metrics (eq. 13 and
the rest of Table 2; :mod:`sigtut.metrics.stacked_mnist`) every ``eval_every`` steps and at
the end, and stores the runs with provenance in ``results/table2.json`` (paper profile) or
``results/table2-quick.json``, one 8 × 8 sample grid per run beside it (Figures 4–5). Runs
resume after a kill (:mod:`sigtut.experiments.runner`); ``--merge`` adds sizes or seeds to
the stored result.

Settings the paper leaves open (our choices, in ``PROFILES``):
- Adam with learning rate 2·10⁻⁴ and batch 64, the paper's own CIFAR-10 setting (Section
  5.4); β₁ = 0.5 as in DCGAN (Radford et al., 2016).
- 30,000 training steps (32 passes' worth of 60,000 images at batch 64): the paper gives none.
- 26,000 evaluation samples, VEEGAN's protocol (the SIG paper states no number).
- GAN-SI: p(x | θ) = N(x; θ, σ² I) over the 2,352 pixels with σ = ``SIGMA`` and λ = 1/D
  (:func:`gansi_lambda`).
"""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import torch

from ..data.mnist import mnist, stacked_mnist, stacked_mnist_sampler
from ..dcgan import NOISE_DIM, SIZES, dcgan_pair
from ..likelihoods import Normal
from ..methods import GAN, GANSI
from ..metrics.stacked_mnist import stacked_mnist_metrics
from ..plots import image_grid
from ..provenance import provenance
from ..runtime import device as default_device
from ..runtime import profile as active_profile
from ..runtime import seed_everything
from ..train import checkpoint_info, fit
from . import store
from .store import grids_dir  # re-exported: the chapters find a table's grids through it
from .cli import UniqueChoices, default_processes, executor_options, guarded, table_parser
from .profiles import Profile, profile_named
from .report import group_summary
from .runner import Job, default_run_dir, execute

TABLE = "table2"
PROTOCOL = 2          # 1: IS etc. over the 1,000 triples, no learning curves; 2: the paper's 10-digit scale
METHODS = {"dcgan": "DCGAN", "dcgan-si": "DCGAN-SI"}
METRICS = ("is", "hq", "exp_h_y_given_x", "exp_h_y", "modes", "kl")
HEADERS = {"is": "IS", "hq": "High quality", "exp_h_y_given_x": "exp(H(y|x))", "exp_h_y": "exp(H(y))",
           "modes": "Mode", "kl": "KL"}
DATA_DIM = 3 * 28 * 28
SIGMA = 0.2
GRID_IMAGES = 64      # samples kept per run for Figures 4–5
MERGE_KEYS = ("table", "protocol", "profile", "steps", "batch_size", "n_eval", "lr", "betas", "eval_every",
              "sigma", "lambda")

PROFILES: dict[str, Profile] = {
    "quick": Profile(steps=200, batch_size=32, seeds=2, n_eval=2_000, lr_generator=2e-4, lr_discriminator=2e-4,
                     eval_every=100),
    "paper": Profile(steps=30_000, batch_size=64, seeds=5, n_eval=26_000, lr_generator=2e-4, lr_discriminator=2e-4,
                     eval_every=5_000),
}


def gansi_lambda(data_dim: int = DATA_DIM) -> float:
    """λ of eq. (12) for images: 1/D, so that λ·H_M is the cross-entropy per pixel.

    The paper sets λ so that the GAN's generator loss and the H_M term are on the same
    scale. H_M over D pixels grows like D (2,352 here), whereas −log D(θ) is of order one
    nat (log 2 at the GAN's equilibrium D = 1/2). Dividing by D brings H_M to nats per
    pixel: with σ = ``SIGMA`` = 0.2 on images in [-1, 1] that is a few nats, the same order
    as the GAN's loss (the Stacked MNIST chapter prints both during training).
    """
    if isinstance(data_dim, bool) or not isinstance(data_dim, int) or data_dim < 1:
        raise ValueError(f"data_dim must be an int >= 1, got {data_dim!r}")
    return 1.0 / data_dim


def build(method: str, size: str, n_theta: int | None = None) -> GAN:
    """DCGAN (``"dcgan"``) or DCGAN-SI (``"dcgan-si"``) with the Appendix C networks of ``size`` (fresh weights)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)}, got {method!r}")
    generator, discriminator = dcgan_pair(size)
    if method == "dcgan":
        return GAN(DATA_DIM, NOISE_DIM, generator=generator, discriminator=discriminator)
    return GANSI(DATA_DIM, gansi_lambda(), Normal(SIGMA), n_theta=n_theta, noise_dim=NOISE_DIM,
                 generator=generator, discriminator=discriminator)


def label(group: str) -> str:
    """The paper's name of a row: ``"dcgan-si/M"`` -> ``"DCGAN-SI(M)"``."""
    method, size = group.split("/")
    return f"{METHODS[method]}({size})"


@torch.no_grad()
def generate(model: GAN, n: int, batch_size: int = 1000) -> torch.Tensor:
    """n samples of a trained generator, on the CPU, in batches."""
    return torch.cat([model.sample(min(batch_size, n - k)).cpu() for k in range(0, n, batch_size)])


def train(method: str, size: str, seed: int, prof: Profile, steps: int | None = None,
          checkpoint: Path | None = None, progress: bool = False) -> tuple[GAN, dict[str, list[float]]]:
    """Train one DCGAN or DCGAN-SI on an endless Stacked MNIST stream; return it and its loss history."""
    seed_everything(seed)
    model = build(method, size)
    history = fit(model, stacked_mnist_sampler(train=True), steps=steps or prof.steps_for(),
                  batch_size=prof.batch_size, lr=prof.learning_rates(model.optimizer_groups()),
                  betas=prof.betas, seed=seed, checkpoint=checkpoint, progress=progress,
                  desc=f"{METHODS[method]}({size}) seed {seed}")
    return model, history


def run_one(job: Job, folder: Path) -> dict[str, Any]:
    """Train one (method, size, seed), scoring it at every evaluation step; resumes from ``folder``."""
    spec = job.spec
    prof = Profile(steps=spec["steps"], batch_size=spec["batch_size"], seeds=1, n_eval=spec["n_eval"],
                   lr_generator=spec["lr"]["generator"], lr_discriminator=spec["lr"]["discriminator"],
                   betas=tuple(spec["betas"]), eval_every=spec["eval_every"])
    curve_file, ckpt = folder / "curve.json", folder / "checkpoint.pt"
    curve = json.loads(curve_file.read_text()) if curve_file.exists() else []
    for step in prof.eval_steps(spec["steps"]):
        if any(point["step"] == step for point in curve):
            continue
        model, _ = train(spec["method"], spec["size"], job.seed, prof, steps=step, checkpoint=ckpt)
        start = time.perf_counter()
        seed_everything(10_000 + job.seed)              # the same noise at every evaluation step
        samples = generate(model, prof.n_eval)
        point = {"step": step, **stacked_mnist_metrics(samples), "eval_seconds": round(time.perf_counter() - start, 1)}
        if step == spec["steps"]:
            save_grid(samples, folder / "grid.png")
        curve.append(point)
        store.write_json(curve_file, curve)
    info = checkpoint_info(ckpt)
    final = curve[-1]
    return {"group": job.group, "method": spec["method"], "size": spec["size"], "seed": job.seed,
            **{k: final[k] for k in final if k not in ("step", "eval_seconds")},
            "seconds": round(info["seconds"], 1), "final_losses": info["last_losses"], "curve": curve}


def save_grid(images: torch.Tensor, path: Path) -> Path:
    """The first 64 images as one 8 × 8 RGB PNG (224 × 224 pixels, lossless): a run's Figures 4–5 panel."""
    from matplotlib.image import imsave

    imsave(path, image_grid(images[:GRID_IMAGES], 8))
    return path


def summarise(runs: list[dict[str, Any]]) -> dict[str, dict[str, list[float]]]:
    """Mean and standard deviation over seeds of every metric (and the training seconds), per group."""
    return group_summary(runs, (*METRICS, "seconds"))


def order(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Runs sorted by size (S, M, L), method (DCGAN first) and seed."""
    return sorted(runs, key=lambda r: (list(SIZES).index(r["size"]), list(METHODS).index(r["method"]), r["seed"]))


def result_path(profile_name: str) -> Path:
    """``results/table2.json`` for the paper profile, ``results/table2-quick.json`` for the quick one."""
    return store.table_path(TABLE, profile_name)


def grid_name(group: str, seed: int) -> str:
    """The file name of a run's sample grid, e.g. ``dcgan-si-M-seed0.png``."""
    return f"{group.replace('/', '-')}-seed{seed}.png"


def real_row(n_eval: int) -> dict[str, float]:
    """The metrics of ``n_eval`` real Stacked MNIST test images: the limit of every column."""
    images, _ = stacked_mnist(n_eval, seed=12_345, train=False)
    return stacked_mnist_metrics(images)


def main(argv: list[str]) -> int:
    parser = table_parser("python -m sigtut reproduce table2", __doc__, list(PROFILES))
    parser.add_argument("--sizes", nargs="+", action=UniqueChoices, labels={s: s for s in SIZES},
                        default=list(SIZES), help=f"network sizes, any of {list(SIZES)}")
    parser.add_argument("--methods", nargs="+", action=UniqueChoices, labels=METHODS, default=list(METHODS),
                        help=f"any of {list(METHODS)}")
    args = parser.parse_args(argv)
    return guarded(lambda: reproduce(args))


def reproduce(args) -> int:
    """The body of ``reproduce table2``: checks, the runs (resumed where they stopped), the stored result."""
    profile_name = args.profile or active_profile()
    prof = profile_named(PROFILES, profile_name)
    seeds = list(range(args.seeds or prof.seeds))
    dev = default_device()
    header = {"table": TABLE, "protocol": PROTOCOL, "profile": profile_name, **prof.header(prof.steps_for()),
              "sigma": SIGMA, "lambda": gansi_lambda()}
    out = args.out or result_path(profile_name)
    stored = store.prepare(out, header, args.merge, MERGE_KEYS)         # fails now, not after the training
    mnist(train=True), mnist(train=False)                               # so do missing or corrupt data files
    spec = {k: header[k] for k in ("steps", "batch_size", "n_eval", "lr", "betas", "eval_every")}
    jobs = [Job(TABLE, f"{m}/{s}", seed, {"method": m, "size": s, "device": dev.type, **spec})
            for s in args.sizes for seed in seeds for m in args.methods]     # methods side by side, seed by seed
    processes = args.processes or default_processes(len(jobs), dev.type != "cpu")
    start = time.perf_counter()
    run_dir = args.run_dir or default_run_dir()
    runs = execute(run_one, jobs, run_dir, processes=processes, threads=args.threads,
                   **executor_options(args))
    real = real_row(prof.n_eval)
    wall = time.perf_counter() - start
    grids = grids_dir(out)
    grids.mkdir(parents=True, exist_ok=True)
    for job in jobs:
        shutil.copyfile(job.folder(run_dir) / "grid.png", grids / grid_name(job.group, job.seed))
    new = {**header, "real": real, "runs": runs,
           **provenance(seeds, wall, dev, threads=args.threads, processes=processes)}
    result = store.merge(stored, new)
    result["runs"] = order(result["runs"])
    result["summary"] = summarise(result["runs"])
    store.write(out, result)
    from .table2_report import table_text    # the report module imports this one
    print(table_text(result))
    print(f"wrote {out} ({len(result['runs'])} runs; sample grids in {grids})")
    return 0
