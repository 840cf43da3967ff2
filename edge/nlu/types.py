"""What the NLU hands to the planner: an intent with slots and resolved targets, or nothing for the home."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

__all__ = ["Intent", "Provenance"]


class Provenance(StrEnum):
    """Where a request came from. Only ``DIRECT`` (the user's own words, a plain "undo that" included) may
    ever lead to a command on a safety-critical device; every other value is something learned."""

    DIRECT = "direct"
    REWRITE = "rewrite"  # the personal rewrite table or retrieval
    GLOBAL = "global"  # the fleet's global rewrite layer
    MACRO = "macro"  # a taught phrase
    ALIAS = "alias"  # a learned name for a device
    PREFERENCE = "preference"  # something a stored preference decided
    UNKNOWN = "unknown"  # a source this version does not know: treated as learned (fail closed)

    @property
    def learned(self) -> bool:
        return self is not Provenance.DIRECT

    @classmethod
    def of_source(cls, source: str) -> Provenance:
        """``Intent.source`` as a provenance: "voice", "text", "domain", "direct" (the user's words) are
        direct; a source nobody declared is unknown, and so learned: a new path to the executor has to say
        it is the user's own words before it can ever reach a lock."""
        if source in _DIRECT_SOURCES:
            return cls.DIRECT
        return _LEARNED_SOURCES.get(source, cls.UNKNOWN)

    @staticmethod
    def strongest(values: Iterable[Provenance]) -> Provenance:
        """The provenance of several requests acted on together: learned when any of them is."""
        return next((v for v in values if v.learned), Provenance.DIRECT)


_LEARNED_SOURCES = {p.value: p for p in Provenance if p.learned}
_DIRECT_SOURCES = frozenset({"direct", "text", "voice", "domain"})


@dataclass(frozen=True, slots=True)
class Intent:
    """A parsed request.

    ``name`` is a catalogue intent (Home Assistant names where they exist, e.g. ``HassTurnOn``).
    ``slots`` maps slot names (``name``, ``area``, ``domain``, ``brightness``, ``temperature``, ...) to the
    text values heard. ``targets`` are registry entity_ids chosen by entity resolution (may be empty for
    intents without a device). ``confidence`` is the calibrated probability of the intent; ``margin`` its
    distance to the runner-up. ``source`` says where the request came from: "voice", "text", "domain" (the
    user's own words) or a learned source ("rewrite", "global", "macro", "alias", "preference"; see
    :class:`Provenance`), which can never lead to a command on a safety-critical device.
    ``needs_confirmation`` is set by the NLU when confidence is between ``nlu.reject_below`` and
    ``nlu.confirm_below``.
    """

    name: str
    slots: Mapping[str, str] = field(default_factory=dict)
    confidence: float = 1.0
    text: str = ""
    targets: tuple[str, ...] = ()
    margin: float = 1.0
    source: str = "text"
    target_scores: tuple[float, ...] = ()
    needs_confirmation: bool = False  # low confidence: ask "did you mean ...?" before acting

    def __post_init__(self) -> None:
        object.__setattr__(self, "slots", MappingProxyType(dict(self.slots)))

    @property
    def provenance(self) -> Provenance:
        return Provenance.of_source(self.source)

    @property
    def learned(self) -> bool:
        return self.provenance.learned

    def with_source(self, source: str) -> Intent:
        """The same request, marked as coming from ``source`` (e.g. "rewrite" once a rewrite produced it)."""
        return dataclasses.replace(self, source=source)

    def to_json(self) -> dict[str, Any]:
        return {
            "intent": self.name,
            "slots": dict(self.slots),
            "targets": list(self.targets),
            "confidence": round(self.confidence, 4),
        }
