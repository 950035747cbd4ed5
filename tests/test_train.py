import pytest
import torch

from sigtut import GAN, SIG, Normal, TrainingDiverged, fit
from sigtut.train import checkpoint_info
from sigtut.methods import GANSI


def _data():
    g = torch.Generator().manual_seed(0)
    return torch.cat([torch.randn(200, 2, generator=g) * 0.1 - 2, torch.randn(200, 2, generator=g) * 0.1 + 2])


def _sig():
    torch.manual_seed(0)  # initialisation is the caller's; fit seeds the training randomness
    return SIG(2, Normal(0.2), noise_dim=4, hidden=(16, 16), n_theta=32)


def test_sig_training_lowers_the_objective():
    torch.manual_seed(0)
    hist = fit(_sig(), _data(), steps=300, batch_size=64, lr=3e-3, seed=1, device="cpu", progress=False)
    first, last = sum(hist["loss"][:20]) / 20, sum(hist["loss"][-20:]) / 20
    assert last < first - 1.0


def test_history_has_one_value_per_step_and_per_loss():
    hist = fit(GAN(2, noise_dim=4, hidden=(8,), disc_hidden=(8,)), _data(), steps=7, batch_size=16, device="cpu", progress=False)
    assert set(hist) == {"d", "g"} and all(len(v) == 7 for v in hist.values())


def test_same_seed_same_parameters():
    a, b = _sig(), _sig()
    fit(a, _data(), steps=20, batch_size=32, seed=5, device="cpu", progress=False)
    fit(b, _data(), steps=20, batch_size=32, seed=5, device="cpu", progress=False)
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa, pb)


def _gan_si():
    torch.manual_seed(0)
    return GANSI.gaussian(2, lam=0.1, sigma=0.2, noise_dim=4, hidden=(8,), disc_hidden=(8,))


@pytest.mark.parametrize("make", [_sig, _gan_si])
def test_killed_and_resumed_run_equals_uninterrupted_run(tmp_path, make):
    ckpt = tmp_path / "run.pt"
    whole = make()
    hist_whole = fit(whole, _data(), steps=30, batch_size=32, seed=7, device="cpu", progress=False)

    # "killed" after step 12: the last checkpoint on disk is from step 10
    first = make()
    fit(first, _data(), steps=10, batch_size=32, seed=7, device="cpu", checkpoint=ckpt, checkpoint_every=5, progress=False)
    resumed = make()  # a fresh process would build a fresh model
    hist_resumed = fit(resumed, _data(), steps=30, batch_size=32, seed=7, device="cpu", checkpoint=ckpt, checkpoint_every=5, progress=False)

    for pw, pr in zip(whole.parameters(), resumed.parameters()):
        assert torch.equal(pw, pr)
    assert hist_resumed == hist_whole


def test_checkpoint_written_every_k_steps(tmp_path):
    ckpt = tmp_path / "c.pt"
    fit(_sig(), _data(), steps=6, batch_size=8, device="cpu", checkpoint=ckpt, checkpoint_every=4, progress=False)
    assert torch.load(ckpt, weights_only=True)["step"] == 6      # plain tensors and containers only
    info = checkpoint_info(ckpt)
    assert info["step"] == 6 and info["seconds"] > 0
    assert info["settings"] == {"batch_size": 8, "seed": 0, "lr": {"model": 1e-3}, "betas": {"model": [0.9, 0.999]}}


def test_checkpoint_with_code_is_refused(tmp_path):
    """A crafted checkpoint that would run code on unpickling is refused (weights_only=True)."""
    import os as _os

    class Evil:
        def __reduce__(self):
            return (_os.system, ("touch " + str(tmp_path / "pwned"),))

    ckpt = tmp_path / "evil.pt"
    torch.save({"step": 1, "method": Evil()}, ckpt)
    with pytest.raises(Exception, match="(?i)weights_only|unsupported|global"):
        fit(_sig(), _data(), steps=3, batch_size=8, device="cpu", checkpoint=ckpt, progress=False)
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("change, match", [({"lr": 3e-3}, "lr"), ({"seed": 1}, "seed"), ({"batch_size": 16}, "batch_size")])
def test_resume_with_other_settings_is_refused_unless_allowed(tmp_path, change, match):
    ckpt = tmp_path / "c.pt"
    base = {"steps": 4, "batch_size": 8, "lr": 1e-3, "seed": 0, "device": "cpu", "progress": False}
    fit(_sig(), _data(), checkpoint=ckpt, **base)
    with pytest.raises(ValueError, match=f"other settings \\({match}"):
        fit(_sig(), _data(), checkpoint=ckpt, **(base | {"steps": 6} | change))
    fit(_sig(), _data(), checkpoint=ckpt, allow_changed_settings=True, **(base | {"steps": 6} | change))
    assert checkpoint_info(ckpt)["step"] == 6


def test_resume_to_fewer_steps_than_the_checkpoint_is_refused(tmp_path):
    ckpt = tmp_path / "c.pt"
    fit(_sig(), _data(), steps=6, batch_size=8, device="cpu", checkpoint=ckpt, progress=False)
    with pytest.raises(ValueError, match="at step 6, past steps = 4"):
        fit(_sig(), _data(), steps=4, batch_size=8, device="cpu", checkpoint=ckpt, progress=False)


def test_blow_up_in_the_last_update_is_reported():
    class Exploding(SIG):
        def training_step(self, x, optimizers):
            losses = super().training_step(x, optimizers)
            if int(self.steps_done) == 3:                   # the third and last update leaves an inf weight
                with torch.no_grad():
                    self.generator[0].weight[0, 0] = float("inf")
            return losses

    torch.manual_seed(0)
    model = Exploding(2, Normal(0.2), noise_dim=4, hidden=(16, 16), n_theta=32)
    with pytest.raises(TrainingDiverged, match="step 3 of 3 \\(the last\\)"):
        fit(model, _data(), steps=3, batch_size=8, device="cpu", progress=False)


@pytest.mark.parametrize("device, match", [("bogus", "device must name a torch device"),
                                           pytest.param("cuda", "no usable CUDA GPU", marks=pytest.mark.skipif(
                                               torch.cuda.is_available(), reason="a GPU is present"))])
def test_unusable_device_is_named(device, match):
    with pytest.raises(ValueError, match=match):
        fit(_sig(), _data(), steps=2, device=device, progress=False)


def test_nan_loss_stops_training_and_names_the_step():
    model = _sig()
    data = _data()
    with torch.no_grad():
        model.generator[-1].bias.fill_(float("nan"))
    # θ = g(z) is NaN, which the likelihood refuses; fit names the step
    with pytest.raises(TrainingDiverged, match=r"at step 1 of 5: theta contains NaN"):
        fit(model, data, steps=5, batch_size=8, device="cpu", progress=False)


def test_divergence_midway_names_that_step():
    data = _data()
    calls = {"n": 0}

    def sampler(batch_size, generator):
        calls["n"] += 1
        batch = data[:batch_size].clone()
        if calls["n"] == 4:
            batch[0, 0] = float("inf")
        return batch

    # fit checks every mini-batch and names the step (the likelihood alone would not)
    with pytest.raises(ValueError, match="mini-batch of step 4 of 10 contains NaN or infinite"):
        fit(_sig(), sampler, steps=10, batch_size=8, device="cpu", progress=False)


def test_overflowing_loss_is_reported():
    model = SIG(1, Normal(1e-3), noise_dim=2, hidden=(4,), n_theta=4)
    data = torch.full((64, 1), 1e30)  # squared distances overflow float32: the loss is inf
    with pytest.raises(TrainingDiverged, match="'loss' became inf at step 1"):
        fit(model, data, steps=20, batch_size=64, device="cpu", progress=False)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"steps": 0}, ValueError, "steps"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"lr": -1.0}, ValueError, "lr"),
        ({"checkpoint_every": 0}, ValueError, "checkpoint_every"),
        ({"lr": {"wrong": 1e-3}}, ValueError, "lr has no entry"),
        ({"lr": 1e38}, ValueError, "lr = 1e\\+38 overflows float32"),
        ({"betas": (0.9, 1.0)}, ValueError, "betas must be two numbers"),
        ({"seed": -1}, ValueError, "seed"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    args = {"steps": 3, "device": "cpu", "progress": False} | kwargs
    with pytest.raises(error, match=match):
        fit(_sig(), _data(), **args)


def test_bad_data():
    with pytest.raises(TypeError, match="data"):
        fit(_sig(), [[0.0, 1.0]], steps=2, progress=False)
    bad = _data()
    bad[3, 1] = float("nan")
    with pytest.raises(ValueError, match="data contains NaN"):
        fit(_sig(), bad, steps=2, progress=False)


def test_method_type_checked():
    with pytest.raises(TypeError, match="method"):
        fit(torch.nn.Linear(2, 2), _data(), steps=2, progress=False)
