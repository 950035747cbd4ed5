"""The vectorised seeds (sigtut.vectorised) are S separate runs of fit, up to float rounding."""
from __future__ import annotations

import pytest
import torch

from sigtut import fit
from sigtut.data.mixtures import gmm_ring, mixture_sampler
from sigtut.experiments.table1 import build
from sigtut.methods import VAE
from sigtut.runtime import seed_everything
from sigtut.train import TrainingDiverged
from sigtut.vectorised import fit_seeds

SEEDS = [0, 1, 2]
STEPS = 50
HORIZON = 25_000     # σ anneals over a paper-profile ring run; the test trains its first 50 steps
MIXTURE = gmm_ring(1)
SETTINGS = {"gan": {"generator": 1e-3, "discriminator": 1e-4}, "sig": 1e-3}


def _fresh(method: str) -> list:
    models = []
    for s in SEEDS:
        seed_everything(s)
        models.append(build(method, MIXTURE, HORIZON))
    return models


def _separate(method: str) -> tuple[list, list]:
    models, histories = _fresh(method), []
    for s, m in zip(SEEDS, models):
        histories.append(fit(m, mixture_sampler(MIXTURE), STEPS, batch_size=64, lr=SETTINGS[method],
                             betas=(0.5, 0.999), seed=s, device="cpu", progress=False))
    return models, histories


def _max_gap(a: list, b: list) -> float:
    return max(float((p - q).detach().abs().max()) for ma, mb in zip(a, b)
               for p, q in zip(ma.parameters(), mb.parameters()))


@pytest.mark.parametrize("method", ["sig", "gan"])
def test_vectorised_seeds_equal_separate_runs_after_50_steps(method: str, float64: None) -> None:
    separate, hist_sep = _separate(method)
    together = _fresh(method)
    hist_vec = fit_seeds(together, mixture_sampler(MIXTURE), SEEDS, STEPS, batch_size=64,
                         lr=SETTINGS[method], betas=(0.5, 0.999))
    assert _max_gap(separate, together) <= 1e-5
    for h_sep, h_vec in zip(hist_sep, hist_vec):
        assert h_sep.keys() == h_vec.keys()
        for k in h_sep:
            assert torch.allclose(torch.tensor(h_sep[k]), torch.tensor(h_vec[k]), atol=1e-5)
    # the members are different runs, not one run copied S times
    assert _max_gap(together[:1], together[1:2]) > 1e-2
    # and each trained member samples as a model of its own (SIG at its σ of step 50)
    seed_everything(7)
    a = separate[1].sample(100)
    seed_everything(7)
    assert torch.allclose(a, together[1].sample(100), atol=1e-4)


def test_a_resumed_vectorised_run_ends_where_an_uninterrupted_one_does(tmp_path) -> None:
    ckpt = tmp_path / "seeds.pt"
    part = _fresh("gan")
    fit_seeds(part, mixture_sampler(MIXTURE), SEEDS, 30, batch_size=64, lr=SETTINGS["gan"], checkpoint=ckpt,
              checkpoint_every=10)
    resumed = _fresh("gan")
    hist = fit_seeds(resumed, mixture_sampler(MIXTURE), SEEDS, STEPS, batch_size=64, lr=SETTINGS["gan"],
                     checkpoint=ckpt)
    whole = _fresh("gan")
    fit_seeds(whole, mixture_sampler(MIXTURE), SEEDS, STEPS, batch_size=64, lr=SETTINGS["gan"])
    assert len(hist[0]["d"]) == STEPS
    assert _max_gap(resumed, whole) == 0.0


def test_bad_input_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="SIG or GAN"):
        fit_seeds([VAE(2, 10, sigma=0.1)], mixture_sampler(MIXTURE), [0], 5)
    with pytest.raises(ValueError, match="seeds must be 3 distinct"):
        fit_seeds(_fresh("sig"), mixture_sampler(MIXTURE), [0, 0, 1], 5)
    with pytest.raises(ValueError, match="lr must give the groups"):
        fit_seeds(_fresh("gan"), mixture_sampler(MIXTURE), SEEDS, 5, lr={"model": 1e-3})
    with pytest.raises(TypeError, match="sampler"):
        fit_seeds(_fresh("sig"), MIXTURE.x, SEEDS, 5)


def test_divergence_names_the_seed_and_the_step() -> None:
    with pytest.raises(TrainingDiverged, match=r"of seed \d became .* at step 1 of 5"):
        fit_seeds(_fresh("gan"), lambda n, g: torch.full((n, 2), 3e38), SEEDS, 5)


def test_compiled_h_m_trains_like_the_eager_one() -> None:
    """compile=True fuses H_M with torch.compile: other rounding, the same training to Adam's step size."""
    eager, compiled = _fresh("sig"), _fresh("sig")
    fit_seeds(eager, mixture_sampler(MIXTURE), SEEDS, 5, batch_size=64, lr=1e-3)
    hist = fit_seeds(compiled, mixture_sampler(MIXTURE), SEEDS, 5, batch_size=64, lr=1e-3, compile=True)
    assert len(hist[2]["loss"]) == 5
    assert _max_gap(eager, compiled) <= 5 * 1e-3 + 1e-5       # at most one step of size lr per update
