"""Bring a stored result of an older layout to the current one (:data:`sigtut.experiments.store.SCHEMA`).

:func:`sigtut.experiments.store.read` applies it to every file it reads, so older files keep
loading; ``python -m sigtut.experiments.migrate FILE ...`` rewrites files in place, once.

Schema 1 → 2:

- Table 1 named methods by their display labels (``"SIG (fixed σ)"``): runs, summary and
  parts now use short ASCII keys (``"sig-fixed"``), every run names its ``group`` and parts
  list ``groups`` instead of ``methods``; the summary, which held mean ± s.e., is recomputed
  from the runs as mean ± s.d. No measured number changes; stored commands stay as they were
  run (the command line still accepts the labels).
- Table 2 (protocol 1) scored IS, exp H(y|x) and exp H(y) over the 1,000 triples: those are
  renamed ``*_triples`` and the result is marked protocol 1, so it never merges with runs on
  the paper's 10-digit scale.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .report import mean_sd

# Table 1's method labels in schema 1 -> their keys
TABLE1_KEYS = {"GAN": "gan", "VAE": "vae", "VEEGAN": "veegan", "Unrolled GAN": "unrolled", "Reg-GAN": "reg-gan",
               "MDGAN": "mdgan", "BMS-VAE-GAN": "bms", "SIG": "sig", "SIG (fixed σ)": "sig-fixed", "GAN-SI": "gan-si"}
TABLE1_METRICS = ("modes", "hq", "kl", "modes_2500", "hq_2500", "seconds")
TABLE2_V1_KEYS = {"DCGAN": "dcgan", "DCGAN-SI": "dcgan-si"}
TRIPLE_SCORES = ("is", "exp_h_y_given_x", "exp_h_y")


def _table1(old: dict[str, Any]) -> dict[str, Any]:
    runs = []
    for r in old["runs"]:
        key = TABLE1_KEYS[r["method"]]
        runs.append({"group": key, **r, "method": key})
    groups = list(dict.fromkeys(r["group"] for r in runs))
    summary = {g: {m: list(mean_sd([float(r[m]) for r in runs if r["group"] == g])) for m in TABLE1_METRICS}
               for g in groups}
    new = {"schema": 2, "table": "table1", "protocol": 1, **old, "runs": runs, "summary": summary}
    if old.get("parts"):
        new["parts"] = [_part(p) for p in old["parts"]]
    return new


def _part(part: dict[str, Any]) -> dict[str, Any]:
    p = {k: v for k, v in part.items() if k != "methods"}
    p = {"groups": [TABLE1_KEYS[m] for m in part["methods"]], **p}
    if "replaced_later" in p:
        p["replaced_later"] = [TABLE1_KEYS[m] for m in p["replaced_later"]]
    return p


def _table2_v1(old: dict[str, Any]) -> dict[str, Any]:
    runs = []
    for r in old["runs"]:
        method = TABLE2_V1_KEYS[r["method"]]
        renamed = {(f"{k}_triples" if k in TRIPLE_SCORES else k): v for k, v in r.items()}
        runs.append({"group": f"{method}/{r['size']}", **renamed, "method": method})
    real = {(f"{k}_triples" if k in TRIPLE_SCORES else k): v for k, v in old["real"].items()}
    metrics = [f"{k}_triples" for k in TRIPLE_SCORES] + ["hq", "modes", "kl"]
    summary = {g: {m: list(mean_sd([float(r[m]) for r in runs if r["group"] == g])) for m in metrics}
               for g in dict.fromkeys(r["group"] for r in runs)}
    settings = old.get("settings", {})
    return {"schema": 2, "table": "table2", "protocol": 1, **{k: v for k, v in old.items() if k not in ("paper",)},
            "steps": settings.get("steps"), "batch_size": settings.get("batch_size"), "n_eval": settings.get("n_eval"),
            "real": real, "runs": runs, "summary": summary}


def migrate(payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` in the current layout (returned unchanged when it already is)."""
    if payload.get("schema", 1) >= 2:
        return payload
    if "dataset" in payload and "true_data" in payload:
        return _table1(payload)
    if "real" in payload and "settings" in payload:
        return _table2_v1(payload)
    raise ValueError("not a stored table result of a known layout (neither Table 1 nor Table 2)")


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the given result files in the current layout (atomically; already current files are kept)."""
    from . import store    # store.read calls migrate: import it here, not at the top

    paths = list(sys.argv[1:] if argv is None else argv)
    if not paths:
        print("usage: python -m sigtut.experiments.migrate FILE [FILE ...]", file=sys.stderr)
        return 2
    for path in paths:
        old = json.loads(Path(path).read_text())
        if old.get("schema", 1) >= 2:
            print(f"{path}: already schema {old['schema']}")
            continue
        store.write(path, migrate(old))
        print(f"{path}: schema {old.get('schema', 1)} -> 2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
