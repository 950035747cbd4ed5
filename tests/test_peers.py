"""The peers under their own protocols: specs as the sources say, a quick CLI run, resume, merge, bad input."""
import json

import numpy as np
import pytest
import torch
from torch import nn

from sigtut.__main__ import COMMANDS
from sigtut.__main__ import main as cli
from sigtut.data.mixtures import linspace_ring
from sigtut.experiments import peers, peers_report
from sigtut.methods import BMSVAEGAN, GAN, VEEGAN, ManifoldDiffusionGAN, ModeRegularizedGAN, UnrolledGAN

torch.set_num_threads(1)


@pytest.fixture
def quick(tmp_path, monkeypatch):
    """Results under tmp_path and a quick profile of two steps on batches of 16."""
    monkeypatch.setenv("SIGTUT_RESULTS", str(tmp_path / "results"))
    monkeypatch.setitem(peers.QUICK, "steps", 2)
    monkeypatch.setitem(peers.QUICK, "batch_size", 16)
    monkeypatch.setitem(peers.QUICK, "n_eval", 200)
    return tmp_path


def _cli(tmp, *args):
    return cli(["reproduce", "peers", "--profile", "quick", "--run-dir", str(tmp / "runs"), "--processes", "1", *args])


def test_specs_follow_their_sources():
    s = dict(peers.SPECS)
    assert set(s) == {"veegan/grid", "veegan/ring8", "bms/grid", "bms/ring8", "reg-gan/ring6", "mdgan/ring6",
                      "unrolled/ring7", "unrolled/grid", "gan/ring6",
                      "reg-gan/ring6-lambda0.05", "reg-gan/ring6-lambda0.5"}
    # VEEGAN notebook: batch 500, lr 1e-3 everywhere, β1 0.5, 254-D noise, 2×128 networks
    v = s["veegan/grid"]
    assert (v.batch_size, v.lr, v.betas[0], v.n_eval, v.min_count) == (500, {"generator": 1e-3, "discriminator": 1e-3},
                                                                        0.5, 2500, 0)
    model = v.build(peers.mixture_of("grid"))
    assert model.noise_dim == 254 and model.generator[0].out_features == 128 and model.reconstruction_weight == 0.5
    # BMS: T = 10, 32-D latent, D_L 3×750, Adam 2e-4 with β = (0, 0.9)
    b = s["bms/ring8"]
    bms = b.build(peers.mixture_of("ring8"))
    assert bms.n_samples == 10 and bms.noise_dim == 32 and b.betas == (0.0, 0.9) and b.lr["generator"] == 2e-4
    assert [m.out_features for m in bms.latent_discriminator if isinstance(m, nn.Linear)] == [750, 750, 750, 1]
    assert b.claim.hq == 0.996 and b.claim.hq_pm == 0.003 and b.claim.spread == "not stated"
    # Che et al., Appendix C: 6 Gaussians, std 0.1, radius 5; 3-D uniform noise; Adam 1e-4; λ1 = λ2 = 0.005
    mix = peers.mixture_of("ring6")
    assert len(mix.centers) == 6 and mix.std == 0.1 and torch.allclose(mix.centers.norm(dim=1), torch.tensor(5.0))
    reg = s["reg-gan/ring6"].build(mix)
    assert reg.noise_dim == 3 and reg.noise_distribution == "uniform" and reg.lambda_geometric == 0.005
    assert s["reg-gan/ring6"].lr == {"generator": 1e-4, "discriminator": 1e-4} and s["reg-gan/ring6"].claim is None
    assert isinstance(s["mdgan/ring6"].build(mix), ManifoldDiffusionGAN)
    # Metz et al.'s code: 7 distinct centres, 2×128 tanh, z 256, 25,000 steps of batch 512, unroll 5
    u = s["unrolled/ring7"]
    unrolled = u.build(peers.mixture_of("ring7"))
    assert len(peers.mixture_of("ring7").centers) == 7 and unrolled.noise_dim == 256 and unrolled.unroll_steps == 5
    assert isinstance(unrolled.generator[1], nn.Tanh) and (u.steps, u.batch_size) == (25_000, 512)
    for spec in s.values():
        assert {"data", "networks", "optimiser", "batch_size", "steps", "evaluation"} <= set(spec.sources)


def test_linspace_ring_has_seven_centres_one_of_double_weight():
    mix = linspace_ring(4000, seed=1)
    theta = np.linspace(0, 2 * np.pi, 8)
    code = np.stack([np.sin(theta), np.cos(theta)], 1)
    assert np.allclose(np.unique(code.round(6), axis=0), np.unique(mix.centers.numpy().round(6), axis=0), atol=1e-5)
    assert mix.weights[0] == pytest.approx(0.25) and mix.weights[1:].sum() == pytest.approx(0.75)
    assert (mix.labels == 0).float().mean() == pytest.approx(0.25, abs=0.03)
    with pytest.raises(ValueError, match="k"):
        linspace_ring(10, k=2)


def test_new_method_options_default_to_the_old_networks():
    torch.manual_seed(0)
    gan = GAN(2, 3, noise="uniform", activation=nn.Tanh)
    z = gan.noise(1000)
    assert z.min() >= 0 and z.max() < 1 and isinstance(gan.discriminator[1], nn.Tanh)
    assert isinstance(GAN(2).generator[1], nn.ReLU) and GAN(2).noise(500).min() < 0
    with pytest.raises(ValueError, match="noise"):
        ModeRegularizedGAN(2, noise="cauchy")
    with pytest.raises(TypeError, match="activation"):
        UnrolledGAN(2, activation="tanh")
    with pytest.raises(ValueError, match="reconstruction_weight"):
        VEEGAN(2, reconstruction_weight=0.0)
    z = torch.randn(8, 10)
    half, full = VEEGAN(2, reconstruction_weight=0.5), VEEGAN(2)
    full.load_state_dict(half.state_dict())
    (h, rec), (f, _) = half.generator_objective(z), full.generator_objective(z)
    assert torch.allclose(f - h, 0.5 * rec)
    assert len(BMSVAEGAN(2).latent_discriminator) == 3                 # default: D_I's one hidden layer


def test_quick_cli_run_of_every_spec_writes_provenance(quick, capsys):
    assert "reproduce peers" in COMMANDS
    assert _cli(quick) == 0
    out = capsys.readouterr().out
    assert "0.996 ± 0.003" in out and "spread: not stated" in out and "spread: none printed" in out
    result = json.loads((quick / "results" / "peers-quick.json").read_text())
    assert result["table"] == "peers" and set(result["summary"]) == set(peers.SPECS)
    for key in ("command", "commit", "device", "seeds", "wall_seconds", "versions", "threads"):
        assert key in result
    assert all(r["seed"] == 0 and len(r["counts"]) == len(peers.mixture_of(r["dataset"]).centers)
               for r in result["runs"])
    assert result["specs"]["veegan/grid"]["steps"] == 2 and result["specs"]["veegan/grid"]["n_eval"] == 200
    for r in result["runs"]:                                  # scored during training, losses per stretch
        assert [p["step"] for p in r["curve"]] == [1, 2]
        assert all(np.isfinite(list(p["losses"].values())).all() and set(p["losses"]) == set(r["final_losses"])
                   for p in r["curve"])
    rows = peers_report.rows(result)
    assert rows[0]["paper modes"] == "24.6" and next(r for r in rows if r["spec"] == "mdgan/ring6")["paper hq"] == "–"


def test_resume_and_merge(quick, capsys):
    assert _cli(quick, "--specs", "reg-gan/ring6", "--seeds", "2") == 0
    first = json.loads((quick / "results" / "peers-quick.json").read_text())
    capsys.readouterr()
    assert _cli(quick, "--specs", "reg-gan/ring6", "--seeds", "2") == 0        # finished runs are read back
    assert "2 of 2 runs already finished" in capsys.readouterr().err
    again = json.loads((quick / "results" / "peers-quick.json").read_text())
    assert [r["modes"] for r in again["runs"]] == [r["modes"] for r in first["runs"]]
    assert _cli(quick, "--specs", "unrolled/ring7", "--seeds", "2", "--merge") == 0
    merged = json.loads((quick / "results" / "peers-quick.json").read_text())
    assert list(merged["summary"]) == ["reg-gan/ring6", "unrolled/ring7"] and len(merged["parts"]) == 2


def test_a_spec_added_later_merges_into_a_file_that_predates_it(quick, monkeypatch):
    assert _cli(quick, "--specs", "reg-gan/ring6", "--seeds", "1") == 0
    path = quick / "results" / "peers-quick.json"
    stored = json.loads(path.read_text())
    del stored["specs"]["gan/ring6"]             # as written by a sigtut that had no gan/ring6 yet
    path.write_text(json.dumps(stored))
    assert _cli(quick, "--specs", "gan/ring6", "--seeds", "1", "--merge") == 0
    merged = json.loads(path.read_text())
    assert list(merged["summary"]) == ["gan/ring6", "reg-gan/ring6"] and "gan/ring6" in merged["specs"]
    # a spec both know but with other settings is another set-up: no merge
    merged["specs"]["reg-gan/ring6"]["steps"] += 1
    path.write_text(json.dumps(merged))
    assert _cli(quick, "--specs", "gan/ring6", "--seeds", "1", "--merge") != 0


def test_the_plain_gan_baseline_of_che_et_al_shares_their_protocol():
    # Figure 9 of Che et al. sets the regularised GAN beside a plain GAN on the same ring
    gan, reg = peers.SPECS["gan/ring6"], peers.SPECS["reg-gan/ring6"]
    model = gan.build(peers.mixture_of("ring6"))
    assert type(model) is GAN and model.noise_dim == 3 and model.noise_distribution == "uniform"
    assert (gan.dataset, gan.batch_size, gan.steps, gan.lr, gan.betas) == (
        reg.dataset, reg.batch_size, reg.steps, reg.lr, reg.betas)
    built = reg.build(peers.mixture_of("ring6"))
    assert [m.out_features for m in model.generator if isinstance(m, nn.Linear)] == [
        m.out_features for m in built.generator if isinstance(m, nn.Linear)]


def test_curve_steps_are_evenly_spaced_and_end_at_the_last_step():
    assert peers.curve_steps(25_000) == list(range(2_500, 25_001, 2_500))
    assert peers.curve_steps(3) == [1, 2, 3] and peers.curve_steps(100_000, 4) == [25_000, 50_000, 75_000, 100_000]


def test_bad_spec_names_are_rejected(quick, capsys):
    with pytest.raises(SystemExit):
        _cli(quick, "--specs", "veegan/moon")
    assert "unknown 'veegan/moon'" in capsys.readouterr().err
    with pytest.raises(ValueError, match="spec"):
        peers.spec_settings("sig/grid", "paper")
    with pytest.raises(ValueError, match="profile_name"):
        peers.spec_settings("veegan/grid", "huge")
    with pytest.raises(ValueError, match="dataset"):
        peers.mixture_of("moons")


def test_reg_gan_weight_ablation_changes_only_the_weights_and_says_so():
    paper = peers.SPECS["reg-gan/ring6"]
    for key, weight in (("reg-gan/ring6-lambda0.05", 0.05), ("reg-gan/ring6-lambda0.5", 0.5)):
        spec = peers.SPECS[key]
        settings = spec.settings()
        assert settings.pop("ablation") == {"lambda_geometric": weight, "lambda_mode": weight}
        assert settings == paper.settings()                 # the rest of Che et al.'s protocol unchanged
        model = spec.build(peers.mixture_of("ring6"))
        assert (model.lambda_geometric, model.lambda_mode) == (weight, weight)
        assert "ours" in spec.sources["lambda"] and spec.claim is None
    assert "ablation" not in paper.settings()                # the paper's specs keep their stored settings
    assert peers.SPECS["reg-gan/ring6"].build(peers.mixture_of("ring6")).lambda_geometric == 0.005
