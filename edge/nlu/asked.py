"""Questions the parser answers from the live snapshot instead of acting (issue 14: questions never move a
device): a state or presence question the model read as an action (:func:`asked`), a question about the
home's sensors (:func:`sensed`), "which lights are on" over every device of a kind (:func:`every`), and a
yes/no question about a device its own words name (:func:`asked_state`). Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from edge.context.model import Capability, ContextSnapshot, Device
from edge.lang import model_tokens, name_key
from edge.nlu.questions import ANYTHING, Question
from edge.nlu.resolve import named_areas, resolve
from edge.nlu.sensor_questions import sensor_question
from edge.nlu.targets import choose_targets
from edge.nlu.types import Intent

__all__ = ["asked", "asked_state", "every", "sensed"]

_TARGET_SLOTS = ("name", "area", "floor", "domain", "device_class")
_PRESENCE_DOMAINS = frozenset({"person", "device_tracker"})


def asked(
    text: str,
    question: Question,
    *,
    slots: Mapping[str, str],
    targets: Sequence[str],
    snapshot: ContextSnapshot,
    confidence: float,
    margin: float,
) -> Intent | None:
    """The question the model read as an action: a state or presence question becomes ``HassGetState``
    on the targets the model resolved (or on the device the question names), a temperature question
    ``HassClimateGetTemperature``; any other question is not understood (``None``)."""
    if question.kind == "temperature":
        kept = {k: v for k, v in slots.items() if k in {"name", "area", "floor"}}
        found, _scores = choose_targets("HassClimateGetTemperature", kept, "climate", "", snapshot)
        return Intent("HassClimateGetTemperature", kept, confidence, text, found, margin, source="text")
    if question.kind not in {"state", "presence"}:
        return None
    if question.kind == "state" and targets:
        kept = {k: v for k, v in slots.items() if k in _TARGET_SLOTS}
        if question.state:
            kept["state"] = question.state
        if question.domain and "domain" not in kept:
            kept["domain"] = question.domain
        return Intent("HassGetState", kept, confidence, text, tuple(targets), margin, source="text")
    return asked_state(text, question, snapshot, confidence, margin) or Intent(
        "HassGetState",
        {k: v for k, v in slots.items() if k in _TARGET_SLOTS},
        confidence,
        text,
        (),
        margin,
        source="text",
    )


_READINGS = frozenset({"HassGetWeather", "HassClimateGetTemperature"})


def sensed(
    text: str,
    tokens: Sequence[str],
    label: str,
    snapshot: ContextSnapshot,
    *,
    confidence: float,
    margin: float,
) -> Intent | None:
    """A question about this home's sensors (:mod:`edge.nlu.sensor_questions`) as ``HassGetState``, whatever
    the model read, except a reading the model gave (weather, a temperature) of no sensor named."""
    found = sensor_question(tokens, snapshot)
    if found is None:
        return None
    slots, targets = found
    if (
        label in _READINGS
        and "name" not in slots
        and slots.get("device_class", "temperature") == "temperature"
    ):
        return None  # "what's the temperature": the model's reading and the targets' temperature rules
    return Intent("HassGetState", slots, confidence, text, targets, margin, source="text")


def every(
    text: str,
    question: Question,
    *,
    slots: Mapping[str, str],
    focus: str,
    snapshot: ContextSnapshot,
    confidence: float,
    margin: float,
) -> Intent | None:
    """ "which lights are on", "are any lights on": ``HassGetState`` on every device of the kind, in the
    area or floor named if one is, else in the whole home (not only the satellite's area)."""
    if "name" in slots:
        return None
    anything = bool(ANYTHING & set(model_tokens(text)))  # "is anything still on": no kind, every device
    domain = "" if anything else slots.get("domain") or focus
    if not domain and not anything:
        return None
    kept = {k: v for k, v in slots.items() if k in {"area", "floor"}}
    if domain:
        kept["domain"] = domain
    if question.state:
        kept["state"] = question.state
    placed = bool(kept.keys() & {"area", "floor"})
    if domain and placed:
        found = resolve("HassGetState", kept, snapshot, domains=(domain,)).targets
    else:
        pool = [d for d in snapshot.devices.values() if d.domain == domain or (anything and _switches(d))]
        if placed:  # "is anything on in the Office": the areas as the slots name them, whatever their case
            areas = {a for key in ("area", "floor") if (v := kept.get(key)) for a in named_areas(v, snapshot)}
            pool = [d for d in pool if name_key(d.area) in areas]
        found = tuple(sorted(d.entity_id for d in pool))
    return Intent("HassGetState", kept, confidence, text, found, margin, source="text") if found else None


def _switches(device: Device) -> bool:
    """Whether ``device`` is something one leaves on or off (not a sensor, a lock, a door)."""
    return Capability.ON_OFF in device.capabilities


def asked_state(
    text: str,
    question: Question | None,
    snapshot: ContextSnapshot,
    confidence: float,
    margin: float,
) -> Intent | None:
    """``HassGetState`` on the device (or people) the question's own words name; ``None`` when they name
    nothing this home has."""
    if question is None:
        return None
    if question.kind == "presence":
        people = [d for d in snapshot.devices.values() if d.domain in _PRESENCE_DOMAINS]
        if key := name_key(question.subject):
            people = [d for d in people if key in name_key(d.name).split() or key == name_key(d.name)]
        found = tuple(sorted(d.entity_id for d in people))
        return Intent(
            "HassGetState",
            {"domain": "person", "state": "home"},
            confidence,
            text,
            found,
            margin,
            source="text",
        )
    if question.kind != "state" or not (subject := name_key(question.subject)):
        return None
    res = resolve("HassGetState", {"name": subject}, snapshot)
    if res.outcome != "ok" or not res.targets:
        return None
    kept: dict[str, str] = {"name": subject}
    if question.state:
        kept["state"] = question.state
    return Intent("HassGetState", kept, confidence, text, res.targets, margin, source="text")
