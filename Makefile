# Entry points for a fresh machine (see README.md):
#   make book         — install, execute every chapter (quick profile) and build the HTML book in _build/html
#   make test         — install, run the unit tests and every chapter under nbval
#   make check-pages  — open every page of _build/html in headless Chromium at 1280 px (tests/check_pages.py)
#   make notebooks    — rebuild the Colab notebooks book/*.ipynb from the chapters' book/*.md
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Verified offline data (MNIST) next to the repository, when present; otherwise sigtut downloads.
SHARED_DATA := $(abspath ../shared/data)
ifneq ($(wildcard $(SHARED_DATA)/mnist),)
export SIGTUT_DATA ?= $(SHARED_DATA)
endif
export PYDEVD_DISABLE_FILE_VALIDATION = 1
# The chapters' kernels start with this IPython profile during `make book`: each figure then
# records its smallest text size, which `make check-pages` turns into a rendered size.
BOOK_IPYTHON := $(CURDIR)/_build/ipython

.PHONY: book test install clean check-pages notebooks

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml .ci/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c .ci/constraints.txt -e ".[book,test]"
	touch $@

book: install
	rm -rf _build/html _build/.doctrees $(BOOK_IPYTHON)
	mkdir -p $(BOOK_IPYTHON)/profile_default/startup
	echo "import sigtut.plots; sigtut.plots.record_smallest_text()" \
		> $(BOOK_IPYTHON)/profile_default/startup/00-figure-text.py
	IPYTHONDIR=$(BOOK_IPYTHON) $(BIN)/jupyter-book build . -W --keep-going

check-pages: install
	$(BIN)/python tests/check_pages.py _build/html --screenshots _build/screenshots

notebooks: install
	$(BIN)/python -m sigtut.notebooks

test: install
	$(BIN)/python -m pytest

clean:
	rm -rf _build $(VENV)
