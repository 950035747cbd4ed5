"""σ annealing for SIG: the geometric path, its use inside training, resume and bad input."""
import math

import pytest
import torch

from sigtut import fit
from sigtut.annealing import GeometricAnnealing
from sigtut.likelihoods import Bernoulli, Normal
from sigtut.methods import SIG

torch.set_num_threads(1)


def test_geometric_path_ends_and_midpoint():
    s = GeometricAnnealing(0.5, 0.05, 100)
    assert s(0) == pytest.approx(0.5)
    assert s(50) == pytest.approx(math.sqrt(0.5 * 0.05))        # geometric mean halfway
    assert s(100) == pytest.approx(0.05) and s(10**6) == pytest.approx(0.05)
    values = [s(t) for t in range(101)]
    assert all(a > b for a, b in zip(values, values[1:]))       # strictly shrinking
    assert GeometricAnnealing(0.5, 0.05, 0)(0) == pytest.approx(0.05)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(start=0.0, end=0.1, steps=10), ValueError, "start"),
    (dict(start=0.5, end=-1.0, steps=10), ValueError, "end"),
    (dict(start=0.5, end=0.1, steps=-1), ValueError, "steps"),
    (dict(start=0.5, end=0.1, steps=2.5), ValueError, "steps"),
])
def test_bad_schedule_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        GeometricAnnealing(**kwargs)


def test_bad_step():
    with pytest.raises(ValueError, match="step"):
        GeometricAnnealing(0.5, 0.1, 10)(-1)


def _sig(schedule=GeometricAnnealing(0.5, 0.05, 20)):
    torch.manual_seed(0)
    return SIG(2, Normal(1.0), noise_dim=3, hidden=(8,), n_theta=16, sigma_schedule=schedule)


def _data():
    return torch.randn(64, 2, generator=torch.Generator().manual_seed(1))


def test_training_follows_the_schedule_and_samples_with_its_last_sigma():
    model = _sig()
    seen = []
    original = model.likelihood.pairwise_log_prob

    def spy(x, theta):
        seen.append(model.likelihood.sigma)
        return original(x, theta)

    model.likelihood.pairwise_log_prob = spy
    fit(model, _data(), steps=25, batch_size=16, seed=0, device="cpu", progress=False)
    schedule = model.sigma_schedule
    assert seen == pytest.approx([schedule(t) for t in range(25)])
    assert int(model.steps_done) == 25
    model.likelihood.sigma = 123.0                       # sample() resets σ from the step count
    model.sample(4)
    assert model.likelihood.sigma == pytest.approx(0.05)


def test_resumed_run_continues_the_schedule(tmp_path):
    ckpt = tmp_path / "sig.pt"
    whole = _sig()
    fit(whole, _data(), steps=30, batch_size=16, seed=3, device="cpu", progress=False)
    first = _sig()
    fit(first, _data(), steps=10, batch_size=16, seed=3, device="cpu", checkpoint=ckpt, checkpoint_every=5, progress=False)
    resumed = _sig()
    fit(resumed, _data(), steps=30, batch_size=16, seed=3, device="cpu", checkpoint=ckpt, progress=False)
    assert int(resumed.steps_done) == 30
    for pw, pr in zip(whole.parameters(), resumed.parameters()):
        assert torch.equal(pw, pr)


def test_schedule_needs_a_normal_likelihood_and_a_callable():
    with pytest.raises(TypeError, match="Normal"):
        SIG(2, Bernoulli(), sigma_schedule=GeometricAnnealing(0.5, 0.05, 10))
    with pytest.raises(TypeError, match="callable"):
        SIG(2, Normal(1.0), sigma_schedule=0.5)


def test_schedule_returning_a_bad_sigma_is_refused():
    model = SIG(2, Normal(1.0), noise_dim=3, hidden=(8,), n_theta=4, sigma_schedule=lambda step: float("nan"))
    with pytest.raises(ValueError, match="sigma_schedule"):
        fit(model, _data(), steps=1, batch_size=8, device="cpu", progress=False)
