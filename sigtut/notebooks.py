"""Build the chapters' Colab notebooks (``book/*.ipynb``) from their MyST sources (``book/*.md``).

Colab renders plain Markdown only, so the notebook form of a chapter differs from its source:

- theorem-like blocks (``{prf:lemma}``, ``{prf:theorem}``, ...), proofs, exercises and
  admonitions become bold-headed Markdown, numbered as in the HTML book;
- every solution becomes an HTML ``<details>`` block, closed until the reader opens it, and
  the code cells of a gated solution (``solution-start`` … ``solution-end``) become
  collapsed cells (Colab's form view, JupyterLab's hidden source);
- ``{cite}``, ``{doc}``, ``{ref}`` and ``{prf:ref}`` become author–year text and links to the
  published book, and ``{bibliography}`` the list of the works the chapter cites;
- a labelled equation (``$$ … \\tag{6} $$ (eq-02-hm)``) loses its label, and ``{eq}`` links
  to it read "(6)", its ``\\tag``, as in the HTML book (:mod:`sigtut.equations`);
- a glued number (``{glue:text}`name:.1f```, :mod:`sigtut.glue`) becomes the value the book's
  build computed, formatted as the role asks, when ``--glued`` names the build's executed
  notebooks (``_build/jupyter_execute/book``, as the publishing workflow does); otherwise its
  name in code font, ```name``` (the cell that glues it prints the value);
- the chapter's set-up cell (tagged ``colab-setup``) gets :mod:`sigtut.colab` in front of it,
  with the repository URL of ``_config.yml`` and a ref: ``main`` for the committed notebooks,
  the published commit for the copies the publishing workflow puts on the ``colab`` branch.

A directive or role this module does not know is an error, so nothing reaches Colab as raw
MyST. ``python -m sigtut.notebooks`` rewrites ``book/*.ipynb``; ``--check`` only reports
notebooks that differ from their source; ``--ref REF --out DIR`` writes stamped copies.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import inspect
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat
import yaml
from pybtex.database import parse_file

from . import colab, equations
from .citations import author_year, formatted_entries

REPO = Path(__file__).resolve().parent.parent
DEFAULT_REF = "main"  # committed notebooks install the branch they are read from
SETUP_TAG = "colab-setup"
SOLUTION_TAG = "solution"

_FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>.*?)[ \t]*$")
_OPTION = re.compile(r"^:(?P<key>[\w-]+):[ \t]*(?P<value>.*)$")
_ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<content>[^`]+)`")
_TARGET = re.compile(r"^\((?P<label>[\w:-]+)\)=[ \t]*$")
_TITLED = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$")
_LABEL_LINK = re.compile(r"\]\(#?(?P<label>[\w:-]+)\)")    # MyST's [text](label) to a target
_MATH_LABEL = re.compile(r"^(?P<indent>[ \t]*)\$\$[ \t]*\((?P<label>[\w:-]+)\)[ \t]*$", re.M)

PROOF_KINDS = {  # sphinx-proof directives and the word the book prints for them
    "prf:lemma": "Lemma", "prf:theorem": "Theorem", "prf:corollary": "Corollary",
    "prf:definition": "Definition", "prf:proposition": "Proposition", "prf:remark": "Remark",
}
ADMONITIONS = {"note": "Note", "tip": "Tip", "important": "Important", "warning": "Warning",
               "caution": "Caution", "attention": "Attention", "hint": "Hint", "seealso": "See also"}


def site_url(repository: str) -> str:
    """The GitHub Pages address of a GitHub repository: github.com/ORG/NAME → https://ORG.github.io/NAME/."""
    match = re.fullmatch(r"https://github\.com/(?P<org>[\w.-]+)/(?P<name>[\w.-]+?)(?:\.git)?/?", repository)
    if match is None:
        raise ValueError(f"repository must be a https://github.com/ORG/NAME URL, got {repository!r}")
    return f"https://{match['org'].lower()}.github.io/{match['name']}/"


def book_config(repo: Path = REPO) -> dict:
    """``_config.yml`` of the book at ``repo``."""
    return yaml.safe_load((repo / "_config.yml").read_text())


def chapter_sources(repo: Path = REPO) -> list[Path]:
    """The chapters' MyST sources in the order of ``_toc.yml``: the pages with a jupytext header.

    The title page and pages without code (the API reference) have no notebook.
    """
    toc = yaml.safe_load((repo / "_toc.yml").read_text())
    pages = [repo / f"{entry['file']}.md" for entry in toc.get("chapters") or []]
    return [md for md in pages if md.read_text().startswith("---\njupytext:")]


# --- parsing -------------------------------------------------------------------------------

@dataclass
class Directive:
    """A MyST directive: ``name``, its argument, ``:key: value`` options and body lines."""

    name: str
    arg: str
    options: dict[str, str]
    body: list[str]


def parse_blocks(lines: list[str]) -> list[str | Directive]:
    """Split Markdown lines into plain lines and top-level directives (nested ones stay in bodies)."""
    blocks: list[str | Directive] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match is None:
            blocks.append(lines[i])
            i += 1
            continue
        fence = match["fence"]
        close = re.compile(rf"^{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        depth, j = 0, i + 1
        while j < len(lines):
            inner = _FENCE.match(lines[j])
            if inner and inner["fence"][0] == fence[0] and len(inner["fence"]) == len(fence):
                depth += 1
            elif close.match(lines[j]):
                if depth == 0:
                    break
                depth -= 1
            j += 1
        if j == len(lines):
            raise ValueError(f"directive {{{match['name']}}} opened by {lines[i]!r} is never closed")
        body, options = lines[i + 1:j], {}
        while body and (option := _OPTION.match(body[0])):
            options[option["key"]] = option["value"]
            body = body[1:]
        blocks.append(Directive(match["name"], match["arg"], options, body))
        i = j + 1
    return blocks


# --- what the book knows: labels, numbers, titles, references -----------------------------

@dataclass
class Target:
    """Where a label points in the HTML book, and how to name it in a notebook."""

    page: str
    text: str
    anchor: str = ""    # the HTML id, where it is not the label itself (equations)


@dataclass
class Book:
    """Numbers, labels and references of the whole book, collected in ``_toc.yml`` order."""

    site: str
    targets: dict[str, Target] = field(default_factory=dict)       # label → target
    numbers: dict[tuple[str, int], str] = field(default_factory=dict)  # (page, index) → "Lemma 2"
    bibfile: Path | None = None
    references: dict = field(default_factory=dict)                 # bibtex key → pybtex Entry
    glued: dict[str, dict[str, str]] = field(default_factory=dict)  # page → glue name → text/plain

    def link(self, page: str, anchor: str = "") -> str:
        return f"{self.site}book/{page}.html" + (f"#{anchor}" if anchor else "")


def _all_directives(lines: list[str]):
    """Yield every directive of ``lines`` in reading order, nested ones after their parent."""
    for block in parse_blocks(lines):
        if isinstance(block, Directive):
            yield block
            yield from _all_directives(block.body)


def collect_book(repo: Path = REPO) -> Book:
    """Titles, labels, theorem/exercise numbers (as sphinx-proof and sphinx-exercise count) and references."""
    book = Book(site=site_url(book_config(repo)["repository"]["url"]))
    counters: dict[str, int] = {}
    for md in chapter_sources(repo):
        page, lines = md.stem, md.read_text().splitlines()
        heading = next(line[2:].strip() for line in lines if line.startswith("# "))
        book.targets[page] = Target(page, heading)
        for i, line in enumerate(lines):
            if target := _TARGET.match(line):
                title = next((h.lstrip("#").strip() for h in lines[i + 1:] if h.startswith("#")), "")
                book.targets[target["label"]] = Target(page, _plain(title))
            if equation := _MATH_LABEL.match(line):
                label = equation["label"]
                if label in book.targets:
                    raise ValueError(f"{page}: the equation label {label!r} is already used in "
                                     f"{book.targets[label].page}; labels are unique in the book")
                book.targets[label] = _equation_target(page, lines, i, label)
        position = 0
        for directive in _all_directives(lines):
            kind = PROOF_KINDS.get(directive.name) or ("Exercise" if directive.name == "exercise" else None)
            if kind is None:
                continue
            counters[kind] = counters.get(kind, 0) + 1
            number = f"{kind} {counters[kind]}"
            book.numbers[(page, position)] = number
            position += 1
            if "label" in directive.options:
                book.targets[directive.options["label"]] = Target(page, number)
    book.bibfile = repo / "book" / "references.bib"
    book.references = dict(parse_file(str(book.bibfile)).entries)
    return book


def _equation_target(page: str, lines: list[str], end: int, label: str) -> Target:
    """The target of the labelled equation that ``lines[end]`` (``$$ (label)``) closes."""
    start = next((j for j in range(end - 1, -1, -1) if lines[j].lstrip().startswith("$$")), None)
    if start is None:
        raise ValueError(f"{page}: the equation label {label!r} closes no $$ block")
    tag = equations.tag_number("\n".join(lines[start + 1:end]) if lines[start].strip() == "$$"
                               else "\n".join(lines[start:end]))
    if tag is None:
        raise ValueError(f"{page}: the labelled equation {label!r} has no \\tag{{N}} (the paper's number)")
    return Target(page, f"({tag})", anchor=f"equation-{label}")


def _plain(text: str) -> str:
    """Heading text without MyST roles (for link texts)."""
    return _ROLE.sub(lambda m: m["content"], text)


# --- conversion -------------------------------------------------------------------------

def glued_values(folder: Path) -> dict[str, dict[str, str]]:
    """The glued values of executed notebooks (e.g. ``_build/jupyter_execute/book``): page → name → text.

    myst-nb's ``glue`` leaves an output whose metadata names the value (``scrapbook``) and
    whose ``text/plain`` (under a ``…/text/plain`` key) is its repr.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"glued must be a folder of executed notebooks, got {folder}")
    values: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                name = output.get("metadata", {}).get("scrapbook", {}).get("name")
                text = next((v for k, v in output.get("data", {}).items() if k.endswith("text/plain")), None)
                if name and text is not None:
                    values.setdefault(path.stem, {})[name] = "".join(text)
    return values


def glue_text(shown: str, spec: str) -> str:
    """A glued value's text as myst-nb's ``{glue:text}`` prints it: the repr, formatted by ``spec``."""
    try:
        value = ast.literal_eval(shown)
    except (ValueError, SyntaxError):
        return shown
    return format(value, spec) if spec else str(value)


class Converter:
    """Turns one chapter's Markdown cells into Colab-readable Markdown, cell by cell."""

    def __init__(self, book: Book, page: str):
        self.book, self.page = book, page
        self.index = 0          # position of the next numbered directive in the chapter
        self.cited: list[str] = []

    def roles(self, text: str) -> str:
        def replace(match: re.Match) -> str:
            role, content = match["role"], match["content"]
            if role in ("cite", "cite:p"):
                keys = [key.strip() for key in content.split(",")]
                unknown = [key for key in keys if key not in self.book.references]
                if unknown:
                    raise ValueError(f"{self.page}: {{cite}} names {', '.join(unknown)}, not in references.bib")
                self.cited += [key for key in keys if key not in self.cited]
                return "(" + "; ".join(author_year(self.book.references[key]) for key in keys) + ")"
            if role in ("doc", "ref", "prf:ref", "numref"):
                titled = _TITLED.match(content)
                text, label = (titled["text"], titled["target"]) if titled else (None, content)
                label = label.removeprefix("book/")
                target = self.book.targets.get(label)
                if target is None:
                    raise ValueError(f"{self.page}: {{{role}}} names {label!r}, which no chapter defines")
                anchor = "" if role == "doc" else (target.anchor or label)
                return f"[{text or target.text}]({self.book.link(target.page, anchor)})"
            if role == "eq":
                target = self.book.targets.get(content)
                if target is None or not target.anchor:
                    raise ValueError(f"{self.page}: {{eq}} names {content!r}, which no equation defines")
                return f"[{target.text}]({self.book.link(target.page, target.anchor)})"
            if role in ("glue", "glue:text"):
                name, _, spec = content.partition(":")
                shown = self.book.glued.get(self.page, {}).get(name)
                return f"`{name}`" if shown is None else glue_text(shown, spec)
            raise ValueError(f"{self.page}: the role {{{role}}} has no notebook form; teach sigtut.notebooks it")

        def link(match: re.Match) -> str:
            target = self.book.targets.get(match["label"])
            if target is None:
                raise ValueError(f"{self.page}: the link to {match['label']!r} names no label of the book")
            return f"]({self.book.link(target.page, target.anchor or match['label'])})"
        text = _MATH_LABEL.sub(lambda m: f"{m['indent']}$$", text)
        return _LABEL_LINK.sub(link, _ROLE.sub(replace, text))

    def markdown(self, lines: list[str]) -> list[str]:
        """Convert plain lines and directives; solution-start/-end are handled by :func:`convert`."""
        out: list[str] = []
        for block in parse_blocks(lines):
            if isinstance(block, str):
                if not _TARGET.match(block):
                    out.append(self.roles(block))
                continue
            out += self.directive(block)
        return out

    def directive(self, d: Directive) -> list[str]:
        name = d.name
        if name in PROOF_KINDS or name == "exercise":
            number = self.book.numbers[(self.page, self.index)]
            self.index += 1
            title = f" ({self.roles(d.arg)})" if d.arg else ""
            return ["", f"**{number}{title}.**", ""] + self.markdown(d.body) + [""]
        if name == "prf:proof":
            return ["", "*Proof.*", ""] + self.markdown(d.body) + ["", "∎", ""]
        if name == "solution":
            return self.details(d) + self.markdown(d.body) + ["", "</details>", ""]
        if name == "admonition" or name in ADMONITIONS:
            title = self.roles(d.arg) if name == "admonition" else ADMONITIONS[name]
            body = [f"**{title}**", ""] + self.markdown(d.body)
            return [""] + [f"> {line}".rstrip() for line in body] + [""]
        if name == "bibliography":
            return self.bibliography()
        raise ValueError(f"{self.page}: the directive {{{name}}} has no notebook form; teach sigtut.notebooks it")

    def details(self, d: Directive) -> list[str]:
        exercise = self.book.targets.get(d.arg.strip())
        summary = f"Solution to {exercise.text}" if exercise else "Solution"
        return ["", "<details>", f"<summary><b>{summary}</b> (click to open)</summary>", ""]

    def bibliography(self) -> list[str]:
        entries = formatted_entries(self.book.bibfile, self.cited)
        return [""] + [f"- [{label}] {' '.join(text.split())}" for label, text in entries] + [""]


def _has_text(lines: list[str]) -> bool:
    return any(line.strip() for line in lines)


def _cell_id(page: str, index: int) -> str:
    return hashlib.sha1(f"{page}:{index}".encode()).hexdigest()[:8]


def setup_source(repository: str, ref: str, chapter_setup: str) -> str:
    """The notebook's first cell: :mod:`sigtut.colab`, then the chapter's own set-up lines."""
    module = inspect.getsource(colab)
    code = module.split('"""', 2)[2].strip()       # without the module docstring
    header = (
        "#@title Set-up: installs sigtut at the version of the book you are reading\n"
        "# In Colab this fetches the book's repository at REF, installs it (keeping Colab's torch)\n"
        "# and moves into its book/ folder; where sigtut is installed already it only imports it.\n"
        "# The code is sigtut/colab.py, copied here by `python -m sigtut.notebooks`.\n"
        f"REPOSITORY = {repository!r}\n"
        f"REF = {ref!r}\n"
    )
    return f"{header}\n{code}\n\n\ninstall_sigtut(REPOSITORY, REF)\n{chapter_setup.strip()}"


def build_notebook(md: Path, book: Book, repository: str, ref: str) -> nbformat.NotebookNode:
    """The Colab notebook of the chapter ``md``: converted Markdown, the set-up, hidden solutions."""
    source = jupytext.read(md, fmt="md:myst")
    page = md.stem
    converter = Converter(book, page)
    cells, in_solution, setups = [], False, 0
    for cell in source.cells:
        tags = list(cell.metadata.get("tags", []))
        if cell.cell_type == "code":
            text = cell.source
            metadata = {"tags": tags} if tags else {}
            if SETUP_TAG in tags:
                setups += 1
                text = setup_source(repository, ref, text)
                metadata["cellView"] = "form"
            if in_solution:
                text = f"#@title Solution code (double-click to show it)\n{text}"
                metadata.update(cellView="form", jupyter={"source_hidden": True},
                                tags=sorted(set(tags) | {SOLUTION_TAG}))
            cells.append(nbformat.v4.new_code_cell(text, metadata=metadata))
            continue
        out: list[str] = []
        continued = in_solution      # this cell's text belongs to a gated solution until its end
        for block in parse_blocks(cell.source.splitlines()):
            if isinstance(block, Directive) and block.name == "solution-start":
                out += converter.details(block)
                in_solution = True
            elif isinstance(block, Directive) and block.name == "solution-end":
                if not in_solution:
                    raise ValueError(f"{page}: solution-end without solution-start")
                out += ["", "</details>", ""] if not continued or _has_text(out) else []
                in_solution = continued = False
            elif isinstance(block, str) and (_TARGET.match(block) or not block.strip()):
                out.append("")
            else:
                if continued and not _has_text(out):
                    out += ["<details>", "<summary><b>Solution</b> (continued; click to open)</summary>", ""]
                out += converter.directive(block) if isinstance(block, Directive) else [converter.roles(block)]
        if in_solution and _has_text(out):
            out += ["", "</details>"]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()
        if text:
            cells.append(nbformat.v4.new_markdown_cell(text))
    if in_solution:
        raise ValueError(f"{page}: solution-start without solution-end")
    first_code = next((c for c in cells if c.cell_type == "code"), None)
    if setups != 1 or first_code is None or SETUP_TAG not in first_code.metadata.get("tags", []):
        raise ValueError(f"{page}: the first code cell must be the chapter's set-up, tagged "
                         f"{SETUP_TAG!r} (found {setups} tagged cells)")
    for index, cell in enumerate(cells):
        cell["id"] = _cell_id(page, index)
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "colab": {"provenance": [], "toc_visible": True},
    }
    return notebook


def write_notebooks(out: Path | None = None, ref: str = DEFAULT_REF, check: bool = False,
                    repo: Path = REPO, glued: Path | None = None) -> list[Path]:
    """Write (or, with ``check``, compare) every chapter's notebook; return the paths that differ.

    ``glued``: a folder of the book build's executed notebooks whose glued values replace the
    names of ``{glue:text}`` roles (:func:`glued_values`).
    """
    book = collect_book(repo)
    if glued is not None:
        book.glued = glued_values(glued)
    repository = book_config(repo)["repository"]["url"]
    differ = []
    for md in chapter_sources(repo):
        text = nbformat.writes(build_notebook(md, book, repository, ref)) + "\n"
        target = (out / md.relative_to(repo) if out else md).with_suffix(".ipynb")
        if target.exists() and target.read_text() == text:
            continue
        differ.append(target)
        if not check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    return differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sigtut.notebooks", description=__doc__.split("\n")[0])
    parser.add_argument("--ref", default=DEFAULT_REF, help="commit, tag or branch the set-up installs (default: main)")
    parser.add_argument("--out", type=Path, help="write book/*.ipynb under this folder instead of the repository")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a notebook differs from its source")
    parser.add_argument("--glued", type=Path,
                        help="executed notebooks of a book build (_build/jupyter_execute/book) whose glued "
                             "values fill the prose's numbers")
    args = parser.parse_args(argv)
    differ = write_notebooks(args.out, args.ref, args.check, glued=args.glued)
    for path in differ:
        print(f"{'differs' if args.check else 'wrote'}: {path}")
    return 1 if args.check and differ else 0


if __name__ == "__main__":
    sys.exit(main())
