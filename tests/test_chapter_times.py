"""Expected chapter run times are read from a stored measurement, never typed in."""
import json

import pytest

from sigtut import chapter_times


@pytest.fixture
def results(tmp_path, monkeypatch):
    monkeypatch.setenv("SIGTUT_RESULTS", str(tmp_path))
    monkeypatch.setenv("SIGTUT_PROFILE", "quick")
    return tmp_path


def test_a_recorded_time_is_what_the_chapter_prints(results):
    path = chapter_times.record({"05_mixtures": 130.4, "03_theory": 41.0})
    stored = json.loads(path.read_text())
    assert stored["seconds"] == {"03_theory": 41.0, "05_mixtures": 130.4} and stored["profile"] == "quick"
    for key in ("command", "commit", "device", "seeds", "wall_seconds", "versions"):
        assert key in stored
    line = chapter_times.expected_time("05_mixtures")
    assert "about 2 min" in line and "quick profile" in line and stored["commit"][:7] in line
    assert "under a minute" in chapter_times.expected_time("03_theory")


def test_unmeasured_chapters_and_profiles_say_so(results, monkeypatch):
    assert "not measured yet" in chapter_times.expected_time("05_mixtures")
    chapter_times.record({"05_mixtures": 130.0})
    monkeypatch.setenv("SIGTUT_PROFILE", "paper")
    assert "not measured yet for 05_mixtures in the paper profile" in chapter_times.expected_time("05_mixtures")


def test_bad_input_is_named(results):
    with pytest.raises(ValueError, match="seconds"):
        chapter_times.record({})
    with pytest.raises(ValueError, match=r"seconds\['x'\]"):
        chapter_times.record({"x": -1.0})
    with pytest.raises(TypeError, match="chapter"):
        chapter_times.expected_time(5)
