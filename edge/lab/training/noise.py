"""ASR-like noise on token lists: dropped articles, homophones, misheard device names, misspelt words (typed
or transcribed: a letter dropped, doubled, swapped or a vowel changed), fillers, forms of address (an
assistant name the wake-word stripper does not know)."""

from __future__ import annotations

import random
from dataclasses import replace

from edge.lab.training.examples import Example

__all__ = ["add_noise"]

_DROPPABLE = {"the", "a", "an", "please", "my", "to", "of"}
_HOMOPHONES = {
    "off": "of",
    "pause": "paws",
    "lights": "light",
    "light": "lights",
    "to": "too",
    "their": "there",
    "brew": "bru",
    "whats": "what",
    "its": "it",
    "im": "i",
    "turn": "turned",
    "dim": "them",
    "mute": "mood",
    "louder": "lauder",
    "oven": "often",
    "heat": "hit",
    "next": "necks",
    "timer": "time",
    "on": "in",
}
_FILLERS = ("um", "uh", "okay", "so", "hey", "please", "ok", "well")
_ADDRESS = ("hey google", "siri", "assistant", "computer", "system", "hey there", "excuse me")
# A correction in front of a request said again ("no, turn ON the light"): it must not flip the request.
_CORRECTIONS = ("no", "no no", "no i said", "i said", "no i meant", "sorry i meant", "not that")
_NOT_COMMANDS = frozenset({"OutOfDomain", "Confirm", "Deny", "HassNevermind", "UndoLast", "ForgetTaught"})
_CONFUSIONS = (("c", "k"), ("ph", "f"), ("s", "z"), ("ee", "ea"), ("er", "a"), ("ight", "ite"), ("ou", "ow"))


def _mishear(token: str, rng: random.Random) -> str:
    pairs = [(a, b) for a, b in _CONFUSIONS if a in token] + [(b, a) for a, b in _CONFUSIONS if b in token]
    if pairs:
        a, b = rng.choice(pairs)
        return token.replace(a, b, 1)
    if len(token) > 4:
        i = rng.randrange(1, len(token) - 1)
        return token[:i] + token[i + 1 :]
    return token


def _misspell(token: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(token) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return token[:i] + token[i + 1 :]
    if kind == 1:
        return token[:i] + token[i] + token[i:]
    if kind == 2:
        return token[: i - 1] + token[i] + token[i - 1] + token[i + 1 :]
    vowels = [j for j, ch in enumerate(token) if ch in "aeiou"]
    if not vowels:
        return token
    j = rng.choice(vowels)
    return token[:j] + rng.choice([v for v in "aeiou" if v != token[j]]) + token[j + 1 :]


def add_noise(ex: Example, rng: random.Random) -> Example:
    tokens = list(ex.tokens)
    tags = list(ex.tags)
    out_t: list[str] = []
    out_g: list[str] = []
    for original, tag in zip(tokens, tags, strict=True):
        if tag == "O" and original in _DROPPABLE and rng.random() < 0.4:
            continue
        tok = original
        if tok in _HOMOPHONES and rng.random() < 0.12:
            tok = _HOMOPHONES[tok]
        if tag != "O" and tag[2:] in {"name", "area"} and rng.random() < 0.15:
            tok = _mishear(tok, rng)
        elif len(tok) > 3 and tok.isalpha() and rng.random() < 0.06:
            tok = _misspell(tok, rng)
        out_t.append(tok)
        out_g.append(tag)
    if not out_t:
        return ex
    # a dropped B- leaves an I- first: repair
    for i, tag in enumerate(out_g):
        if tag.startswith("I-") and (i == 0 or out_g[i - 1][2:] != tag[2:]):
            out_g[i] = "B-" + tag[2:]
    if ex.intent not in _NOT_COMMANDS and rng.random() < 0.05:
        words = rng.choice(_CORRECTIONS).split()
        out_t[:0] = words
        out_g[:0] = ["O"] * len(words)
    elif rng.random() < 0.2:
        out_t.insert(0, rng.choice(_FILLERS))
        out_g.insert(0, "O")
    elif rng.random() < 0.08:  # an unknown wake word or form of address first
        words = rng.choice(_ADDRESS).split()
        out_t[:0] = words
        out_g[:0] = ["O"] * len(words)
    if rng.random() < 0.1:
        out_t.append(rng.choice(_FILLERS))
        out_g.append("O")
    return replace(ex, tokens=tuple(out_t), tags=tuple(out_g), source=ex.source + "+noise")
