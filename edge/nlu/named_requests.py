"""What the model did not read: greetings and thanks (:mod:`edge.nlu.social`), and requests that name a
device of this home by a name of its own, which the model has never seen.

A scene, a script, a lawn mower or a robot vacuum is called by its own name ("movie night", "stealth mode",
"mowbot", "rover"), not by a class word, and the model, trained on other names, reads several of these
requests as out of domain ("start stealth mode", "dock mowbot", "movie night scene please"). Home
Assistant matches them with templates over the home's names; here, when the model gave nothing for the home,
or read it below the operating point (``nlu.act_below``), a whole utterance in the shape of those templates,
with a name the home has, is the request (the device resolved, nothing guessed):

- scenes and scripts (``HassTurnOn``): "activate / start / run / turn on / trigger <name> [scene|script]",
  "set the scene to <name>", "<name> [scene|script] [now|please]";
- lawn mowers: "start [the] <name> [mower]" (``HassLawnMowerStartMowing``), "dock / stop / park / return /
  send [the] <name> [mower] [back] [home | to the base/dock/charger]" (``HassLawnMowerDock``);
- robot vacuums: "start [the] <name>" (``HassVacuumStart``), "return / send / dock [the] <name> [back] [home |
  to the base...]", "tell <name> to go back to the base" (``HassVacuumReturnToBase``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from edge.context.model import ContextSnapshot
from edge.lang import model_tokens
from edge.nlu.catalogue import OUT_OF_DOMAIN
from edge.nlu.social import respond_intent
from edge.nlu.types import Intent

__all__ = ["SHAPES", "named_request", "unseen_request"]

_END = r"(?: (?:now|please|thanks))?$"
_BASE = r"(?: back)?(?: (?:home|to (?:the |its |your )?(?:base|dock|charger|charging station|station)))?"
SHAPES: tuple[tuple[str, frozenset[str], str], ...] = (  # (intent, domains, shape over model tokens)
    (
        "HassTurnOn",
        frozenset({"scene", "script"}),
        r"^(?:(?:activate|start|run|turn on|switch on|trigger|launch|execute|enable|begin|do) (?:the |my )?"
        r"|set (?:the )?scene (?:to )?)?{name}(?: (?:scene|script|routine))?" + _END,
    ),
    (
        "HassLawnMowerStartMowing",
        frozenset({"lawn_mower"}),
        r"^(?:start|run|launch|send out) (?:the )?{name}(?: (?:lawn )?mower)?(?: out)?" + _END,
    ),
    (
        "HassLawnMowerDock",
        frozenset({"lawn_mower"}),
        r"^(?:dock|stop|park|return|send|bring|tell(?=.* to (?:go|head) )) (?:the )?{name}"
        r"(?: (?:lawn )?mower)?(?: to (?:go|head))?" + _BASE + _END,
    ),
    ("HassVacuumStart", frozenset({"vacuum"}), r"^(?:start|run) (?:the )?{name}(?: vacuum)?" + _END),
    (
        "HassVacuumReturnToBase",
        frozenset({"vacuum"}),
        r"^(?:return|send|dock|park|bring|tell(?=.* to (?:go|head) )) (?:the )?{name}(?: vacuum)?"
        r"(?: to (?:go|head))?" + _BASE + _END,
    ),
)
"""Each intent with the domains it names and its shapes (``{name}``: one of the home's names)."""


def named_request(text: str, tokens: Sequence[str], snapshot: ContextSnapshot) -> Intent | None:
    """The request a whole utterance of one of :data:`SHAPES` makes of the one device it names; None when
    no shape fits or a name fits several devices."""
    said = " ".join(tokens)
    for intent, domains, shape in SHAPES:
        names: dict[str, list[str]] = {}
        for device in snapshot.devices.values():
            if device.domain in domains and (key := " ".join(model_tokens(device.name))):
                names.setdefault(key, []).append(device.entity_id)
        if not names:
            continue
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        match = re.match(shape.replace("{name}", f"(?P<name>{alternatives})"), said)
        if match is None or len(found := names[match.group("name")]) != 1:
            continue
        device = snapshot.devices[found[0]]
        return Intent(
            name=intent,
            slots={"name": device.name, "domain": device.domain},
            confidence=1.0,  # a whole-utterance match of a template with a name this home has
            text=text,
            targets=(device.entity_id,),
            source="text",
        )
    return None


def unseen_request(
    text: str,
    tokens: Sequence[str],
    snapshot: ContextSnapshot,
    label: str,
    confidence: float,
    *,
    act_below: float,
) -> Intent | None:
    """What the model did not read (out of domain, or under the operating point ``act_below``): a greeting,
    thanks or question about the assistant (``HassRespond``, :mod:`edge.nlu.social`), or a request naming a
    scene, script, mower or vacuum of this home (:func:`named_request`); None for anything else, and
    whenever the model read the utterance with confidence."""
    if label != OUT_OF_DOMAIN and confidence >= act_below:
        return None
    return respond_intent(text, tokens, confidence) or named_request(text, tokens, snapshot)
