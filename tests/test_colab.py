"""The notebooks' Colab set-up, run as a new reader runs it: in a fresh environment without sigtut.

The "Colab" here is a fresh virtual environment that sees this environment's packages (torch
and the rest, as Colab has them preinstalled) but not sigtut, with pip barred from any index,
so an attempt to download or reinstall torch fails. The book's repository is a local bare
repository holding this checkout's HEAD, and the set-up cell is the one the notebooks carry
(:func:`sigtut.notebooks.setup_source`), pointed at it. Each run is a new IPython process, as
after Colab's "Restart session".
"""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import jupytext
import pytest

from sigtut.notebooks import REPO, SETUP_TAG, setup_source

EXCLUDED = ("sigtut", "__editable__", "_sigtut", "easy-install.pth")


def _site_packages() -> Path:
    return Path(next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()))


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """(python, origin URL, commit): a sigtut-free environment and a repository to install from."""
    if subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True).returncode:
        pytest.skip("the repository is not a git checkout")
    root = tmp_path_factory.mktemp("colab")
    # Colab's preinstalled packages: every distribution of this environment except sigtut
    preinstalled = root / "preinstalled"
    preinstalled.mkdir()
    for entry in _site_packages().iterdir():
        if not entry.name.startswith(EXCLUDED) and not entry.name.endswith(".pth"):
            (preinstalled / entry.name).symlink_to(entry)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / "venv")], check=True)
    python = root / "venv" / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "colab-preinstalled.pth").write_text(f"{preinstalled}\n")
    origin = root / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    subprocess.run(["git", "-C", str(REPO), "push", "-q", str(origin), "HEAD:refs/heads/main"], check=True)
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True,
                            check=True).stdout.strip()
    return python, origin.as_uri(), commit


def _chapter_cells(name: str, n: int = 2) -> list[str]:
    """The set-up cell's own lines and the next ``n - 1`` code cells of a chapter."""
    code = [c for c in jupytext.read(REPO / "book" / f"{name}.md").cells if c.cell_type == "code"]
    assert SETUP_TAG in code[0].metadata.get("tags", [])
    return [c.source for c in code[:n]]


def _run_cells(python: Path, cwd: Path, cells: list[str]) -> subprocess.CompletedProcess:
    """Run ``cells`` in one IPython shell, stopping at the first that fails, as Colab's "Run all"."""
    runner = textwrap.dedent("""\
        import json, sys
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance(colors="nocolor")
        for cell in json.loads(sys.stdin.read()):
            if not shell.run_cell(cell).success:
                sys.exit(1)
        """)
    import json

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0", PIP_DISABLE_PIP_VERSION_CHECK="1",
               MPLBACKEND="agg", SIGTUT_PROFILE="quick")
    return subprocess.run([str(python), "-c", runner], input=json.dumps(cells), cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def _torch_location(python: Path) -> str:
    return subprocess.run([str(python), "-c", "import torch; print(torch.__file__)"], cwd=python.parent,
                          capture_output=True, text=True, check=True).stdout


def _uninstall_sigtut(python: Path) -> None:
    subprocess.run([str(python), "-m", "pip", "uninstall", "-q", "-y", "sigtut"],
                   env=dict(os.environ, PIP_NO_INDEX="1"), capture_output=True)
    check = subprocess.run([str(python), "-c", "import sigtut"], capture_output=True, cwd=python.parent)
    assert check.returncode != 0, "sigtut is still importable in the Colab-like environment"


def test_setup_survives_a_restart_and_an_uninstall(colab, tmp_path):
    python, origin, commit = colab
    _uninstall_sigtut(python)
    content = tmp_path / "content"
    content.mkdir()
    (content / "sigtut").mkdir()   # a folder named like the package (the old set-up's clone) must not shadow it
    setup, *first_cells = _chapter_cells("01_models", 5)
    cell = setup_source(origin, commit, setup)
    torch_before = _torch_location(python)

    # first run: fetch the commit, install it, run the chapter's first cells (data, a fit, an
    # assertion cell), as "Run all" does
    first = _run_cells(python, content, [cell, *first_cells, "import os; print('cwd', os.getcwd())"])
    assert first.returncode == 0, first.stdout + first.stderr
    assert "sigtut 0.1.0 | profile quick | device cpu" in first.stdout
    assert "5000 training and 20000 test points" in first.stdout and "Gaussian MLE: mu = " in first.stdout
    clone = content / "sigtut-book"
    assert f"cwd {clone / 'book'}" in first.stdout
    head = subprocess.run(["git", "-C", str(clone), "rev-parse", "HEAD"], capture_output=True, text=True)
    assert head.stdout.strip() == commit
    assert _torch_location(python) == torch_before, "the set-up must keep the runtime's own torch"

    # "Restart session": a new kernel in the start folder; sigtut is installed, the clone is there
    again = _run_cells(python, content, [cell, "import sigtut; print('from', sigtut.__file__)"])
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"from {clone / 'sigtut' / '__init__.py'}" in again.stdout

    # the package uninstalled (the clone stays): the set-up installs it again from the clone
    _uninstall_sigtut(python)
    reinstalled = _run_cells(python, content, [cell])
    assert reinstalled.returncode == 0, reinstalled.stdout + reinstalled.stderr
    assert "sigtut 0.1.0 | profile quick" in reinstalled.stdout


def test_unreachable_repository_gives_one_line_and_a_rerun_recovers(colab, tmp_path):
    python, origin, commit = colab
    _uninstall_sigtut(python)
    setup, _ = _chapter_cells("02_objective")
    unreachable = setup_source("http://127.0.0.1:9/sigtut.git", commit, setup)
    failed = _run_cells(python, tmp_path, [unreachable])
    assert failed.returncode == 1
    lines = [line for line in (failed.stdout + failed.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("sigtut set-up: fetching") and "run the cell again" in lines[0], lines[0]
    assert not (tmp_path / "sigtut-book").exists()
    assert (tmp_path / "sigtut-book.partial").exists()       # what a failed fetch leaves behind

    # the reader fixes the address and runs the cell again, in the same folder
    fixed = _run_cells(python, tmp_path, [setup_source(origin, commit, setup)])
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert (tmp_path / "sigtut-book" / "book").is_dir() and not (tmp_path / "sigtut-book.partial").exists()
