"""Text as it is spoken: lowercase words with numbers written out ("20-ounce" -> "twenty ounce").

The grammar matcher compares what ASR wrote with what a grammar says in the sound domain, where "16" and
"sixteen" are the same and "60" ("sixty") is close to "sixteen". The NLU model's own normalization
(:mod:`edge.nlu.text`) goes the other way (words -> digits); each keeps its own job.
"""

from __future__ import annotations

from functools import lru_cache

import jellyfish

from edge.nlu.text import WAKE_PHRASES, raw_words

__all__ = ["number_words", "phonetic", "skeleton", "spoken_words"]

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(value: int) -> list[str]:
    """English words for 0 <= value < 1,000,000 ("350" -> three hundred fifty); digits beyond as is."""
    if value < 0 or value >= 1_000_000:
        return [str(value)]
    if value < 20:
        return [_ONES[value]]
    if value < 100:
        tens, ones = divmod(value, 10)
        return [_TENS[tens]] + ([_ONES[ones]] if ones else [])
    if value < 1000:
        hundreds, rest = divmod(value, 100)
        return [_ONES[hundreds], "hundred"] + (number_words(rest) if rest else [])
    thousands, rest = divmod(value, 1000)
    return [*number_words(thousands), "thousand"] + (number_words(rest) if rest else [])


@lru_cache(maxsize=4096)
def _spoken(text: str, strip_wake: bool) -> tuple[str, ...]:
    words: list[str] = []
    for word, _start, _end in raw_words(text):
        if word.isdigit():
            words.extend(number_words(int(word)))
        elif word.replace(".", "", 1).isdigit():  # "2.5" -> two point five
            whole, _dot, frac = word.partition(".")
            words.extend([*number_words(int(whole or 0)), "point", *(_ONES[int(d)] for d in frac)])
        else:
            words.append(word)
    if strip_wake:
        for phrase in WAKE_PHRASES:
            if tuple(words[: len(phrase)]) == phrase:
                return tuple(words[len(phrase) :])
    return tuple(words)


def spoken_words(text: str, *, strip_wake: bool = True) -> tuple[str, ...]:
    """The words of ``text`` as spoken: lowercase, punctuation gone, numbers as words, no wake phrase."""
    return _spoken(text, strip_wake)


@lru_cache(maxsize=16384)
def phonetic(words: str) -> str:
    """Metaphone key of each word of ``words`` (space separated), e.g. "light roast" -> "LFT RST"."""
    return " ".join(jellyfish.metaphone(w) or w for w in words.split())


_DIGRAPHS = (
    ("ph", "f"),
    ("ck", "k"),
    ("ch", "k"),
    ("sh", "s"),
    ("th", "t"),
    ("gh", ""),
    ("qu", "k"),
    ("x", "ks"),
)
_LETTERS = str.maketrans("cqyeiou", "kkaaaaa")


@lru_cache(maxsize=16384)
def skeleton(words: str) -> str:
    """A coarse sound key with spaces removed: vowels and spelling variants collapsed (c/ck/ch/q -> k,
    ph -> f, sh -> s, th -> t), consonant voicing kept.

    Coarser than metaphone on purpose, for word boundaries ASR moved ("skimmelk" / "skim milk") and
    spellings metaphone keeps apart ("maka" / "mocha" -> "maka").
    """
    text = "".join(ch for ch in words.lower() if ch.isalpha())
    for digraph, sound in _DIGRAPHS:
        text = text.replace(digraph, sound)
    text = text.translate(_LETTERS)
    text = "".join(ch for i, ch in enumerate(text) if ch != "h" or i == 0)
    return "".join(ch for i, ch in enumerate(text) if i == 0 or ch != text[i - 1])
