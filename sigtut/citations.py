"""One author–year citation style for the book: in the text, in the reference lists, in Colab.

The HTML book cites with sphinxcontrib-bibtex. Its default lists label entries alphabetically
("[GPAM+14]") while the text reads author–year; this module gives both the same form:
"(Goodfellow et al., 2014)" in the text and "[Goodfellow et al., 2014]" in front of the entry.
Loaded as a Sphinx extension (``_config.yml``: ``sphinx.extra_extensions``), it registers the
pybtex formatting style and the referencing style named :data:`STYLE`; the notebooks
(:mod:`sigtut.notebooks`) format their citations and lists with the same functions.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pybtex.database import Entry, parse_file
from pybtex.plugin import find_plugin, register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle

STYLE = "sigtut_author_year"


def _last_name(person) -> str:
    return re.sub(r"[{}]", "", " ".join(person.prelast_names + person.last_names) or " ".join(person.first_names))


def author_year(entry: Entry) -> str:
    """"Kingma and Welling, 2014", "Goodfellow et al., 2014" (one, two, or three and more authors)."""
    names = [_last_name(p) for p in entry.persons.get("author", [])]
    if not names:
        raise ValueError(f"bibliography entry {entry.key!r} has no author")
    who = names[0] if len(names) == 1 else (" and ".join(names) if len(names) == 2 else f"{names[0]} et al.")
    return f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearLabels(BaseLabelStyle):
    """Labels that read like the citations: "Yin and Zhou, 2018" (a, b, ... added to repeats)."""

    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        labels = [author_year(entry) for entry in entries]
        repeats, seen = Counter(labels), Counter()
        for label in labels:
            if repeats[label] > 1:
                seen[label] += 1
                label = f"{label}{'abcdefghijklmnopqrstuvwxyz'[seen[label] - 1]}"
            yield label


class AuthorYearStyle(PlainStyle):
    """pybtex's plain style (sorted by author, year, title) with author–year labels."""

    default_label_style = AuthorYearLabels


def formatted_entries(bibfile: Path, keys: list[str]) -> list[tuple[str, str]]:
    """(label, entry as Markdown) for ``keys`` of ``bibfile``, in the order of the book's lists."""
    database = parse_file(str(bibfile))
    missing = [key for key in keys if key not in database.entries]
    if missing:
        raise ValueError(f"{bibfile.name} holds no entry {', '.join(missing)}")
    style = AuthorYearStyle()
    markdown = find_plugin("pybtex.backends", "markdown")()
    return [(entry.label, entry.text.render(markdown))
            for entry in style.format_entries(database.entries[key] for key in keys)]


def cite(bibfile_entries: dict[str, Entry], keys: list[str]) -> str:
    """The text of ``{cite}`key1,key2``` as the book prints it: "(Yin and Zhou, 2018; ...)"."""
    return "(" + "; ".join(author_year(bibfile_entries[key]) for key in keys) + ")"


def setup(app):
    """Sphinx extension: register :data:`STYLE` for ``bibtex_default_style`` and ``bibtex_reference_style``."""
    from sphinxcontrib.bibtex.plugin import register_plugin as register_reference_style
    from sphinxcontrib.bibtex.style.referencing import BracketStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

    @dataclass
    class RoundBrackets(AuthorYearReferenceStyle):
        """Author–year in round brackets: (Yin and Zhou, 2018)."""

        bracket_parenthetical: BracketStyle = field(default_factory=lambda: BracketStyle(left="(", right=")"))

    register_plugin("pybtex.style.formatting", STYLE, AuthorYearStyle)
    register_reference_style("sphinxcontrib.bibtex.style.referencing", STYLE, RoundBrackets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
