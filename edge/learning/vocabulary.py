"""The household's words for the recognizer (issue 18): Whisper's prompt led by what this household says
and what worked, instead of the same fixed list in every home.

Pure over the learner's turns. The prompt's learned part is the household's successful requests, whole, as
the recognizer heard them (a rewritten one as its target: what the household meant), most used first
(uses weighted by recency, 30-day half-life), within :data:`PROMPT_WORDS` words. Never a failed turn's
words, never a request that failed here as often as it worked (a mishearing that sometimes gets through),
never an answer ("yes", "the kitchen"), never a request naming a safety action or device (Whisper copies
its prompt when unsure: it must never be led to "unlock the front door"), never a garble that got through
(every word a word of the home's registry, a command word of the fixed prompt, a number, or a word of two
different successful requests, as the sound layer's targets: :func:`edge.learning.sound.plain_requests`).

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
from edge.lang import ASR_BIAS_PHRASES, asr_text
from edge.learning.canonical import Lexicon
from edge.learning.chains import DAY_S, ChainTurn
from edge.learning.safety import mentions_safety
from edge.learning.sound import plain_requests

__all__ = [
    "HALF_LIFE_S",
    "PROMPT_WORDS",
    "household_prompt",
    "learned_prompt_heard",
    "prompt_vocabulary",
    "recognizer_vocabulary",
]

HALF_LIFE_S = 30 * DAY_S  # as the learner's history of successful requests
PROMPT_WORDS = 90  # the learned part's budget in words (the fixed list fills the rest of Whisper's 150)
MIN_WORDS = 2  # a request ("play coldplay"), not a one-word answer
# words any request may hold beside the home's names: the fixed prompt's command words and glue
COMMON = frozenset(" ".join(ASR_BIAS_PHRASES).split()) | frozenset(
    ["the", "a", "to", "in", "of", "my", "please", "up", "down", "it", "all"]
)
ANSWERS = frozenset({"yes", "yeah", "yep", "no", "nope", "ok", "okay", "sure", "cancel", "never"})


def household_prompt(
    turns: Sequence[ChainTurn],
    heard: Mapping[str, str],
    now: float,
    *,
    lexicon: Lexicon | None = None,
    max_words: int = PROMPT_WORDS,
) -> tuple[str, ...]:
    """The household's successful requests, most used first, within ``max_words`` words.

    ``turns``: the learner's turns (goals built, defects judged); ``heard``: turn id -> the words the
    recognizer gave (the spelling Whisper should keep; the canonical form when missing); ``lexicon``: the
    home's safety-critical names (a request naming one, or a safety action, is never put in the prompt)."""
    if max_words < 0:
        raise ValueError(f"max_words must be >= 0, not {max_words}")
    weight: dict[str, float] = {}
    outcomes: dict[str, list[int]] = {}  # text -> [worked, failed]
    for t in turns:
        text = asr_text(t.rewritten or heard.get(t.turn_id, "") or t.original)
        outcomes.setdefault(text, [0, 0])[t.defect] += 1
        if not t.defect:
            age = max(0.0, now - t.t_start)
            weight[text] = weight.get(text, 0.0) + math.exp(-age / HALF_LIFE_S * math.log(2))
    kept = [
        text
        for text in weight
        if len(text.split()) >= MIN_WORDS
        and text.split()[0] not in ANSWERS  # "yes please", "no the other one": answers, not requests
        and outcomes[text][1] < outcomes[text][0]  # it fails less often than it works
        and not mentions_safety(text, lexicon)
    ]
    home_words = COMMON | (lexicon.words if lexicon is not None else frozenset())
    plain = [text for text, _w in plain_requests(((t, weight[t]) for t in kept), home_words)]
    out: list[str] = []
    budget = max_words
    for text in sorted(plain, key=lambda k: (-weight[k], k)):
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
    the ``fixed`` list when learning and ``learning.prompt`` are on and the recognizer is Whisper (a prompt;
    vosk and pocketsphinx make a grammar of the list, which whole requests would change); else the fixed
    list."""
    if not settings.asr.use_domain_vocabulary:
        return []
    return prompt_vocabulary(learned if learned_prompt_heard(settings) else (), fixed)


def learned_prompt_heard(settings: Settings) -> bool:
    """Whether the recognizer hears the household's learned requests in its prompt (see
    :func:`recognizer_vocabulary`)."""
    asr, learning = settings.asr, settings.learning
    return asr.use_domain_vocabulary and learning.enabled and learning.prompt and asr.engine == "whisper"
