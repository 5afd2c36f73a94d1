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

.PHONY: run test install chromium fonts pdf-libs axe lint format bench bench-tools fuzz clean messages fuzz-api bench-api

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

# Share images (OpenGraph) are drawn with Debian's DejaVu fonts, which have Cyrillic
# (SHARE_IMAGE_FONT / SHARE_IMAGE_FONT_BOLD name others).
FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
fonts:
	@if [ ! -f $(FONT) ]; then \
		echo "Installing Debian's fonts-dejavu-core for the share images"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-dejavu-core >/dev/null; \
	fi

# Delivery packs are PDFs made by WeasyPrint, which needs Debian's pango and a font
# with Cyrillic letters (DejaVu); nothing is fetched at run time.
DEJAVU := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
pdf-libs:
	@if ! $(PYTHON) -c "import ctypes.util as u, sys; sys.exit(not u.find_library('pangoft2-1.0'))" \
		|| [ ! -f $(DEJAVU) ]; then \
		echo "Installing Debian's pango and DejaVu fonts for the delivery packs"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
	fi

# The browser tests inject axe-core (from the npm registry) into pages to check
# accessibility. It lands in var/npm/, outside the repository (no node_modules).
AXE_VERSION := 4.14.1
AXE := var/npm/node_modules/axe-core/axe.min.js
$(AXE):
	@if ! command -v npm >/dev/null; then \
		echo "Installing Debian's npm for axe-core"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm >/dev/null; \
	fi
	mkdir -p var/npm
	npm install --prefix var/npm --no-save --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

axe: $(AXE)

run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install fonts pdf-libs
	@mkdir -p var/broker/out var/broker/processed var/broker/control  # tasks load_demo queues
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py rundev --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install pdf-libs chromium fonts axe
	@set -e; eval "$$($(BIN)/python .ci/backends.py)"; \
	$(BIN)/ruff check . ; \
	$(BIN)/ruff format --check . ; \
	env -u DATABASE_URL $(BIN)/python manage.py makemigrations --check --dry-run \
		--settings=campaign.settings_test; \
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# Long runs that `make test` keeps short: the hypothesis fuzz with fresh random
# examples (it prints the seed of any failure), and any other long fault runs. Add
# those to LONG_RUNS; LONG_RUN=1 tells a test to run its long variant.
FUZZ_EXAMPLES ?= 5000
LONG_RUNS ?= tests/security/test_fuzz.py
fuzz: install
	@eval "$$($(BIN)/python .ci/backends.py)"; \
	LONG_RUN=1 FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_RANDOM=1 \
		$(BIN)/pytest -p no:xdist -q $(LONG_RUNS) $(PYTEST_ARGS)


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

# The JSON API under Schemathesis for longer than `make test` does (random seeds, many
# examples per operation), then stateful sequences against a live server and worker.
API_FUZZ_EXAMPLES ?= 300
API_FUZZ_STEPS ?= 50
fuzz-api: install
	@eval "$$($(BIN)/python .ci/backends.py)"; \
	API_FUZZ_EXAMPLES=$(API_FUZZ_EXAMPLES) API_FUZZ_RANDOM=1 API_FUZZ_STEPS=$(API_FUZZ_STEPS) \
		$(BIN)/pytest -p no:xdist -q tests/api/test_schemathesis.py \
		tests/api/fuzz_stateful.py

# Requests per second of GET /api/v1/letters/<slug>/ vs the view it replaced.
bench-api: install
	@eval "$$($(BIN)/python .ci/backends.py)"; $(BIN)/python bench/api_read.py

# Refresh the translation catalogues (needs GNU gettext); the compiled .mo files are
# committed so that a fresh machine needs no gettext.
messages: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l ru -l de -l uk --no-obsolete \
		--ignore='.venv/*' --ignore='var/*' --ignore='tests/*' --ignore='bench/*'
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages -v0 --ignore='.venv/*'

clean:
	rm -rf $(VENV) var test-output
