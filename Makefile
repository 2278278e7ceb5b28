# The two commands: `make run` and `make test`. Both need only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

.PHONY: run test test-postgres test-citus test-compose lint lock install clean

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(RUNTIME): requirements.lock pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q --require-hashes -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(DEV): requirements-dev.lock $(RUNTIME)
	$(BIN)/pip install -q --require-hashes -r requirements-dev.lock
	touch $@

install: $(RUNTIME)

## Migrate and start the gateway (127.0.0.1:8000, PORT=… to change) and the three services on SQLite.
run: $(RUNTIME)
	$(BIN)/dangjian run

## The whole suite on the embedded default (SQLite).
test: $(DEV)
	$(BIN)/pytest

## The whole suite against PostgreSQL (TEST_POSTGRES_ADMIN_URL, default postgres@127.0.0.1:5432).
test-postgres: $(DEV)
	TEST_DATABASE=postgres $(BIN)/pytest

## The members and activities tests on a Citus coordinator and two workers (local PostgreSQL 15
## instances, made and removed by tests/citus.py; Citus built from ../shared/citus when missing).
test-citus: $(DEV)
	$(BIN)/python -m tests.citus $(PYTEST_ARGS)

## The container deployment for real (Docker, as root): build, up, a scenario through the gateway,
## restarts, down/up, the backup and restore drill of docs/operations.md, then down -v. Where no
## registry is reachable, ../shared/containers provides the engine and stand-in base images.
test-compose: $(DEV)
	timeout --kill-after=30 $${COMPOSE_DRILL_TIMEOUT:-1800} $(BIN)/python -m tests.compose.drill

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## Re-resolve the lock files after changing dependencies in pyproject.toml.
lock: $(DEV)
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile -q --generate-hashes --python-version 3.11 pyproject.toml -o requirements.lock
	$(BIN)/uv pip compile -q --generate-hashes --python-version 3.11 --extra dev pyproject.toml -o requirements-dev.lock

clean:
	rm -rf $(VENV) data
