"""Table 2: DCGAN vs DCGAN-SI on Stacked MNIST, sizes S/M/L (paper Section 5.3, Figures 4–5).

usage: python -m sigtut reproduce table2 [--sizes S M L] [--seeds N] [--profile quick|paper]
                                         [--processes P] [--out FILE]

Trains DCGAN (eq. 10) and DCGAN-SI (eqs. 11–12) with the same Appendix C networks for
each size and seed, scores ``n_eval`` samples of each with the Stacked MNIST metrics
(eq. 13 and the rest of Table 2), prints mean ± standard error beside the paper's numbers
and the row of real Stacked MNIST images (the limit), and writes the results with
provenance to ``results/table2.json`` (paper profile) or ``results/table2-quick.json``,
with the sample grids of the best and worst run by IS (the paper's Figures 4–5) beside it.

Settings the paper leaves open (our choices, also in ``PROFILES``):
- Adam with learning rate 2·10⁻⁴ and batch 64, the paper's own CIFAR-10 setting
  (Section 5.4); β₁ = 0.5 as in DCGAN (Radford et al., 2016).
- The number of training steps for Stacked MNIST is not stated: the paper profile uses
  30,000 steps (32 passes' worth of 60,000 images at batch 64).
- 26,000 evaluation samples, as in VEEGAN, whose protocol Table 2 follows.
- GAN-SI: p(x | θ) = N(x; θ, σ² I) over the 2,352 pixels with σ = ``SIGMA`` and
  λ = 1/D (``gansi_lambda``), which turns H_M into a cross-entropy per pixel; see
  :func:`gansi_lambda` for why the two terms of eq. (12) are then on the same scale.
"""
from __future__ import annotations

import argparse
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

from ..data.mnist import stacked_mnist, stacked_mnist_sampler
from ..dcgan import NOISE_DIM, SIZES, dcgan_pair
from ..likelihoods import Normal
from ..methods import GAN, GANSI
from ..metrics.stacked_mnist import DEFAULT_SAMPLES, stacked_mnist_metrics
from ..plots import show_images
from ..provenance import provenance, write_result
from ..runtime import device as default_device
from ..runtime import pick, profile, seed_everything
from ..train import fit
from .common import format_table, mean_se, pm, positive_int_arg, run_parallel

METHODS = ("DCGAN", "DCGAN-SI")
METRICS = ("is", "hq", "exp_h_y_given_x", "exp_h_y", "modes", "kl")
HEADERS = {"is": "IS", "hq": "High quality", "exp_h_y_given_x": "exp(H(y|x))",
           "exp_h_y": "exp(H(y))", "modes": "Mode", "kl": "KL"}
IMAGE_SHAPE = (3, 28, 28)
DATA_DIM = 3 * 28 * 28
SIGMA = 0.2

# The paper's Table 2: mean and standard error over five runs.
PAPER_TABLE2: dict[str, dict[str, tuple[float, float]]] = {
    "DCGAN(S)": {"is": (2.9, 0.52), "hq": (0.63, 0.14), "exp_h_y_given_x": (1.96, 0.32),
                 "exp_h_y": (5.1, 1.19), "modes": (21.0, 8.12), "kl": (4.99, 0.24)},
    "DCGAN-SI(S)": {"is": (4.33, 0.59), "hq": (0.6, 0.07), "exp_h_y_given_x": (2.05, 0.2),
                    "exp_h_y": (8.78, 0.41), "modes": (279.2, 296.52), "kl": (2.63, 1.0)},
    "DCGAN(M)": {"is": (5.59, 0.36), "hq": (0.7, 0.03), "exp_h_y_given_x": (1.71, 0.09),
                 "exp_h_y": (9.51, 0.31), "modes": (811.8, 116.24), "kl": (0.75, 0.35)},
    "DCGAN-SI(M)": {"is": (5.93, 0.47), "hq": (0.72, 0.04), "exp_h_y_given_x": (1.65, 0.11),
                    "exp_h_y": (9.75, 0.11), "modes": (969.0, 29.19), "kl": (0.3, 0.13)},
    "DCGAN(L)": {"is": (4.71, 1.12), "hq": (0.67, 0.08), "exp_h_y_given_x": (1.78, 0.17),
                 "exp_h_y": (8.25, 1.32), "modes": (389.8, 477.24), "kl": (2.95, 2.33)},
    "DCGAN-SI(L)": {"is": (6.05, 0.68), "hq": (0.73, 0.06), "exp_h_y_given_x": (1.62, 0.17),
                    "exp_h_y": (9.75, 0.12), "modes": (957.0, 32.74), "kl": (0.36, 0.12)},
}


@dataclass(frozen=True)
class Settings:
    """Training and evaluation sizes of one profile."""

    steps: int
    batch_size: int
    n_eval: int
    seeds: int
    lr: float = 2e-4
    beta1: float = 0.5


PROFILES: dict[str, Settings] = {
    "quick": Settings(steps=200, batch_size=32, n_eval=2_000, seeds=2),
    "paper": Settings(steps=30_000, batch_size=64, n_eval=DEFAULT_SAMPLES, seeds=5),
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


def build_method(method: str, size: str, n_theta: int | None = None) -> GAN:
    """DCGAN or DCGAN-SI with the Appendix C networks of the given size (fresh weights)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    generator, discriminator = dcgan_pair(size)
    if method == "DCGAN":
        return GAN(DATA_DIM, NOISE_DIM, generator=generator, discriminator=discriminator)
    return GANSI(DATA_DIM, gansi_lambda(), Normal(SIGMA), n_theta=n_theta, noise_dim=NOISE_DIM,
                 generator=generator, discriminator=discriminator)


def train_method(method: str, size: str, seed: int, settings: Settings, progress: bool = False) -> tuple[GAN, dict[str, list[float]]]:
    """Train one DCGAN or DCGAN-SI on an endless Stacked MNIST stream; return it and its loss history."""
    seed_everything(seed)
    model = build_method(method, size)
    history = fit(model, stacked_mnist_sampler(train=True), steps=settings.steps,
                  batch_size=settings.batch_size, lr=settings.lr, betas=(settings.beta1, 0.999),
                  seed=seed, progress=progress, desc=f"{method}({size}) seed {seed}")
    return model, history


@torch.no_grad()
def generate(model: GAN, n: int, batch_size: int = 1000) -> torch.Tensor:
    """n samples of a trained generator, on the CPU, in batches."""
    return torch.cat([model.sample(min(batch_size, n - k)).cpu() for k in range(0, n, batch_size)])


def _run(job: tuple[str, str, int, Settings]) -> dict[str, Any]:
    method, size, seed, settings = job
    start = time.perf_counter()
    model, history = train_method(method, size, seed, settings)
    seed_everything(10_000 + seed)
    samples = generate(model, settings.n_eval)
    scores = stacked_mnist_metrics(samples)
    return {"method": method, "size": size, "seed": seed, **scores,
            "final_losses": {k: v[-1] for k, v in history.items()},
            "wall_seconds": round(time.perf_counter() - start, 1),
            "grid": samples[:64].mul(127.5).add(127.5).round().to(torch.uint8).tolist()}


def summarise(runs: list[dict[str, Any]]) -> dict[str, dict[str, tuple[float, float]]]:
    """Mean and standard error of every metric for each method and size, keyed 'DCGAN(S)' etc."""
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for run in runs:
        out.setdefault(f"{run['method']}({run['size']})", {})
    for key in out:
        rows = [r for r in runs if f"{r['method']}({r['size']})" == key]
        out[key] = {m: mean_se([float(r[m]) for r in rows]) for m in METRICS}
    return out


def table_rows(summary: dict[str, dict[str, tuple[float, float]]], label: str) -> list[dict[str, str]]:
    """Printable rows ('ours'/'paper' in the source column), two decimals, one for modes."""
    return [{"model": key, "source": label,
             **{HEADERS[m]: pm(*summary[key][m], digits=1 if m == "modes" else 2) for m in METRICS}}
            for key in summary]


def result_rows(real: dict[str, float], summary: dict[str, Any], paper: dict[str, Any], profile_name: str) -> list[dict[str, str]]:
    """Table 2 as printable rows: the real-data limit, then ours and the paper's row for each model."""
    rows = [{"model": "Real Stacked MNIST", "source": "limit",
             **{HEADERS[m]: f"{real[m]:.1f}" if m == "modes" else f"{real[m]:.2f}" for m in METRICS}}]
    for key in summary:
        rows += table_rows({key: summary[key]}, f"ours ({profile_name})")
        rows += table_rows({key: paper[key]}, "paper")
    return rows


def save_sample_grids(runs: list[dict[str, Any]], path: Path, profile_name: str) -> Path:
    """The best and worst run by IS for each method and size, as 8 × 8 grids (paper Figures 4–5)."""
    from matplotlib.figure import Figure  # no pyplot: never switches the caller's backend

    keys = sorted({(r["size"], r["method"]) for r in runs}, key=lambda k: ("SML".index(k[0]), k[1]))
    fig = Figure(figsize=(6, 3 * len(keys)))
    axes = fig.subplots(len(keys), 2, squeeze=False)
    for row, (size, method) in enumerate(keys):
        group = sorted((r for r in runs if (r["size"], r["method"]) == (size, method)), key=lambda r: r["is"])
        for col, (name, run) in enumerate((("highest IS", group[-1]), ("lowest IS", group[0]))):
            grid = torch.tensor(run["grid"], dtype=torch.uint8)                 # (64, 3, 28, 28)
            show_images(axes[row, col], grid, f"{method}({size}), {name}: IS {run['is']:.2f}")
    fig.suptitle(f"Stacked MNIST samples, {profile_name} profile")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    return path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m sigtut reproduce table2", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--seeds", type=positive_int_arg, default=None, help="runs per method and size (quick 2, paper 5)")
    parser.add_argument("--profile", choices=list(PROFILES), default=None, help="default: SIGTUT_PROFILE or quick")
    parser.add_argument("--processes", type=int, default=None, help="parallel runs (default: CPU cores; 1 on a GPU)")
    parser.add_argument("--out", default=None, help="results file (default results/table2.json, or table2-quick.json)")
    args = parser.parse_args(argv)
    profile_name = args.profile or profile()
    settings = PROFILES[profile_name]
    n_seeds = args.seeds if args.seeds is not None else settings.seeds
    out = Path(args.out or pick(quick="results/table2-quick.json", paper="results/table2.json", profile_name=profile_name))
    dev = default_device()
    processes = args.processes if args.processes is not None else (1 if dev.type != "cpu" else None)

    start = time.perf_counter()
    jobs = [(m, s, seed, settings) for s in args.sizes for m in METHODS for seed in range(n_seeds)]
    runs = run_parallel(_run, jobs, processes)
    real_images, _ = stacked_mnist(settings.n_eval, seed=12_345, train=False)
    real = stacked_mnist_metrics(real_images)
    wall = time.perf_counter() - start

    summary = summarise(runs)
    rows = result_rows(real, summary, PAPER_TABLE2, profile_name)
    print(f"Table 2, {profile_name} profile: {len(runs)} runs of {settings.steps} steps, "
          f"{settings.n_eval} samples each, {wall:.0f} s on {dev}")
    print(format_table(rows, ["model", "source", *HEADERS.values()]))

    grid_path = save_sample_grids(runs, out.with_name(out.stem + "-samples.png"), profile_name)
    payload = {
        **provenance(list(range(n_seeds)), wall, dev),
        "profile": profile_name,
        "settings": asdict(settings),
        "sigma": SIGMA,
        "lambda": gansi_lambda(),
        "real": real,
        "summary": {k: {m: list(v) for m, v in s.items()} for k, s in summary.items()},
        "paper": {k: {m: list(v) for m, v in s.items()} for k, s in PAPER_TABLE2.items()},
        "runs": [{k: v for k, v in r.items() if k != "grid"} for r in runs],
        "sample_grids": str(grid_path),
    }
    write_result(out, payload)
    print(f"wrote {out} and {grid_path}")
    return 0
