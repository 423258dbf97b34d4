# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
# Local commands run with DEBUG=1 explicitly: the settings' default is off (fail closed).
LOKAL := DEBUG=1
# The browser tests drive this Chromium (tests/browser/conftest.py reads CHROMIUM).
CHROMIUM ?= /usr/bin/chromium
DEBIAN_VERSION ?= /etc/debian_version

.PHONY: run run-sso test install chromium migrate demo serve worker db-stop clean-db check bench bench-indberetning bench-api mutation mutation-igen mutation-rapport

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(LOKAL) $(PY) manage.py migrate --noinput

demo: migrate
	$(LOKAL) $(PY) manage.py demo_data

# Serves http://127.0.0.1:8000 with demo data, and a task worker beside it.
run: demo
	@echo "Samtaleregistrering på http://127.0.0.1:8000 (log ind som sagsbehandler / demo). Ctrl-C stopper."
	@trap 'kill 0' INT TERM EXIT; \
	  $(LOKAL) $(PY) manage.py arbejder & \
	  $(LOKAL) $(PY) manage.py runserver 127.0.0.1:8000

# The same with single sign-on to try: a local OpenID Connect provider for staff on :9400
# and one standing in for the MitID broker on :9401 (identitet/testudbyder.py; its page lets
# you pick a demo user), and the login page's "Log ind med kommunens konto" and "Log ind
# med MitID". The demo passwords still work.
SSO := OIDC_MEDARBEJDER_ISSUER=http://127.0.0.1:9400 OIDC_MEDARBEJDER_CLIENT_ID=samtaler-demo \
  OIDC_MEDARBEJDER_CLIENT_SECRET=demo OIDC_BORGER_ISSUER=http://127.0.0.1:9401 \
  OIDC_BORGER_CLIENT_ID=samtaler-demo OIDC_BORGER_CLIENT_SECRET=demo
run-sso: demo
	@echo "Samtaleregistrering med single sign-on på http://127.0.0.1:8000: 'Log ind med kommunens konto' (fx sara.sso) eller 'Log ind med MitID' (bente.mitid). Ctrl-C stopper."
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) -m identitet.testudbyder --port 9400 --demo medarbejder & \
	  $(PY) -m identitet.testudbyder --port 9401 --demo borger & \
	  $(LOKAL) $(SSO) $(PY) manage.py arbejder & \
	  $(LOKAL) $(SSO) $(PY) manage.py runserver 127.0.0.1:8000

# Chromium first, so a machine without it stops at once with one line, before any test.
test: chromium install
	$(LOKAL) CHROMIUM=$(CHROMIUM) $(PY) -m pytest

# The system's Chromium for the browser tests: as root on Debian it is installed with
# apt-get; anywhere else make stops with one line saying how to get it.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && [ -f "$(DEBIAN_VERSION)" ] && command -v apt-get >/dev/null; then \
	    echo "Chromium mangler ($(CHROMIUM)): installerer pakken chromium med apt-get / installing chromium with apt-get"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || exit 1; \
	  fi; \
	fi; \
	if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "Chromium mangler ($(CHROMIUM)); ingen test er kørt. Installér det (Debian/Ubuntu: sudo apt-get install chromium) eller angiv stien: make test CHROMIUM=/sti/til/chromium / Chromium is missing; no test was run: install it or give its path." >&2; \
	  exit 1; \
	fi

check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(LOKAL) $(PY) manage.py check
	$(LOKAL) $(PY) manage.py makemigrations --check --dry-run

db-stop:
	$(LOKAL) $(PY) -c "from pathlib import Path; from samtaler_site.embedded_db import stop; stop(Path('.'))"

clean-db: db-stop
	rm -rf var/pgdata

# Benchmarks (issue 5, 25), bounded (about 20 minutes with the defaults; the data sets are
# built once, in databases of their own, and reused): generer_data, the web app under
# gunicorn driven by Locust at 1 and 10 users, the app and its floors alternating in rounds
# (RUNDER), query plans, the actions in Chromium (tests/browser/test_handlinger.py), the
# reporting pipeline (bench/indberetning_bench.py, issue 3) and one vs two workers.
# N is the large data set's conversations: make bench N=10000000 for the growth goal
# (generer_data builds it, once). Smaller: make bench N=10000 SEKUNDER=10 RUNDER=2
# INDBERETNING_N=2000 SKALERING_N=0
N ?= 1000000
SAMTALER ?= 10
SEKUNDER ?= 15
RUNDER ?= 3
INDBERETNING_N ?= 100000
SKALERING_N ?= 100000
# Retention (issue 24): slet_udloebne on this many conversations, 10 % of the citizens
# past the deadline (bench/sletning_bench.py; 0 skips it).
SLETNING_N ?= 1000000
bench: install
	$(LOKAL) $(PY) bench/web_bench.py --samtaler $(N) --samtaler-pr-person $(SAMTALER) --sekunder $(SEKUNDER) --runder $(RUNDER) --indberetning-n $(INDBERETNING_N) --skalering-n $(SKALERING_N) --sletning-n $(SLETNING_N)
	$(LOKAL) $(PY) bench/api_bench.py --raekker $(API_RAEKKER)

# The integration API alone (issue 22): a nightly file of API_RAEKKER periods through
# person_perioder_importer, and registration p95 through the API beside the page's.
API_RAEKKER ?= 10000
bench-api: install
	$(LOKAL) $(PY) bench/api_bench.py --raekker $(API_RAEKKER)

# The reporting pipeline benchmark alone (issue 3): INDBERETNING_N events against
# PostgreSQL's COPY, memory peak, and the delay to receipt with a worker running.
bench-indberetning: install
	$(LOKAL) $(PY) bench/indberetning_bench.py --n $(INDBERETNING_N)

# Mutation testing (issue 26): cosmic-ray changes one thing at a time in the modules where a
# bug breaks the law or loses a report (mutation/moduler.toml, one line per module with its
# fast tests) and runs those tests against each change; each module in a copy of the tree
# under var/mutation/, two modules at a time. About 30 minutes on 2 cores; not part of
# make test. One or a few modules: make mutation MODULER="levering batches"
MODULER ?=
MUTATION_JOBS ?= 2
mutation: install
	$(LOKAL) $(PY) mutation/run.py koer --jobs $(MUTATION_JOBS) $(MODULER)

# Only the last run's survivors again, against the tests as they are now (after new tests
# for them; the modules' source must be unchanged): make mutation-igen MODULER=levering
mutation-igen: install
	$(LOKAL) $(PY) mutation/run.py koer --overlevende --jobs $(MUTATION_JOBS) $(MODULER)

# The kill rate per module from the last runs (the survivors: mutation/run.py overlevende <modul>).
mutation-rapport:
	$(LOKAL) $(PY) mutation/run.py rapport
