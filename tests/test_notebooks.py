"""The Colab form of the chapters (sigtut.notebooks): plain Markdown, hidden solutions, one set-up."""
import re
import textwrap
from pathlib import Path

import nbformat
import pytest

from sigtut import colab, notebooks
from sigtut.notebooks import REPO

SITE = "https://sigtut.github.io/sigtut/"
COMMITTED = sorted((REPO / "book").glob("0*.ipynb"))


def _chapter(tmp_path: Path, body: str) -> Path:
    """A one-chapter book in ``tmp_path`` (the repository's references) with ``body`` after the set-up."""
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "references.bib").write_text((REPO / "book" / "references.bib").read_text())
    (tmp_path / "_config.yml").write_text("repository:\n  url: https://github.com/sigtut/sigtut\n")
    (tmp_path / "_toc.yml").write_text("root: book/intro\nchapters:\n  - file: book/01_toy\n")
    md = tmp_path / "book" / "01_toy.md"
    md.write_text(textwrap.dedent("""\
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
        # A toy chapter

        ```{code-cell} ipython3
        :tags: [colab-setup]

        import sigtut
        ```
        """) + textwrap.dedent(body))
    return md


def _build(md: Path) -> nbformat.NotebookNode:
    repo = md.parent.parent
    return notebooks.build_notebook(md, notebooks.collect_book(repo), "https://github.com/sigtut/sigtut", "abc123")


def test_directives_become_numbered_markdown_and_solutions_details(tmp_path):
    md = _chapter(tmp_path, """
        ```{prf:lemma} Two is even
        :label: lem-two

        $2 = 2 \\cdot 1$.
        ```

        ```{prf:proof}
        Take $k = 1$.
        ```

        ````{exercise}
        :label: ex-one

        Use {prf:ref}`lem-two`, [its proof](lem-two) and the paper {cite}`sig2018`.
        ````

        ````{solution-start} ex-one
        :class: dropdown
        ````

        The answer is in the cell.

        ```{code-cell} ipython3
        answer = 2
        ```

        ````{solution-end}
        ````

        ```{admonition} Errata
        :class: warning

        A typo.
        ```

        ## References

        ```{bibliography}
        :filter: docname in docnames
        ```
        """)
    nb = _build(md)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "**Lemma 1 (Two is even).**" in text and "*Proof.*" in text and "∎" in text
    assert "**Exercise 1.**" in text
    assert f"[Lemma 1]({SITE}book/01_toy.html#lem-two)" in text
    assert f"[its proof]({SITE}book/01_toy.html#lem-two)" in text
    assert "(Yin and Zhou, 2018)" in text
    assert "- [Yin and Zhou, 2018] Mingzhang Yin and Mingyuan Zhou" in text
    assert "(https://arxiv.org/abs/1905.12659)" in text
    assert "> **Errata**" in text and "> A typo." in text
    assert not re.search(r"`{3,}\{|\{[\w:-]+\}`", text), "raw MyST left in the notebook"
    solution = next(c for c in nb.cells if "<details>" in c.source)
    assert "<summary><b>Solution to Exercise 1</b>" in solution.source
    assert solution.source.count("<details>") == solution.source.count("</details>") == 1
    assert "The answer is in the cell." in solution.source
    code = next(c for c in nb.cells if "answer = 2" in c.source)
    assert code.metadata["cellView"] == "form" and code.metadata["jupyter"] == {"source_hidden": True}
    assert "solution" in code.metadata["tags"] and code.source.startswith("#@title Solution")
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert "REPOSITORY = 'https://github.com/sigtut/sigtut'" in setup.source and "REF = 'abc123'" in setup.source
    assert setup.source.rstrip().endswith("import sigtut") and setup.metadata["cellView"] == "form"


def test_labelled_equations_lose_the_label_and_links_read_the_paper_number(tmp_path):
    md = _chapter(tmp_path, """
        The bound

        $$
        \\mathbb{H}_M = 1 \\tag{6}
        $$ (eq-01-hm)

        is {eq}`eq-01-hm`, [the bound](eq-01-hm); SIG found {glue:text}`sig_modes:.0f` modes.
        """)
    text = "\n".join(c.source for c in _build(md).cells if c.cell_type == "markdown")
    assert "$$\n\\mathbb{H}_M = 1 \\tag{6}\n$$\n" in text, "the label is gone, the tag stays"
    link = f"({SITE}book/01_toy.html#equation-eq-01-hm)"
    assert f"is [(6)]{link}" in text and f"[the bound]{link}" in text
    assert "SIG found `sig_modes` modes." in text


@pytest.mark.parametrize("body, match", [
    ("```{margin}\nA note in the margin.\n```\n", "directive {margin}"),
    ("Look at {numref}`fig-missing`.\n", "fig-missing"),
    ("Look at {download}`data.csv`.\n", "role {download}"),
    ("See {cite}`nobody2020`.\n", "nobody2020"),
    ("See [there](sec-nowhere).\n", "sec-nowhere"),
    ("See {eq}`eq-nowhere`.\n", "eq-nowhere"),
    ("$$\nx = 1\n$$ (eq-untagged)\n", "eq-untagged"),
    ("$$\nx = 1 \\tag{1}\n$$ (eq-twice)\n\n$$\ny \\tag{2}\n$$ (eq-twice)\n", "already used"),
    ("````{solution-start} ex\n:class: dropdown\n````\n\nText without an end.\n", "without solution-end"),
])
def test_what_colab_cannot_show_is_an_error(tmp_path, body, match):
    md = _chapter(tmp_path, body)
    with pytest.raises(ValueError, match=re.escape(match)):
        _build(md)


def test_the_setup_must_be_the_first_code_cell(tmp_path):
    md = _chapter(tmp_path, "")
    md.write_text(md.read_text().replace(":tags: [colab-setup]\n", ""))
    with pytest.raises(ValueError, match="colab-setup"):
        _build(md)


def test_site_url_is_the_pages_address_of_the_repository():
    assert notebooks.site_url("https://github.com/sigtut/sigtut") == SITE
    assert notebooks.site_url("https://github.com/Org/Book.git") == "https://org.github.io/Book/"
    with pytest.raises(ValueError, match="repository"):
        notebooks.site_url("https://gitlab.com/sigtut/sigtut")


def test_readme_links_the_published_book():
    url = notebooks.site_url(notebooks.book_config(REPO)["repository"]["url"])
    assert f"]({url})" in (REPO / "README.md").read_text(), f"README.md does not link {url}"


@pytest.mark.parametrize("ipynb", COMMITTED, ids=lambda p: p.name)
def test_committed_notebooks_read_well_in_colab(ipynb):
    nb = nbformat.read(ipynb, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert not re.search(r"`{3,}\{|\{[\w:-]+\}`|^\([\w:-]+\)=$", cell.source, re.M), cell.source[:200]
            assert cell.source.count("<details>") == cell.source.count("</details>"), cell.source[:200]
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert notebooks.SETUP_TAG in setup.metadata["tags"]
    assert "def install_sigtut(" in setup.source and "install_sigtut(REPOSITORY, REF)" in setup.source
    repository = notebooks.book_config(REPO)["repository"]["url"]
    assert f"REPOSITORY = {repository!r}" in setup.source, "the URL comes from _config.yml"


def test_setup_cell_carries_sigtut_colab_verbatim():
    source = notebooks.setup_source("https://example.org/repo.git", "v1", "import sigtut")
    body = Path(colab.__file__).read_text().split('"""', 2)[2].strip()
    assert body in source
    compile(source, "<setup cell>", "exec")          # one valid cell, no __future__ import in the middle


def test_glued_values_of_an_executed_build_fill_the_colab_prose(tmp_path):
    """--glued: the stamped notebooks carry the numbers the book's build computed, formatted as the role asks."""
    md = _chapter(tmp_path, """
        SIG found {glue:text}`sig_modes:.0f` modes in {glue:text}`seconds:,d` s; {glue:text}`missing:.1f`.
        """)
    executed = tmp_path / "executed"
    executed.mkdir()
    out = {"output_type": "display_data", "metadata": {"scrapbook": {"name": "sig_modes", "mime_prefix": "x/"}},
           "data": {"application/papermill.record/text/plain": "24.6"}}
    out2 = {**out, "metadata": {"scrapbook": {"name": "seconds", "mime_prefix": "x/"}},
            "data": {"application/papermill.record/text/plain": "12345"}}
    cell = nbformat.v4.new_code_cell("glue(...)", outputs=[nbformat.from_dict(out), nbformat.from_dict(out2)])
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), executed / "01_toy.ipynb")
    assert notebooks.glued_values(executed) == {"01_toy": {"sig_modes": "24.6", "seconds": "12345"}}
    notebooks.write_notebooks(tmp_path / "colab", "abc123", repo=tmp_path, glued=executed)
    nb = nbformat.read(tmp_path / "colab" / "book" / "01_toy.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "SIG found 25 modes in 12,345 s; `missing`." in text
    with pytest.raises(ValueError, match="glued must be a folder"):
        notebooks.glued_values(tmp_path / "nowhere")
