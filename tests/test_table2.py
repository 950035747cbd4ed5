"""The Table 2 experiment: resumable runs with learning curves, the stored result, its report."""
import json

import matplotlib
import pytest
import torch

from sigtut.__main__ import main as cli
from sigtut.experiments import store, table2, table2_report
from sigtut.experiments.profiles import Profile
from sigtut.experiments.runner import Job

matplotlib.use("Agg")
TINY = Profile(steps=4, batch_size=8, seeds=1, n_eval=200, lr_generator=2e-4, lr_discriminator=2e-4, eval_every=2)


@pytest.fixture
def tiny(tmp_path, monkeypatch, data_dir):
    monkeypatch.setenv("SIGTUT_DATA", data_dir)
    monkeypatch.setenv("SIGTUT_RESULTS", str(tmp_path / "results"))
    monkeypatch.setitem(table2.PROFILES, "quick", TINY)
    return tmp_path


def _cli(tmp, *args):
    return cli(["reproduce", "table2", "--profile", "quick", "--run-dir", str(tmp / "runs"), "--processes", "1", *args])


def _job(method="dcgan-si", size="S", seed=0):
    spec = {"method": method, "size": size, "device": "cpu",
            **{k: v for k, v in TINY.header(TINY.steps).items()}}
    return Job(table2.TABLE, f"{method}/{size}", seed, spec)


def test_a_run_killed_after_a_checkpoint_resumes_to_the_same_curve_and_parameters(tiny):
    job = _job()
    whole, killed = tiny / "whole", tiny / "killed"
    whole.mkdir(), killed.mkdir()
    record = table2.run_one(job, whole)
    # the state a kill leaves after the first segment's checkpoint, before its evaluation was stored
    table2.train("dcgan-si", "S", 0, TINY, steps=2, checkpoint=killed / "checkpoint.pt")
    resumed = table2.run_one(job, killed)
    strip = lambda r: {k: ([{q: v for q, v in p.items() if q != "eval_seconds"} for p in v] if k == "curve" else v)
                       for k, v in r.items() if k != "seconds"}
    assert strip(resumed) == strip(record)
    a = torch.load(whole / "checkpoint.pt", weights_only=True)["method"]
    b = torch.load(killed / "checkpoint.pt", weights_only=True)["method"]
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert [p["step"] for p in record["curve"]] == [2, 4] and (whole / "grid.png").exists()
    assert 1 <= record["is"] <= 10 and 0 <= record["modes"] <= 1000


def test_cli_stores_runs_grids_and_merges_another_size(tiny):
    assert _cli(tiny, "--sizes", "S", "--seeds", "2") == 0
    out = tiny / "results" / "table2-quick.json"
    stored = store.read(out)
    assert stored["protocol"] == table2.PROTOCOL and stored["table"] == "table2" and stored["threads"] == 1
    assert list(stored["summary"]) == ["dcgan/S", "dcgan-si/S"] and len(stored["runs"]) == 4
    assert sorted(p.name for p in (tiny / "results" / "table2-quick-samples").iterdir()) == \
        ["dcgan-S-seed0.png", "dcgan-S-seed1.png", "dcgan-si-S-seed0.png", "dcgan-si-S-seed1.png"]
    assert _cli(tiny, "--sizes", "M", "--methods", "dcgan", "--seeds", "2", "--merge") == 0
    merged = store.read(out)
    assert list(merged["summary"]) == ["dcgan/S", "dcgan-si/S", "dcgan/M"] and merged["seeds"] == [0, 1]
    assert [p["groups"] for p in merged["parts"]] == [["dcgan/S", "dcgan-si/S"], ["dcgan/M"]]
    rows = table2_report.rows(merged)
    assert rows[0]["model"] == "Real Stacked MNIST" and {r["source"] for r in rows[1:]} >= {"ours, n = 2", "paper (± as s.d.)"}
    steps, mean, sd = table2_report.curves(merged, "modes")["dcgan/M"]
    assert steps == [2, 4] and len(mean) == len(sd) == 2
    assert {c["metric"] for c in table2_report.comparison(merged)} == set(table2.METRICS)
    best, worst = table2_report.extremes(merged)["dcgan/M"]
    assert best["is"] >= worst["is"]
    table2_report.plot_extremes(merged, tiny / "results" / "table2-quick-samples")
    table2_report.plot_curves(merged)
    assert "Table 2, quick profile" in table2_report.table_text(merged)
    quality, diversity = table2_report.frames(merged)
    assert list(quality.columns) == ["IS", "High quality", "exp(H(y|x))"] and list(diversity.columns)[1] == "Mode"
    contrasts = table2_report.contrasts(merged)                        # only size S holds both methods
    assert {c["size"] for c in contrasts} == {"S"} and {c["metric"] for c in contrasts} == set(table2.METRICS)
    modes = next(c for c in contrasts if c["metric"] == "modes")
    assert modes["dcgan"][0] == merged["summary"]["dcgan/S"]["modes"][0] and 0 <= modes["p"] <= 1
    assert table2_report.n_runs(merged, "dcgan/M") == 2
    assert table2_report.group_stats(merged, "dcgan/M", "modes") == (*merged["summary"]["dcgan/M"]["modes"][:2], 2)
    m_seconds = [r["seconds"] for r in merged["runs"] if r["size"] == "M"]
    assert table2_report.minutes_per_run(merged, "M") == pytest.approx(sum(m_seconds) / 2 / 60)
    # a size with one run of a method has no spread to test: it is left out, not given p = 0
    one_run = {**merged, "runs": [r for r in merged["runs"] if (r["group"], r["seed"]) != ("dcgan-si/S", 1)]}
    one_run["summary"] = table2.summarise(one_run["runs"])
    assert table2_report.contrasts(one_run) == []
    assert "dcgan-si/S" not in {r["row"] for r in table2_report.comparison(one_run)}


def test_checks_fail_before_any_training(tiny, capsys):
    out = tiny / "results" / "table2-quick.json"
    out.parent.mkdir(parents=True)
    out.write_text(json.dumps({"schema": 2, "table": "table2", "protocol": 1, "profile": "quick"}))
    assert _cli(tiny, "--sizes", "S", "--merge") == 2                       # an older protocol never merges
    assert "protocol differs" in capsys.readouterr().err
    (tiny / "blocker").write_text("")
    assert _cli(tiny, "--sizes", "S", "--out", str(tiny / "blocker" / "t.json")) == 2
    assert "cannot write the results file" in capsys.readouterr().err
    assert not (tiny / "runs").exists()                                   # nothing was trained


def test_label_and_build():
    assert table2.label("dcgan-si/M") == "DCGAN-SI(M)"
    assert table2.build("dcgan", "S").generator is not None
    with pytest.raises(ValueError, match="method must be one of"):
        table2.build("DCGAN", "S")
