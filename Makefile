# Two commands do everything on a fresh machine with Python 3.11:
#   make run   - the site with demo content at http://127.0.0.1:$(PORT)/
#   make test  - the whole test suite (PostgreSQL and Redis when they answer)
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install chromium lint format bench bench-tools clean messages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -U pip
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; \
	fi

run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	@mkdir -p var
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py rundev --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install chromium
	@set -e; eval "$$($(BIN)/python .ci/backends.py)"; \
	$(BIN)/ruff check . ; \
	$(BIN)/ruff format --check . ; \
	env -u DATABASE_URL $(BIN)/python manage.py makemigrations --check --dry-run \
		--settings=campaign.settings_test; \
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# Load generator and front cache for the stack bench: Debian's wrk and nginx.
bench-tools:
	@if ! command -v wrk >/dev/null || ! [ -x /usr/sbin/nginx ]; then \
		echo "Installing Debian's wrk and nginx-light for the bench"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk nginx-light \
			>/dev/null; \
	fi

# In-process ratios (bench/run.py), then the production stack under wrk
# (bench/stack.py). Quick: BENCH_ROWS=20000 BENCH_SECONDS=5 BENCH_INBOX_SECONDS=15
bench: install bench-tools
	@set -e; eval "$$($(BIN)/python .ci/backends.py)"; \
	$(BIN)/python bench/run.py; \
	$(BIN)/python bench/stack.py

# Refresh the translation catalogues (needs GNU gettext); the compiled .mo files are
# committed so that a fresh machine needs no gettext.
messages: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l ru -l de -l uk --no-obsolete \
		--ignore='.venv/*' --ignore='var/*' --ignore='tests/*' --ignore='bench/*'
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages -v0 --ignore='.venv/*'

clean:
	rm -rf $(VENV) var test-output
