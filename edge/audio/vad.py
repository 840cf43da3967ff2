"""Voice activity: speech probability per fixed window, from Silero VAD (onnxruntime) or signal energy.

Both detectors accept any chunk size (they buffer to their window) and return one
:class:`VoiceFrame` per completed window, stamped with the window's end in stream time.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from edge import modelstore
from edge.asr.memory import lean_options
from edge.audio.frames import Reframer
from edge.errors import ModelError
from edge.events import SAMPLE_RATE, AudioChunk

__all__ = ["EnergyVAD", "SileroVAD", "VoiceActivityDetector", "VoiceFrame", "load_vad"]

WINDOW = 512  # 32 ms: a window size Silero supports at 16 kHz


@dataclass(frozen=True, slots=True)
class VoiceFrame:
    """Speech probability of one window ending at ``end_ms`` (stream time)."""

    end_ms: float
    duration_ms: float
    probability: float


class VoiceActivityDetector(Protocol):
    name: str

    def reset(self, start_ms: float = 0.0) -> None: ...

    def process(self, chunk: AudioChunk) -> list[VoiceFrame]: ...


class _Windowed(ABC):
    name = "windowed"

    def __init__(self) -> None:
        self._frames = Reframer(WINDOW)
        self._synced = False

    def reset(self, start_ms: float = 0.0) -> None:
        self._frames.reset(start_ms)
        self._synced = True
        self._reset_state()

    def _reset_state(self) -> None:
        return None

    @abstractmethod
    def _score(self, window: npt.NDArray[np.int16]) -> float:
        """Speech probability of one window."""

    def process(self, chunk: AudioChunk) -> list[VoiceFrame]:
        if not self._synced:  # first chunk ever: the clock starts where the audio does
            self._frames.reset(chunk.t_ms)
            self._synced = True
        out = []
        for frame in self._frames.process(chunk.samples):
            out.append(VoiceFrame(frame.end_ms, frame.duration_ms, self._score(frame.samples)))
        return out


class SileroVAD(_Windowed):
    """Silero VAD v4 (inputs ``input``, ``sr``, LSTM state ``h``/``c`` of shape 2x1x64)."""

    name = "silero"

    def __init__(self, model_path: Path, threads: int = 1) -> None:
        import onnxruntime as ort  # noqa: PLC0415 - lazy: onnxruntime loads only when a model is loaded

        options = lean_options(ort.SessionOptions())
        options.inter_op_num_threads = 1
        options.intra_op_num_threads = threads
        try:
            self._session: Any = ort.InferenceSession(
                str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as err:  # onnxruntime raises its own untyped errors
            raise ModelError(f"cannot load Silero VAD from {model_path}: {err}") from err
        names = {i.name for i in self._session.get_inputs()}
        if not {"input", "sr", "h", "c"} <= names:
            raise ModelError(
                f"{model_path} is not a Silero VAD v4 model (inputs {sorted(names)})",
                hint="use the silero_vad.onnx listed in models/manifest.toml",
            )
        self._sr = np.array(SAMPLE_RATE, dtype=np.int64)
        super().__init__()
        self._reset_state()

    def _reset_state(self) -> None:
        self._h = np.zeros((2, 1, 64), dtype=np.float32)
        self._c = np.zeros((2, 1, 64), dtype=np.float32)

    def _score(self, window: npt.NDArray[np.int16]) -> float:
        x = (window.astype(np.float32) / 32768.0)[None, :]
        out, self._h, self._c = self._session.run(
            None, {"input": x, "sr": self._sr, "h": self._h, "c": self._c}
        )
        return float(out[0][0])


class EnergyVAD(_Windowed):
    """A fallback without a model: a logistic on the window's level in dBFS around ``threshold_dbfs``."""

    name = "energy"

    def __init__(self, threshold_dbfs: float = -42.0, slope_db: float = 3.0) -> None:
        super().__init__()
        self.threshold_dbfs = threshold_dbfs
        self.slope_db = slope_db

    def _score(self, window: npt.NDArray[np.int16]) -> float:
        x = window.astype(np.float64) / 32768.0
        rms = float(np.sqrt(np.mean(x * x)) + 1e-9)
        dbfs = 20.0 * np.log10(rms)
        return float(1.0 / (1.0 + np.exp(-(dbfs - self.threshold_dbfs) / self.slope_db)))


def load_vad(model_dir: Path, threads: int = 1, prefer: str = "silero") -> VoiceActivityDetector:
    """Silero from the model cache; the energy detector when asked for or when the model is missing."""
    if prefer == "energy":
        return EnergyVAD()

    try:
        path = modelstore.require(model_dir, "openwakeword", "silero_vad.onnx")
    except ModelError:
        return EnergyVAD()
    return SileroVAD(path, threads=threads)
