# A fresh machine with Python 3.11, 3.12 or 3.13 needs two commands: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PYTEST := GX_ANALYTICS_ENABLED=false $(BIN)/pytest

.PHONY: install demo test test-all test-python lint ui bench clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

demo: install
	GX_ANALYTICS_ENABLED=false $(BIN)/danvan demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# the fast suite: everything but the tests marked slow (full-year demo runs, servers, benches)
test: lint
	$(PYTEST) -q -m "not slow"

# everything, as CI runs it (.ci/run)
test-all: lint
	$(PYTEST) -q

# install into a virtualenv of another Python (V=3.12 or V=3.13) and run the fast suite there
test-python:
	$(MAKE) VENV=.venv-$(V) PYTHON="$$(command -v python$(V) || PYENV_VERSION=$$(pyenv versions --bare 2>/dev/null | grep '^$(V)' | tail -1) pyenv which python$(V))" test

bench: install
	$(BIN)/danvan bench --rows $${ROWS:-10000000} --repeat $${REPEAT:-1} \
		$${ONE_FILE:+--one-file $$ONE_FILE} --out data/bench

ui: install
	mkdir -p .dagster && cp dagster.yaml .dagster/dagster.yaml
	DANVAN_DEMO=$${DANVAN_DEMO:-1} DAGSTER_HOME=$(CURDIR)/.dagster $(BIN)/dagster dev -w workspace.yaml

clean:
	rm -rf data .dagster .pytest_cache .ruff_cache
