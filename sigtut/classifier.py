"""The MNIST digit classifier that labels each channel of a Stacked MNIST image (paper Section 5.3, Table 2).

The Stacked MNIST metrics need a pre-trained classifier, as in VEEGAN and Unrolled GAN.
This small CNN (two 5×5 convolutions, two poolings, one hidden layer; about 110k
parameters) reaches ≥ 99% test accuracy after a few epochs on a CPU. Its weights ship in
``sigtut/weights/mnist_cnn.pt`` so no reader has to train it; the file's SHA-256 is checked
on every load. ``python -m sigtut train-classifier`` trains it again.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from . import _checks
from .data.mnist import mnist

WEIGHTS_PATH = Path(__file__).resolve().parent / "weights" / "mnist_cnn.pt"
WEIGHTS_SHA256 = "160426e9191cd15dba07244a478fe1367173ba19b697eb545097b8d2d182641d"


class MnistCNN(nn.Sequential):
    """CNN from images (N, 1, 28, 28) in [-1, 1] (as :func:`sigtut.data.mnist` returns them) to 10 logits."""

    def __init__(self) -> None:
        super().__init__(
            nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),    # 16 × 14 × 14
            nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),   # 32 × 7 × 7
            nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10),
        )


@torch.no_grad()
def accuracy(model: nn.Module, images: Tensor, labels: Tensor, batch_size: int = 2000) -> float:
    """Share of ``images`` whose arg-max logit equals ``labels``."""
    model.eval()
    dev = next(model.parameters()).device
    correct = 0
    for start in range(0, images.shape[0], batch_size):
        logits = model(images[start:start + batch_size].to(dev))
        correct += int((logits.argmax(1).cpu() == labels[start:start + batch_size]).sum())
    return correct / images.shape[0]


def train_mnist_classifier(
    epochs: int = 4, batch_size: int = 128, lr: float = 2e-3, seed: int = 0, device: torch.device | str = "cpu"
) -> tuple[MnistCNN, float]:
    """Train :class:`MnistCNN` with Adam and a one-cycle learning-rate schedule; return it and its test accuracy."""
    _checks.positive_int("epochs", epochs)
    _checks.positive_int("batch_size", batch_size)
    _checks.positive("lr", lr)
    torch.manual_seed(seed)
    images, labels = mnist(train=True)
    model = MnistCNN().to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    steps_per_epoch = images.shape[0] // batch_size
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=epochs * steps_per_epoch)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(images.shape[0], generator=gen)
        for k in range(steps_per_epoch):
            idx = order[k * batch_size:(k + 1) * batch_size]
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(images[idx].to(device)), labels[idx].to(device)).backward()
            opt.step()
            schedule.step()
    test_images, test_labels = mnist(train=False)
    return model.eval(), accuracy(model, test_images, test_labels)


def sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 digest of a file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_mnist_classifier(device: torch.device | str = "cpu", path: str | os.PathLike | None = None) -> MnistCNN:
    """The shipped MNIST classifier in eval mode, with frozen weights.

    It maps images exactly as :func:`sigtut.data.mnist` returns them, (N, 1, 28, 28) in
    [-1, 1], to logits over the 10 digits.

    Args:
        device: where to put the network.
        path: another weights file; the shipped file is checked against its SHA-256.

    Raises:
        ValueError: the shipped weights file does not have the expected SHA-256.
    """
    weights = WEIGHTS_PATH if path is None else Path(path)
    if not weights.exists():
        raise FileNotFoundError(f"{weights} does not exist; run `python -m sigtut train-classifier` to create it")
    if path is None and sha256(weights) != WEIGHTS_SHA256:
        raise ValueError(
            f"{weights} has SHA-256 {sha256(weights)}, expected {WEIGHTS_SHA256}: reinstall sigtut"
        )
    model = MnistCNN()
    model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
    model.requires_grad_(False)
    return model.to(device).eval()
