"""The named normalizers: each turns text into the form one job compares or feeds, and only that job.

- :func:`asr_text`: a transcript as plain words, to compare with Whisper's silence phrases (apostrophes
  dropped, other punctuation to spaces).
- :func:`fold`: two requests compared (feedback, learning, dialogue, taught phrases): wake phrase, leading
  fillers, every "please" and punctuation dropped; ``'`` and ``°`` kept.
- :func:`model_tokens`: the NLU model's input, at training and run time: wake phrase dropped, ``%`` as
  "percent", spelled numbers as digits, words split at letters outside a-z.
- :func:`spoken_words`: the grammar matcher's words, in the sound domain: numbers written out.
- :func:`name_key`: heard words matched to device names: possessive ``'s`` and leading "the / my / all"
  dropped.
- :func:`scrub_tokens`: a rewrite pair anonymized: word tokens, ``50%``, ``2.5`` and ``1,5`` kept whole.

They differ on purpose (the NLU model was trained on :func:`model_tokens`, the learned tables are keyed by
:func:`fold`); ``tests/test_lang.py`` pins each one's output where they part ways.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from edge.lang.numbers import number_words, read_decimals, read_number
from edge.lang.wake import WAKE_PREFIX, strip_wake

__all__ = [
    "FILLERS",
    "asr_text",
    "fold",
    "model_tokens",
    "model_words",
    "name_key",
    "raw_words",
    "scrub_tokens",
    "spoken_words",
]


# --- transcripts ------------------------------------------------------------------------------------------
def asr_text(text: str) -> str:
    """Lower case, apostrophes dropped, other punctuation to spaces, single spaces."""
    text = text.lower().replace("'", "").replace("’", "")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


# --- comparing requests -----------------------------------------------------------------------------------
_FOLD_PUNCT = re.compile(r"[^\w\s'°]")
_FOLD_PUNCT_DECIMALS = re.compile(r"[^\w\s'°.]|(?<!\d)\.|\.(?!\d)")  # a decimal point stays: "1.5"
FILLERS: tuple[str, ...] = (
    "um ",
    "uh ",
    "er ",
    "please ",
    "can you ",
    "could you ",
    "would you ",
    "i want you to ",
)
"""Openings :func:`fold` drops (repeatedly) from the start of a request."""


def fold(text: str, *, decimals: bool = False) -> str:
    """Lowercase, no wake phrase, no punctuation, no leading fillers, no "please", single spaces;
    ``decimals``: a point between digits stays ("1.5 hours")."""
    punct = _FOLD_PUNCT_DECIMALS if decimals else _FOLD_PUNCT
    out = " ".join(punct.sub(" ", text.lower()).split())
    out = WAKE_PREFIX.sub("", out)
    changed = True
    while changed:
        changed = False
        for filler in FILLERS:
            if out.startswith(filler):
                out = out[len(filler) :]
                changed = True
    return out.replace(" please", "").strip()


# --- the NLU model ----------------------------------------------------------------------------------------
_SPLIT_DIGITS = re.compile(r"(?<=[0-9])(?=[a-z])|(?<=[a-z])(?=[0-9])")
_NUMERIC_NEXT = frozenset({"hundred", "hour", "minute", "second", "percent", "degree", "degrees", "point"})


def raw_words(text: str) -> list[tuple[str, int, int]]:
    """Lowercase words of ``text`` with their character spans (``%`` counts as the word "percent")."""
    lowered = text.lower().replace("’", "'")
    out: list[tuple[str, int, int]] = []
    for m in re.finditer(r"%|[a-z0-9]+(?:'[a-z]+)?(?:\.[0-9]+)?", lowered):
        token = m.group(0)
        if token == "%":
            out.append(("percent", m.start(), m.end()))
            continue
        for part in _SPLIT_DIGITS.split(token.replace("'", "")):
            if part:
                out.append((part, m.start(), m.end()))
    return out


def _is_numeric_context(words: Sequence[str], i: int) -> bool:
    """'one' is a number next to units or other numbers ("one hour", "twenty one"), not in "that one"."""
    nxt = words[i + 1] if i + 1 < len(words) else ""
    return nxt in _NUMERIC_NEXT


def model_words(words: Sequence[str], *, decimals: bool = False) -> tuple[list[str], list[int]]:
    """Raw words as model tokens (spelled numbers as digits); returns (tokens, index of the first source
    word of each token), so training keeps slot tags aligned when number words merge. ``decimals``: a
    number said with its decimals ("twenty point five", "20 point 5") is one token, "20.5", as the written
    number is (the parser reads so; the training data, built before, keeps them apart so that the shipped
    model's data is rebuilt bit for bit)."""
    tokens: list[str] = []
    source: list[int] = []
    i = 0
    n = len(words)
    while i < n:
        w = words[i]
        number = read_number(words, i) if w != "one" or _is_numeric_context(words, i) else None
        whole, used = (str(number[0]), number[1]) if number is not None else (w, 1)
        point = read_decimals(words, i + used) if decimals and (number or w.isdigit()) else None
        if number is not None or point is not None:
            tokens.append(f"{whole}.{point[0]}" if point else whole)
            source.append(i)
            i += used + (point[1] if point else 0)
            continue
        if w in {"a", "an"} and i + 1 < n and words[i + 1] == "hundred":
            tokens.append("100")
            source.append(i)
            i += 2
            continue
        tokens.append(w)
        source.append(i)
        i += 1
    return tokens, source


def model_tokens(text: str, *, decimals: bool = True) -> list[str]:
    """The NLU model's token list for ``text`` (wake phrase removed, numbers as digits, a number's spelled
    decimals joined to it unless ``decimals`` is off: see :func:`model_words`)."""
    tokens, _source = model_words(strip_wake([w for w, _s, _e in raw_words(text)]), decimals=decimals)
    return tokens


# --- the grammar matcher ----------------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def _spoken(text: str, strip: bool) -> tuple[str, ...]:
    words: list[str] = []
    for word, _start, _end in raw_words(text):
        if word.isdigit():
            words.extend(number_words(int(word)))
        elif word.replace(".", "", 1).isdigit():  # "2.5" -> two point five
            whole, _dot, frac = word.partition(".")
            words.extend([*number_words(int(whole or 0)), "point", *(number_words(int(d))[0] for d in frac)])
        else:
            words.append(word)
    return tuple(strip_wake(words)) if strip else tuple(words)


def spoken_words(text: str, *, strip_wake: bool = True) -> tuple[str, ...]:
    """The words of ``text`` as spoken: lowercase, punctuation gone, numbers as words, no wake phrase."""
    return _spoken(text, strip_wake)


# --- device names -----------------------------------------------------------------------------------------
_NAME_PUNCT = re.compile(r"[^\w\s]|_")
_NAME_FILLERS = frozenset({"the", "my", "a", "an", "all", "our", "please"})


@lru_cache(maxsize=8192)
def name_key(text: str) -> str:
    """Lower case, punctuation and possessives gone, leading fillers dropped, single spaces."""
    text = text.lower().replace("'s ", " ").replace("’s ", " ")
    words = _NAME_PUNCT.sub(" ", text).split()
    while words and words[0] in _NAME_FILLERS:
        words = words[1:]
    return " ".join(words)


# --- anonymization ----------------------------------------------------------------------------------------
_SCRUB_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?(?:[.,]\d+)?%?")


def scrub_tokens(text: str) -> list[str]:
    """Lowercase word tokens; contractions lose their apostrophe ("what's" -> "whats")."""
    lowered = text.lower().replace("\u2019", "'")
    return [t.replace("'", "") for t in _SCRUB_TOKEN.findall(lowered)]
