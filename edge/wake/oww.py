"""openWakeWord 0.6 adapter with explicit model paths from the model cache (never its downloader)."""

from __future__ import annotations

import contextlib
import importlib
import math
import sys
import threading
import types
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from edge import modelstore
from edge.asr.memory import defer_import, lean_onnx_sessions
from edge.audio.frames import Reframer
from edge.config import Settings
from edge.errors import ErrorCode, ModelError
from edge.events import AudioChunk, WakeDetected
from edge.wake.adapt import NEAR_BAND, WakeThreshold
from edge.wake.base import Refractory
from edge.wake.store import Heard, HeardKind, LearnedWord, WakeState, wake_dir

__all__ = ["FRAME_SAMPLES", "OpenWakeWordDetector", "SampleRing", "alias_litert", "load_wake_detector"]

FRAME_SAMPLES = 1280  # openWakeWord scores one 80 ms frame at a time
TARGET = "openwakeword"
QUIET_MS = 60_000.0  # one generic window (the most wake-like of the minute) per minute with no wake
PENDING = 256  # heard windows kept until the listener drains them
BAND_FLOOR = 0.05  # a near miss ends when the score falls under this, however low the threshold
HISTORY_SAMPLES = 16000 * 10  # what openWakeWord keeps of the stream (its deque's maxlen); it reads the tail
MEL_CONTEXT = 160 * 3  # the samples before a frame its melspectrogram also reads


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


def _one_window_at_a_time(features: Any, x: Any, window_size: int = 76, **kwargs: Any) -> Any:
    """openWakeWord's ``AudioFeatures._get_embeddings`` (the embeddings of a clip's 76-frame windows, every 8
    frames) with the embedding model run on one window at a time instead of all in one batch: the same
    features, but its onnxruntime arena never grows past one window's activations. Its 4-second warm-up
    batch (at load and at every reset) otherwise leaves ~26 MB in the arena for good (issue 17); streaming
    frames are one window each anyway."""
    spec = features._get_melspectrogram(x, **kwargs)
    windows = [spec[i : i + window_size] for i in range(0, spec.shape[0], 8)]
    batch = [w[None, :, :, None].astype(np.float32) for w in windows if w.shape[0] == window_size]
    return np.stack([np.reshape(features.embedding_model_predict(w), -1) for w in batch])


class SampleRing:
    """The last ``size`` samples heard, as int16 in one array: what openWakeWord's preprocessor keeps of the
    stream (``raw_data_buffer``) as a deque of Python ints, 36 bytes a sample instead of 2 (~5 MB for its
    10 s of speech, resident for good) and copied whole into a list at every 80 ms frame to read its tail."""

    def __init__(self, size: int = HISTORY_SAMPLES) -> None:
        self.size = size
        self._samples = np.zeros(0, dtype=np.int16)

    def __len__(self) -> int:
        return len(self._samples)

    def __iter__(self) -> Iterator[int]:  # the deque's interface, should openWakeWord read it whole
        return iter(self._samples.tolist())

    def clear(self) -> None:
        self._samples = np.zeros(0, dtype=np.int16)

    def extend(self, samples: Any) -> None:
        kept = np.concatenate((self._samples, np.asarray(samples).astype(np.int16)))
        self._samples = kept[-self.size :].copy() if len(kept) > self.size else kept

    def tail(self, n: int) -> np.ndarray[Any, Any]:
        """The last ``n`` samples (all of them when fewer were heard)."""
        return self._samples[-n:] if n > 0 else self._samples[:0]


def _buffer_raw_data(features: Any, x: Any) -> None:
    """openWakeWord's ``AudioFeatures._buffer_raw_data`` into a :class:`SampleRing` (no list of ints)."""
    features.raw_data_buffer.extend(x)


def _streaming_melspectrogram(features: Any, n_samples: int) -> None:
    """openWakeWord's ``AudioFeatures._streaming_melspectrogram``, reading the ring's tail as int16 (what
    its list of the whole deque became once sliced): the same melspectrogram frames."""
    if len(features.raw_data_buffer) < 400:
        raise ValueError("The number of input frames must be at least 400 samples @ 16khz (25 ms)!")
    recent = features.raw_data_buffer.tail(n_samples + MEL_CONTEXT)
    features.melspectrogram_buffer = np.vstack(
        (features.melspectrogram_buffer, features._get_melspectrogram(recent))
    )
    if features.melspectrogram_buffer.shape[0] > features.melspectrogram_max_len:
        features.melspectrogram_buffer = features.melspectrogram_buffer[-features.melspectrogram_max_len :, :]


def _compact_history(features: Any) -> None:
    """The preprocessor's stream history in a :class:`SampleRing` (its streaming features unchanged)."""
    features.raw_data_buffer = SampleRing(features.raw_data_buffer.maxlen or HISTORY_SAMPLES)
    features._buffer_raw_data = types.MethodType(_buffer_raw_data, features)
    features._streaming_melspectrogram = types.MethodType(_streaming_melspectrogram, features)


@contextlib.contextmanager
def _small_batches(backend: str) -> Iterator[None]:
    """While openWakeWord loads (onnx backend): its warm-up embeddings one window at a time."""
    if backend != "onnx":
        yield
        return
    from openwakeword.utils import AudioFeatures  # noqa: PLC0415 - lazy, like the model

    with _patch_lock:
        original = AudioFeatures._get_embeddings
        AudioFeatures._get_embeddings = _one_window_at_a_time
        try:
            yield
        finally:
            AudioFeatures._get_embeddings = original


_patch_lock = threading.Lock()


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
        learned: WakeState | None = None,
        collect: bool = False,
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
            with lean_onnx_sessions(), _small_batches(backend):  # lean: no arenas at all
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
        features = self._model.preprocessor
        if backend == "onnx":  # its resets rerun the warm-up batch: one window at a time there too
            features._get_embeddings = types.MethodType(_one_window_at_a_time, features)
        _compact_history(features)
        self.models = tuple(self._model.models.keys())
        self.words = tuple(_word(m) for m in self.models)
        default = thresholds if isinstance(thresholds, float | int) else 0.5
        per_word = thresholds if isinstance(thresholds, Mapping) else {}
        self.configured = {m: float(per_word.get(_word(m), default)) for m in self.models}
        self.refractory = Refractory(refractory_ms)
        self.learn(learned or WakeState())
        self.backend = backend
        self.collect = collect  # report heard windows (near misses, wakes, quiet minutes) for learning
        self._heard: deque[Heard] = deque(maxlen=PENDING)
        self._frames = Reframer(FRAME_SAMPLES)
        self._synced = False
        self.last_scores: dict[str, float] = {}
        self._reset_windows()

    def learn(self, state: WakeState) -> None:
        """Use a learned state (thresholds, verifiers); words it does not name keep their configured
        threshold. Safe to call between frames from another thread (one attribute swap)."""
        decisions = {
            m: state.words.get(_word(m)) or LearnedWord(WakeThreshold(_word(m), self.configured[m]))
            for m in self.models
        }
        self.thresholds = {m: d.threshold.threshold for m, d in decisions.items()}
        self.refractory.rearm_below = min(d.candidate for d in decisions.values()) / 2
        self.decisions = decisions

    def drain_heard(self) -> list[Heard]:
        """The windows heard since the last call (``t`` in stream seconds), oldest first."""
        out = list(self._heard)
        self._heard.clear()
        return out

    def _reset_windows(self) -> None:
        self._near: dict[str, tuple[float, float, np.ndarray[Any, Any]]] = {}  # peak under the threshold
        self._quiet: dict[str, tuple[float, float, np.ndarray[Any, Any]]] = {}  # this minute's top window
        self._quiet_start = -1.0
        self._woke: set[str] = set()  # words whose last wake's score has not yet fallen out of the band
        self._quiet_used = False

    def reset(self) -> None:
        self._model.reset()
        self.refractory.reset()
        self._synced = False
        self.last_scores = {}
        self._reset_windows()

    def scores(self, frame: np.ndarray[Any, Any]) -> dict[str, float]:
        """Scores of one 1280-sample frame (advances the model's streaming state)."""
        raw = self._model.predict(frame)
        return {str(k): float(v) for k, v in raw.items()}

    def features(self, model: str) -> np.ndarray[Any, Any]:
        """The embedding window ``model`` scored last (frames x 96): what a verifier judges."""
        window = self._model.preprocessor.get_features(self._model.model_inputs[model])
        return np.asarray(window[0], dtype=np.float32)

    def process(self, chunk: AudioChunk) -> WakeDetected | None:
        if not self._synced:
            self._frames.reset(chunk.t_ms)
            self._synced = True
        found: WakeDetected | None = None
        for frame in self._frames.process(chunk.samples):
            self.last_scores = self.scores(frame.samples)
            for model, score in self.last_scores.items():
                wake = self._decide(model, score, frame.end_ms)
                if wake is not None and found is None:
                    found = wake
            if self.collect:
                self._quiet_minute(frame.end_ms, found is not None)
        return found

    def _decide(self, model: str, score: float, t_ms: float) -> WakeDetected | None:
        """One word's frame: a candidate (at or over its threshold, or its floor with a verifier) goes to the
        verifier when there is one; a wake must then pass the refractory. Heard windows are noted."""
        word = _word(model)
        decision = self.decisions[model]
        seen: list[np.ndarray[Any, Any]] = []

        def fetch() -> np.ndarray[Any, Any]:
            seen.append(self.features(model))
            return seen[-1]

        accepted = decision.accepts(score, fetch)
        window = seen[0] if seen else None
        if not self.refractory.allow(word, score, decision.candidate if accepted else math.inf, t_ms):
            if self.collect:
                self._near_miss(model, score, t_ms, window)
            return None
        self._near.pop(word, None)
        self._woke.add(word)  # its fall through the near band is this wake, not a near miss
        if self.collect:
            window = self.features(model) if window is None else window
            self._heard.append(Heard(t_ms / 1000, word, round(score, 4), HeardKind.WAKE, window))
        return WakeDetected(word=word, score=round(score, 4), t_ms=t_ms, model=model)

    def _near_miss(self, model: str, score: float, t_ms: float, window: Any) -> None:
        """Track a peak within ``NEAR_BAND`` under the threshold (or a refused candidate); report it once the
        score falls out of the band. The quiet minute's top window is tracked here too."""
        word, decision = _word(model), self.decisions[model]
        top = self._quiet.get(word)
        if top is None or score > top[0]:
            self._quiet[word] = (score, t_ms, self.features(model) if window is None else window)
        peak = self._near.get(word)
        band = max(BAND_FLOOR, min(decision.threshold.threshold - NEAR_BAND, decision.candidate))
        if word in self._woke:
            if score < band:
                self._woke.discard(word)
            return
        if score >= band:
            if peak is None or score > peak[0]:
                self._near[word] = (score, t_ms, self.features(model) if window is None else window)
            return
        if peak is not None:
            del self._near[word]
            self._heard.append(Heard(peak[1] / 1000, word, round(peak[0], 4), HeardKind.NEAR, peak[2]))
            self._quiet_used = True

    def _quiet_minute(self, t_ms: float, woke: bool) -> None:
        """Each minute of stream, the most wake-like window of each word, unless the minute had a wake or a
        near miss (the learner takes these as windows heard with no wake)."""
        self._quiet_used |= woke
        if self._quiet_start < 0:
            self._quiet_start = t_ms
        if t_ms - self._quiet_start < QUIET_MS:
            return
        if not self._quiet_used and not self._near:
            for word, (score, at, window) in self._quiet.items():
                self._heard.append(Heard(at / 1000, word, round(score, 4), HeardKind.QUIET, window))
        self._quiet, self._quiet_start, self._quiet_used = {}, t_ms, False


def _word(model_name: str) -> str:
    """``hey_jarvis_v0.1`` -> ``hey_jarvis``."""
    stem = model_name.rsplit("_v", 1)
    return stem[0] if len(stem) == 2 and stem[1][:1].isdigit() else model_name


def load_wake_detector(settings: Settings) -> OpenWakeWordDetector:
    """The configured words (from the model cache) plus any user-trained models, checked before loading;
    with ``wake.learn`` the household's learned thresholds and verifiers (``<state_dir>/wake``) and the
    collection of the windows the learner needs."""
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
        learned=WakeState.load(wake_dir(settings)) if wake.learn else None,
        collect=wake.learn,
    )
