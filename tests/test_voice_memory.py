"""The pieces that keep ``edge replay``'s peak memory low (the figure itself, under 300 MB for a 2-hour
48 kHz stereo file, is measured by ``edge bench reliability``, part replay: memory targets are benchmarks)."""

from __future__ import annotations

import sys

import onnxruntime as ort
import pytest

from edge import modelstore
from edge.asr import memory
from edge.asr.memory import _DeferredModule, lean_onnx_sessions, lean_options, release_large_buffers
from edge.config import Settings


@pytest.fixture
def lean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_lean", True)


def test_options_unchanged_outside_lean_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    # an in-process `edge replay` earlier in this test run may have switched the mode on for the process
    monkeypatch.setattr(memory, "_lean", False)
    options = lean_options(ort.SessionOptions())
    assert (options.enable_cpu_mem_arena, options.enable_mem_pattern) == (True, True)


def test_lean_options_turn_off_arena_and_pattern(lean: None) -> None:
    options = lean_options(ort.SessionOptions())
    assert options.enable_cpu_mem_arena is False
    assert options.enable_mem_pattern is False


def test_lean_sessions_apply_options_only_inside(lean: None) -> None:
    model = modelstore.require(Settings().model_dir(), "openwakeword", "silero_vad.onnx")
    original = ort.InferenceSession
    given = ort.SessionOptions()
    given.intra_op_num_threads = 1
    with lean_onnx_sessions():
        lean = ort.InferenceSession(str(model), sess_options=given, providers=["CPUExecutionProvider"])
    assert ort.InferenceSession is original
    used = lean.get_session_options()
    assert (used.enable_cpu_mem_arena, used.enable_mem_pattern, used.intra_op_num_threads) == (
        False,
        False,
        1,
    )
    plain = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    assert plain.get_session_options().enable_cpu_mem_arena is True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc malloc")
def test_release_large_buffers_is_idempotent_on_linux() -> None:
    assert release_large_buffers() is True
    assert release_large_buffers() is True


def test_deferred_module_imports_on_first_attribute() -> None:
    name = "colorsys"  # a stdlib module nothing here imports
    sys.modules.pop(name, None)
    stand_in = _DeferredModule(name)
    sys.modules[name] = stand_in
    try:
        assert stand_in.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
        assert sys.modules[name] is not stand_in
        assert sys.modules[name].__spec__ is not None
    finally:
        sys.modules.pop(name, None)
