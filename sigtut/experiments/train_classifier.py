"""Train the MNIST classifier used by the Stacked MNIST metrics and save its weights (Table 2).

usage: python -m sigtut train-classifier [--epochs 4] [--seed 0] [--out PATH] [--keep-below-threshold]

Writes to ``--out`` (default ``mnist_cnn.pt`` in the working directory), never over the
weights shipped with the package, which :func:`sigtut.classifier.load_mnist_classifier`
checks against ``sigtut.classifier.WEIGHTS_SHA256``. A model below 99 % test accuracy is
not saved unless ``--keep-below-threshold`` is given. Prints the test accuracy and the
SHA-256 of the saved file; load it with ``load_mnist_classifier(path=...)``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

from ..classifier import WEIGHTS_PATH, sha256, train_mnist_classifier
from .cli import positive_int_arg
from .store import check_writable

THRESHOLD = 0.99


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m sigtut train-classifier", description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=positive_int_arg, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("mnist_cnn.pt"), help="where to save (default ./mnist_cnn.pt)")
    parser.add_argument("--keep-below-threshold", action="store_true",
                        help=f"save the model even when its test accuracy is below {THRESHOLD:.0%}")
    args = parser.parse_args(argv)
    if args.out.resolve() == WEIGHTS_PATH.resolve():
        parser.error(f"--out {args.out} is the shipped weights file; choose another path")
    try:
        check_writable(args.out)                 # before training, not after
    except ValueError as err:
        parser.error(str(err))
    start = time.perf_counter()
    model, test_accuracy = train_mnist_classifier(epochs=args.epochs, seed=args.seed)
    seconds = time.perf_counter() - start
    if test_accuracy < THRESHOLD and not args.keep_below_threshold:
        print(f"test accuracy {test_accuracy:.4f} is below {THRESHOLD:.2f}: not saved "
              "(train longer, or pass --keep-below-threshold)", file=sys.stderr)
        return 1
    torch.save(model.state_dict(), args.out)
    print(f"test accuracy {test_accuracy:.4f} | {seconds:.0f} s | {args.out} sha256 {sha256(args.out)}")
    return 0
