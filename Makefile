# The README's two commands are `make run` and `make test`; CI (.ci/run) calls `make test` too.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

AXE := bench/node_modules/axe-core/axe.min.js

.PHONY: run test install lint typecheck migrations-check messages messages-update schema system-packages bench audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: system-packages $(INSTALLED)

# gettext compiles the catalogs; Pango lays out the PDFs (WeasyPrint); Noto has the glyphs the
# PDFs need beyond DejaVu (Ethiopic for Tigrinya, and Arabic script); Debian's chromium runs the
# browser tests; npm brings axe-core and Lighthouse. Installed only if missing.
system-packages:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	(/sbin/ldconfig -p 2>/dev/null || ldconfig -p) | grep -q libpangoft2 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"; \
	fc-list :lang=ti 2>/dev/null | grep -q . || missing="$$missing fonts-noto-core"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

messages: $(INSTALLED)
	$(BIN)/python manage.py compilemessages --ignore '$(VENV)' -v 0

# After changing UI strings: refresh every catalog, then translate the new entries.
messages-update: $(INSTALLED)
	$(BIN)/python manage.py makemessages -a --no-location -e html,txt,py,json \
	  --ignore '$(VENV)' --ignore tests --ignore var --ignore bench

# After changing an API: rewrite the committed OpenAPI description (a test checks it is current).
schema: $(INSTALLED)
	$(BIN)/python manage.py spectacular --validate --file docs/openapi.yaml

# axe-core for the accessibility checks of the browser tests (Lighthouse only for `make bench`).
$(AXE): bench/package.json bench/package-lock.json
	npm ci --prefix bench --omit=dev --no-audit --no-fund --loglevel=error
	touch $@

# (1) The portal with demo data on the embedded defaults (SQLite, in-memory channel layer).
run: install messages
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/python manage.py demo_data
	@# The task worker (webhooks, read-model rebuilds) runs beside the server and stops with it.
	$(BIN)/python manage.py db_worker --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# (2) The whole test suite. pytest's "no tests collected" (exit 5) is a broken suite, not a pass.
test: install messages $(AXE)
	@$(BIN)/pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: the suite is broken." >&2; exit 1; fi; \
	exit $$status

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(INSTALLED)
	$(BIN)/mypy .

migrations-check: $(INSTALLED)
	$(BIN)/python manage.py makemigrations --check --dry-run

# Known vulnerabilities in the installed Python packages (pip-audit; see .ci/audit.py).
audit: $(INSTALLED)
	$(BIN)/python .ci/audit.py

# The bench suite: every figure of QUALITY.md beside its target, on the machine's PostgreSQL and
# Redis with production settings (bench/suite.py; BENCH_ARGS="--long" adds the 10-minute run).
bench: install messages
	npm ci --prefix bench --no-audit --no-fund --loglevel=error
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/suite.py --out bench-results.md $(BENCH_ARGS)
