# Two commands: `make demo` (set up and run the web UI on the bundled examples)
# and `make test` (set up with the test extras and run the whole suite).

PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
EXTRAS ?= postgres,labelstudio

.PHONY: demo test install install-test benchmarks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[$(EXTRAS)]'
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[$(EXTRAS),test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

demo: install
	PORT=$(PORT) $(BIN)/claimtrail demo --port $(PORT)

test: install-test
	$(BIN)/python -m pytest

benchmarks: install-test
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .claimtrail build dist *.egg-info
