"""Amounts said in words: "lights to half", "the lamp to full brightness", "dim the lamp to a quarter", "the
volume to max", "the heating to 21 and a half". The model has seen numbers there, so it was unsure of these
(asking "brighten or change?") or tagged no value ("how bright? say a percentage"), and "21 and a half" set
21. :func:`in_numbers` gives the words with each such amount as the percentage it means, for the parser to
read again (``NLUParser.analyse``: only where the first reading set no value, and only a reading that then
sets one stands); :func:`with_half` puts a half back on a temperature the tagger read without it. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from edge.nlu.types import Intent

__all__ = ["RELATIVE", "SETTERS", "in_numbers", "light_set", "light_step", "lit_reading", "with_half"]

SETTERS: Mapping[str, str] = {
    "HassLightSet": "brightness",
    "HassSetVolume": "volume_level",
    "HassSetPosition": "position",
}
"""The requests that set an amount, and the slot that holds it."""
RELATIVE = frozenset({"HassSetVolumeRelative", "LightBrighter", "LightDimmer"})
"""Requests that move an amount by a step: one said with an exact amount ("to half volume") sets it."""
_AMOUNTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("3", "quarters"), "75"),  # the model's tokens: "three" is "3"
    (("a", "quarter"), "25"),
    (("quarter",), "25"),
    (("half", "way"), "50"),  # "open the blinds half way"
    (("halfway",), "50"),
    (("half",), "50"),
    (("full",), "100"),
    (("maximum",), "100"),
    (("max",), "100"),
)
_BEFORE = frozenset({"to", "at", "on"})  # "to half", "at full", "on max"
_AFTER = frozenset({"brightness", "volume", "power", "way"})  # "half brightness", "full volume"
_ALWAYS = frozenset({"halfway", "way"})  # amounts said without "to": "open the blinds halfway"


def in_numbers(tokens: Sequence[str]) -> str | None:
    """``tokens`` with each amount said in words, after "to / at / on" or before "brightness / volume", as
    "N percent" ("to half" -> "to 50 percent"); None when there is none."""
    words = list(tokens)
    out: list[str] = []
    changed = False
    at = 0
    while at < len(words):
        for said, number in _AMOUNTS:
            end = at + len(said)
            if tuple(words[at:end]) != said:
                continue
            before = at > 0 and words[at - 1] in _BEFORE
            after = end < len(words) and words[end] in _AFTER
            if said[-1] in _ALWAYS and not before:
                out += ["to", number, "percent"]  # "open the blinds halfway": an amount wherever it is said
                at, changed = end, True
                break
            if before or after:
                out += [number, "percent"]
                at, changed = end, True
                break
        else:
            out.append(words[at])
            at += 1
    return " ".join(out) if changed else None


def with_half(slots: Mapping[str, str], tokens: Sequence[str]) -> dict[str, str]:
    """``slots`` with a temperature N said as "N and a half" made N.5 ("set the heating to 21 and a half")."""
    value = slots.get("temperature", "")
    out = dict(slots)
    for at in range(len(tokens) - 3):
        if tokens[at] == value and value.isdigit() and tuple(tokens[at + 1 : at + 4]) == ("and", "a", "half"):
            out["temperature"] = f"{value}.5"
    return out


_LIGHT_READINGS = frozenset({"LightBrighter", "LightDimmer", "HassTurnOn"})
_STEP_WORDS = frozenset({"brighter", "dimmer", "more", "less", "lighter", "darker", "up", "down"})
_STEP_VERBS = frozenset({"raise", "increase", "brighten", "dim", "lower", "decrease", "up", "down", "reduce"})


def light_set(intent: Intent, tokens: Sequence[str]) -> Intent | None:
    """ "put the office lamp on 100 percent", "the lamp on at full brightness" (read as brighter, or on): one
    "N percent" said of lights only is that brightness (``HassLightSet``); never a step ("by 20 percent",
    "20 percent brighter"), nor a brighter / dimmer said with a step verb ("raise the lights to full");
    None otherwise."""
    if intent.name not in _LIGHT_READINGS or not intent.targets:
        return None
    if not all(t.split(".", 1)[0] == "light" for t in intent.targets):  # HA domains
        return None
    at = [i for i in range(len(tokens) - 1) if tokens[i + 1] == "percent" and tokens[i].isdigit()]
    if len(at) != 1 or not 0 <= int(tokens[at[0]]) <= 100:
        return None
    before, after = tokens[at[0] - 1] if at[0] else "", tokens[at[0] + 2 : at[0] + 3]
    if before == "by" or set(after) & _STEP_WORDS:
        return None  # "brighten it by 20 percent", "20 percent brighter": a step, not a level
    if intent.name != "HassTurnOn" and set(tokens) & _STEP_VERBS:
        return None  # "raise the lights to full": the model's step stands (its amount moves it there)
    said = [tokens[at[0]]]
    return replace(intent, name="HassLightSet", slots={**intent.slots, "brightness": said[0]})


def lit_reading(readings: Sequence[Intent], tokens: Sequence[str]) -> Intent | None:
    """The model unsure between turning lights on, brightening them or changing them ("put the porch light on
    100 percent"): with one level said, both readings mean that level (:func:`light_set`) on the same
    lights."""
    if len(readings) != 2 or {r.name for r in readings} - _LIGHT_READINGS - {"HassLightSet"}:
        return None
    if set(readings[0].targets) != set(readings[1].targets):
        return None
    first = next((r for r in readings if r.name in _LIGHT_READINGS), None)
    return light_set(first, tokens) if first is not None else None


_UP = frozenset({"brighter", "lighter", "more", "up", "raise", "increase", "brighten"})
_DOWN = frozenset({"dimmer", "darker", "less", "down", "lower", "decrease", "dim", "reduce"})


def light_step(readings: Sequence[Intent], tokens: Sequence[str]) -> Intent | None:
    """ "make the pendant 20 percent brighter", "dim the lamp by 10 percent" read as a level (or unsure
    between a level and a step): a step of that many percent (``LightBrighter`` / ``LightDimmer`` with the
    ``brightness`` step), up or down as the words say, on the same lights; None when the words say no step
    or no direction, or the readings are not of lights."""
    names = {r.name for r in readings}
    if not readings or names - _LIGHT_READINGS - {"HassLightSet"} or "HassLightSet" not in names:
        return None
    targets = set(readings[0].targets)
    if not targets or any(set(r.targets) != targets for r in readings):
        return None
    if not all(t.split(".", 1)[0] == "light" for t in targets):
        return None
    at = [i for i in range(len(tokens) - 1) if tokens[i + 1] == "percent" and tokens[i].isdigit()]
    if len(at) != 1 or not 0 < int(tokens[at[0]]) <= 100:
        return None
    before, after = tokens[at[0] - 1] if at[0] else "", set(tokens[at[0] + 2 : at[0] + 3])
    if before != "by" and not after & (_STEP_WORDS - {"up", "down"}):
        return None  # "set the lamp to 20 percent": a level
    words = set(tokens)
    up, down = bool(words & _UP), bool(words & _DOWN)
    if up == down:
        return None  # no direction said, or both
    first = readings[0]
    return replace(
        first,
        name="LightBrighter" if up else "LightDimmer",
        slots={**{k: v for k, v in first.slots.items() if k != "brightness"}, "brightness": tokens[at[0]]},
        confidence=min(1.0, sum(r.confidence for r in readings) if len(readings) > 1 else first.confidence),
    )
