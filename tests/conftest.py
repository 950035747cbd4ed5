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


@pytest.fixture
def float64():
    """Run a test in double precision, for exactness checks that float32 rounding would swamp.

    SIG's H_M at an annealed, small σ amplifies rounding (about tenfold every two steps late in
    a 50-step anneal), and batched and single kernels round differently on different CPUs; in
    float64 the algorithm decides the result, not the CPU's BLAS.
    """
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)
