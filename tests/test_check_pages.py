"""The page check (tests/check_pages.py) finds each problem it is meant to find, on hand-made pages."""
import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import check_pages  # noqa: E402  (tests/ is on sys.path under pytest)
from sigtut.plots import figure_text_metadata  # noqa: E402

CHROMIUM, MATHJAX = check_pages.find_chromium(), check_pages.find_mathjax()
pytestmark = pytest.mark.skipif(CHROMIUM is None or MATHJAX is None,
                                reason="needs Chromium and django-static-mathjax (installed by .ci/run)")
CONFIG = {"repository": {"url": "https://github.com/sigtut/sigtut", "branch": "colab"},
          "launch_buttons": {"colab_url": "https://colab.research.google.com"}}
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<style>article {{ width: 600px; }} pre {{ overflow-x: auto; }} .hidden > :not(.admonition-title)
{{ visibility: hidden; height: 0; }} div.math {{ overflow-x: auto; }}</style>
<script>window.MathJax = {{options: {{processHtmlClass: "math"}}}}</script>
<script defer src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"></script>
</head><body><a href="{colab}">Colab</a><article>{body}</article></body></html>"""
GOOD = """
<h1>A good page</h1>
<div class="cell"><div class="cell_input"><pre>x = 1</pre></div>
<div class="cell_output"><div class="output"><pre>1</pre></div>
<img src="readable.png"></div></div>
<div class="math">\\[ a + b = c \\tag{1} \\]</div>
<div class="solution dropdown admonition hidden"><p class="admonition-title">Solution</p>
<section><p>The answer.</p><div class="cell"><pre>y = 2</pre></div></section></div>
<h2>References</h2>
"""
BAD = """
<h1>A bad page</h1>
<div class="cell"><div class="cell_input"><pre>{long_line}</pre></div>
<div class="cell_output"><div class="output stderr"><pre>Traceback (most recent call last):
ValueError: no</pre></div><div class="output"><pre>{long_line}</pre></div>
<img src="missing.png"><img src="tiny.png"><img src="unknown.png"></div></div>
<div class="math">\\[ {long_sum} \\]</div>
<h2>Exercise</h2>
<div class="solution admonition"><p class="admonition-title">Solution</p><p>Shown.</p></div>
<div class="cell"><div class="cell_input"><pre>solution_code = 3</pre></div></div>
<h2>References</h2>
"""


def _png(path, fontsize: float, width_in: float, record: bool = True) -> None:
    fig, ax = plt.subplots(figsize=(width_in, 2), dpi=100)
    ax.plot([0, 1])
    ax.set_title("text", fontsize=fontsize)
    ax.tick_params(labelsize=fontsize)
    fig.savefig(path, metadata=figure_text_metadata(fig) if record else None)
    plt.close(fig)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    _png(site / "readable.png", 12, 5)
    _png(site / "tiny.png", 6, 12)          # shown at 600 px: 6 pt × 600/1200 → about 3 pt
    _png(site / "unknown.png", 12, 5, record=False)
    right = check_pages.expected_colab_url(CONFIG, "good")
    (site / "good.html").write_text(PAGE.format(colab=right, body=GOOD))
    (site / "good.ipynb").write_text("{}")
    bad = BAD.format(long_line="x" * 300, long_sum=" + ".join(["a_{1234}"] * 60))
    (site / "bad.html").write_text(PAGE.format(colab="https://colab.research.google.com/github/x/y/blob/main/z.ipynb",
                                               body=bad))
    (site / "bad.ipynb").write_text("{}")
    found = check_pages.check_pages(site, ["good", "bad"], site / "shots", CONFIG, CHROMIUM, MATHJAX,
                                    notebooks=site)
    return {r.page: r.problems for r in found}, site


def test_a_clean_page_passes_and_gets_a_screenshot(results):
    problems, site = results
    assert problems["good"] == []
    assert (site / "shots" / "good.png").stat().st_size > 1000


@pytest.mark.parametrize("kind", [
    "code cell too wide", "output too wide", "error output", "missing figure", "figure text too small",
    "figure text size unknown", "equation clipped", "solution not in a dropdown",
    "solution shown before it is opened", "solution code outside its dropdown", "launch button",
])
def test_each_problem_is_found(results, kind):
    problems, _ = results
    assert kind in {p["kind"] for p in problems["bad"]}, problems["bad"]


def test_png_text_reads_the_recorded_size(tmp_path):
    _png(tmp_path / "f.png", 9, 4)
    assert float(check_pages.png_text(tmp_path / "f.png")[check_pages.SMALLEST_TEXT_KEY]) == pytest.approx(12.5)
