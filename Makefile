# Ordo: `make up` runs the suite (embedded, nothing to install but Python), `make test` tests it.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install up demo test test-fast lint format docs bench migrate clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

up: install
	$(BIN)/ordo up

demo: install
	$(BIN)/ordo demo

test: install
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest tests/unit tests/services -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

docs: install
	$(BIN)/ordo asyncapi
	ORDO_WRITE_DOCS=1 $(BIN)/pytest -q tests/unit/test_architecture_doc.py

bench: install
	$(BIN)/python tests/bench/bench_scheduler.py
	$(BIN)/python tests/bench/bench_relay.py
	$(BIN)/python tests/bench/bench_latency.py

migrate: install
	$(BIN)/ordo migrate

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
