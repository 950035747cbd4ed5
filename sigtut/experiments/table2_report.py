"""Showing Table 2: ours beside the paper's, the comparison, learning curves, Figures 4–5.

Ours are mean ± s.d. over seeds; the paper's ± are read as standard deviations
(:mod:`sigtut.experiments.report` says why).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.image
from matplotlib.figure import Figure

from . import report
from .published import PAPER_TABLE2
from .table2 import HEADERS, METHODS, METRICS, SIZES, grid_name, label


def _digits(metric: str) -> int:
    return 1 if metric == "modes" else 2


def n_runs(result: dict[str, Any], group: str) -> int:
    """How many stored runs (seeds) ``group`` has."""
    return sum(r["group"] == group for r in result["runs"])


def group_stats(result: dict[str, Any], group: str, metric: str) -> tuple[float, float, int]:
    """(mean, s.d., n) of ``metric`` over ``group``'s stored runs: what :func:`report.welch` takes."""
    mean, sd = result["summary"][group][metric][:2]
    return mean, sd, n_runs(result, group)


def minutes_per_run(result: dict[str, Any], size: str) -> float:
    """Mean training time of the stored runs of ``size``, in minutes (their ``seconds``)."""
    seconds = [r["seconds"] for r in result["runs"] if r["size"] == size]
    return sum(seconds) / len(seconds) / 60


def rows(result: dict[str, Any]) -> list[dict[str, str]]:
    """Table 2 as rows: the real-data limit, then for each stored group ours (mean ± s.d., n) and the paper's."""
    real = result["real"]
    out = [{"model": "Real Stacked MNIST", "source": "limit",
            **{HEADERS[m]: f"{real[m]:.{_digits(m)}f}" for m in METRICS}}]
    for group, summary in result["summary"].items():
        out.append({"model": label(group), "source": f"ours, n = {n_runs(result, group)}",
                    **{HEADERS[m]: report.pm(*summary[m][:2], _digits(m)) for m in METRICS}})
        if group in PAPER_TABLE2:
            out.append({"model": label(group), "source": "paper (± as s.d.)",
                        **{HEADERS[m]: report.pm(*PAPER_TABLE2[group][m], _digits(m)) for m in METRICS}})
    return out


QUALITY, DIVERSITY = ("is", "hq", "exp_h_y_given_x"), ("exp_h_y", "modes", "kl")   # the paper's two groups


def frames(result: dict[str, Any]):
    """:func:`rows` as two pandas DataFrames that fit the book's column: the quality columns
    (IS, high quality, exp H(y|x)) and the diversity columns (exp H(y), modes, KL), as the
    paper's caption groups them."""
    import pandas as pd

    table = pd.DataFrame(rows(result)).set_index(["model", "source"])
    return table[[HEADERS[m] for m in QUALITY]], table[[HEADERS[m] for m in DIVERSITY]]


def table_text(result: dict[str, Any]) -> str:
    """The plain-text Table 2 the command prints."""
    head = (f"Table 2, {result['profile']} profile: {len(result['runs'])} runs of {result['steps']:,} steps, "
            f"{result['n_eval']:,} samples each; ours mean ± s.d. over seeds, the paper's ± read as s.d.")
    return head + "\n" + report.format_table(rows(result), ["model", "source", *HEADERS.values()])


def comparison(result: dict[str, Any], paper_spread: str = "sd") -> list[dict[str, Any]]:
    """Ours against the paper's Table 2 per group and metric by Welch's test (:func:`report.compare`)."""
    n = {g: n_runs(result, g) for g in result["summary"]}
    return report.compare(result["summary"], PAPER_TABLE2, n, paper_spread)


def curves(result: dict[str, Any], metric: str) -> dict[str, tuple[list[int], list[float], list[float]]]:
    """Per group: the evaluation steps and the mean and s.d. over seeds of ``metric`` at each."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    out = {}
    for group in result["summary"]:
        runs = [r for r in result["runs"] if r["group"] == group]
        steps = [p["step"] for p in runs[0]["curve"]]
        stats = [report.mean_sd([next(p[metric] for p in r["curve"] if p["step"] == s) for r in runs]) for s in steps]
        out[group] = (steps, [m for m, _ in stats], [sd for _, sd in stats])
    return out


def plot_curves(result: dict[str, Any], metrics: tuple[str, ...] = ("modes", "kl")) -> Figure:
    """Learning curves: each metric against training steps, mean ± s.d. over seeds, one line per group."""
    cols = min(2, len(metrics))   # at most 7.5 in wide: text stays >= 9 pt on the page
    rows = -(-len(metrics) // cols)
    fig = Figure(figsize=(3.75 * cols, 3.1 * rows))
    axes = fig.subplots(rows, cols, squeeze=False).flatten()
    for ax in axes[len(metrics):]:
        ax.axis("off")
    for ax, metric in zip(axes, metrics):
        for group, (steps, mean, sd) in curves(result, metric).items():
            line, = ax.plot(steps, mean, marker="o", label=label(group))
            ax.fill_between(steps, [m - s for m, s in zip(mean, sd)], [m + s for m, s in zip(mean, sd)],
                            color=line.get_color(), alpha=0.15)
        ax.set(xlabel="training step", ylabel=HEADERS[metric])
        ax.set_title(f"{HEADERS[metric]} during training", fontsize=10)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=9.5)
    fig.tight_layout()
    return fig


def extremes(result: dict[str, Any], metric: str = "is") -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Per group, its (best, worst) run by ``metric`` (the paper's Figures 4–5 show samples of both)."""
    out = {}
    for group in result["summary"]:
        ranked = sorted((r for r in result["runs"] if r["group"] == group), key=lambda r: r[metric])
        out[group] = (ranked[-1], ranked[0])
    return out


def plot_extremes(result: dict[str, Any], grids: Path, metric: str = "is") -> Figure:
    """Figures 4–5: the stored 8 × 8 sample grids of each group's best and worst run by ``metric``."""
    chosen = extremes(result, metric)
    keys = sorted(chosen, key=lambda g: (list(SIZES).index(g.split("/")[1]), list(METHODS).index(g.split("/")[0])))
    fig = Figure(figsize=(6.4, 3.5 * len(keys)))
    axes = fig.subplots(len(keys), 2, squeeze=False)
    for row, group in enumerate(keys):
        for ax, (name, run) in zip(axes[row], zip(("best", "worst"), chosen[group])):
            ax.imshow(matplotlib.image.imread(grids / grid_name(group, run["seed"])))
            ax.set_title(f"{label(group)}, {name} by {HEADERS[metric]}\nseed {run['seed']}: "
                         f"{HEADERS[metric]} {run[metric]:.2f}, {run['modes']} modes", fontsize=10)
            ax.axis("off")
    fig.tight_layout()
    return fig


def contrasts(result: dict[str, Any]) -> list[dict[str, Any]]:
    """DCGAN-SI against DCGAN at each stored size, per metric: both means ± s.d., Welch's p, the direction.

    This is the paper's own question (does the regulariser help at this size?), asked of our runs.
    A size where either method has fewer than two runs has no spread to test and is left out.
    """
    out = []
    for size in SIZES:
        plain, si = f"dcgan/{size}", f"dcgan-si/{size}"
        if plain not in result["summary"] or si not in result["summary"]:
            continue
        if min(n_runs(result, plain), n_runs(result, si)) < 2:
            continue
        for metric in METRICS:
            a, b = group_stats(result, si, metric), group_stats(result, plain, metric)
            p = report.welch(a, b)
            out.append({"size": size, "metric": metric, "dcgan-si": a[:2], "dcgan": b[:2], "p": p,
                        "difference": ("none at 5%" if p >= report.ALPHA else
                                       "DCGAN-SI higher" if a[0] > b[0] else "DCGAN-SI lower")})
    return out
