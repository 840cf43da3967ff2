"""The planner: intent + snapshot -> commands (pure; time and the undo journal are inputs).

See docs/home-mqtt.md for the intent -> command table. Errors are outcomes on the :class:`Plan`
(``no_target``, ``not_supported``), never exceptions; ``Plan.raise_for_error()`` turns them into
:class:`EdgeError` for callers that prefer that.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from edge.actions.answers import describe, state_answer
from edge.actions.commands import DeviceCommand, Plan
from edge.actions.deciders import COLORS, DECIDERS, STATELESS_DOMAINS, clean_areas, implied, volume_step
from edge.actions.effects import ACTION_CAPABILITY, EXPECTED_ATTRIBUTE, apply_action
from edge.actions.safety import check_safety
from edge.actions.undo import UndoJournal, restore_actions
from edge.context.ha_wire import optimistic
from edge.context.model import ContextSnapshot, Device, DeviceState
from edge.context.wire import encode_command
from edge.errors import ErrorCode
from edge.lang import model_tokens
from edge.nlu.catalogue import by_name, current_name, current_slots
from edge.nlu.resolve import NO_TARGET_INTENTS, choose_one, resolve
from edge.nlu.sensor_questions import asks_another_quantity
from edge.nlu.targets import nothing_here, referred
from edge.nlu.types import Intent

__all__ = [
    "COLORS",
    "DECIDERS",
    "NO_DEVICE_INTENTS",
    "QUERY_INTENTS",
    "Which",
    "make_command",
    "plan",
    "reaches_nothing",
    "which_one",
]

QUERY_INTENTS = frozenset({"HassGetState", "HassClimateGetTemperature"})
NO_DEVICE_INTENTS = NO_TARGET_INTENTS | {
    "HassListCompleteItem", "HassListRemoveItem", "HassShoppingListCompleteItem", "HassCancelAllTimers",
}  # fmt: skip
"""Intents the planner plans nothing for (timers, lists, broadcast, answers: the services' part)."""


def current(intent: Intent) -> Intent:
    """The intent under the catalogue's names (a stored macro or rewrite may name an old one), with the
    signed ``volume_step`` of a relative volume change read from its words."""
    name = current_name(intent.name)
    slots = current_slots(intent.name, intent.slots) if name != intent.name else dict(intent.slots)
    if name == "HassSetVolumeRelative":
        slots["volume_step"] = f"{volume_step(slots, intent.text):+g}"
    if name == intent.name and slots == dict(intent.slots):
        return intent
    return replace(intent, name=name, slots=slots)


def make_command(device: Device, state: DeviceState, action: str, value: Any) -> DeviceCommand:
    """A command with its wire form and the state the device should report afterwards."""
    topic, payload = encode_command(device, action, value)
    if device.domain in STATELESS_DOMAINS or optimistic(device):  # nothing reports back: sent is done
        return DeviceCommand(device.entity_id, action, value, topic, payload, awaits_report=False)
    after = apply_action(device, state, action, value)
    attr = EXPECTED_ATTRIBUTE.get(action)
    expected_attrs = {attr: after.attributes[attr]} if attr and attr in after.attributes else {}
    return DeviceCommand(device.entity_id, action, value, topic, payload, after.state, expected_attrs)


def _targets(intent: Intent, snapshot: ContextSnapshot) -> tuple[tuple[str, ...], str]:
    if intent.name == "HassVacuumCleanArea":
        return _vacuum_for(intent, snapshot)
    if intent.targets:
        return tuple(t for t in intent.targets if t in snapshot.devices), ""
    res = resolve(intent.name, intent.slots, snapshot)
    if res.outcome == "ok":
        return res.targets, ""
    return (), res.message or "no device"


@dataclass(frozen=True, slots=True)
class Which:
    """The intent with its targets narrowed to the one device meant, or (``candidates`` not empty) the
    devices to ask about: "Which one: the front door lock or the back door lock?"."""

    intent: Intent
    candidates: tuple[str, ...] = ()
    refusal: str = ""  # nothing here fits: "There is nothing here to close.", "There's no screen here."

    @property
    def ask(self) -> bool:
        return bool(self.candidates)


def which_one(intent: Intent, snapshot: ContextSnapshot) -> Which:
    """Which device a singular request means when several fit (:func:`edge.nlu.resolve.choose_one`): the
    one in the satellite's area when that settles it, else a question; a plural request keeps them all.
    A reference ("it", "them", "everything") first takes what it means here and now
    (:func:`edge.nlu.targets.referred`; nothing fits: ``refusal`` says so and nothing is planned).
    Queries are answered for every match (narrowed to the area's one when it has one), never asked about;
    a taught macro acts on what it was taught, and an intent without text on the targets it carries."""
    intent = current(intent)
    if intent.source == "macro" or intent.name in NO_DEVICE_INTENTS or intent.name == "UndoLast":
        return Which(intent)
    if not intent.text.strip():
        return Which(intent)  # no words to tell one from many (a scripted intent): its targets as given
    if refusal := nothing_here(intent, snapshot):
        return Which(intent, refusal=refusal)
    intent = referred(intent, snapshot)
    targets, _why = _targets(intent, snapshot)
    if len(targets) > 1 and intent.name not in QUERY_INTENTS:
        # only the devices the request can act on are candidates ("switch on the fan" never asks about a
        # phone's sensors that sound alike; if none can, the plan says so)
        targets = tuple(t for t in targets if _can(intent, snapshot.devices[t], snapshot))
        if not targets:
            return Which(intent)
    if len(targets) <= 1:
        if targets and targets != intent.targets:
            return Which(replace(intent, targets=targets, target_scores=(1.0,)))
        return Which(intent)
    choice = choose_one(intent.text, intent.slots, targets, snapshot)
    if choice.ask and intent.name not in QUERY_INTENTS:
        return Which(intent, choice.targets)
    if choice.ask or choice.targets == intent.targets:
        return Which(intent)
    scores = dict(zip(intent.targets, intent.target_scores, strict=False))
    return Which(
        replace(
            intent, targets=choice.targets, target_scores=tuple(scores.get(t, 1.0) for t in choice.targets)
        )
    )


def _can(intent: Intent, device: Device, snapshot: ContextSnapshot) -> bool:
    """Whether the planner would make a command for ``intent`` on ``device`` (a decision, and the
    capability its action needs)."""
    decide = DECIDERS.get(intent.name)
    if decide is None:
        return True
    decision = decide(device, snapshot.states.get(device.entity_id, DeviceState("unknown")), intent.slots)
    if isinstance(decision, str):
        return False
    needed = ACTION_CAPABILITY.get(decision[0])
    return needed is None or needed in device.capabilities or implied(device, needed)


def _undo(
    intent: Intent, snapshot: ContextSnapshot, journal: UndoJournal | None, confirmed: bool = False
) -> Plan:
    """The commands that restore the last journal entry; gated like any other plan, with the
    provenance of the request that asked for the undo."""
    entry = journal.last() if journal else None
    if entry is None:
        return Plan(intent.name, outcome="nothing", answer="There is nothing to undo.")
    commands = []
    for eid, previous in entry.previous.items():
        device = snapshot.devices.get(eid)
        if device is None:
            continue
        current = snapshot.states.get(eid, DeviceState("unknown"))
        for action, value in restore_actions(device, previous, current):
            commands.append(make_command(device, current, action, value))
            current = apply_action(device, current, action, value)
    if not commands:
        return Plan(intent.name, outcome="nothing", answer="Everything is already as it was.")
    return _gated(intent, commands, snapshot, confirmed)


def plan(
    intent: Intent,
    snapshot: ContextSnapshot,
    *,
    journal: UndoJournal | None = None,
    confirmed: bool = False,
) -> Plan:
    """Commands that carry out ``intent`` in the home ``snapshot`` describes.

    ``confirmed`` only says the caller will attach a spoken confirmation (the plan is not marked as
    needing one); it never lets anything through: executors check the confirmation itself."""
    intent = current(intent)
    if intent.name == "UndoLast":
        return _undo(intent, snapshot, journal, confirmed)
    if intent.name in NO_DEVICE_INTENTS:
        return Plan(intent.name, outcome="nothing", message=f"{intent.name} needs no device")
    decide = DECIDERS.get(intent.name)
    if decide is None and intent.name not in QUERY_INTENTS:
        return Plan(intent.name, outcome="not_supported", error=ErrorCode.NOT_SUPPORTED,
                    message=f"I can't do {intent.name} on devices")  # fmt: skip
    which = which_one(intent, snapshot)
    if which.refusal:
        return Plan(intent.name, outcome="no_target", error=ErrorCode.NO_SUCH_DEVICE, message=which.refusal)
    if which.ask:
        names = ", ".join(snapshot.devices[t].name for t in which.candidates)
        return Plan(intent.name, outcome="ask", error=ErrorCode.NO_SUCH_DEVICE,
                    message=f"which one? it could be {names}")  # fmt: skip
    intent = which.intent
    targets, why = _targets(intent, snapshot)
    if intent.name == "HassGetState" and intent.slots.get("domain") == "person" and not targets:
        return Plan(
            intent.name,
            outcome="answer",
            answer="I can't tell who is home: no one's presence is shared with me.",
        )
    if not targets:
        return Plan(
            intent.name, outcome="no_target", error=ErrorCode.NO_SUCH_DEVICE, message=why or "no device"
        )
    devices = [snapshot.devices[t] for t in targets]
    if intent.name == "HassGetState" and asks_another_quantity(model_tokens(intent.text), devices):
        # "what's the humidity" in a home whose only sensor reads temperature: never its temperature
        return Plan(intent.name, outcome="no_target", error=ErrorCode.NO_SUCH_DEVICE,
                    message="I have no sensor for that")  # fmt: skip
    if intent.name == "HassGetState":
        return Plan(intent.name, outcome="answer", answer=state_answer(devices, snapshot, intent.slots))
    if decide is None:
        answer = " ".join(
            describe(d, snapshot.states.get(d.entity_id, DeviceState("unknown")), intent.name)
            for d in devices
        )
        return Plan(intent.name, outcome="answer", answer=answer)
    commands: list[DeviceCommand] = []
    problems: list[str] = []
    for device in devices:
        state = snapshot.states.get(device.entity_id, DeviceState("unknown"))
        decision = decide(device, state, intent.slots)
        if isinstance(decision, str):
            problems.append(decision)
            continue
        action, value = decision
        needed = ACTION_CAPABILITY.get(action)
        if needed is not None and needed not in device.capabilities and not implied(device, needed):
            problems.append(f"the {device.name} can't {action.replace('_', ' ')}")
            continue
        commands.append(make_command(device, state, action, value))
    if not commands:
        why = "; ".join(dict.fromkeys(problems)) or "not supported"
        return Plan(intent.name, outcome="not_supported", error=ErrorCode.NOT_SUPPORTED, message=why)
    return _gated(intent, commands, snapshot, confirmed)


def _gated(intent: Intent, commands: list[DeviceCommand], snapshot: ContextSnapshot, confirmed: bool) -> Plan:
    """The plan with the safety gate's verdict on it: refused (learned + critical, hijacked topic) or
    needing a confirmation (``confirmed``: the caller will attach one; the executor checks it)."""
    safety = check_safety(
        intent.name, [c.key for c in commands], snapshot.devices, intent.provenance, confirmed=confirmed
    )
    if safety.refused:
        return Plan(intent.name, tuple(commands), outcome="refused", error=ErrorCode.SAFETY_REFUSED,
                    message=safety.reason, provenance=intent.provenance)  # fmt: skip
    return Plan(
        intent.name,
        tuple(commands),
        outcome="needs_confirmation" if safety.needs_confirmation else "ok",
        needs_confirmation=safety.needs_confirmation,
        prompt=safety.prompt,
        error=ErrorCode.NEEDS_CONFIRMATION if safety.needs_confirmation else None,
        message=safety.reason,
        provenance=intent.provenance,
    )


def _vacuum_for(intent: Intent, snapshot: ContextSnapshot) -> tuple[tuple[str, ...], str]:
    """The vacuum sent to clean an area (HassVacuumCleanArea's area is where to clean, not where the
    vacuum is): the vacuums targeted or named, else every vacuum; several are narrowed to the one in an
    area to clean, when that settles it (``which_one`` asks otherwise)."""
    vacuums = tuple(t for t in intent.targets if t.startswith("vacuum.") and t in snapshot.devices)
    if not vacuums and intent.slots.get("name"):
        named = resolve("HassVacuumStart", {"name": intent.slots["name"]}, snapshot)
        vacuums = named.targets if named.outcome == "ok" else ()
    if not vacuums:
        vacuums = tuple(e for e, d in snapshot.devices.items() if d.domain == "vacuum")
    if not vacuums:
        return (), "there is no robot vacuum"
    areas = set(clean_areas(intent.slots))
    local = tuple(v for v in vacuums if snapshot.devices[v].area.lower() in areas)
    return (local if len(local) == 1 else vacuums), ""


def reaches_nothing(intent: Intent, snapshot: ContextSnapshot) -> bool:
    """A device request that reaches nothing and would not ask which one ("study mode" read as activating
    something no device here is): its plan could only say that no device fits."""
    spec = by_name(intent.name)
    if spec is None or not spec.moves_device:
        return False
    which = which_one(intent, snapshot)
    return not which.ask and not which.refusal and not which.intent.targets
