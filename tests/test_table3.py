"""The Table 3 experiment: the quick pipeline on synthetic data, its stored result, the paper profile's checks."""
import importlib.util
import json

import matplotlib
import pytest

from sigtut.__main__ import main as cli
from sigtut.experiments import store, table3, table3_report
from sigtut.experiments.published import PAPER_TABLE3
from sigtut.metrics.inception import INCEPTION
from sigtut.provenance import PROVENANCE_FIELDS

matplotlib.use("Agg")
TINY = table3.Table3Profile(steps=2, batch_size=8, seeds=1, n_eval=64, lr_generator=2e-4, lr_discriminator=2e-4,
                            eval_every=1, width=8, splits=2, data="synthetic", n_train=64, scorer="injected")


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    monkeypatch.setenv("SIGTUT_DATA", str(tmp_path / "data"))          # empty: no CIFAR-10 here
    monkeypatch.setenv("SIGTUT_RESULTS", str(tmp_path / "results"))
    monkeypatch.setitem(table3.PROFILES, "quick", TINY)
    return tmp_path


def _cli(tmp, *args, profile="quick"):
    return cli(["reproduce", "table3", "--profile", profile, "--run-dir", str(tmp / "runs"), "--processes", "1",
                *args])


def _stable(run):
    return {k: v for k, v in run.items() if k not in ("seconds", "curve")}


def test_quick_cli_stores_schema_provenance_grids_and_resumes(tiny, capsys):
    assert _cli(tiny, "--methods", "dcgan", "wgan-gp-si", "--seeds", "1") == 0
    out = tiny / "results" / "table3-quick.json"
    stored = store.read(out)
    assert set(PROVENANCE_FIELDS) <= set(stored)
    assert stored["command"].startswith("python -m sigtut ") and stored["seeds"] == [0]
    assert stored["commit"] and stored["device"].startswith("cpu") and stored["wall_seconds"] > 0
    assert {"torch", "sigtut", "python"} <= set(stored["versions"])
    assert stored["table"] == "table3" and stored["protocol"] == table3.PROTOCOL and stored["threads"] == 1
    assert stored["scorer"]["kind"] == "injected" and stored["scorer"]["extractor"] == "SyntheticClassifier"
    assert "not an Inception Score" in stored["scorer"]["metrics"]["score_injected"]
    assert stored["data"]["synthetic"] is True and stored["data"]["name"] == "synthetic_cifar10"
    assert stored["betas"] == {"dcgan": [0.5, 0.999], "dcgan-si": [0.5, 0.999], "wgan-gp": [0.5, 0.9],
                               "wgan-gp-si": [0.5, 0.9]}
    assert [r["group"] for r in stored["runs"]] == ["dcgan", "wgan-gp-si"]
    for run in stored["runs"]:
        assert not {"is", "fid"} & set(run) and run["extractor"] == "SyntheticClassifier"
        assert 1 - 1e-6 <= run["score_injected"] <= 10 + 1e-6 and run["distance_injected"] >= 0
        assert [p["step"] for p in run["curve"]] == [1, 2]
    assert not {"is", "fid"} & set(stored["real"]) and stored["real"]["n_images"] == 64
    assert set(stored["summary"]["dcgan"]) == {"score_injected", "distance_injected", "seconds"}
    assert sorted(p.name for p in (tiny / "results" / "table3-quick-samples").iterdir()) == \
        ["dcgan-seed0.png", "wgan-gp-si-seed0.png"]
    assert "not an Inception Score" in capsys.readouterr().out
    # the same command again: both runs are read from their folders, not trained again
    assert _cli(tiny, "--methods", "dcgan", "wgan-gp-si", "--seeds", "1") == 0
    assert "2 of 2 runs already finished" in capsys.readouterr().err
    again = store.read(out)
    assert [_stable(r) for r in again["runs"]] == [_stable(r) for r in stored["runs"]]
    assert [r["seconds"] for r in again["runs"]] == [r["seconds"] for r in stored["runs"]]


def test_merge_adds_a_part_and_the_report_keeps_injected_scores_out_of_the_is_column(tiny):
    assert _cli(tiny, "--methods", "dcgan-si") == 0
    assert _cli(tiny, "--methods", "wgan-gp", "--merge") == 0
    merged = store.read(tiny / "results" / "table3-quick.json")
    assert list(merged["summary"]) == ["dcgan-si", "wgan-gp"]
    assert [p["groups"] for p in merged["parts"]] == [["dcgan-si"], ["wgan-gp"]]
    assert all(set(PROVENANCE_FIELDS) <= set(p) for p in merged["parts"])
    assert merged["wall_seconds"] == pytest.approx(sum(p["wall_seconds"] for p in merged["parts"]), abs=0.02)
    with pytest.raises(ValueError, match="not Inception Scores"):
        table3_report.table_frame(merged)
    pending = table3_report.table_frame(None)
    assert (pending["ours: IS"] == "pending").all() and list(pending.index)[0] == "Real data"
    assert pending.loc["DCGAN-SI", "paper: IS"] == "6.85 ± 0.06"
    check = table3_report.check_frame(merged)
    assert "IS" not in check.columns and "FID" not in check.columns
    assert list(check.columns) == ["injected score (not IS)", "±", "injected distance (not FID)"]
    assert list(check.index) == ["Real data", "DCGAN-SI", "WGAN-GP"]
    text = table3_report.table_text(merged)
    assert "not an Inception Score" in text and "paper: IS" not in text
    assert "pipeline check" in table3_report.plot_grids(merged, tiny / "results" / "table3-quick-samples")._suptitle.get_text()


def test_an_inception_result_goes_beside_the_paper(tiny):
    _cli(tiny, "--methods", "dcgan")
    result = store.read(tiny / "results" / "table3-quick.json")
    assert not table3_report.is_inception(result)
    # relabelled by hand as Inception-scored, as a paper-profile run stores it
    result["scorer"] = table3.scorer_record("inception")
    for row in (*result["runs"], result["real"]):
        row["extractor"] = INCEPTION
        row["is"], row["is_split_sd"] = row.pop("score_injected"), row.pop("score_injected_split_sd")
        if "distance_injected" in row:
            row["fid"] = row.pop("distance_injected")
    result["summary"] = table3.summarise(result["runs"], "inception")
    frame = table3_report.table_frame(result)
    assert frame.loc["WGAN-GP", "ours: IS"] == "pending" and frame.loc["DCGAN", "ours: IS"] != "pending"
    assert frame.loc["DCGAN", "ours: ±"] == "s.d. over 2 splits"
    with pytest.raises(ValueError, match="table_frame"):
        table3_report.check_frame(result)
    result["runs"][0]["extractor"] = "SyntheticClassifier"           # one foreign number is enough to refuse
    with pytest.raises(ValueError, match="not Inception Scores"):
        table3_report.table_frame(result)


@pytest.mark.skipif(importlib.util.find_spec("torch_fidelity") is not None, reason="torch-fidelity is installed")
def test_paper_profile_stops_before_training_with_one_line(tiny, capsys):
    assert _cli(tiny, profile="paper") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Nothing was trained" in err
    assert f"{tiny / 'data' / 'cifar10'}" in err and "cifar-10-python.tar.gz" in err and "SIGTUT_DATA" in err
    assert "sigtut[cifar]" in err and "torch-fidelity" in err
    # with the tarball in place only the Inception network is missing
    (tiny / "data" / "cifar10").mkdir(parents=True)
    (tiny / "data" / "cifar10" / "cifar-10-python.tar.gz").write_bytes(b"")
    assert _cli(tiny, profile="paper") == 2
    err = capsys.readouterr().err.strip()
    assert "CIFAR-10 is not in" not in err and "torch-fidelity" in err
    assert not (tiny / "runs").exists() and not (tiny / "results" / "table3.json").exists()


def test_a_corrupt_stored_result_fails_before_training(tiny, capsys):
    out = tiny / "results" / "table3-quick.json"
    out.parent.mkdir(parents=True)
    out.write_text(json.dumps({"schema": 2, "table": "table3", "protocol": 0, "profile": "quick"}))
    assert _cli(tiny, "--methods", "dcgan", "--merge") == 2
    assert "protocol differs" in capsys.readouterr().err and not (tiny / "runs").exists()


def test_labels_profiles_and_published_numbers():
    assert table3.label("wgan-gp-si") == "WGAN-GP-SI" and table3.label("real") == "Real data"
    with pytest.raises(ValueError, match="group must be one of"):
        table3.label("WGAN GP")
    assert set(PAPER_TABLE3) == {"real", *table3.METHODS} and PAPER_TABLE3["real"]["is"] == (11.24, 0.12)
    paper = table3.PROFILES["paper"]
    assert (paper.steps, paper.batch_size, paper.n_eval, paper.splits, paper.width) == (100_000, 64, 50_000, 10, 512)
    assert paper.data == "cifar10" and paper.scorer == "inception" and paper.lr_generator == 2e-4
    assert table3.result_path("quick").name == "table3-quick.json" and table3.result_path("paper").name == "table3.json"
    with pytest.raises(ValueError, match="scorer must be one of"):
        table3.Table3Profile(steps=1, batch_size=1, seeds=1, n_eval=1, scorer="inceptionish")
