# Shiyu: `make run` serves the demo city; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 4
export SHIYU_DEMO ?= 1

.PHONY: install assets messages migrate seed run serve test test-pg lint chromium

install: $(BIN)/.installed assets messages

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

node_modules/.package-lock.json: package.json
	npm install --no-audit --no-fund
	touch $@

assets: node_modules/.package-lock.json
	$(BIN)/python scripts/build_assets.py

messages: $(BIN)/.installed
	$(BIN)/python scripts/compile_messages.py

migrate: install
	$(BIN)/shiyu migrate --noinput

seed: migrate
	$(BIN)/shiyu seed_demo --if-empty

run: seed
	$(BIN)/shiyu collectstatic --noinput -v0
	$(BIN)/gunicorn config.wsgi:application --bind 127.0.0.1:$(PORT) --workers $(WORKERS) \
		--access-logfile - --timeout 60

chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)

test: install chromium
	$(BIN)/pytest -p xdist -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy shiyu/cases/services shiyu/cases/workflow.py shiyu/intake/services.py shiyu/accounts/policies.py
	$(BIN)/lint-imports
