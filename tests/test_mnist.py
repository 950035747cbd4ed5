"""MNIST IDX parsing, checksum verification and Stacked MNIST (sigtut.data.mnist)."""
import gzip
import struct

import numpy as np
import pytest
import torch

from sigtut.data.mnist import ChecksumError, fetch, md5, mnist, parse_idx, stack_digits, stacked_mnist


def idx_bytes(array: np.ndarray, type_byte: int) -> bytes:
    """An IDX file written by hand: two zero bytes, type, ndim, big-endian sizes, big-endian data."""
    header = bytes([0, 0, type_byte, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def test_parse_idx_reads_ubyte_images_and_gzip():
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    raw = idx_bytes(images, 0x08)
    np.testing.assert_array_equal(parse_idx(raw), images)
    np.testing.assert_array_equal(parse_idx(gzip.compress(raw)), images)


def test_parse_idx_reads_big_endian_int32_and_float():
    ints = np.array([1, -2, 70000], dtype=np.int32)
    floats = np.array([[0.5, -1.25]], dtype=np.float32)
    np.testing.assert_array_equal(parse_idx(idx_bytes(ints, 0x0C)), ints)
    np.testing.assert_array_equal(parse_idx(idx_bytes(floats, 0x0D)), floats)


def test_parse_idx_rejects_bad_files():
    good = idx_bytes(np.zeros((2, 2), dtype=np.uint8), 0x08)
    with pytest.raises(ValueError, match="two zero bytes"):
        parse_idx(b"\x01" + good[1:])
    with pytest.raises(ValueError, match="data bytes"):
        parse_idx(good[:-1])
    with pytest.raises(ValueError, match="type byte"):
        parse_idx(good[:2] + b"\x07" + good[3:])


def test_fetch_accepts_a_file_with_the_right_md5(tmp_path):
    (tmp_path / "f.gz").write_bytes(b"payload")
    assert fetch("f.gz", md5(tmp_path / "f.gz"), tmp_path, mirrors=()) == tmp_path / "f.gz"


def test_fetch_names_the_file_on_a_bad_checksum(tmp_path):
    (tmp_path / "f.gz").write_bytes(b"corrupt")
    with pytest.raises(ChecksumError, match="f.gz has MD5 .* expected 0123"):
        fetch("f.gz", "0123", tmp_path, mirrors=())


def test_fetch_rejects_a_download_with_a_bad_checksum(tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "f.gz").write_bytes(b"tampered")
    target = tmp_path / "data"
    with pytest.raises(ChecksumError, match="expected 0123; not saved"):
        fetch("f.gz", "0123", target, mirrors=(mirror.as_uri() + "/",))
    assert not (target / "f.gz").exists()


def test_fetch_without_network_says_where_to_put_the_files(tmp_path):
    unreachable = (tmp_path / "no-such-mirror").as_uri() + "/"
    with pytest.raises(ConnectionError, match="SIGTUT_DATA"):
        fetch("f.gz", "0123", tmp_path / "data", mirrors=(unreachable,))


def test_stack_digits_labels_match_the_stacked_digits():
    images = torch.arange(5, dtype=torch.float32).view(5, 1, 1, 1).expand(5, 1, 28, 28)
    labels = torch.tensor([7, 3, 0, 9, 4])
    index = torch.tensor([[0, 1, 2], [4, 4, 3]])
    stacked, triple = stack_digits(images, labels, index)
    assert stacked.shape == (2, 3, 28, 28)
    assert triple.tolist() == [730, 449]
    assert stacked[1, :, 5, 5].tolist() == [4.0, 4.0, 3.0]


def test_mnist_and_stacked_mnist_from_the_offline_copy(data_dir, monkeypatch):
    monkeypatch.setenv("SIGTUT_DATA", data_dir)
    images, labels = mnist(train=False)
    assert images.shape == (10_000, 1, 28, 28) and images.dtype == torch.float32
    assert float(images.min()) == -1.0 and float(images.max()) == 1.0
    assert torch.bincount(labels).tolist()[:3] == [980, 1135, 1032]   # LeCun's published test counts
    x, y = stacked_mnist(50, seed=3, train=False)
    x2, y2 = stacked_mnist(50, seed=3, train=False)
    assert torch.equal(x, x2) and torch.equal(y, y2)
    assert x.shape == (50, 3, 28, 28) and int(y.min()) >= 0 and int(y.max()) <= 999
    # each channel is an MNIST test image whose label is the matching digit of the triple
    for i in range(5):
        for c, digit in enumerate((int(y[i]) // 100, int(y[i]) // 10 % 10, int(y[i]) % 10)):
            match = (images[:, 0] == x[i, c]).flatten(1).all(1).nonzero().flatten()
            assert match.numel() >= 1 and digit in labels[match].tolist()
