"""MNIST and Stacked MNIST (paper Section 5.3, Table 2).

MNIST is read from the four original IDX files, parsed here (no torchvision). The files
are looked up in ``$SIGTUT_DATA/mnist`` when the environment variable ``SIGTUT_DATA`` is
set, else in ``~/.cache/sigtut/mnist``; a missing file is downloaded from the usual public
mirrors and accepted only when its MD5 checksum matches the published one.

Images are returned as float32 tensors of shape (N, 1, 28, 28) scaled to [-1, 1], the
range of the DCGAN generator's tanh output (Radford et al., 2016), so that real and
generated images go through the discriminator, the H_M term of eq. (12) and the
classifier on the same scale.

Stacked MNIST (MNIST-3) stacks three independently drawn digits on the channel axis:
a 28×28×3 image whose label 100·a + 10·b + c names one of 1,000 modes (Metz et al., 2017;
Srivastava et al., 2017).
"""
from __future__ import annotations

import functools
import gzip
import os
import struct
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from .. import _checks
from ._files import ChecksumError, data_root, download, md5  # noqa: F401  (ChecksumError, md5: re-exported)

MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

# file name -> MD5 of the gzip file as published on the mirrors
MNIST_FILES: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}

# IDX type byte -> big-endian numpy dtype (LeCun's format description)
_IDX_DTYPES: dict[int, str] = {
    0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8",
}


def parse_idx(raw: bytes) -> np.ndarray:
    """Parse one IDX file (gzip-compressed or not) into a numpy array of its shape and type.

    The IDX header is two zero bytes, a type byte, the number of dimensions n, then n
    big-endian uint32 sizes; the data follow in C order.
    """
    if not isinstance(raw, (bytes, bytearray)):
        raise TypeError(f"raw must be bytes, got {type(raw).__name__}")
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError("raw is not an IDX file: it must start with two zero bytes")
    type_code, ndim = raw[2], raw[3]
    if type_code not in _IDX_DTYPES:
        raise ValueError(f"raw has unknown IDX type byte 0x{type_code:02x}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"raw is truncated: the header announces {ndim} dimensions")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = np.dtype(_IDX_DTYPES[type_code])
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header != expected:
        raise ValueError(f"raw holds {len(raw) - header} data bytes, the header {shape} needs {expected}")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def fetch(name: str, expected_md5: str, folder: str | os.PathLike, mirrors: Sequence[str] = MIRRORS) -> Path:
    """Return ``folder/name`` after checking its MD5, downloading it from ``mirrors`` when absent.

    Raises:
        ChecksumError: the file on disk, or the one downloaded, has the wrong MD5.
        ConnectionError: the file is absent and no mirror could be reached.
    """
    where = f"put the four MNIST files in {Path(folder)} or set SIGTUT_DATA to a folder with an mnist/ subfolder"
    return download(name, expected_md5, folder, mirrors, where)


@functools.lru_cache(maxsize=4)
def _load_raw(train: bool, folder: str) -> tuple[np.ndarray, np.ndarray]:
    split = "train" if train else "t10k"
    images = parse_idx(fetch(f"{split}-images-idx3-ubyte.gz", MNIST_FILES[f"{split}-images-idx3-ubyte.gz"], folder).read_bytes())
    labels = parse_idx(fetch(f"{split}-labels-idx1-ubyte.gz", MNIST_FILES[f"{split}-labels-idx1-ubyte.gz"], folder).read_bytes())
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{split} images and labels differ in number: {images.shape[0]} vs {labels.shape[0]}")
    return images, labels


def to_network_range(pixels: np.ndarray | Tensor) -> Tensor:
    """uint8 pixels in {0, …, 255} -> float32 in [-1, 1], the range of a tanh generator."""
    t = torch.as_tensor(np.asarray(pixels)) if not isinstance(pixels, Tensor) else pixels
    return t.float().div(127.5).sub(1.0)


def mnist(train: bool = True) -> tuple[Tensor, Tensor]:
    """MNIST images and labels: images float32 (N, 1, 28, 28) in [-1, 1], labels int64 (N,).

    N is 60,000 for ``train=True`` and 10,000 for the test set. The parsed files are
    cached in memory, so later calls are fast.
    """
    if not isinstance(train, bool):
        raise TypeError(f"train must be a bool, got {type(train).__name__}")
    images, labels = _load_raw(train, str(data_root() / "mnist"))
    return to_network_range(images).unsqueeze(1), torch.from_numpy(labels.astype(np.int64))


def stack_digits(images: Tensor, labels: Tensor, index: Tensor) -> tuple[Tensor, Tensor]:
    """Stack the digits ``index[:, 0..2]`` on the channel axis: (n, 3, 28, 28) and labels 100a + 10b + c."""
    if index.dim() != 2 or index.shape[1] != 3:
        raise ValueError(f"index must have shape (n, 3), got {tuple(index.shape)}")
    stacked = images[index.flatten(), 0].reshape(index.shape[0], 3, *images.shape[-2:])
    digits = labels[index]                                        # (n, 3)
    return stacked, digits[:, 0] * 100 + digits[:, 1] * 10 + digits[:, 2]


def stacked_mnist(n: int, seed: int = 0, train: bool = True) -> tuple[Tensor, Tensor]:
    """n Stacked MNIST images (n, 3, 28, 28) in [-1, 1] and their labels 100·a + 10·b + c.

    Channel 0 holds digit a, channel 1 digit b, channel 2 digit c, each drawn uniformly
    with replacement from the MNIST split, independently; the same seed gives the same set.
    """
    _checks.positive_int("n", n)
    images, labels = mnist(train)
    gen = torch.Generator().manual_seed(seed)
    index = torch.randint(images.shape[0], (n, 3), generator=gen)
    return stack_digits(images, labels, index)


def stacked_mnist_sampler(train: bool = True):
    """An endless Stacked MNIST stream for :func:`sigtut.train.fit`: ``f(batch_size, generator)``."""
    images, labels = mnist(train)

    def sample(batch_size: int, generator: torch.Generator) -> Tensor:
        index = torch.randint(images.shape[0], (batch_size, 3), generator=generator)
        return stack_digits(images, labels, index)[0]

    return sample
