"""Shared test settings: small, deterministic, single-threaded torch."""
import os

import pytest
import torch

torch.set_num_threads(int(os.environ.get("SIGTUT_TEST_THREADS", "1")))

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_DATA = os.path.join(os.path.dirname(REPO), "shared", "data")


@pytest.fixture
def data_dir() -> str:
    """The folder of verified offline data (SIGTUT_DATA, else ../shared/data); skip when absent."""
    path = os.environ.get("SIGTUT_DATA", SHARED_DATA)
    if not os.path.isdir(os.path.join(path, "mnist")):
        pytest.skip(f"no MNIST copy under {path}")
    return path
