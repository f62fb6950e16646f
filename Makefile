# csops — developer commands. `make` alone lists them.
# Quick start: `make demo` (serve demo data on http://127.0.0.1:8000) and `make test`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

# The pytest command line of `make test`; override, e.g. `make test PYTEST_ARGS="-q -x tests/unit"`.
PYTEST_ARGS ?= -q -n 2 --dist loadfile --cov=csops --cov-report=term --cov-fail-under=85

I18N_DIR := src/csops/i18n
POT      := $(I18N_DIR)/messages.pot

.PHONY: help venv demo test lint bench i18n clean distclean

help: ## List the targets
	@echo "csops — make targets:"
	@grep -hE '^[a-z][a-z0-9_-]*:.*## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*## "}; {printf "  %-10s %s\n", $$1, $$2}'
	@echo "Variables: PYTHON=$(PYTHON) HOST=$(HOST) PORT=$(PORT) PYTEST_ARGS='$(PYTEST_ARGS)'"

# --- virtual environment ---------------------------------------------------------------
# The venv is created once; packages are reinstalled only when pyproject.toml is newer
# than the stamp of that install (.stamp-dev: with dev tools; .stamp-run: runtime only).

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "csops needs Python >= 3.11; '$(PYTHON)' is $$($(PYTHON) -V 2>&1). Try: make PYTHON=python3.11 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV) \
		|| { echo "python3 -m venv failed: on Debian/Ubuntu install python3-venv" >&2; exit 1; }

$(VENV)/.stamp-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(VENV)/.stamp-run $@

$(VENV)/.stamp-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

venv: $(VENV)/.stamp-dev ## Create .venv and install csops with dev tools (when pyproject.toml changed)

# --- the two commands ------------------------------------------------------------------

demo: $(VENV)/.stamp-run ## Migrate, load demo data (once) and serve on http://127.0.0.1:8000
	$(BIN)/csops db upgrade
	$(BIN)/csops demo --if-empty
	$(BIN)/csops serve --host $(HOST) --port $(PORT)

test: $(VENV)/.stamp-dev ## Lint, then the whole suite on SQLite and PostgreSQL, with coverage
	bash scripts/ensure_postgres.sh
	bash scripts/ensure_chromium.sh
	@$(MAKE) --no-print-directory lint
	$(BIN)/pytest $(PYTEST_ARGS)

# --- the rest --------------------------------------------------------------------------

lint: $(VENV)/.stamp-dev ## ruff check, ruff format --check, mypy --strict, import-linter
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports

BENCHES := ingest email_intake outbox statuspage journeys cluster_quality outage_replay \
	nab_tweets forecast kpi

bench: $(VENV)/.stamp-dev ## Every benchmark in bench/, one after the other (kpi.py loads 1M tickets: long)
	@for b in $(BENCHES); do echo "== bench/$$b.py"; $(BIN)/python bench/$$b.py || exit 1; done

i18n: $(VENV)/.stamp-run ## Re-extract UI strings, merge into the catalogs, compile them
	$(BIN)/pybabel extract -F $(I18N_DIR)/babel.cfg -k N_ -k Nn_:1,2 \
		--project=csops --copyright-holder="csops contributors" \
		--add-location=file --sort-output -w 100 -o $(POT) .
	$(BIN)/pybabel update -i $(POT) -d $(I18N_DIR)/locales -D messages \
		--no-fuzzy-matching --ignore-pot-creation-date -w 100
	$(BIN)/pybabel compile -d $(I18N_DIR)/locales -D messages --statistics

clean: ## Remove caches, coverage and build output (keeps .venv and data)
	rm -rf .pytest_cache .ruff_cache .mypy_cache .coverage .coverage.* htmlcov \
		build dist test-results bench/results src/*.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf

distclean: clean ## clean, and remove .venv too
	rm -rf $(VENV)
