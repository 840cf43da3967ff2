"""The household's own unknown words, for failure-point isolation: words that neither the registry nor
everyday requests use and that the home's earlier turns kept bringing, heard with confidence in several
sessions. A nickname ("disco ball", "the glow") is such a word: heard right it fails every time (nlu, or
the wrong device), and misheard it sounds like itself ("mistle ball"), not like a registry name; a
mishearing of a registry name is new and sounds like the name. Only the turns before each turn count (its
label does not change with what came later). Pure; :data:`HOME_FEATURES`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from edge.feedback.record import Label, TurnRecord
from edge.lang import fold
from edge.learning.canonical import Lexicon
from edge.learning.edits import sounds_alike

__all__ = ["HEARD_CONFIDENT", "HOME_FEATURES", "SESSIONS", "home_words"]

HOME_FEATURES = ("home_word", "home_word_alike", "home_over_registry", "home_word_failed", "home_word_worked")
HEARD_CONFIDENT = 0.75  # the recognizer's confidence of a turn whose unknown words count as said
SESSIONS = 2  # an unknown word is the household's own once heard with confidence in this many sessions


def _unknown(turn: TurnRecord, known: frozenset[str]) -> list[str]:
    return [w for w in fold(turn.asr_text or turn.text).split() if not w.isdigit() and w not in known]


def home_words(
    turns: Sequence[TurnRecord], wanted: Iterable[str], lexicon: Lexicon, carrier: Iterable[str]
) -> dict[str, list[float]]:
    """turn_id -> :data:`HOME_FEATURES` for each turn of ``wanted``, from the home's turns before it: one of
    its unknown words is a household word; how much its unknown words sound like one (0..1); that less how
    much they sound like a registry word; the most earlier turns one of its unknown words failed in, and
    worked in (the turn acted and was not labelled a defect)."""
    want = set(wanted)
    known = frozenset(lexicon.words) | frozenset(carrier)
    sessions: dict[str, set[str]] = {}
    failed: dict[str, int] = {}
    worked: dict[str, int] = {}
    own: set[str] = set()
    out: dict[str, list[float]] = {}
    for turn in sorted(turns, key=lambda t: t.t_start):
        unknown = _unknown(turn, known)
        if turn.turn_id in want:
            alike = max((sounds_alike(w, k) for w in unknown for k in own), default=0.0)
            registry = max((sounds_alike(w, k) for w in unknown for k in lexicon.words), default=0.0)
            out[turn.turn_id] = [
                float(any(w in own for w in unknown)),
                alike,
                alike - registry,
                float(max((failed.get(w, 0) for w in unknown), default=0)),
                float(max((worked.get(w, 0) for w in unknown), default=0)),
            ]
        ok = turn.result_ok is True and turn.label != Label.DEFECT.value
        for w in set(unknown):
            if turn.asr_confidence >= HEARD_CONFIDENT:
                sessions.setdefault(w, set()).add(turn.session_id)
                if len(sessions[w]) >= SESSIONS:
                    own.add(w)
            counts = worked if ok else failed
            counts[w] = counts.get(w, 0) + 1
    return out
