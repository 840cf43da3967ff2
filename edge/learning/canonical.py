"""Canonical utterances: the states of the rephrase Markov chain and the keys of the rewrite tables.

Lowercase, wake word / fillers / punctuation stripped (``edge.lang.fold``), spoken numbers as digits,
device aliases replaced by the device's registry name. Pure; the :class:`Lexicon` comes from a snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from edge.context.model import ContextSnapshot, Device
from edge.lang import fold, numbers_to_digits
from edge.nlu.catalogue import is_safety_critical

__all__ = ["Canonicalizer", "Lexicon", "canonicalize"]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The home's words: alias phrase -> registry name, and every word the registry knows (for OOV)."""

    aliases: Mapping[tuple[str, ...], str] = field(default_factory=dict)
    words: frozenset[str] = frozenset()
    safety_names: frozenset[str] = frozenset()  # names/aliases of safety-critical devices
    names: frozenset[str] = frozenset()  # every device name and alias, normalized
    areas: frozenset[str] = frozenset()  # the rooms of the home's devices, normalized
    _longest: int = field(default=0, init=False, repr=False, compare=False)  # words in the longest alias
    _starts: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "aliases", MappingProxyType(dict(self.aliases)))
        object.__setattr__(self, "_longest", max((len(k) for k in self.aliases), default=0))
        object.__setattr__(self, "_starts", frozenset(k[0] for k in self.aliases if k))

    @classmethod
    def from_devices(cls, devices: Iterable[Device]) -> Lexicon:
        aliases: dict[tuple[str, ...], str] = {}
        words: set[str] = set()
        safety: set[str] = set()
        names: set[str] = set()
        areas: set[str] = set()
        for d in devices:
            areas.add(fold(d.area))
            name = fold(d.name)
            names.add(name)
            names.update(fold(a) for a in d.aliases)
            words.update(name.split())
            words.update(fold(d.area).split())
            if is_safety_critical(d):
                safety.add(name)
            for alias in d.aliases:
                said = fold(alias).split()
                key = tuple(numbers_to_digits(said))  # matched after the text's numbers became digits
                if key and " ".join(key) != name:
                    aliases[key] = name
                    words.update(said)
                    words.update(key)
                    if is_safety_critical(d):
                        safety.update({" ".join(said), " ".join(key)})
        return cls(
            aliases,
            frozenset(words),
            frozenset(safety),
            frozenset(n for n in names if n),
            frozenset(a for a in areas if a),
        )

    @classmethod
    def from_snapshot(cls, snapshot: ContextSnapshot | None) -> Lexicon:
        return cls() if snapshot is None else cls.from_devices(snapshot.devices.values())

    def replace_aliases(self, words: list[str]) -> list[str]:
        if not self.aliases:
            return words
        longest, starts = self._longest, self._starts
        out: list[str] = []
        i = 0
        while i < len(words):
            if words[i] not in starts:  # no alias begins here: the longest-match loop would find none
                out.append(words[i])
                i += 1
                continue
            for n in range(min(longest, len(words) - i), 0, -1):
                name = self.aliases.get(tuple(words[i : i + n]))
                if name is not None:
                    out.extend(name.split())
                    i += n
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def oov_rate(self, text: str, carrier_words: frozenset[str] = frozenset()) -> float:
        """Share of the content words that neither the registry nor the carrier vocabulary knows."""
        words = [w for w in fold(text).split() if not w.isdigit()]
        if not words or not self.words:
            return 0.0
        known = self.words | carrier_words
        return sum(w not in known for w in words) / len(words)


def canonicalize(text: str, lexicon: Lexicon | None = None) -> str:
    """The canonical form of a request ("Hey Jarvis, um, set the lamp to fifty" -> "set the lamp to 50")."""
    words = numbers_to_digits(fold(text).split())
    if lexicon is not None:
        words = lexicon.replace_aliases(words)
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class Canonicalizer:
    """:func:`canonicalize` with one lexicon, memoized by text: a home says the same few hundred things
    over and over, so a rebuild over a year's log canonicalizes each distinct text once."""

    lexicon: Lexicon | None = None
    cache: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __call__(self, text: str) -> str:
        out = self.cache.get(text)
        if out is None:
            out = self.cache[text] = canonicalize(text, self.lexicon)
        return out
