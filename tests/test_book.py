"""The book's structure: toc ↔ chapter files, notebooks built from the chapters, nbval failing on broken maths."""
import subprocess
import sys
import textwrap
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

from sigtut import notebooks

REPO = Path(__file__).resolve().parent.parent
BOOK = REPO / "book"


def _toc_files() -> list[str]:
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    files = [toc["root"]]
    for entry in toc.get("chapters") or []:
        files.append(entry["file"])
    return files


def _chapter_sources() -> list[Path]:
    """Chapter sources: every book/*.md with a jupytext header (the title page has none)."""
    return sorted(p for p in BOOK.glob("*.md") if p.read_text().startswith("---\njupytext:"))


def test_toc_names_only_existing_files():
    for name in _toc_files():
        assert (REPO / f"{name}.md").exists(), f"_toc.yml names {name} but {name}.md does not exist"


def test_every_chapter_is_in_the_toc():
    listed = set(_toc_files())
    for md in BOOK.glob("*.md"):
        rel = md.relative_to(REPO).with_suffix("").as_posix()
        assert rel in listed, f"{rel}.md is missing from _toc.yml"


def test_every_toc_chapter_is_a_paired_notebook():
    for name in _toc_files()[1:]:
        if (REPO / f"{name}.md").read_text().startswith("---\njupytext:"):
            assert (REPO / f"{name}.ipynb").exists(), f"{name}.md has no notebook: run `make notebooks`"
        else:   # a page without code (the API reference): no notebook, no code cell
            assert "{code-cell}" not in (REPO / f"{name}.md").read_text()
            assert not (REPO / f"{name}.ipynb").exists()


def _cells(notebook) -> list[tuple]:
    return [(c.cell_type, c.source, c.metadata) for c in notebook.cells]


@pytest.mark.parametrize("md", _chapter_sources(), ids=lambda p: p.name)
def test_notebook_is_built_from_its_chapter(md):
    # book/*.ipynb are generated (Colab-readable Markdown, the set-up cell): never edited by hand
    ipynb = md.with_suffix(".ipynb")
    assert ipynb.exists(), f"{md.name} has no notebook: run `make notebooks`"
    book = notebooks.collect_book(REPO)
    expected = notebooks.build_notebook(md, book, notebooks.book_config(REPO)["repository"]["url"],
                                        notebooks.DEFAULT_REF)
    actual = nbformat.read(ipynb, as_version=4)
    assert _cells(actual) == _cells(expected), f"{ipynb.name} is not built from {md.name}: run `make notebooks`"


CODE_WIDTH = 88   # characters of a code line that fit the rendered page's code box (684 px)


@pytest.mark.parametrize("md", _chapter_sources(), ids=lambda p: p.name)
def test_code_cells_fit_the_page(md):
    # the browser check (tests/check_pages.py) finds the same after a 15-minute build; this in a second
    long, inside = [], False
    for number, line in enumerate(md.read_text().splitlines(), 1):
        if line.startswith("```{code-cell"):
            inside = True
        elif line.startswith("```"):
            inside = False
        elif inside and len(line) > CODE_WIDTH:
            long.append(f"line {number}: {len(line)} characters")
    assert not long, f"{md.name}: code wider than the page ({CODE_WIDTH}): {long}"


@pytest.mark.parametrize("md", [p for p in BOOK.glob("*.md") if "{cite" in p.read_text()], ids=lambda p: p.name)
def test_a_page_that_cites_has_its_own_bibliography(md):
    # sphinxcontrib-bibtex lists a key only in the bibliography of a page that cites it
    # (":filter: docname in docnames"), so a key cited on a page without one is "not found".
    assert "```{bibliography}" in md.read_text(), f"{md.name} cites but has no {{bibliography}} directive"


def _run_nbval(tmp_path: Path, name: str, assertion: str) -> subprocess.CompletedProcess:
    text = textwrap.dedent(
        f"""\
        ---
        jupytext:
          text_representation:
            extension: .md
            format_name: myst
        kernelspec:
          display_name: Python 3
          language: python
          name: python3
        ---
        # A chapter in miniature

        ```{{code-cell}} ipython3
        import sympy as sp
        x = sp.symbols("x")
        expansion = sp.expand((x + 1) ** 2)
        ```

        ```{{code-cell}} ipython3
        {assertion}
        ```
        """
    )
    nb = jupytext.reads(text, fmt="md:myst")
    path = tmp_path / f"{name}.ipynb"
    jupytext.write(nb, path)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q", str(path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )


def test_nbval_fails_when_a_chapter_assertion_breaks(tmp_path):
    good = _run_nbval(tmp_path, "good", "assert expansion == x**2 + 2*x + 1")
    assert good.returncode == 0, good.stdout + good.stderr
    broken = _run_nbval(tmp_path, "broken", "assert expansion == x**2 + x + 1, 'the maths stopped holding'")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "the maths stopped holding" in broken.stdout
