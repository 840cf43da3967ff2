"""openWakeWord 0.6 adapter with explicit model paths from the model cache (never its downloader)."""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from edge import modelstore
from edge.asr.memory import defer_import, lean_onnx_sessions
from edge.audio.frames import Reframer
from edge.config import Settings
from edge.errors import ErrorCode, ModelError
from edge.events import AudioChunk, WakeDetected
from edge.wake.base import Refractory

__all__ = ["FRAME_SAMPLES", "OpenWakeWordDetector", "alias_litert", "load_wake_detector"]

FRAME_SAMPLES = 1280  # openWakeWord scores one 80 ms frame at a time
TARGET = "openwakeword"


def _skip_verifier_import() -> None:
    """openWakeWord's package import pulls scikit-learn (about 5 s) only for custom verifier training,
    which the runtime never uses: register a stand-in module so startup stays fast on a Pi."""
    name = "openwakeword.custom_verifier_model"
    if name in sys.modules or "openwakeword" in sys.modules:
        return
    stub = types.ModuleType(name)

    def train_custom_verifier(*_args: object, **_kwargs: object) -> None:
        raise ModelError(
            "custom verifier training is not part of the edge runtime", code=ErrorCode.NOT_SUPPORTED
        )

    stub.train_custom_verifier = train_custom_verifier  # type: ignore[attr-defined]
    sys.modules[name] = stub


def alias_litert() -> None:
    """Let openWakeWord's ``import tflite_runtime.interpreter`` find ai-edge-litert (same API)."""
    if "tflite_runtime.interpreter" in sys.modules:
        return
    try:
        interpreter = importlib.import_module("ai_edge_litert.interpreter")
        package = importlib.import_module("ai_edge_litert")
    except ImportError as err:
        raise ModelError(
            "wake.backend is tflite but ai-edge-litert is not installed",
            code=ErrorCode.NOT_SUPPORTED,
            hint="pip install 'ambient-edge[tflite]', or set wake.backend=onnx",
        ) from err
    sys.modules.setdefault("tflite_runtime", package)
    sys.modules["tflite_runtime.interpreter"] = interpreter


class OpenWakeWordDetector:
    """Scores every 80 ms frame; reports a word whose score crosses its threshold outside the refractory.

    ``t_ms`` of a detection is the stream time at the end of the frame that crossed the threshold.
    """

    def __init__(
        self,
        model_paths: Sequence[Path],
        melspec_path: Path,
        embedding_path: Path,
        *,
        backend: str = "onnx",
        thresholds: Mapping[str, float] | float = 0.5,
        refractory_ms: float = 2000.0,
        threads: int = 1,
    ) -> None:
        if backend == "tflite":
            alias_litert()
        _skip_verifier_import()
        defer_import("requests", unless_imported="openwakeword")  # only its model downloader uses it
        try:
            from openwakeword.model import Model  # noqa: PLC0415 - lazy: its model stack loads only when used
        except ImportError as err:
            raise ModelError(
                f"openWakeWord cannot be imported: {err}",
                code=ErrorCode.NOT_SUPPORTED,
                hint="make install (it installs openwakeword==0.6.0 --no-deps), or "
                "pip install 'ambient-edge[openwakeword]'",
            ) from err

        try:
            with lean_onnx_sessions():  # no per-session arenas: they keep its 4-second warm-up batch
                self._model: Any = Model(
                    wakeword_models=[str(p) for p in model_paths],
                    melspec_model_path=str(melspec_path),
                    embedding_model_path=str(embedding_path),
                    inference_framework=backend,
                    ncpu=threads,
                )
        except (ValueError, OSError, RuntimeError) as err:
            raise ModelError(f"openWakeWord could not load {[str(p) for p in model_paths]}: {err}") from err
        except Exception as err:  # onnxruntime raises its own exception types
            raise ModelError(
                f"openWakeWord could not load its models: {err}", code=ErrorCode.MODEL_CORRUPT
            ) from err
        self.models = tuple(self._model.models.keys())
        self.words = tuple(_word(m) for m in self.models)
        default = thresholds if isinstance(thresholds, float | int) else 0.5
        per_word = thresholds if isinstance(thresholds, Mapping) else {}
        self.thresholds = {m: float(per_word.get(_word(m), default)) for m in self.models}
        self.refractory = Refractory(refractory_ms, rearm_below=min(self.thresholds.values()) / 2)
        self.backend = backend
        self._frames = Reframer(FRAME_SAMPLES)
        self._synced = False
        self.last_scores: dict[str, float] = {}

    def reset(self) -> None:
        self._model.reset()
        self.refractory.reset()
        self._synced = False
        self.last_scores = {}

    def scores(self, frame: np.ndarray[Any, Any]) -> dict[str, float]:
        """Scores of one 1280-sample frame (advances the model's streaming state)."""
        raw = self._model.predict(frame)
        return {str(k): float(v) for k, v in raw.items()}

    def process(self, chunk: AudioChunk) -> WakeDetected | None:
        if not self._synced:
            self._frames.reset(chunk.t_ms)
            self._synced = True
        found: WakeDetected | None = None
        for frame in self._frames.process(chunk.samples):
            self.last_scores = self.scores(frame.samples)
            for model, score in self.last_scores.items():
                word = _word(model)
                threshold = self.thresholds.get(model, 0.5)
                if self.refractory.allow(word, score, threshold, frame.end_ms) and found is None:
                    found = WakeDetected(word=word, score=round(score, 4), t_ms=frame.end_ms, model=model)
        return found


def _word(model_name: str) -> str:
    """``hey_jarvis_v0.1`` -> ``hey_jarvis``."""
    stem = model_name.rsplit("_v", 1)
    return stem[0] if len(stem) == 2 and stem[1][:1].isdigit() else model_name


def load_wake_detector(settings: Settings) -> OpenWakeWordDetector:
    """The configured words (from the model cache) plus any user-trained models, checked before loading."""
    wake = settings.wake
    ext = "tflite" if wake.backend == "tflite" else "onnx"
    cache = settings.model_dir()
    paths = [modelstore.require(cache, TARGET, f"{word}_v0.1.{ext}") for word in wake.words]
    for custom in wake.custom_models:
        path = Path(custom).expanduser()
        if not path.is_file():
            raise ModelError(
                f"custom wake model {path} does not exist",
                hint="fix wake.custom_models (paths to openWakeWord .onnx/.tflite files)",
            )
        paths.append(path)
    return OpenWakeWordDetector(
        paths,
        modelstore.require(cache, TARGET, f"melspectrogram.{ext}"),
        modelstore.require(cache, TARGET, f"embedding_model.{ext}"),
        backend=wake.backend,
        thresholds=wake.threshold,
        refractory_ms=wake.refractory_ms,
        threads=1,
    )
