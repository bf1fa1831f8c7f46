# Set-up and checks. `make demo` opens the app on demo data; `make test` runs every check.
# Everything is installed into .venv by these targets: nothing needs installing by hand.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint catalogs clean system-packages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.app

demo: $(VENV)/.app
	$(BIN)/inburgering demo

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

system-packages:
	./scripts/install-system-packages

test: system-packages $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy inburgering_tui tests
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache

# Translators: refresh the template from the code and forms, then merge it into every catalogue.
catalogs: $(VENV)/.dev
	$(BIN)/pybabel extract -F babel.cfg -k N_ --sort-by-file --project=inburgering_tui \
		--copyright-holder="inburgering_tui contributors" -o locales/inburgering.pot .
	$(BIN)/pybabel update -i locales/inburgering.pot -d locales -D inburgering --ignore-obsolete --no-fuzzy-matching
