# `make demo` and `make test` each set themselves up: they create .venv when missing and
# install the project with its dev extras into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/comprehend demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check comprehend tests benchmarks
	$(BIN)/lint-imports

# Each benchmark prints our figures beside a peer's from the same run. The peers (grimp,
# catchscore, mutmut) come from the `bench` extra; the first run downloads test projects.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/graph.py
	$(BIN)/python benchmarks/history.py
	$(BIN)/python benchmarks/adversary.py
	$(BIN)/python benchmarks/quiz.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
