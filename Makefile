# Thin wrappers; everything a fresh machine needs is installed by these targets.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
RUN_STAMP  := $(VENV)/.run-installed
TEST_STAMP := $(VENV)/.test-installed

.PHONY: run test install lint format typecheck bench migrate clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(TEST_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)

## make run: install, migrate, create the demo, then web + worker + beat (Ctrl-C stops all).
run: $(RUN_STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createdemo
	$(PY) manage.py runstack --addr 127.0.0.1:8000

## make test: the whole suite (integration tests need DATABASE_URL / CELERY_BROKER_URL, see .ci/run).
test: $(TEST_STAMP)
	bash scripts/install-system-deps.sh
	$(PY) -m pytest

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(TEST_STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## make typecheck: mypy, strict on the engine, with django-stubs on the app.
typecheck: $(TEST_STAMP)
	$(VENV)/bin/mypy scanners auditor

bench: $(TEST_STAMP)
	$(PY) bench/engine_vs_cli.py

migrate: $(RUN_STAMP)
	$(PY) manage.py migrate --noinput

clean:
	rm -rf var staticfiles .pytest_cache .mypy_cache .ruff_cache
