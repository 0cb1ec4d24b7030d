# Two commands on a fresh machine: `make run` and `make test`. Everything else is installed on the way.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2

# The real services of the second test pass (PostgreSQL and Redis on this machine).
SERVICES_ENV := DATABASE_URL=$${SERVICES_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/vasp_licensing} \
	CELERY_BROKER_URL=$${SERVICES_BROKER_URL:-redis://127.0.0.1:6379/0} \
	REDIS_URL=$${SERVICES_REDIS_URL:-redis://127.0.0.1:6379/1} \
	REQUIRE_SERVICES=1

.PHONY: install browser run migrate seed test test-services lint deploy-check ci clean

$(STAMP): requirements/base.txt requirements/local.txt requirements/production.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11+ is required"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
		echo "Installing python3-venv (needs apt)"; apt-get update -qq && apt-get install -y -qq python3-venv; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/local.txt
	touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's Chromium (with CJK fonts, for the Chinese pages' screenshots);
# installed here so `make test` needs nothing else.
CHROMIUM ?= /usr/bin/chromium
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
$(CHROMIUM) $(CJK_FONT):
	@echo "Installing Debian's chromium and CJK fonts for the browser tests (needs apt)"
	apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk

browser: $(CHROMIUM) $(CJK_FONT)

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

seed: migrate
	SERVED_AT=http://$(HOST):$(PORT) $(PY) manage.py seed_demo

## Run the system on the embedded defaults (SQLite, local files, tasks in-process, demo data).
## Links written for banks and e-mails name the server's own host and port (SERVED_AT) unless SITE_URL is set,
## in the environment or in an opted-in .env.
run: seed
	SERVED_AT=http://$(HOST):$(PORT) $(PY) manage.py runserver $(HOST):$(PORT)

## The whole test suite on the embedded defaults.
test: install browser
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-dev} $(PY) -m pytest -n $(PYTEST_WORKERS)

## The same suite against real PostgreSQL and Redis; fails if either is missing.
test-services: install browser
	$(SERVICES_ENV) HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-ci} $(PY) -m pytest -n $(PYTEST_WORKERS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy accounts applications reviews banking audit vasp_licensing screening notifications portal tests
	$(PY) manage.py makemigrations --check --dry-run

## Django's deployment checklist against the production settings (dummy secrets, real shape).
deploy-check: install
	DJANGO_SETTINGS_MODULE=vasp_licensing.settings.production \
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	DJANGO_ALLOWED_HOSTS=licensing.example.org \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/vasp_licensing \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
	SITE_URL=https://licensing.example.org \
	REDIS_URL=redis://127.0.0.1:6379/1 \
	$(PY) manage.py check --deploy --fail-level WARNING

ci: test test-services lint deploy-check

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
