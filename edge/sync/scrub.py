"""Scrubbing: turn a home's rewrite pair into words from the closed vocabulary, or drop it.

Rules, in order: device names and aliases that are not made of vocabulary words become their type and area
(``{light} in {kitchen}``); numbers become decade buckets; every other token must be a vocabulary word. The
one exception is an ASR near-miss on the original side (``kitchen lite`` -> ``kitchen light``): the pair
keeps the misheard token only when both sides have the same length, the token is within a small edit
distance (or has the same metaphone key) of the vocabulary word it is rewritten to, and nothing else
differs. Anything else drops the pair: no names, no media titles, no free text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import jellyfish
from rapidfuzz.distance import Levenshtein

from edge.sync.vocabulary import DEVICE_TYPES, ROOMS, VOCABULARY, bucket_number, number_value

__all__ = ["DEFAULT_POLICY", "HomeDevice", "ScrubPolicy", "normalize", "scrub_pair", "scrub_text"]

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?(?:[.,]\d+)?%?")
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


def normalize(text: str) -> list[str]:
    """Lowercase word tokens; contractions lose their apostrophe ("what's" -> "whats")."""
    lowered = text.lower().replace("\u2019", "'")
    return [t.replace("'", "") for t in _TOKEN.findall(lowered)]


def _type_of(device: HomeDevice) -> str:
    kind = device.kind.lower().replace(" ", "_")
    return kind if kind in DEVICE_TYPES else "device"


def _area_of(device: HomeDevice) -> str:
    words = normalize(device.area)
    return "_".join(words) if words and all(w in ROOMS for w in words) else ""


def _device_phrases(devices: Iterable[HomeDevice]) -> list[tuple[list[str], list[str]]]:
    """(phrase tokens, replacement tokens) for every name that is not pure vocabulary, longest first."""
    out: list[tuple[list[str], list[str]]] = []
    for device in devices:
        area = _area_of(device)
        replacement = [f"{{{_type_of(device)}}}"] + (["in", f"{{{area}}}"] if area else [])
        for name in device.names:
            words = normalize(name)
            if words and not all(w in VOCABULARY for w in words):
                out.append((words, replacement))
    out.sort(key=lambda item: -len(item[0]))
    return out


def _replace_devices(tokens: list[str], phrases: list[tuple[list[str], list[str]]]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for words, replacement in phrases:
            if tokens[i : i + len(words)] == words:
                out.extend(replacement)
                i += len(words)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _closed(tokens: list[str]) -> list[str | None]:
    """Each token mapped into the closed vocabulary, or None when it has no place there."""
    out: list[str | None] = []
    for token in tokens:
        if token.startswith("{"):
            out.append(token)
            continue
        value = number_value(token)
        if value is not None:
            out.append(bucket_number(value))
        elif token in VOCABULARY:
            out.append(token)
        else:
            out.append(None)
    return out


def _prepare(text: str, devices: Iterable[HomeDevice]) -> list[str]:
    return _replace_devices(normalize(text), _device_phrases(devices))


def scrub_text(
    text: str, devices: Iterable[HomeDevice] = (), policy: ScrubPolicy = DEFAULT_POLICY
) -> str | None:
    """The utterance in closed vocabulary, or None if any token falls outside it."""
    mapped = _closed(_prepare(text, devices))
    if not mapped or len(mapped) > policy.max_tokens or any(t is None for t in mapped):
        return None
    return " ".join(t for t in mapped if t is not None)


def _near_miss(token: str, target: str) -> bool:
    if len(token) < 3 or target not in VOCABULARY or number_value(token) is not None:
        return False
    if jellyfish.metaphone(token) == jellyfish.metaphone(target):
        return True
    return Levenshtein.distance(token, target) <= max(1, len(target) // 3)


def scrub_pair(
    original: str,
    rewritten: str,
    devices: Iterable[HomeDevice] = (),
    policy: ScrubPolicy = DEFAULT_POLICY,
) -> tuple[str, str] | None:
    """The pair in closed vocabulary, or None (dropped). Identity pairs after scrubbing are dropped too."""
    devices = tuple(devices)
    clean_rewritten = scrub_text(rewritten, devices, policy)
    if clean_rewritten is None:
        return None
    orig_tokens = _prepare(original, devices)
    mapped = _closed(orig_tokens)
    if not mapped or len(mapped) > policy.max_tokens:
        return None
    if any(t is None for t in mapped):
        rew_tokens = clean_rewritten.split()
        if not policy.near_misses or len(rew_tokens) != len(mapped):
            return None
        kept: list[str] = []
        for raw, closed, target in zip(orig_tokens, mapped, rew_tokens, strict=True):
            if closed is not None:
                kept.append(closed)
            elif _near_miss(raw, target):
                kept.append(raw)
            else:
                return None
        clean_original = " ".join(kept)
    else:
        clean_original = " ".join(t for t in mapped if t is not None)
    if clean_original == clean_rewritten:
        return None
    return clean_original, clean_rewritten
