"""``edge bench wake``: the wake word on real voices (../shared/data/wakeword), misses and false accepts.

Positives: the Picovoice benchmark's recordings of "jarvis" (scored with ``hey_jarvis``: people said the
bare name, so this is a harder test than the phrase the model was trained on) and "alexa" (``alexa``).
Negatives: the "computer" recordings, Mycroft Precise near-miss clips, and Speech Commands background
noise (dishes, tap, bike, cat, pink, white), from which false accepts per hour are counted. Every clip is
padded with a second of silence on both sides and streamed through the runtime's detector in 80 ms
chunks, exactly as the pipeline feeds it. Reported at several thresholds, so the setting can be chosen.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from edge.audio.io import read_audio
from edge.config import Settings
from edge.errors import AudioError
from edge.events import AudioChunk
from edge.wake.oww import load_wake_detector

__all__ = ["crossings", "run", "score_traces"]

THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6)
PAD = np.zeros(16000, dtype=np.int16)
CHUNK = 1280


def score_traces(detector: Any, samples: npt.NDArray[np.int16], pad: bool = True) -> dict[str, list[float]]:
    """Every word's score per 80 ms frame over the clip, streamed like live audio."""
    detector.reset()
    audio = np.concatenate([PAD, samples, PAD]) if pad else samples
    traces: dict[str, list[float]] = {}
    for start in range(0, len(audio) - CHUNK + 1, CHUNK):
        detector.process(AudioChunk(audio[start : start + CHUNK], start / 16.0))
        for model, score in detector.last_scores.items():
            traces.setdefault(model.rsplit("_v", 1)[0], []).append(score)
    return traces


def crossings(trace: list[float], threshold: float) -> int:
    """Separate crossings of ``threshold`` (re-armed once the score falls below half of it)."""
    count, armed = 0, True
    for score in trace:
        if armed and score >= threshold:
            count, armed = count + 1, False
        elif score < threshold / 2:
            armed = True
    return count


def _clips(folder: Path, limit: int) -> list[npt.NDArray[np.int16]]:
    """The readable clips of ``folder`` (a file that cannot be decoded is reported and skipped)."""
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in {".wav", ".flac"})
    out: list[npt.NDArray[np.int16]] = []
    for path in files[:limit] if limit else files:
        try:
            out.append(read_audio(path))
        except AudioError as err:
            print(f"skipping {path.name}: {err.message}")
    return out


def run(settings: Settings, args: Any) -> int:
    shared = settings.shared_data()
    root = shared / "wakeword" if shared else None
    if root is None or not root.is_dir():
        print("wake-word data (../shared/data/wakeword) not found: nothing to measure (set EDGE_SHARED_DATA)")
        return 0
    limit = 40 if getattr(args, "quick", False) else 0
    wake = dataclasses.replace(settings.wake, words=("hey_jarvis", "alexa"), threshold=0.99)
    detector = load_wake_detector(dataclasses.replace(settings, wake=wake))
    report: dict[str, Any] = {"thresholds": list(THRESHOLDS)}
    start = time.perf_counter()
    words = ("hey_jarvis", "alexa")
    for word, folder in (("hey_jarvis", "jarvis"), ("alexa", "alexa")):
        clips = _clips(root / "picovoice" / folder, limit)
        scores = [max(score_traces(detector, clip)[word], default=0.0) for clip in clips]
        report[f"{word} on real '{folder}' recordings"] = {
            "clips": len(scores),
            "detected": {str(t): round(float(np.mean([s >= t for s in scores])), 3) for t in THRESHOLDS},
            "median_score": round(float(np.median(scores)), 3) if scores else 0.0,
        }
    negatives = _clips(root / "picovoice" / "computer", limit) + _clips(root / "mycroft_precise", limit)
    peaks = [score_traces(detector, clip) for clip in negatives]
    report["false accepts on near-miss speech (clips)"] = {
        "clips": len(negatives),
        **{w: {str(t): sum(max(tr[w], default=0.0) >= t for tr in peaks) for t in THRESHOLDS} for w in words},
    }
    hours = 0.0
    hits = {w: dict.fromkeys(THRESHOLDS, 0) for w in words}
    for audio in _clips(root / "background_noise", 0):
        hours += len(audio) / 16000 / 3600
        traces = score_traces(detector, audio, pad=False)
        for w in words:
            for t in THRESHOLDS:
                hits[w][t] += crossings(traces[w], t)
    report["false accepts per hour of background noise"] = {
        "hours": round(hours, 3),
        **{w: {str(t): round(n / max(hours, 1e-9), 1) for t, n in v.items()} for w, v in hits.items()},
    }
    report["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(report, indent=1))
    return 0
