# Shiyu: `make run` serves the demo city; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 4
PG_URL ?= postgres://postgres@127.0.0.1:5432/shiyu
# Demo accounts and the sign-in hint exist only with SHIYU_DEMO (`make run SHIYU_DEMO=0` for none).
export SHIYU_DEMO ?= 1
# Cases in the seeded demo history: every one goes through the real services, so the first
# `make run` takes a few minutes on a small machine (a progress bar shows it); later runs reuse it.
DEMO_CASES ?= 5000
# Playwright drives Debian's Chromium (`make chromium`); it never downloads a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: install assets messages translations migrate seed static run test test-pg lint mypy chromium bench clean

install: $(BIN)/.installed assets messages

# Re-runs only when pyproject.toml changes; a fresh clone has no stamp, so it installs.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e ".[dev]"
	touch $@

# `npm ci` installs exactly what package-lock.json says and never rewrites it.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: node_modules/.package-lock.json $(BIN)/.installed
	$(BIN)/python scripts/build_assets.py

messages: $(BIN)/.installed
	$(BIN)/python scripts/compile_messages.py

# After adding strings: extract, fill from scripts/translations/*.py, compile.
translations: $(BIN)/.installed
	$(BIN)/shiyu makemessages -l zh_Hans -l en --no-obsolete -v0 --ignore ".venv/*" \
		--ignore "node_modules/*" --ignore "bench/*" --ignore "tests/*" --ignore "scripts/*"
	$(BIN)/python scripts/fill_translations.py scripts/translations/*.py
	$(BIN)/python scripts/compile_messages.py

migrate: install
	$(BIN)/shiyu migrate --noinput -v0

# The demo city (accounts and DEMO_CASES cases) only goes into an empty database.
seed: migrate
	@if [ "$(SHIYU_DEMO)" = 1 ]; then $(BIN)/shiyu seed_demo --if-empty --cases $(DEMO_CASES); \
	else echo "SHIYU_DEMO is off: no demo city"; fi

static: install
	$(BIN)/shiyu collectstatic --noinput -v0

# The background worker (tasks and periodic jobs) runs beside the server and stops with it.
run: seed static
	@$(BIN)/shiyu worker $(WORKER_ARGS) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn config.wsgi:application --bind 127.0.0.1:$(PORT) \
		--worker-class sync --workers $(WORKERS) --preload --access-logfile - --timeout 60

chromium:
	@test -x /usr/bin/chromium || (export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium)

test: install chromium
	$(BIN)/pytest -p xdist -n 2 $(PYTEST_ARGS)

# The same suite on PostgreSQL (the server must be running; tests make their own databases).
test-pg:
	DATABASE_URL=$(PG_URL) SHIYU_REQUIRE_POSTGRES=1 $(MAKE) test

# The services, workflow tables and scoring that mypy checks (also `.ci/run`'s mypy step).
MYPY_PATHS := shiyu/cases/services shiyu/cases/workflow.py shiyu/intake/services.py shiyu/accounts/policies.py \
	shiyu/core/workcal.py shiyu/core/periodic.py shiyu/core/tasks.py shiyu/core/crypto.py \
	shiyu/insights/services.py shiyu/insights/selectors.py shiyu/alerts/services shiyu/reports/services.py \
	shiyu/goals/services shiyu/goals/scoring.py shiyu/disputes/services shiyu/disputes/workflow.py \
	shiyu/reception/services.py shiyu/knowledge/services.py shiyu/participation/services.py

mypy: install
	$(BIN)/mypy $(MYPY_PATHS)

lint: install mypy
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Intake throughput against a bare Django insert view; BENCH_ARGS="--database-url postgres://…".
bench: install
	$(BIN)/python bench/intake.py $(BENCH_ARGS)

clean:
	rm -rf var/static .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
