# The two commands of the README quickstart, plus helpers. Each creates .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-slow lint clean bench bench-quick

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the pins change.
$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/marketspeak demo

test: $(STAMP)
	$(BIN)/python -m pytest

# Fuzzing at length and 100 MB bodies; CI runs it after `make test`.
test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow

# Benchmarks run on demand, never in the test suite; results: bench/RESULTS.md.
bench: $(STAMP)
	$(BIN)/python -m bench.run

bench-quick: $(STAMP)
	$(BIN)/python -m bench.run --quick

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf data site .prefect
