"""Issue 17, item 3: a cut-short download tries the next mirror and leaves no partial file.

urllib.request.urlopen is replaced by fake responses: these tests never touch the network.
"""
import hashlib
import http.client
import io

import pytest

from sigtut.data import _files
from sigtut.data._files import ChecksumError, download

PAYLOAD = b"the real file " * 1000
GOOD_MD5 = hashlib.md5(PAYLOAD).hexdigest()


class FakeResponse:
    """A urlopen response: ``body`` is served; ``length`` is the announced Content-Length;
    ``fail`` is raised once ``fail_after`` bytes have been read."""

    def __init__(self, body: bytes, length: int | None = None, fail: BaseException | None = None,
                 fail_after: int = 0) -> None:
        self._body = io.BytesIO(body)
        self.headers = {} if length is None else {"Content-Length": str(length)}
        self._fail, self._fail_after, self._read = fail, fail_after, 0

    def read(self, n: int = -1) -> bytes:
        if self._fail is not None and self._read >= self._fail_after:
            raise self._fail
        chunk = self._body.read(min(n, 512) if n and n > 0 else 512)
        self._read += len(chunk)
        return chunk

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


def _serve(monkeypatch, responses: dict):
    """Answer urlopen(url) from ``responses`` (mirror prefix -> response factory); record the calls."""
    calls = []

    def fake_urlopen(url, timeout=None):
        calls.append(url)
        for prefix, make in responses.items():
            if url.startswith(prefix):
                return make()
        raise AssertionError(f"unexpected URL {url}")

    monkeypatch.setattr(_files.urllib.request, "urlopen", fake_urlopen)
    return calls


MIRRORS = ("https://first.example/", "https://second.example/")


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("first", [
    lambda: FakeResponse(PAYLOAD, len(PAYLOAD),
                         fail=http.client.IncompleteRead(b"x" * 10, len(PAYLOAD) - 10), fail_after=1024),
    lambda: FakeResponse(PAYLOAD, len(PAYLOAD), fail=ConnectionResetError(104, "Connection reset by peer"),
                         fail_after=1024),
    lambda: FakeResponse(PAYLOAD[:2000], len(PAYLOAD)),        # short file, Content-Length announced
    lambda: FakeResponse(PAYLOAD[:2000]),                      # short file, no Content-Length: the MD5 tells
], ids=["incomplete-read", "connection-reset", "short-with-length", "short-without-length"])
def test_a_cut_short_download_tries_the_next_mirror(tmp_path, monkeypatch, first):
    calls = _serve(monkeypatch, {MIRRORS[0]: first, MIRRORS[1]: lambda: FakeResponse(PAYLOAD, len(PAYLOAD))})
    folder = tmp_path / "data"
    path = download("f.gz", GOOD_MD5, folder, MIRRORS, "put f.gz in data/")
    assert calls == [m + "f.gz" for m in MIRRORS]
    assert path.read_bytes() == PAYLOAD
    assert _leftovers(folder) == ["f.gz"]                      # no partial or temporary file left


def test_every_mirror_cut_short_leaves_no_file_and_names_each_failure(tmp_path, monkeypatch):
    _serve(monkeypatch, {
        MIRRORS[0]: lambda: FakeResponse(PAYLOAD, len(PAYLOAD),
                                         fail=http.client.IncompleteRead(b"", 5), fail_after=512),
        MIRRORS[1]: lambda: FakeResponse(PAYLOAD[:100], len(PAYLOAD)),
    })
    folder = tmp_path / "data"
    with pytest.raises(ConnectionError) as info:
        download("f.gz", GOOD_MD5, folder, MIRRORS, "put f.gz in data/")
    message = str(info.value)
    assert "first.example" in message and "second.example" in message and "put f.gz in data/" in message
    assert "IncompleteRead" in message and "100 of" in message
    assert _leftovers(folder) == []


def test_a_wrong_checksum_everywhere_is_a_checksum_error_and_saves_nothing(tmp_path, monkeypatch):
    _serve(monkeypatch, {m: (lambda: FakeResponse(b"tampered", 8)) for m in MIRRORS})
    folder = tmp_path / "data"
    with pytest.raises(ChecksumError, match="second.example.*not saved"):
        download("f.gz", GOOD_MD5, folder, MIRRORS, "put f.gz in data/")
    assert _leftovers(folder) == []


def test_an_interrupt_mid_download_leaves_no_partial_file(tmp_path, monkeypatch):
    _serve(monkeypatch, {MIRRORS[0]: lambda: FakeResponse(PAYLOAD, len(PAYLOAD), fail=KeyboardInterrupt(),
                                                          fail_after=1024)})
    folder = tmp_path / "data"
    with pytest.raises(KeyboardInterrupt):
        download("f.gz", GOOD_MD5, folder, MIRRORS[:1], "")
    assert _leftovers(folder) == []
