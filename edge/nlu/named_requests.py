"""What the model did not read: greetings and thanks (:mod:`edge.nlu.social`), requests about a running timer
or a list in the shape of Home Assistant's templates (:func:`timer_or_list_request`), and requests that name a
device of this home by a name of its own, which the model has never seen.

A scene, a script, a lawn mower or a robot vacuum is called by its own name ("movie night", "stealth mode",
"mowbot", "rover"), not by a class word, and the model, trained on other names, reads several of these
requests as out of domain ("start stealth mode", "dock mowbot", "movie night scene please"). Home
Assistant matches them with templates over the home's names; here, when the model gave nothing for the home,
or read it below the operating point (``nlu.act_below``), a whole utterance in the shape of those templates,
with a name the home has, is the request (the device resolved, nothing guessed):

- scenes and scripts (``HassTurnOn``): "activate / start / run / turn on / trigger <name> [scene|script]",
  "set the scene to <name>", "<name> [scene|script] [now|please]", "[turn] <name> [scene|script] on";
- lawn mowers: "start / send [the] <name> [mower] [out]" (``HassLawnMowerStartMowing``; "the mower" for
  the home's one mower, "the vacuum" / "the hoover" for its one vacuum), "dock / stop / park / return /
  send [the] <name> [mower] [back] [home | to the base/dock/charger]" (``HassLawnMowerDock``);
- robot vacuums: "start [the] <name>" (``HassVacuumStart``), "return / send / dock [the] <name> [back] [home |
  to the base...]", "tell <name> to go back to the base" (``HassVacuumReturnToBase``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from edge.config import NLUSettings
from edge.context.model import ContextSnapshot
from edge.lang import model_tokens
from edge.nlu.catalogue import OUT_OF_DOMAIN
from edge.nlu.list_words import LIST_INTENTS, list_intent, list_words, ran_out
from edge.nlu.short_questions import short_question
from edge.nlu.social import respond_intent
from edge.nlu.timer_slots import timer_slots, timer_verb_of
from edge.nlu.types import Intent

__all__ = ["SHAPES", "named_request", "timer_or_list_request", "unseen_request"]

_END = r"(?: (?:now|please|thanks))?$"
_BASE = r"(?: back)?(?: (?:home|to (?:the |its |your )?(?:base|dock|charger|charging station|station)))?"
SHAPES: tuple[tuple[str, frozenset[str], str], ...] = (  # (intent, domains, shape over model tokens)
    (
        "HassTurnOn",
        frozenset({"scene", "script"}),
        r"^(?:(?:activate|start|run|turn on|switch on|trigger|launch|execute|enable|begin|do) (?:the |my )?"
        r"|set (?:the )?scene (?:to )?)?{name}(?: (?:scene|script|routine))?" + _END,
    ),
    (  # "stealth mode on", "turn movie night on": Home Assistant's "[turn] <name> on"
        "HassTurnOn",
        frozenset({"scene", "script"}),
        r"^(?:(?:turn|switch) (?:the |my )?)?{name}(?: (?:scene|script|routine))? on" + _END,
    ),
    (
        "HassLawnMowerStartMowing",
        frozenset({"lawn_mower"}),
        r"^(?:start|run|launch|send out|send|let) (?:the )?{name}(?: (?:lawn )?mower)?(?: out)?" + _END,
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
_KIND_NAMES = {
    "lawn_mower": ("mower", "lawn mower", "lawnmower", "robot mower"),
    "vacuum": ("vacuum", "hoover", "robot vacuum", "vacuum cleaner", "robot"),
}
"""What people call the home's one mower or vacuum when they do not use its name."""
_NAMED_INTENTS = frozenset(intent for intent, _domains, _shape in SHAPES)


def named_request(
    text: str, tokens: Sequence[str], snapshot: ContextSnapshot, *, only: str | None = None
) -> Intent | None:
    """The request a whole utterance of one of :data:`SHAPES` (``only``: of that intent) makes of the one
    device it names; None when no shape fits or a name fits several devices."""
    said = " ".join(tokens)
    for intent, domains, shape in SHAPES:
        if only is not None and intent != only:
            continue
        names: dict[str, list[str]] = {}
        for device in snapshot.devices.values():
            if device.domain in domains and (key := " ".join(model_tokens(device.name))):
                names.setdefault(key, []).append(device.entity_id)
        if not names:
            continue
        for domain in domains & _KIND_NAMES.keys():  # "send the mower out": the home's one mower
            ones = [d.entity_id for d in snapshot.devices.values() if d.domain == domain]
            for word in _KIND_NAMES[domain] if len(ones) == 1 else ():
                names.setdefault(word, ones)
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
    nlu: NLUSettings,
) -> Intent | None:
    """What the model did not read: a request in one of :data:`SHAPES` of the intent the model read,
    naming one device of this home whole (the model's name slot may hold a part of it: "movie night scene
    please" tagged "night", which two scenes share); a greeting, thanks or question about the assistant
    (``HassRespond``, :mod:`edge.nlu.social`) or a request naming a scene, script, mower or vacuum of this
    home (:func:`named_request`) when it read nothing for the home or was unsure (under ``nlu.act_below``); a
    timer or list request (:func:`timer_or_list_request`) only when it read nothing (out of domain, under
    ``nlu.reject_below``), so a timer intent it read keeps its slots. A list intent the model read takes its
    item and list from the words when they have HA's template shape. None for anything else."""
    nothing = label == OUT_OF_DOMAIN or confidence < nlu.reject_below
    if (out := ran_out(text)) is not None:  # "we're out of coffee": whatever the model read
        name, slots = list_intent(out)
        return Intent(name=name, slots=slots, confidence=max(confidence, 0.9), text=text, source="text")
    if label in LIST_INTENTS and (words := list_words(text, _list_names(snapshot))) is not None:
        name, slots = list_intent(words)  # the words give all of the item and the list the tagger cut short
        return Intent(name=name, slots=slots, confidence=confidence, text=text, source="text")
    if label in _NAMED_INTENTS and (named := named_request(text, tokens, snapshot, only=label)) is not None:
        return named  # the whole utterance names one device of the home: the tags may have cut its name
    if not nothing and confidence >= nlu.act_below:
        return None
    return (
        respond_intent(text, tokens, confidence)
        or named_request(text, tokens, snapshot)
        or short_question(text, tokens, snapshot, confidence)  # "where is john", "time please"
        or (timer_or_list_request(text, tokens, confidence, _list_names(snapshot)) if nothing else None)
    )


def _list_names(snapshot: ContextSnapshot) -> tuple[str, ...]:
    """The names of the home's lists (Home Assistant's ``todo`` entities)."""
    return tuple(n for d in snapshot.devices.values() if d.domain == "todo" for n in (d.name, *d.aliases))


def timer_or_list_request(
    text: str, tokens: Sequence[str], confidence: float, lists: Sequence[str] = ()
) -> Intent | None:
    """A request about a running timer said with a timer verb ("subtract 10 minutes from my timer", "how long
    until the timer goes off"), or a list request in the shape of HA's list templates ("add hummus to my
    trader joe's list", or one of the home's ``lists`` named without "list"); None otherwise. Neither moves
    a device: the services carry them out."""
    if {"timer", "timers"} & set(tokens) and (name := timer_verb_of(text)) is not None:
        slots = timer_slots(name, {}, text)
    elif (words := list_words(text, lists)) is not None:
        name, slots = list_intent(words)
    else:
        return None
    return Intent(name=name, slots=slots, confidence=confidence, text=text, source="text")
