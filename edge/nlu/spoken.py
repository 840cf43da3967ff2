"""Sound keys for the grammar matcher: metaphone per word and a coarser skeleton of a whole phrase.

The matcher compares what ASR wrote with what a grammar says in the sound domain: both sides are first
written as spoken (:func:`edge.lang.spoken_words`: "16" -> "sixteen"), then keyed here.
"""

from __future__ import annotations

from functools import lru_cache

import jellyfish

__all__ = ["phonetic", "skeleton"]


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
