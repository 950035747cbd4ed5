"""Table 1 and Figure 2: mode collapse on the 2-D grid and ring of Gaussians, nine methods and an ablation, several seeds.

``python -m sigtut reproduce table1 [--dataset grid|ring] [--methods ...] [--seeds 5] [--profile quick|paper]``

Every method shares the generator network (two hidden layers of 100 ReLU units, 10-D
noise, paper Section 5.2), the data stream, the optimiser and the training length of
its profile. Each run is scored on 50,000 samples with the SIG paper's convention (a mode
counts with more than 1,000 high-quality samples) and on 2,500 samples with VEEGAN's
(a mode counts with one). The table prints mean ± standard error over seeds beside the
published numbers, and the run writes ``results/table1-<dataset>.json`` (paper profile;
``-quick`` is appended for the quick profile) with provenance, plus a Figure-2-like PNG.

Profiles (the SIG paper states none of these settings; see the mode-collapse chapter):

- ``paper``: batch 512, Adam with β = (0.5, 0.999), learning rate 1e-3 for generators/encoders
  and 1e-4 for discriminators, and 25,000 steps on the ring — the setting of Metz et al.'s
  unrolled-GAN reference code, whose 2-D example is this ring of eight Gaussians and which
  VEEGAN follows for its unrolled baseline. No source gives a budget for the grid; it trains
  for 50,000 steps, twice the ring's (the mode-collapse chapter shows the 25,000-step grid
  run that led to this choice, ``results/table1-grid-25000steps.json``).
- ``quick``: the same settings with 1,500 steps on either data set and batch 256, two seeds by default.

SIG anneals its σ from a quarter of the distance between neighbouring centres down to the
components' std over the first 60% of the steps (:mod:`sigtut.annealing` says why).
``--merge`` adds the methods of one call to the stored result, so the paper profile can be
run a few methods at a time (:func:`merge`). ``--steps N`` trains for N steps instead of the
profile's length and stores the result in its own file (:func:`result_path`), for studies
of the training budget.
"""
from __future__ import annotations

import argparse
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor

from .. import _checks
from ..annealing import GeometricAnnealing
from ..data.mixtures import Mixture, gmm_grid, gmm_ring
from ..likelihoods import Normal
from ..methods import (BMSVAEGAN, GAN, GANSI, SIG, VAE, VEEGAN, GenerativeMethod, ManifoldDiffusionGAN,
                       ModeRegularizedGAN, UnrolledGAN)
from ..metrics.modes import mode_metrics
from ..provenance import provenance
from .store import read as read_result, write_json as write_result
from ..runtime import profile as active_profile
from ..runtime import seed_everything
from ..train import fit
from .common import format_table, mean_se, pm, positive_int_arg, run_parallel

RESULTS = Path(__file__).resolve().parents[2] / "results"
NOISE_DIM = 10
SIG_SAMPLES, SIG_MIN_COUNT = 50_000, 1000        # SIG paper, Section 5.2
VEEGAN_SAMPLES, VEEGAN_MIN_COUNT = 2_500, 0      # VEEGAN paper, Section 5.1
FIGURE_POINTS = 2_500                            # samples stored per method for Figure 2


@dataclass(frozen=True)
class Profile:
    """Training length (per data set) and optimiser of one profile, shared by every method.

    ``steps`` maps each data set of :data:`DATASETS` to its number of training steps.
    """

    steps: dict[str, int]
    batch_size: int
    seeds: int
    lr_generator: float = 1e-3
    lr_discriminator: float = 1e-4
    betas: tuple[float, float] = (0.5, 0.999)

    def steps_for(self, dataset: str) -> int:
        """The training length of this profile on ``dataset`` ('grid' or 'ring')."""
        if dataset not in self.steps:
            raise ValueError(f"dataset must be one of {sorted(self.steps)}, got {dataset!r}")
        return self.steps[dataset]


PROFILES = {"quick": Profile(steps={"grid": 1_500, "ring": 1_500}, batch_size=256, seeds=2),
            "paper": Profile(steps={"grid": 50_000, "ring": 25_000}, batch_size=512, seeds=5)}

# λ for GAN-SI: the generator's GAN loss is ≈ log 2 ≈ 0.7 at equilibrium and H_M is O(1) once
# the θ's sit on the modes, so λ = 1 puts both terms "on the same scale" (paper Section 3).
GAN_SI_LAMBDA = 1.0

# SIG anneals σ (sigtut.annealing): from a quarter of the distance between neighbouring centres
# (0.5 on the grid, 0.19 on the ring) down to the mixture's std over the first 60% of the steps.
ANNEAL_START = 0.25     # × the smallest distance between two centres
ANNEAL_SHARE = 0.6      # share of the training steps spent shrinking σ


def sig_schedule(mixture: Mixture, steps: int) -> GeometricAnnealing:
    """SIG's σ path on a mixture: 0.25 × nearest-centre distance → the components' std over 60% of ``steps``."""
    spacing = float(torch.pdist(mixture.centers).min())
    return GeometricAnnealing(ANNEAL_START * spacing, mixture.std, int(ANNEAL_SHARE * steps))


# name -> builder(mixture, training steps). σ of GAN-SI and of the decoders = the mixture's std, so
# that the ideal implicit distribution is the K point masses at the centres; SIG reaches the same σ
# by annealing (the mode-collapse chapter shows why a fixed σ = std stalls).
BUILDERS: dict[str, Callable[[Mixture, int], GenerativeMethod]] = {
    "GAN": lambda mix, steps: GAN(2, NOISE_DIM),
    "VAE": lambda mix, steps: VAE(2, NOISE_DIM, sigma=mix.std),
    "VEEGAN": lambda mix, steps: VEEGAN(2, NOISE_DIM),
    "Unrolled GAN": lambda mix, steps: UnrolledGAN(2, NOISE_DIM, unroll_steps=5),
    "Reg-GAN": lambda mix, steps: ModeRegularizedGAN(2, NOISE_DIM, lambda_geometric=0.005, lambda_mode=0.005),
    "MDGAN": lambda mix, steps: ManifoldDiffusionGAN(2, NOISE_DIM, lam=1.0),
    "BMS-VAE-GAN": lambda mix, steps: BMSVAEGAN(2, NOISE_DIM, n_samples=10, sigma=mix.std),
    "SIG": lambda mix, steps: SIG(2, Normal(mix.std), NOISE_DIM, n_theta=512,
                                  sigma_schedule=sig_schedule(mix, steps)),
    # the ablation: SIG exactly as the paper describes it, σ fixed at the components' std
    "SIG (fixed σ)": lambda mix, steps: SIG(2, Normal(mix.std), NOISE_DIM, n_theta=512),
    "GAN-SI": lambda mix, steps: GANSI.gaussian(2, GAN_SI_LAMBDA, mix.std, noise_dim=NOISE_DIM),
}
METHODS = tuple(BUILDERS)

# Published numbers. SIG paper Table 1 (grid only; 50,000 samples, > 1,000 per mode; mean ± s.e.).
PAPER_TABLE1: dict[str, dict[str, tuple[float, float]]] = {
    "GAN": {"modes": (4.0, 3.08), "hq": (0.36, 0.16), "kl": (2.87, 0.78)},
    "VAE": {"modes": (25.0, 0.0), "hq": (0.83, 0.02), "kl": (0.32, 0.07)},
    "VEEGAN": {"modes": (23.2, 0.84), "hq": (0.82, 0.03), "kl": (0.38, 0.08)},
    "Unrolled GAN": {"modes": (6.2, 8.6), "hq": (0.42, 0.13), "kl": (1.97, 0.60)},
    "SIG": {"modes": (25.0, 0.0), "hq": (0.91, 0.04), "kl": (0.14, 0.07)},
}
# Peer papers' own claims in VEEGAN's convention (2,500 samples, ≥ 1 per mode), as printed in
# Table 1 of the BMS paper: (modes, hq share, source).
PEER_CLAIMS: dict[str, dict[str, tuple[float, float, str]]] = {
    "grid": {"VEEGAN": (24.6, 0.40, "VEEGAN via BMS Table 1"), "BMS-VAE-GAN": (25.0, 0.997, "BMS Table 1, T = 10")},
    "ring": {"VEEGAN": (8.0, 0.529, "VEEGAN via BMS Table 1"), "BMS-VAE-GAN": (8.0, 0.996, "BMS Table 1, T = 10")},
}
DATASETS: dict[str, Callable[..., Mixture]] = {"grid": gmm_grid, "ring": gmm_ring}


def mixture_of(dataset: str) -> Mixture:
    """The benchmark mixture (a small sample plus its centres, std and weights) for 'grid' or 'ring'."""
    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {sorted(DATASETS)}, got {dataset!r}")
    return DATASETS[dataset](1)


def mixture_sampler(mixture: Mixture) -> Callable[[int, torch.Generator], Tensor]:
    """An endless data stream for :func:`sigtut.fit`: fresh draws of the mixture for every mini-batch."""
    centers, std, weights = mixture.centers, mixture.std, mixture.weights

    def draw(n: int, generator: torch.Generator) -> Tensor:
        labels = torch.multinomial(weights, n, replacement=True, generator=generator)
        return centers[labels] + std * torch.randn(n, centers.shape[1], generator=generator)

    return draw


def build(method: str, mixture: Mixture, steps: int) -> GenerativeMethod:
    """A fresh, untrained ``method`` (one of :data:`METHODS`) for ``mixture``, to be trained for ``steps``."""
    if method not in BUILDERS:
        raise ValueError(f"method must be one of {list(BUILDERS)}, got {method!r}")
    _checks.positive_int("steps", steps)
    return BUILDERS[method](mixture, steps)


def score(samples: Tensor, mixture: Mixture) -> dict[str, float]:
    """Table 1's metrics in both conventions: SIG's on all samples, VEEGAN's on the first 2,500."""
    sig = mode_metrics(samples, mixture.centers, mixture.std, mixture.weights.double(), min_count=SIG_MIN_COUNT)
    vee = mode_metrics(samples[:VEEGAN_SAMPLES], mixture.centers, mixture.std, mixture.weights.double(),
                       min_count=VEEGAN_MIN_COUNT)
    return {"modes": sig["modes"], "hq": sig["hq"], "kl": sig["kl"], "modes_2500": vee["modes"], "hq_2500": vee["hq"]}


def learning_rates(method: GenerativeMethod, prof: Profile) -> dict[str, float]:
    """The profile's learning rate for each of the method's parameter groups (discriminators slower)."""
    return {g: prof.lr_discriminator if g == "discriminator" else prof.lr_generator for g in method.optimizer_groups()}


def train_and_score(method: str, dataset: str, seed: int, prof: Profile, steps: int,
                    n_samples: int = SIG_SAMPLES) -> dict[str, Any]:
    """Train one method on one data set with one seed for ``steps`` steps; return its metrics, wall time and samples."""
    mixture = mixture_of(dataset)
    seed_everything(seed)
    model = build(method, mixture, steps)
    start = time.perf_counter()
    history = fit(model, mixture_sampler(mixture), steps=steps, batch_size=prof.batch_size,
                  lr=learning_rates(model, prof), betas=prof.betas, seed=seed, device="cpu", progress=False)
    seconds = time.perf_counter() - start
    seed_everything(10_000 + seed)
    samples = model.sample(n_samples)
    result: dict[str, Any] = {"method": method, "seed": seed, "seconds": seconds, **score(samples, mixture)}
    result["final_losses"] = {k: v[-1] for k, v in history.items()}
    result["samples"] = np.round(samples[:FIGURE_POINTS].numpy(), 4).tolist()
    return result


def _run(args: tuple[str, str, int, Profile, int]) -> dict[str, Any]:
    return train_and_score(*args)


def true_data_row(dataset: str) -> dict[str, float]:
    """The metrics of 50,000 draws of the true mixture: the limit no model should beat (Table 1)."""
    mixture = mixture_of(dataset)
    return score(DATASETS[dataset](SIG_SAMPLES, seed=12345).x, mixture)


def summarise(runs: list[dict[str, Any]], methods: Sequence[str]) -> dict[str, dict[str, list[float]]]:
    """Mean and standard error over seeds of every metric, per method: {method: {metric: [mean, se]}}."""
    keys = ("modes", "hq", "kl", "modes_2500", "hq_2500", "seconds")
    out = {}
    for m in methods:
        rows = [r for r in runs if r["method"] == m]
        out[m] = {k: list(mean_se([float(r[k]) for r in rows])) for k in keys}
    return out


def table_text(result: dict[str, Any]) -> str:
    """Two plain-text tables: SIG's convention beside SIG Table 1, and VEEGAN's beside the peers' claims.

    Seconds of a part run on another machine (one with a ``note``) are marked † and footnoted.
    """
    k = len(mixture_of(result["dataset"]).centers)
    truth = result["true_data"]
    rows = [{"method": "true data (limit)", "modes": f"{truth['modes']}/{k}", "hq": f"{truth['hq']:.3f}",
             "kl": f"{truth['kl']:.4f}"}]
    peer_rows = [{"method": "true data (limit)", "modes (≥1 of 2,500)": str(truth["modes_2500"]),
                  "hq (2,500)": f"{truth['hq_2500']:.3f}"}]
    timed = comparable_seconds(result)
    for m, s in result["summary"].items():
        paper = PAPER_TABLE1.get(m, {}) if result["dataset"] == "grid" else {}
        rows.append({
            "method": m, "modes": pm(*s["modes"], 1), "hq": pm(*s["hq"]), "kl": pm(*s["kl"]),
            "seconds": pm(*s["seconds"], 0) + ("" if m in timed else " †"),
            "paper modes": pm(*paper["modes"], 1) if paper else "–",
            "paper hq": pm(*paper["hq"]) if paper else "–",
            "paper kl": pm(*paper["kl"]) if paper else "–",
        })
        claim = PEER_CLAIMS[result["dataset"]].get(m)
        peer_rows.append({
            "method": m, "modes (≥1 of 2,500)": pm(*s["modes_2500"], 1), "hq (2,500)": pm(*s["hq_2500"], 3),
            "peer paper": f"{claim[0]:g} modes, hq {claim[1]:.3f} ({claim[2]})" if claim else "–",
        })
    head = (f"{result['dataset']} ({k} modes), profile {result['profile']}, {len(result['seeds'])} seed(s), "
            f"{result['steps']} steps; mean ± s.e. over seeds")
    sig = format_table(rows, ["method", "modes", "hq", "kl", "seconds", "paper modes", "paper hq", "paper kl"])
    vee = format_table(peer_rows, ["method", "modes (≥1 of 2,500)", "hq (2,500)", "peer paper"])
    elsewhere = "" if len(timed) == len(result["summary"]) else \
        "\n† run on another machine (see its part's note): seconds not comparable with the others'"
    return (f"{head}\nSIG convention: {SIG_SAMPLES:,} samples, a mode counts with > {SIG_MIN_COUNT:,} "
            f"high-quality samples (paper numbers: SIG Table 1, grid only)\n{sig}{elsewhere}\n\n"
            f"VEEGAN convention: {VEEGAN_SAMPLES:,} samples, a mode counts with ≥ 1\n{vee}")


def compare_with_paper(result: dict[str, Any]) -> list[dict[str, str]]:
    """Ours against SIG Table 1 per method and metric: 'agrees' when the mean ± 2 s.e. intervals overlap.

    Only the grid has published numbers (SIG Table 1); for the ring the list is empty.
    """
    if result["dataset"] != "grid":
        return []
    rows = []
    for m, ours in result["summary"].items():
        for metric, (p_mean, p_se) in PAPER_TABLE1.get(m, {}).items():
            o_mean, o_se = ours[metric]
            overlap = abs(o_mean - p_mean) <= 2 * (o_se + p_se)
            verdict = "agrees" if overlap else ("ours higher" if o_mean > p_mean else "ours lower")
            rows.append({"method": m, "metric": metric, "ours": pm(o_mean, o_se), "paper": pm(p_mean, p_se),
                         "verdict": verdict})
    return rows


def verdict_changes(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str]]:
    """The (method, metric) pairs whose :func:`compare_with_paper` verdict differs between two results.

    Chapter 5 uses it to ask whether the training budget changes what agrees with the paper.
    """
    old = {(r["method"], r["metric"]): r["verdict"] for r in compare_with_paper(before)}
    new = {(r["method"], r["metric"]): r["verdict"] for r in compare_with_paper(after)}
    return [key for key in old if key in new and old[key] != new[key]]


def method_runs(result: dict[str, Any], method: str) -> list[dict[str, Any]]:
    """The stored runs of one method, one per seed, in seed order."""
    return sorted((r for r in result["runs"] if r["method"] == method), key=lambda r: r["seed"])


def ranked(result: dict[str, Any], metric: str = "hq") -> list[str]:
    """The methods of a result by their mean ``metric`` over seeds, highest first."""
    return sorted(result["summary"], key=lambda m: -result["summary"][m][metric][0])


def covering_seeds(result: dict[str, Any], method: str) -> int:
    """How many of ``method``'s seeds find every mode of the mixture (SIG convention)."""
    k = len(mixture_of(result["dataset"]).centers)
    return sum(r["modes"] == k for r in method_runs(result, method))


def full_coverage(result: dict[str, Any]) -> list[str]:
    """The methods that find every mode of the mixture in every seed (SIG convention)."""
    return [m for m in result["summary"] if covering_seeds(result, m) == len(method_runs(result, m))]


def _change(old: float, new: float, digits: int) -> str:
    """'old → new' with ``digits`` decimals, for the before/after tables below."""
    return f"{old:.{digits}f} → {new:.{digits}f}"


def seed_changes(before: dict[str, Any], after: dict[str, Any], method: str) -> list[dict[str, str]]:
    """Per seed, ``method``'s modes, hq and KL in ``before`` → ``after`` (e.g. two training budgets), for format_table."""
    old = {r["seed"]: r for r in method_runs(before, method)}
    return [{"seed": str(r["seed"]), "modes": _change(old[r["seed"]]["modes"], r["modes"], 0),
             "hq": _change(old[r["seed"]]["hq"], r["hq"], 2), "kl": _change(old[r["seed"]]["kl"], r["kl"], 2)}
            for r in method_runs(after, method)]


def budget_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    """Per method held by both results, mean modes, hq, KL and seconds ``before`` → ``after``, for format_table.

    Also the number of seeds that find every mode (SIG convention), column ``all <K>``. Used by chapter 5 to
    compare the grid's 50,000-step budget with the 25,000 steps it was first run for (``reproduce table1 --steps``).
    """
    k = len(mixture_of(after["dataset"]).centers)
    rows = []
    for m in (m for m in after["summary"] if m in before["summary"]):
        old, new = before["summary"][m], after["summary"][m]
        row = {"method": m, f"all {k}": _change(covering_seeds(before, m), covering_seeds(after, m), 0)}
        for metric, digits in (("modes", 1), ("hq", 2), ("kl", 2), ("seconds", 0)):
            row[metric] = _change(old[metric][0], new[metric][0], digits)
        rows.append(row)
    return rows


def plot_samples(result: dict[str, Any], seed_index: int = 0, path: str | Path | None = None):
    """Figure 2: samples of every method (one panel each, same limits) beside the true data; returns the figure."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme()
    mixture = mixture_of(result["dataset"])
    k = len(mixture.centers)
    methods = list(result["summary"])
    seed = result["seeds"][seed_index]
    panels = [("true data", DATASETS[result["dataset"]](FIGURE_POINTS, seed=12345).x.numpy(), k)]
    for m in methods:
        run = next(r for r in result["runs"] if r["method"] == m and r["seed"] == seed)
        panels.append((m, np.asarray(run["samples"]), run["modes"]))
    lim = float(mixture.centers.abs().max()) * 1.5
    cols = min(5, len(panels))
    rows = -(-len(panels) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.8 * cols, 2.9 * rows), squeeze=False)
    for ax, (name, pts, modes) in zip(axes.flat, panels):
        ax.scatter(mixture.centers[:, 0], mixture.centers[:, 1], s=25, c="tab:red", marker="x", linewidths=1)
        ax.scatter(pts[:, 0], pts[:, 1], s=2, alpha=0.3)
        ax.set(xlim=(-lim, lim), ylim=(-lim, lim), title=f"{name}: {modes}/{k} modes", xlabel="$x_1$", ylabel="$x_2$")
        ax.set_aspect("equal")
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    narrow = cols < 4                    # a two- or three-panel figure needs a two-line title
    fig.suptitle(f"{result['dataset']}, {result['profile']} profile, {result['steps']:,} steps, seed {seed}"
                 + ("\n" if narrow else ": ") + "panel titles give that seed's modes (SIG convention); "
                 "red × = true centres", fontsize=8 if narrow else 10)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig


def result_path(dataset: str, profile_name: str, suffix: str = "json", steps: int | None = None) -> Path:
    """Where a result is stored: results/table1-<dataset>[-<profile>][-<steps>steps].<suffix>.

    The paper profile has no profile tag, the quick one ``-quick``; a run whose ``steps`` differ
    from its profile's training length (``--steps``) gets its own file, e.g.
    ``table1-grid-25000steps.json``, so it never mixes with the profile's runs.
    """
    tail = "" if profile_name == "paper" else f"-{profile_name}"
    if steps is not None and steps != PROFILES[profile_name].steps_for(dataset):
        tail += f"-{_checks.positive_int('steps', steps)}steps"
    return RESULTS / f"table1-{dataset}{tail}.{suffix}"


def load(dataset: str, profile_name: str = "paper", steps: int | None = None) -> dict[str, Any] | None:
    """The stored result of a profile (and training length), or None when that run has not been made yet."""
    path = result_path(dataset, profile_name, steps=steps)
    return read_result(path) if path.exists() else None


def run(dataset: str, methods: Sequence[str], seeds: Sequence[int], profile_name: str,
        processes: int | None = None, steps: int | None = None) -> dict[str, Any]:
    """Train every (method, seed) pair on ``dataset`` (seeds and methods in parallel processes) and summarise.

    ``steps`` overrides the profile's training length (used by the chapter's short live run and the tests).
    """
    if profile_name not in PROFILES:
        raise ValueError(f"profile_name must be one of {sorted(PROFILES)}, got {profile_name!r}")
    mixture_of(dataset)
    for m in methods:
        if m not in BUILDERS:
            raise ValueError(f"methods must be among {list(BUILDERS)}, got {m!r}")
    prof = PROFILES[profile_name]
    n_steps = prof.steps_for(dataset) if steps is None else _checks.positive_int("steps", steps)
    start = time.perf_counter()
    runs = run_parallel(_run, [(m, dataset, s, prof, n_steps) for m in methods for s in seeds], processes)
    wall = time.perf_counter() - start
    for r in runs:                       # Figure 2 needs the samples of the first seed only
        if r["seed"] != seeds[0]:
            del r["samples"]
    return {
        "dataset": dataset, "profile": profile_name, "steps": n_steps, "batch_size": prof.batch_size,
        "lr": {"generator": prof.lr_generator, "discriminator": prof.lr_discriminator}, "betas": list(prof.betas),
        "true_data": true_data_row(dataset), "summary": summarise(runs, methods), "runs": runs,
        **provenance(list(seeds), wall, torch.device("cpu")),
    }


PROVENANCE_KEYS = ("command", "commit", "device", "seeds", "wall_seconds", "versions")


def merge(stored: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Add the runs of ``new`` (some methods) to a ``stored`` result of the same set-up, for runs made in parts.

    The paper profile of all ten rows takes CPU-hours; ``reproduce table1 --merge`` lets it be
    run a few methods at a time. Runs of the methods in ``new`` replace any stored runs of those
    methods; the others are kept. The merged result lists every part's own provenance and methods
    under ``parts`` (a part whose runs a later part replaced names them in ``replaced_later``); its top-level ``command``, ``commit``, ``device`` and ``versions`` are the newest
    part's and its ``wall_seconds`` is the sum over parts.

    Raises:
        ValueError: when data set, profile, steps, batch size, optimiser or seeds differ.
    """
    if stored is None:
        return {**new, "parts": _parts(new)}
    for key in ("dataset", "profile", "steps", "batch_size", "lr", "betas", "seeds"):
        if stored[key] != new[key]:
            raise ValueError(f"cannot merge: {key} differs (stored {stored[key]!r}, new {new[key]!r})")
    new_methods = set(new["summary"])
    parts = []
    for p in _parts(stored):
        replaced = sorted(set(p["methods"]) & new_methods | set(p.get("replaced_later", [])))
        parts.append({**p, "replaced_later": replaced} if replaced else p)
    parts.extend(_parts(new))
    runs = [r for r in stored["runs"] if r["method"] not in new_methods] + new["runs"]
    methods = [m for m in METHODS if any(r["method"] == m for r in runs)]
    runs.sort(key=lambda r: (methods.index(r["method"]), r["seed"]))
    merged = {**new, "summary": summarise(runs, methods), "runs": runs, "parts": parts}
    merged["wall_seconds"] = round(sum(p["wall_seconds"] for p in parts), 2)
    return merged


def pending(result: dict[str, Any] | None) -> list[str]:
    """The methods of :data:`METHODS` that a stored result does not hold yet (all of them for None)."""
    have = set(result["summary"]) if result is not None else set()
    return [m for m in METHODS if m not in have]


def _parts(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The parts of a result made with ``--merge``; a result made in one go is its own single part."""
    return result.get("parts") or [{"methods": list(result["summary"]), **{k: result[k] for k in PROVENANCE_KEYS}}]


def part_of(result: dict[str, Any], method: str) -> dict[str, Any]:
    """The part of a stored result whose runs of ``method`` it holds (the last part that ran it).

    Chapter 5 reads its ``note``: a part run on another machine carries one, and its
    seconds are not compared with the other parts'.
    """
    holding = [p for p in _parts(result) if method in p["methods"]]
    if not holding:
        raise ValueError(f"method {method!r} has no runs in this result; it holds {list(result['summary'])}")
    return holding[-1]


def comparable_seconds(result: dict[str, Any]) -> dict[str, float]:
    """Mean seconds per run of each method whose part carries no ``note``, fastest first.

    A part with a note ran on another machine (see :func:`part_of`); its seconds would not
    compare with the others', so the paper's "SIG is fastest" claim is checked on these only.
    """
    timed = {m: s["seconds"][0] for m, s in result["summary"].items() if not part_of(result, m).get("note")}
    return dict(sorted(timed.items(), key=lambda kv: kv[1]))


def provenance_text(result: dict[str, Any]) -> str:
    """One line per part of a stored result: its methods, command, commit, device, wall time and any note."""
    return "\n".join(f"  {', '.join(p['methods'])}: `{p['command']}` at commit {p['commit'][:12]} on {p['device']}, "
                     f"{p['wall_seconds']:.0f} s"
                     + (f" (runs of {', '.join(p['replaced_later'])} replaced by a later part)"
                        if p.get("replaced_later") else "")
                     + ("\n" + textwrap.fill(p["note"], 100, initial_indent="    note: ", subsequent_indent=" " * 10)
                        if p.get("note") else "") for p in _parts(result))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sigtut reproduce table1", description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="grid")
    parser.add_argument("--methods", nargs="+", default=list(METHODS), metavar="METHOD",
                        help=f"any of {list(METHODS)} (quote names with spaces)")
    parser.add_argument("--seeds", type=positive_int_arg, default=None, help="number of seeds (default: 2 quick, 5 paper)")
    parser.add_argument("--profile", choices=sorted(PROFILES), default=None, help="default: $SIGTUT_PROFILE or quick")
    parser.add_argument("--processes", type=int, default=None, help="parallel processes (default: CPU cores)")
    parser.add_argument("--steps", type=positive_int_arg, default=None,
                        help="training steps instead of the profile's; the result goes to its own file")
    parser.add_argument("--merge", action="store_true",
                        help="add these methods to the stored result of the same profile instead of replacing it")
    args = parser.parse_args(argv)
    profile_name = args.profile or active_profile()
    n_seeds = args.seeds if args.seeds is not None else PROFILES[profile_name].seeds
    result = run(args.dataset, args.methods, list(range(n_seeds)), profile_name, args.processes, args.steps)
    if args.merge:
        result = merge(load(args.dataset, profile_name, args.steps), result)
    print(table_text(result))
    path = write_result(result_path(args.dataset, profile_name, steps=args.steps), result)
    plot_samples(result, path=result_path(args.dataset, profile_name, "png", steps=args.steps))
    print(f"\nwrote {path} and {path.with_suffix('.png')} in {result['wall_seconds']:.0f} s")
    return 0
