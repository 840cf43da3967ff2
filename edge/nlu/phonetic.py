"""Text keys for matching what ASR heard against device names: a phonetic key and a likeness score.

"kitchen lite" and "kitchen light" share a metaphone key; "living room lamb" is one letter from "lamp".
Both work on :func:`edge.lang.name_key` (the device-name form) and are cached: names repeat on every turn.
"""

from __future__ import annotations

from functools import lru_cache

import jellyfish
from rapidfuzz import fuzz

from edge.lang import name_key

__all__ = ["label_score", "phonetic_key"]


@lru_cache(maxsize=8192)
def phonetic_key(text: str) -> str:
    """Metaphone of each word (NYSIIS for words metaphone leaves empty), joined by spaces."""
    keys = []
    for word in name_key(text).split():
        key = (jellyfish.metaphone(word) or jellyfish.nysiis(word)) if word.isalpha() else word
        keys.append(key)
    return " ".join(keys)


@lru_cache(maxsize=65536)
def label_score(query: str, label: str) -> float:
    """How well ``query`` (heard) names ``label`` (a device name), in [0, 1]; 1.0 is an exact match."""
    q, lab = name_key(query), name_key(label)
    if not q or not lab:
        return 0.0
    if q == lab:
        return 1.0
    spelled = fuzz.ratio(q, lab) / 100.0
    # all heard words inside a longer name ("kitchen" vs "kitchen ceiling light") is a weaker hint
    tokens = fuzz.token_set_ratio(q, lab) / 100.0 * 0.88
    pq, pl = phonetic_key(q), phonetic_key(lab)
    sounds = 0.93 if pq and pq == pl else fuzz.ratio(pq, pl) / 100.0 * 0.85
    return round(max(spelled, tokens, sounds), 4)
