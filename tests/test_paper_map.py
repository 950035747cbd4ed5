"""The paper map is computed from the chapters and the stored runs, so it follows both."""
import json

from sigtut.experiments.store import SCHEMA
from sigtut.paper_map import paper_map


def _result(path, profile, groups, seeds=(0, 1, 2)):
    runs = [{"group": g, "method": g.split("/")[0], "seed": s} for g in groups for s in seeds]
    path.write_text(json.dumps({"schema": SCHEMA, "profile": profile, "runs": runs,
                                "summary": {g: {} for g in groups}}))


def test_items_follow_the_chapters_and_the_stored_runs(tmp_path):
    book, results = tmp_path / "book", tmp_path / "results"
    book.mkdir(), results.mkdir()
    (book / "01_a.md").write_text("$$ x \\tag{1} $$\nthe paper's (2)\n"
                                  "```{prf:lemma} Lemma 1 of the paper\n```\n\nassert True\n")
    (book / "02_b.md").write_text("```{prf:theorem} Theorem 1, corrected\n```\n")
    rows = {r["item"]: r for r in paper_map(book, results)}
    assert (rows["eq. (1)"]["chapter"], rows["eq. (1)"]["status"]) == ("01_a", "stated")
    assert rows["eq. (2)"]["status"] == "referred to" and rows["eq. (3)"]["status"] == "not covered"
    assert rows["Lemma 1"]["status"] == "stated and checked"
    assert rows["Theorem 1"]["status"] == "stated"                 # no assertion cell in 02_b
    assert rows["Corollary 1"]["status"] == "not covered"
    assert all(rows[k]["status"] == "pending" for k in ("Table 1", "Table 2", "Table 3"))

    _result(results / "table2.json", "paper", ["dcgan/M", "dcgan-si/M"])
    _result(results / "table1-grid.json", "paper", ["sig", "gan"])
    rows = {r["item"]: r for r in paper_map(book, results)}
    assert rows["Table 2"]["status"] == "partial" and "sizes M of S, M, L" in rows["Table 2"]["backed by"]
    assert rows["Table 1"]["status"] == "partial"                  # the ring is missing
    _result(results / "table1-ring.json", "paper", ["sig", "gan"])
    _result(results / "table2.json", "paper", [f"{m}/{s}" for m in ("dcgan", "dcgan-si") for s in "SML"])
    rows = {r["item"]: r for r in paper_map(book, results)}
    assert rows["Table 1"]["status"] == rows["Table 2"]["status"] == "reproduced"
    _result(results / "table1-ring.json", "quick", ["sig", "gan"])
    assert {r["item"]: r for r in paper_map(book, results)}["Table 1"]["status"] == "partial"
