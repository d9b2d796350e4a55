# China auto-news notebook suite. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# JupyterLab refuses to run as root without this flag (containers, CI machines).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: help venv fonts report test lint format lab clean-venv

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

venv: $(STAMP) ## create or reuse .venv and install the package with dev tools

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null || \
	  { echo "error: $(PYTHON) is older than 3.11; run make PYTHON=python3.11 ..." >&2; exit 2; }
	@test -x $(PY) || { echo "creating $(VENV)"; $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-* && touch $@

fonts: venv ## make sure charts can draw Chinese (system font, apt, or PyPI fallback)
	@bash scripts/ensure-cjk-font.sh $(PY)

report: venv fonts ## run every notebook on the bundled sample; prints the run folder
	$(PY) -m helpers run --incremental --executor inprocess

test: venv fonts ## run the test suite (lint, unit, notebooks end to end)
	$(PY) -m pytest

lint: venv ## ruff lint (docstrings in src), format check, complexity gate (radon, limit 10)
	$(PY) -m ruff check src tests scripts notebooks
	$(PY) -m ruff format --check src tests scripts notebooks
	$(PY) scripts/check_complexity.py src

format: venv ## apply ruff fixes and formatting
	$(PY) -m ruff check --fix src tests scripts notebooks
	$(PY) -m ruff format src tests scripts notebooks

lab: venv fonts ## start JupyterLab on localhost (token printed below)
	$(PY) -m jupyterlab --no-browser --ip=127.0.0.1 --ServerApp.root_dir=$(CURDIR) $(ALLOW_ROOT)

clean-venv: ## remove .venv (the next target recreates it)
	rm -rf $(VENV)
