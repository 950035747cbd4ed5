"""The queries chapter 5 asks of its stored runs (book/mixtures_results.py), on tiny hand-made results."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "book"))
import mixtures_results as q  # noqa: E402


def _result():
    runs = [{"method": m, "seed": s, "modes": modes, "hq": hq, "kl": 0.1, "seconds": 1.0}
            for m, s, modes, hq in (("sig", 1, 25, 0.8), ("sig", 0, 25, 0.7), ("gan", 0, 3, 0.9),
                                    ("gan", 1, 25, 0.5))]
    summary = {"gan": {"hq": [0.7, 0.2]}, "sig": {"hq": [0.75, 0.05]}}
    return {"dataset": "grid", "runs": runs, "summary": summary}


def test_runs_come_in_seed_order_and_unknown_methods_are_named():
    assert [r["seed"] for r in q.method_runs(_result(), "sig")] == [0, 1]
    with pytest.raises(ValueError, match="method"):
        q.method_runs(_result(), "sigma")


def test_coverage_counts_the_seeds_that_find_all_25_modes():
    result = _result()
    assert q.covering_seeds(result, "gan") == 1 and q.covering_seeds(result, "sig") == 2
    assert q.full_coverage(result) == ["sig"]
    assert q.ranked(result, "hq") == ["sig", "gan"]
    assert "vae" in q.pending(result) and "sig" not in q.pending(result) and "sig" in q.pending(None)


def test_modes_lost_names_the_checkpoints_where_a_mode_went_missing():
    curve = [{"step": s, "modes": m} for s, m in ((100, 1), (200, 0), (300, 1), (400, 1), (500, 0))]
    assert q.modes_lost(curve) == [200, 500]
    assert q.modes_lost([{"step": 1, "modes": 0}, {"step": 2, "modes": 3}]) == []


def test_spec_runs_filter_a_peers_result_by_spec_and_name_what_is_stored():
    own = {"runs": [{"group": g, "seed": s} for g, s in (("gan/ring6", 1), ("veegan/grid", 0), ("gan/ring6", 0))]}
    assert [r["seed"] for r in q.spec_runs(own, "gan/ring6")] == [0, 1]
    with pytest.raises(ValueError, match="veegan/grid"):
        q.spec_runs(own, "bms/grid")


def test_spec_rows_give_each_setting_its_seeds_and_best_checkpoint():
    def run(group, seed, modes, hq, held):
        return {"group": group, "seed": seed, "modes": modes, "hq": hq,
                "curve": [{"step": 1, "modes": held}, {"step": 2, "modes": modes}]}

    own = {"runs": [run("a", 1, 2, 0.123, 4), run("a", 0, 1, 0.5, 1), run("b", 0, 0, 0.0, 0)]}
    assert q.spec_rows(own, {"paper": "a", "ours": "b"}) == [
        {"setting": "paper", "modes": [1, 2], "hq": [0.5, 0.12], "most modes held": 4},
        {"setting": "ours", "modes": [0], "hq": [0.0], "most modes held": 0}]
    with pytest.raises(ValueError, match="has no stored runs"):
        q.spec_rows(own, {"missing": "c"})
    del own["runs"][0]["curve"]                                   # a run made before curves were stored
    assert q.spec_rows(own, {"paper": "a"})[0]["most modes held"] is None


def test_protocol_changes_list_only_the_rerun_methods_old_to_new():
    def summary(**hq):
        return {m: {"modes": [1.0, 0.0], "modes_2500": [2.0, 0.0], "hq_2500": [h, 0.0]} for m, h in hq.items()}

    shared = {"summary": summary(gan=0.2, veegan=0.02)}
    fair = {"summary": summary(gan=0.2, veegan=0.5), "reused": ["gan"]}
    assert q.protocol_changes(shared, fair) == [{"method": "VEEGAN", "modes (VEEGAN count)": "2.0 → 2.0",
                                                 "hq": "0.020 → 0.500", "modes (strict)": "1.0 → 1.0"}]


def test_setting_rows_list_each_settings_seeds_and_the_bms_diagnosis():
    def run(method, seed, modes, hq, diagnosis=None):
        r = {"method": method, "seed": seed, "modes": modes, "modes_2500": modes + 1, "hq": hq}
        return {**r, "bms_diagnosis": diagnosis} if diagnosis else r

    diag = {"reconstruction_scores": {"hq": 0.912}, "posterior_sd": 0.456}
    tiny = {"reconstruction_scores": {"hq": 0.2}, "posterior_sd": 5.748e-05}
    results = {"σ = std": {"runs": [run("bms", 1, 2, 0.0123, diag), run("bms", 0, 0, 0.002, tiny),
                                    run("gan", 0, 8, 0.9)]},
               "σ = 1": {"runs": [run("bms", 0, 8, 0.5)]}}
    first, second = q.setting_rows(results, "bms")
    assert first == {"setting": "σ = std", "modes": [0, 2], "modes (VEEGAN count)": [1, 3], "hq": [0.002, 0.012],
                     "recon hq": [0.2, 0.91], "posterior sd": [5.7e-05, 0.46]}
    assert second == {"setting": "σ = 1", "modes": [8], "modes (VEEGAN count)": [9], "hq": [0.5]}
    with pytest.raises(ValueError, match="σ = 1"):
        q.setting_rows(results, "gan")
