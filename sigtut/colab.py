"""The Colab set-up: install sigtut at the version of the book the reader is reading.

Colab starts without sigtut, so the first cell of every chapter notebook carries the code
below (``python -m sigtut.notebooks`` copies it there, with the repository URL of
``_config.yml`` and the ref the notebook was published from). :func:`install_sigtut`
fetches that one commit of the repository into ``./sigtut-book``, installs it in editable
mode (the chapters read the stored results next to the package), keeps the runtime's own
torch, and moves into the clone's ``book/`` folder, where the chapters run. Run it again,
after "Restart session", after a failed attempt or after ``pip uninstall sigtut``, and it
picks up what is already there. A failing step raises :class:`SetupError`, which IPython
shows as one line saying what to do. Standard library only: it runs before sigtut exists.
"""
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


class SetupError(RuntimeError):
    """A set-up step failed; IPython shows this one-line message instead of a traceback."""

    def _render_traceback_(self) -> list[str]:
        return [f"sigtut set-up: {self}"]


def sigtut_is_installed() -> bool:
    """True when ``import sigtut`` finds the package, not a folder named sigtut (a namespace package)."""
    module = sys.modules.get("sigtut")
    if module is not None and getattr(module, "__file__", None) is None:
        del sys.modules["sigtut"]  # an empty namespace package imported earlier: look again
    elif module is not None:
        return True
    importlib.invalidate_caches()
    spec = importlib.util.find_spec("sigtut")
    return spec is not None and spec.origin is not None


def _run(command: list[str], what: str, advice: str) -> None:
    """Run ``command``; on failure raise SetupError with its last error line and ``advice``."""
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")  # a wrong URL must fail, not ask for a password
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SetupError(f"{what} failed ({error}). {advice}") from None
    if done.returncode != 0:
        lines = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        errors = [line for line in lines if line.lower().startswith(("error", "fatal"))]
        reason = (errors or lines or [f"exit status {done.returncode}"])[-1]
        raise SetupError(f"{what} failed ({reason}). {advice}")


def fetch_checkout(repository: str, ref: str, clone: Path) -> None:
    """Check out ``ref`` (a commit, tag or branch) of ``repository`` into ``clone``.

    The commit is fetched into ``<clone>.partial`` and renamed when complete, so an
    interrupted or failed attempt leaves no half-made ``clone`` behind to trip a rerun.
    """
    partial = clone.with_name(clone.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    advice = ("Check the address and your connection, or set REPOSITORY and REF at the top "
              "of this cell to a reachable copy of the book's repository; then run the cell again.")
    _run(["git", "init", "-q", str(partial)], "creating the folder for the clone", advice)
    _run(["git", "-C", str(partial), "fetch", "-q", "--depth", "1", repository, ref],
         f"fetching {ref} from {repository}", advice)
    _run(["git", "-C", str(partial), "checkout", "-q", "FETCH_HEAD"], f"checking out {ref}", advice)
    partial.rename(clone)


def pip_install_editable(clone: Path) -> None:
    """``pip install -e clone``, holding torch at the version already installed (Colab's own)."""
    try:
        constraints = f"torch=={importlib.metadata.version('torch')}\n"
    except importlib.metadata.PackageNotFoundError:
        constraints = ""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as file:
        file.write(constraints)
    try:
        _run([sys.executable, "-m", "pip", "install", "-q", "-c", file.name, "-e", str(clone)],
             f"installing sigtut from {clone}",
             "Run the cell again; if it fails the same way, run `!pip install -e sigtut-book` "
             "in a new cell to read pip's whole message.")
    finally:
        os.unlink(file.name)


def install_sigtut(repository: str, ref: str, folder: str = "sigtut-book") -> None:
    """Make ``import sigtut`` work, from a checkout of ``repository`` at ``ref`` in ``./folder``.

    Where sigtut is installed already (a local clone, the book's build, Colab after a
    restart) nothing is installed; the working directory moves into ``folder/book`` when
    that checkout exists.
    """
    clone = Path(folder).absolute()
    if (clone / "book").is_dir():
        os.chdir(clone / "book")  # first, so a folder named sigtut in the start folder cannot shadow the package
    if sigtut_is_installed():
        return
    if not (clone / "pyproject.toml").is_file():
        if clone.exists():
            raise SetupError(f"{clone} exists but holds no checkout of the book's repository. "
                             f"Delete or rename it, then run the cell again.")
        fetch_checkout(repository, ref, clone)
    pip_install_editable(clone)
    sys.path.insert(0, str(clone))  # this kernel started before the install
    importlib.invalidate_caches()
    os.chdir(clone / "book")
