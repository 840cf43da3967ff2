"""The planner's view of the safety gate: what a plan needs before it may run, and how to say it.

The rule itself is :func:`edge.actions.gate.review` (one rule for the planner, the dialogue and every
executor). Locks, garage doors, gates and alarms always ask (locking and closing too), a learned request
never reaches them, and purchases ask as they always did.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from edge.actions.gate import CommandKey, VerdictKind, review
from edge.context.model import Device
from edge.nlu.types import Provenance

__all__ = ["PURCHASE_WORDS", "SafetyDecision", "check_safety", "describe_commands", "refusal_text"]

PURCHASE_WORDS = ("Purchase", "Buy", "Order")
_VERBS = {"unlock": "unlock", "lock": "lock", "open": "open", "close": "close", "turn_off": "turn off",
          "turn_on": "turn on", "set_position": "move", "set_brightness": "dim", "set_color": "change",
          "set_color_temp": "change",
          "set_temperature": "set", "start": "start", "return_to_base": "dock"}  # fmt: skip
_ALARM_VERBS = {"turn_on": "arm", "turn_off": "disarm", "lock": "arm", "unlock": "disarm"}


@dataclass(frozen=True, slots=True)
class SafetyDecision:
    needs_confirmation: bool
    prompt: str = ""
    reason: str = ""
    refused: bool = False


def _verb(device: Device | None, action: str) -> str:
    if device is not None and device.domain == "alarm_control_panel" and action in _ALARM_VERBS:
        return _ALARM_VERBS[action]
    return _VERBS.get(action, action.replace("_", " ") or "change")


def describe_commands(commands: Sequence[CommandKey], devices: Mapping[str, Device]) -> str:
    """ "unlock the front door and open the garage door": every device the commands touch, by name."""
    parts: dict[str, list[str]] = {}
    for entity_id, action, _topic, _payload in commands:
        device = devices.get(entity_id)
        name = device.name.lower() if device else entity_id.split(".", 1)[-1].replace("_", " ")
        names = parts.setdefault(_verb(device, action), [])
        if f"the {name}" not in names:
            names.append(f"the {name}")
    phrases = [f"{verb} {_joined(names)}" for verb, names in parts.items()]
    return _joined(phrases)


def _joined(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def refusal_text(commands: Sequence[CommandKey], devices: Mapping[str, Device], hijack: bool) -> str:
    """What the user hears when the gate refuses a plan."""
    if hijack:
        return "I won't do that: that device sends its commands to a lock, garage door or alarm."
    if not commands:
        return "I won't do that: the device's command topic is not safe to use."
    return f"I only {describe_commands(commands[:1], devices)} when you ask me yourself."


def check_safety(
    intent: str,
    commands: Sequence[CommandKey],
    devices: Mapping[str, Device],
    provenance: Provenance,
    *,
    confirmed: bool = False,
) -> SafetyDecision:
    """Whether ``commands`` for ``intent`` need a spoken confirmation first, or may never run."""
    if any(w in intent for w in PURCHASE_WORDS) and not confirmed:
        return SafetyDecision(True, "Do you want me to place that order?", "purchase")
    verdict = review(commands, provenance, devices)
    if verdict.kind is VerdictKind.REFUSE:
        critical = verdict.critical if not verdict.hijack else ()
        return SafetyDecision(False, "", refusal_text(critical, devices, verdict.hijack), refused=True)
    if verdict.kind is VerdictKind.CONFIRM and not confirmed:
        return SafetyDecision(
            True, f"Do you want me to {describe_commands(commands, devices)}?", "safety-critical device"
        )
    return SafetyDecision(False)
