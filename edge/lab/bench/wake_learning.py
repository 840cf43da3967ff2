"""``edge bench wake_learning``: the wake word after a household's first weeks, on real recordings.

The Picovoice benchmark's recordings of "jarvis" (scored with ``hey_jarvis``: people said the bare name,
so near misses are common) and "alexa" stand for a household saying its wake word, in file order: the
first third is its first week, the second third its second week, the last third the weeks after (blind:
no threshold is learned from it). Near-miss speech ("computer", Mycroft Precise's not-wake-words) and each
background noise file are cut the same way. A week's turn log is what the device would have logged at the
threshold it had that week: a recording at or over it is a confirmed wake, one just under it a near miss
(the person says it again), near-miss speech or noise over it a false wake, each with its score.
``edge.wake.adapt.WakeThreshold`` updates once a day. Reported on the last third: miss rate, false accepts
on near-miss speech and per hour of background noise, untouched and after each learned week.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from edge.config import Settings
from edge.lab.bench.wake import _clips, score_traces
from edge.wake.adapt import NEAR_BAND, Observation, ObservationKind, WakeThreshold
from edge.wake.oww import load_wake_detector

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
    wake = dataclasses.replace(settings.wake, words=tuple(w for w, _ in WORDS), threshold=0.99)
    detector = load_wake_detector(dataclasses.replace(settings, wake=wake))
    negatives = _clips(root / "picovoice" / "computer", limit) + _clips(root / "mycroft_precise", limit)
    neg_traces = [score_traces(detector, clip) for clip in negatives]
    noise = [score_traces(detector, a, pad=False) for a in _clips(root / "background_noise", 0)]
    report: dict[str, Any] = {"configured_threshold": base}
    for word, folder in WORDS:
        peaks = [
            max(score_traces(detector, c)[word], default=0.0)
            for c in _clips(root / "picovoice" / folder, limit)
        ]
        noise_parts = [_parts(t[word]) for t in noise]
        weeks = [
            Week(pos, neg, tuple(parts[k] for parts in noise_parts))
            for k, (pos, neg) in enumerate(
                zip(_parts(peaks), _parts([max(t[word], default=0.0) for t in neg_traces]), strict=True)
            )
        ]
        learned = learn_weeks(word, weeks[:-1], base)
        later = weeks[-1]
        report[f"{word} on '{folder}'"] = {
            "recordings_per_part": [len(w.positives) for w in weeks],
            "later_noise_hours": round(later.noise_hours, 3),
            "moves": [
                f"{m.old:.3f} -> {m.new:.3f} ({m.reason}: {m.near_misses} near, {m.false_wakes} false)"
                for m in learned[-1].moves
            ],
            "untouched": later.figures(base),
            **{f"after week {n + 1}": later.figures(t.threshold) for n, t in enumerate(learned)},
        }
    print(json.dumps(report, indent=1))
    return 0
