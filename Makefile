# Two commands matter: `make serve` and `make test`. Both set themselves up from a fresh
# clone with nothing but python3 (3.11+) and make.
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help setup serve build check test test-fast lint typecheck browser clean fuzz linkcheck linkcheck-external bench lock

help:
	@echo "make serve   set up, build and serve the site on http://$(HOST):$(PORT) (rebuilds on edits)"
	@echo "make test    set up and run every check and test (every tier: browser, site builds, fuzz, bench)"
	@echo "make test-fast  lint, types and the in-process tests: no browser, no site build, no fuzz (< 30 s)"
	@echo "make build   build the static site into site/"
	@echo "make check   validate content/ (same as .venv/bin/atlas check)"
	@echo "make lock    update requirements.lock after editing a dependency in pyproject.toml"

# Every package comes from the locks, checked against their sha256 hashes; pip resolves
# nothing itself. First pip and the build backend (requirements-bootstrap.lock: wheels, so
# the venv's own old pip installs them without building anything). Then everything
# (requirements.lock, a superset of the first): the dependencies PyPI ships only as sdists
# build in isolated environments that may hold only what requirements.lock pins, hashes
# checked (--build-constraint with --require-hashes). Then the project, with --no-deps and
# the setuptools just installed. pip check fails the setup when pyproject.toml pins a
# version that the lock does not have: run `make lock` after editing a dependency.
$(STAMP): pyproject.toml requirements.lock requirements-bootstrap.lock
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-bootstrap.lock
	$(BIN)/python -m pip install --quiet --require-hashes --build-constraint requirements.lock \
	  -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

setup: $(STAMP)

check: $(STAMP)
	$(BIN)/atlas check

build: $(STAMP)
	$(BIN)/atlas build

serve: $(STAMP)
	$(BIN)/atlas serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check generator tests bench
	$(BIN)/mypy

# Browser tests drive Debian's chromium; install it where we can (root with apt-get).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install Debian's chromium package (sudo apt-get install chromium)"; exit 1; fi; }

test: $(STAMP) browser lint
	$(BIN)/atlas check --strict
	$(BIN)/python -m pytest

# The tier to run while editing: every test except the browser, the real mkdocs builds,
# the ones that spawn a process per case, the property tests and the benchmark (markers in
# pyproject.toml; `make test` runs them all). No chromium needed.
FAST_TESTS := not browser and not site and not slow and not fuzz and not bench

test-fast: lint
	$(BIN)/python -m pytest -q -m "$(FAST_TESTS)"

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

# Regenerates the locks from pyproject.toml and requirements-build.in with uv (itself pinned
# by hash in requirements-uv.lock; one wheel with no dependencies, so it adds nothing else to
# .venv). For CPython 3.11 on Linux x86_64: 3.11.5 is the lowest 3.11 that
# pymdown-extensions 13.1 accepts. Never a pre-release. Then `make setup` installs them.
UV_COMPILE = $(BIN)/uv pip compile --quiet --generate-hashes --prerelease disallow \
  --python-version 3.11.5 --python-platform x86_64-unknown-linux-gnu \
  --python $(BIN)/python --no-python-downloads --custom-compile-command 'make lock'
# build-system.requires, read from pyproject.toml (their only source).
BUILD_SYSTEM = $(BIN)/python -c 'import tomllib; \
  print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")'

lock:
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-uv.lock
	$(BUILD_SYSTEM) | $(UV_COMPILE) --extra test pyproject.toml requirements-build.in - \
	  -o requirements.lock
	{ echo pip; $(BUILD_SYSTEM); } | $(UV_COMPILE) -c requirements.lock - \
	  -o requirements-bootstrap.lock

clean:
	rm -rf build site .pytest_cache .mypy_cache .ruff_cache
