# Ordo: `make up` runs the suite (embedded, nothing to install but Python), `make test` tests it.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install up demo test test-fast lint format docs bench migrate clean translations

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

# The portal's catalogs (shared/portal and every services/<name> with a translations/ folder):
# extract the messages, merge them into each zh_Hans_CN (zh-CN) catalog (translate the new ones there), compile
# the committed .mo files.
CATALOGS = shared/portal $(patsubst %/translations,%,$(wildcard services/*/translations))
translations: install
	@for root in $(CATALOGS); do \
	  $(BIN)/pybabel extract -F babel.cfg --no-location -o $$root/translations/messages.pot $$root && \
	  if [ -f $$root/translations/zh_Hans_CN/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update --no-fuzzy-matching -i $$root/translations/messages.pot -d $$root/translations -l zh_Hans_CN; \
	  else \
	    $(BIN)/pybabel init -i $$root/translations/messages.pot -d $$root/translations -l zh_Hans_CN; \
	  fi && \
	  $(BIN)/pybabel compile -d $$root/translations; \
	done

migrate: install
	$(BIN)/ordo migrate

# Refresh the lock after changing dependencies in pyproject.toml (uv comes with the dev extra).
lock: install
	$(BIN)/uv pip compile pyproject.toml --all-extras --python-version 3.11 --quiet \
		--custom-compile-command 'make lock' -o requirements.lock

# The container image from the working tree, on a Debian base made locally (see docs/deploy.md).
image:
	sh deploy/podman/build.sh

# The image for real: the container tests, docker-compose.yml and `podman kube play` of deploy/k8s.
image-test: install
	ORDO_IMAGE_TEST_ALL=1 $(BIN)/pytest -q tests/containers

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
