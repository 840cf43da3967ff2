"""Scrubbing: turn a home's rewrite pair into words from the closed vocabulary, or drop it.

Rules, in order:

1. Devices become generic slots. A device of the home (any of its names or aliases) named on *both* sides
   becomes its type, ``{light}`` (``{light:2}`` for a second light in the same request), so the fleet
   counts "kill the {light}" -> "turn off the {light}" once across every home's lights, and the pair says
   nothing about the home's names or rooms. A pair whose two sides name different devices is about this
   home's devices (a nickname, a wrong resolution): it is kept only if it is pure vocabulary as it stands
   (``kitchen lite`` -> ``kitchen light``), never with a slot on one side only.
2. Numbers: the same single value on both sides becomes ``{num}``; otherwise each number becomes its decade
   bucket (``{num:20-29}``).
3. Every other token must be a vocabulary word. The one exception is an ASR near-miss on the original side:
   both sides of the same length, the token within a small edit distance (or with the same metaphone key) of
   the vocabulary word in its place on the rewritten side.

Anything else drops the pair: no names, no media titles, no free text. The receiving home binds the slots to
its own devices (:mod:`edge.sync.instantiate`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import jellyfish
from rapidfuzz.distance import Levenshtein

from edge.lang import scrub_tokens
from edge.sync.vocabulary import DEVICE_TYPES, ROOMS, VOCABULARY, bucket_number, number_value

__all__ = [
    "DEFAULT_POLICY",
    "HomeDevice",
    "ScrubPolicy",
    "device_area",
    "device_type",
    "scrub_pair",
    "scrub_text",
]

_MAX_TOKENS = 16


@dataclass(frozen=True, slots=True)
class HomeDevice:
    """What the scrubber knows about one device: its spoken names, its type and its area."""

    names: tuple[str, ...]
    kind: str
    area: str = ""

    @classmethod
    def from_entity(
        cls, entity_id: str, name: str = "", area: str = "", aliases: Sequence[str] = ()
    ) -> HomeDevice:
        domain, _, object_id = entity_id.partition(".")
        spoken = name or object_id.replace("_", " ")
        return cls((spoken, *aliases), domain, area)


@dataclass(frozen=True, slots=True)
class ScrubPolicy:
    near_misses: bool = True  # keep an ASR near-miss of a vocabulary word on the original side
    max_tokens: int = _MAX_TOKENS


DEFAULT_POLICY = ScrubPolicy()


def device_type(device: HomeDevice) -> str:
    """The device's placeholder type: its kind when that is vocabulary, else ``device``."""
    kind = device.kind.lower().replace(" ", "_")
    return kind if kind in DEVICE_TYPES else "device"


def device_area(device: HomeDevice) -> str:
    """The device's area as a placeholder word (``living_room``), "" when it is not a listed room."""
    words = scrub_tokens(device.area)
    return "_".join(words) if words and all(w in ROOMS for w in words) else ""


def _device_phrases(devices: Sequence[HomeDevice]) -> list[tuple[list[str], int]]:
    """(phrase tokens, device index) for every name and alias, longest first."""
    out: list[tuple[list[str], int]] = []
    for i, device in enumerate(devices):
        for name in device.names:
            words = scrub_tokens(name)
            if words:
                out.append((words, i))
    out.sort(key=lambda item: -len(item[0]))
    return out


def _mark(tokens: list[str], phrases: list[tuple[list[str], int]]) -> list[str | int]:
    """Tokens with each device mention (longest match) replaced by the device's index."""
    out: list[str | int] = []
    i = 0
    while i < len(tokens):
        for words, device in phrases:
            if tokens[i : i + len(words)] == words:
                out.append(device)
                i += len(words)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _slot_labels(order: Iterable[int], devices: Sequence[HomeDevice]) -> dict[int, str]:
    """Device index -> ``{type}``, ``{type:2}``, ... in order of first mention."""
    labels: dict[int, str] = {}
    seen: dict[str, int] = {}
    for device in order:
        if device in labels:
            continue
        kind = device_type(devices[device])
        seen[kind] = seen.get(kind, 0) + 1
        labels[device] = f"{{{kind}}}" if seen[kind] == 1 else f"{{{kind}:{seen[kind]}}}"
    return labels


def _closed(tokens: list[str], same_number: float | None = None) -> list[str | None]:
    """Each token mapped into the closed vocabulary, or None when it has no place there."""
    out: list[str | None] = []
    for token in tokens:
        if token.startswith("{"):
            out.append(token)
            continue
        value = number_value(token)
        if value is not None:
            out.append("{num}" if value == same_number else bucket_number(value))
        elif token in VOCABULARY:
            out.append(token)
        else:
            out.append(None)
    return out


def _shared_number(original: list[str], rewritten: list[str]) -> float | None:
    """The value when each side holds exactly one number and it is the same one."""
    left = [v for v in map(number_value, original) if v is not None]
    right = [v for v in map(number_value, rewritten) if v is not None]
    return left[0] if len(left) == 1 and left == right else None


def scrub_text(
    text: str, devices: Iterable[HomeDevice] = (), policy: ScrubPolicy = DEFAULT_POLICY
) -> str | None:
    """One utterance in closed vocabulary (a device name that is not vocabulary as ``{type}``), or None."""
    devices = tuple(devices)
    phrases = [(w, i) for w, i in _device_phrases(devices) if not all(x in VOCABULARY for x in w)]
    marked = _mark(scrub_tokens(text), phrases)
    mapped = _closed([f"{{{device_type(devices[t])}}}" if isinstance(t, int) else t for t in marked])
    if not mapped or len(mapped) > policy.max_tokens or any(t is None for t in mapped):
        return None
    return " ".join(t for t in mapped if t is not None)


def _near_miss(token: str, target: str) -> bool:
    if len(token) < 3 or target not in VOCABULARY or number_value(token) is not None:
        return False
    if jellyfish.metaphone(token) == jellyfish.metaphone(target):
        return True
    return Levenshtein.distance(token, target) <= max(1, len(target) // 3)


def _scrub_tokens(original: list[str], rewritten: list[str], policy: ScrubPolicy) -> tuple[str, str] | None:
    same = _shared_number(original, rewritten)
    right = _closed(rewritten, same)
    left = _closed(original, same)
    if not right or not left or max(len(left), len(right)) > policy.max_tokens:
        return None
    if any(t is None for t in right):
        return None
    clean_rewritten = [t for t in right if t is not None]
    if any(t is None for t in left):
        if not policy.near_misses or len(left) != len(right):
            return None
        kept: list[str] = []
        for raw, closed, target in zip(original, left, clean_rewritten, strict=True):
            if closed is not None:
                kept.append(closed)
            elif not target.startswith("{") and _near_miss(raw, target):
                kept.append(raw)
            else:
                return None
        clean_left = kept
    else:
        clean_left = [t for t in left if t is not None]
    pair = " ".join(clean_left), " ".join(clean_rewritten)
    return None if pair[0] == pair[1] else pair


def scrub_pair(
    original: str,
    rewritten: str,
    devices: Iterable[HomeDevice] = (),
    policy: ScrubPolicy = DEFAULT_POLICY,
) -> tuple[str, str] | None:
    """The pair in closed vocabulary, or None (dropped). Identity pairs after scrubbing are dropped too."""
    devices = tuple(devices)
    left_tokens, right_tokens = scrub_tokens(original), scrub_tokens(rewritten)
    phrases = _device_phrases(devices)
    left, right = _mark(left_tokens, phrases), _mark(right_tokens, phrases)
    named = [t for t in right if isinstance(t, int)]
    if named and {t for t in left if isinstance(t, int)} == set(named):
        labels = _slot_labels(named, devices)
        slotted = _scrub_tokens(
            [labels[t] if isinstance(t, int) else t for t in left],
            [labels[t] if isinstance(t, int) else t for t in right],
            policy,
        )
        if slotted is not None:
            return slotted
    return _scrub_tokens(left_tokens, right_tokens, policy)
