# The README's two commands are `make run` and `make test`; both set up .venv first.
# `make run` installs what production imports (requirements.txt); every other target adds
# the development tools (requirements-dev.txt).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-fast venv venv-dev migrate lint lint-js format bench bench-group bench-search

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

venv-dev: $(VENV)/.installed-dev

migrate: venv
	$(PY) manage.py migrate --noinput

run: migrate
	@echo "Tether on http://$(HOST):$(PORT)/  (sign-in codes: $${TETHER_SMS_BACKEND:-console}$${TETHER_SMS_FILE:+ -> $$TETHER_SMS_FILE}; with console they appear in this log)"
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) tether.asgi:application

# The whole suite: PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set, real daphne
# processes, Chromium for the pages.
test: venv-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# Seconds, not minutes: SQLite, the in-memory layer, no server processes, no browser.
test-fast: venv-dev
	env -u DATABASE_URL -u REDIS_URL -u TETHER_REQUIRE_SERVICES \
		$(PY) -m pytest -m "not servers and not browser" -q $(PYTEST_ARGS)

lint: venv-dev lint-js
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# ESLint from npm with the flat config in eslint.config.js; the pages have no build step.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

lint-js: node_modules/.installed
	npx --no-install eslint static/js

format: venv-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The benchmark (bench/run.py): 1 and 2 daphne processes behind nginx (deploy/nginx/tether.conf),
# direct and group delivery, idle sockets, reads; a table, and bench/results.json. Needs
# DATABASE_URL (PostgreSQL), REDIS_URL and nginx. One row: BENCH_ARGS="--processes 2
# --scenarios group --transports socket --concurrency 50".
bench: venv-dev
	$(PY) bench/run.py $(BENCH_ARGS)

# Message search latency over a million messages (a fresh PostgreSQL database of DATABASE_URL).
bench-search: venv-dev
	$(PY) bench/search.py $(BENCH_ARGS)

# One group on two processes, several senders at once: every member gets every message once, in order.
bench-group: venv-dev
	$(PY) bench/group_delivery.py $(BENCH_ARGS)
