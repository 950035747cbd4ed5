"""Table 1 and Figure 2: mode collapse on the 2-D grid and ring of Gaussians, nine methods and an ablation, several seeds.

``python -m sigtut reproduce table1 [--dataset grid|ring] [--methods sig gan ...] [--seeds 5] [--profile quick|paper]``

Every method shares the generator network (two hidden layers of 100 ReLU units, 10-D
noise, paper Section 5.2), the data stream, the optimiser and the training length of its
profile. Each run is scored on 50,000 samples with the SIG paper's convention (a mode counts
with more than 1,000 high-quality samples) and on 2,500 samples with VEEGAN's (a mode counts
with one). Results go to ``results/table1-<dataset>.json`` (paper profile; ``-quick`` is
appended for the quick profile) with provenance, plus a Figure-2-like PNG
(:mod:`sigtut.experiments.table1_report` prints and draws them). Every run also stores its
loss curve (:func:`loss_curve`); a BMS-VAE-GAN run stores where it breaks (:func:`bms_diagnosis`),
a SIG run its scores on θ.

Profiles (the SIG paper states none of these settings; see the mode-collapse chapter):

- ``paper``: batch 512, Adam with β = (0.5, 0.999), learning rate 1e-3 for generators/encoders
  and 1e-4 for discriminators, and 25,000 steps on the ring — the setting of Metz et al.'s
  unrolled-GAN reference code, which VEEGAN follows for its unrolled baseline. (That code's
  2-D example is a ring of radius 1 and std 0.01 drawn with ``linspace(0, 2π, 8)``: only 7
  distinct centres. Our ring has 8, as VEEGAN's and PacGAN's.) No source gives a budget for the grid; it trains for
  50,000 steps, twice the ring's (the mode-collapse chapter shows the 25,000-step grid run that
  led to this choice, ``results/table1-grid-25000steps.json``).
- ``quick``: the same settings with 1,500 steps on either data set and batch 256, two seeds by default.

SIG anneals its σ from a quarter of the distance between neighbouring centres down to the
components' std over the first 60% of the steps (:mod:`sigtut.annealing` says why).
``--rates own`` is the fair variant of the shared protocol (issue 16): each peer trains with
the learning rates of its own paper's protocol (:data:`OWN_RATE_SPECS`), every other setting
stays shared; its results go to ``table1-<dataset>-own-rates.json``.
``--merge`` adds the methods of one call to the stored result; ``--steps N`` trains for N
steps and stores the result in its own file (:func:`result_path`). A killed command resumes
where it stopped when re-issued (:mod:`sigtut.experiments.runner`).
"""
from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .. import _checks
from ..annealing import GeometricAnnealing
from ..data.mixtures import Mixture, gmm_grid, gmm_ring, mixture_sampler
from ..likelihoods import Normal
from ..methods import (BMSVAEGAN, GAN, GANSI, SIG, VAE, VEEGAN, GenerativeMethod, ManifoldDiffusionGAN,
                       ModeRegularizedGAN, UnrolledGAN)
from ..metrics.distances import energy_distance
from ..metrics.modes import mode_metrics
from ..provenance import provenance
from ..runtime import profile as active_profile
from ..runtime import seed_everything
from ..train import checkpoint_info, fit
from ..vectorised import fit_seeds, seconds_of
from . import store
from .cli import UniqueChoices, default_processes, executor_options, guarded, positive_int_arg, table_parser
from .peers_specs import SPECS as PEER_SPECS
from .profiles import Profile, profile_named
from .report import mean_sd
from .runner import Job, default_run_dir, execute

TABLE = "table1"
PROTOCOL = 1
NOISE_DIM = 10
SIG_SAMPLES, SIG_MIN_COUNT = 50_000, 1000        # SIG paper, Section 5.2
VEEGAN_SAMPLES, VEEGAN_MIN_COUNT = 2_500, 0      # VEEGAN paper, Section 5.1
FIGURE_POINTS = 2_500                            # samples stored per run for Figure 2
CHECKPOINT_EVERY = 500
CURVE_WINDOWS = 100                              # points of each run's stored loss curve
LATENT_CODES = 2_000                             # codes per side of BMS's latent energy distance
METRICS = ("modes", "hq", "kl", "modes_2500", "hq_2500", "seconds")
MERGE_KEYS = ("table", "protocol", "dataset", "profile", "steps", "batch_size", "lr", "betas", "seeds", "rates",
              "options")

PROFILES = {"quick": Profile(steps={"grid": 1_500, "ring": 1_500}, batch_size=256, seeds=2, n_eval=SIG_SAMPLES),
            "paper": Profile(steps={"grid": 50_000, "ring": 25_000}, batch_size=512, seeds=5, n_eval=SIG_SAMPLES)}

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


# key -> (label, builder(mixture, training steps)). σ of GAN-SI and of the decoders = the mixture's
# std, so that the ideal implicit distribution is the K point masses at the centres; SIG reaches
# the same σ by annealing (the mode-collapse chapter shows why a fixed σ = std is slow).
BUILDERS: dict[str, tuple[str, Callable[..., GenerativeMethod]]] = {
    "gan": ("GAN", lambda mix, steps, **o: GAN(2, NOISE_DIM, **o)),
    "vae": ("VAE", lambda mix, steps, **o: VAE(2, NOISE_DIM, **{"sigma": mix.std, **o})),
    "veegan": ("VEEGAN", lambda mix, steps, **o: VEEGAN(2, NOISE_DIM, **o)),
    "unrolled": ("Unrolled GAN", lambda mix, steps, **o: UnrolledGAN(2, NOISE_DIM, **{"unroll_steps": 5, **o})),
    "reg-gan": ("Reg-GAN", lambda mix, steps, **o: ModeRegularizedGAN(
        2, NOISE_DIM, **{"lambda_geometric": 0.005, "lambda_mode": 0.005, **o})),
    "mdgan": ("MDGAN", lambda mix, steps, **o: ManifoldDiffusionGAN(2, NOISE_DIM, **{"lam": 1.0, **o})),
    "bms": ("BMS-VAE-GAN", lambda mix, steps, **o: BMSVAEGAN(2, NOISE_DIM, **{"n_samples": 10, "sigma": mix.std,
                                                                               **o})),
    "sig": ("SIG", lambda mix, steps, **o: SIG(2, Normal(mix.std), NOISE_DIM, **{
        "n_theta": 512, "sigma_schedule": sig_schedule(mix, steps), **o})),
    # the ablation: SIG exactly as the paper describes it, σ fixed at the components' std
    "sig-fixed": ("SIG (fixed σ)", lambda mix, steps, **o: SIG(2, Normal(mix.std), NOISE_DIM, **{"n_theta": 512,
                                                                                                  **o})),
    "gan-si": ("GAN-SI", lambda mix, steps, **o: GANSI.gaussian(2, GAN_SI_LAMBDA, mix.std, noise_dim=NOISE_DIM,
                                                                **o)),
}
METHODS: dict[str, str] = {key: label for key, (label, _) in BUILDERS.items()}   # key -> display label
DATASETS: dict[str, Callable[..., Mixture]] = {"grid": gmm_grid, "ring": gmm_ring}
VECTORISED = ("gan", "sig", "sig-fixed")      # the methods --vectorise trains as one model per method

# --rates own: the own-protocol spec (sigtut.experiments.peers_specs, every rate sourced there)
# whose learning rates a peer trains with. The other methods' papers state no 2-D rates (GAN, VAE,
# SIG, GAN-SI) or state the shared ones (the unrolled GAN: the shared protocol is Metz et al.'s).
OWN_RATE_SPECS = {"veegan": "veegan/grid", "unrolled": "unrolled/grid", "reg-gan": "reg-gan/ring6",
                  "mdgan": "mdgan/ring6", "bms": "bms/grid"}
RATES = ("shared", "own")


def mixture_of(dataset: str) -> Mixture:
    """The benchmark mixture (a small sample plus its centres, std and weights) for 'grid' or 'ring'."""
    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {sorted(DATASETS)}, got {dataset!r}")
    return DATASETS[dataset](1)


def build(method: str, mixture: Mixture, steps: int, options: dict[str, Any] | None = None) -> GenerativeMethod:
    """A fresh, untrained ``method`` (a key of :data:`METHODS`) for ``mixture``, to be trained for ``steps``.

    ``options`` replaces constructor settings of the method (e.g. BMS-VAE-GAN's ``sigma`` or
    ``kl``); everything else stays as in Table 1. An ablation, stored in its own file (``--options``).
    """
    if method not in BUILDERS:
        raise ValueError(f"method must be one of {list(METHODS)}, got {method!r}")
    _checks.positive_int("steps", steps)
    try:
        return BUILDERS[method][1](mixture, steps, **(options or {}))
    except TypeError as exc:
        if "unexpected keyword argument" not in str(exc):
            raise
        raise ValueError(f"options: {METHODS[method]} has no such setting ({exc})") from None


def parse_options(items: Sequence[str]) -> dict[str, Any]:
    """``NAME=VALUE`` strings as a dict of settings: a VALUE is read as an int, else a float, else kept as text."""
    options: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name or not text:
            raise ValueError(f"options must be NAME=VALUE, got {item!r}")
        for kind in (int, float):
            try:
                options[name] = kind(text)
                break
            except ValueError:
                continue
        else:
            options[name] = text
    return options


def score(samples: torch.Tensor, mixture: Mixture) -> dict[str, float]:
    """Table 1's metrics in both conventions: SIG's on all samples, VEEGAN's on the first 2,500."""
    weights = mixture.weights.double()
    sig = mode_metrics(samples, mixture.centers, mixture.std, weights, min_count=SIG_MIN_COUNT)
    vee = mode_metrics(samples[:VEEGAN_SAMPLES], mixture.centers, mixture.std, weights, min_count=VEEGAN_MIN_COUNT)
    return {"modes": sig["modes"], "hq": sig["hq"], "kl": sig["kl"], "modes_2500": vee["modes"], "hq_2500": vee["hq"]}


def _learning_rates(model: GenerativeMethod, spec: dict[str, Any]) -> dict[str, float]:
    """The run's rates by parameter group: discriminators get theirs, every other group the generator's."""
    return {g: spec["lr"]["discriminator" if g == "discriminator" else "generator"] for g in model.optimizer_groups()}


def loss_curve(history: dict[str, list[float]], windows: int = CURVE_WINDOWS) -> dict[str, Any]:
    """A run's losses over training, compressed: each loss's mean over ``windows`` equal runs of steps.

    Returns ``{"steps": [last step of each window], "losses": {name: [mean over the window]}}``;
    a run shorter than ``windows`` steps keeps one point per step.
    """
    _checks.positive_int("windows", windows)
    lengths = {len(v) for v in history.values()}
    if len(lengths) != 1 or 0 in lengths:
        raise ValueError(f"history must hold one value per step for every loss, got lengths {sorted(lengths)}")
    n = lengths.pop()
    edges = np.linspace(0, n, min(windows, n) + 1).round().astype(int)
    return {"steps": edges[1:].tolist(),
            "losses": {k: [float(np.mean(v[a:b])) for a, b in zip(edges[:-1], edges[1:])] for k, v in history.items()}}


def _record(model: GenerativeMethod, spec: dict[str, Any], seed: int, seconds: float,
            history: dict[str, list[float]], mixture: Mixture) -> dict[str, Any]:
    """One run's row: its metrics on samples drawn with seed 10,000 + seed, its losses, its samples."""
    seed_everything(10_000 + seed)
    samples = model.sample(SIG_SAMPLES)
    row = {"group": spec["method"], "method": spec["method"], "seed": seed, "seconds": seconds,
           **score(samples, mixture), "final_losses": {k: v[-1] for k, v in history.items()},
           "loss_curve": loss_curve(history), "samples": np.round(samples[:FIGURE_POINTS].numpy(), 4).tolist()}
    if isinstance(model, BMSVAEGAN):
        row["bms_diagnosis"] = bms_diagnosis(model, mixture, seed)
    if isinstance(model, SIG):
        # SIG's samples are x = θ + σε; the GANs' are noise-free G(z). Its θ = g_φ(z) alone,
        # scored the same way, is the like-for-like comparison with them (issue 16, item 4).
        seed_everything(20_000 + seed)
        with torch.no_grad():
            row["theta_scores"] = score(model.sample_theta(SIG_SAMPLES), mixture)
    return row


def bms_diagnosis(model: BMSVAEGAN, mixture: Mixture, seed: int, n_codes: int = LATENT_CODES) -> dict[str, Any]:
    """Where a BMS-VAE-GAN run breaks: its autoencoder path, or the match of its codes to the prior.

    Returns Table 1's scores of the reconstructions G(μ(x)) of fresh data
    (``reconstruction_scores``), the mean posterior standard deviation of q(z | x)
    (``posterior_sd``; the prior's is 1), and the squared energy distance between encoded
    codes z ~ q(z | x) and prior draws (``latent_energy``), beside the same distance between
    two independent prior samples of that size (``latent_energy_prior``, what a perfect match
    of q(z) = E_x q(z | x) to p(z) scores). Draws are seeded with 30,000 + ``seed``.
    """
    _checks.positive_int("n_codes", n_codes)
    seed_everything(30_000 + seed)
    draw = mixture_sampler(mixture)
    generator = torch.Generator().manual_seed(30_000 + seed)
    with torch.no_grad():
        x = draw(SIG_SAMPLES, generator)
        recon = model.reconstruct(x)
        z, _, log_var = model.encoder.rsample(x[:n_codes])
        prior, prior_again = model.noise(n_codes), model.noise(n_codes)
    return {"reconstruction_scores": score(recon, mixture),
            "posterior_sd": float((0.5 * log_var).exp().mean()),
            "latent_energy": energy_distance(z[0], prior),
            "latent_energy_prior": energy_distance(prior_again, prior)}


def run_one(job: Job, folder: Path) -> dict[str, Any]:
    """Train one method on one data set with one seed (resuming from ``folder``); its metrics and samples."""
    spec = job.spec
    mixture = mixture_of(spec["dataset"])
    seed_everything(job.seed)
    model = build(spec["method"], mixture, spec["steps"], spec.get("options"))
    ckpt = folder / "checkpoint.pt"
    history = fit(model, mixture_sampler(mixture), steps=spec["steps"], batch_size=spec["batch_size"],
                  lr=_learning_rates(model, spec), betas=tuple(spec["betas"]), seed=job.seed, device="cpu",
                  progress=False, checkpoint=ckpt, checkpoint_every=CHECKPOINT_EVERY)
    return _record(model, spec, job.seed, checkpoint_info(ckpt)["seconds"], history, mixture)


def run_seeds(job: Job, folder: Path) -> dict[str, Any]:
    """Train all seeds ``job.spec["seeds"]`` of one method as one vectorised model (:mod:`sigtut.vectorised`).

    Each model is built after seeding with its seed, as in :func:`run_one`, so the runs equal
    separate runs up to float rounding. A run's ``seconds`` is the batch's training time
    divided by the number of seeds.
    """
    spec = job.spec
    mixture = mixture_of(spec["dataset"])
    seeds = list(spec["seeds"])
    models = []
    for s in seeds:
        seed_everything(s)
        models.append(build(spec["method"], mixture, spec["steps"], spec.get("options")))
    ckpt = folder / "checkpoint.pt"
    histories = fit_seeds(models, mixture_sampler(mixture), seeds, spec["steps"], batch_size=spec["batch_size"],
                          lr=_learning_rates(models[0], spec), betas=tuple(spec["betas"]), checkpoint=ckpt,
                          checkpoint_every=CHECKPOINT_EVERY, compile=spec["compile"])
    seconds = seconds_of(ckpt) / len(seeds)
    return {"runs": [{**_record(m, spec, s, seconds, h, mixture), "vectorised": True}
                     for m, s, h in zip(models, seeds, histories)]}


def true_data_row(dataset: str) -> dict[str, float]:
    """The metrics of 50,000 draws of the true mixture: the limit no model should beat (Table 1)."""
    return score(DATASETS[dataset](SIG_SAMPLES, seed=12345).x, mixture_of(dataset))


def run_order(run: dict[str, Any]) -> tuple[int, int]:
    """The order of a result's runs: by method as in :data:`METHODS`, then by seed."""
    return list(METHODS).index(run["method"]), run["seed"]


def summarise(runs: list[dict[str, Any]]) -> dict[str, dict[str, list[float]]]:
    """Mean and standard deviation over seeds of every metric, per method, in the order of :data:`METHODS`."""
    present = [m for m in METHODS if any(r["method"] == m for r in runs)]
    return {m: {k: list(mean_sd([float(r[k]) for r in runs if r["method"] == m])) for k in METRICS} for m in present}


def result_path(dataset: str, profile_name: str, suffix: str = "json", steps: int | None = None,
                rates: str = "shared") -> Path:
    """Where a result is stored: results/table1-<dataset>[-<profile>][-<steps>steps][-own-rates].<suffix>.

    The paper profile has no profile tag, the quick one ``-quick``; a run whose ``steps`` differ
    from its profile's training length (``--steps``) gets its own file, e.g.
    ``table1-grid-25000steps.json``, so it never mixes with the profile's runs; so does a run
    with ``rates="own"`` (:func:`method_rates`).
    """
    _check_rates(rates)
    tail = "" if profile_name == "paper" else f"-{profile_name}"
    if steps is not None and steps != profile_named(PROFILES, profile_name).steps_for(dataset):
        tail += f"-{_checks.positive_int('steps', steps)}steps"
    if rates == "own":
        tail += "-own-rates"
    return store.results_dir() / f"table1-{dataset}{tail}.{suffix}"


def load(dataset: str, profile_name: str = "paper", steps: int | None = None,
         rates: str = "shared") -> dict[str, Any] | None:
    """The stored result of a profile (training length, rates), or None when that run has not been made yet."""
    return store.load(result_path(dataset, profile_name, steps=steps, rates=rates))


def _check_rates(rates: str) -> None:
    if rates not in RATES:
        raise ValueError(f"rates must be one of {list(RATES)}, got {rates!r}")


def method_rates(shared: dict[str, float]) -> dict[str, dict[str, float]]:
    """The fair protocol's learning rates per method: a peer's own paper's (:data:`OWN_RATE_SPECS`), else ``shared``."""
    return {m: dict(PEER_SPECS[OWN_RATE_SPECS[m]].lr) if m in OWN_RATE_SPECS else dict(shared) for m in METHODS}


def rates_of(head: dict[str, Any], method: str) -> dict[str, float]:
    """The (generator, discriminator) rates ``method`` trains with under a stored set-up ``head``."""
    return head["lr"][method] if head.get("rates") == "own" else head["lr"]


def header(dataset: str, profile_name: str, seeds: Sequence[int], steps: int | None = None,
           lr: Sequence[float] | None = None, rates: str = "shared",
           options: dict[str, Any] | None = None) -> dict[str, Any]:
    """The set-up a stored result records: table, protocol, data set, profile, optimiser, steps, seeds.

    ``lr`` = (generator, discriminator) replaces the profile's learning rates (an ablation of one
    setting of the shared protocol, as chapter 5 runs for VEEGAN). ``rates="own"`` stores the rates
    per method instead (:func:`method_rates`) and marks the set-up with ``"rates": "own"``.
    ``options`` (settings of the method's constructor, :func:`build`) are recorded when given.
    """
    _check_rates(rates)
    if lr is not None and rates == "own":
        raise ValueError("lr and rates='own' exclude each other: own rates are per method")
    mixture_of(dataset)
    prof = profile_named(PROFILES, profile_name)
    n_steps = prof.steps_for(dataset) if steps is None else _checks.positive_int("steps", steps)
    settings = prof.header(n_steps)
    if lr is not None:
        if len(lr) != 2:
            raise ValueError(f"lr must be (generator, discriminator), got {lr!r}")
        settings["lr"] = {"generator": _checks.positive("lr", lr[0]), "discriminator": _checks.positive("lr", lr[1])}
    head = {"table": TABLE, "protocol": PROTOCOL, "dataset": dataset, "profile": profile_name,
            **{k: settings[k] for k in ("steps", "batch_size", "lr", "betas")}, "seeds": list(seeds)}
    if rates == "own":
        head.update(lr=method_rates(settings["lr"]), rates="own")
    if options:
        head["options"] = dict(options)
    return head


def run(dataset: str, methods: Sequence[str], seeds: Sequence[int], profile_name: str, processes: int = 1,
        steps: int | None = None, threads: int = 1, run_dir: str | Path | None = None,
        vectorise: bool = False, compile: bool = False, executor: str = "process",
        address: str | None = None, lr: Sequence[float] | None = None, rates: str = "shared",
        options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Train every (method, seed) pair on ``dataset`` and summarise; a result with provenance, not yet stored.

    ``steps`` overrides the profile's training length; without ``run_dir`` the checkpoints go to a
    temporary folder (no resume), as for the chapter's short live run. With ``vectorise`` the
    seeds of each method of :data:`VECTORISED` train as one batched model (:func:`run_seeds`;
    ``compile`` compiles SIG's H_M there), the other methods seed by seed. ``executor`` and
    ``address`` choose where the runs go (:func:`~sigtut.experiments.runner.execute`); ``lr``
    replaces the profile's learning rates, ``rates="own"`` gives each peer its own (:func:`header`);
    ``options`` replaces settings of the methods' constructors (:func:`build`).
    """
    for m in methods:
        if m not in METHODS:
            raise ValueError(f"methods must be among {list(METHODS)}, got {m!r}")
    head = header(dataset, profile_name, seeds, steps, lr, rates, options)
    spec = {k: head[k] for k in ("dataset", "steps", "batch_size", "betas")}
    if options:
        for m in methods:                               # a bad option stops here, before any training
            build(m, mixture_of(dataset), head["steps"], options)
        spec["options"] = dict(options)
    batched = [m for m in methods if vectorise and m in VECTORISED]
    jobs = [Job(TABLE, m, s, {"method": m, **spec, "lr": rates_of(head, m)})
            for m in methods if m not in batched for s in seeds]
    seed_jobs = [Job(TABLE, m, seeds[0], {"method": m, **spec, "lr": rates_of(head, m), "seeds": list(seeds),
                                          "compile": compile}) for m in batched]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sigtut-table1-") as tmp:
        where = {"processes": processes, "threads": threads, "executor": executor, "address": address}
        runs = execute(run_one, jobs, run_dir or tmp, **where) if jobs else []
        if seed_jobs:
            records = execute(run_seeds, seed_jobs, run_dir or tmp, **where)
            runs += [r for record in records for r in record["runs"]]
    runs.sort(key=run_order)
    wall = time.perf_counter() - start
    for r in runs:                       # Figure 2 needs the samples of the first seed only
        if r["seed"] != seeds[0]:
            r.pop("samples", None)
    return {**head, "true_data": true_data_row(dataset), "summary": summarise(runs), "runs": runs,
            **provenance(list(seeds), wall, torch.device("cpu"), threads=threads, processes=processes)}


def main(argv: list[str] | None = None) -> int:
    parser = table_parser("python -m sigtut reproduce table1", __doc__, list(PROFILES))
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="grid")
    parser.add_argument("--methods", nargs="+", action=UniqueChoices, labels=METHODS, default=list(METHODS),
                        metavar="METHOD", help=f"any of {list(METHODS)} (the table's labels work too)")
    parser.add_argument("--steps", type=positive_int_arg, default=None,
                        help="training steps instead of the profile's; the result goes to its own file")
    parser.add_argument("--vectorise", action="store_true",
                        help=f"train the seeds of {list(VECTORISED)} as one batched model each (sigtut.vectorised)")
    parser.add_argument("--compile", action="store_true",
                        help="with --vectorise: compile SIG's H_M with torch.compile (needs a C++ compiler)")
    parser.add_argument("--lr", type=float, nargs=2, metavar=("GENERATOR", "DISCRIMINATOR"), default=None,
                        help="learning rates instead of the profile's (needs --out: another protocol, another file)")
    parser.add_argument("--rates", choices=RATES, default="shared",
                        help="own: each peer trains with its own paper's learning rates, all else shared "
                             "(the fair protocol; its own file, table1-<dataset>-own-rates.json)")
    parser.add_argument("--options", nargs="+", default=None, metavar="NAME=VALUE",
                        help="settings of the one method's constructor instead of Table 1's, e.g. sigma=0.5 "
                             "kl=analytic for BMS-VAE-GAN (an ablation: needs --out)")
    args = parser.parse_args(argv)
    if args.compile and not args.vectorise:
        parser.error("--compile needs --vectorise")
    if args.lr is not None and args.out is None:
        parser.error("--lr needs --out: a run with other learning rates must not mix with the profile's")
    if args.lr is not None and args.rates == "own":
        parser.error("--lr and --rates own exclude each other: own rates are per method")
    if args.options is not None:
        if args.out is None:
            parser.error("--options needs --out: a run with other settings must not mix with the profile's")
        if len(args.methods) != 1:
            parser.error("--options needs exactly one method: the settings are that method's")
        try:
            args.options = parse_options(args.options)
            build(args.methods[0], mixture_of(args.dataset), 1, args.options)
        except ValueError as exc:
            parser.error(str(exc))
    return guarded(lambda: reproduce(args))


def reproduce(args) -> int:
    """The body of ``reproduce table1``: checks before training, the runs (resumable), the stored result."""
    from .table1_report import plot_samples, table_text    # the report module imports this one

    profile_name = args.profile or active_profile()
    seeds = list(range(args.seeds or profile_named(PROFILES, profile_name).seeds))
    out = args.out or result_path(args.dataset, profile_name, steps=args.steps, rates=args.rates)
    head = header(args.dataset, profile_name, seeds, args.steps, args.lr, args.rates, args.options)
    stored = store.prepare(out, head, args.merge, MERGE_KEYS)
    processes = args.processes or default_processes(len(args.methods) * len(seeds), on_gpu=False)
    result = run(args.dataset, args.methods, seeds, profile_name, processes, args.steps, args.threads,
                 run_dir=args.run_dir or default_run_dir(), vectorise=args.vectorise, compile=args.compile,
                 lr=args.lr, rates=args.rates, options=args.options, **executor_options(args))
    if args.merge:
        result = store.merge_runs(stored, result, run_order, summarise)
    print(table_text(result))
    path = store.write(out, result)
    plot_samples(result, path=path.with_suffix(".png"))
    print(f"\nwrote {path} and {path.with_suffix('.png')} in {result['wall_seconds']:.0f} s")
    return 0
