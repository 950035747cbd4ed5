"""Reporting a table: spread over seeds, the comparison with a paper's numbers, printed tables.

Spread. Our tables give mean ± standard deviation (s.d.) over seeds, with the standard
error (s.e. = s.d./√n) beside it where it helps. The SIG paper calls its ± "standard
errors", but several are impossible as such: five runs in [0, 25] with mean 6.2 have an
s.e. of at most 4.8, yet Table 1 prints Unrolled GAN's modes as 6.2 ± 8.6 (and Table 2
has 279.2 ± 296.52 and 389.8 ± 477.24 modes in [0, 1,000]). :func:`max_standard_error`
gives the bound; we therefore read the paper's ± as standard deviations of its five runs.

Comparison. :func:`compare` asks whether our mean and the paper's could come from the same
population, by Welch's t-test on (mean, s.d., n) of both sides (unequal variances;
:func:`scipy.stats.ttest_ind_from_stats`), instead of an overlap of error bars.
"""
from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any

from scipy import stats

ALPHA = 0.05          # significance level of the comparison with the paper
PAPER_RUNS = 5        # the SIG paper: "five independent random trials"


def group_summary(runs: list[dict[str, Any]], keys: Sequence[str]) -> dict[str, dict[str, list[float]]]:
    """Per group (in the order the runs first show it), [mean, s.d.] over its seeds of each of ``keys``."""
    groups = list(dict.fromkeys(r["group"] for r in runs))
    return {g: {k: list(mean_sd([float(r[k]) for r in runs if r["group"] == g])) for k in keys} for g in groups}


def mean_sd(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (n − 1 in the denominator; 0 for one value) of ``values``."""
    n = len(values)
    if n == 0:
        raise ValueError("values must not be empty")
    mean = sum(values) / n
    if n == 1:
        return mean, 0.0
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))


def standard_error(sd: float, n: int) -> float:
    """s.e. = s.d. / √n."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    return sd / math.sqrt(n)


def max_standard_error(mean: float, low: float, high: float, n: int) -> float:
    """The largest s.e. that n values in [low, high] with the given mean can have.

    The sample variance is convex in the values, so over the values in [low, high]ⁿ with a
    fixed sum it is largest at a vertex of that set: every value at ``low`` or ``high`` but at
    most one. A published ± above this bound cannot be a standard error of n runs
    (e.g. five runs in [0, 25] with mean 6.2: 25, 6, 0, 0, 0 give the bound 4.84).
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"n must be an int >= 2, got {n!r}")
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"need finite low < high, got [{low}, {high}]")
    if not low <= mean <= high:
        raise ValueError(f"mean must lie in [low, high] = [{low}, {high}], got {mean}")
    span_total = n * (mean - low)                   # sum of the values above low
    k = min(int(span_total // (high - low)), n)     # values at high
    values = [high] * k + ([low + span_total - k * (high - low)] if k < n else [])
    values += [low] * (n - len(values))
    return mean_sd(values)[1] / math.sqrt(n)


def welch(ours: tuple[float, float, int], paper: tuple[float, float, int]) -> float:
    """Two-sided p-value of Welch's t-test for equal means, from (mean, s.d., n) of both samples.

    With no spread on either side the means either agree exactly (p = 1) or differ (p = 0).
    One run has no spread to estimate (its s.d. of 0 is not certainty), so each side needs n ≥ 2.
    """
    (m1, s1, n1), (m2, s2, n2) = ours, paper
    for side, n in (("ours", n1), ("paper", n2)):
        if n < 2:
            raise ValueError(f"Welch's test needs at least 2 runs on each side; {side} has n = {n}")
    if s1 == 0 and s2 == 0:
        return 1.0 if m1 == m2 else 0.0
    return float(stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=False).pvalue)


def verdict(ours: tuple[float, float, int], paper: tuple[float, float, int], alpha: float = ALPHA) -> str:
    """'agrees' unless Welch's test rejects equal means at ``alpha``; else 'ours higher' / 'ours lower'."""
    if welch(ours, paper) >= alpha:
        return "agrees"
    return "ours higher" if ours[0] > paper[0] else "ours lower"


def compare(ours: dict[str, dict[str, Sequence[float]]], paper: dict[str, dict[str, Sequence[float]]],
            n_ours: dict[str, int], paper_spread: str = "sd", n_paper: int = PAPER_RUNS) -> list[dict[str, Any]]:
    """Our summary against a paper's table, per row and metric, by Welch's test.

    Args:
        ours: {row: {metric: [mean, sd]}}.
        paper: {row: {metric: (mean, ±)}}, the paper's numbers.
        n_ours: seeds behind each of our rows.
        paper_spread: how to read the paper's ±: ``"sd"`` (what it must be, see the module
            docstring) or ``"se"`` (what the paper says; converted to an s.d. by × √n).
        n_paper: the paper's runs per row.

    Returns:
        One dict per (row, metric) held by both: row, metric, ours and paper as (mean, sd), the
        p-value and the verdict. A row of ours with fewer than two runs has no spread to test and
        is left out.
    """
    if paper_spread not in ("sd", "se"):
        raise ValueError(f"paper_spread must be 'sd' or 'se', got {paper_spread!r}")
    rows = []
    for row, metrics in paper.items():
        if row not in ours or n_ours[row] < 2:
            continue
        for metric, (p_mean, p_pm) in metrics.items():
            if metric not in ours[row]:
                continue
            p_sd = p_pm if paper_spread == "sd" else p_pm * math.sqrt(n_paper)
            o_mean, o_sd = ours[row][metric][:2]
            a, b = (o_mean, o_sd, n_ours[row]), (p_mean, p_sd, n_paper)
            rows.append({"row": row, "metric": metric, "ours": (o_mean, o_sd), "paper": (p_mean, p_sd),
                         "p": welch(a, b), "verdict": verdict(a, b)})
    return rows


def pm(mean: float, spread: float, digits: int = 2) -> str:
    """'mean ± spread' with ``digits`` decimals."""
    return f"{mean:.{digits}f} ± {spread:.{digits}f}"


def format_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """A plain-text table with one line per row dict and the given column order."""
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    line = "  ".join(c.ljust(widths[c]) for c in columns)
    out = [line, "  ".join("-" * widths[c] for c in columns)]
    out += ["  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(out)


def provenance_text(result: dict[str, Any], labels: dict[str, str] | None = None, width: int = 84) -> str:
    """For readers: one paragraph per part of a stored result, with its rows, command, commit, machine and time.

    ``labels`` maps row keys to display names. A part's ``note`` (e.g. run on another machine) follows it.
    """
    from .store import parts_of

    name = (labels or {}).get
    out = []
    for p in parts_of(result):
        rows = ", ".join(name(g, g) for g in p["groups"])
        text = (f"{rows}: `{p['command']}` at commit {p['commit'][:12]} on {p['device']}, "
                f"{p['wall_seconds']:,.0f} s wall")
        if p.get("replaced_later"):
            text += f" (its runs of {', '.join(name(g, g) for g in p['replaced_later'])} replaced by a later part)"
        if p.get("note"):
            text += f". Note: {p['note']}"
        out.append(textwrap.fill(text, width, subsequent_indent="    "))
    return "\n".join(out)
