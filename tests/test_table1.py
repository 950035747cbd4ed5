"""The Table 1 experiment: runs, tables with the paper's numbers, results JSON with provenance, CLI."""
import json

import matplotlib
import pytest
import torch

from sigtut.__main__ import COMMANDS
from sigtut.__main__ import main as cli
from sigtut.experiments import table1

matplotlib.use("Agg")
torch.set_num_threads(1)


def test_run_summarises_each_method_with_provenance():
    result = table1.run("grid", ["SIG", "GAN"], [0, 1], "quick", processes=1, steps=3)
    assert set(result["summary"]) == {"SIG", "GAN"}
    assert len(result["runs"]) == 4 and result["steps"] == 3
    for key in ("command", "commit", "device", "seeds", "wall_seconds", "versions"):
        assert key in result
    assert result["true_data"]["modes"] == 25
    # mean over the two seeds equals the summary's mean
    sig_runs = [r["kl"] for r in result["runs"] if r["method"] == "SIG"]
    assert result["summary"]["SIG"]["kl"][0] == pytest.approx(sum(sig_runs) / 2)
    # figure samples are kept for the first seed only
    assert all(("samples" in r) == (r["seed"] == 0) for r in result["runs"])
    text = table1.table_text(result)
    assert "4.0 ± 3.1" in text and "0.91 ± 0.04" in text       # SIG Table 1's GAN and SIG numbers
    assert "true data (limit)" in text


def test_ring_table_shows_peer_claims_not_sig_table():
    result = table1.run("ring", ["VEEGAN"], [0], "quick", processes=1, steps=2)
    text = table1.table_text(result)
    assert "52.9" not in text and "0.529" in text                # VEEGAN's ring claim, as a share
    assert result["true_data"]["modes"] == 8


def test_cli_writes_json_and_figure(tmp_path, monkeypatch):
    monkeypatch.setattr(table1, "RESULTS", tmp_path)
    monkeypatch.setitem(table1.PROFILES, "quick", table1.Profile(steps={"grid": 2, "ring": 2}, batch_size=16, seeds=1))
    assert COMMANDS["reproduce table1"] == "sigtut.experiments.table1"
    assert cli(["reproduce", "table1", "--profile", "quick", "--methods", "SIG", "VAE", "--dataset", "ring"]) == 0
    stored = json.loads((tmp_path / "table1-ring-quick.json").read_text())
    assert stored["profile"] == "quick" and stored["seeds"] == [0]
    assert (tmp_path / "table1-ring-quick.png").exists()
    assert table1.load("ring", "quick")["dataset"] == "ring"
    assert table1.load("ring", "paper") is None


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="dataset"):
        table1.mixture_of("spiral")
    with pytest.raises(ValueError, match="methods"):
        table1.run("grid", ["WGAN"], [0], "quick", steps=1)
    with pytest.raises(ValueError, match="profile_name"):
        table1.run("grid", ["SIG"], [0], "fast", steps=1)


def test_compare_with_paper_flags_disagreement():
    fake = {"dataset": "grid", "summary": {
        "SIG": {"modes": [25.0, 0.0], "hq": [0.10, 0.01], "kl": [0.14, 0.07]},
        "MDGAN": {"modes": [1.0, 0.0], "hq": [0.5, 0.1], "kl": [1.0, 0.1]}}}
    rows = {(r["method"], r["metric"]): r["verdict"] for r in table1.compare_with_paper(fake)}
    assert rows == {("SIG", "modes"): "agrees", ("SIG", "hq"): "ours lower", ("SIG", "kl"): "agrees"}
    assert table1.compare_with_paper({**fake, "dataset": "ring"}) == []
    better = {**fake, "summary": {**fake["summary"], "SIG": {**fake["summary"]["SIG"], "hq": [0.90, 0.01]}}}
    assert table1.verdict_changes(fake, better) == [("SIG", "hq")] and table1.verdict_changes(fake, fake) == []


def test_sig_schedule_starts_at_a_quarter_spacing_and_ends_at_the_std():
    grid, ring = table1.mixture_of("grid"), table1.mixture_of("ring")
    s = table1.sig_schedule(grid, 1000)
    assert s(0) == pytest.approx(0.5) and s(600) == pytest.approx(0.05) and s.steps == 600
    r = table1.sig_schedule(ring, 1000)
    assert r(0) == pytest.approx(0.25 * 2 * torch.sin(torch.tensor(torch.pi / 8)).item(), rel=1e-5)
    assert r(10**6) == pytest.approx(0.01)
    sig = table1.build("SIG", grid, 1000)
    assert sig.sigma_schedule == s
    with pytest.raises(ValueError, match="steps"):
        table1.build("SIG", grid, 0)


def test_merge_adds_methods_and_keeps_every_part(tmp_path, monkeypatch):
    monkeypatch.setattr(table1, "RESULTS", tmp_path)
    monkeypatch.setitem(table1.PROFILES, "quick", table1.Profile(steps={"grid": 2, "ring": 2}, batch_size=16, seeds=1))
    assert cli(["reproduce", "table1", "--profile", "quick", "--methods", "VAE", "--dataset", "ring", "--merge"]) == 0
    assert cli(["reproduce", "table1", "--profile", "quick", "--methods", "SIG", "--dataset", "ring", "--merge"]) == 0
    stored = table1.load("ring", "quick")
    assert list(stored["summary"]) == ["VAE", "SIG"]                    # the order of METHODS
    assert [p["methods"] for p in stored["parts"]] == [["VAE"], ["SIG"]]
    assert stored["wall_seconds"] == pytest.approx(sum(p["wall_seconds"] for p in stored["parts"]), abs=0.02)
    # re-running a method replaces its runs instead of adding a second copy
    assert cli(["reproduce", "table1", "--profile", "quick", "--methods", "VAE", "--dataset", "ring", "--merge"]) == 0
    stored = table1.load("ring", "quick")
    assert sum(r["method"] == "VAE" for r in stored["runs"]) == 1 and len(stored["parts"]) == 3
    assert stored["parts"][0]["replaced_later"] == ["VAE"] and "replaced_later" not in stored["parts"][1]
    assert "runs of VAE replaced by a later part" in table1.provenance_text(stored).splitlines()[0]


def test_merge_refuses_a_different_setup():
    a = table1.run("ring", ["VAE"], [0], "quick", processes=1, steps=2)
    b = table1.run("ring", ["SIG"], [0], "quick", processes=1, steps=3)
    with pytest.raises(ValueError, match="steps"):
        table1.merge(table1.merge(None, a), b)


def test_stored_command_quotes_method_names_with_spaces(monkeypatch):
    from sigtut.provenance import provenance
    monkeypatch.setattr("sys.argv", ["sigtut", "reproduce", "table1", "--methods", "Unrolled GAN", "SIG"])
    assert provenance([0], 1.0, torch.device("cpu"))["command"] == \
        "python -m sigtut reproduce table1 --methods 'Unrolled GAN' SIG"


def test_pending_and_provenance_text_list_every_part():
    a = table1.run("ring", ["VAE"], [0], "quick", processes=1, steps=2)
    b = table1.run("ring", ["SIG"], [0], "quick", processes=1, steps=2)
    merged = table1.merge(table1.merge(None, a), b)
    assert table1.pending(merged) == [m for m in table1.METHODS if m not in ("VAE", "SIG")]
    assert table1.pending(None) == list(table1.METHODS)
    lines = table1.provenance_text(merged).splitlines()
    assert len(lines) == 2 and lines[0].lstrip().startswith("VAE:") and lines[1].lstrip().startswith("SIG:")


def test_steps_override_writes_its_own_file(tmp_path, monkeypatch):
    monkeypatch.setattr(table1, "RESULTS", tmp_path)
    monkeypatch.setitem(table1.PROFILES, "quick", table1.Profile(steps={"grid": 2, "ring": 2}, batch_size=16, seeds=1))
    assert table1.result_path("grid", "quick", steps=2) == tmp_path / "table1-grid-quick.json"   # the profile's own
    assert cli(["reproduce", "table1", "--profile", "quick", "--methods", "SIG", "--dataset", "ring",
                "--steps", "3"]) == 0
    stored = table1.load("ring", "quick", steps=3)
    assert stored["steps"] == 3 and (tmp_path / "table1-ring-quick-3steps.png").exists()
    assert table1.load("ring", "quick") is None                  # the profile's file is untouched
    with pytest.raises(SystemExit):
        cli(["reproduce", "table1", "--profile", "quick", "--steps", "0"])
    with pytest.raises(ValueError, match="steps"):
        table1.result_path("grid", "quick", steps=-5)


def test_paper_profile_lengths_per_dataset_name_the_files():
    paper = table1.PROFILES["paper"]
    assert paper.steps_for("ring") == 25_000 and paper.steps_for("grid") == 50_000
    # the grid's first, shorter run has its own file; the ring's 25,000 steps are its profile's own
    assert table1.result_path("grid", "paper", steps=25_000).name == "table1-grid-25000steps.json"
    assert table1.result_path("ring", "paper", steps=25_000).name == "table1-ring.json"
    assert table1.result_path("grid", "paper", steps=50_000).name == "table1-grid.json"
    with pytest.raises(ValueError, match="dataset"):
        paper.steps_for("spiral")


def test_run_queries_pick_runs_rank_methods_and_compare_budgets():
    short = table1.run("ring", ["SIG", "GAN"], [0, 1], "quick", processes=1, steps=2)
    long = table1.run("ring", ["SIG"], [0, 1], "quick", processes=1, steps=3)
    assert [r["seed"] for r in table1.method_runs(short, "SIG")] == [0, 1]
    assert all(r["method"] == "GAN" for r in table1.method_runs(short, "GAN"))
    order = table1.ranked(short, "hq")
    assert sorted(order) == ["GAN", "SIG"]
    assert short["summary"][order[0]]["hq"][0] >= short["summary"][order[1]]["hq"][0]
    fake = {"dataset": "ring", "summary": {"A": {}, "B": {}},
            "runs": [{"method": "A", "seed": 0, "modes": 8}, {"method": "A", "seed": 1, "modes": 8},
                     {"method": "B", "seed": 0, "modes": 8}, {"method": "B", "seed": 1, "modes": 7}]}
    assert table1.full_coverage(fake) == ["A"]
    rows = table1.seed_changes(short, long, "SIG")
    first = table1.method_runs(short, "SIG")[0], table1.method_runs(long, "SIG")[0]
    assert rows[0]["seed"] == "0" and rows[0]["modes"] == f"{first[0]['modes']} → {first[1]['modes']}"
    changes = table1.budget_changes(short, long)
    assert [r["method"] for r in changes] == ["SIG"]                  # GAN is not in the longer run
    full = [sum(r["modes"] == 8 for r in table1.method_runs(res, "SIG")) for res in (short, long)]
    assert changes[0]["all 8"] == f"{full[0]} → {full[1]}"
    assert changes[0]["hq"] == f"{short['summary']['SIG']['hq'][0]:.2f} → {long['summary']['SIG']['hq'][0]:.2f}"


def test_device_names_the_cpu_model(tmp_path):
    from sigtut.provenance import cpu_model, device_description
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n")
    assert cpu_model(info).startswith("AMD EPYC 7B13 (")
    assert cpu_model(tmp_path / "missing") != ""                      # falls back to the architecture
    assert cpu_model() in device_description(torch.device("cpu"))


def test_part_of_finds_the_part_holding_a_method_and_notes_are_shown():
    a = table1.run("ring", ["VAE"], [0], "quick", processes=1, steps=2)
    b = table1.run("ring", ["SIG"], [0], "quick", processes=1, steps=2)
    merged = table1.merge(table1.merge(None, a), b)
    assert table1.part_of(merged, "SIG")["methods"] == ["SIG"] and table1.part_of(merged, "VAE")["methods"] == ["VAE"]
    assert table1.part_of(a, "VAE")["command"] == a["command"]             # a result made in one go
    with pytest.raises(ValueError, match="GAN"):
        table1.part_of(merged, "GAN")
    merged["parts"][1]["note"] = "ran on another machine"
    assert "note: ran on another machine" in table1.provenance_text(merged).splitlines()[-1]
    assert table1.merge(merged, table1.run("ring", ["GAN"], [0], "quick", processes=1, steps=2))["parts"][1]["note"] \
        == "ran on another machine"                                       # merging keeps a part's note
    assert list(table1.comparable_seconds(merged)) == ["VAE"]         # SIG's part ran elsewhere
    sig_row = next(line for line in table1.table_text(merged).splitlines() if line.startswith("SIG  "))
    assert "†" in sig_row and "seconds not comparable" in table1.table_text(merged)
    assert "†" not in table1.table_text(a)
    assert set(table1.comparable_seconds(a)) == {"VAE"}
