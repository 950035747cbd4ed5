"""Where data files live and how they are checked and downloaded (shared by MNIST and CIFAR-10).

Files are looked up in ``$SIGTUT_DATA/<data set>`` when the environment variable
``SIGTUT_DATA`` is set, else in ``~/.cache/sigtut/<data set>``. A file is accepted only
when its MD5 checksum matches the published one; a download is written to a temporary
file in the same folder and renamed to its name only when complete and its checksum matches,
so an interrupted or cut-short download never leaves a partial file.
"""
from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path


class ChecksumError(ValueError):
    """A data file's MD5 checksum differs from the published one; the message names the file."""


def data_root() -> Path:
    """The folder that holds data sets: ``$SIGTUT_DATA`` if set, else ``~/.cache/sigtut``."""
    value = os.environ.get("SIGTUT_DATA", "").strip()
    return Path(value).expanduser() if value else Path.home() / ".cache" / "sigtut"


def md5(path: str | os.PathLike) -> str:
    """Hex MD5 digest of a file."""
    digest = hashlib.md5()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(path: Path, expected_md5: str) -> Path:
    """Return ``path`` when its MD5 is ``expected_md5``; raise :class:`ChecksumError` naming it otherwise."""
    got = md5(path)
    if got != expected_md5:
        raise ChecksumError(
            f"{path} has MD5 {got}, expected {expected_md5}: the file is corrupt or not the "
            "original; delete it and run again to download it afresh"
        )
    return path


class IncompleteDownload(OSError):
    """A mirror sent fewer bytes than it announced (Content-Length)."""


def _receive(url: str, folder: Path, name: str) -> Path:
    """Stream ``url`` into a new temporary file in ``folder``; return it once complete.

    The file is removed when anything goes wrong (also on KeyboardInterrupt), so no partial
    file is left behind.
    """
    with urllib.request.urlopen(url, timeout=60) as response:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(response, out, 1 << 20)
                received = out.tell()
            headers = getattr(response, "headers", None)
            announced = headers.get("Content-Length") if headers is not None else None
            if announced is not None and announced.isdigit() and received != int(announced):
                raise IncompleteDownload(f"received {received} of {announced} bytes")
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return tmp


def download(name: str, expected_md5: str, folder: str | os.PathLike, mirrors: Sequence[str], where_to_put: str) -> Path:
    """Return ``folder/name`` after checking its MD5, downloading it from ``mirrors`` when absent.

    The URL of the file on a mirror is ``mirror/name``. The download streams to a temporary
    file in ``folder`` and is renamed to ``folder/name`` (``os.replace``) only when it is
    complete and its MD5 matches. A mirror that cannot be reached, breaks off (an
    ``http.client.IncompleteRead``, a reset connection), sends fewer bytes than announced or
    a file with another MD5 is skipped for the next one.

    Args:
        where_to_put: the last line of the error raised when no mirror can be reached,
            telling the user where to put the file(s) by hand.

    Raises:
        ChecksumError: the file on disk has the wrong MD5, or every mirror that sent a
            whole file sent one with the wrong MD5.
        ConnectionError: the file is absent and no mirror delivered it; the message lists
            each mirror's failure.
    """
    path = Path(folder) / name
    if path.exists():
        return verify(path, expected_md5)
    failures, bad_checksums = [], []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + name
        try:
            tmp = _receive(url, path.parent, name)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as err:
            failures.append(f"{url}: {type(err).__name__}: {err}")
            continue
        got = md5(tmp)
        if got != expected_md5:
            tmp.unlink()
            bad_checksums.append(f"{url} sent a file with MD5 {got}, expected {expected_md5}; not saved")
            continue
        os.replace(tmp, path)
        return path
    if bad_checksums and not failures:
        raise ChecksumError("; ".join(bad_checksums))
    raise ConnectionError(
        f"cannot find {path} and cannot download {name}; tried:\n  " + "\n  ".join(failures + bad_checksums)
        + "\n" + where_to_put
    )
