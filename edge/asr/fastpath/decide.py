"""Which transcript a turn gets when the fast path heard it, and how a second opinion is kept.

The fast path's transcript serves the turn when it was accepted; Whisper hears everything it rejected, and
(``asr.fast_path_check``) a share of what it accepted. When both heard a turn, the transcript that serves
it names both engines (``"pocketsphinx-grammar+whisper"``, the serving one first) and carries the other
engine's text as its last alternative: the turn store keeps them (``asr_engine``, ``asr_nbest``) and
:func:`second_opinion` reads them back for the disagreement signal (``edge.feedback.signals``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from edge.asr.base import Recognizer
from edge.asr.fastpath.grammar import spoken
from edge.asr.fastpath.stream import FAST_ENGINE
from edge.events import Transcript

__all__ = ["both_heard", "disagreement", "fast_fields", "second_opinion", "transcribe_turn"]

JOIN = "+"


def transcribe_turn(
    recognizer: Recognizer,
    samples: npt.NDArray[np.int16],
    vocabulary: Sequence[str],
    fast: Transcript | None,
    *,
    check: bool = False,
    heard: Transcript | None = None,
) -> Transcript:
    """Blocking: the fast path's transcript when it accepted (and not ``check``), else the recognizer's
    (``heard``: its speculative decode of the same speech, at a pause; decoded now when None)."""
    if fast is not None and not fast.rejected and not check:
        return fast
    heard = heard or recognizer.transcribe(samples, vocabulary)
    if fast is None or not fast.text:
        return heard
    return both_heard(fast, heard) if not fast.rejected else both_heard(heard, fast)


def fast_fields(transcript: Transcript, fast: Transcript | None = None) -> dict[str, object]:
    """The transcript event's ``fast_path`` (whether the fast path served the turn) and, when the fast path
    heard the utterance, its own decision: ``fast_text``, ``fast_score`` and ``fast_reason`` ("" accepted,
    else why it was rejected: out_of_grammar, incomplete, low_score)."""
    fields: dict[str, object] = {"fast_path": transcript.engine.split(JOIN)[0] == FAST_ENGINE}
    if fast is not None:
        fields |= {"fast_text": fast.text, "fast_score": round(fast.confidence, 4)}
        fields["fast_reason"] = fast.reason
    return fields


def both_heard(serving: Transcript, other: Transcript) -> Transcript:
    return dataclasses.replace(
        serving,
        engine=f"{serving.engine}{JOIN}{other.engine}",
        alternatives=(*serving.alternatives, other.text),
    )


def second_opinion(engine: str, nbest: Sequence[str]) -> str | None:
    """The other engine's text of a turn both heard (None: one engine heard it)."""
    if JOIN not in engine or not nbest:
        return None
    return nbest[-1]


def disagreement(a: str, b: str) -> float:
    """0 when two transcripts say the same words (digits and spelled numbers alike), up to 1."""
    x, y = spoken(a), spoken(b)
    if x == y:
        return 0.0
    row = list(range(len(y) + 1))
    for i in range(1, len(x) + 1):
        prev, row[0] = row[:], i
        for j in range(1, len(y) + 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] != y[j - 1]))
    return min(1.0, row[-1] / max(1, len(x), len(y)))
