"""``python -m edge.lab.bench.tts_pieces``: piper's answers made whole (one run per sentence, piper's own
``synthesize``) and in clause pieces (the runtime's :class:`edge.dialog.piper.PiperTTS`), in the same process,
alternated: the peak memory over what is resident, the time to first audio, the audio's length and what
Whisper hears in each (the words must be the same). Nothing is asserted; docs/appliance.md reports it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import time
from pathlib import Path

import numpy as np

from edge.asr.heap import configure_heap, trim_heap
from edge.audio.io import resample
from edge.budget import read_memory
from edge.config import load_settings
from edge.dialog.piper import PiperTTS, find_voice
from edge.lab.bench.memory import RESPONSE
from edge.lab.bench.tts import RESPONSES

__all__ = ["ANSWERS", "run"]

ANSWERS = (
    RESPONSE,
    *RESPONSES,
    "Okay, the kitchen light is on, the bedroom lamp is at fifty percent, and the porch light is off.",
    "Which one: the kitchen light, the bedroom lamp or the porch light?",
    "I turned on the fan in the bedroom and set the thermostat in the living room to twenty one degrees.",
)


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


async def _whole(tts: PiperTTS, text: str) -> tuple[float, bytes]:
    """Piper's own synthesis, one run per sentence: (seconds to the first sentence, all PCM)."""
    await tts.load()
    start = time.perf_counter()
    first = 0.0
    pcm = b""
    chunks = iter(tts._loaded.synthesize(text))
    while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
        first = first or time.perf_counter() - start
        pcm += bytes(chunk.audio_int16_bytes)
    return first, pcm


async def _pieces(tts: PiperTTS, text: str) -> tuple[float, bytes]:
    start = time.perf_counter()
    first = 0.0
    pcm = b""
    async for part in tts.stream(text):
        first = first or time.perf_counter() - start
        pcm += part
    return first, pcm


def _heard(recognizer: object, pcm: bytes, rate: int) -> str:
    audio = np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768.0
    samples = (resample(audio, rate) * 32767).astype(np.int16)
    text = recognizer.transcribe(samples).text  # type: ignore[attr-defined]
    return " ".join("".join(c for c in w.lower() if c.isalnum()) for w in str(text).split())


def run(runs: int = 3, listen: bool = True) -> None:
    settings = load_settings("x86_64-dev", None, [])
    configure_heap(settings.profile.malloc_arenas, settings.profile.trim_memory)
    voice = find_voice(settings.feedback.voice, settings.feedback.voice_weights, settings.model_dir())
    tts = PiperTTS(voice, threads=settings.profile.threads)
    asyncio.run(_pieces(tts, "Okay."))  # loaded and warmed
    recognizer = None
    if listen:
        from edge.asr.factory import load_recognizer  # noqa: PLC0415 - Whisper only to listen

        recognizer = load_recognizer(settings)
    rate = tts.sample_rate
    print(f"{'answer':<44} {'way':<6} {'peak+':>6} {'first':>6} {'audio':>6}  heard")
    totals: dict[str, list[float]] = {"whole": [], "pieces": []}
    for text in ANSWERS:
        got: dict[str, list[tuple[float, float, float]]] = {"whole": [], "pieces": []}
        heard: dict[str, str] = {}
        for _ in range(runs):
            for way, make in (("whole", _whole), ("pieces", _pieces)):
                trim_heap(force=True)
                base = read_memory().rss_mb
                _reset_peak()
                first, pcm = asyncio.run(make(tts, text))
                got[way].append((read_memory().peak_mb - base, first, len(pcm) / 2 / rate))
                if recognizer is not None and way not in heard:
                    heard[way] = _heard(recognizer, pcm, rate)
        for way, rows in got.items():
            peak = statistics.median(r[0] for r in rows)
            totals[way].append(peak)
            print(
                f"{text[:44]:<44} {way:<6} {peak:>4.0f}MB {statistics.median(r[1] for r in rows):>5.2f}s"
                f" {statistics.median(r[2] for r in rows):>5.2f}s  {heard.get(way, '')}"
            )
    print(
        f"largest peak over resident: whole {max(totals['whole']):.0f} MB,"
        f" pieces {max(totals['pieces']):.0f} MB"
    )


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__)
    cli.add_argument("--runs", type=int, default=3)
    cli.add_argument("--no-listen", action="store_true", help="skip Whisper's transcripts")
    given = cli.parse_args()
    run(given.runs, not given.no_listen)
