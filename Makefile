# Two commands for a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install demo test lint ui bench clean

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

test: lint
	GX_ANALYTICS_ENABLED=false $(BIN)/pytest -q

bench: install
	$(BIN)/danvan bench --rows $${ROWS:-10000000} --repeat $${REPEAT:-1} \
		$${ONE_FILE:+--one-file $$ONE_FILE} --out data/bench

ui: install
	mkdir -p .dagster && cp dagster.yaml .dagster/dagster.yaml
	DANVAN_DEMO=$${DANVAN_DEMO:-1} DAGSTER_HOME=$(CURDIR)/.dagster $(BIN)/dagster dev -w workspace.yaml

clean:
	rm -rf data .dagster .pytest_cache .ruff_cache
