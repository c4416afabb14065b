# kiban — `make demo` runs the platform with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-postgres bench lint screenshots clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kiban demo

test: $(STAMP)
	$(BIN)/pytest

# The browser tests (tests/browser) run their own SQLite demo server: once, in `make test`, is enough.
test-postgres: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} KIBAN_TEST_DATABASE=kiban_test $(BIN)/pytest -m "not browser"

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/exchange.py
	$(BIN)/python bench/events.py
	$(BIN)/python bench/builder.py
	$(BIN)/python bench/insights.py

# PNGs of the key pages at phone and desktop width in each language, in var/screenshots/.
screenshots: $(STAMP)
	$(BIN)/python -m kiban.web.screenshots var/screenshots

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) var
