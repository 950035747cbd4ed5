"""Showing the peers' own-protocol runs beside each paper's claim, its ± read as the paper says.

Ours are mean ± s.d. over seeds. A paper's spread is labelled as the paper states it
(:class:`~sigtut.experiments.peers.Claim`): "s.d.", "s.e.", "not stated" (a ± whose kind the
paper does not say) or "none printed" (a mean only).
"""
from __future__ import annotations

from typing import Any

from . import report
from .peers import mixture_of
from .peers_specs import CLAIMLESS, SPECS


def claim_text(key: str) -> tuple[str, str, str]:
    """The paper's (modes, hq, note) of spec ``key``: '±' with its spread kind, or why there is none."""
    claim = SPECS[key].claim
    if claim is None:
        return "–", "–", CLAIMLESS.get(key, "no claim")
    modes = f"{claim.modes:g}" + (f" ± {claim.modes_pm:g}" if claim.modes_pm is not None else "")
    hq = f"{claim.hq:.3f}" + (f" ± {claim.hq_pm:.3f}" if claim.hq_pm is not None else "")
    return modes, hq, f"{claim.source}; spread: {claim.spread}"


def rows(result: dict[str, Any]) -> list[dict[str, str]]:
    """One row per spec: ours (mean ± s.d., out of the mixture's K modes) and the paper's claim."""
    out = []
    for key, s in result["summary"].items():
        settings = result["specs"][key]
        k = len(mixture_of(settings["dataset"]).centers)
        n = sum(r["group"] == key for r in result["runs"])
        modes, hq, note = claim_text(key)
        out.append({"spec": key, "K": str(k), "n": str(n), "modes": report.pm(*s["modes"], 1),
                    "hq": report.pm(*s["hq"], 3), "paper modes": modes, "paper hq": hq, "paper": note})
    return out


def table_text(result: dict[str, Any]) -> str:
    """The plain-text table ``reproduce peers`` prints, with each spec's protocol on a line of its own."""
    head = (f"peers under their own protocols, profile {result['profile']}; ours mean ± s.d. over n seeds; "
            "the paper's ± labelled as the paper states it")
    table = report.format_table(rows(result), ["spec", "K", "n", "modes", "hq", "paper modes", "paper hq"])
    notes = []
    for key in result["summary"]:
        s = result["specs"][key]
        notes.append(f"  {key}: {s['steps']:,} steps, batch {s['batch_size']}, lr {s['lr']['generator']:g}/"
                     f"{s['lr']['discriminator']:g}, betas {tuple(s['betas'])}, {s['n_eval']:,} samples, "
                     f"< {s['radius']:g} std, mode with >= {s['min_count'] + 1}; paper: {claim_text(key)[2]}")
    return f"{head}\n{table}\n\nprotocols and claims:\n" + "\n".join(notes)
