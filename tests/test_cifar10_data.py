"""The CIFAR-10 reader on tiny files in the real pickle format, its checksums, and the synthetic stand-in."""
import io
import pickle
import sys
import tarfile

import numpy as np
import pytest
import torch

from sigtut.data import SyntheticClassifier, cifar10, cifar10_available, synthetic_cifar10
from sigtut.data.cifar10 import FOLDER, TARBALL, TEST_BATCHES, TRAIN_BATCHES, read_batch
from sigtut.data.mnist import ChecksumError

CIFAR10_MODULE = sys.modules["sigtut.data.cifar10"]   # sigtut.data.cifar10 is the function


def batch_dict(pixels: np.ndarray, labels: list[int]) -> dict:
    """A batch as the python release stores it: rows of 1,024 red, green, then blue pixels."""
    n = pixels.shape[0]
    return {"batch_label": "testing batch", "labels": labels, "data": pixels.reshape(n, 3072),
            "filenames": [f"img_{i}.png" for i in range(n)]}


def write_release(folder, per_batch: int = 3, seed: int = 0) -> dict[str, np.ndarray]:
    """Write all six batch files into folder/cifar-10-batches-py; return the pixels written per file."""
    rng = np.random.default_rng(seed)
    (folder / FOLDER).mkdir(parents=True)
    written = {}
    for k, name in enumerate(TRAIN_BATCHES + TEST_BATCHES):
        pixels = rng.integers(0, 256, (per_batch, 3, 32, 32), dtype=np.uint8)
        labels = [(k + i) % 10 for i in range(per_batch)]
        with open(folder / FOLDER / name, "wb") as fh:
            pickle.dump(batch_dict(pixels, labels), fh, protocol=2)
        written[name] = pixels
    return written


def test_read_batch_keeps_the_channel_planes_and_labels(tmp_path):
    pixels = np.zeros((2, 3, 32, 32), dtype=np.uint8)
    pixels[0, 0, 0, 0] = 255          # red, top-left pixel of image 0: entry 0 of its row
    pixels[1, 2, 31, 31] = 7          # blue, bottom-right pixel of image 1: entry 3071 of its row
    with open(tmp_path / "b", "wb") as fh:
        pickle.dump(batch_dict(pixels, [3, 9]), fh, protocol=2)
    images, labels = read_batch(tmp_path / "b")
    assert batch_dict(pixels, [3, 9])["data"][1, 3071] == 7
    np.testing.assert_array_equal(images, pixels)
    assert labels.tolist() == [3, 9] and labels.dtype == np.int64


def test_cifar10_reads_the_folder_with_verify_off(tmp_path):
    assert not cifar10_available(tmp_path)
    written = write_release(tmp_path)
    assert cifar10_available(tmp_path)
    images, labels = cifar10(train=True, root=tmp_path, verify=False)
    assert images.shape == (15, 3, 32, 32) and images.dtype == torch.float32
    assert labels.dtype == torch.int64 and labels.tolist()[:3] == [0, 1, 2]
    assert float(images.min()) >= -1.0 and float(images.max()) <= 1.0
    expected = np.concatenate([written[name] for name in TRAIN_BATCHES])
    assert torch.equal(images, torch.from_numpy(expected).float() / 127.5 - 1.0)
    test_images, test_labels = cifar10(train=False, root=tmp_path, verify=False)
    assert test_images.shape == (3, 3, 32, 32) and test_labels.tolist() == [5, 6, 7]


def test_cifar10_with_verify_names_the_file_whose_md5_differs(tmp_path):
    write_release(tmp_path)
    with pytest.raises(ChecksumError, match="data_batch_1 has MD5 .* expected c99cafc152244af753f735de768cd75f"):
        cifar10(train=True, root=tmp_path)
    with pytest.raises(ChecksumError, match="test_batch has MD5"):
        cifar10(train=False, root=tmp_path)


def _tarball(tmp_path):
    source = tmp_path / "source"
    write_release(source)
    target = tmp_path / "data"
    target.mkdir()
    with tarfile.open(target / TARBALL, "w:gz") as tar:
        tar.add(source / FOLDER, arcname=FOLDER)
        info = tarfile.TarInfo("../escape")        # a member outside the folder is never extracted
        payload = b"x"
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    return target


def test_cifar10_extracts_the_tarball(tmp_path):
    target = _tarball(tmp_path)
    images, _ = cifar10(train=False, root=target, verify=False)
    assert images.shape == (3, 3, 32, 32)
    assert (target / FOLDER / "data_batch_5").exists() and not (tmp_path / "escape").exists()


def test_cifar10_with_verify_rejects_a_foreign_tarball(tmp_path):
    target = _tarball(tmp_path)
    with pytest.raises(ChecksumError, match="cifar-10-python.tar.gz has MD5 .* expected c58f30108f718f92721af3b95e74349a"):
        cifar10(root=target)
    assert not (target / FOLDER).exists()


def test_cifar10_without_files_or_network_says_where_to_put_them(tmp_path, monkeypatch):
    monkeypatch.setattr(CIFAR10_MODULE, "URL", (tmp_path / "no-such-mirror").as_uri() + "/")
    monkeypatch.setenv("SIGTUT_DATA", str(tmp_path))
    with pytest.raises(ConnectionError, match=r"cifar-10-python.tar.gz by hand .* in .*cifar10; or set SIGTUT_DATA"):
        cifar10()


def test_a_pickle_that_would_run_code_is_refused(tmp_path):
    class Payload:
        def __reduce__(self):
            return (print, ("this must not run",))
    with open(tmp_path / "evil", "wb") as fh:
        pickle.dump({"data": Payload(), "labels": []}, fh, protocol=2)
    with pytest.raises(ValueError, match="refusing to load .*print"):
        read_batch(tmp_path / "evil")


def test_read_batch_rejects_wrong_shapes_and_labels(tmp_path):
    def write(entry):
        with open(tmp_path / "b", "wb") as fh:
            pickle.dump(entry, fh, protocol=2)
        return tmp_path / "b"
    pixels = np.zeros((2, 3, 32, 32), dtype=np.uint8)
    with pytest.raises(ValueError, match=r"shape \(n, 3072\)"):
        read_batch(write({"data": np.zeros((2, 100), np.uint8), "labels": [0, 1]}))
    with pytest.raises(ValueError, match="2 images but 'labels'"):
        read_batch(write(batch_dict(pixels, [0])))
    with pytest.raises(ValueError, match="0..9"):
        read_batch(write(batch_dict(pixels, [0, 10])))
    with pytest.raises(ValueError, match="'data' and 'labels'"):
        read_batch(write({"pixels": 1}))


def test_synthetic_set_is_seeded_in_range_and_read_exactly_by_its_classifier():
    x, y = synthetic_cifar10(400, seed=1)
    x2, y2 = synthetic_cifar10(400, seed=1)
    assert torch.equal(x, x2) and torch.equal(y, y2)
    assert x.shape == (400, 3, 32, 32) and float(x.min()) >= -1 and float(x.max()) <= 1
    assert torch.bincount(y, minlength=10).min() > 20
    pixels = ((x + 1) * 127.5).round().to(torch.uint8)
    assert torch.equal(SyntheticClassifier()(pixels).argmax(1), y)
    with pytest.raises(ValueError, match="uint8"):
        SyntheticClassifier()(x)
