"""Idle cost for ``edge bench latency``: what the device spends listening when nobody speaks.

The runtime's listening stage (:class:`edge.listener.Listener` as :func:`edge.pipeline.build_pipeline`
composes it: the wake word, the pre-roll ring, and the VAD and endpointer whenever they run) over 80 ms
frames of background audio, beside a bare openWakeWord loop (``Model.predict`` on each 1280-sample frame,
the library's own streaming API, nothing else) over the same frames. The two are interleaved a second of
audio at a time, so a shared machine's load falls on both alike; compute per second of audio and the ratio
are medians over repeats; the target is <= 1.2x.
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
BLOCK = 12  # frames timed together before the other side takes its turn (~1 s)
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

    blocks = [list(range(k, min(k + BLOCK, len(frames)))) for k in range(0, len(frames), BLOCK)]

    def paired_pass() -> tuple[float, float]:
        """Both over the same stream, interleaved one second at a time (the first of the two alternating),
        so both see the same load on a shared machine: seconds of compute for each."""
        listener.reset()
        bare.reset()
        ours = theirs = 0.0
        for n, block in enumerate(blocks):
            for side in (0, 1) if n % 2 == 0 else (1, 0):
                t0 = time.perf_counter()
                if side == 0:
                    for k in block:
                        listener.process(chunks[k])
                else:
                    for k in block:
                        bare.predict(frames[k])
                spent = time.perf_counter() - t0
                ours, theirs = (ours + spent, theirs) if side == 0 else (ours, theirs + spent)
        return ours, theirs

    paired_pass()  # warm both (onnxruntime's first runs allocate)
    passes = [paired_pass() for _ in range(repeats)]
    ours_ms = statistics.median(1000 * a / seconds for a, _b in passes)
    bare_ms = statistics.median(1000 * b / seconds for _a, b in passes)
    ratio = statistics.median(a / b for a, b in passes if b > 0)
    return {
        "audio": source,
        "seconds": round(seconds, 1),
        "repeats": repeats,
        "wake_vad_ms_per_s": round(ours_ms, 2),
        "bare_oww_ms_per_s": round(bare_ms, 2),
        "ratio": round(ratio, 3),  # the median of each pass's own ratio
        "target_ratio": 1.2,
    }
