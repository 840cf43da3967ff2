"""Speaker-specific ASR confusions: each simulated speaker mishears some phrases the same way every time
("imagine dragons" -> "maj and dragons"), plus a little random noise. Pure given a ``random.Random``."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

from edge.lab.sim.prompt_effect import NO_PROMPT, Learned

__all__ = ["KNOWN_CONFUSIONS", "Ears", "SpeakerASR", "perturb_word"]


class Ears(Protocol):
    """A simulated speaker's ASR-error model: the hand-set :class:`SpeakerASR` or the measured
    :class:`edge.lab.sim.confusions_model.CalibratedASR`."""

    def hear(self, said: str, rng: random.Random, learned: Learned = NO_PROMPT) -> tuple[str, bool]:
        """What the recognizer outputs and whether it differs from ``said``; ``learned``: the requests the
        household's prompt holds before the fixed list (the calibrated model hears them better)."""
        ...

    def confidence(self, said: str, heard: str, rng: random.Random) -> float: ...

    def noise_confidence(self, rng: random.Random) -> float:
        """The recognizer's confidence when the wake word fired and nobody spoke (noise alone)."""
        ...


KNOWN_CONFUSIONS: dict[str, tuple[str, ...]] = {
    "imagine dragons": ("maj and dragons", "imagine drag ons"),
    "light": ("lite", "like"),
    "lights": ("lites", "likes"),
    "lamp": ("lamb", "lump"),
    "kitchen": ("kitten", "chicken"),
    "bedroom": ("bed room", "bedrum"),
    "living room": ("leaving room", "living rum"),
    "office": ("offense", "orifice"),
    "hallway": ("hell way", "hall weigh"),
    "speaker": ("speak her", "sneaker"),
    "coldplay": ("cold play", "gold play"),
    "fleetwood mac": ("fleet would mac", "fleetwood mack"),
    "daft punk": ("daft pink", "deft punk"),
    "fan": ("van", "fun"),
    "blinds": ("blends", "blind"),
    "thermostat": ("thermo stat", "termostat"),
    "nursery": ("nurse ery", "nursey"),
    "study": ("steady", "studdy"),
}
_VOWELS = "aeiou"


def perturb_word(word: str, rng: random.Random) -> str:
    """A plausible mishearing of one word: a vowel swapped or a letter doubled or dropped."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if word[i] in _VOWELS and kind < 0.5:
        return word[:i] + rng.choice([v for v in _VOWELS if v != word[i]]) + word[i + 1 :]
    if kind < 0.75:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


@dataclass(frozen=True, slots=True)
class SpeakerASR:
    """``confusions`` phrase -> how this speaker's phrase always comes out; ``rate`` how often it happens."""

    confusions: Mapping[str, str] = field(default_factory=dict)
    rate: float = 0.85
    noise: float = 0.03

    def __post_init__(self) -> None:
        object.__setattr__(self, "confusions", MappingProxyType(dict(self.confusions)))

    @classmethod
    def sample(cls, rng: random.Random, vocabulary: list[str], n: int = 2) -> SpeakerASR:
        """Pick ``n`` phrases of the home's vocabulary this speaker's voice trips the recognizer on."""
        phrases = sorted({p for p in vocabulary if p})
        rng.shuffle(phrases)
        out: dict[str, str] = {}
        for p in phrases[:n]:
            known = KNOWN_CONFUSIONS.get(p)
            if known:
                out[p] = rng.choice(known)
            else:
                words = p.split()
                k = rng.randrange(len(words))
                words[k] = perturb_word(words[k], rng)
                if " ".join(words) != p:
                    out[p] = " ".join(words)
        return cls(out, rate=rng.uniform(0.7, 0.95))

    def hear(self, said: str, rng: random.Random, learned: Learned = NO_PROMPT) -> tuple[str, bool]:
        """What the recognizer outputs and whether it differs from what was said (hand-set: no prompt
        effect, ``learned`` is not read)."""
        heard = said
        for phrase in sorted(self.confusions, key=len, reverse=True):
            if f" {phrase} " in f" {heard} " and rng.random() < self.rate:
                heard = f" {heard} ".replace(f" {phrase} ", f" {self.confusions[phrase]} ").strip()
        if rng.random() < self.noise:
            words = heard.split()
            k = rng.randrange(len(words))
            words[k] = perturb_word(words[k], rng)
            heard = " ".join(words)
        return heard, heard != said

    def confidence(self, said: str, heard: str, rng: random.Random) -> float:
        """A hand-set range: a mishearing comes with lower confidence."""
        misheard = heard != said
        return rng.uniform(0.4, 0.8) if misheard else rng.uniform(0.65, 0.98)

    def noise_confidence(self, rng: random.Random) -> float:
        """None: a false wake is a wake with nothing heard."""
        return 0.0
