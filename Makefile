# Two entry points for a fresh machine (see README.md):
#   make book   — install, execute every chapter (quick profile) and build the HTML book in _build/html
#   make test   — install, run the unit tests and every chapter under nbval
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Verified offline data (MNIST) next to the repository, when present; otherwise sigtut downloads.
SHARED_DATA := $(abspath ../shared/data)
ifneq ($(wildcard $(SHARED_DATA)/mnist),)
export SIGTUT_DATA ?= $(SHARED_DATA)
endif
export PYDEVD_DISABLE_FILE_VALIDATION = 1

.PHONY: book test install clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml .ci/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c .ci/constraints.txt -e ".[book,test]"
	touch $@

book: install
	rm -rf _build/html _build/.doctrees
	$(BIN)/jupyter-book build . -W --keep-going

test: install
	$(BIN)/python -m pytest

clean:
	rm -rf _build $(VENV)
