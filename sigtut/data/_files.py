"""Where data files live and how they are checked and downloaded (shared by MNIST and CIFAR-10).

Files are looked up in ``$SIGTUT_DATA/<data set>`` when the environment variable
``SIGTUT_DATA`` is set, else in ``~/.cache/sigtut/<data set>``. A file is accepted only
when its MD5 checksum matches the published one; a download is written to a ``.part``
file first and kept only when its checksum matches.
"""
from __future__ import annotations

import hashlib
import os
import shutil
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


def download(name: str, expected_md5: str, folder: str | os.PathLike, mirrors: Sequence[str], where_to_put: str) -> Path:
    """Return ``folder/name`` after checking its MD5, downloading it from ``mirrors`` when absent.

    The URL of the file on a mirror is ``mirror/name``. The download streams to
    ``folder/name.part`` and is renamed to ``folder/name`` only when its MD5 matches.

    Args:
        where_to_put: the last line of the error raised when no mirror can be reached,
            telling the user where to put the file(s) by hand.

    Raises:
        ChecksumError: the file on disk, or the one downloaded, has the wrong MD5.
        ConnectionError: the file is absent and no mirror could be reached.
    """
    path = Path(folder) / name
    if path.exists():
        return verify(path, expected_md5)
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + name
        tmp = path.with_suffix(path.suffix + ".part")
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                path.parent.mkdir(parents=True, exist_ok=True)
                with open(tmp, "wb") as out:
                    shutil.copyfileobj(response, out, 1 << 20)
        except (urllib.error.URLError, OSError) as err:
            tmp.unlink(missing_ok=True)
            failures.append(f"{url}: {err}")
            continue
        got = md5(tmp)
        if got != expected_md5:
            tmp.unlink()
            raise ChecksumError(f"{url} sent a file with MD5 {got}, expected {expected_md5}; not saved")
        os.replace(tmp, path)
        return path
    raise ConnectionError(
        f"cannot find {path} and cannot download {name}; tried:\n  " + "\n  ".join(failures) + "\n" + where_to_put
    )
