"""A reader's check of the built book: every page in headless Chromium at 1280 px.

``python tests/check_pages.py [_build/html]`` (``make check-pages``) opens the title page and
every chapter of ``_toc.yml`` and fails on what a reader would meet:

- a visible traceback, error, warning or stderr output;
- a figure that does not load, or whose smallest text renders below 9 pt (figures record
  their smallest text size, see :func:`sigtut.plots.record_smallest_text`);
- a code cell, an output or a table wider than its box, and a display equation that sticks
  out of its box (MathJax 3 is served from the ``django-static-mathjax`` package, since the
  CDN the pages name cannot be reached here; every other outside request is refused);
- a solution that is not a closed dropdown, and code cells of a solution left outside it;
- a Colab launch button that does not open the chapter's notebook on the branch of ``_config.yml``.

It saves each page's first screen to ``_build/screenshots/<page>.png``. Chromium is driven
over the DevTools protocol on a pipe (``--remote-debugging-pipe``), standard library only.
"""
from __future__ import annotations

import argparse
import base64
import importlib.util
import json
import mimetypes
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

REPO = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 1280, 800
MIN_TEXT_PT = 9.0
SMALLEST_TEXT_KEY = "sigtut:smallest-text-px"   # written by sigtut.plots.record_smallest_text
MATHJAX_CDN = "https://cdn.jsdelivr.net/npm/mathjax@3/"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--remote-debugging-pipe"]

# Runs in the page; returns {"problems": [...], "images": [...]} (see PageCheck.problems).
PAGE_SCRIPT = r"""
(expected) => {
  const problems = [];
  const add = (kind, el, detail) => problems.push({kind, where: where(el), detail});
  const article = document.querySelector("article") || document.body;
  const text = (el) => (el.innerText || el.textContent || "").trim().replace(/\s+/g, " ");
  const where = (el) => {
    let h = null, node = el;
    while (node && node !== document.body) {       // the nearest heading above the element
      let sib = node.previousElementSibling;
      while (sib) {
        const hs = sib.matches("h1,h2,h3,h4") ? [sib] : [...sib.querySelectorAll("h1,h2,h3,h4")];
        if (hs.length) { h = hs[hs.length - 1]; break; }
        sib = sib.previousElementSibling;
      }
      if (h) break;
      node = node.parentElement;
    }
    return h ? text(h).replace(/#$/, "") : "(top)";
  };
  const visible = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== "hidden" && el.getBoundingClientRect().height > 0;
  const longest = (el) => (el.textContent || "").split("\n")
    .reduce((a, b) => b.length > a.length ? b : a, "").trim().slice(0, 80);

  // 1. error output
  const errors = ".output.traceback, .output.error, .output.stderr";
  for (const el of article.querySelectorAll(errors.split(", ").map(e => ".cell_output " + e).join(", ")))
    if (visible(el)) add("error output", el, text(el).slice(0, 120));
  const message = /Traceback \(most recent call last\)|^\s*\w+(Error|Exception|Warning): /m;
  for (const el of article.querySelectorAll(".cell_output"))
    if (visible(el) && message.test(el.innerText))
      add("error output", el, (el.innerText.match(/.*(Traceback|Error|Exception|Warning).*/) || [""])[0]);

  // 2. figures that do not load; sizes of the others for the text-size check
  const images = [];
  for (const img of article.querySelectorAll("img")) {
    if (!img.complete || img.naturalWidth === 0) {
      add("missing figure", img, img.getAttribute("src"));
      continue;
    }
    if (img.closest(".cell_output, figure, .figure"))
      images.push({src: img.src, shown: img.getBoundingClientRect().width,
                   natural: img.naturalWidth, where: where(img)});
  }

  // 3. wider than the box: code, outputs, tables
  const wide = (kind, el) => {
    const over = el.scrollWidth - el.clientWidth;
    if (over > 1) add(kind, el, `${over} px too wide (box ${el.clientWidth} px): ${longest(el)}`);
  };
  for (const pre of article.querySelectorAll(".cell_input pre")) wide("code cell too wide", pre);
  for (const pre of article.querySelectorAll(".cell_output pre")) wide("output too wide", pre);
  const boxes = ".cell_output .output, .pst-scrollable-table-container, .table-wrapper";
  for (const box of article.querySelectorAll(boxes)) {
    if (box.querySelector("pre")) continue;      // text outputs are checked above
    wide("output too wide", box);
  }
  for (const table of article.querySelectorAll("table")) {
    const box = table.parentElement.getBoundingClientRect(), r = table.getBoundingClientRect();
    if (r.width > box.width + 1)
      add("table too wide", table, `${Math.round(r.width - box.width)} px wider than its box`);
  }
  // display equations: the extent of the typeset glyphs against the box of the equation
  for (const box of article.querySelectorAll("div.math")) {
    const glyphs = box.querySelectorAll("mjx-c, mjx-mi, mjx-mo, mjx-mn, mjx-mtext");
    if (!box.querySelector("mjx-container")) { add("equation not typeset", box, text(box).slice(0, 80)); continue; }
    const b = box.getBoundingClientRect();
    let left = Infinity, right = -Infinity;
    for (const g of glyphs) {
      const r = g.getBoundingClientRect();
      if (r.width > 0) { left = Math.min(left, r.left); right = Math.max(right, r.right); }
    }
    const lostLeft = Math.round(Math.max(0, b.left - left)), lostRight = Math.round(Math.max(0, right - b.right));
    if (lostLeft + lostRight > 1)
      add("equation clipped", box, `${lostLeft} px lost on the left, ${lostRight} px on the right ` +
                                   `(box ${Math.round(b.width)} px)`);
  }

  // 4. solutions: closed dropdowns, and no code of theirs outside
  for (const sol of article.querySelectorAll(".solution")) {
    const title = sol.querySelector(".admonition-title");
    if (!sol.classList.contains("dropdown")) add("solution not in a dropdown", sol, title ? text(title) : "");
    for (const child of sol.children)
      if (child !== title && visible(child)) {
        add("solution shown before it is opened", sol, text(child).slice(0, 80));
        break;
      }
    // an exercise's check cell (tagged "check") follows its solution on purpose: it is the
    // part of the exercise a student hand-out keeps
    let next = sol.nextElementSibling;
    while (next && !next.matches("section, h1, h2, h3, h4, .exercise, .solution, .tag_check")) {
      if (next.matches(".cell") && visible(next))
        add("solution code outside its dropdown", next, text(next).slice(0, 80));
      next = next.nextElementSibling;
    }
  }

  // 5. the Colab launch button
  if (expected.colab) {
    const links = [...document.querySelectorAll("a[href*='colab.research.google.com']")].map(a => a.href);
    if (!links.includes(expected.colab))
      add("launch button", document.body, `expected ${expected.colab}, found ${links.join(", ") || "none"}`);
  }
  return {problems, images};
}
"""


class Chromium:
    """Headless Chromium driven over the DevTools protocol on a pipe (fds 3 and 4)."""

    def __init__(self, binary: str, mathjax: Path | None):
        self.mathjax, self._id, self._buffer, self._events = mathjax, 0, b"", []
        self.profile = tempfile.mkdtemp(prefix="sigtut-chromium-")
        to_chrome, self._commands = os.pipe()
        self._replies, from_chrome = os.pipe()

        def wire() -> None:
            os.dup2(to_chrome, 3)
            os.dup2(from_chrome, 4)

        self.process = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            pass_fds=(3, 4), preexec_fn=wire, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome)
        os.close(from_chrome)
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method, params in [("Page.enable", {}), ("Runtime.enable", {}),
                               ("Fetch.enable", {"patterns": [{"urlPattern": "http*"}]}),
                               ("Emulation.setDeviceMetricsOverride",
                                {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})]:
            self.call(method, params, session=True)

    def _send(self, method: str, params: dict, session: bool) -> int:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        return self._id

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        message = json.loads(message)
        if message.get("method") == "Fetch.requestPaused":
            self._answer_request(message["params"])
        elif "method" in message:
            self._events.append(message)
        return message

    def _answer_request(self, request: dict) -> None:
        """Serve MathJax from the local copy; refuse every other outside request at once."""
        url, rid = request["request"]["url"], request["requestId"]
        if self.mathjax and url.startswith(MATHJAX_CDN):
            path = self.mathjax / urlparse(url).path.split("/mathjax@3/", 1)[1]
            if path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                self._send("Fetch.fulfillRequest", {
                    "requestId": rid, "responseCode": 200, "body": base64.b64encode(path.read_bytes()).decode(),
                    "responseHeaders": [{"name": "Content-Type", "value": kind},
                                        {"name": "Access-Control-Allow-Origin", "value": "*"}]}, True)
                return
        self._send("Fetch.failRequest", {"requestId": rid, "errorReason": "InternetDisconnected"}, True)

    def call(self, method: str, params: dict | None = None, session: bool = False, timeout: float = 60) -> dict:
        request = self._send(method, params or {}, session)
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if message.get("id") == request:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def wait_for(self, event: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            for i, message in enumerate(self._events):
                if message["method"] == event:
                    del self._events[: i + 1]
                    return
            self._events.clear()
            self._receive(deadline)

    def evaluate(self, expression: str, timeout: float = 60):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, session=True, timeout=timeout)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str) -> None:
        self._events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_for("Page.loadEventFired")

    def screenshot(self, path: Path) -> None:
        self.evaluate("window.scrollTo(0, 0)")
        data = self.call("Page.captureScreenshot", {"format": "png"}, session=True)["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=10)
            self.process.wait(timeout=10)
        except (RuntimeError, TimeoutError, subprocess.TimeoutExpired, OSError):
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def find_chromium() -> str | None:
    """``$CHROMIUM``, else the first of chromium, chromium-browser, google-chrome on PATH."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    return next((found for name in ("chromium", "chromium-browser", "google-chrome")
                 if (found := shutil.which(name))), None)


def find_mathjax() -> Path | None:
    """The MathJax 3 folder of the ``django-static-mathjax`` package (``es5/`` inside), if installed."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax"
    return folder if (folder / "es5" / "tex-mml-chtml.js").is_file() else None


def png_text(path: Path) -> dict[str, str]:
    """The tEXt chunks of a PNG file."""
    data, chunks, i = path.read_bytes(), {}, 8
    while i + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[i:i + 8])
        body = data[i + 8:i + 8 + length]
        if kind == b"tEXt" and b"\0" in body:
            key, value = body.split(b"\0", 1)
            chunks[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"zTXt" and b"\0" in body:
            key, value = body.split(b"\0", 1)
            chunks[key.decode("latin-1")] = zlib.decompress(value[1:]).decode("latin-1")
        i += 12 + length
    return chunks


def text_size_problems(images: list[dict]) -> list[dict]:
    """Figures whose smallest text renders below MIN_TEXT_PT (or that do not record it)."""
    problems = []
    for image in images:
        path = Path(unquote(urlparse(image["src"]).path))
        if not path.is_file() or path.suffix.lower() != ".png":
            continue
        record = png_text(path).get(SMALLEST_TEXT_KEY)
        if record is None:
            problems.append({"kind": "figure text size unknown", "where": image["where"],
                             "detail": f"{path.name} records no {SMALLEST_TEXT_KEY} "
                                       "(not drawn by matplotlib in the book's kernel?)"})
            continue
        if record == "none":      # a figure without text
            continue
        shown_pt = float(record) * image["shown"] / image["natural"] * 72 / 96
        if shown_pt < MIN_TEXT_PT - 0.05:
            problems.append({"kind": "figure text too small", "where": image["where"],
                             "detail": f"smallest text {shown_pt:.1f} pt at page width (needs ≥ {MIN_TEXT_PT:g} pt; "
                                       f"shown {image['shown']:.0f} of {image['natural']} px)"})
    return problems


@dataclass
class PageCheck:
    page: str
    problems: list[dict]


def expected_colab_url(config: dict, page: str) -> str:
    """The launch button sphinx-book-theme should draw for a chapter (its paired notebook)."""
    repository = config["repository"]["url"].rstrip("/").removeprefix("https://github.com/")
    colab = config["launch_buttons"]["colab_url"].rstrip("/")
    return f"{colab}/github/{repository}/blob/{config['repository'].get('branch', 'main')}/{page}.ipynb"


def check_pages(html: Path, pages: list[str], screenshots: Path | None, config: dict,
                chromium: str, mathjax: Path | None, notebooks: Path | None = REPO) -> list[PageCheck]:
    """Open each ``page`` (a path without suffix, e.g. ``book/01_models``) and collect its problems."""
    browser = Chromium(chromium, mathjax)
    results = []
    try:
        for page in pages:
            file = html / f"{page}.html"
            if not file.is_file():
                results.append(PageCheck(page, [{"kind": "page missing", "where": str(file), "detail": ""}]))
                continue
            browser.open(file.resolve().as_uri())
            problems = []
            typeset = browser.evaluate(
                "new Promise(done => { const t0 = Date.now(); (function wait() {"
                " if (window.MathJax && MathJax.startup && MathJax.startup.promise)"
                "   MathJax.startup.promise.then(() => done(true));"
                " else if (Date.now() - t0 > 20000) done(false); else setTimeout(wait, 50); })(); })", timeout=40)
            if not typeset and browser.evaluate("document.querySelectorAll('div.math, span.math').length"):
                problems.append({"kind": "MathJax did not load", "where": page,
                                 "detail": "no equation could be checked" + ("" if mathjax else
                                           " (install django-static-mathjax to serve MathJax 3 locally)")})
            has_notebook = notebooks is not None and (notebooks / f"{page}.ipynb").is_file()
            expected = {"colab": expected_colab_url(config, page) if has_notebook else None}
            found = browser.evaluate(f"({PAGE_SCRIPT})({json.dumps(expected)})")
            problems += found["problems"] + text_size_problems(found["images"])
            if screenshots is not None:
                screenshots.mkdir(parents=True, exist_ok=True)
                browser.screenshot(screenshots / f"{Path(page).name}.png")
            results.append(PageCheck(page, problems))
    finally:
        browser.close()
    return results


def book_pages(repo: Path = REPO) -> list[str]:
    """The title page and every chapter of ``_toc.yml``."""
    toc = yaml.safe_load((repo / "_toc.yml").read_text())
    return [toc["root"]] + [entry["file"] for entry in toc.get("chapters") or []]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("html", nargs="?", type=Path, default=REPO / "_build" / "html")
    parser.add_argument("--screenshots", type=Path, default=REPO / "_build" / "screenshots")
    parser.add_argument("--pages", nargs="*", help="pages to check (default: the title page and every chapter)")
    args = parser.parse_args(argv)
    chromium, mathjax = find_chromium(), find_mathjax()
    if chromium is None:
        print("check-pages: no Chromium found (apt-get install chromium, or set CHROMIUM)", file=sys.stderr)
        return 2
    if mathjax is None:
        print("check-pages: MathJax 3 not found (pip install django-static-mathjax); equations cannot be checked",
              file=sys.stderr)
        return 2
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    results = check_pages(args.html, args.pages or book_pages(), args.screenshots, config, chromium, mathjax)
    failed = 0
    for result in results:
        print(f"{'ok  ' if not result.problems else 'FAIL'} {result.page}: {len(result.problems)} problem(s)")
        for problem in result.problems:
            print(f"     - {problem['kind']} [{problem['where']}] {problem['detail']}")
        failed += bool(result.problems)
    print(f"{len(results) - failed} passed, {failed} failed")
    print(f"screenshots of the first screens: {args.screenshots}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
