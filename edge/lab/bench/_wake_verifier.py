"""``edge bench wake_learning``'s verifier arm: score traces with the embedding windows the verifier judges,
the evidence a week of them leaves on the device (heard windows + turns), and the figures of a decision.

A recording's trace is streamed through the runtime's detector exactly like ``edge bench wake``; the window
of every frame scoring ``MIN_WINDOW`` or more is kept (the verifier's floor is higher, so every candidate
has its window), and the window of the clip's peak (its most wake-like moment). Decisions are the
runtime's own (:meth:`edge.wake.store.LearnedWord.accepts`) and learning is the runtime's own
(:func:`edge.learning.wake_learn.learn_wake`, once a day on the evidence so far).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from edge.events import AudioChunk
from edge.feedback.record import TurnRecord
from edge.learning.wake_learn import learn_wake
from edge.wake.adapt import AGAIN_S, NEAR_BAND, WakeThreshold
from edge.wake.oww import BAND_FLOOR
from edge.wake.store import Heard, HeardKind, LearnedWord, WakeState

__all__ = ["MIN_WINDOW", "Trace", "figures", "learn_days", "observe", "week_evidence"]

MIN_WINDOW = 0.05  # frames at or over this score keep their window (the verifier floor is 0.1)
QUIET_FRAMES = 750  # a minute of 80 ms frames: one quiet window per minute of noise
FRAME_S = 0.08
DAY_S = 86_400.0
PAD = np.zeros(16000, dtype=np.int16)
CHUNK = 1280


@dataclass(frozen=True, slots=True)
class Trace:
    """One word's score per 80 ms frame, and the embedding windows of the frames that may matter."""

    scores: tuple[float, ...]
    windows: Mapping[int, npt.NDArray[np.float32]] = field(repr=False)

    @property
    def peak_index(self) -> int:
        return int(np.argmax(self.scores)) if self.scores else -1

    @property
    def peak(self) -> float:
        return max(self.scores, default=0.0)

    @property
    def hours(self) -> float:
        return len(self.scores) * FRAME_S / 3600

    def part(self, lo: int, hi: int) -> Trace:
        return Trace(self.scores[lo:hi], {i - lo: w for i, w in self.windows.items() if lo <= i < hi})


def observe(detector: Any, samples: npt.NDArray[np.int16], pad: bool = True) -> dict[str, Trace]:
    """Every word's trace over the clip, streamed like live audio in 80 ms chunks."""
    detector.reset()
    audio = np.concatenate([PAD, samples, PAD]) if pad else samples
    scores: dict[str, list[float]] = {}
    windows: dict[str, dict[int, npt.NDArray[np.float32]]] = {}
    best: dict[tuple[str, int], tuple[float, int]] = {}  # each minute's top frame, whatever its score
    for n, start in enumerate(range(0, len(audio) - CHUNK + 1, CHUNK)):
        detector.process(AudioChunk(audio[start : start + CHUNK], start / 16.0))
        for model, score in detector.last_scores.items():
            word = model.rsplit("_v", 1)[0]
            scores.setdefault(word, []).append(score)
            kept = windows.setdefault(word, {})
            block = (word, n // QUIET_FRAMES)
            if score >= MIN_WINDOW or score > best.get(block, (-1.0, 0))[0]:
                kept[n] = detector.features(model)
            if score > best.get(block, (-1.0, 0))[0]:
                old = best.get(block)
                best[block] = (score, n)
                if old is not None and old[0] < MIN_WINDOW:
                    kept.pop(old[1], None)  # no longer the minute's top, and too low to be a candidate
    return {w: Trace(tuple(s), windows.get(w, {})) for w, s in scores.items()}


def _taken(trace: Trace, decision: LearnedWord) -> list[int]:
    """Frames where the decision takes a wake: separate crossings (re-armed under half its candidate)."""
    out: list[int] = []
    armed = True
    for i, score in enumerate(trace.scores):
        if score < decision.candidate / 2:
            armed = True
        if armed and decision.accepts(score, lambda i=i: trace.windows[i]):  # type: ignore[misc]
            out.append(i)
            armed = False
    return out


def figures(
    decision: LearnedWord,
    positives: Sequence[Trace],
    negatives: Sequence[Trace],
    noise: Mapping[str, Sequence[Trace]],
) -> dict[str, Any]:
    """Miss rate on the wake-word recordings, false accepts on near-miss speech (clips) and per hour of
    each named set of background noise."""
    out: dict[str, Any] = {
        "threshold": round(decision.threshold.threshold, 3),
        "verifier": decision.verifier is not None,
        "candidates_from": round(decision.candidate, 3),
        "miss_rate": round(float(np.mean([not _taken(t, decision) for t in positives])), 3),
        "false_accepts_near_miss_speech": sum(bool(_taken(t, decision)) for t in negatives),
    }
    for name, traces in noise.items():
        hours = sum(t.hours for t in traces)
        out[f"false_accepts_per_hour_noise_{name}"] = round(
            sum(len(_taken(t, decision)) for t in traces) / max(hours, 1e-9), 1
        )
    return out


def _turn(word: str, tid: str, t: float, *, understood: bool) -> TurnRecord:
    text = "turn on the kitchen light" if understood else ""
    intent = "HassTurnOn" if understood else None
    return TurnRecord(tid, "bench", "household", t, t + 3.0, wake_word=word, wake_score=0.9, asr_text=text,
                      text=text, intent=intent, no_speech=not understood)  # fmt: skip


def week_evidence(
    word: str, decision: LearnedWord, positives: Sequence[Trace], negatives: Sequence[Trace],
    noise: Sequence[Trace], *, start: float, seed: int = 7,
) -> tuple[list[Heard], list[TurnRecord]]:  # fmt: skip
    """What the device keeps in a week with ``decision``: a recording taken is a wake whose request was
    understood; one just under it a near miss the person follows with the wake word 3 s later; near-miss
    speech or noise taken is a false wake; speech not taken leaves its most wake-like window (a quiet one,
    or a near miss nobody followed); noise one quiet window per minute. Spread over seven days."""
    events: list[tuple[str, Trace, int]] = []
    for trace in positives:
        events.append(("pos", trace, -1))
    for trace in negatives:
        events.append(("neg", trace, -1))
    for trace in noise:
        for lo in range(0, len(trace.scores), QUIET_FRAMES):
            events.append(("neg", trace.part(lo, lo + QUIET_FRAMES), lo))
    order = np.random.default_rng(seed).permutation(len(events))
    step = 7 * DAY_S / max(1, len(events))
    heard: list[Heard] = []
    turns: list[TurnRecord] = []
    band = max(
        BAND_FLOOR, min(decision.threshold.threshold - NEAR_BAND, decision.candidate)
    )  # the detector's
    for n, k in enumerate(order):
        kind, trace, _ = events[k]
        t = start + (n + 0.5) * step
        tid = f"{word}-{int(start)}-{n}"
        taken = _taken(trace, decision)
        if taken:
            for m, i in enumerate(taken):
                heard.append(
                    Heard(t + m, word, trace.scores[i], HeardKind.WAKE, trace.windows[i], f"{tid}-{m}")
                )
                turns.append(_turn(word, f"{tid}-{m}", t + m, understood=kind == "pos"))
            continue
        if not trace.windows:
            continue
        i = max(trace.windows, key=lambda j: trace.scores[j])  # its most wake-like window
        near = trace.scores[i] >= band
        kept = HeardKind.NEAR if near else HeardKind.QUIET
        heard.append(Heard(t, word, trace.scores[i], kept, trace.windows[i]))
        if near and kind == "pos":  # said again, and heard this time
            turns.append(_turn(word, f"{tid}-again", t + AGAIN_S / 2, understood=True))
    return heard, turns


def learn_days(
    word: str, base: float, weeks: Sequence[tuple[Sequence[Trace], Sequence[Trace], Sequence[Trace]]]
) -> list[LearnedWord]:
    """The decision after each week: every week's evidence is what the device kept with the decision it had
    then; the learner runs once a day on everything kept so far."""
    state = WakeState({word: LearnedWord(WakeThreshold(word, base))})
    heard: list[Heard] = []
    turns: list[TurnRecord] = []
    out: list[LearnedWord] = []
    for n, (positives, negatives, noise) in enumerate(weeks):
        start = n * 7 * DAY_S
        new_heard, new_turns = week_evidence(
            word, state.words[word], positives, negatives, noise, start=start
        )
        heard += new_heard
        turns += new_turns
        for day in range(1, 8):
            now = start + day * DAY_S
            state = learn_wake(
                state,
                {word: base},
                [h for h in heard if h.t <= now],
                [t for t in turns if t.t_start <= now],
                now,
            )
        out.append(state.words[word])
    return out
