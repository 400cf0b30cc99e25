# Two commands: `make demo` (set up and run the web UI on the bundled examples)
# and `make test` (set up with the test extras, lint, type-check and run the whole suite).

PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
TEST_EXTRAS ?= postgres,labelstudio,test

.PHONY: demo test lint install install-test benchmarks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The demo needs the default install only: SQLite, no Label Studio SDK, no PostgreSQL driver.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[$(TEST_EXTRAS)]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

demo: install
	PORT=$(PORT) $(BIN)/claimtrail demo --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

benchmarks: install-test
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .claimtrail build dist *.egg-info
