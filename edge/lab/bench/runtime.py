"""``edge bench runtime``: wake-word and VAD compute, ASR real-time factor, end-of-speech latency, memory.

Audio is synthesized with espeak-ng into a temporary folder. Figures are medians; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from edge.audio.io import read_audio
from edge.audio.sources import ArraySource
from edge.audio.synth import synthesize
from edge.config import Settings
from edge.events import AudioChunk, PipelineEvent
from edge.pipeline import NullHandler, build_pipeline, load_engines

__all__ = ["COMMANDS", "rss_mb", "run"]

COMMANDS = (
    "hey jarvis, turn on the kitchen light",
    "hey jarvis, set the living room lamp to fifty percent",
    "hey jarvis, turn off the bedroom fan",
    "hey jarvis, what is the temperature in the hallway",
)


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux ``/proc``; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _frames(samples: npt.NDArray[np.int16], size: int = 1280) -> list[AudioChunk]:
    return [
        AudioChunk(samples[i : i + size], 1000.0 * i / 16_000)
        for i in range(0, len(samples) - size + 1, size)
    ]


def run(settings: Settings, args: argparse.Namespace) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    quick = bool(getattr(args, "quick", False))
    runs = int(getattr(args, "runs", 0) or (2 if quick else 5))
    texts = COMMANDS[:2] if quick else COMMANDS
    with tempfile.TemporaryDirectory(prefix="edge-bench-") as tmp:
        clips = [read_audio(synthesize(t, Path(tmp) / f"c{i}.wav")) for i, t in enumerate(texts)]
    rss_start = rss_mb()
    t0 = time.perf_counter()
    engines = load_engines(settings)
    load_s = time.perf_counter() - t0
    rss_loaded = rss_mb()
    assert engines.wake is not None
    wake = engines.wake
    audio_s = sum(len(c) for c in clips) / 16_000
    frames = [_frames(c) for c in clips]

    def wake_pass() -> None:
        for clip_frames in frames:
            wake.reset()
            for f in clip_frames:
                wake.process(f)

    def copy_pass() -> None:
        for clip_frames in frames:
            for f in clip_frames:
                np.copy(f.samples).astype(np.float32).sum()

    def vad_pass() -> None:
        for clip in clips:
            engines.vad.reset(0.0)
            engines.vad.process(AudioChunk(clip, 0.0))

    wake_ms = statistics.median(1000 * _timed(wake_pass) / audio_s for _ in range(runs))
    copy_ms = statistics.median(1000 * _timed(copy_pass) / audio_s for _ in range(runs))
    vad_ms = statistics.median(1000 * _timed(vad_pass) / audio_s for _ in range(runs))

    latencies: list[float] = []
    rtfs: list[float] = []

    async def replay(clip: npt.NDArray[np.int16]) -> None:
        async def emit(event: PipelineEvent) -> None:
            if event.type == "transcript":
                latencies.append(float(event.data["end_to_transcript_ms"]))
                rtfs.append(float(event.data["asr_ms"]) / max(1.0, float(event.data["audio_ms"])))

        wake.reset()
        pipeline = build_pipeline(settings, ArraySource(clip), NullHandler(), emit, engines=engines)
        await pipeline.run()

    for _ in range(max(1, runs // 2)):
        for clip in clips:
            asyncio.run(replay(clip))
    rss_after = rss_mb()

    rows = [
        ("profile", settings.profile.name, f"{settings.profile.threads} threads"),
        ("model load", f"{load_s:.2f} s", "wake + VAD + ASR"),
        ("wake compute", f"{wake_ms:.1f} ms per s of audio", f"{wake_ms / 10:.2f}% of real time"),
        (
            "  baseline",
            f"{copy_ms:.3f} ms per s",
            f"numpy frame copy; wake is {wake_ms / max(copy_ms, 1e-6):.0f}x",
        ),
        ("VAD compute", f"{vad_ms:.1f} ms per s of audio", f"{engines.vad.name}"),
        ("ASR RTF", f"{statistics.median(rtfs):.3f}" if rtfs else "n/a", "1.0 = real time; lower is better"),
        (
            "end of speech -> transcript",
            f"{statistics.median(latencies):.0f} ms" if latencies else "n/a",
            f"median of {len(latencies)} turns ({settings.asr.engine})",
        ),
        (
            "memory (RSS)",
            f"{rss_loaded:.0f} MB loaded",
            f"{rss_start:.0f} MB before, {rss_after:.0f} MB after runs",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"runtime benchmark: {len(clips)} synthesized commands, {audio_s:.1f} s of audio, {runs} runs")
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:<26} {note}")
    return 0
