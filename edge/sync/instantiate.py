"""The device side of released pairs: bind the fleet's generic pairs to this home's own devices.

A released pair is in the closed vocabulary with placeholders (:mod:`edge.sync.scrub`):

- a device slot: ``{light}``, ``{light:2}`` (a second light in the same request), or the older form
  ``{light} in {bedroom}`` (a light in the bedroom);
- a number: ``{num}`` (the same value on both sides) or a decade bucket ``{num:20-29}``.

The receiving home instantiates each pair against its registry: every assignment of its own devices to the
device slots (distinct slots take distinct devices; type and area must fit; a device of a kind the catalogue
calls safety-critical never binds) and of numbers to the number slots (one value per slot, the same on both
sides) gives one concrete pair in the home's words: registry names (the rewriter maps aliases to names
before it looks a request up) and digits (as canonical requests have them). A pair whose two sides do not
hold the same placeholders cannot be bound from what the user said and is skipped. Pairs without
placeholders are used as they are. When several released pairs instantiate to the same concrete request,
the best-scored one wins.

A released pair the safety rules forbid for learned text (undo, unlock, open, disarm, a safety device type:
:func:`edge.learning.globaltable.refused_for_learning`) is dropped before binding, whatever the fleet sent.
:class:`RegistryGlobalLayer` loads the installed layer only through :func:`edge.sync.installed.load_installed`
(signature re-verified, table file byte-identical to the signed text, on every load) and caches the bound
table per registry; :class:`BoundRewriter` gives the learning
rewriter the table bound to the registry of the snapshot it is called with, so a device added or renamed at
run time is covered without a restart.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edge.context.model import ContextSnapshot, Device
from edge.errors import ConfigError
from edge.feedback.record import Offer
from edge.learning.canonical import canonicalize
from edge.learning.globaltable import GlobalTable as BoundTable
from edge.learning.globaltable import refused_for_learning
from edge.learning.rewriter import LearnedRewriter, RewriteResult
from edge.nlu.catalogue import is_safety_critical
from edge.sync.installed import load_installed
from edge.sync.scrub import HomeDevice, device_area, device_type
from edge.sync.vocabulary import DEVICE_TYPES, ROOMS

__all__ = [
    "BoundRewriter",
    "RegistryGlobalLayer",
    "TemplatePair",
    "bind_table",
    "instantiate",
    "parse_templates",
]

MAX_PER_PAIR = 2_000  # concrete pairs one released pair may expand to in one home
MAX_TOTAL = 60_000
_SLOT = re.compile(r"^\{([a-z_]{1,24})(?::(\d{1,2}))?\}$")
_NUM = re.compile(r"^\{num(?::(\d{1,3})(?:-(\d{1,3})|(\+)))?\}$")
ANY_NUMBER = range(101)


@dataclass(frozen=True, slots=True)
class TemplatePair:
    """One released pair, placeholders and all."""

    original: str
    rewritten: str
    homes: int
    score: float


@dataclass(frozen=True, slots=True)
class _Device:
    name: str
    kind: str  # the scrubber's device type
    area: str  # the scrubber's area form ("living_room"), "" when not a known room


@dataclass(frozen=True, slots=True)
class _Slot:
    label: str  # "{light}", "{light:2}", "{num}", "{num:20-29}"
    kind: str  # device type, or "num"
    area: str = ""  # the older "{type} in {area}" form
    values: range = range(0)  # numbers


def _parse_side(text: str) -> tuple[list[str | _Slot], set[str]] | None:
    """Tokens and slots of one side; None when a placeholder is not one this device understands."""
    tokens = text.split()
    out: list[str | _Slot] = []
    labels: set[str] = set()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not tok.startswith("{"):
            out.append(tok)
            i += 1
            continue
        num = _NUM.match(tok)
        if num:
            low, high, plus = num.groups()
            if low is None:
                values = ANY_NUMBER
            elif plus:
                values = range(int(low), int(low) + 1)
            else:
                values = range(int(low), int(high) + 1)
            slot = _Slot(tok, "num", values=values)
            i += 1
        else:
            m = _SLOT.match(tok)
            if m is None or (m.group(1) not in DEVICE_TYPES and m.group(1) != "device"):
                return None
            area = ""
            nxt = tokens[i + 1 : i + 3]
            if len(nxt) == 2 and nxt[0] == "in" and _SLOT.match(nxt[1]):
                room = nxt[1][1:-1]
                if all(w in ROOMS for w in room.split("_")):
                    area = room
            slot = _Slot(f"{tok} in {{{area}}}" if area else tok, m.group(1), area)
            i += 3 if area else 1
        out.append(slot)
        labels.add(slot.label)
    return out, labels


def _candidates(slot: _Slot, devices: Sequence[_Device]) -> list[str | int]:
    if slot.kind == "num":
        return list(slot.values)
    return [d.name for d in devices if d.kind == slot.kind and (not slot.area or d.area == slot.area)]


def _render(side: list[str | _Slot], binding: Mapping[str, str | int]) -> str:
    return " ".join(t if isinstance(t, str) else str(binding[t.label]) for t in side)


def _bindings(slots: list[_Slot], devices: Sequence[_Device]) -> Iterator[dict[str, str | int]]:
    options = [_candidates(s, devices) for s in slots]
    count = 0
    for combo in itertools.product(*options):
        names = [v for s, v in zip(slots, combo, strict=True) if s.kind != "num"]
        if len(set(names)) != len(names):
            continue  # two device slots are two devices
        yield {s.label: v for s, v in zip(slots, combo, strict=True)}
        count += 1
        if count >= MAX_PER_PAIR:
            return


def _home_devices(devices: Iterable[Device]) -> list[_Device]:
    out = []
    for d in devices:
        if is_safety_critical(d):
            continue
        hd = HomeDevice.from_entity(d.entity_id, d.name, d.area, d.aliases)
        out.append(_Device(d.name, device_type(hd), device_area(hd)))
    return out


def instantiate(pairs: Iterable[TemplatePair], devices: Iterable[Device]) -> list[TemplatePair]:
    """The concrete pairs of this home in canonical form, best first (score, then homes): one per request,
    and never a chain (a target that another pair would rewrite again, or a request that is already a
    better pair's target: "turn the x on" -> "turn on the x" and back is one rule, not a loop)."""
    home = _home_devices(devices)
    best: dict[str, TemplatePair] = {}
    targets: set[str] = set()
    for pair in sorted(pairs, key=lambda p: (-p.score, -p.homes, p.original, p.rewritten)):
        if refused_for_learning(pair.original, pair.rewritten):
            continue
        left, right = _parse_side(pair.original), _parse_side(pair.rewritten)
        if left is None or right is None or left[1] != right[1]:
            continue
        slots = {t.label: t for t in left[0] if isinstance(t, _Slot)}
        for binding in _bindings(list(slots.values()), home):
            original = canonicalize(_render(left[0], binding))
            rewritten = canonicalize(_render(right[0], binding))
            if original in best or original in targets or rewritten in best or original == rewritten:
                continue
            best[original] = TemplatePair(original, rewritten, pair.homes, pair.score)
            targets.add(rewritten)
        if len(best) >= MAX_TOTAL:
            break
    return list(best.values())


def parse_templates(data: Mapping[str, Any]) -> tuple[str, list[TemplatePair]]:
    """(version, pairs) of a released table (the text :mod:`edge.sync.global_layer` writes)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("entries"), list):
        raise ConfigError(
            "global rewrite table has no 'entries' list",
            hint="learning.global_table must point at a table released by the fleet",
        )
    pairs = []
    for raw in data["entries"]:
        try:
            pairs.append(
                TemplatePair(
                    str(raw["original"]),
                    str(raw["rewritten"]),
                    int(raw.get("homes", 0)),
                    float(raw.get("score", 0.0)),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # the learning table counts malformed entries as dropped
    return str(data.get("version", "")), pairs


def bind_table(data: Mapping[str, Any], devices: Iterable[Device], min_homes: int = 1) -> BoundTable:
    """The learning rewriter's global layer for this home (safety entries dropped by its loader)."""
    version, pairs = parse_templates(data)
    concrete = instantiate(pairs, devices)
    entries = [
        {"original": p.original, "rewritten": p.rewritten, "homes": p.homes, "score": p.score}
        for p in concrete
    ]
    return BoundTable.from_json({"version": version, "entries": entries}, min_homes)


def _registry_key(devices: Iterable[Device]) -> tuple[tuple[str, ...], ...]:
    return tuple(sorted((d.entity_id, d.name, d.domain, d.area, *d.aliases) for d in devices))


@dataclass(slots=True)
class RegistryGlobalLayer:
    """A released table and its bound form for the registry it was last asked about."""

    data: Mapping[str, Any]
    min_homes: int = 1
    _key: tuple[tuple[str, ...], ...] | None = field(default=None, init=False, repr=False)
    _table: BoundTable = field(default_factory=BoundTable, init=False, repr=False)

    @classmethod
    def load(cls, path: str | Path, *, public_key: str, min_homes: int = 1) -> RegistryGlobalLayer | None:
        """The installed layer at ``path``, its signature verified against ``public_key`` (the device's
        ``sync.public_key``) on this load; None when ``path`` is empty or the layer is not installed, not
        verifiable or edited on disk (said once in the log: the device runs without a global layer)."""
        if not str(path):
            return None
        data = load_installed(path, public_key)
        if data is None:
            return None
        try:
            parse_templates(data)
        except ConfigError:
            return None
        return cls(data, min_homes)

    def for_devices(self, devices: Iterable[Device]) -> BoundTable:
        devices = tuple(devices)
        key = _registry_key(devices)
        if key != self._key:
            self._table = bind_table(self.data, devices, self.min_homes)
            self._key = key
        return self._table


@dataclass(slots=True)
class BoundRewriter:
    """The learning rewriter with the global layer bound to the registry of each call's snapshot."""

    inner: LearnedRewriter
    layer: RegistryGlobalLayer

    def rewrite(
        self, text: str, snapshot: ContextSnapshot, asr_confidence: float, turn_id: str = ""
    ) -> RewriteResult | None:
        table = self.layer.for_devices(snapshot.devices.values())
        if table is not self.inner.global_table:
            self.inner.global_table = table  # the inner index is rebuilt when the registry changes
        return self.inner.rewrite(text, snapshot, asr_confidence, turn_id)

    def offer(
        self, text: str, snapshot: ContextSnapshot, refused: Collection[tuple[str, str]] = ()
    ) -> Offer | None:
        """The inner rewriter's "Did you mean ...?" (the household's own requests; no global layer)."""
        return self.inner.offer(text, snapshot, refused)
