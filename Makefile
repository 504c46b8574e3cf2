# Two commands for users: `make lab` opens the series, `make test` runs every test.
# Both build .venv from pyproject.toml first (only when it changed) and fetch 3Dmol.js.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

# Use the shared folder of genuine wwPDB files as the structure mirror when it is there.
ifneq ($(wildcard ../shared/pdb),)
export IL2LIB_PDB_MIRROR ?= $(abspath ../shared/pdb)
endif

.PHONY: lab test setup js fetch doctor notebooks bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP) js

# 3Dmol.js for offline views, through npm. Without npm the views fall back to a CDN
# (`make doctor` says which), so a failure here does not stop `make lab`.
js: $(STAMP)
	-$(PY) -m il2lib fetch --js

lab: setup
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/00-start-here.ipynb

test: setup
	$(PY) -m pytest

fetch: $(STAMP)
	$(PY) -m il2lib fetch --all --js

doctor: $(STAMP)
	$(PY) -m il2lib doctor

notebooks: setup
	$(PY) tools/execute_notebooks.py

bench: setup
	$(PY) -m il2lib bench

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache
