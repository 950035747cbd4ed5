"""sigtut.equations: a labelled equation is numbered by its \\tag, in its display and its links."""
import io
import re
import textwrap

import pytest

from sigtut import equations

pytest.importorskip("myst_parser")


def _build(tmp_path, pages: dict[str, str]) -> tuple[dict[str, str], str]:
    """Build ``pages`` (name → MyST text) as HTML with myst_parser; (HTML per page, warnings)."""
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['myst_parser', 'sigtut.equations']\n"
        "myst_enable_extensions = ['dollarmath', 'amsmath']\n"
        "numfig = True\n"                     # as jupyter-book sets it
    )
    toctree = "\n".join(name for name in pages if name != "index")
    (src / "index.md").write_text(f"# Book\n\n```{{toctree}}\n{toctree}\n```\n" + pages.get("index", ""))
    for name, text in pages.items():
        if name != "index":
            (src / f"{name}.md").write_text(textwrap.dedent(text))
    warnings = io.StringIO()
    app = Sphinx(str(src), str(src), str(tmp_path / "html"), str(tmp_path / "doctrees"), "html",
                 status=None, warning=warnings, freshenv=True)
    app.build()
    html = {name: (tmp_path / "html" / f"{name}.html").read_text() for name in pages}
    return html, warnings.getvalue()


def test_tag_number_and_without_tag():
    assert equations.tag_number(r"a = b \tag{6}") == "6"
    assert equations.tag_number(r"a = b") is None
    assert equations.without_tag(r"a = b. \tag{ 12 }") == "a = b."
    with pytest.raises(ValueError, match="2 "):
        equations.tag_number(r"a \tag{1} \\ b \tag{2}")
    with pytest.raises(TypeError, match="latex"):
        equations.tag_number(6)


def test_labelled_equations_show_and_link_the_paper_number(tmp_path):
    html, warnings = _build(tmp_path, {
        "one": """\
            # One

            $$
            x = 1 \\tag{6}
            $$ (eq-one-x)

            $$
            \\begin{aligned} y &= 2 \\\\ z &= 3 \\end{aligned} \\tag{12}
            $$ (eq-one-y)

            See {eq}`eq-one-y` and {eq}`eq-one-x`.
            """,
        "two": """\
            # Two

            From the other page: {eq}`eq-one-y`.
            """,
    })
    assert warnings == ""
    one = html["one"]
    assert re.search(r'<span class="eqno">\(6\)', one) and re.search(r'<span class="eqno">\(12\)', one)
    assert "\\tag" not in one, "the number is printed once, by Sphinx"
    assert re.search(r'href="#equation-eq-one-y"[^>]*>\(12\)', one)
    assert re.search(r'href="#equation-eq-one-x"[^>]*>\(6\)', one)
    assert re.search(r'href="one.html#equation-eq-one-y"[^>]*>\(12\)', html["two"])


def test_a_labelled_equation_without_tag_warns(tmp_path):
    _, warnings = _build(tmp_path, {"one": "# One\n\n$$\nx = 1\n$$ (eq-one-x)\n"})
    assert "eq-one-x" in warnings and "no \\tag" in warnings


def test_duplicate_labels_warn(tmp_path):
    _, warnings = _build(tmp_path, {
        "one": "# One\n\n$$\nx = 1 \\tag{1}\n$$ (eq-x)\n",
        "two": "# Two\n\n$$\nx = 2 \\tag{2}\n$$ (eq-x)\n",
    })
    assert "duplicate label of equation eq-x" in warnings
