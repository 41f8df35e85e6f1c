# Newsroom: `make run` serves the site with demo content, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Absolute links (feeds, canonical, JSON-LD, share links, moderator mail) name the address
# `make run` serves, unless SITE_URL is set.
SITE_URL := $(or $(SITE_URL),http://$(HOST):$(PORT))
export DEBUG ?= true
# `make run` serves every edition the demo is written in, left to right and right to left
# (SITE_LANGUAGES=en make run for English alone). Only `make run`: the settings' own default
# (one edition) holds for production, and the test suite chooses its editions itself.
DEMO_LANGUAGES := en,ar,fa,ur
RUN_LANGUAGES := $(or $(SITE_LANGUAGES),$(DEMO_LANGUAGES))

.DEFAULT_GOAL := help
.PHONY: help run test validator lint format check messages bench bench-scale clean backup restore

help:
	@echo "make run    - install, migrate, load demo content, serve http://$(HOST):$(PORT) with the job worker (HOST=, PORT=, SITE_LANGUAGES=$(DEMO_LANGUAGES))"
	@echo "make test   - install test tools and run the whole suite (DATABASE_URL picks the database)"
	@echo "make lint   - ruff lint + format check, djLint on templates"
	@echo "make format - apply ruff format and fixes"
	@echo "make check  - Django system checks and makemigrations --check"
	@echo "make messages - update locale/*/django.po from the code and compile the .mo files (needs gettext)"
	@echo "make bench-scale - every kind of page at 1,000 and at 100,000 stories, p50/p95 side by side (~15 min; BENCH_SCALE_ARGS=\"--stories 20000\")"
	@echo "make backup - one archive of the database and media in BACKUP_DIR (default backups/)"
	@echo "make restore FILE=backups/newsroom-...tar.gz - put a backup back (asks first)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps record that the pinned set is installed; they are redone when a lock file changes.
$(VENV)/.run-installed: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.lock
	@touch $@

$(VENV)/.dev-installed: requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	@touch $@ $(VENV)/.run-installed

# The dev server, with the job worker and the scheduler beside it (scripts/devserver.py).
run: export SITE_LANGUAGES := $(RUN_LANGUAGES)
run: $(VENV)/.run-installed
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createcachetable
	@if $(BIN)/python manage.py help seed_demo >/dev/null 2>&1; then $(BIN)/python manage.py seed_demo; fi
	SITE_URL='$(SITE_URL)' $(BIN)/python scripts/devserver.py $(HOST):$(PORT)

test: $(VENV)/.dev-installed validator
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The Nu Html Checker for tests/test_html_valid.py, pinned in tests/validator/package-lock.json
# (without npm the install is skipped and those tests skip, or fail with CI=true).
VNU_JAR := tests/validator/node_modules/vnu-jar/build/dist/vnu.jar
validator: $(VNU_JAR)

$(VNU_JAR): tests/validator/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/validator --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the HTML checker tests will skip (they need npm and Java)"; fi

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(VENV)/.dev-installed
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# The catalogues (locale/): new messages in, gone ones out, then the .mo files that are
# committed beside them (tests/test_i18n.py checks they match). Needs GNU gettext.
LOCALES ?= ar fa ur
messages: $(VENV)/.run-installed
	$(BIN)/python manage.py makemessages $(addprefix -l ,$(LOCALES)) --no-obsolete \
		-i ".venv/*" -i "tests/*" -i "deploy/*" -i "scripts/*" -i "demo/*" -i "staticfiles/*" -i "media/*"
	$(BIN)/python manage.py compilemessages $(addprefix -l ,$(LOCALES))

bench: $(VENV)/.dev-installed
	$(BIN)/python scripts/bench.py

# Throwaway databases of 1,000 and 100,000 stories (BENCH_ADMIN_URL), filled with COPY, served
# by gunicorn with DEBUG off; BENCH_SCALE_ARGS passes options (--stories, --requests, --keep...).
bench-scale: $(VENV)/.dev-installed
	$(BIN)/python scripts/bench_scale.py $(BENCH_SCALE_ARGS)

# BACKUP_ARGS / RESTORE_ARGS pass options, e.g. BACKUP_ARGS="--keep-days 14".
backup: $(VENV)/.run-installed
	$(BIN)/python manage.py backup $(BACKUP_ARGS)

restore: $(VENV)/.run-installed
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/newsroom-YYYYmmddTHHMMSSZ.tar.gz"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)" $(RESTORE_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache tests/validator/node_modules
