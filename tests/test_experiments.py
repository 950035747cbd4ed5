"""The experiments layer: a results store that never loses data, checks before training, resume, same numbers
however a table is run, clean stops, the command line."""
import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from sigtut.__main__ import main as cli
from sigtut.experiments import migrate, report, runner, store, table1

REPO = Path(__file__).resolve().parents[1]


def _payload(**extra):
    return {"command": "c", "commit": "x", "device": "cpu", "seeds": [0], "wall_seconds": 1.0, "versions": {},
            "runs": [], **extra}


# --- the store -------------------------------------------------------------------------------

def test_a_failed_write_keeps_the_previous_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "table.json"
    store.write(path, _payload(value=1))
    before = path.read_text()

    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        store.write(path, _payload(value=2, big="x" * 100_000))
    assert path.read_text() == before and json.loads(before)["value"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["table.json"]          # no temporary file left behind


def test_a_payload_that_cannot_be_serialised_writes_nothing(tmp_path):
    path = tmp_path / "table.json"
    store.write(path, _payload(value=1))
    with pytest.raises(TypeError):
        store.write(path, _payload(value=object()))
    assert json.loads(path.read_text())["value"] == 1


def test_a_corrupt_stored_file_is_reported_and_never_overwritten(tmp_path):
    path = tmp_path / "table.json"
    path.write_text('{"runs": [1, 2')                                     # a truncated write of the old layer
    for merge in (True, False):
        with pytest.raises(store.StoredResultError, match=str(path)):
            store.prepare(path, {"table": "t"}, merge=merge, keys=["table"])
    assert path.read_text() == '{"runs": [1, 2'


def test_unwritable_output_paths_fail_before_anything_else(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(ValueError, match="cannot write the results file"):
        store.check_writable(blocker / "table.json")                      # its folder would be a file
    with pytest.raises(ValueError, match="is a folder"):
        store.check_writable(tmp_path)
    assert store.check_writable(tmp_path / "new" / "t.json").parent.is_dir()


def test_merge_compatibility_is_checked_on_the_header(tmp_path):
    path = tmp_path / "t.json"
    store.write(path, _payload(table="t", steps=10))
    assert store.prepare(path, {"table": "t", "steps": 10}, merge=True, keys=["table", "steps"])["steps"] == 10
    with pytest.raises(store.StoredResultError, match="steps differs"):
        store.prepare(path, {"table": "t", "steps": 20}, merge=True, keys=["table", "steps"])
    assert store.prepare(path, {"table": "t", "steps": 20}, merge=False, keys=["table", "steps"]) is None


def test_migration_of_a_schema_1_table1_result():
    old = {"dataset": "ring", "profile": "quick", "steps": 2, "batch_size": 16, "seeds": [0, 1], "true_data": {},
           "command": "python -m sigtut reproduce table1 --methods 'SIG (fixed σ)'", "commit": "x", "device": "cpu",
           "wall_seconds": 3.0, "versions": {},
           "summary": {"SIG (fixed σ)": {"modes": [8.0, 0.0]}},
           "runs": [{"method": "SIG (fixed σ)", "seed": s, **{k: float(s) for k in table1.METRICS}} for s in (0, 1)],
           "parts": [{"methods": ["SIG (fixed σ)"], "replaced_later": ["SIG (fixed σ)"], "command": "c"}]}
    new = migrate.migrate(json.loads(json.dumps(old)))
    assert new["schema"] == 2 and new["table"] == "table1" and new["protocol"] == 1
    assert [r["method"] for r in new["runs"]] == ["sig-fixed"] * 2 and new["runs"][0]["group"] == "sig-fixed"
    assert new["summary"]["sig-fixed"]["modes"] == [0.5, pytest.approx(0.5 ** 0.5)]   # mean ± s.d. of 0, 1
    assert new["parts"] == [{"groups": ["sig-fixed"], "replaced_later": ["sig-fixed"], "command": "c"}]
    assert new["command"] == old["command"]                           # history is kept as it was run
    assert migrate.migrate(new) is new


def test_migration_script_rewrites_files_once(tmp_path):
    source = store.repository_root() / "results" / "table1-ring.json"
    copy = tmp_path / "ring.json"
    copy.write_text(source.read_text())
    assert migrate.main([str(copy)]) == 0
    assert json.loads(copy.read_text())["schema"] == store.SCHEMA
    assert store.read(copy) == store.read(source)


# --- spread and comparison --------------------------------------------------------------------

def test_impossible_standard_errors_of_the_paper():
    # five runs in [0, 25] with mean 6.2: at most 25, 6, 0, 0, 0, an s.e. of 4.84 < the printed 8.6
    assert report.max_standard_error(6.2, 0, 25, 5) == pytest.approx(report.mean_sd([25, 6, 0, 0, 0])[1] / 5 ** 0.5)
    assert report.max_standard_error(6.2, 0, 25, 5) < 8.6
    assert report.max_standard_error(279.2, 0, 1000, 5) < 296.52 and report.max_standard_error(389.8, 0, 1000, 5) < 477.24
    with pytest.raises(ValueError, match="mean must lie"):
        report.max_standard_error(30, 0, 25, 5)


def test_welch_matches_a_hand_computation():
    from scipy import stats
    a, b = [1.0, 2.0, 3.0, 4.0], [2.5, 3.5, 4.5, 6.0, 7.0]
    (m1, s1), (m2, s2) = report.mean_sd(a), report.mean_sd(b)
    assert report.welch((m1, s1, 4), (m2, s2, 5)) == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue)
    assert report.verdict((m1, s1, 4), (m2, s2, 5)) == "agrees"
    assert report.verdict((25.0, 0.0, 5), (25.0, 0.0, 5)) == "agrees"
    assert report.verdict((21.0, 0.0, 5), (25.0, 0.0, 5)) == "ours lower"


def test_welch_needs_two_runs_on_each_side():
    # one run has no spread to estimate: its s.d. of 0 must not read as certainty (p = 0)
    with pytest.raises(ValueError, match="ours has n = 1"):
        report.welch((45.0, 0.0, 1), (50.0, 0.0, 1))
    with pytest.raises(ValueError, match="paper has n = 1"):
        report.verdict((45.0, 3.0, 3), (50.0, 0.0, 1))


def test_compare_leaves_out_a_row_of_one_run():
    ours = {"a": {"modes": [20.0, 2.0]}, "b": {"modes": [40.0, 0.0]}}
    paper = {"a": {"modes": (21.0, 1.0)}, "b": {"modes": (41.0, 1.0)}}
    rows = report.compare(ours, paper, {"a": 3, "b": 1})
    assert [r["row"] for r in rows] == ["a"] and rows[0]["verdict"] == "agrees"


# --- the runner -------------------------------------------------------------------------------

def _count_calls(job, folder):
    counter = folder.parent / "calls"
    counter.write_text(str(int(counter.read_text()) + 1 if counter.exists() else 1))
    return {"group": job.group, "seed": job.seed, "value": job.spec["x"] * 10 + job.seed}


def test_finished_runs_are_skipped_and_distinct_specs_get_distinct_folders(tmp_path):
    jobs = [runner.Job("t", "a", s, {"x": 1}) for s in (0, 1)]
    first = runner.execute(_count_calls, jobs, tmp_path, log=lambda m: None)
    again = runner.execute(_count_calls, jobs, tmp_path, log=lambda m: None)
    assert first == again == [{"group": "a", "seed": 0, "value": 10}, {"group": "a", "seed": 1, "value": 11}]
    assert (tmp_path / "t" / "calls").read_text() == "2"
    other = runner.Job("t", "a", 0, {"x": 2})
    assert other.key != jobs[0].key and other.folder(tmp_path) != jobs[0].folder(tmp_path)
    with pytest.raises(ValueError, match="distinct"):
        runner.execute(_count_calls, jobs + jobs[:1], tmp_path)


def _strip_times(result):
    return [{k: v for k, v in r.items() if k != "seconds"} for r in result["runs"]]


def test_one_and_two_processes_give_identical_numbers():
    one = table1.run("ring", ["sig", "gan"], [0], "quick", processes=1, steps=40)
    two = table1.run("ring", ["sig", "gan"], [0], "quick", processes=2, steps=40)
    assert _strip_times(one) == _strip_times(two)
    assert (one["processes"], two["processes"], one["threads"], two["threads"]) == (1, 2, 1, 1)


def _reproduce(args, tmp, **kw):
    env = {**os.environ, "SIGTUT_RESULTS": str(tmp / "results"), "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "sigtut", "reproduce", "table1", "--profile", "quick",
                             "--dataset", "ring", "--seeds", "1", *args], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def _checkpoint_tensors(run_dir):
    (path,) = run_dir.rglob("checkpoint.pt")
    return torch.load(path, weights_only=True)["method"]


@pytest.mark.parametrize("processes", ["1", "2"])
def test_sigterm_stops_cleanly_and_a_resumed_run_is_bit_identical(tmp_path, processes):
    import psutil

    methods = ["--methods", "sig"] if processes == "1" else ["--methods", "sig", "gan"]
    args = [*methods, "--steps", "1200", "--processes", processes, "--run-dir", str(tmp_path / "killed")]
    proc = _reproduce(args, tmp_path)
    deadline = time.time() + 120
    while not list((tmp_path / "killed").rglob("checkpoint.pt")) and time.time() < deadline:
        time.sleep(0.2)
    assert list((tmp_path / "killed").rglob("checkpoint.pt")), "no checkpoint was written in time"
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM and "run the same command again to resume" in err
    psutil.wait_procs(children, timeout=10)
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE], "workers outlived it"
    assert not (tmp_path / "results").exists() or not list((tmp_path / "results").iterdir()), "a partial result"

    resumed = _reproduce(args, tmp_path)
    assert resumed.wait(timeout=300) == 0
    whole = _reproduce([*methods, "--steps", "1200", "--processes", processes, "--run-dir", str(tmp_path / "whole"),
                        "--out", str(tmp_path / "whole.json")], tmp_path)
    assert whole.wait(timeout=300) == 0
    if processes == "1":
        a, b = _checkpoint_tensors(tmp_path / "killed"), _checkpoint_tensors(tmp_path / "whole")
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    got = store.read(tmp_path / "results" / "table1-ring-quick-1200steps.json")
    want = store.read(tmp_path / "whole.json")
    assert _strip_times(got) == _strip_times(want)


def test_reproduce_help_lists_the_tables(capsys):
    assert cli(["reproduce", "--help"]) == 0
    out = capsys.readouterr().out
    assert "table1" in out and "table2" in out
    with pytest.raises(SystemExit) as err:
        cli(["reproduce", "table2", "--help"])
    assert err.value.code == 0 and "--sizes" in capsys.readouterr().out
    assert cli(["reproduce", "table9"]) == 2
