# Two commands do all set-up on a fresh machine: `make run` (portal with demo data) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
DEMO_ENTERPRISES ?= 5000

.PHONY: install run serve demo test lint format messages worker beat bench loadtest deploy-check backup restore clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(PY) requirements.txt requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

## install: create or update .venv and node_modules
install: $(VENV)/.installed node_modules/.package-lock.json

## messages: compile the translations
messages: install
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v0

## demo: migrate, load reference data and seed demo data (idempotent)
demo: messages
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) load_reference_data
	$(MANAGE) seed_demo --enterprises $(DEMO_ENTERPRISES)

## run: everything from a fresh clone, then serve on http://127.0.0.1:8000
run: demo
	$(MANAGE) runserver 127.0.0.1:8000

## test: install what is missing and run the whole suite (DATABASE_URL when set, SQLite otherwise)
# worksteal: tests take from 1 ms to 30 s (the journeys, the 100,000-row import); a worker whose share is done
# takes tests from the other instead of waiting for it.
test: messages
	$(VENV)/bin/pytest -n 2 --dist worksteal

## lint: ruff
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## worker / beat: Celery processes (need CELERY_BROKER_URL)
worker: install
	$(VENV)/bin/celery -A smeportal worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A smeportal beat --loglevel=INFO

## bench: performance measurements on PostgreSQL (DATABASE_URL)
bench: install
	$(PY) -m benchmarks

## backup: dump the database and archive the media files into BACKUP_DIR (README "Operations")
backup:
	$(MANAGE) backup

## restore: replace the database and restore the media files from the latest backup in BACKUP_DIR
## (or DATABASE_FILE=… MEDIA_FILE=… for older ones)
restore:
	$(MANAGE) restore --noinput $(if $(DATABASE_FILE),--database-file $(DATABASE_FILE)) $(if $(MEDIA_FILE),--media-file $(MEDIA_FILE))

## loadtest: the last filing week against gunicorn on the `make bench` data set (DATABASE_URL), stepping the load
loadtest: install
	$(PY) -m benchmarks.loadtest

## deploy-check: Django's deployment checklist with production-like settings
deploy-check: install
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=portal.example.gov.cn DATABASE_URL=sqlite:///:memory: $(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules staticfiles
