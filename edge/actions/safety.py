"""The safety policy: what needs a spoken confirmation, and what learned requests may never do alone.

Locks, garage doors, gates, alarms (``Device.safety_critical``) and purchases always ask first, except
locking or closing asked for by voice (making the home safer). A learned request (a rewrite, macro or alias,
``Intent.learned``) never reaches a safety-critical device without a confirmation, whatever the action.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from edge.context.model import Device
from edge.nlu.types import Intent

__all__ = ["PURCHASE_WORDS", "SafetyDecision", "check_safety"]

PURCHASE_WORDS = ("Purchase", "Buy", "Order")
_SAFE_DIRECTION = {"lock", "close"}
_VERBS = {"unlock": "unlock", "lock": "lock", "open": "open", "close": "close", "turn_off": "turn off",
          "turn_on": "turn on", "set_position": "move"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SafetyDecision:
    needs_confirmation: bool
    prompt: str = ""
    reason: str = ""


def _is_critical(device: Device) -> bool:
    return device.safety_critical or device.domain in {"alarm_control_panel"} or device.device_class == "gate"


def check_safety(
    intent: Intent, actions: Sequence[tuple[Device, str]], *, confirmed: bool = False
) -> SafetyDecision:
    """Whether ``actions`` (device, action) for ``intent`` need a spoken confirmation first."""
    if confirmed:
        return SafetyDecision(False)
    if any(w in intent.name for w in PURCHASE_WORDS):
        return SafetyDecision(True, "Do you want me to place that order?", "purchase")
    critical = [(d, a) for d, a in actions if _is_critical(d)]
    if not critical:
        return SafetyDecision(False)
    if not intent.learned and all(a in _SAFE_DIRECTION for _d, a in critical):
        return SafetyDecision(False)
    device, action = critical[0]
    verb = _VERBS.get(action, action.replace("_", " "))
    reason = "learned request on a safety-critical device" if intent.learned else "safety-critical device"
    return SafetyDecision(True, f"Do you want me to {verb} the {device.name}?", reason)
