"""Student hand-outs of the chapters, and their grading: ``python -m sigtut assign`` / ``grade``.

``assign CHAPTER`` writes the chapter's Colab notebook (:mod:`sigtut.notebooks`) with every
solution removed — the ``<details>`` blocks of solution text and the code cells tagged
``solution`` — and an empty answer cell where each solution's code was. The exercises'
check cells (tagged ``check``, calling :func:`sigtut.exercises.check`) stay, so a student
sees at once whether an answer passes. ``grade NOTEBOOK`` runs a filled-in hand-out from
top to bottom with nbclient, errors allowed, and scores each exercise by the share of its
check cells that ran without an error.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

from . import notebooks

CHECK_TAG = "check"
ANSWER_TAG = "answer"
_SOLUTION_TEXT = re.compile(r"<details>\s*<summary><b>Solution.*?</details>", re.DOTALL)
_CHECK_CALL = re.compile(r"""check\(\s*["'](?P<label>[\w:-]+)["']""")
ANSWER_CELL = "# Your answer to the exercise above: define the names its check cell uses.\n"


def chapter_path(chapter: str, repo: Path = notebooks.REPO) -> Path:
    """The source ``book/<chapter>.md`` of ``chapter`` (e.g. ``02_objective``), or a ValueError."""
    sources = {md.stem: md for md in notebooks.chapter_sources(repo)}
    if chapter.removesuffix(".md") not in sources:
        raise ValueError(f"chapter must be one of {sorted(sources)}, got {chapter!r}")
    return sources[chapter.removesuffix(".md")]


def check_label(cell: nbformat.NotebookNode) -> str:
    """The exercise label a check cell passes to ``check(...)``; ValueError if it has none."""
    match = _CHECK_CALL.search(cell.source)
    if match is None:
        raise ValueError(f"check cell without a check('label', ...) call: {cell.source[:60]!r}")
    return match["label"]


def student_notebook(chapter: str, ref: str = notebooks.DEFAULT_REF,
                     repo: Path = notebooks.REPO) -> nbformat.NotebookNode:
    """The hand-out of ``chapter``: its notebook without solutions, with answer cells and checks."""
    md = chapter_path(chapter, repo)
    book = notebooks.collect_book(repo)
    source = notebooks.build_notebook(md, book, notebooks.book_config(repo)["repository"]["url"], ref)
    return strip_solutions(source)


def strip_solutions(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` without solution text or solution code, an answer cell per solution."""
    out = nbformat.v4.new_notebook(metadata=nb.metadata)
    in_solution = False
    for cell in nb.cells:
        if cell.cell_type == "code" and notebooks.SOLUTION_TAG in cell.metadata.get("tags", []):
            if not in_solution:
                out.cells.append(nbformat.v4.new_code_cell(ANSWER_CELL, metadata={"tags": [ANSWER_TAG]}))
            in_solution = True
            continue
        in_solution = False
        if cell.cell_type == "markdown":
            text = _SOLUTION_TEXT.sub("", cell.source).strip()
            if "<summary><b>Solution" in text:
                raise ValueError(f"unbalanced solution block in: {cell.source[:80]!r}")
            if text:
                out.cells.append(nbformat.v4.new_markdown_cell(text))
            continue
        out.cells.append(nbformat.v4.new_code_cell(cell.source, metadata=dict(cell.metadata)))
    for index, cell in enumerate(out.cells):
        cell["id"] = f"handout-{index}"
    return out


def grade(nb: nbformat.NotebookNode, cwd: Path | None = None, timeout: int = 900) -> dict[str, tuple[int, int]]:
    """Run ``nb`` (errors allowed) and return, per exercise label, (check cells passed, check cells).

    ``cwd`` is where the notebook runs (default: the repository's ``book/`` folder, where the
    chapters find their data and stored results).
    """
    from nbclient import NotebookClient

    checks = [c for c in nb.cells if c.cell_type == "code" and CHECK_TAG in c.metadata.get("tags", [])]
    if not checks:
        raise ValueError("nb has no check cells (code cells tagged 'check'): nothing to grade")
    client = NotebookClient(nb, timeout=timeout, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd or notebooks.REPO / "book")}})
    client.execute()
    scores: dict[str, list[int]] = {}
    for cell in checks:
        passed, total = scores.setdefault(check_label(cell), [0, 0])
        failed = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        scores[check_label(cell)] = [passed + (not failed), total + 1]
    return {label: (p, t) for label, (p, t) in scores.items()}


def main_assign(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sigtut assign",
                                     description="Write a chapter's student hand-out: no solutions, checks kept.")
    parser.add_argument("chapter", help="a chapter, e.g. 02_objective")
    parser.add_argument("--out", type=Path, default=Path("handout"), help="folder to write to (default: handout)")
    parser.add_argument("--ref", default=notebooks.DEFAULT_REF,
                        help="commit, tag or branch the set-up cell installs (default: main)")
    args = parser.parse_args(argv)
    try:
        nb = student_notebook(args.chapter, args.ref)
    except ValueError as err:
        parser.error(str(err))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{chapter_path(args.chapter).stem}.ipynb"
    nbformat.write(nb, path)
    labels = [check_label(c) for c in nb.cells if CHECK_TAG in c.metadata.get("tags", [])]
    print(f"wrote {path}: {len(set(labels))} exercise(s) with checks: {', '.join(dict.fromkeys(labels))}")
    return 0


def main_grade(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sigtut grade",
                                     description="Run a filled-in hand-out and score each exercise by its checks.")
    parser.add_argument("notebook", type=Path, help="the student's .ipynb")
    parser.add_argument("--cwd", type=Path, help="where to run it (default: the repository's book/ folder)")
    args = parser.parse_args(argv)
    if not args.notebook.is_file():
        parser.error(f"notebook {args.notebook} does not exist")
    try:
        scores = grade(nbformat.read(args.notebook, as_version=4), args.cwd)
    except ValueError as err:
        parser.error(str(err))
    for label, (passed, total) in scores.items():
        print(f"{label}: {passed}/{total}")
    got, out_of = sum(p for p, _ in scores.values()), sum(t for _, t in scores.values())
    print(f"total: {got}/{out_of} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main_assign())
