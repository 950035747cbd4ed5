"""The results store: every table's ``results/*.json``, written so that no run is ever lost.

A stored result is one JSON object: the set-up that produced it (its *header*: data set or
sizes, profile, steps, optimiser, seeds, the table's protocol version), the runs, their
summary and the provenance of every part it was made in (:mod:`sigtut.provenance`).
Long tables are made in parts (``--merge``); the store guarantees that

- a write is atomic: a temporary file in the same folder is written, flushed to disk and
  renamed over the old one, so a write that fails half-way (disk full, a kill) leaves the
  previous file intact;
- a stored file that does not parse is never overwritten: :class:`StoredResultError`
  names it, and the user decides what to do with it;
- everything that could make the final write fail (an unwritable folder, a corrupt stored
  file, a ``--merge`` into a result of another set-up) is found by :func:`prepare`
  *before* any training starts.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from ..provenance import PROVENANCE_FIELDS

SCHEMA = 2          # layout of a stored result; 1 = before method keys (see sigtut.experiments.migrate)


class StoredResultError(ValueError):
    """A stored result cannot be used: it does not parse, or it belongs to another set-up. Names the file."""


class ResultPathError(ValueError):
    """A results file could not be written where it was asked for; names the path."""


def repository_root() -> Path:
    """The repository this package was installed from (holding ``results/``), else the working directory."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").exists() else Path.cwd()


def results_dir() -> Path:
    """Where stored results live: ``$SIGTUT_RESULTS`` if set, else ``<repository>/results``."""
    value = os.environ.get("SIGTUT_RESULTS", "").strip()
    return Path(value).expanduser() if value else repository_root() / "results"


def table_path(table: str, profile_name: str) -> Path:
    """``results/<table>.json`` for the paper profile, ``results/<table>-<profile>.json`` otherwise."""
    return results_dir() / (f"{table}.json" if profile_name == "paper" else f"{table}-{profile_name}.json")


def grids_dir(out: Path) -> Path:
    """The folder of the per-run sample grids that belong to the results file ``out``."""
    return out.with_name(out.stem + "-samples")


def read(path: str | os.PathLike) -> dict[str, Any]:
    """A stored result, migrated to the current layout.

    Raises:
        FileNotFoundError: the file does not exist (the message says how it is made).
        StoredResultError: the file is not a JSON object (it is left untouched).
    """
    from .migrate import migrate

    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p} does not exist; run the command in its chapter to create it")
    try:
        payload = json.loads(p.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise StoredResultError(f"{p} is not valid JSON ({err}); it was left as it is: repair or move it, "
                                "then run the command again") from err
    if not isinstance(payload, dict):
        raise StoredResultError(f"{p} holds a {type(payload).__name__}, not a stored result object")
    return migrate(payload)


def load(path: str | os.PathLike) -> dict[str, Any] | None:
    """The stored result at ``path``, or None when there is none yet (a corrupt file still raises)."""
    return read(path) if Path(path).exists() else None


def write(path: str | os.PathLike, payload: Mapping[str, Any]) -> Path:
    """Write ``payload`` (which must carry the provenance fields) as indented JSON, atomically, in schema :data:`SCHEMA`."""
    missing = set(PROVENANCE_FIELDS) - set(payload)
    if missing:
        raise ValueError(f"payload lacks provenance field(s) {sorted(missing)}")
    return write_json(path, {"schema": SCHEMA, **payload})


def write_json(path: str | os.PathLike, payload: Any) -> Path:
    """Atomic JSON write: temporary file in the same folder, fsync, ``os.replace``, fsync of the folder."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"   # serialise first: a bad payload writes nothing
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:                                  # make the rename itself durable (not possible on every platform)
        dir_fd = os.open(out.parent, os.O_RDONLY)
    except OSError:
        return out
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
    return out


def check_writable(path: str | os.PathLike) -> Path:
    """Fail now, not after hours of training, when ``path`` could not be written.

    Creates the folder if needed and writes and removes a probe file beside ``path``.

    Raises:
        ResultPathError: ``path`` is a folder, or its folder cannot be created or written (names both).
    """
    out = Path(path)
    if out.is_dir():
        raise ResultPathError(f"output path {out} is a folder; give a file name such as {out / 'result.json'}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".probe", dir=out.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise ResultPathError(f"cannot write the results file {out}: {err.strerror or err} "
                         f"(folder {out.parent}); choose another --out or fix its permissions") from err
    return out


def check_compatible(stored: Mapping[str, Any], header: Mapping[str, Any], path: str | os.PathLike,
                     keys: Iterable[str], growing: Iterable[str] = ()) -> None:
    """Raise StoredResultError unless ``stored`` was made with the same ``keys`` of ``header``.

    A key in ``growing`` names a mapping that later versions of sigtut extend (the peers' specs):
    there every entry ``stored`` has must equal ``header``'s, and ``header`` may hold more.
    """
    growing = set(growing)
    for key in keys:
        old, new = stored.get(key), header.get(key)
        extended = (key in growing and isinstance(old, Mapping) and isinstance(new, Mapping)
                    and old.items() <= new.items())
        if old != new and not extended:
            raise StoredResultError(f"cannot merge into {path}: {key} differs (stored {stored.get(key)!r}, "
                                    f"this run {header.get(key)!r}); run without --merge to replace it, "
                                    "or with the stored settings")


def prepare(path: str | os.PathLike, header: Mapping[str, Any], merge: bool,
            keys: Iterable[str], growing: Iterable[str] = ()) -> dict[str, Any] | None:
    """Every check of a table run that can be made before training; returns the stored result to merge into.

    Args:
        path: the results file the run will write.
        header: the run's set-up (the fields it will store), compared on ``keys`` with the stored one.
        merge: whether the run adds to the stored result (``--merge``) or replaces it.
        keys: the header fields a merged result must share.
        growing: those of ``keys`` that may gain entries (:func:`check_compatible`).

    Returns:
        The stored result when ``merge`` is set and one exists, else None.

    Raises:
        ResultPathError: the path cannot be written. StoredResultError: the stored file is corrupt (even
        without ``merge``: it is never silently overwritten) or, with ``merge``, of another set-up.
    """
    check_writable(path)
    stored = load(path)                          # a corrupt stored file raises here, whether merging or not
    if merge and stored is not None:
        check_compatible(stored, header, path, keys, growing)
        return stored
    return None


PART_FIELDS = (*PROVENANCE_FIELDS, "threads", "processes", "note")


def parts_of(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The parts a result was made in (``--merge``); a result made in one go is its own single part.

    Each part names its ``groups`` (the rows it ran) and carries its own provenance.
    """
    if result.get("parts"):
        return [dict(p) for p in result["parts"]]
    return [{"groups": list(dict.fromkeys(r["group"] for r in result["runs"])),
             **{k: result[k] for k in PART_FIELDS if k in result}}]


def merge(stored: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, Any]:
    """Add the runs of ``new`` to a ``stored`` result of the same set-up (checked by :func:`prepare`).

    Runs of the groups in ``new`` replace any stored runs of those groups; the others are kept.
    The merged result lists every part with its own provenance under ``parts`` (a part whose
    runs a later part replaced names them in ``replaced_later``); its top-level provenance is
    the newest part's, its ``wall_seconds`` the sum over parts and its ``seeds`` every seed
    that a run of it used. The caller orders the runs and recomputes the summary.
    """
    if stored is None:
        return {**new, "parts": parts_of(new)}
    new_groups = {r["group"] for r in new["runs"]}
    parts = []
    for p in parts_of(stored):
        replaced = sorted(set(p["groups"]) & new_groups | set(p.get("replaced_later", [])))
        parts.append({**p, "replaced_later": replaced} if replaced else p)
    parts.extend(parts_of(new))
    runs = [r for r in stored["runs"] if r["group"] not in new_groups] + list(new["runs"])
    merged = {**new, "runs": runs, "parts": parts}
    merged["wall_seconds"] = round(sum(p["wall_seconds"] for p in parts), 2)
    merged["seeds"] = sorted({r["seed"] for r in runs})
    return merged


def part_of(result: Mapping[str, Any], group: str) -> dict[str, Any]:
    """The part of a stored result whose runs of ``group`` it holds (the last part that ran it).

    A part run on another machine carries a ``note``; its seconds do not compare with the others'.
    """
    holding = [p for p in parts_of(result) if group in p["groups"]]
    if not holding:
        raise ValueError(f"group {group!r} has no runs in this result; it holds {list(result['summary'])}")
    return holding[-1]


def merge_runs(stored: Mapping[str, Any] | None, new: dict[str, Any], order: Callable[[dict[str, Any]], Any],
               summarise: Callable[[list[dict[str, Any]]], dict[str, Any]]) -> dict[str, Any]:
    """:func:`merge` ``new`` into ``stored``, its runs sorted by ``order`` and its summary recomputed."""
    result = merge(stored, new)
    result["runs"].sort(key=order)
    result["summary"] = summarise(result["runs"])
    return result
