# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: run test install migrate demo serve worker db-stop clean-db check bench bench-indberetning

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

# Benchmarks (issue 5), bounded (about 15 minutes with the defaults; the data sets are
# built once, in databases of their own, and reused): generer_data, the web app under
# gunicorn driven by Locust at 1 and 10 users beside its baselines, query plans, the
# reporting pipeline (bench/indberetning_bench.py, issue 3) and one vs two workers.
# Smaller: make bench PERSONER=10000 SEKUNDER=10 N=20000
PERSONER ?= 100000
SAMTALER ?= 10
SEKUNDER ?= 15
N ?= 100000
SKALERING_N ?= 100000
bench: install
	$(PY) bench/web_bench.py --personer $(PERSONER) --samtaler-pr-person $(SAMTALER) --sekunder $(SEKUNDER) --indberetning-n $(N) --skalering-n $(SKALERING_N)

# The reporting pipeline benchmark alone (issue 3): N events against PostgreSQL's COPY,
# memory peak, and the delay to receipt with a worker running.
bench-indberetning: install
	$(PY) bench/indberetning_bench.py --n $(N)
