import pytest
import torch

import sigtut
from sigtut import GAN, SIG, Bernoulli, Normal, Poisson
from sigtut.methods import GANSI
from sigtut.nets import mlp


def test_profile_default_and_values(monkeypatch):
    monkeypatch.delenv("SIGTUT_PROFILE", raising=False)
    assert sigtut.profile() == "quick"
    monkeypatch.setenv("SIGTUT_PROFILE", "paper")
    assert sigtut.profile() == "paper" and sigtut.pick(quick=1, paper=2) == 2
    monkeypatch.setenv("SIGTUT_PROFILE", "fast")
    with pytest.raises(ValueError, match="SIGTUT_PROFILE"):
        sigtut.profile()


def test_pick_with_explicit_profile():
    assert sigtut.pick(quick="a", paper="b", profile_name="quick") == "a"
    with pytest.raises(ValueError, match="profile_name"):
        sigtut.pick(quick=1, paper=2, profile_name="gpu")


def test_device_override(monkeypatch):
    monkeypatch.setenv("SIGTUT_DEVICE", "cpu")
    assert sigtut.device() == torch.device("cpu")
    monkeypatch.setenv("SIGTUT_DEVICE", "not-a-device")
    with pytest.raises(ValueError, match="SIGTUT_DEVICE"):
        sigtut.device()


def test_device_default_is_cpu_without_accelerators(monkeypatch):
    monkeypatch.delenv("SIGTUT_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else ("mps" if torch.backends.mps.is_available() else "cpu")
    assert sigtut.device().type == expected


def test_seed_everything_repeats_draws():
    sigtut.seed_everything(3)
    a = torch.randn(3)
    sigtut.seed_everything(3)
    assert torch.equal(a, torch.randn(3))
    with pytest.raises(ValueError, match="seed"):
        sigtut.seed_everything(-1)
    with pytest.raises(TypeError, match="seed"):
        sigtut.seed_everything(1.5)


def test_mlp_shapes_and_validation():
    net = mlp(10, (100, 100), 2)
    assert net(torch.zeros(5, 10)).shape == (5, 2)
    assert sum(isinstance(m, torch.nn.Linear) for m in net) == 3
    with pytest.raises(ValueError, match="in_dim"):
        mlp(0, (3,), 1)


@pytest.mark.parametrize(
    "lik, ok",
    [(Normal(1.0), lambda t: True), (Poisson(), lambda t: bool((t >= 0).all())), (Bernoulli(), lambda t: bool(((t >= 0) & (t <= 1)).all()))],
)
def test_sig_theta_respects_the_likelihood_support(lik, ok):
    model = SIG((2, 3), lik, noise_dim=4)
    theta = model.sample_theta(7)
    assert theta.shape == (7, 2, 3) and ok(theta)
    assert model.sample(5).shape == (5, 2, 3)


def test_sig_loss_uses_m_and_validates():
    model = SIG(2, Normal(0.5), n_theta=3)
    x = torch.randn(4, 2)
    assert torch.isfinite(model.loss(x)) and torch.isfinite(model.loss(x, M=50))
    with pytest.raises(ValueError, match="M must be >= 1"):
        model.loss(x, M=0)
    with pytest.raises(ValueError, match="x and theta"):
        model.loss(torch.randn(4, 3))
    with pytest.raises(TypeError, match="likelihood"):
        SIG(2, "normal")
    with pytest.raises(ValueError, match="n_theta"):
        SIG(2, Normal(1.0), n_theta=0)


def test_gan_sample_shape_and_gan_si_lambda_zero_equals_gan_loss():
    torch.manual_seed(0)
    gan = GAN(2, noise_dim=3)
    assert gan.sample(6).shape == (6, 2)
    si = GANSI.gaussian(2, lam=0.0, sigma=0.1, noise_dim=3)
    si.load_state_dict(gan.state_dict(), strict=False)
    x = torch.randn(8, 2)
    torch.manual_seed(1)
    a = gan.generator_objective(x)
    torch.manual_seed(1)
    b = si.generator_objective(x)
    torch.testing.assert_close(a, b)


def test_gan_si_adds_lambda_times_h_m():
    torch.manual_seed(0)
    x = torch.randn(8, 2)
    lo, hi = GANSI.gaussian(2, lam=0.0, sigma=0.5, noise_dim=3), GANSI.gaussian(2, lam=2.0, sigma=0.5, noise_dim=3)
    hi.load_state_dict(lo.state_dict())
    torch.manual_seed(1)
    theta = lo.generate(8)
    expected_gap = 2.0 * sigtut.sig_cross_entropy(x, theta, Normal(0.5))
    torch.manual_seed(1)
    a = lo.generator_objective(x)
    torch.manual_seed(1)
    b = hi.generator_objective(x)
    torch.testing.assert_close(b - a, expected_gap)
    with pytest.raises(ValueError, match="lam"):
        GANSI.gaussian(2, lam=-1.0, sigma=0.5)
