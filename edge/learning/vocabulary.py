"""The household's words for the recognizer (issue 18): Whisper's prompt led by what this household says
and what worked, instead of the same fixed list in every home.

Pure over the learner's turns. The prompt's learned part is the household's successful requests, whole, as
the recognizer heard them (a rewritten one as its target: what the household meant), most used first
(uses weighted by recency, 30-day half-life), within :data:`PROMPT_WORDS` words. Never a failed turn's
words, never a request holding a word whose requests fail at least as often as they work (a mishearing
that sometimes gets through), never a one-word answer ("yes", "the kitchen").

Whole requests, not their words: measured through real audio (docs/learning.md, "The recognizer learns
the household's words"), the household's names and words as a list before the fixed one made Whisper
worse (WER 0.164 -> 0.195 on 2 homes x 6 days), its whole requests better (0.164 -> 0.120).

:func:`recognizer_vocabulary` puts them before the fixed list (command verbs, every registry name and
area), as the runtime's ``vocabulary()`` and the simulator's real-audio arm both do; Whisper's prompt keeps
the first :data:`edge.asr.whisper.MAX_PROMPT_WORDS` words (:func:`edge.asr.whisper.vocabulary_prompt`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from edge.config import Settings
from edge.lang import asr_text
from edge.learning.chains import DAY_S, ChainTurn

__all__ = ["HALF_LIFE_S", "PROMPT_WORDS", "household_prompt", "prompt_vocabulary", "recognizer_vocabulary"]

HALF_LIFE_S = 30 * DAY_S  # as the learner's history of successful requests
PROMPT_WORDS = 90  # the learned part's budget in words (the fixed list fills the rest of Whisper's 150)


def household_prompt(
    turns: Sequence[ChainTurn],
    heard: Mapping[str, str],
    now: float,
    *,
    unreliable: frozenset[str] = frozenset(),
    max_words: int = PROMPT_WORDS,
) -> tuple[str, ...]:
    """The household's successful requests, most used first, within ``max_words`` words.

    ``turns``: the learner's turns (goals built, defects judged); ``heard``: turn id -> the words the
    recognizer gave (the spelling Whisper should keep; the canonical form when missing); ``unreliable``:
    words whose requests fail at least as often as they work."""
    if max_words < 0:
        raise ValueError(f"max_words must be >= 0, not {max_words}")
    weight: dict[str, float] = {}
    for t in turns:
        if t.defect:
            continue
        text = asr_text(t.rewritten or heard.get(t.turn_id, "") or t.original)
        words = text.split()
        if len(words) < 2 or any(w in unreliable for w in words):
            continue
        w = math.exp(-max(0.0, now - t.t_start) / HALF_LIFE_S * math.log(2))
        weight[text] = weight.get(text, 0.0) + w
    out: list[str] = []
    budget = max_words
    for text in sorted(weight, key=lambda k: (-weight[k], k)):
        n = len(text.split())
        if n <= budget:
            out.append(text)
            budget -= n
    return tuple(out)


def prompt_vocabulary(learned: Sequence[str], fixed: Sequence[str]) -> list[str]:
    """The household's phrases first, then the fixed list's others, in order; no phrase twice."""
    return list(dict.fromkeys(p.strip() for p in (*learned, *fixed) if p.strip()))


def recognizer_vocabulary(settings: Settings, learned: Sequence[str], fixed: Sequence[str]) -> list[str]:
    """What the runtime's ``vocabulary()`` hands the recognizer before each transcription: nothing when
    ``asr.use_domain_vocabulary`` is off; the household's ``learned`` phrases (the active table's) before
    the ``fixed`` list when learning and ``learning.prompt`` are on; else the fixed list."""
    if not settings.asr.use_domain_vocabulary:
        return []
    use = settings.learning.enabled and settings.learning.prompt
    return prompt_vocabulary(learned if use else (), fixed)
