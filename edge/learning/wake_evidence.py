"""The wake word's evidence in the turn log: confirmed wakes, false wakes and near misses (pure).

A false wake is a wake with nothing said after it, or a whole request of "never mind" / "cancel"; a near
miss is a score under the threshold (within ``edge.wake.adapt.NEAR_BAND``) that a wake of the same word
followed within ``AGAIN_S`` seconds. ``edge.wake.adapt.WakeThreshold`` moves the threshold on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from edge.feedback.record import TurnRecord
from edge.feedback.signals import CANCEL_PHRASES
from edge.lang import fold
from edge.wake.adapt import AGAIN_S, NEAR_BAND, NearMiss, Observation, ObservationKind

__all__ = ["observations_from_turns"]


def observations_from_turns(
    turns: Iterable[TurnRecord],
    near_misses: Iterable[NearMiss] = (),
    thresholds: Mapping[str, float] | None = None,
) -> list[Observation]:
    """Confirmed and false wakes from the turns; near misses that a wake of the same word followed within
    ``AGAIN_S`` (and that lie within ``NEAR_BAND`` of the word's threshold, when given)."""
    out: list[Observation] = []
    wakes: list[tuple[float, str]] = []
    for t in sorted(turns, key=lambda r: r.t_start):
        if not t.wake_word:
            continue
        said = fold(t.asr_text or t.text)
        false = t.no_speech or not said or said in CANCEL_PHRASES
        out.append(Observation(t.t_start, t.wake_word, t.wake_score, ObservationKind.FALSE if false else (
            ObservationKind.CONFIRMED)))  # fmt: skip
        wakes.append((t.t_start, t.wake_word))
    for miss in near_misses:
        limit = (thresholds or {}).get(miss.word)
        if limit is not None and not limit - NEAR_BAND <= miss.score < limit:
            continue
        if any(w == miss.word and 0.0 < t - miss.t <= AGAIN_S for t, w in wakes):
            out.append(Observation(miss.t, miss.word, miss.score, ObservationKind.NEAR_MISS))
    return sorted(out, key=lambda o: o.t)
