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
A rewritten request that worked counts as what the household said instead of its target when its source
says the household's own word for a thing (:func:`own_words`: "turn on the bubble lamp" rewritten to "turn
on the reading lamp", the two names sounding nothing alike), heard the same way on two days or more: the
registry's name is in the fixed part, the nickname nowhere else. A source that sounds like its target
("kitten light") is a mishearing and never goes in.

Whole requests, not their words: measured through real audio (docs/learning.md, "The recognizer learns
the household's words"), the household's names and words as a list before the fixed one made Whisper
worse (WER 0.164 -> 0.195 on 2 homes x 6 days), its whole requests better (0.164 -> 0.120).

:func:`recognizer_vocabulary` puts them before the fixed list (command verbs, every registry name and
area), as the runtime's ``vocabulary()`` and the simulator's real-audio arm both do; Whisper's prompt keeps
the first :data:`edge.asr.whisper.MAX_PROMPT_WORDS` words (:func:`edge.asr.whisper.vocabulary_prompt`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

from edge.config import Settings
from edge.lang import ASR_BIAS_PHRASES, asr_text
from edge.learning.canonical import Lexicon
from edge.learning.chains import DAY_S, ChainTurn
from edge.learning.edits import SOUND_ALIKE, sounds_alike
from edge.learning.safety import mentions_safety
from edge.learning.sound import plain_requests

__all__ = [
    "HALF_LIFE_S",
    "PROMPT_WORDS",
    "household_prompt",
    "learned_prompt_heard",
    "own_words",
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
# words of phrasing, set aside when comparing a request with its rewrite (:func:`own_words`)
PHRASING = frozenset(
    {"put", "cut", "kill", "shut", "power", "can", "you", "could", "would", "light", "lights", "lamp"}
    | {"some", "and", "for", "me", "now", "get", "go", "switched"}
)
OWN_DAYS = 2  # a household's own word is heard the same way on this many days (a mishearing varies)


def own_words(source: str, target: str, names: Collection[str]) -> tuple[str, ...]:
    """The household's own words for a thing in ``source``, a request rewritten to ``target`` (both
    canonical): the words of ``source`` that ``target`` lacks, when ``target``'s own words are all words of
    the home's ``names`` (device names, aliases, areas) and the two do not sound alike ("bubble lamp" for
    "reading lamp", "glow" for "office light"); () when they sound alike ("kitten light" for "kitchen
    light": a mishearing, which in the prompt would teach the recognizer to mishear), when ``target`` adds
    no name ("turn off tape the kitchen light": a garble) or a word that is no name, or when ``source`` says
    a number ``target`` lacks. Command words and phrasing ("put", "can you", "light") are set aside on
    both sides: "put the mood light on" for "turn on the kitchen lamp" says "mood"."""
    name_words = {w for n in names for w in n.split()}
    s, t = source.split(), target.split()
    said = [w for w in s if w not in t and w not in COMMON and w not in PHRASING]
    meant = [w for w in t if w not in s and w not in COMMON and w not in PHRASING]
    if not said or not meant or not all(w in name_words for w in meant):
        return ()
    if any(w.isdigit() for w in said) or sounds_alike(" ".join(said), " ".join(meant)) >= SOUND_ALIKE:
        return ()
    return tuple(said)


def household_prompt(
    turns: Sequence[ChainTurn],
    heard: Mapping[str, str],
    now: float,
    *,
    lexicon: Lexicon | None = None,
    max_words: int = PROMPT_WORDS,
    own_names: bool = True,
) -> tuple[str, ...]:
    """The household's successful requests, most used first, within ``max_words`` words.

    ``turns``: the learner's turns (goals built, defects judged); ``heard``: turn id -> the words the
    recognizer gave (the spelling Whisper should keep; the canonical form when missing); ``lexicon``: the
    home's safety-critical names (a request naming one, or a safety action, is never put in the prompt)."""
    if max_words < 0:
        raise ValueError(f"max_words must be >= 0, not {max_words}")
    own = _own_turns(turns, heard, lexicon) if own_names and lexicon is not None else {}
    weight: dict[str, float] = {}
    outcomes: dict[str, list[int]] = {}  # text -> [worked, failed]
    for t in turns:
        text = own.get(t.turn_id) or asr_text(t.rewritten or heard.get(t.turn_id, "") or t.original)
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
    home_words |= {w for text in own.values() for w in text.split()}  # the household's words, heard alike
    plain = [text for text, _w in plain_requests(((t, weight[t]) for t in kept), home_words)]
    out: list[str] = []
    budget = max_words
    for text in sorted(plain, key=lambda k: (-weight[k], k)):
        n = len(text.split())
        if n <= budget:
            out.append(text)
            budget -= n
    return tuple(out)


def _own_turns(turns: Sequence[ChainTurn], heard: Mapping[str, str], lexicon: Lexicon) -> dict[str, str]:
    """Turn id -> the words the recognizer heard, for the rewritten turns that worked whose source says
    the household's own words for a thing (:func:`own_words`) and whose target names no safety action or
    device, each heard the same way on :data:`OWN_DAYS` days or more: such a turn counts as what the
    household said, not as its target."""
    names = lexicon.names | lexicon.areas
    days: dict[str, set[int]] = {}
    for t in turns:
        days.setdefault(asr_text(heard.get(t.turn_id, "") or t.original), set()).add(t.day)
    out: dict[str, str] = {}
    for t in turns:
        if not t.rewritten or t.defect or not own_words(t.original, t.rewritten, names):
            continue
        if mentions_safety(t.rewritten, lexicon):  # "the castle" for the front door: never in the prompt
            continue
        said = asr_text(heard.get(t.turn_id, "") or t.original)
        if len(days.get(said, ())) >= OWN_DAYS:
            out[t.turn_id] = said
    return out


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
