"""The peers under their own protocols: VEEGAN, BMS-VAE-GAN, Reg-GAN/MDGAN and the unrolled GAN.

``python -m sigtut reproduce peers [--specs veegan/grid ...] [--seeds 3] [--profile quick|paper]``

Table 1 trains every method under one shared set-up; there VEEGAN, BMS-VAE-GAN and Reg-GAN
capture no mode, which says more about the set-up than about the methods. Here each method
runs under the protocol of its own paper and, where the authors published code, of that
code: its mixture, networks, noise, optimiser, batch size, training length, number of
evaluation samples and mode rule (:data:`SPECS`; :mod:`sigtut.experiments.peers_report`
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..data.mixtures import Mixture, gmm_grid, gmm_ring, linspace_ring, mixture_sampler
from ..methods import BMSVAEGAN, VEEGAN, GenerativeMethod, ManifoldDiffusionGAN, ModeRegularizedGAN, UnrolledGAN
from ..metrics.modes import mode_metrics
from ..provenance import provenance
from ..runtime import profile as active_profile
from ..runtime import seed_everything
from ..train import checkpoint_info, fit
from . import store
from .cli import UniqueChoices, default_processes, executor_options, guarded, table_parser
from .report import mean_sd
from .runner import Job, default_run_dir, execute

TABLE = "peers"
PROTOCOL = 1
CHECKPOINT_EVERY = 1000
METRICS = ("modes", "hq", "kl", "seconds")
MERGE_KEYS = ("table", "protocol", "profile", "specs")
SAMPLES_STORED = 1000       # samples kept of each spec's first seed, for plots
VEEGAN_NB = "VEEGAN notebook (akashgit/VEEGAN VEEGAN_2D_RING.ipynb; read via a port, see sources)"
METZ = "poolio/unrolled_gan 'Unrolled GAN demo.ipynb'"
GDPP = "M-Elfeki/GDPP gdppgan_Synthetic.py"
PACGAN = "fjxmlzn/PacGAN synthetic_data_experiments/2DGrid_GAN&PacGAN/config.py, 2DRing_GAN&PacGAN/config.py"

# Mixtures by name: a function n, seed -> Mixture.
DATASETS: dict[str, Callable[..., Mixture]] = {
    "grid": gmm_grid,                                             # {-4,..,4}², std 0.05 (VEEGAN, PacGAN, GDPP)
    "ring8": gmm_ring,                                            # 8 on the unit circle, std 0.01 (PacGAN)
    "ring7": linspace_ring,                                       # linspace(0, 2π, 8): 7 centres (Metz, GDPP)
    "ring6": partial(gmm_ring, std=0.1, radius=5.0, k=6),          # Che et al., Appendix C
}


@dataclass(frozen=True)
class Claim:
    """A paper's own number for a spec: mean (and ± as printed) of modes and of the high-quality share."""

    modes: float
    hq: float
    modes_pm: float | None = None
    hq_pm: float | None = None
    spread: str = "none printed"      # "s.d.", "s.e.", "not stated" or "none printed"
    source: str = ""


@dataclass(frozen=True)
class PeerSpec:
    """One method on one mixture under its paper's protocol; ``sources`` cites every setting."""

    method: str
    dataset: str
    build: Callable[[Mixture], GenerativeMethod]
    batch_size: int
    steps: int
    lr: dict[str, float]
    betas: tuple[float, float]
    n_eval: int = 2_500
    min_count: int = 0
    radius: float = 3.0
    claim: Claim | None = None
    sources: dict[str, str] = field(default_factory=dict)

    def settings(self) -> dict[str, Any]:
        """The JSON settings of the spec (those a stored result records)."""
        return {"method": self.method, "dataset": self.dataset, "batch_size": self.batch_size, "steps": self.steps,
                "lr": dict(self.lr), "betas": list(self.betas), "n_eval": self.n_eval, "min_count": self.min_count,
                "radius": self.radius}


def _veegan(mix: Mixture) -> GenerativeMethod:
    return VEEGAN(2, 254, hidden=(128, 128), disc_hidden=(128,), reconstruction_weight=0.5)


def _bms(mix: Mixture) -> GenerativeMethod:
    return BMSVAEGAN(2, 32, n_samples=10, sigma=mix.std, hidden=(128, 128), disc_hidden=(128,),
                     latent_disc_hidden=(750, 750, 750))


def _reg_gan(mix: Mixture) -> GenerativeMethod:
    return ModeRegularizedGAN(2, 3, hidden=(128, 128), disc_hidden=(128,), lambda_geometric=0.005,
                              lambda_mode=0.005, noise="uniform")


def _mdgan(mix: Mixture) -> GenerativeMethod:
    return ManifoldDiffusionGAN(2, 3, hidden=(128, 128), disc_hidden=(128,), lam=1.0, noise="uniform")


def _unrolled(mix: Mixture) -> GenerativeMethod:
    return UnrolledGAN(2, 256, hidden=(128, 128), disc_hidden=(128, 128), unroll_steps=5, activation=nn.Tanh)


_VEEGAN_SOURCES = {
    "data": f"grid {{-4,-2,0,2,4}}², std 0.05; ring 8 on radius 1, std 0.01: {PACGAN} (PacGAN follows VEEGAN); "
            f"grid also {GDPP} l.50-59",
    "networks": f"{VEEGAN_NB}: generator and reconstructor 2×128 ReLU, pair discriminator 1×128 ReLU; noise "
                "254-D N(0, I) (the notebook adds a 1-D ε to the generator's input, not reconstructed: omitted)",
    "loss": f"{VEEGAN_NB}: reconstruction as a unit-variance Gaussian log-density, weight 1/2",
    "optimiser": f"{VEEGAN_NB}: one Adam, lr 1e-3, β1 = 0.5 (β2 the default 0.999) for every network",
    "batch_size": f"{VEEGAN_NB}: 500",
    "steps": f"{VEEGAN_NB}: 100 epochs × 1,000 iterations (the original notebook could not be read; uncertain)",
    "evaluation": "veegan.txt, Synthetic Dataset: 2,500 samples, within 3 std of the nearest mode, a mode "
                  "counts with >= 1; mean of five runs",
}
_BMS_SOURCES = {
    "data": "best-of-many-samples-vae-gan.txt §4.1: 'the standard 2D Grid and Ring' (not specified): VEEGAN's",
    "networks": "§4.1: generator/discriminator 'same as in Srivastava et al.' -> VEEGAN notebook 2×128 ReLU, "
                "critic 1×128; latent 32-D (§4.1, tSNE of 'our 32-dimensional latent space'); D_L 3×750 "
                "(§4.2, α-GAN's, stated for CIFAR-10); T = 10 (Table 1)",
    "optimiser": "not stated for 2-D; §4.2 (CIFAR-10): Adam lr 2e-4, β = (0, 0.9) for all components",
    "batch_size": "not stated: VEEGAN notebook's 500 (BMS follows VEEGAN's architecture)",
    "steps": "not stated: VEEGAN notebook's 100,000",
    "sigma": "not stated: σ of p(x | z) = the mixture's std, as in Table 1",
    "evaluation": "§4.1: within 3 std of a mode; sample count and mode rule not stated: VEEGAN's (2,500, >= 1)",
}
_CHE_SOURCES = {
    "data": "mode-regularized-gan-mdgan.txt Appendix C: 6 Gaussians, std 0.1, on a circle of radius 5 "
            "(angles not stated: evenly spaced)",
    "networks": "Appendix C: generator 2×128 ReLU from 3-D uniform noise on [0, 1]; discriminator one ReLU "
                "layer (width not stated: 128, the generator's); encoder not described: the generator's "
                "widths mirrored",
    "optimiser": "Appendix C: Adam, lr 1e-4 for both networks; betas not stated: Adam's defaults (0.9, 0.999)",
    "batch_size": "not stated: 512, Metz et al.'s (Appendix C 'following Metz et al.')",
    "steps": "not stated (Figure 9 counts 'epochs' of unknown size): Metz et al.'s 25,000",
    "evaluation": "none in Che et al. (Figure 9 only): VEEGAN's rule, 2,500 samples, 3 std, >= 1",
}
_METZ_SOURCES = {
    "data": f"ring7: {METZ} cell 7 and {GDPP} l.40-47: linspace(0, 2π, 8), radius 1, std 0.01 (7 distinct "
            f"centres); grid: {GDPP} l.50-59, std 0.05",
    "networks": f"{METZ} cell 9 and {GDPP} l.62-76: generator and discriminator 2×128 tanh, z 256-D N(0, I) "
                f"(cell 11); orthogonal init gain 1.4 (cell 13) not reproduced: PyTorch's default init",
    "loss": f"{METZ} cell 13: the generator minimises −(unrolled saturating loss), G and D updated in one "
            "sess.run; ours: non-saturating −log D, D first then G",
    "optimiser": f"{METZ} cell 11: Adam, lr 1e-3 generator, 1e-4 discriminator, β1 0.5, ε 1e-8; unroll 5",
    "batch_size": f"{METZ} cell 11 and {GDPP} l.28: 512",
    "steps": f"{METZ} cell 11 and {GDPP} l.29: 25,000",
    "evaluation": f"{GDPP} l.79-117: 2,500 samples, within 3 std (<=) of the nearest mean, a mode counts with "
                  ">= 1. Metz et al. report no counts",
}
_VEEGAN_TRAIN = dict(batch_size=500, steps=100_000, lr={"generator": 1e-3, "discriminator": 1e-3}, betas=(0.5, 0.999))
_BMS_TRAIN = dict(batch_size=500, steps=100_000, lr={"generator": 2e-4, "discriminator": 2e-4}, betas=(0.0, 0.9))
_CHE_TRAIN = dict(batch_size=512, steps=25_000, lr={"generator": 1e-4, "discriminator": 1e-4}, betas=(0.9, 0.999))
_METZ_TRAIN = dict(batch_size=512, steps=25_000, lr={"generator": 1e-3, "discriminator": 1e-4}, betas=(0.5, 0.999))
_NO_CLAIM = "no 2-D mode counts in the paper"

SPECS: dict[str, PeerSpec] = {
    "veegan/grid": PeerSpec("veegan", "grid", _veegan, **_VEEGAN_TRAIN, sources=_VEEGAN_SOURCES,
                            claim=Claim(24.6, 0.40, source="VEEGAN Table 1 via BMS Table 1; mean of 5 runs")),
    "veegan/ring8": PeerSpec("veegan", "ring8", _veegan, **_VEEGAN_TRAIN, sources=_VEEGAN_SOURCES,
                             claim=Claim(8.0, 0.529, source="VEEGAN Table 1 via BMS Table 1; mean of 5 runs")),
    "bms/grid": PeerSpec("bms", "grid", _bms, **_BMS_TRAIN, sources=_BMS_SOURCES,
                         claim=Claim(25.0, 0.997, None, 0.002, "not stated", "BMS Table 1, T = 10")),
    "bms/ring8": PeerSpec("bms", "ring8", _bms, **_BMS_TRAIN, sources=_BMS_SOURCES,
                          claim=Claim(8.0, 0.996, None, 0.003, "not stated", "BMS Table 1, T = 10")),
    "reg-gan/ring6": PeerSpec("reg-gan", "ring6", _reg_gan, **_CHE_TRAIN, sources=_CHE_SOURCES),
    "mdgan/ring6": PeerSpec("mdgan", "ring6", _mdgan, **_CHE_TRAIN, sources={
        **_CHE_SOURCES, "lambda": "Appendix A: ‖x − G(E(x))‖² with weight 1 and λ log D1; λ not stated: 1"}),
    "unrolled/ring7": PeerSpec("unrolled", "ring7", _unrolled, **_METZ_TRAIN, sources=_METZ_SOURCES),
    "unrolled/grid": PeerSpec("unrolled", "grid", _unrolled, **_METZ_TRAIN, sources=_METZ_SOURCES),
}
CLAIMLESS = {"reg-gan/ring6": _NO_CLAIM + " (Che et al. show Figure 9 only)",
             "mdgan/ring6": _NO_CLAIM + " (Che et al. run MDGAN on 2-D data nowhere)",
             "unrolled/ring7": _NO_CLAIM + " (Metz et al. show figures only)",
             "unrolled/grid": "VEEGAN's and GDPP's Table 1 report it; their papers are not in shared/papers"}

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


def run_one(job: Job, folder: Path) -> dict[str, Any]:
    """Train one spec with one seed (resuming from ``folder``) and score it; the run's record."""
    s = job.spec
    mixture = mixture_of(s["dataset"])
    seed_everything(job.seed)
    model = SPECS[job.group].build(mixture)
    groups = list(model.optimizer_groups())
    lr = {g: s["lr"]["discriminator" if g == "discriminator" else "generator"] for g in groups}
    ckpt = folder / "checkpoint.pt"
    fit(model, mixture_sampler(mixture), steps=s["steps"], batch_size=s["batch_size"], lr=lr,
        betas=tuple(s["betas"]), seed=job.seed, device="cpu", progress=False, checkpoint=ckpt,
        checkpoint_every=CHECKPOINT_EVERY)
    info = checkpoint_info(ckpt)
    seed_everything(10_000 + job.seed)
    samples = model.sample(s["n_eval"])
    return {"group": job.group, "method": s["method"], "dataset": s["dataset"], "seed": job.seed,
            "seconds": info["seconds"], **score(samples, mixture, s), "final_losses": info["last_losses"],
            "samples": np.round(samples[:SAMPLES_STORED].numpy(), 4).tolist()}


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
    stored = store.prepare(out, header(profile_name, seeds), args.merge, MERGE_KEYS)
    processes = args.processes or default_processes(len(args.specs) * len(seeds), on_gpu=False)
    result = run(args.specs, seeds, profile_name, processes, args.threads, run_dir=args.run_dir or default_run_dir(),
                 **executor_options(args))
    if args.merge:
        result = store.merge(stored, result)
        result["runs"].sort(key=lambda r: (list(SPECS).index(r["group"]), r["seed"]))
        result["summary"] = summarise(result["runs"])
    print(table_text(result))
    path = store.write(out, result)
    print(f"\nwrote {path} in {result['wall_seconds']:.0f} s")
    return 0
