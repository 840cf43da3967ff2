"""Shared pieces of the project's sentence templates: the ``Family`` type, expansion rules, fixed labels.

A family's ``label`` sees the sampled context facts and returns (intent, focus domain, media class).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["RULES", "Facts", "Family", "Label", "fixed"]

Facts = Mapping[str, float]
Label = tuple[str, str, str]  # intent, focus domain ("" none, "*" the sampled name's domain), media class

RULES: dict[str, str] = {
    "the": "(the|my|our)",
    "turn": "(turn|switch)",
    "light": "(light|lights|lamp|lamps|lighting)",
    "pls": "[please]",
    "can": "[(can you|could you|would you|will you|please|kindly) [please]]",
    "inarea": "(in|on) [the] {area}",
    "want": "(i want|i'd like|i would like|i need|can i have|can i get|give me)",
    "vac": "(vacuum|vacuum cleaner|robot vacuum|robot cleaner|roomba|hoover|robot)",
    "mood": "(romantic|cozy|relaxing|party|festive|calm|soothing)",
    "tz": "(eastern|pacific|gmt|central|{city})",
    "day": "(today|tomorrow|tonight|on monday|on tuesday|on friday|this weekend|next week)",
    "when": (
        "(in {minutes} minutes|in (an|half an) hour|at {hours} (am|pm|oclock)"
        "|at {hours} [oclock] (tonight|tomorrow)|when i (get|come) home|when i (leave|wake up|get up)"
        "|before i (get up|get home)|after dinner|at (sunset|sunrise|midnight|noon)|for {minutes} minutes"
        "|for (an|one|two) hour[s]|tonight|right now|now|straight away)"
    ),
    "onverb": (
        "(activate|enable|initiate|start|launch|power up|power on|fire up|boot up|switch on|turn on|start up)"
    ),
    "offverb": (
        "(deactivate|disable|stop|halt|cease|end|terminate|kill|cut|disconnect|unplug|shut down|shut off"
        "|power down|power off|switch off|turn off)"
    ),
    "lighton": "(activate|enable|power up|power on|switch on|turn on|put on)",
}


@dataclass(frozen=True, slots=True)
class Family:
    templates: tuple[str, ...]
    label: Callable[[Facts], Label]
    samples: int = 300


def fixed(intent: str, focus: str = "", media: str = "") -> Callable[[Facts], Label]:
    return lambda _facts: (intent, focus, media)
