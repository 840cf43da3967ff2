"""Home Assistant's English sentence templates (``home-assistant-intents``, CC BY 4.0) as training data.

Every intent of the package is sampled, with enough examples per intent to learn it
(:func:`per_template`: at least ``min_per_intent`` from an intent with few templates). Templates are
expanded with the project's own sampler (:mod:`edge.nlu.grammar`), the package's lists, and our pools for
the wildcard lists (``message``, ``zone``, ``timer_command``, ``search_query``, ``todo_list_item``,
``timer_name``) and for names (by the template's required domain). Bare temperature questions and settings
become context-dependent (the oven when it runs, as our templates). HA's test sentences are never read here.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any

from edge.lab.training.examples import Example, from_sample
from edge.lab.training.pools import ITEMS, MUSIC, TIMER_NAMES, TITLES, Pools
from edge.lab.training.pools_ha import MESSAGES, TIMER_COMMANDS, ZONES
from edge.lab.training.templates import FAMILIES
from edge.nlu.grammar import Template, parse_template, sample

__all__ = ["KEEP_SLOTS", "ha_examples", "load_en", "per_template"]

KEEP_SLOTS = frozenset(
    {
        "name", "area", "floor", "brightness", "color", "temperature", "position", "volume_level",
        "volume_step", "search_query", "hours", "minutes", "seconds", "item", "state", "device_class",
        "drink", "trigger", "action", "preference", "percentage", "fan_mode", "message", "start_hours",
        "start_minutes", "start_seconds", "conversation_command",
    }
)  # fmt: skip
_DEFAULT_FOCUS = {
    "HassClimateGetTemperature": "climate",
    "HassClimateSetTemperature": "climate",
    "HassClimateSetFanMode": "climate",
    "HassSetPosition": "cover",
    "HassVacuumStart": "vacuum",
    "HassVacuumReturnToBase": "vacuum",
    "HassVacuumCleanArea": "vacuum",
    "HassLightSet": "light",
    "HassFanSetSpeed": "fan",
    "HassLawnMowerStartMowing": "lawn_mower",
    "HassLawnMowerDock": "lawn_mower",
}
_WILDCARDS: Mapping[str, tuple[str, ...]] = {
    "search_query": TITLES + MUSIC,
    "timer_name": TIMER_NAMES,
    "shopping_list_item": ITEMS,
    "todo_list_item": ITEMS,
    "message": MESSAGES,
    "zone": ZONES,
    "timer_command": TIMER_COMMANDS,
}
_WEIGHT = {"HassGetState": 3}  # state questions about every domain: the largest and most varied intent
_MUSIC_CLASSES = {"artist", "album", "track", "playlist"}
_NO_FOCUS = frozenset({"todo", "weather", "assist_satellite", "shopping_list"})


def per_template(sentences: int, base: int, min_per_intent: int) -> int:
    """Samples per template of an intent with ``sentences`` templates: ``base``, more for an intent with
    few templates so that it has at least ``min_per_intent`` examples."""
    return max(base, math.ceil(min_per_intent / max(1, sentences)))


class _Skip(Exception):
    """A template needs a list we do not generate."""


def load_en() -> dict[str, Any] | None:
    try:
        data = resources.files("home_assistant_intents").joinpath("data/en.json").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None
    loaded: dict[str, Any] = json.loads(data)
    return loaded


def _list_sampler(
    lists: Mapping[str, Any], pools: Pools, domains: tuple[str, ...], picked: dict[str, str]
) -> Callable[[str, random.Random], tuple[str, str]]:
    def sampler(name: str, rng: random.Random) -> tuple[str, str]:
        if name == "area":
            return (value := rng.choice(pools.areas)), value
        if name == "floor":
            return (value := rng.choice(pools.floors)), value
        if name == "name":
            label, domain = pools.name(rng, domains)
            picked["domain"] = domain
            return label, label
        if name in _WILDCARDS:
            return (value := rng.choice(_WILDCARDS[name])), value
        spec = lists.get(name)
        if spec is None or spec.get("wildcard"):
            raise _Skip(name)
        if "range" in spec:
            r = spec["range"]
            lo, hi, step = int(r.get("from", 0)), int(r.get("to", 100)), int(r.get("step", 1))
            number = rng.randrange(lo, hi + 1, step)
            text = str(number) + (".5" if r.get("fractions") == "halves" and rng.random() < 0.1 else "")
            sign = "-" if r.get("multiplier", 1) < 0 else ""
            return text, sign + text
        value = rng.choice(spec["values"])
        spoken = sample(parse_template(str(value["in"])), sampler, {}, rng).text
        picked[name] = str(value.get("out", value["in"]))
        return spoken, picked[name]

    return sampler


def _label(
    intent: str,
    spans: tuple[tuple[int, int, str, str], ...],
    fixed: Mapping[str, Any],
    picked: Mapping[str, str],
) -> Callable[[Mapping[str, float]], tuple[str, str, str]] | None:
    slots = {slot for _s, _e, slot, _v in spans}
    media = picked.get("media_class", "")
    media = "music" if media in _MUSIC_CLASSES else media
    focus = str(fixed.get("domain", "")) or picked.get("domain", "") or _DEFAULT_FOCUS.get(intent, "")
    if intent.startswith("HassMedia") or intent in {"HassSetVolume", "HassSetVolumeRelative"}:
        focus = focus or "media_player"
    focus = "" if focus in _NO_FOCUS else focus
    if intent == "HassClimateGetTemperature" and not slots & {"name", "area", "floor"}:
        return FAMILIES["ctx_temp_query"].label
    if intent == "HassClimateSetTemperature" and not slots & {"name", "area", "floor"}:
        return FAMILIES["ctx_temp_set"].label
    if intent == "HassMediaSearchAndPlay" and not media:
        return None  # the media class of a bare title depends on context: our own templates teach that
    return lambda _facts: (intent, focus, media)


def ha_examples(
    data: Mapping[str, Any],
    pools: Pools,
    rng: random.Random,
    base: int = 3,
    min_per_intent: int = 300,
) -> list[Example]:
    rules: dict[str, Template] = {k: parse_template(v) for k, v in data["expansion_rules"].items()}
    out: list[Example] = []
    for intent, body in data["intents"].items():
        sentences = sum(len(block["sentences"]) for block in body["data"])
        repeat = per_template(sentences, base, min_per_intent) * _WEIGHT.get(intent, 1)
        for block in body["data"]:
            fixed = block.get("slots") or {}
            context = block.get("requires_context") or {}
            domains = tuple(context.get("domain") or ())
            if isinstance(fixed.get("domain"), str):
                domains = domains or (fixed["domain"],)
            for sentence in block["sentences"]:
                template = parse_template(sentence)
                for _ in range(repeat):
                    picked: dict[str, str] = {}
                    try:
                        generated = sample(
                            template, _list_sampler(data["lists"], pools, domains, picked), rules, rng
                        )
                    except _Skip:
                        break
                    label = _label(intent, generated.spans, fixed, picked)
                    if label is None:
                        break
                    ex = from_sample(
                        generated,
                        label,
                        rng,
                        name_domain=picked.get("domain", ""),
                        source="ha",
                        keep_slots=KEEP_SLOTS,
                    )
                    if ex is not None:
                        out.append(ex)
    return out
