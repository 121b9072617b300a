# Common Measure — the two commands a new machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export DATABASE_URL ?=

.PHONY: demo test test-fast test-repeat install install-test chromium office axe gettext lint serve bench bench-dashboard bench-pages bench-guard clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

var/secret_key:
	mkdir -p var
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

## make demo: install, migrate the embedded SQLite database, load the demo initiative, serve it.
demo: install var/secret_key
	SECRET_KEY_FILE=var/secret_key $(BIN)/commonmeasure setup
	SECRET_KEY_FILE=var/secret_key $(BIN)/commonmeasure demo load
	CM_DEMO=1 SECRET_KEY_FILE=var/secret_key $(BIN)/commonmeasure serve --port $(PORT)

## make test: install what the tests need (Chromium, LibreOffice, fonts, poppler-utils and GNU gettext too, when run
## as root on Debian) and run the suite, on one worker a core (pytest-xdist; TEST_WORKERS=0 runs it
## in one process). Tests run with DEBUG on (no SECRET_KEY needed); DATABASE_URL picks the database
## (default SQLite in memory; on PostgreSQL each worker gets its own test database).
TEST_WORKERS ?= auto
test: install-test chromium office axe gettext
	DEBUG=1 $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## make test-fast: the pure rules (domain), the file readers and writers (interchange) and the smoke
## test, in well under a minute: for the edit-test loop, not instead of make test.
test-fast: install-test
	DEBUG=1 $(BIN)/python -m pytest tests/domain tests/interchange tests/test_smoke.py $(PYTEST_ARGS)

## make test-repeat: the end-to-end browser tests REPEAT times in a row (default 20), stopping at the
## first failure; on PostgreSQL: make test-repeat REPEAT=5 DATABASE_URL=postgresql://...
REPEAT ?= 20
test-repeat: install-test chromium office axe
	@for i in $$(seq 1 $(REPEAT)); do \
	  echo "== end-to-end run $$i of $(REPEAT)"; \
	  DEBUG=1 CM_REQUIRE_E2E=1 $(BIN)/python -m pytest tests/e2e -p no:cacheprovider $(PYTEST_ARGS) \
	    || { echo "end-to-end run $$i of $(REPEAT): FAILED"; exit 1; }; \
	done; echo "end-to-end runs in a row: $(REPEAT) of $(REPEAT) passed"

chromium:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's Chromium for the end-to-end tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

## axe-core, the accessibility checker the end-to-end tests load into the browser: pinned in
## tests/e2e/package-lock.json, installed from the npm registry with `npm ci` (Debian's npm when
## missing, as root). Only the tests use it; nothing of it is served by the application.
AXE_JS := tests/e2e/node_modules/axe-core/axe.min.js
axe: $(AXE_JS)
$(AXE_JS): tests/e2e/package.json tests/e2e/package-lock.json
	@if ! command -v npm >/dev/null && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's npm for axe-core"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null; \
	fi
	cd tests/e2e && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

## The fonts the PDF statements embed, pdftotext to read them back, LibreOffice to save the corpus of
## office files the readers are tested on.
OFFICE_PACKAGES := fonts-dejavu-core fonts-droid-fallback fonts-nanum poppler-utils libreoffice-calc-nogui
office:
	@if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null && { [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] \
	  || [ ! -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || [ ! -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] \
	  || ! command -v pdftotext >/dev/null || ! command -v soffice >/dev/null; }; then \
	  echo "Installing Debian's fonts, poppler-utils and LibreOffice for the statement and office-file tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(OFFICE_PACKAGES) >/dev/null; \
	fi

## GNU gettext (xgettext, msgfmt): tools/messages.py gathers and compiles the interface's messages
## with it, and tests/i18n/test_catalogues.py checks that the committed catalogues are complete.
gettext:
	@if { ! command -v xgettext >/dev/null || ! command -v msgfmt >/dev/null; } && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's GNU gettext for the translation catalogues"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gettext >/dev/null; \
	fi

lint: install-test
	$(BIN)/ruff check commonmeasure tests bench tools
	$(BIN)/ruff format --check commonmeasure tests bench tools
	$(BIN)/lint-imports
	$(BIN)/python tools/import_graph.py --check

bench: install-test
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_query.py

bench-guard: install-test
	$(BIN)/python bench/guard.py

bench-dashboard: install-test
	$(BIN)/pip install -e '.[bench]'
	$(BIN)/python bench/bench_dashboard.py

## make bench-pages: the main pages on the demo data, CPU per request with the figure cache off and
## on, and 30 clients on loopback (a minute or two; docs/reference/performance-pages.md).
bench-pages: install
	$(BIN)/python bench/bench_pages.py

clean:
	rm -rf $(VENV) var test-artifacts
