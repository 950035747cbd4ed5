"""Showing Table 3: the paper's Inception Scores beside ours, the quick pipeline check, Figure 6.

Two kinds of stored result exist (:mod:`sigtut.experiments.table3`), told apart by their
``scorer``:

- Inception-scored (paper profile, CIFAR-10): :func:`table_frame` puts them beside the
  paper's Table 3, in its IS column, with our FID beside them.
- scored under an injected extractor on synthetic data (quick profile): these numbers are
  not Inception Scores. :func:`table_frame` refuses them (its IS column stays "pending"
  without a paper-profile run); :func:`check_frame` shows them under their own names.

Ours are mean ± s.d. over seeds; with one seed, the ± is the s.d. over the score's splits,
and the ``±`` column says which. The paper does not say what its ± is.
"""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import matplotlib.image
from matplotlib.figure import Figure

from . import report
from ..metrics.inception import INCEPTION
from .published import PAPER_TABLE3
from .table3 import METHODS, REAL, grid_name, label, metric_keys

PENDING = "pending"
ROWS = (REAL, *METHODS)


def is_inception(result: dict[str, Any]) -> bool:
    """Whether every number of a stored result came from the Inception network."""
    extractors = {r.get("extractor") for r in result["runs"]} | {result["real"].get("extractor")}
    return result["scorer"]["kind"] == "inception" and extractors == {INCEPTION}


def require_inception(result: dict[str, Any]) -> None:
    """Raise ValueError unless ``result`` holds Inception Scores (what the paper's IS column holds)."""
    if not is_inception(result):
        raise ValueError(
            f"this {result['profile']}-profile result was scored by {result['scorer']['extractor']} on "
            f"{result['data']['name']}, not by the Inception network: its numbers are not Inception Scores "
            "and never go in Table 3's IS column; show them with check_frame")


def _n(result: dict[str, Any], group: str) -> int:
    return sum(r["group"] == group for r in result["runs"])


def _spread(result: dict[str, Any], group: str) -> str:
    """What the ± of our cell is: s.d. over seeds, or over the splits of one run."""
    n = _n(result, group)
    if group == REAL or n == 1:
        return f"s.d. over {result['splits']} splits"
    return f"s.d. over {n} seeds"


def _score_cell(result: dict[str, Any], group: str) -> str:
    score_key, _ = metric_keys(result)
    if group == REAL:
        return report.pm(result["real"][score_key], result["real"][f"{score_key}_split_sd"] or 0.0)
    if _n(result, group) == 1:
        run = next(r for r in result["runs"] if r["group"] == group)
        return report.pm(run[score_key], run[f"{score_key}_split_sd"] or 0.0)
    return report.pm(*result["summary"][group][score_key][:2])


def _distance_cell(result: dict[str, Any], group: str) -> str:
    _, distance_key = metric_keys(result)
    if group == REAL:
        return "–"                       # the training set against itself
    mean, sd = result["summary"][group][distance_key][:2]
    return f"{mean:.1f}" if _n(result, group) == 1 else f"{mean:.1f} ± {sd:.1f}"


def table_frame(result: dict[str, Any] | None = None):
    """The paper's Table 3 beside ours, one row per model, as a pandas DataFrame.

    Columns: the paper's IS, ours (IS, what its ± is, FID). A model without an
    Inception-scored run, and every model when ``result`` is None, reads "pending".

    Raises:
        ValueError: ``result`` was not scored by the Inception network (:func:`require_inception`).
    """
    import pandas as pd

    if result is not None:
        require_inception(result)
    out = []
    for group in ROWS:
        ours = result is not None and (group == REAL or group in result["summary"])
        out.append({"model": label(group), "paper: IS": report.pm(*PAPER_TABLE3[group]["is"]),
                    "ours: IS": _score_cell(result, group) if ours else PENDING,
                    "ours: ±": _spread(result, group) if ours else "",
                    "ours: FID": _distance_cell(result, group) if ours else PENDING})
    return pd.DataFrame(out).set_index("model")


def check_frame(result: dict[str, Any]):
    """A quick (injected-extractor) result as a pandas DataFrame, under names that are not IS or FID.

    Columns: the IS-style score under the injected extractor, what its ± is, and the
    Fréchet distance under it to the synthetic training set. No paper column: the paper's
    numbers are Inception Scores on CIFAR-10 and compare with none of these.

    Raises:
        ValueError: ``result`` is Inception-scored (show it with :func:`table_frame`).
    """
    import pandas as pd

    if result["scorer"]["kind"] == "inception":
        raise ValueError("this result holds Inception Scores; show it beside the paper with table_frame")
    groups = [REAL, *(g for g in METHODS if g in result["summary"])]
    out = [{"model": label(g), "injected score (not IS)": _score_cell(result, g), "±": _spread(result, g),
            "injected distance (not FID)": _distance_cell(result, g)} for g in groups]
    return pd.DataFrame(out).set_index("model")


def caption(result: dict[str, Any], width: int = 88) -> str:
    """What a stored result's numbers are: profile, training, data, scorer (wrapped at ``width``)."""
    data = result["data"]
    where = (f"{data['n']:,} synthetic images (synthetic_cifar10, seed {data['seed']}; not CIFAR-10)"
             if data["synthetic"] else f"the {data['n']:,} CIFAR-10 training images")
    text = (f"Table 3, {result['profile']} profile: {len(result['runs'])} runs of {result['steps']:,} "
            f"iterations at batch {result['batch_size']}, width {result['width']}, on {where}; "
            f"{result['n_eval']:,} samples per run scored by {result['scorer']['extractor']} "
            f"in {result['splits']} splits, distances to the training images.")
    if not is_inception(result):
        text += f" Note: {result['scorer']['note']}."
    return textwrap.fill(text, width)


def table_text(result: dict[str, Any]) -> str:
    """The plain-text table the command prints: beside the paper's for Inception Scores, else the check."""
    frame = table_frame(result) if is_inception(result) else check_frame(result)
    rows = [{"model": model, **row} for model, row in frame.to_dict("index").items()]
    return caption(result) + "\n" + report.format_table(rows, ["model", *frame.columns])


def plot_grids(result: dict[str, Any], grids: str | Path, seed: int = 0) -> Figure:
    """Figure 6: the stored 8 × 8 sample grid of each method's run with ``seed``.

    The panels of a result that is not Inception-scored say that it is a pipeline check on
    synthetic data, not a result.
    """
    score_key, _ = metric_keys(result)
    groups = [g for g in METHODS if any(r["group"] == g and r["seed"] == seed for r in result["runs"])]
    if not groups:
        raise ValueError(f"seed {seed} has no stored runs; the result holds seeds {result['seeds']}")
    n_rows = (len(groups) + 1) // 2                     # two panels a row: the book's column
    fig = Figure(figsize=(6.4, 3.4 * n_rows + 0.4))
    axes = fig.subplots(n_rows, 2, squeeze=False).ravel()
    for ax in axes[len(groups):]:
        ax.axis("off")
    inception = is_inception(result)
    name = "IS" if inception else "injected score"
    for ax, group in zip(axes, groups):
        run = next(r for r in result["runs"] if r["group"] == group and r["seed"] == seed)
        ax.imshow(matplotlib.image.imread(Path(grids) / grid_name(group, seed)))
        ax.set_title(f"{label(group)}\n{name} {run[score_key]:.2f}", fontsize=10)
        ax.axis("off")
    what = (f"after {result['steps']:,} iterations on CIFAR-10" if inception else
            f"a pipeline check on synthetic data,\n{result['steps']} iterations: not a result")
    fig.suptitle(f"Samples of seed {seed}, {what}", fontsize=11)
    fig.tight_layout()
    return fig
