"""A sentence's phonemes in clause-sized pieces, for a voice whose memory grows with what it says at once.

Piper's VITS voice makes a whole sentence in one run, and its activations grow with the sentence's length
(~90 MB for "Okay, the kitchen light is on, and the bedroom lamp is at fifty percent.", 4.4 s of audio, on
top of everything resident: docs/appliance.md, "Memory in use"). Made clause by clause, the largest run is
the longest clause's, and the first clause can play while the next is made.

:func:`clause_chunks` cuts after each clause break that piper's phonemizer keeps as a phoneme (``,`` ``;``
``:``, where the voice pauses anyway); the break stays with its clause, so the voice still hears it and
lengthens the pause. A clause longer than ``max_phonemes`` is cut again at the last word boundary within the
cap (a word is never cut). Pure: unit-tested without the voice.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["CLAUSE_BREAKS", "MAX_PHONEMES", "WORD_BREAK", "clause_chunks"]

CLAUSE_BREAKS = frozenset({",", ";", ":"})  # piper's espeak-ng phonemes for a clause's end
WORD_BREAK = " "
MAX_PHONEMES = 80  # ~4.5 s of joe-medium's speech: the longest piece made at once (~60-70 MB of activations)


def clause_chunks(phonemes: Sequence[str], max_phonemes: int = MAX_PHONEMES) -> list[list[str]]:
    """``phonemes`` (one sentence's, as piper's ``phonemize`` gives them) cut into pieces: after each clause
    break, and within a clause longer than ``max_phonemes`` at its last word boundary before the cap. Word
    boundaries at a piece's edges are dropped; nothing else is, so the pieces joined with a word boundary
    are the sentence. A sentence with no break and within the cap is one piece; no phonemes, no pieces."""
    if max_phonemes < 1:
        raise ValueError(f"max_phonemes must be at least 1, not {max_phonemes}")
    pieces: list[list[str]] = []
    for clause in _clauses(phonemes):
        pieces.extend(_capped(clause, max_phonemes))
    return pieces


def _clauses(phonemes: Sequence[str]) -> list[list[str]]:
    clauses: list[list[str]] = [[]]
    for phoneme in phonemes:
        clauses[-1].append(phoneme)
        if phoneme in CLAUSE_BREAKS:
            clauses.append([])
    return [kept for clause in clauses if (kept := _strip(clause))]


def _strip(piece: list[str]) -> list[str]:
    start, end = 0, len(piece)
    while start < end and piece[start] == WORD_BREAK:
        start += 1
    while end > start and piece[end - 1] == WORD_BREAK:
        end -= 1
    return piece[start:end]


def _capped(clause: list[str], cap: int) -> list[list[str]]:
    """``clause`` in pieces of at most ``cap`` phonemes, cut at word boundaries (a longer word stays
    whole)."""
    pieces: list[list[str]] = []
    rest = clause
    while len(rest) > cap:
        cut = _last_break(rest, cap)
        if cut is None:  # one word longer than the cap: up to the next word boundary
            cut = next((i for i, p in enumerate(rest) if p == WORD_BREAK), len(rest))
        head, rest = _strip(rest[:cut]), _strip(rest[cut:])
        if head:
            pieces.append(head)
    if rest:
        pieces.append(rest)
    return pieces


def _last_break(phonemes: list[str], cap: int) -> int | None:
    for i in range(min(cap, len(phonemes) - 1), 0, -1):
        if phonemes[i] == WORD_BREAK:
            return i
    return None
