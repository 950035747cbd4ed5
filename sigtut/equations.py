"""The paper's equation numbers in the book: a labelled equation is numbered as in the paper.

The chapters display the paper's equations with the paper's own number, ``\\tag{6}``, and
label them so that the prose can link to them with ``{eq}``::

    $$
    \\mathbb{H}_M = \\dots \\tag{6}
    $$ (eq-02-hm)

    ... the bound {eq}`eq-02-hm` ...

Sphinx would number a labelled equation by its position on its page, (1), (2), ..., and
print that number beside MathJax's ``\\tag``, so eq. (6) of the paper would read "(1) (6)"
and be linked as "(1)". This Sphinx extension moves the tag into Sphinx's own number
instead: the equation shows "(6)" once, and every ``{eq}`` link to it, from any page, reads
"(6)", the paper's number. A labelled equation without a ``\\tag{N}`` keeps Sphinx's
position number, with a warning (an error under ``-W``), because on a page whose numbers
are the paper's a position number would be read as one of the paper's.

The Colab notebooks get the same numbers from :mod:`sigtut.notebooks`, which reads the
tags with :func:`tag_number`.
"""
from __future__ import annotations

import re
from typing import Any

from docutils import nodes

_TAG = re.compile(r"\\tag\{\s*(?P<number>[^{}]+?)\s*\}")


def tag_number(latex: str) -> str | None:
    """The ``N`` of the one ``\\tag{N}`` in ``latex``, or None when it has no tag.

    Raises:
        TypeError: ``latex`` is not a string.
        ValueError: ``latex`` carries more than one tag.
    """
    if not isinstance(latex, str):
        raise TypeError(f"latex must be a string, got {type(latex).__name__}")
    tags = _TAG.findall(latex)
    if len(tags) > 1:
        raise ValueError(f"latex carries {len(tags)} \\tag's, one equation has one number: {latex!r}")
    return tags[0] if tags else None


def without_tag(latex: str) -> str:
    """``latex`` with its ``\\tag{N}`` removed (the number is printed by Sphinx instead)."""
    return _TAG.sub("", latex).rstrip()


def _number(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def number_by_tag(app: Any, doctree: nodes.document) -> None:
    """``doctree-read``: give each labelled display equation of the page its ``\\tag`` as number."""
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    domain = app.env.get_domain("math")
    docname = app.env.docname
    for node in doctree.findall(nodes.math_block):
        label = node.get("label")
        if not label:
            continue
        latex = node.astext()
        try:
            tag = tag_number(latex)
        except ValueError as error:
            logger.warning(str(error), location=node)
            continue
        if tag is None:
            logger.warning(f"the labelled equation {label!r} has no \\tag{{N}}: it is numbered "
                           f"by its position on the page, not as in the paper", location=node)
            continue
        node.children = [nodes.Text(without_tag(latex))]
        node["number"] = _number(tag)
        domain.equations[label] = (docname, _number(tag))


def setup(app: Any) -> dict[str, Any]:
    """Sphinx extension: number labelled equations by their ``\\tag`` (the paper's numbers).

    Sets ``math_numfig`` to False: with it, Sphinx would number equations by the table of
    contents, not by the number each equation carries.
    """
    app.connect("config-inited", lambda app, config: setattr(config, "math_numfig", False))
    app.connect("doctree-read", number_by_tag)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
