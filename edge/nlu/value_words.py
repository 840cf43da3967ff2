"""Amounts said in words: "lights to half", "the lamp to full brightness", "dim the lamp to a quarter", "the
volume to max", "the heating to 21 and a half". The model has seen numbers there, so it was unsure of these
(asking "brighten or change?") or tagged no value ("how bright? say a percentage"), and "21 and a half" set
21. :func:`in_numbers` gives the words with each such amount as the percentage it means, for the parser to
read again (``NLUParser.analyse``: only where the first reading set no value, and only a reading that then
sets one stands); :func:`with_half` puts a half back on a temperature the tagger read without it. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["RELATIVE", "SETTERS", "in_numbers", "with_half"]

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
