# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: run test install migrate demo serve worker db-stop clean-db check bench

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo_data

# Serves http://127.0.0.1:8000 with demo data, and a task worker beside it.
run: demo
	@echo "Samtaleregistrering på http://127.0.0.1:8000 (log ind som sagsbehandler / demo). Ctrl-C stopper."
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py procrastinate worker & \
	  $(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

db-stop:
	$(PY) -c "from pathlib import Path; from samtaler_site.embedded_db import stop; stop(Path('.'))"

clean-db: db-stop
	rm -rf var/pgdata

# Reporting pipeline benchmark (issue 3): N events (default 100000) against PostgreSQL's
# COPY, memory peak, and the delay to receipt with a worker running. A few minutes.
N ?= 100000
bench: migrate
	$(PY) bench/indberetning_bench.py --n $(N)
