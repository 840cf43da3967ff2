"""``edge bench wake_learning``: the wake word after a household's first weeks, on real recordings.

The Picovoice benchmark's recordings of "jarvis" (scored with ``hey_jarvis``: people said the bare name,
so near misses are common) and "alexa" stand for a household saying its wake word, in file order: the
first third is its first week, the second third its second week, the last third the weeks after (blind:
no threshold is learned from it). Near-miss speech ("computer", Mycroft Precise's not-wake-words) and each
background noise file are cut the same way. A week's turn log is what the device would have logged at the
threshold it had that week: a recording at or over it is a confirmed wake, one just under it a near miss
(the person says it again), near-miss speech or noise over it a false wake, each with its score.
``edge.wake.adapt.WakeThreshold`` updates once a day. The verifier arm (``_wake_verifier``) keeps each week's
embedding windows as the device would and runs the runtime's learner (threshold + household verifier) once
a day. Reported on the last third: miss rate, false accepts on near-miss speech and per hour of background
noise (its last third, and all of it), untouched, threshold-only and threshold + verifier after each week.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from edge.config import Settings
from edge.lab.bench._wake_verifier import Trace, figures, learn_days, observe
from edge.lab.bench.wake import _clips
from edge.wake.adapt import NEAR_BAND, Observation, ObservationKind, WakeThreshold
from edge.wake.oww import load_wake_detector
from edge.wake.store import LearnedWord

__all__ = ["Week", "crossing_peaks", "learn_weeks", "run", "week_log"]

WORDS = (("hey_jarvis", "jarvis"), ("alexa", "alexa"))
PARTS = 3  # first week, second week, the weeks after
DAY_S = 86_400.0
FRAME_S = 0.08


def crossing_peaks(trace: Sequence[float], threshold: float) -> list[float]:
    """The peak score of each separate crossing of ``threshold`` (re-armed under half of it)."""
    peaks: list[float] = []
    armed = True
    for score in trace:
        if score >= threshold:
            if armed:
                peaks.append(score)
                armed = False
            else:
                peaks[-1] = max(peaks[-1], score)
        elif score < threshold / 2:
            armed = True
    return peaks


@dataclass(frozen=True, slots=True)
class Week:
    """One part of the household's recordings: the wake word's peak score per recording, per near-miss
    speech clip, and the score traces of background noise."""

    positives: tuple[float, ...]
    negatives: tuple[float, ...]
    noise: tuple[tuple[float, ...], ...]

    @property
    def noise_hours(self) -> float:
        return sum(len(t) for t in self.noise) * FRAME_S / 3600

    def figures(self, threshold: float) -> dict[str, float]:
        return {
            "threshold": round(threshold, 3),
            "miss_rate": round(float(np.mean([p < threshold for p in self.positives])), 3),
            "false_accepts_near_miss_speech": sum(p >= threshold for p in self.negatives),
            "false_accepts_per_hour_noise": round(
                sum(len(crossing_peaks(t, threshold)) for t in self.noise) / max(self.noise_hours, 1e-9), 1
            ),
        }


def week_log(word: str, week: Week, threshold: float, start: float) -> list[Observation]:
    """What the turn log of ``week`` holds at ``threshold``, spread over its seven days."""
    events: list[tuple[float, ObservationKind]] = []
    for peak in week.positives:
        if peak >= threshold:
            events.append((peak, ObservationKind.CONFIRMED))
        elif peak >= threshold - NEAR_BAND:
            events.append((peak, ObservationKind.NEAR_MISS))
    events += [(p, ObservationKind.FALSE) for p in week.negatives if p >= threshold]
    events += [(p, ObservationKind.FALSE) for t in week.noise for p in crossing_peaks(t, threshold)]
    order = np.random.default_rng(7).permutation(len(events))  # the kinds interleave over the week
    step = 7 * DAY_S / max(1, len(events))
    return [
        Observation(start + (i + 0.5) * step, word, events[k][0], events[k][1]) for i, k in enumerate(order)
    ]


def learn_weeks(word: str, weeks: Sequence[Week], base: float) -> list[WakeThreshold]:
    """The threshold after each week, learned day by day from that week's log at the week's threshold."""
    learned, out = WakeThreshold(word, base), []
    for n, week in enumerate(weeks):
        start = n * 7 * DAY_S
        log = week_log(word, week, learned.threshold, start)
        for day in range(1, 8):
            learned = learned.update(log, start + day * DAY_S)
        out.append(learned)
    return out


def _parts(values: Sequence[Any]) -> list[tuple[Any, ...]]:
    cuts = [round(len(values) * k / PARTS) for k in range(PARTS + 1)]
    return [tuple(values[cuts[k] : cuts[k + 1]]) for k in range(PARTS)]


def run(settings: Settings, args: Any) -> int:
    shared = settings.shared_data()
    root = shared / "wakeword" if shared else None
    if root is None or not (root / "picovoice").is_dir():
        print("wake-word recordings (../shared/data/wakeword) not found: nothing to measure")
        return 0
    limit = 60 if getattr(args, "quick", False) else 0
    base = settings.wake.threshold
    wake = dataclasses.replace(settings.wake, words=tuple(w for w, _ in WORDS), threshold=0.99, learn=False)
    detector = load_wake_detector(dataclasses.replace(settings, wake=wake))
    started = time.perf_counter()
    negatives = _clips(root / "picovoice" / "computer", limit) + _clips(root / "mycroft_precise", limit)
    neg_traces = [observe(detector, clip) for clip in negatives]
    noise = [observe(detector, a, pad=False) for a in _clips(root / "background_noise", 0)]
    frames = sum(len(t[WORDS[0][0]].scores) for t in [*neg_traces, *noise])
    per_frame_ms = 1000 * (time.perf_counter() - started) / max(frames, 1)  # reading included: an upper bound
    report: dict[str, Any] = {"configured_threshold": base}
    for word, folder in WORDS:
        pos = _parts([observe(detector, c)[word] for c in _clips(root / "picovoice" / folder, limit)])
        neg = _parts([t[word] for t in neg_traces])
        noise_parts = [_thirds(t[word]) for t in noise]
        weeks = [(pos[k], neg[k], tuple(p[k] for p in noise_parts)) for k in range(PARTS)]
        peaks = [Week(tuple(t.peak for t in p), tuple(t.peak for t in n), tuple(x.scores for x in z))
                 for p, n, z in weeks]  # fmt: skip
        thresholds = learn_weeks(word, peaks[:-1], base)
        verified = learn_days(word, base, weeks[:-1])
        later = weeks[-1]
        sets = {"later": later[2], "all": [t[word] for t in noise]}

        def row(decision: LearnedWord, p: Any = later, sets: Any = sets) -> dict[str, Any]:
            return figures(decision, p[0], p[1], sets)

        report[f"{word} on '{folder}'"] = {
            "recordings_per_part": [len(w[0]) for w in weeks],
            "noise_hours": {k: round(sum(t.hours for t in v), 3) for k, v in sets.items()},
            "moves": [
                f"{m.old:.3f} -> {m.new:.3f} ({m.reason}: {m.near_misses} near, {m.false_wakes} false)"
                for m in thresholds[-1].moves
            ],
            "untouched": row(LearnedWord(WakeThreshold(word, base))),
            **{f"threshold after week {n + 1}": row(LearnedWord(t)) for n, t in enumerate(thresholds)},
            **{f"threshold+verifier after week {n + 1}": row(d) for n, d in enumerate(verified)},
            "verifier": [_verifier(d) for d in verified],
            "wake_path_cost": _cost(verified[-1], noise[0][word], per_frame_ms),
        }
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=1))
    return 0


def _thirds(trace: Trace) -> list[Trace]:
    cuts = [round(len(trace.scores) * k / PARTS) for k in range(PARTS + 1)]
    return [trace.part(cuts[k], cuts[k + 1]) for k in range(PARTS)]


def _cost(decision: LearnedWord, trace: Trace, per_frame_ms: float) -> str:
    """What the verifier adds per candidate frame, beside the detector's time per 80 ms frame."""
    window = next(iter(trace.windows.values()), None)
    if decision.verifier is None or window is None:
        return "no verifier"
    start = time.perf_counter()
    for _ in range(1000):
        decision.accepts(1.0, lambda: window)
    us = 1000 * (time.perf_counter() - start)
    return f"verifier {us:.1f} us per candidate frame; detector {per_frame_ms:.2f} ms per 80 ms frame"


def _verifier(decision: LearnedWord) -> str:
    v = decision.verifier
    if v is None:
        return "none (too little evidence)"
    return f"{v.positives} wakes / {v.negatives} other windows, candidates from {decision.floor:.2f}"
