"""Training examples: tokens with BIO tags, intent, focus domain, media class and sampled context facts."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from edge.lang import model_words, raw_words
from edge.nlu.context_features import CONTEXT_FEATURES
from edge.nlu.grammar import Sample

__all__ = [
    "TURN_ON_MEANS",
    "Example",
    "constant",
    "dataset_digest",
    "facts_tuple",
    "from_sample",
    "random_facts",
]

TURN_ON_MEANS = {
    "vacuum": "HassVacuumStart",
    "coffee_maker": "CoffeeBrew",
    "lawn_mower": "HassLawnMowerStartMowing",
}


@dataclass(frozen=True, slots=True)
class Example:
    tokens: tuple[str, ...]
    tags: tuple[str, ...]  # "O", "B-slot", "I-slot"
    intent: str
    focus: str = ""  # implied device domain ("" none)
    media_class: str = ""
    facts: tuple[float, ...] = ()
    source: str = "template"


def random_facts(rng: random.Random) -> dict[str, float]:
    """A plausible random home state (consistent: playing video implies media playing, and so on)."""

    def b(p: float) -> bool:
        return rng.random() < p

    f: dict[str, bool] = {}
    f["oven_present"] = b(0.6)
    f["oven_on"] = f["oven_present"] and b(0.45)
    f["media_playing"] = b(0.45)
    kind = rng.random()
    f["media_playing_audio"] = f["media_playing"] and kind < 0.6
    f["media_playing_video"] = f["media_playing"] and kind >= 0.45
    f["media_paused"] = not f["media_playing"] and b(0.3)
    f["tv_on"] = f["media_playing_video"] or b(0.2)
    f["satellite_screen"] = b(0.4)
    f["area_lights_present"] = b(0.85)
    f["area_lights_on"] = f["area_lights_present"] and b(0.5)
    f["any_light_on"] = f["area_lights_on"] or b(0.4)
    f["thermostat_present"] = b(0.7)
    f["climate_on"] = f["thermostat_present"] and b(0.4)
    f["vacuum_present"] = b(0.4)
    f["vacuum_running"] = f["vacuum_present"] and b(0.2)
    f["cover_present"] = b(0.4)
    f["coffee_maker_present"] = b(0.3)
    f["fan_on"] = b(0.2)
    f["switch_on"] = b(0.3)
    f["area_known"] = b(0.85)
    out = {k: 1.0 if v else 0.0 for k, v in f.items()}
    bucket = rng.choice(("night", "morning", "afternoon", "evening"))
    for name in ("night", "morning", "afternoon", "evening"):
        out[f"time_{name}"] = 1.0 if name == bucket else 0.0
    return out


def constant(label: tuple[str, str, str]) -> Callable[[Mapping[str, float]], tuple[str, str, str]]:
    """A labelling rule that ignores the context."""

    def rule(_facts: Mapping[str, float]) -> tuple[str, str, str]:
        return label

    return rule


def facts_tuple(facts: Mapping[str, float]) -> tuple[float, ...]:
    return tuple(float(facts.get(n, 0.0)) for n in CONTEXT_FEATURES)


def from_sample(
    sample: Sample,
    label: Callable[[Mapping[str, float]], tuple[str, str, str]],
    rng: random.Random,
    *,
    name_domain: str = "",
    source: str = "template",
    keep_slots: frozenset[str] | None = None,
) -> Example | None:
    """Tokenize a generated sentence, tag its slot spans and label it under a random context."""
    words = raw_words(sample.text)
    if not words:
        return None
    raw_tags: list[str] = []
    for _w, start, end in words:
        tag = "O"
        for s_start, s_end, slot, _value in sample.spans:
            if start < s_end and end > s_start and (keep_slots is None or slot in keep_slots):
                tag = slot
                break
        raw_tags.append(tag)
    tokens, src = model_words([w for w, _s, _e in words])
    tags: list[str] = []
    prev = "O"
    prev_src_span: int | None = None
    for s in src:
        slot = raw_tags[s]
        if slot == "O":
            tags.append("O")
        else:
            span_id = _span_index(sample, words[s][1])
            same = prev == slot and prev_src_span == span_id
            tags.append(("I-" if same else "B-") + slot)
            prev_src_span = span_id
        prev = slot
    facts = random_facts(rng)
    intent, focus, media = label(facts)
    if focus == "*":
        focus = name_domain
    if intent == "HassTurnOn" and focus in TURN_ON_MEANS:
        intent = TURN_ON_MEANS[focus]  # "turn on the vacuum" starts it, as in Home Assistant
    if intent == "HassVacuumStart" and source != "hwu64" and "B-area" in tags:
        intent = "HassVacuumCleanArea"  # a vacuum sent to an area cleans that area (HA's convention)
    return Example(tuple(tokens), tuple(tags), intent, focus, media, facts_tuple(facts), source)


def _span_index(sample: Sample, char: int) -> int:
    for i, (start, end, _slot, _value) in enumerate(sample.spans):
        if start <= char < end:
            return i
    return -1


def dataset_digest(examples: Sequence[Example]) -> str:
    """SHA-256 of the examples in order (tokens, tags, labels, facts, source): equal data, equal digest."""
    h = hashlib.sha256()
    for e in examples:
        fields = (" ".join(e.tokens), " ".join(e.tags), e.intent, e.focus, e.media_class, e.source)
        h.update("\x1f".join(fields).encode())
        h.update(",".join(f"{f:g}" for f in e.facts).encode() + b"\x1e")
    return h.hexdigest()
