# Two commands matter: `make serve` and `make test`. Both set themselves up from a fresh
# clone with nothing but python3 (3.11+) and make.
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help setup serve build check test lint typecheck browser clean fuzz linkcheck linkcheck-external bench

help:
	@echo "make serve   set up, build and serve the site on http://$(HOST):$(PORT) (rebuilds on edits)"
	@echo "make test    set up and run every check and test"
	@echo "make build   build the static site into site/"
	@echo "make check   validate content/ (same as .venv/bin/atlas check)"

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

check: $(STAMP)
	$(BIN)/atlas check

build: $(STAMP)
	$(BIN)/atlas build

serve: $(STAMP)
	$(BIN)/atlas serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check generator tests
	$(BIN)/mypy

# Browser tests drive Debian's chromium; install it where we can (root with apt-get).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install Debian's chromium package (sudo apt-get install chromium)"; exit 1; fi; }

test: $(STAMP) browser lint
	$(BIN)/atlas check
	$(BIN)/python -m pytest

# 404.html is served at any depth, so its links are absolute to the site URL: skipped.
LYCHEE_OFFLINE := --offline --include-fragments --index-files index.html --root-dir "$(CURDIR)/site" --no-progress --exclude-path 404.html

# Every internal link and anchor of the built site resolves (no network needed).
linkcheck: build
	$(BIN)/lychee $(LYCHEE_OFFLINE) 'site/**/*.html'

# Opt-in: also fetch every external URL. Exemptions, each with its reason: .lycheeignore
linkcheck-external: build
	$(BIN)/lychee --include-fragments --index-files index.html --root-dir "$(CURDIR)/site" \
	  --no-progress --max-concurrency 4 --timeout 20 'site/**/*.html'

# Speed and size at 1,000 and 10,000 synthetic entries; writes docs/performance.md.
# Takes a while (three full builds of 10,000 pages); never part of `make test`.
bench: $(STAMP) browser
	$(BIN)/python bench/run.py --sizes 1000 10000 --runs 3 --browser --out docs/performance.md

# The property tests at full strength: 10,000 examples each (make test runs a few hundred).
fuzz: $(STAMP)
	ATLAS_FUZZ_EXAMPLES=10000 $(BIN)/python -m pytest tests/test_fuzz.py -q

clean:
	rm -rf build site .pytest_cache .mypy_cache .ruff_cache
