"""Queries on the stored Table 1 results that the mode-collapse chapter (05_mixtures) asks.

They live beside the chapter, not in the package: they answer this chapter's questions
(which seeds cover the grid, what a longer budget changed). The chapter imports this module
from its own folder; ``tests/test_mixtures_results.py`` tests it.
"""
from __future__ import annotations

from typing import Any

from sigtut.experiments.table1 import METHODS, mixture_of
from sigtut.experiments.table1_report import compare_with_paper


def method_runs(result: dict[str, Any], method: str) -> list[dict[str, Any]]:
    """The stored runs of one method (a key of ``METHODS``), one per seed, in seed order."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)}, got {method!r}")
    return sorted((r for r in result["runs"] if r["method"] == method), key=lambda r: r["seed"])


def pending(result: dict[str, Any] | None) -> list[str]:
    """The methods a stored result does not hold yet (all of them for None)."""
    have = set(result["summary"]) if result is not None else set()
    return [m for m in METHODS if m not in have]


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


def verdict_changes(before: dict[str, Any], after: dict[str, Any], paper_spread: str = "sd") -> list[tuple[str, str]]:
    """The (method, metric) pairs whose verdict against the paper differs between two results."""
    old = {(r["method"], r["metric"]): r["verdict"] for r in compare_with_paper(before, paper_spread)}
    new = {(r["method"], r["metric"]): r["verdict"] for r in compare_with_paper(after, paper_spread)}
    return [key for key in old if key in new and old[key] != new[key]]


def _change(old: float, new: float, digits: int) -> str:
    return f"{old:.{digits}f} → {new:.{digits}f}"


def seed_changes(before: dict[str, Any], after: dict[str, Any], method: str) -> list[dict[str, str]]:
    """Per seed, ``method``'s modes, hq and KL ``before`` → ``after`` (e.g. two training budgets)."""
    old = {r["seed"]: r for r in method_runs(before, method)}
    return [{"seed": str(r["seed"]), "modes": _change(old[r["seed"]]["modes"], r["modes"], 0),
             "hq": _change(old[r["seed"]]["hq"], r["hq"], 2), "kl": _change(old[r["seed"]]["kl"], r["kl"], 2)}
            for r in method_runs(after, method)]


def budget_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    """Per method held by both results: seeds covering every mode, mean modes, hq, KL and seconds, before → after."""
    k = len(mixture_of(after["dataset"]).centers)
    rows = []
    for m in (m for m in after["summary"] if m in before["summary"]):
        old, new = before["summary"][m], after["summary"][m]
        row = {"method": METHODS[m], f"all {k}": _change(covering_seeds(before, m), covering_seeds(after, m), 0)}
        for metric, digits in (("modes", 1), ("hq", 2), ("kl", 2), ("seconds", 0)):
            row[metric] = _change(old[metric][0], new[metric][0], digits)
        rows.append(row)
    return rows


def modes_lost(curve: list[dict[str, Any]]) -> list[int]:
    """The steps of a run's score curve at which it holds fewer modes than at the checkpoint before.

    A run that finds a mode and later loses it (a GAN hopping between modes, as in Figure 9 of
    Che et al.) has a non-empty list; one that only gains modes has none.
    """
    return [b["step"] for a, b in zip(curve, curve[1:]) if b["modes"] < a["modes"]]


def spec_runs(own: dict[str, Any], spec: str) -> list[dict[str, Any]]:
    """The stored own-protocol runs (``results/peers.json``) of one peer spec, e.g. ``"veegan/grid"``, by seed."""
    runs = sorted((r for r in own["runs"] if r["group"] == spec), key=lambda r: r["seed"])
    if not runs:
        raise ValueError(f"spec {spec!r} has no stored runs; stored: {sorted({r['group'] for r in own['runs']})}")
    return runs


def spec_rows(own: dict[str, Any], specs: dict[str, str]) -> list[dict[str, Any]]:
    """One row per labelled spec (label -> key): its modes and hq per seed, and the most modes any of its
    checkpoints held (``curve``), so a run that covered more of the data mid-training shows it
    (None where a run was made before curves were stored)."""
    rows = []
    for label, key in specs.items():
        runs = spec_runs(own, key)
        held = max(p["modes"] for r in runs for p in r["curve"]) if all("curve" in r for r in runs) else None
        rows.append({"setting": label, "modes": [r["modes"] for r in runs],
                     "hq": [round(r["hq"], 2) for r in runs], "most modes held": held})
    return rows


def protocol_changes(shared: dict[str, Any], fair: dict[str, Any]) -> list[dict[str, str]]:
    """Per method rerun under the fair protocol (:func:`~sigtut.experiments.table1_report.fair_result`):
    its mean modes (VEEGAN's count, then the strict one) and hq, shared protocol → fair protocol."""
    rows = []
    for m in (m for m in fair["summary"] if m not in fair["reused"]):
        old, new = shared["summary"][m], fair["summary"][m]
        rows.append({"method": METHODS[m], "modes (VEEGAN count)": _change(old["modes_2500"][0], new["modes_2500"][0], 1),
                     "hq": _change(old["hq_2500"][0], new["hq_2500"][0], 3),
                     "modes (strict)": _change(old["modes"][0], new["modes"][0], 1)})
    return rows


def setting_rows(results: dict[str, dict[str, Any]], method: str) -> list[dict[str, Any]]:
    """One row per labelled result (label -> a stored Table 1 result) of ``method``: its runs per seed.

    Each row gives the modes by both counts and the hq of every seed; for BMS-VAE-GAN also the
    reconstructions' hq and the posterior's standard deviation per seed (its ``bms_diagnosis``;
    the latter to two significant digits, since it can fall far below 0.01).
    A result without runs of ``method`` raises ValueError naming the label.
    """
    rows = []
    for label, result in results.items():
        runs = sorted((r for r in result["runs"] if r["method"] == method), key=lambda r: r["seed"])
        if not runs:
            raise ValueError(f"results[{label!r}] holds no run of {method!r}")
        row = {"setting": label, "modes": [r["modes"] for r in runs], "modes (VEEGAN count)": [
            r["modes_2500"] for r in runs], "hq": [round(r["hq"], 3) for r in runs]}
        if all("bms_diagnosis" in r for r in runs):
            row["recon hq"] = [round(r["bms_diagnosis"]["reconstruction_scores"]["hq"], 2) for r in runs]
            row["posterior sd"] = [float(f"{r['bms_diagnosis']['posterior_sd']:.2g}") for r in runs]  # 2 digits
        rows.append(row)
    return rows
