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

# the project's one Dagster instance: what `make demo` (and `danvan run`) did shows in `make ui`
INSTANCE_HOME ?= $(CURDIR)/.dagster
INSTANCE := DAGSTER_HOME=$(INSTANCE_HOME)
UI_PORT ?= 3000

demo: install
	GX_ANALYTICS_ENABLED=false $(INSTANCE) $(BIN)/danvan demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# the fast suite: everything but the tests marked slow (full-year demo runs, servers, benches),
# on two workers (pytest-xdist): each test has its own folders and instance
test: lint
	$(PYTEST) -q -n 2 -m "not slow"

# everything, as CI runs it (.ci/run)
test-all: lint
	$(PYTEST) -q

# install into a virtualenv of another Python (V=3.12 or V=3.13) and run the fast suite there
test-python:
	$(MAKE) VENV=.venv-$(V) PYTHON="$$(command -v python$(V) || PYENV_VERSION=$$(pyenv versions --bare 2>/dev/null | grep '^$(V)' | tail -1) pyenv which python$(V))" test

bench: install
	$(BIN)/danvan bench --rows $${ROWS:-10000000} --repeat $${REPEAT:-1} \
		$${ONE_FILE:+--one-file $$ONE_FILE} --out data/bench

# the webserver and the daemon (sensors, schedule, automation, alerts); Ctrl-C stops them cleanly
# (exec: make's own child is `danvan ui`, so a SIGTERM make passes on reaches it, not a shell)
ui: install
	exec env GX_ANALYTICS_ENABLED=false DANVAN_DEMO="$${DANVAN_DEMO:-1}" $(INSTANCE) \
		$(BIN)/danvan ui --port $(UI_PORT)

# removes the data and the instance's history (runs, events), keeps its shipped dagster.yaml
clean:
	rm -rf data .pytest_cache .ruff_cache
	find .dagster -mindepth 1 -maxdepth 1 ! -name dagster.yaml -exec rm -rf {} +
