# Osuus: `make run` serves the app with embedded PostgreSQL and Redis; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MO := $(patsubst %.po,%.mo,$(wildcard osuus/locale/*/LC_MESSAGES/messages.po))

.DEFAULT_GOAL := help
.PHONY: help setup run test lint format typecheck i18n ci clean

help: ## show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Osuus needs Python 3.11 or newer")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

osuus/locale/%/LC_MESSAGES/messages.mo: osuus/locale/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ -l $* -D messages >/dev/null

setup: $(STAMP) $(MO) ## create .venv, install, compile the translations

run: setup ## start PostgreSQL, Redis, migrations, demo data, web + worker + scheduler (Ctrl-C stops all)
	$(BIN)/osuus dev

test: setup ## run the whole suite on real PostgreSQL and Redis (embedded unless DATABASE_URL/REDIS_URL)
	@if [ -z "$$OSUUS_SKIP_BROWSER" ] && ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then \
		echo "make test: Chromium not found, the page checks are skipped (CI installs it: apt-get install chromium)"; \
		export OSUUS_SKIP_BROWSER=1; fi; \
	$(BIN)/pytest -q -p no:warnings; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: no tests ran"; exit 1; fi; exit $$rc

lint: setup ## ruff lint and format check
	$(BIN)/ruff check osuus tests bench
	$(BIN)/ruff format --check osuus tests bench

format: setup ## format the code with ruff
	$(BIN)/ruff format osuus tests bench
	$(BIN)/ruff check --fix osuus tests bench

typecheck: setup ## mypy, strict on osuus/
	$(BIN)/mypy

i18n: setup ## extract new strings and update the fi/sv/en catalogues
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output --project Osuus --copyright-holder Osuus \
		-o osuus/locale/messages.pot .
	$(BIN)/pybabel update -i osuus/locale/messages.pot -d osuus/locale -D messages --ignore-obsolete --no-fuzzy-matching
	@echo "Now translate the empty msgstr entries in osuus/locale/fi and sv; tests/platform/test_i18n.py checks them."

ci: ## what CI runs (.ci/run)
	bash .ci/run

clean: ## remove the venv and local data (embedded databases, mail)
	rm -rf $(VENV) var
