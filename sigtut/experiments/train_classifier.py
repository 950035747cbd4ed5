"""Train the MNIST classifier used by the Stacked MNIST metrics and save its weights (Table 2).

usage: python -m sigtut train-classifier [--epochs 4] [--seed 0] [--out PATH]

Prints the test accuracy and the SHA-256 of the saved file; the shipped file's hash is
``sigtut.classifier.WEIGHTS_SHA256``.
"""
from __future__ import annotations

import argparse
import time

import torch

from ..classifier import WEIGHTS_PATH, sha256, train_mnist_classifier


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m sigtut train-classifier", description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(WEIGHTS_PATH))
    args = parser.parse_args(argv)
    start = time.perf_counter()
    model, test_accuracy = train_mnist_classifier(epochs=args.epochs, seed=args.seed)
    torch.save(model.state_dict(), args.out)
    print(f"test accuracy {test_accuracy:.4f} | {time.perf_counter() - start:.0f} s | "
          f"{args.out} sha256 {sha256(args.out)}")
    return 0 if test_accuracy >= 0.99 else 1
