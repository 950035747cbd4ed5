"""CIFAR-10 (paper Section 5.4, Table 3) and a synthetic stand-in in the same format.

CIFAR-10 (Krizhevsky, 2009) is read from the python release of the data set, either the
tarball ``cifar-10-python.tar.gz`` or the folder ``cifar-10-batches-py/`` it extracts to,
in ``$SIGTUT_DATA/cifar10`` (else ``~/.cache/sigtut/cifar10``). When neither is there the
tarball is downloaded from the data set's home page and kept only when its MD5 matches.

Each batch file is a pickled dict whose ``data`` entry is a uint8 array (n, 3072), one row
per image holding the 1,024 red, then green, then blue pixels of the 32 × 32 image in
row-major order, and whose ``labels`` entry lists the n class indices 0..9. Pickle files can
run code when loaded; the reader here accepts only the few globals numpy arrays need, so a
foreign file read with ``verify=False`` fails instead of running anything.

The MD5 checksums are those of torchvision's ``CIFAR10`` class
(``torchvision/datasets/cifar.py`` in github.com/pytorch/vision, read at commit
5c2bb42d9594c4d1a2c892fca7279538626b2aad); the tarball's is also the one published on
the data set's page.

Images are returned as float32 (N, 3, 32, 32) in [-1, 1], the range of the generators'
tanh output, like :func:`sigtut.data.mnist`.
"""
from __future__ import annotations

import functools
import os
import pickle
import tarfile
from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn

from .. import _checks
from ._files import data_root, download, verify as verify_md5
from .mnist import to_network_range

URL = "https://www.cs.toronto.edu/~kriz/"
TARBALL = "cifar-10-python.tar.gz"
TARBALL_MD5 = "c58f30108f718f92721af3b95e74349a"
FOLDER = "cifar-10-batches-py"
BATCH_MD5: dict[str, str] = {
    "data_batch_1": "c99cafc152244af753f735de768cd75f",
    "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
    "data_batch_4": "634d18415352ddfa80567beed471001a",
    "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
    "test_batch": "40351d587109b95175f43aff81a1287e",
}
TRAIN_BATCHES = ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5")
TEST_BATCHES = ("test_batch",)
CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
IMAGE_SHAPE = (3, 32, 32)

# the globals a pickled numpy array needs: its reconstructor (numpy 1's and numpy 2's module
# names), ndarray, dtype, and _codecs.encode for byte strings pickled by Python 3
_SAFE_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"), ("numpy", "dtype"), ("_codecs", "encode"),
}


class _ArrayUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in _SAFE_GLOBALS:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}: a CIFAR-10 batch holds only arrays and lists")
        return super().find_class(module, name)


def read_batch(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """One batch file -> pixels uint8 (n, 3, 32, 32) and labels int64 (n,), checked for shape and range."""
    path = Path(path)
    with open(path, "rb") as fh:
        try:
            # latin1 reads the byte strings of the original (Python 2) pickles, as torchvision does
            entry = _ArrayUnpickler(fh, encoding="latin1").load()
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError, IndexError) as err:
            raise ValueError(f"{path} is not a CIFAR-10 batch file: {err}") from err
    if not isinstance(entry, dict) or "data" not in entry or "labels" not in entry:
        raise ValueError(f"{path} is not a CIFAR-10 batch file: expected a dict with 'data' and 'labels'")
    data, labels = np.asarray(entry["data"]), np.asarray(entry["labels"])
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
        raise ValueError(f"{path}: 'data' must be uint8 of shape (n, 3072), got {data.dtype} {data.shape}")
    if labels.shape != (data.shape[0],):
        raise ValueError(f"{path}: {data.shape[0]} images but 'labels' has shape {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"{path}: labels must lie in 0..9, got {labels.min()}..{labels.max()}")
    return data.reshape(-1, *IMAGE_SHAPE), labels.astype(np.int64)


def _extract(tarball: Path, folder: Path) -> None:
    """Extract the batch files of the tarball into ``folder/cifar-10-batches-py``."""
    wanted = {f"{FOLDER}/{name}" for name in BATCH_MD5}
    with tarfile.open(tarball, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.name in wanted]
        if not members:
            raise ValueError(f"{tarball} holds no {FOLDER}/ batch files")
        tar.extractall(folder, members=members, filter="data")


def _batch_files(folder: Path, names: tuple[str, ...], verify: bool) -> list[Path]:
    batches = folder / FOLDER
    if not all((batches / name).exists() for name in names):
        tarball = folder / TARBALL
        if not tarball.exists():
            where = (f"download {URL}{TARBALL} by hand and put it, or the {FOLDER}/ folder it extracts to, "
                     f"in {folder}; or set SIGTUT_DATA to a folder with a cifar10/ subfolder holding it")
            download(TARBALL, TARBALL_MD5, folder, (URL,), where)     # a download is always checked
        elif verify:
            verify_md5(tarball, TARBALL_MD5)
        _extract(tarball, folder)
    paths = [batches / name for name in names]
    if verify:
        for path in paths:
            verify_md5(path, BATCH_MD5[path.name])
    return paths


@functools.lru_cache(maxsize=2)
def _read(files: tuple[tuple[str, int, int], ...]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate batch files, keyed by (path, size, mtime) so that a changed file is read again."""
    parts = [read_batch(path) for path, _, _ in files]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _folder(root: str | os.PathLike | None) -> Path:
    return Path(root).expanduser() if root is not None else data_root() / "cifar10"


def cifar10_available(root: str | os.PathLike | None = None) -> bool:
    """Whether a copy of CIFAR-10 (the tarball or all six batch files) is on disk, without downloading or checking it."""
    folder = _folder(root)
    return (folder / TARBALL).exists() or all((folder / FOLDER / name).exists() for name in BATCH_MD5)


def cifar10(train: bool = True, root: str | os.PathLike | None = None, verify: bool = True) -> tuple[Tensor, Tensor]:
    """CIFAR-10 images float32 (N, 3, 32, 32) in [-1, 1] and labels int64 (N,) in 0..9.

    N is 50,000 for ``train=True`` (the five training batches) and 10,000 for the test set.

    Args:
        train: the training set (True) or the test set.
        root: the folder holding ``cifar-10-batches-py/`` or ``cifar-10-python.tar.gz``;
            default ``$SIGTUT_DATA/cifar10``, else ``~/.cache/sigtut/cifar10``.
        verify: check the MD5 of the tarball (when it is extracted) and of every batch file
            read. A downloaded tarball is checked whatever this says.

    Raises:
        ChecksumError: with ``verify=True``, a file whose MD5 differs; the message names it.
        ConnectionError: no copy on disk and no connection; the message says where to put one.
        ValueError: a batch file that is not in the CIFAR-10 format.
    """
    if not isinstance(train, bool):
        raise TypeError(f"train must be a bool, got {type(train).__name__}")
    if not isinstance(verify, bool):
        raise TypeError(f"verify must be a bool, got {type(verify).__name__}")
    paths = _batch_files(_folder(root), TRAIN_BATCHES if train else TEST_BATCHES, verify)
    pixels, labels = _read(tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths))
    return to_network_range(pixels), torch.from_numpy(labels)


# ---------------------------------------------------------------------------------------------
# A synthetic stand-in: ten classes of 32 × 32 colour images, for CPU demonstrations and tests.

# one background colour per class, in [-1, 1]; any two differ by at least 0.8 in some channel
SYNTHETIC_COLOURS = torch.tensor([
    [-0.8, -0.8, -0.8], [0.8, -0.8, -0.8], [-0.8, 0.8, -0.8], [-0.8, -0.8, 0.8], [0.8, 0.8, -0.8],
    [0.8, -0.8, 0.8], [-0.8, 0.8, 0.8], [0.8, 0.8, 0.8], [0.0, 0.0, 0.0], [0.0, -0.8, 0.8],
])


def synthetic_cifar10(n: int, seed: int = 0) -> tuple[Tensor, Tensor]:
    """n synthetic images (n, 3, 32, 32) in [-1, 1] in CIFAR-10's format, with labels 0..9. Not CIFAR-10.

    Image of class k: the background colour ``SYNTHETIC_COLOURS[k]``, a grey Gaussian blob of
    radius 3–6 pixels at a uniformly drawn position, and pixel noise of standard deviation
    0.05. The class is the background colour, which :class:`SyntheticClassifier` reads
    exactly; the blob's position and size make images of one class differ, so a generator
    that repeats one image is visibly collapsed. Labels are uniform on the ten classes.
    """
    _checks.positive_int("n", n)
    gen = torch.Generator().manual_seed(_checks.seed(seed))
    labels = torch.randint(10, (n,), generator=gen)
    centre = torch.rand(n, 2, 1, 1, generator=gen) * 32                      # (n, 2, 1, 1) in pixels
    radius = 3 + 3 * torch.rand(n, 1, 1, generator=gen)                       # (n, 1, 1)
    grid = torch.arange(32, dtype=torch.float32) + 0.5
    dist2 = (grid.view(1, 32, 1) - centre[:, 0]) ** 2 + (grid.view(1, 1, 32) - centre[:, 1]) ** 2   # (n, 32, 32)
    blob = torch.exp(-dist2 / (2 * radius**2)).unsqueeze(1)                   # (n, 1, 32, 32) in [0, 1]
    background = SYNTHETIC_COLOURS[labels].view(n, 3, 1, 1)
    images = background * (1 - blob) + 0.4 * blob + 0.05 * torch.randn(n, 3, 32, 32, generator=gen)
    return images.clamp(-1, 1), labels


class SyntheticClassifier(nn.Module):
    """The exact classifier of :func:`synthetic_cifar10`: logits from the image's median colour.

    The median of each channel over the pixels is the background colour (the blob covers
    less than half the image), and the logit of class k is −‖median − colour_k‖² / (2 τ²)
    with τ = 0.25 (small enough for confident labels, large enough that no softmax
    probability underflows to 0 in float32). It takes uint8 images (n, 3, H, W) in [0, 255], as the Inception network
    of the scores does, and returns (n, 10) logits; ``num_features`` tells torchmetrics'
    FID their dimension. A score computed with it is not an Inception Score.
    """

    num_features = 10

    def __init__(self, tau: float = 0.25) -> None:
        super().__init__()
        self.tau = _checks.positive("tau", tau)
        self.register_buffer("colours", SYNTHETIC_COLOURS.clone())

    def forward(self, images: Tensor) -> Tensor:
        if images.dtype != torch.uint8 or images.dim() != 4 or images.shape[1] != 3:
            raise ValueError(f"images must be uint8 of shape (n, 3, H, W), got {images.dtype} {tuple(images.shape)}")
        x = images.float().div(127.5).sub(1.0)                                  # back to [-1, 1]
        median = x.flatten(2).median(dim=2).values                              # (n, 3)
        return -torch.cdist(median, self.colours.to(median)).square() / (2 * self.tau**2)   # (n, 10)
