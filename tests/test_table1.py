"""The Table 1 experiment: runs, tables with the paper's numbers, results JSON with provenance, CLI."""
import json
import re

import matplotlib
import pytest
import torch

from sigtut.__main__ import COMMANDS
from sigtut.__main__ import main as cli
from sigtut.experiments import peers_specs, store, table1, table1_report
from sigtut.experiments.profiles import Profile
from sigtut.experiments.report import provenance_text
from sigtut.experiments.table1_report import comparable_seconds, compare_with_paper, table_text

matplotlib.use("Agg")
torch.set_num_threads(1)
TINY = Profile(steps={"grid": 2, "ring": 2}, batch_size=16, seeds=1, n_eval=table1.SIG_SAMPLES)


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """Results and run folders under tmp_path, and a quick profile of two steps."""
    monkeypatch.setenv("SIGTUT_RESULTS", str(tmp_path / "results"))
    monkeypatch.setitem(table1.PROFILES, "quick", TINY)
    return tmp_path


def _cli(tmp, *args):
    return cli(["reproduce", "table1", "--profile", "quick", "--run-dir", str(tmp / "runs"), "--processes", "1", *args])


def test_run_summarises_each_method_with_provenance():
    result = table1.run("grid", ["sig", "gan"], [0, 1], "quick", steps=3)
    assert list(result["summary"]) == ["gan", "sig"]                   # the order of METHODS
    assert len(result["runs"]) == 4 and result["steps"] == 3 and result["table"] == "table1"
    for key in ("command", "commit", "device", "seeds", "wall_seconds", "versions", "threads", "processes"):
        assert key in result
    assert result["true_data"]["modes"] == 25
    kl = [r["kl"] for r in result["runs"] if r["method"] == "sig"]
    mean, sd = result["summary"]["sig"]["kl"]                          # mean ± s.d. (not s.e.)
    assert mean == pytest.approx(sum(kl) / 2) and sd == pytest.approx(abs(kl[0] - kl[1]) / 2 ** 0.5)
    assert all(("samples" in r) == (r["seed"] == 0) for r in result["runs"])   # Figure 2: first seed only
    text = table_text(result)
    assert "4.0 ± 3.1" in text and "0.91 ± 0.04" in text and "true data (limit)" in text
    assert "SIG (fixed σ)" not in text and "ours mean ± s.d." in text
    frame = table1_report.sig_frame(result)
    assert list(frame.index)[:4] == [("true data", "limit"), ("GAN", "ours"), ("GAN", "paper"), ("SIG", "ours")]
    assert frame.loc[("GAN", "paper"), "modes"] == "4.0 ± 3.1" and list(frame.columns) == ["modes", "hq", "kl", "seconds"]


def test_ring_table_shows_peer_claims_not_sig_table():
    result = table1.run("ring", ["veegan"], [0], "quick", steps=2)
    text = table_text(result)
    assert "52.9" not in text and "0.529" in text
    claims = table1_report.veegan_frame(result)
    assert claims.loc[("VEEGAN", "claim (VEEGAN via BMS Table 1)"), "hq"] == "0.529"
    assert result["true_data"]["modes"] == 8 and compare_with_paper(result) == []


def test_cli_writes_json_and_figure(tiny):
    assert COMMANDS["reproduce table1"] == "sigtut.experiments.table1"
    assert _cli(tiny, "--methods", "sig", "vae", "--dataset", "ring") == 0
    stored = json.loads((tiny / "results" / "table1-ring-quick.json").read_text())
    assert stored["profile"] == "quick" and stored["seeds"] == [0] and stored["schema"] == store.SCHEMA
    assert (tiny / "results" / "table1-ring-quick.png").exists()
    assert table1.load("ring", "quick")["dataset"] == "ring" and table1.load("ring", "paper") is None


def test_labels_are_read_as_keys_and_bad_methods_stop_at_parse_time(tiny):
    assert _cli(tiny, "--methods", "SIG (fixed σ)", "--dataset", "ring") == 0      # a stored command's label
    assert list(table1.load("ring", "quick")["summary"]) == ["sig-fixed"]
    trained = sorted((tiny / "runs").rglob("run.json"))
    for bad in (["--methods", "sig", "sig"], ["--methods", "SIG", "sig"], ["--methods", "wgan"],
                ["--processes", "0"], ["--processes", "-3"], ["--threads", "0"], ["--seeds", "x"]):
        with pytest.raises(SystemExit) as err:
            _cli(tiny, *bad)
        assert err.value.code == 2
    assert sorted((tiny / "runs").rglob("run.json")) == trained       # nothing more was trained


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="dataset"):
        table1.mixture_of("spiral")
    with pytest.raises(ValueError, match="methods"):
        table1.run("grid", ["wgan"], [0], "quick", steps=1)
    with pytest.raises(ValueError, match="profile_name"):
        table1.run("grid", ["sig"], [0], "fast", steps=1)
    with pytest.raises(ValueError, match="method must be one of"):
        table1.build("SIG", table1.mixture_of("grid"), 10)


def test_compare_with_paper_uses_welch_on_the_spread():
    runs = [{"method": m, "seed": s} for m in ("sig", "mdgan") for s in range(5)]
    fake = {"dataset": "grid", "runs": runs, "summary": {
        "sig": {"modes": [25.0, 0.0], "hq": [0.10, 0.01], "kl": [0.14, 0.07]},
        "mdgan": {"modes": [1.0, 0.0], "hq": [0.5, 0.1], "kl": [1.0, 0.1]}}}
    rows = {(r["method"], r["metric"]): r for r in compare_with_paper(fake)}
    assert set(rows) == {("sig", "modes"), ("sig", "hq"), ("sig", "kl")}          # MDGAN has no paper row
    assert rows[("sig", "modes")]["verdict"] == "agrees" and rows[("sig", "modes")]["p"] == 1.0
    assert rows[("sig", "kl")]["verdict"] == "agrees" and rows[("sig", "kl")]["p"] == pytest.approx(1.0)
    assert rows[("sig", "hq")]["verdict"] == "ours lower" and rows[("sig", "hq")]["p"] < 1e-4
    # the paper's ± read as s.e. is a wider s.d. (× √5): a marginal difference can then agree
    near = {**fake, "summary": {"sig": {**fake["summary"]["sig"], "hq": [0.85, 0.01]}}}
    as_sd = {r["metric"]: r["verdict"] for r in compare_with_paper(near, "sd")}
    as_se = {r["metric"]: r["verdict"] for r in compare_with_paper(near, "se")}
    assert as_sd["hq"] == "ours lower" and as_se["hq"] == "agrees"


def test_sig_schedule_starts_at_a_quarter_spacing_and_ends_at_the_std():
    grid, ring = table1.mixture_of("grid"), table1.mixture_of("ring")
    s = table1.sig_schedule(grid, 1000)
    assert s(0) == pytest.approx(0.5) and s(600) == pytest.approx(0.05) and s.steps == 600
    r = table1.sig_schedule(ring, 1000)
    assert r(0) == pytest.approx(0.25 * 2 * torch.sin(torch.tensor(torch.pi / 8)).item(), rel=1e-5)
    assert r(10**6) == pytest.approx(0.01)
    assert table1.build("sig", grid, 1000).sigma_schedule == s
    with pytest.raises(ValueError, match="steps"):
        table1.build("sig", grid, 0)


def test_every_method_calls_its_network_generator():
    grid = table1.mixture_of("grid")
    sizes = {sum(p.numel() for p in table1.build(m, grid, 10).generator.parameters()) for m in table1.METHODS}
    assert len(sizes) == 1                                             # and they share one architecture


def test_merge_adds_methods_and_keeps_every_part(tiny):
    assert _cli(tiny, "--methods", "vae", "--dataset", "ring", "--merge") == 0
    assert _cli(tiny, "--methods", "sig", "--dataset", "ring", "--merge") == 0
    stored = table1.load("ring", "quick")
    assert list(stored["summary"]) == ["vae", "sig"]
    assert [p["groups"] for p in stored["parts"]] == [["vae"], ["sig"]]
    assert stored["wall_seconds"] == pytest.approx(sum(p["wall_seconds"] for p in stored["parts"]), abs=0.02)
    assert _cli(tiny, "--methods", "vae", "--dataset", "ring", "--merge") == 0       # replaces, not adds
    stored = table1.load("ring", "quick")
    assert sum(r["method"] == "vae" for r in stored["runs"]) == 1 and len(stored["parts"]) == 3
    assert stored["parts"][0]["replaced_later"] == ["vae"] and "replaced_later" not in stored["parts"][1]
    first = provenance_text(stored, table1.METHODS).splitlines()[0]
    assert first.startswith("VAE:") and "replaced by a later part" in " ".join(provenance_text(stored).split())


def test_merge_with_another_setup_fails_before_training(tiny, capsys):
    assert _cli(tiny, "--methods", "vae", "--dataset", "ring") == 0
    before = (tiny / "results" / "table1-ring-quick.json").read_text()
    runs_before = sorted(p.name for p in (tiny / "runs" / "table1").iterdir())
    assert _cli(tiny, "--methods", "sig", "--dataset", "ring", "--merge", "--seeds", "2") == 2
    assert "seeds differs" in capsys.readouterr().err
    assert (tiny / "results" / "table1-ring-quick.json").read_text() == before
    assert sorted(p.name for p in (tiny / "runs" / "table1").iterdir()) == runs_before    # nothing trained


def test_stored_command_quotes_method_names_with_spaces(monkeypatch):
    from sigtut.provenance import provenance
    monkeypatch.setattr("sys.argv", ["sigtut", "reproduce", "table1", "--methods", "Unrolled GAN", "sig"])
    assert provenance([0], 1.0, torch.device("cpu"))["command"] == \
        "python -m sigtut reproduce table1 --methods 'Unrolled GAN' sig"


def test_steps_override_writes_its_own_file(tiny):
    assert table1.result_path("grid", "quick", steps=2).name == "table1-grid-quick.json"   # the profile's own
    assert _cli(tiny, "--methods", "sig", "--dataset", "ring", "--steps", "3") == 0
    stored = table1.load("ring", "quick", steps=3)
    assert stored["steps"] == 3 and (tiny / "results" / "table1-ring-quick-3steps.png").exists()
    assert table1.load("ring", "quick") is None
    with pytest.raises(SystemExit):
        _cli(tiny, "--steps", "0")
    with pytest.raises(ValueError, match="steps"):
        table1.result_path("grid", "quick", steps=-5)


def test_paper_profile_lengths_per_dataset_name_the_files():
    paper = table1.PROFILES["paper"]
    assert paper.steps_for("ring") == 25_000 and paper.steps_for("grid") == 50_000
    assert table1.result_path("grid", "paper", steps=25_000).name == "table1-grid-25000steps.json"
    assert table1.result_path("ring", "paper", steps=25_000).name == "table1-ring.json"
    assert table1.result_path("grid", "paper", steps=50_000).name == "table1-grid.json"
    with pytest.raises(ValueError, match="dataset"):
        paper.steps_for("spiral")


def test_device_names_the_cpu_model(tmp_path):
    from sigtut.provenance import cpu_model, device_description
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n")
    assert cpu_model(info).startswith("AMD EPYC 7B13 (")
    assert cpu_model(tmp_path / "missing") != ""
    assert cpu_model() in device_description(torch.device("cpu"))


def test_part_notes_mark_seconds_that_do_not_compare():
    a = table1.run("ring", ["vae"], [0], "quick", steps=2)
    b = table1.run("ring", ["sig"], [0], "quick", steps=2)
    merged = store.merge(store.merge(None, a), b)
    assert store.part_of(merged, "sig")["groups"] == ["sig"] and store.part_of(a, "vae")["command"] == a["command"]
    with pytest.raises(ValueError, match="gan"):
        store.part_of(merged, "gan")
    merged["parts"][1]["note"] = "ran on another machine"
    merged["summary"] = table1.summarise(merged["runs"])
    last_part = " ".join(re.split(r"\n(?! )", provenance_text(merged))[-1].split())  # one paragraph a part
    assert last_part.endswith("Note: ran on another machine")
    assert store.merge(merged, table1.run("ring", ["gan"], [0], "quick", steps=2))["parts"][1]["note"] \
        == "ran on another machine"
    assert list(comparable_seconds(merged)) == ["vae"]
    sig_row = next(line for line in table_text(merged).splitlines() if line.startswith("SIG  "))
    assert "†" in sig_row and "seconds not comparable" in table_text(merged) and "†" not in table_text(a)


@pytest.mark.parametrize("name", ["table1-grid.json", "table1-ring.json", "table1-grid-25000steps.json"])
def test_stored_results_load_in_the_current_layout(name):
    result = store.read(store.repository_root() / "results" / name)
    assert result["schema"] == store.SCHEMA and result["table"] == "table1"
    assert set(result["summary"]) == set(table1.METHODS)               # all ten rows, by key
    assert all(r["group"] == r["method"] in table1.METHODS for r in result["runs"])
    assert all(set(p["groups"]) <= set(table1.METHODS) for p in store.parts_of(result))
    # the stored summary is what the runs give
    assert result["summary"] == table1.summarise(result["runs"])
    assert table_text(result).count("\n") > 20


def test_vectorised_seeds_give_the_numbers_of_seed_by_seed_runs(float64):
    """--vectorise trains SIG's and the GAN's seeds as one model each; the table's numbers stay the same."""
    apart = table1.run("ring", ["gan", "sig", "vae"], [0, 1], "quick", steps=20)
    together = table1.run("ring", ["gan", "sig", "vae"], [0, 1], "quick", steps=20, vectorise=True)
    assert [(r["method"], r["seed"]) for r in together["runs"]] == [(r["method"], r["seed"]) for r in apart["runs"]]
    for a, b in zip(apart["runs"], together["runs"]):
        assert b.get("vectorised", False) == (b["method"] in ("gan", "sig"))
        assert a["modes"] == b["modes"] and a["modes_2500"] == b["modes_2500"]
        assert a["hq"] == pytest.approx(b["hq"], abs=1e-3) and a["kl"] == pytest.approx(b["kl"], rel=1e-3)
        for k, v in a["final_losses"].items():
            assert b["final_losses"][k] == pytest.approx(v, abs=1e-4)


def test_vectorise_is_a_cli_flag_and_compile_needs_it(tiny):
    assert _cli(tiny, "--methods", "sig", "--dataset", "ring", "--vectorise") == 0
    stored = json.loads((tiny / "results" / "table1-ring-quick.json").read_text())
    assert stored["runs"][0]["vectorised"] is True
    with pytest.raises(SystemExit):
        _cli(tiny, "--methods", "sig", "--compile")


def test_ray_executor_gives_the_numbers_of_the_process_executor(tiny):
    """reproduce table1 --executor ray on a local Ray of 2 CPUs stores the same runs as the process pool."""
    pytest.importorskip("ray")
    common = ("--methods", "sig", "gan", "--dataset", "ring", "--seeds", "2", "--processes", "2")
    stored = {}
    for executor in ("process", "ray"):
        assert cli(["reproduce", "table1", "--profile", "quick", "--run-dir", str(tiny / executor),
                    "--executor", executor, *common]) == 0
        stored[executor] = json.loads((tiny / "results" / "table1-ring-quick.json").read_text())
    keys = ("method", "seed", "modes", "hq", "kl", "modes_2500", "hq_2500", "final_losses", "samples")
    assert [{k: r.get(k) for k in keys} for r in stored["ray"]["runs"]] == \
        [{k: r.get(k) for k in keys} for r in stored["process"]["runs"]]
    assert len(stored["ray"]["runs"]) == 4


def test_address_needs_the_ray_executor(tiny):
    with pytest.raises(SystemExit):
        _cli(tiny, "--methods", "sig", "--address", "auto")


def test_sig_runs_are_also_scored_on_their_noise_free_theta():
    result = table1.run("grid", ["sig", "gan"], [0], "quick", steps=3)
    sig, gan = (next(r for r in result["runs"] if r["method"] == m) for m in ("sig", "gan"))
    assert "theta_scores" not in gan
    assert set(sig["theta_scores"]) == {"modes", "hq", "kl", "modes_2500", "hq_2500"}
    assert 0.0 <= sig["theta_scores"]["hq"] <= 1.0 and sig["theta_scores"]["hq"] != sig["hq"]


def test_bms_runs_store_where_they_break():
    """A BMS run stores its reconstructions' scores and how far its codes are from the prior."""
    result = table1.run("ring", ["bms", "gan"], [0], "quick", steps=3)
    bms, gan = (next(r for r in result["runs"] if r["method"] == m) for m in ("bms", "gan"))
    assert "bms_diagnosis" not in gan
    diagnosis = bms["bms_diagnosis"]
    assert set(diagnosis) == {"reconstruction_scores", "posterior_sd", "latent_energy", "latent_energy_prior"}
    assert set(diagnosis["reconstruction_scores"]) == {"modes", "hq", "kl", "modes_2500", "hq_2500"}


def test_loss_curve_averages_equal_windows_of_steps():
    history = {"g": [float(i) for i in range(10)], "d": [1.0] * 10}
    curve = table1.loss_curve(history, windows=5)
    assert curve["steps"] == [2, 4, 6, 8, 10]
    assert curve["losses"]["g"] == [0.5, 2.5, 4.5, 6.5, 8.5] and curve["losses"]["d"] == [1.0] * 5
    short = table1.loss_curve({"g": [3.0, 1.0]}, windows=100)       # shorter than the windows: every step
    assert short == {"steps": [1, 2], "losses": {"g": [3.0, 1.0]}}
    with pytest.raises(ValueError, match="history"):
        table1.loss_curve({"g": [1.0, 2.0], "d": [1.0]})
    with pytest.raises(ValueError, match="windows"):
        table1.loss_curve(history, windows=0)


def test_runs_store_their_loss_curves_sequential_and_vectorised():
    for vectorise in (False, True):
        result = table1.run("ring", ["gan"], [0, 1], "quick", steps=4, vectorise=vectorise)
        for r in result["runs"]:
            curve = r["loss_curve"]
            assert curve["steps"] == [1, 2, 3, 4] and set(curve["losses"]) == set(r["final_losses"])
            assert all(v[-1] == r["final_losses"][k] for k, v in curve["losses"].items())


def _curve_run(method, seed, values, name="d"):
    return {"method": method, "seed": seed,
            "loss_curve": {"steps": list(range(1, len(values) + 1)), "losses": {name: values}}}


def test_late_mean_averages_the_end_of_a_loss_curve():
    run = _curve_run("gan", 0, [4.0, 2.0, 1.0, 3.0])
    assert table1_report.late_mean(run, "d") == 2.0                # the last half: (1 + 3) / 2
    assert table1_report.late_mean(run, "d", share=0.25) == 3.0
    assert table1_report.late_mean(run, "d", share=1.0) == 2.5
    assert table1_report.late_sd(run, "d") == 1.0                  # the s.d. of 1 and 3
    with pytest.raises(ValueError, match="share"):
        table1_report.late_mean(run, "d", share=0.0)
    with pytest.raises(ValueError, match="loss must be one of"):
        table1_report.late_mean(run, "g")
    with pytest.raises(ValueError, match="loss_curve"):
        table1_report.late_mean({"method": "gan", "seed": 0}, "d")


def test_plot_loss_curves_draws_one_line_per_seed_and_panel_per_loss():
    result = {"dataset": "ring", "summary": {"gan": {}, "bms": {}},
              "runs": [_curve_run("gan", 0, [1.0, 2.0]), _curve_run("gan", 1, [2.0, 1.0]),
                       {**_curve_run("bms", 0, [5.0, 1.0], "latent")}]}
    result["runs"][2]["loss_curve"]["losses"]["critic"] = [2.0, 2.0]
    fig = table1_report.plot_loss_curves(result, ["gan", "bms"])
    axes = fig.axes
    assert [len(ax.lines) for ax in axes] == [2, 0, 1, 1]             # the GAN's second panel is off
    assert axes[2].get_title() == "BMS-VAE-GAN: latent" and not axes[1].axison
    with pytest.raises(ValueError, match="methods"):
        table1_report.plot_loss_curves(result, ["sig"])
    with pytest.raises(ValueError, match="loss_curve"):
        table1_report.plot_loss_curves({**result, "runs": result["runs"][2:]}, ["gan"])
    matplotlib.pyplot.close(fig)


def _bms_with_posterior(mixture, mu: float, log_var: float):
    """A BMS model whose encoder returns q(z | x) = N(mu, e^log_var I) for every x."""
    torch.manual_seed(0)
    model = table1.build("bms", mixture, 10)
    last = model.encoder.net[-1]
    with torch.no_grad():
        last.weight.zero_()
        last.bias.copy_(torch.cat([torch.full((table1.NOISE_DIM,), mu), torch.full((table1.NOISE_DIM,), log_var)]))
    return model


def test_bms_diagnosis_tells_codes_on_the_prior_from_codes_off_it():
    mixture = table1.mixture_of("ring")
    matched = table1.bms_diagnosis(_bms_with_posterior(mixture, 0.0, 0.0), mixture, seed=0, n_codes=500)
    assert matched["posterior_sd"] == pytest.approx(1.0)
    assert matched["latent_energy"] < 3 * matched["latent_energy_prior"] + 0.05   # q(z) = p(z): sampling noise only
    narrow = table1.bms_diagnosis(_bms_with_posterior(mixture, 1.0, -6.0), mixture, seed=0, n_codes=500)
    assert narrow["posterior_sd"] == pytest.approx(float(torch.tensor(-3.0).exp()))
    assert narrow["latent_energy"] > 10 * matched["latent_energy"] + 1.0
    with pytest.raises(ValueError, match="n_codes"):
        table1.bms_diagnosis(_bms_with_posterior(mixture, 0.0, 0.0), mixture, seed=0, n_codes=0)


def test_bms_rows_set_prior_samples_beside_reconstructions_per_seed():
    diagnosis = {"reconstruction_scores": {"modes": 8, "hq": 0.9}, "posterior_sd": 0.05,
                 "latent_energy": 2.0, "latent_energy_prior": 0.004}
    result = {"runs": [{"method": "gan", "seed": 0, "hq": 0.8},
                       {"method": "bms", "seed": 3, "hq": 0.003, "bms_diagnosis": diagnosis},
                       {"method": "bms", "seed": 4, "hq": 0.002}]}             # made before the diagnosis
    assert table1_report.bms_rows(result) == [{"seed": 3, "hq": 0.003, "recon hq": 0.9, "recon modes": 8,
                                               "posterior sd": 0.05, "energy": 2.0, "energy floor": 0.004}]
    with pytest.raises(ValueError, match="bms_diagnosis"):
        table1_report.bms_rows({"runs": result["runs"][:1]})


def test_theta_frame_sets_sig_x_and_theta_beside_gan_si():
    runs = [{"method": "sig", "seed": s, "modes": 25, "hq": hq, "kl": 0.1,
             "theta_scores": {"modes": 25, "hq": hq + 0.1, "kl": 0.2}} for s, hq in ((0, 0.5), (1, 0.7))]
    shared = {"summary": {"gan-si": {"modes": [25.0, 0.0], "hq": [0.88, 0.01], "kl": [0.05, 0.01]}}}
    frame = table1_report.theta_frame({"runs": runs}, shared)
    assert list(frame.index) == ["modes", "hq", "kl"] and list(frame.columns) == ["SIG x", "SIG θ", "GAN-SI"]
    assert frame.loc["hq", "SIG θ"].startswith("0.7") and frame.loc["hq", "GAN-SI"].startswith("0.88")
    with pytest.raises(ValueError, match="GAN-SI"):
        table1_report.theta_frame({"runs": runs}, {"summary": {}})


def test_rates_frame_names_each_methods_rates_and_source():
    frame = table1_report.rates_frame(table1.header("grid", "paper", [0], rates="own"))
    assert frame.loc["VEEGAN", "from"] == "veegan/grid" and frame.loc["VEEGAN", "generator lr"] == "0.001"
    assert frame.loc["SIG", "from"] == "shared protocol"
    with pytest.raises(ValueError, match="rates own"):
        table1_report.rates_frame(table1.header("grid", "paper", [0]))


def test_theta_rows_set_each_sig_run_scored_on_x_beside_its_theta():
    def run(method, seed, hq, theta_hq=None):
        row = {"method": method, "seed": seed, "modes": 25, "hq": hq, "kl": 0.1}
        if theta_hq is not None:
            row["theta_scores"] = {"modes": 24, "hq": theta_hq, "kl": 0.3}
        return row

    result = {"runs": [run("gan", 0, 0.9), run("sig", 0, 0.5, 0.7), run("sig", 1, 0.6, 0.9)]}
    rows = {(r["method"], r["metric"]): r for r in table1_report.theta_rows(result)}
    assert set(rows) == {("SIG", "modes"), ("SIG", "hq"), ("SIG", "kl")}   # the GAN has no θ
    hq = rows[("SIG", "hq")]
    assert hq["n"] == 2 and hq["x"] == pytest.approx(0.55) and hq["theta"] == pytest.approx(0.8)
    assert hq["theta sd"] == pytest.approx((2 * 0.1 ** 2) ** 0.5)          # n − 1 = 1
    assert rows[("SIG", "modes")]["theta"] == 24
    with pytest.raises(ValueError, match="theta_scores"):
        table1_report.theta_rows({"runs": [run("sig", 0, 0.5)]})


def test_lr_override_needs_its_own_file_and_is_recorded(tiny, capsys):
    with pytest.raises(SystemExit):
        _cli(tiny, "--methods", "VEEGAN", "--lr", "1e-3", "1e-3")
    assert "--lr needs --out" in capsys.readouterr().err
    out = tiny / "ablation.json"
    assert _cli(tiny, "--methods", "VEEGAN", "--lr", "1e-3", "2e-3", "--out", str(out)) == 0
    stored = json.loads(out.read_text())
    assert stored["lr"] == {"generator": 1e-3, "discriminator": 2e-3}
    assert not table1.result_path("grid", "quick").exists()          # the profile's file is untouched
    with pytest.raises(ValueError, match="lr"):
        table1.header("grid", "quick", [0], lr=(1e-3, -1.0))


def test_own_rates_give_each_peer_its_papers_rates_in_its_own_file(tiny, monkeypatch):
    seen = {}
    real_fit = table1.fit

    def spy(model, *args, lr, **kwargs):
        seen[type(model).__name__] = lr
        return real_fit(model, *args, lr=lr, **kwargs)

    monkeypatch.setattr(table1, "fit", spy)
    assert _cli(tiny, "--methods", "VEEGAN", "GAN", "Reg-GAN", "--rates", "own") == 0
    stored = table1.load("grid", "quick", rates="own")
    assert stored is not None and stored["rates"] == "own"
    assert not table1.result_path("grid", "quick").exists()          # the shared protocol's file is untouched
    veegan, che = peers_specs.SPECS["veegan/grid"].lr, peers_specs.SPECS["reg-gan/ring6"].lr
    assert stored["lr"]["veegan"] == veegan == {"generator": 1e-3, "discriminator": 1e-3}
    assert stored["lr"]["reg-gan"] == che == {"generator": 1e-4, "discriminator": 1e-4}
    shared = TINY.header(2)["lr"]
    assert stored["lr"]["gan"] == stored["lr"]["sig"] == shared
    assert seen["VEEGAN"]["discriminator"] == 1e-3 and seen["GAN"]["discriminator"] == shared["discriminator"]
    assert set(seen["ModeRegularizedGAN"].values()) == {1e-4}
    # a later part merges only into a set-up with the same per-method rates
    assert _cli(tiny, "--methods", "MDGAN", "--rates", "own", "--merge") == 0
    assert [r["method"] for r in table1.load("grid", "quick", rates="own")["runs"]] == ["gan", "veegan", "reg-gan",
                                                                                       "mdgan"]


def test_own_rates_exclude_an_lr_override(tiny, capsys):
    with pytest.raises(SystemExit):
        _cli(tiny, "--rates", "own", "--lr", "1e-3", "1e-3", "--out", str(tiny / "x.json"))
    assert "exclude each other" in capsys.readouterr().err
    with pytest.raises(ValueError, match="rates"):
        table1.header("grid", "quick", [0], rates="mine")


def test_fair_result_reuses_only_runs_whose_settings_are_the_fair_ones():
    shared = table1.header("grid", "quick", [0])
    own = table1.header("grid", "quick", [0], rates="own")

    def runs(*methods, hq):
        return [{"group": m, "method": m, "seed": 0, "seconds": 1.0, "modes": 1, "hq": hq, "kl": 0.5,
                 "modes_2500": 1, "hq_2500": hq} for m in methods]

    shared.update(runs=runs("gan", "veegan", "bms", hq=0.1), commit="a" * 40)
    shared["summary"] = table1.summarise(shared["runs"])
    own.update(runs=runs("veegan", hq=0.9), commit="b" * 40, true_data=table1.true_data_row("grid"))
    own["summary"] = table1.summarise(own["runs"])
    fair = table1_report.fair_result(shared, own)
    assert [(r["method"], r["hq"]) for r in fair["runs"]] == [("gan", 0.1), ("veegan", 0.9)]
    assert fair["reused"] == ["gan"] and "bms" in fair["missing"] and "veegan" not in fair["missing"]
    assert [(p["groups"], p["commit"][0]) for p in fair["parts"]] == [(["veegan"], "b"), (["gan"], "a")]
    assert "own paper's learning rates" in table_text(fair)
    with pytest.raises(ValueError, match="in that order"):
        table1_report.fair_result(own, shared)
    with pytest.raises(ValueError, match="steps"):
        table1_report.fair_result(shared, {**own, "steps": 3})


def test_options_change_one_methods_settings_in_its_own_file(tiny, capsys):
    """--options NAME=VALUE: an ablation of the method's own settings, recorded, never in the profile's file."""
    mixture = table1.mixture_of("ring")
    model = table1.build("bms", mixture, 10, options={"sigma": 0.5, "kl": "analytic"})
    assert model.sigma == 0.5 and model.kl == "analytic" and model.n_samples == 10   # the rest as in Table 1
    assert table1.build("bms", mixture, 10).sigma == mixture.std
    with pytest.raises(ValueError, match="options.*width"):
        table1.build("bms", mixture, 10, options={"width": 3.0})
    with pytest.raises(ValueError, match="kl"):
        table1.build("bms", mixture, 10, options={"kl": "exact"})
    assert table1.parse_options(["sigma=0.5", "n_samples=3", "kl=analytic"]) == {
        "sigma": 0.5, "n_samples": 3, "kl": "analytic"}
    with pytest.raises(ValueError, match="NAME=VALUE"):
        table1.parse_options(["sigma"])
    for args, message in ((["--methods", "BMS-VAE-GAN", "--options", "sigma=0.5"], "--options needs --out"),
                          (["--methods", "GAN", "VAE", "--options", "sigma=0.5", "--out", "x.json"],
                           "--options needs exactly one method"),
                          (["--methods", "BMS-VAE-GAN", "--options", "width=3", "--out", "x.json"],
                           "has no such setting")):
        with pytest.raises(SystemExit):
            _cli(tiny, "--dataset", "ring", *args)
        assert message in capsys.readouterr().err
    out = tiny / "bms-sigma.json"
    assert _cli(tiny, "--dataset", "ring", "--methods", "BMS-VAE-GAN", "--options", "sigma=0.5", "--rates", "own",
                "--out", str(out)) == 0
    stored = json.loads(out.read_text())
    assert stored["options"] == {"sigma": 0.5} and stored["rates"] == "own"
    assert "options" not in table1.header("ring", "quick", [0])                # Table 1's own set-up is unchanged
    capsys.readouterr()
    assert _cli(tiny, "--dataset", "ring", "--methods", "BMS-VAE-GAN", "--options", "sigma=0.25", "--rates", "own",
                "--out", str(out), "--merge") == 2                              # a part with other options
    assert "options differs" in capsys.readouterr().err
