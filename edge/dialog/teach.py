"""Teaching by voice (pure parsing): "when I say movie time, turn off the lights and turn on the TV",
"forget study mode", and the phrase behind a teachable moment ("activate study mode" -> "study mode")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from edge.lang import REQUEST_OPENERS, fold

__all__ = ["Forget", "TeachMacro", "offer_phrase", "parse_teach", "split_actions", "teachable_phrase"]

_VERBS = (
    "turn|switch|set|play|start|stop|open|close|lock|unlock|dim|make|pause|resume|put|run|activate|do|"
    "raise|lower|mute|unmute|brew"
)
_WHEN = re.compile(
    r"^(when|whenever|if) i say (?P<phrase>.+?)(,| then| you should| please| i want you to)? "
    rf"(?P<actions>({_VERBS})\b.*)$"
)
_WHEN_SIMPLE = re.compile(r"^(when|whenever|if) i say (?P<phrase>[\w' ]+?) (?P<actions>.+)$")
_FORGET = re.compile(r"^(forget|delete|remove|unlearn) (about |the )?(?P<phrase>.+?)( please)?$")
_SPLIT = re.compile(rf",? (?:and then|and also|then|and) (?=(?:{_VERBS})\b)|, | then ")
_LEAD = re.compile(
    r"^(please |can you |could you )?(activate|start|enable|run|turn on|switch on|switch to|go to|set|"
    r"put on|do|begin|launch|trigger|engage|put the house in|set the house to)\s+"
)
_ARTICLE = re.compile(r"^(the|my|a)\s+")
_FROM_A_LIST = re.compile(r"\b(from|off|on|in) (my |the |our )?[\w' -]*\blists?$")  # "remove X from the list"
_TAIL = re.compile(r"\s+(mode|scene)?\s*(please|now)$")

_DEVICE_WORDS = frozenset(
    [
        "light",
        "lights",
        "lamp",
        "lamps",
        "tv",
        "television",
        "fan",
        "heater",
        "oven",
        "lock",
        "door",
        "blind",
        "blinds",
        "speaker",
        "thermostat",
        "vacuum",
        "plug",
        "switch",
        "garage",
        "coffee",
        "radiator",
        "curtain",
        "curtains",
    ]
)


@dataclass(frozen=True, slots=True)
class TeachMacro:
    phrase: str
    actions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Forget:
    phrase: str


def split_actions(text: str) -> tuple[str, ...]:
    """ "turn off the living room lights and turn on the TV" -> two commands; "rock and roll" stays one."""
    parts = [p.strip(" ,.") for p in _SPLIT.split(fold(text))]
    return tuple(p for p in parts if p)


def parse_teach(text: str) -> TeachMacro | Forget | None:
    said = fold(text)
    m = _WHEN.match(said) or _WHEN_SIMPLE.match(said)
    if m:
        phrase = _ARTICLE.sub("", m.group("phrase").strip(" ,"))
        actions = split_actions(m.group("actions"))
        if phrase and actions:
            return TeachMacro(phrase, actions)
    if (m := _FORGET.match(said)) and not _FROM_A_LIST.search(m.group("phrase")):
        return Forget(_ARTICLE.sub("", m.group("phrase").strip()))
    return None


def teachable_phrase(text: str, name_slot: str = "") -> str:
    """The phrase the user means by an unknown request: the unresolved name slot when the NLU gave one,
    else the words after a leading verb ("activate study mode" -> "study mode")."""
    said = _ARTICLE.sub("", _LEAD.sub("", fold(text)))
    said = _TAIL.sub("", said).strip() or said
    if name_slot.strip():
        name = fold(name_slot)
        # the model may take part of a short phrase as the name ("study" of "study mode", "movie" of "movie
        # time"): the phrase said, one word longer than the name around it, is what the household means
        extra = len(said.split()) - len(name.split())
        if extra == 1 and (said.startswith(name + " ") or said.endswith(" " + name)):
            return said
        return name
    return said


def offer_phrase(text: str, name_slot: str = "") -> str | None:
    """The phrase to offer teaching for ("I don't know what study mode is. Want to teach me?"), or None when
    the request names a known kind of device or looks like a command we failed to parse."""
    phrase = teachable_phrase(text, name_slot)
    words = phrase.split()
    if not words or len(words) > 4 or _DEVICE_WORDS & set(words):
        return None
    if not name_slot and (len(words) > 3 or words[0] in REQUEST_OPENERS):
        return None  # a request we failed to parse, not a name we have never heard
    return phrase
