"""The paper map: every equation, result, figure and table of Yin and Zhou (2018), where the book
treats it, and how far it goes (the book's page "Paper map").

The map is computed, not written by hand, so it stays true as the book changes: an equation's
chapter is the chapter that states it with ``\\tag{N}``, a lemma's the chapter with its
``{prf:...}`` block, and a table's or figure's status comes from the stored runs under
``results/`` (:mod:`sigtut.experiments.store`).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .experiments import store

BOOK = Path(__file__).resolve().parent.parent / "book"
EQUATIONS = range(1, 17)  # the paper numbers eqs. (1)-(16)
RESULTS = {  # the paper's named results and the sphinx-proof directive that states each
    "Lemma 1": "prf:lemma", "Theorem 1": "prf:theorem", "Corollary 1": "prf:corollary",
    "Algorithm 1": None,
}
TABLE_FIGURES = {  # stored result files behind each table and figure, and the chapter that shows them
    "Table 1": ("05_mixtures", ["table1-grid.json", "table1-ring.json"]),
    "Figure 2": ("05_mixtures", ["table1-grid.json", "table1-ring.json"]),
    "Table 2": ("07_stacked_mnist", ["table2.json"]),
    "Figures 4-5": ("07_stacked_mnist", ["table2.json"]),
    "Table 3": ("08_cifar10", ["table3.json"]),
    "Figure 6": ("08_cifar10", ["table3.json"]),
}
LIVE_FIGURES = {  # figures re-made by the chapter's own cells (no stored run behind them)
    "Figure 1": "04_toy",
    "Figure 3": "06_gan_si",
}


def _chapters(book: Path) -> dict[str, str]:
    return {md.stem: md.read_text() for md in sorted(book.glob("[0-9][0-9]_*.md"))}


def _stated_in(chapters: dict[str, str], pattern: str) -> list[str]:
    return [name for name, text in chapters.items() if re.search(pattern, text)]


def _stored_status(files: list[str], results: Path) -> tuple[str, str]:
    """(status, what is stored) of the stored runs behind a table or figure."""
    stored = [f for f in files if (results / f).exists()]
    if not stored:
        return "pending", "no paper-profile run stored"
    notes, complete = [], len(stored) == len(files)
    for f in stored:
        result = store.read(results / f)
        groups = sorted(result["summary"])
        seeds = sorted({r["seed"] for r in result["runs"]})
        notes.append(f"{f}: {len(groups)} rows × {len(seeds)} seeds, {result['profile']} profile")
        if f.startswith("table2"):       # the paper's three sizes S, M, L
            sizes = sorted({g.split("/")[1] for g in groups})
            complete &= set(sizes) == {"S", "M", "L"}
            notes[-1] += f", sizes {', '.join(sizes)} of S, M, L"
        complete &= result["profile"] == "paper"
    return ("reproduced" if complete else "partial"), "; ".join(notes)


def paper_map(book: Path = BOOK, results: Path | None = None) -> list[dict[str, Any]]:
    """One row per item of the paper: item, chapter(s), status, and what backs the status."""
    chapters = _chapters(book)
    results = results or store.results_dir()
    rows = []
    for n in EQUATIONS:
        where = _stated_in(chapters, rf"\\tag\{{{n}\}}")
        mentioned = _stated_in(chapters, rf"(?:eqs?\.|paper's|equations?|and) \({n}\)|eq\. {n}\b")
        rows.append({"item": f"eq. ({n})", "chapter": ", ".join(where or mentioned) or "–",
                     "status": "stated" if where else ("referred to" if mentioned else "not covered"),
                     "backed by": "the chapter's display equation" if where else ""})
    for name, directive in RESULTS.items():
        pattern = (rf"```\{{{directive}\}}[^\n]*{name}" if directive else rf"{name}")
        where = _stated_in(chapters, pattern)
        checked = [c for c in where if re.search(r"^assert ", chapters[c], re.M)]
        rows.append({"item": name, "chapter": ", ".join(where) or "–",
                     "status": ("stated and checked" if checked else "stated") if where else "not covered",
                     "backed by": "the chapter's assertion cells" if checked else ""})
    for name, chapter in LIVE_FIGURES.items():
        rows.append({"item": name, "chapter": chapter, "status": "re-made live",
                     "backed by": "the chapter's own training cells (quick profile by default)"})
    for name, (chapter, files) in TABLE_FIGURES.items():
        status, backed = _stored_status(files, results)
        rows.append({"item": name, "chapter": chapter, "status": status, "backed by": backed})
    return rows
