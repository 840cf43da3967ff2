"""What the turn after a defective one says about it, for failure-point isolation: the linked retry (the
rephrase detector's) and the next turn of the same session within seconds, linked or not (a person who
says the same words again right away was misheard; one who says other words was not understood), and the
turn before it within seconds (a retry: the turn's own request said again, more carefully). Pure."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from edge.feedback.record import TurnRecord
from edge.feedback.similarity import phonetic_similarity, text_similarity, token_diff
from edge.learning.canonical import Lexicon

__all__ = ["AFTER_S", "after_features", "before_features", "linked_features", "session_next", "session_prev"]

AFTER_S = 30.0  # the next turn of the session counts when it starts this soon after the turn ended


def _pairs(turns: Sequence[TurnRecord]) -> list[tuple[TurnRecord, TurnRecord]]:
    """(turn, the next turn of the same session that started within AFTER_S of its end)."""
    out: list[tuple[TurnRecord, TurnRecord]] = []
    by_session: dict[str, list[TurnRecord]] = {}
    for t in turns:
        by_session.setdefault(t.session_id, []).append(t)
    for session in by_session.values():
        session.sort(key=lambda t: t.t_start)
        out += [(a, b) for a, b in itertools.pairwise(session) if 0.0 <= b.t_start - a.t_end <= AFTER_S]
    return out


def session_next(turns: Sequence[TurnRecord]) -> dict[str, TurnRecord]:
    """turn_id -> the next turn of the same session that started within AFTER_S of its end."""
    return {cur.turn_id: nxt for cur, nxt in _pairs(turns)}


def session_prev(turns: Sequence[TurnRecord]) -> dict[str, TurnRecord]:
    """turn_id -> the turn of the same session that ended at most AFTER_S before it started."""
    return {nxt.turn_id: cur for cur, nxt in _pairs(turns)}


def linked_features(turn: TurnRecord, nxt: TurnRecord | None, lexicon: Lexicon) -> list[float]:
    """The linked retry: sounds alike but other words, word overlap, only the device mention changed,
    the name kept and carrier words changed, the same words, same intent, same targets, it worked."""
    if nxt is None:
        return [0.0] * 8
    said, other = turn.asr_text or turn.text, nxt.asr_text or nxt.text
    diff = token_diff(said, other)
    phon, text = phonetic_similarity(said, other), text_similarity(said, other)
    entity_only = (
        bool(diff.removed) and set(diff.removed) <= lexicon.words | set(diff.removed) and diff.shared >= 1
    )
    name = turn.slots.get("name", "")
    return [
        float(phon >= 0.75 and text < 0.95),
        float(text),
        float(entity_only and set(name.split()) >= set(diff.removed)),
        float(bool(name) and name in other and diff.removed != ()),
        float(text >= 0.999),
        float(nxt.intent is not None and nxt.intent == turn.intent),
        float(bool(nxt.targets) and set(nxt.targets) == set(turn.targets)),
        float(nxt.result_ok is True),
    ]


def _said_alike(turn: TurnRecord, other: TurnRecord) -> tuple[float, float]:
    """(word overlap, sounds alike but worded otherwise) of two turns' heard words."""
    said, heard = turn.asr_text or turn.text, other.asr_text or other.text
    text = text_similarity(said, heard)
    return float(text), float(phonetic_similarity(said, heard) >= 0.75 and text < 0.95)


def after_features(turn: TurnRecord, after: TurnRecord | None) -> list[float]:
    """The session's next turn within seconds: there is one, the gap (s), word overlap, sounds alike,
    it worked, the same intent."""
    if after is None:
        return [0.0, AFTER_S, 0.0, 0.0, 0.0, 0.0]
    text, alike = _said_alike(turn, after)
    return [
        1.0,
        max(0.0, after.t_start - turn.t_end),
        text,
        alike,
        float(after.result_ok is True),
        float(after.intent is not None and after.intent == turn.intent),
    ]


def before_features(turn: TurnRecord, before: TurnRecord | None) -> list[float]:
    """The session's turn just before (within AFTER_S): there is one (this turn is a retry, or a request
    right after a false wake's silence), the gap (s), word overlap, sounds alike, the same intent, it
    worked. A wake with nothing heard right after a failed request is the person trying again."""
    if before is None:
        return [0.0, AFTER_S, 0.0, 0.0, 0.0, 0.0]
    text, alike = _said_alike(turn, before)
    return [
        1.0,
        max(0.0, turn.t_start - before.t_end),
        text,
        alike,
        float(before.intent is not None and before.intent == turn.intent),
        float(before.result_ok is True),
    ]
