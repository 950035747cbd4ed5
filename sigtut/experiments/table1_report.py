"""Showing Table 1: ours beside the SIG paper's Table 1 and the peers' claims, the comparison, Figure 2.

Ours are mean ± s.d. over seeds; the paper's ± are read as standard deviations
(:mod:`sigtut.experiments.report` says why).
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import report
from .published import PAPER_TABLE1, PEER_CLAIMS
from .store import part_of, parts_of
from .table1 import (DATASETS, FIGURE_POINTS, MERGE_KEYS, METHODS, OWN_RATE_SPECS, SIG_MIN_COUNT, SIG_SAMPLES,
                     VEEGAN_SAMPLES, mixture_of, run_order, summarise)

SETUP_KEYS = tuple(k for k in MERGE_KEYS if k not in ("lr", "rates"))   # what fair_result's two files share


def comparable_seconds(result: dict[str, Any]) -> dict[str, float]:
    """Mean seconds per run of each method whose part carries no ``note``, fastest first.

    A part with a note ran on another machine (:func:`sigtut.experiments.store.part_of`); its
    seconds would not compare with the others', so wall-time rankings use these only.
    """
    timed = {m: s["seconds"][0] for m, s in result["summary"].items() if not part_of(result, m).get("note")}
    return dict(sorted(timed.items(), key=lambda kv: kv[1]))


def sig_rows(result: dict[str, Any]) -> list[dict[str, str]]:
    """SIG's convention: the true-data limit, then per method ours (mean ± s.d.) and SIG Table 1's (± as s.d.)."""
    k = len(mixture_of(result["dataset"]).centers)
    truth = result["true_data"]
    rows = [{"method": "true data (limit)", "modes": f"{truth['modes']}/{k}", "hq": f"{truth['hq']:.3f}",
             "kl": f"{truth['kl']:.4f}"}]
    timed = comparable_seconds(result)
    for m, s in result["summary"].items():
        paper = PAPER_TABLE1.get(m, {}) if result["dataset"] == "grid" else {}
        rows.append({"method": METHODS[m], "modes": report.pm(*s["modes"], 1), "hq": report.pm(*s["hq"]),
                     "kl": report.pm(*s["kl"]), "seconds": report.pm(*s["seconds"], 0) + ("" if m in timed else " †"),
                     "paper modes": report.pm(*paper["modes"], 1) if paper else "–",
                     "paper hq": report.pm(*paper["hq"]) if paper else "–",
                     "paper kl": report.pm(*paper["kl"]) if paper else "–"})
    return rows


def veegan_rows(result: dict[str, Any]) -> list[dict[str, str]]:
    """VEEGAN's convention (2,500 samples, >= 1 per mode): ours beside the peer papers' own claims."""
    truth = result["true_data"]
    rows = [{"method": "true data (limit)", "modes": str(truth["modes_2500"]), "hq": f"{truth['hq_2500']:.3f}"}]
    for m, s in result["summary"].items():
        claim = PEER_CLAIMS[result["dataset"]].get(m)
        rows.append({"method": METHODS[m], "modes": report.pm(*s["modes_2500"], 1), "hq": report.pm(*s["hq_2500"], 3),
                     "peer paper": f"{claim[0]:g} modes, hq {claim[1]:.3f} ({claim[2]})" if claim else "–"})
    return rows


def theta_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """SIG scored both ways, per method and metric: on x = θ + σε (Table 1) and on θ = g_φ(z) alone.

    A GAN's samples are noise-free outputs G(z); SIG's are x, which carries the likelihood's
    noise σε on top of θ (eq. 3). Scoring θ is the like-for-like comparison with the GANs.
    Only runs that stored ``theta_scores`` (SIG's, :func:`sigtut.experiments.table1.run_one`)
    count; each row gives mean ± s.d. over those runs (SIG convention: modes, hq, kl).
    """
    rows = []
    for m in METHODS:
        runs = [r for r in result["runs"] if r["method"] == m and "theta_scores" in r]
        if not runs:
            continue
        for metric in ("modes", "hq", "kl"):
            x = report.mean_sd([float(r[metric]) for r in runs])
            theta = report.mean_sd([float(r["theta_scores"][metric]) for r in runs])
            rows.append({"method": METHODS[m], "metric": metric, "n": len(runs),
                         "x": x[0], "x sd": x[1], "theta": theta[0], "theta sd": theta[1]})
    if not rows:
        raise ValueError("result holds no run with theta_scores (SIG runs made before they were stored)")
    return rows


def bms_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Where each BMS-VAE-GAN run breaks, one row per seed (:func:`sigtut.experiments.table1.bms_diagnosis`).

    ``hq`` scores the samples G(z), z ~ p(z), as Table 1 does; ``recon hq`` and ``recon modes``
    score the reconstructions G(μ(x)) of data; ``posterior sd`` is q(z | x)'s mean standard
    deviation (the prior's is 1); ``energy`` is the squared energy distance from encoded codes to
    prior draws, and ``energy floor`` the same between two prior samples (SIG convention).
    """
    rows = [{"seed": r["seed"], "hq": r["hq"], "recon hq": d["reconstruction_scores"]["hq"],
             "recon modes": d["reconstruction_scores"]["modes"], "posterior sd": d["posterior_sd"],
             "energy": d["latent_energy"], "energy floor": d["latent_energy_prior"]}
            for r in result["runs"] if r["method"] == "bms" and (d := r.get("bms_diagnosis"))]
    if not rows:
        raise ValueError("result holds no BMS-VAE-GAN run with a bms_diagnosis (runs made before it was stored)")
    return rows


def theta_frame(theta: dict[str, Any], shared: dict[str, Any]):
    """SIG scored on x and on θ (:func:`theta_rows`) beside GAN-SI's Table 1 row, all mean ± s.d.

    ``theta`` holds the θ-scored SIG runs, ``shared`` the Table 1 result whose GAN-SI row
    they are set against; one row per metric (SIG convention).
    """
    import pandas as pd

    if "gan-si" not in shared["summary"]:
        raise ValueError("shared must hold GAN-SI's runs (its Table 1 row)")
    gan_si = shared["summary"]["gan-si"]
    rows = [{"metric": r["metric"], "SIG x": report.pm(r["x"], r["x sd"]),
             "SIG θ": report.pm(r["theta"], r["theta sd"]), "GAN-SI": report.pm(*gan_si[r["metric"]])}
            for r in theta_rows(theta) if r["method"] == METHODS["sig"]]
    return pd.DataFrame(rows).set_index("metric")


def rates_frame(head: dict[str, Any]):
    """The fair protocol's learning rates per method (a ``--rates own`` set-up), with the spec each comes from."""
    import pandas as pd

    if head.get("rates") != "own":
        raise ValueError("head must be a --rates own set-up (table1.header(..., rates='own') or its stored result)")
    rows = [{"method": METHODS[m], "generator lr": f"{r['generator']:g}", "discriminator lr": f"{r['discriminator']:g}",
             "from": OWN_RATE_SPECS.get(m, "shared protocol")} for m, r in head["lr"].items()]
    return pd.DataFrame(rows).set_index("method")


def fair_result(shared: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """Table 1 under the fair protocol (``--rates own``), from its stored runs and the shared protocol's.

    A method the own-rates file holds keeps those runs. A method whose own rates are the shared
    ones (GAN, VAE, the unrolled GAN, SIG, GAN-SI: :data:`~sigtut.experiments.table1.OWN_RATE_SPECS`)
    was trained with exactly the fair settings already, so its shared-protocol runs are reused, with
    their parts' provenance; ``reused`` names them. A method with other own rates that the own-rates
    file lacks is left out and named in ``missing``.
    """
    if own.get("rates") != "own" or shared.get("rates", "shared") != "shared":
        raise ValueError("fair_result needs a shared-protocol result and an own-rates one (--rates own), in that order")
    differ = [k for k in SETUP_KEYS if shared.get(k) != own.get(k)]
    if differ:
        raise ValueError(f"shared and own differ in {differ}: not the same set-up apart from the rates")
    reused = [m for m in shared["summary"] if m not in own["summary"] and own["lr"][m] == shared["lr"]]
    missing = [m for m in METHODS if m not in own["summary"] and m not in reused]
    runs = [*own["runs"], *(r for r in shared["runs"] if r["method"] in reused)]
    runs.sort(key=run_order)
    borrowed = [{**p, "groups": [g for g in p["groups"] if g in reused]} for p in parts_of(shared)]
    parts = [*parts_of(own), *(p for p in borrowed if p["groups"])]
    return {**own, "runs": runs, "summary": summarise(runs), "parts": parts, "reused": reused, "missing": missing}


def sig_frame(result: dict[str, Any]):
    """SIG's convention as a table narrow enough for the book's column: one row per (method, source).

    Sources: ``ours`` (mean ± s.d.; seconds marked † when run on another machine) and, on the grid,
    ``paper`` (SIG Table 1, ± read as s.d.); the first row is the true data, the limit.
    """
    import pandas as pd

    rows = []
    for r in sig_rows(result):
        limit = r["method"] == "true data (limit)"
        name = "true data" if limit else r["method"]
        rows.append({"method": name, "source": "limit" if limit else "ours",
                     **{k: r.get(k, "") for k in ("modes", "hq", "kl", "seconds")}})
        if r.get("paper modes", "–") != "–":
            rows.append({"method": name, "source": "paper", "modes": r["paper modes"], "hq": r["paper hq"],
                         "kl": r["paper kl"], "seconds": ""})
    return pd.DataFrame(rows).set_index(["method", "source"])


def veegan_frame(result: dict[str, Any]):
    """VEEGAN's convention as a table: ours, and the peer paper's own claim where it made one."""
    import pandas as pd

    rows = []
    for r, m in zip(veegan_rows(result), [None, *result["summary"]]):
        rows.append({"method": "true data" if m is None else r["method"], "source": "limit" if m is None else "ours",
                     "modes": r["modes"], "hq": r["hq"]})
        claim = PEER_CLAIMS[result["dataset"]].get(m) if m else None
        if claim:
            rows.append({"method": r["method"], "source": f"claim ({claim[2]})", "modes": f"{claim[0]:g}",
                         "hq": f"{claim[1]:.3f}"})
    return pd.DataFrame(rows).set_index(["method", "source"])


def table_text(result: dict[str, Any]) -> str:
    """The two plain-text tables the command prints. Seconds of a part run on another machine are marked †."""
    k = len(mixture_of(result["dataset"]).centers)
    rates = "; each peer with its own paper's learning rates" if result.get("rates") == "own" else ""
    head = (f"{result['dataset']} ({k} modes), profile {result['profile']}, {len(result['seeds'])} seed(s), "
            f"{result['steps']} steps{rates}; ours mean ± s.d. over seeds, the paper's ± read as s.d.")
    sig = report.format_table(sig_rows(result), ["method", "modes", "hq", "kl", "seconds", "paper modes",
                                                 "paper hq", "paper kl"])
    vee = report.format_table(veegan_rows(result), ["method", "modes", "hq", "peer paper"])
    elsewhere = "" if len(comparable_seconds(result)) == len(result["summary"]) else \
        "\n† run on another machine (see its part's note): seconds not comparable with the others'"
    return (f"{head}\nSIG convention: {SIG_SAMPLES:,} samples, a mode counts with > {SIG_MIN_COUNT:,} "
            f"high-quality samples (paper numbers: SIG Table 1, grid only)\n{sig}{elsewhere}\n\n"
            f"VEEGAN convention: {VEEGAN_SAMPLES:,} samples, a mode counts with ≥ 1\n{vee}")


def compare_with_paper(result: dict[str, Any], paper_spread: str = "sd") -> list[dict[str, Any]]:
    """Ours against SIG Table 1 per method and metric by Welch's test (:func:`report.compare`).

    ``paper_spread`` reads the paper's ± as standard deviations (``"sd"``, what they must be) or as
    the standard errors the paper calls them (``"se"``). Only the grid has published numbers; for
    the ring the list is empty.
    """
    if result["dataset"] != "grid":
        return []
    n = {m: sum(r["method"] == m for r in result["runs"]) for m in result["summary"]}
    rows = report.compare(result["summary"], PAPER_TABLE1, n, paper_spread)
    return [{"method": r["row"], **{k: v for k, v in r.items() if k != "row"}} for r in rows]


def _late(run: dict[str, Any], loss: str, share: float) -> np.ndarray:
    """The window means of one loss over the last ``share`` of a run's training (its ``loss_curve``)."""
    if not 0.0 < share <= 1.0:
        raise ValueError(f"share must be in (0, 1], got {share!r}")
    if "loss_curve" not in run:
        raise ValueError(f"the {run.get('method')} run of seed {run.get('seed')} has no loss_curve "
                         "(made before curves were stored)")
    curve = run["loss_curve"]
    if loss not in curve["losses"]:
        raise ValueError(f"loss must be one of {sorted(curve['losses'])}, got {loss!r}")
    values = curve["losses"][loss]
    return np.asarray(values[len(values) - max(1, round(share * len(values))):], dtype=float)


def late_mean(run: dict[str, Any], loss: str, share: float = 0.5) -> float:
    """The mean of one loss over the last ``share`` of a run's training (its stored ``loss_curve``)."""
    return float(_late(run, loss, share).mean())


def late_sd(run: dict[str, Any], loss: str, share: float = 0.5) -> float:
    """How much one loss swings over the last ``share`` of training: the s.d. of its window means."""
    return float(_late(run, loss, share).std())


def plot_loss_curves(result: dict[str, Any], methods: Sequence[str], path: str | Path | None = None):
    """Each method's losses over training: one row per method, one panel per loss, one line per seed; the figure."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    unknown = [m for m in methods if m not in result["summary"]]
    if unknown or not methods:
        raise ValueError(f"methods must be a non-empty selection of {list(result['summary'])}, got {list(methods)}")
    sns.set_theme()
    runs = {m: [r for r in result["runs"] if r["method"] == m and "loss_curve" in r] for m in methods}
    missing = [m for m, rs in runs.items() if not rs]
    if missing:
        raise ValueError(f"no run of {missing} has a loss_curve (made before curves were stored)")
    cols = max(len(rs[0]["loss_curve"]["losses"]) for rs in runs.values())
    width = min(7.5, 2.5 * cols)        # at most 7.5 in wide, as plot_samples: text stays >= 9 pt on the page
    fig, axes = plt.subplots(len(methods), cols, figsize=(width, 2.2 * len(methods) + 0.5), squeeze=False)
    for row, m in zip(axes, methods):
        names = list(runs[m][0]["loss_curve"]["losses"])
        for ax, name in zip(row, names):
            for r in runs[m]:
                ax.plot(r["loss_curve"]["steps"], r["loss_curve"]["losses"][name], lw=0.8, alpha=0.8)
            ax.set_title(f"{METHODS[m]}: {name}", fontsize=10)
            ax.tick_params(labelsize=10)                     # >= 9 pt on the page (tests/check_pages.py)
            ax.locator_params(nbins=3)
            ax.xaxis.set_major_formatter(lambda v, _: f"{v / 1000:g}k")   # steps in thousands
        for ax in row[len(names):]:
            ax.axis("off")
    fig.suptitle(f"{result['dataset']}: losses over training (window means), one line per seed", fontsize=10)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig


def plot_samples(result: dict[str, Any], seed_index: int = 0, path: str | Path | None = None):
    """Figure 2: samples of every method (one panel each, same limits) beside the true data; returns the figure."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme()
    mixture = mixture_of(result["dataset"])
    k = len(mixture.centers)
    seed = result["seeds"][seed_index]
    panels = [("true data", DATASETS[result["dataset"]](FIGURE_POINTS, seed=12345).x.numpy(), k)]
    for m in result["summary"]:
        run = next(r for r in result["runs"] if r["method"] == m and r["seed"] == seed)
        panels.append((METHODS[m], np.asarray(run["samples"]), run["modes"]))
    lim = float(mixture.centers.abs().max()) * 1.5
    cols = min(3, len(panels))          # at most 7.5 in wide: text stays >= 9 pt on the page
    rows = -(-len(panels) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.5 * cols, 2.6 * rows + 0.6), squeeze=False,
                             sharex=True, sharey=True)
    for ax, (name, pts, modes) in zip(axes.flat, panels):
        ax.scatter(mixture.centers[:, 0], mixture.centers[:, 1], s=25, c="tab:red", marker="x", linewidths=1)
        ax.scatter(pts[:, 0], pts[:, 1], s=2, alpha=0.3)
        ax.set(xlim=(-lim, lim), ylim=(-lim, lim))
        ax.set_title(f"{name}: {modes}/{k} modes", fontsize=10)
        ax.set_aspect("equal")
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.suptitle(f"{result['dataset']}, {result['profile']} profile, {result['steps']:,} steps, seed {seed}\n"
                 "titles: that seed's modes (SIG convention); red × = true centres", fontsize=10)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig
