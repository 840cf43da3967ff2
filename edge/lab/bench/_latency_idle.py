"""Idle cost for ``edge bench latency``: what the device spends listening when nobody speaks.

The runtime's listening stage (:class:`edge.listener.Listener` as :func:`edge.pipeline.build_pipeline`
composes it: the wake word, the pre-roll ring, and the VAD and endpointer whenever they run) over 80 ms
frames of background audio, beside a bare openWakeWord loop (``Model.predict`` on each 1280-sample frame,
the library's own streaming API, nothing else) over the same frames. Compute per second of audio, median
over alternating repeats; the target is <= 1.2x.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np
import numpy.typing as npt

from edge import modelstore
from edge.config import Settings
from edge.events import AudioChunk
from edge.lab.bench._latency_audio import SAMPLE_RATE, noise_beds

__all__ = ["idle_audio", "idle_cost"]

FRAME = 1280  # openWakeWord's 80 ms frame
IDLE_S = 10.0


def idle_audio(settings: Settings, seconds: float = IDLE_S) -> tuple[str, npt.NDArray[np.int16]]:
    """A room with nobody speaking: the first background-noise bed at a quiet level, else pink-ish noise."""
    n = int(seconds * SAMPLE_RATE)
    beds = noise_beds(settings.shared_data())
    if beds:
        name, bed = beds[0]
        looped = np.resize(bed, n).astype(np.float64)
        source = f"background_noise/{name}"
    else:
        rng = np.random.default_rng(17)
        looped = np.cumsum(rng.normal(0.0, 1.0, n))
        looped -= np.convolve(looped, np.ones(400) / 400, mode="same")
        source = "synthetic noise"
    rms = float(np.sqrt(np.mean(looped**2))) or 1.0
    scaled = looped * (32768.0 * 10 ** (-45 / 20) / rms)  # -45 dBFS: a quiet room
    return source, np.asarray(np.clip(scaled, -32768, 32767), dtype=np.int16)


def _bare_model(settings: Settings) -> Any:
    from openwakeword.model import Model  # noqa: PLC0415 - lazy: loaded after the runtime's adapter set it up

    from edge.wake.oww import TARGET  # noqa: PLC0415 - lazy: with the model above

    ext = "tflite" if settings.wake.backend == "tflite" else "onnx"
    cache = settings.model_dir()
    return Model(
        wakeword_models=[
            str(modelstore.require(cache, TARGET, f"{w}_v0.1.{ext}")) for w in settings.wake.words
        ],
        melspec_model_path=str(modelstore.require(cache, TARGET, f"melspectrogram.{ext}")),
        embedding_model_path=str(modelstore.require(cache, TARGET, f"embedding_model.{ext}")),
        inference_framework=settings.wake.backend,
        ncpu=1,
    )


def idle_cost(settings: Settings, repeats: int = 7) -> dict[str, Any]:
    """ms of compute per s of idle audio for the listening stage and for bare openWakeWord; their ratio."""
    from edge.audio.sources import ArraySource  # noqa: PLC0415 - lazy: with the pipeline below
    from edge.pipeline import NullHandler, build_pipeline, load_engines  # noqa: PLC0415 - lazy: the models

    engines = load_engines(settings)
    if engines.wake is None:
        return {"error": "no wake word configured"}
    source, audio = idle_audio(settings)
    frames = [audio[i : i + FRAME] for i in range(0, len(audio) - FRAME + 1, FRAME)]
    chunks = [AudioChunk(f, 1000.0 * i * FRAME / SAMPLE_RATE) for i, f in enumerate(frames)]

    async def ignore(_event: object) -> None:
        return None

    # the listening stage exactly as the pipeline composes it (wake, VAD, endpointing settings)
    pipeline = build_pipeline(settings, ArraySource(audio[:0]), NullHandler(), ignore, engines=engines)
    listener = pipeline.listener
    bare = _bare_model(settings)
    seconds = len(frames) * FRAME / SAMPLE_RATE

    def listening() -> float:
        listener.reset()
        t0 = time.perf_counter()
        for chunk in chunks:
            listener.process(chunk)
        return time.perf_counter() - t0

    def bare_loop() -> float:
        bare.reset()
        t0 = time.perf_counter()
        for frame in frames:
            bare.predict(frame)
        return time.perf_counter() - t0

    listening()
    bare_loop()  # warm both (onnxruntime's first runs allocate)
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(repeats):
        ours.append(1000 * listening() / seconds)
        theirs.append(1000 * bare_loop() / seconds)
    ours_ms, bare_ms = statistics.median(ours), statistics.median(theirs)
    return {
        "audio": source,
        "seconds": round(seconds, 1),
        "repeats": repeats,
        "wake_vad_ms_per_s": round(ours_ms, 2),
        "bare_oww_ms_per_s": round(bare_ms, 2),
        "ratio": round(ours_ms / bare_ms, 3) if bare_ms > 0 else None,
        "target_ratio": 1.2,
    }
