"""Numbers of the prose taken from the cells that compute them (myst-nb's ``glue``).

A chapter's sentence such as "SIG finds all 25 modes in 4 of 5 seeds" must not drift from
the stored run it describes. The cell that reads the run glues the number::

    glue("sig_covering_seeds", q.covering_seeds(result, "sig"))

and the prose writes ``{glue:text}`sig_covering_seeds:.0f```; the HTML book then prints the
value the cell computed when the page was built. :func:`glue` calls :func:`myst_nb.glue`
(with ``display=False``: the value shows only where the prose asks for it) when myst-nb is
installed, as it is for the book's build; in Colab, where sigtut is installed without the
book's extras, it does nothing, and the notebook's text names the value instead (see
:mod:`sigtut.notebooks`).
"""
from __future__ import annotations

import numbers
import re
from typing import Any

_NAME = re.compile(r"[A-Za-z_][\w-]*")


def plain(value: Any) -> Any:
    """``value`` as a Python ``int`` or ``float`` when it is a number (numpy, torch, sympy).

    myst-nb reads a glued value back from its ``repr`` and formats it with the role's
    format spec; ``np.float64(0.5)`` or a 0-d tensor would not read back as a number.
    """
    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        value = value.item()                 # numpy scalar or 0-d array / tensor
    if isinstance(value, bool) or not isinstance(value, numbers.Number):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


def glue(name: str, value: Any) -> Any:
    """Record ``value`` under ``name`` for the page's ``{glue:text}`` roles; return it.

    A number is recorded as a plain ``int`` or ``float`` (:func:`plain`), so that the
    role's format spec (``:.1f``, ``:,d``) applies to it.

    Args:
        name: the key the prose uses, ``{glue:text}`name:.1f```; letters, digits, ``_``, ``-``.
        value: the number (or text) a cell computed from a stored result.

    Raises:
        TypeError: ``name`` is not a string.
        ValueError: ``name`` is empty or not a plain key.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    if not _NAME.fullmatch(name):
        raise ValueError(f"name must be letters, digits, '_' or '-' (a plain key), got {name!r}")
    try:
        from myst_nb import glue as myst_glue
    except ImportError:   # Colab: no book extras; the notebook's text names the value
        return value
    myst_glue(name, plain(value), display=False)
    return value
