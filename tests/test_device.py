"""Issue 17, item 2: runtime.device names an unusable device clearly (one function, used by fit)."""
import pytest
import torch

import sigtut
from sigtut import runtime, train

NO_CUDA = pytest.mark.skipif(torch.cuda.is_available(), reason="a GPU is present")


@NO_CUDA
@pytest.mark.parametrize("name", ["cuda", "cuda:0"])
def test_sigtut_device_cuda_without_a_gpu_is_named(monkeypatch, name):
    monkeypatch.setenv("SIGTUT_DEVICE", name)
    with pytest.raises(ValueError, match=r"SIGTUT_DEVICE = 'cuda.*no usable CUDA GPU"):
        sigtut.device()


@pytest.mark.skipif(torch.backends.mps.is_available(), reason="MPS is present")
def test_sigtut_device_mps_where_absent_is_named(monkeypatch):
    monkeypatch.setenv("SIGTUT_DEVICE", "mps")
    with pytest.raises(ValueError, match="SIGTUT_DEVICE = 'mps'.*MPS is not available"):
        sigtut.device()


def test_a_gpu_index_past_the_last_gpu_is_named(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    with pytest.raises(ValueError, match=r"device = 'cuda:3'.*1 CUDA GPU"):
        runtime.device("cuda:3")
    assert runtime.device("cuda:0") == torch.device("cuda:0")


@pytest.mark.parametrize("bad", ["bogus", 3.5, object()])
def test_an_explicit_bad_device_is_named(bad):
    with pytest.raises(ValueError, match="device must name a torch device"):
        runtime.device(bad)


def test_an_explicit_device_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("SIGTUT_DEVICE", "bogus")
    assert runtime.device("cpu") == torch.device("cpu")
    assert runtime.device(torch.device("cpu")) == torch.device("cpu")


def test_fit_resolves_its_device_with_runtime_device(monkeypatch):
    asked = []

    def spy(requested=None):
        asked.append(requested)
        return torch.device("cpu")

    monkeypatch.setattr(train, "default_device", spy)
    sig = sigtut.SIG(2, sigtut.Normal(0.5), noise_dim=2, hidden=(4,), n_theta=4)
    sigtut.fit(sig, torch.zeros(8, 2), steps=1, batch_size=4, device="cpu", progress=False)
    assert asked == ["cpu"]
