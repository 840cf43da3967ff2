"""Would the words said have worked? What the device can tell for itself: the heard words repaired toward the
home's own vocabulary (each unknown word, or a stretch around it, replaced by the registry's or everyday
requests' nearest word or name in sound) and the repair parsed by the runtime's NLU. A misheard request
whose repair parses and acts on a device was likely misheard (asr); a garble whose repair still does not
parse was likely not understood (nlu). Failure-point features (:data:`REPAIR_FEATURES`).

Only defective turns with an unknown word are parsed, once per (home, text) (:class:`RepairParser`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from edge.context.model import ContextSnapshot, Device, Satellite
from edge.feedback.record import TurnRecord
from edge.lang import fold
from edge.learning.canonical import Lexicon
from edge.learning.edits import SOUND_ALIKE, sounds_alike
from edge.nlu.parse_result import ParseResult

__all__ = [
    "REPAIR_FEATURES",
    "Analyser",
    "Repair",
    "RepairParser",
    "registry_snapshot",
    "repair",
    "repair_features",
]

REPAIR_FEATURES = (
    "rep_words",
    "rep_alike",
    "rep_parsed",
    "rep_conf",
    "rep_margin",
    "rep_acts",
    "rep_differs",
)
_MAX_NAME_WORDS = 3


class Analyser(Protocol):
    def analyse(self, text: str, snapshot: ContextSnapshot) -> ParseResult: ...


@dataclass(frozen=True, slots=True)
class Repair:
    """The repaired text, how many heard words were replaced and how alike in sound (mean, 0..1)."""

    text: str
    words: int = 0
    alike: float = 0.0


def _vocabulary(lexicon: Lexicon, carrier: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(lexicon.words) | set(carrier)))


def repair(said: str, lexicon: Lexicon, carrier: Iterable[str]) -> Repair:
    """Each unknown word (not a registry, area or everyday request word, not a number), left to right:
    the stretch of up to three words around it that sounds most like a device name or alias, or the
    single nearest known word, when it sounds alike (:data:`edge.learning.edits.SOUND_ALIKE` or more)."""
    vocab = _vocabulary(lexicon, carrier)
    known = set(vocab)
    words = fold(said).split()
    taken = [False] * len(words)
    spans: dict[int, tuple[int, str, float]] = {}  # start -> (length, replacement, how alike)
    for i, w in enumerate(words):
        if w in known or w.isdigit() or taken[i]:
            continue
        best: tuple[int, int, str, float] = (i, 1, w, 0.0)
        for name in lexicon.names:
            n = len(name.split())
            if n > _MAX_NAME_WORDS:
                continue
            for length in {n, max(1, n - 1), n + 1}:  # a name heard as one word more or less
                for start in range(max(0, i - length + 1), min(i, len(words) - length) + 1):
                    if any(taken[start : start + length]):
                        continue
                    s = sounds_alike(" ".join(words[start : start + length]), name)
                    if s > best[3]:
                        best = (start, length, name, s)
        for k in vocab:
            s = sounds_alike(w, k)
            if s > best[3]:
                best = (i, 1, k, s)
        start, length, text, s = best
        if s >= SOUND_ALIKE:
            spans[start] = (length, text, s)
            taken[start : start + length] = [True] * length
    out: list[str] = []
    i = 0
    while i < len(words):
        if i in spans:
            out.append(spans[i][1])
            i += spans[i][0]
        else:
            out.append(words[i])
            i += 1
    sims = [s for _, _, s in spans.values()]
    replaced = sum(n for n, _, _ in spans.values())
    return Repair(" ".join(out), replaced, sum(sims) / len(sims) if sims else 0.0)


def registry_snapshot(devices: Mapping[str, Device], area: str = "") -> ContextSnapshot:
    """The home's registry as the NLU sees it, without states (a rebuild labels turns of many moments):
    the same in training and on the device."""
    areas = tuple(dict.fromkeys(d.area for d in devices.values() if d.area))
    return ContextSnapshot(0, Satellite(area=area), devices, {}, datetime(2024, 1, 1, 12), areas)


@dataclass(slots=True)
class RepairParser:
    """The NLU on repaired text for one home's snapshot, each text parsed once."""

    parser: Analyser
    snapshot: ContextSnapshot
    _cache: dict[str, ParseResult] = field(default_factory=dict)

    def analyse(self, text: str) -> ParseResult:
        if (hit := self._cache.get(text)) is None:
            hit = self._cache[text] = self.parser.analyse(text, self.snapshot)
        return hit


def repair_features(
    turn: TurnRecord, lexicon: Lexicon, carrier: Iterable[str], nlu: RepairParser | None
) -> list[float]:
    """:data:`REPAIR_FEATURES`: words replaced, how alike, the repair was parsed, its intent's confidence
    and margin, it acts (an intent, and devices when the intent takes them), it differs from what the turn
    understood (intent or devices). Nothing replaced (or no NLU): the turn's own reading."""
    said = turn.asr_text or turn.text
    fixed = repair(said, lexicon, carrier) if said.strip() else Repair(said)
    own = [
        0.0,
        0.0,
        0.0,
        turn.intent_confidence,
        turn.intent_margin,
        float(turn.intent is not None and bool(turn.targets)),
        0.0,
    ]
    if not fixed.words or nlu is None:
        return own
    result = nlu.analyse(fixed.text)
    intent = result.intent
    acts = intent is not None and bool(intent.targets)
    differs = intent is not None and (intent.name != turn.intent or set(intent.targets) != set(turn.targets))
    return [
        float(fixed.words),
        fixed.alike,
        1.0,
        result.confidence if intent is not None else 0.0,
        intent.margin if intent is not None else 0.0,
        float(acts),
        float(differs),
    ]
