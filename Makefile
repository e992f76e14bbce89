# The README's two commands: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test venv migrate lint format bench

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv: $(VENV)/.installed

migrate: venv
	$(PY) manage.py migrate --noinput

run: migrate
	@echo "Tether on http://$(HOST):$(PORT)/  (sign-in codes: $${TETHER_SMS_BACKEND:-console}$${TETHER_SMS_FILE:+ -> $$TETHER_SMS_FILE}; with console they appear in this log)"
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) tether.asgi:application

test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Live delivery benchmark on two daphne processes; needs DATABASE_URL (PostgreSQL) and REDIS_URL.
bench: venv
	$(PY) bench/delivery.py $(BENCH_ARGS)

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
