"""The messages of the action stage: a device command, a plan of commands, and an execution result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

from edge.actions.gate import CommandKey, Confirmation
from edge.errors import EdgeError, ErrorCode
from edge.nlu.types import Provenance

__all__ = ["ActionResult", "DeviceCommand", "Plan", "PlanOutcome"]

PlanOutcome = Literal[
    "ok", "answer", "no_target", "not_supported", "needs_confirmation", "refused", "nothing", "ask"
]  # ask: several devices fit a singular request, "Which one?" (planner.which_one); nothing is planned


@dataclass(frozen=True, slots=True)
class DeviceCommand:
    """One thing to tell one device.

    ``action`` is transport-neutral (turn_on, set_brightness, lock, ...), ``value`` its argument;
    ``topic``/``payload`` are the MQTT form for the device's schema; ``expected_state`` (and the numeric or
    string ``expected_attributes``) are what the device reports once it has obeyed; ``awaits_report`` is
    False for what reports nothing back (a scene or script activated): sent is done.
    """

    entity_id: str
    action: str
    value: Any = None
    topic: str = ""
    payload: str = ""
    expected_state: str = ""
    expected_attributes: Mapping[str, Any] = field(default_factory=dict)
    awaits_report: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "expected_attributes", MappingProxyType(dict(self.expected_attributes)))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "entity_id": self.entity_id,
            "action": self.action,
            "topic": self.topic,
            "payload": self.payload,
            "expected_state": self.expected_state,
        }
        if self.value is not None:
            out["value"] = self.value
        if not self.awaits_report:
            out["awaits_report"] = False
        return out

    @property
    def key(self) -> CommandKey:
        """What a confirmation names: (entity_id, action, topic, payload)."""
        return (self.entity_id, self.action, self.topic, self.payload)


@dataclass(frozen=True, slots=True)
class Plan:
    """What to do for one intent. ``answer`` is set for queries; ``prompt`` when a confirmation is needed.

    ``provenance`` is where the request came from (an undo inherits it from the turn that asked for it);
    ``confirmation`` the spoken "yes" to exactly these commands, which every executor checks before it
    sends a command to a safety-critical device (:mod:`edge.actions.gate`).
    """

    intent: str
    commands: tuple[DeviceCommand, ...] = ()
    outcome: PlanOutcome = "ok"
    needs_confirmation: bool = False
    prompt: str = ""
    answer: str | None = None
    error: ErrorCode | None = None
    message: str = ""
    provenance: Provenance = Provenance.DIRECT
    confirmation: Confirmation | None = None

    @property
    def learned(self) -> bool:
        return self.provenance.learned

    @property
    def confirmed(self) -> bool:
        return self.confirmation is not None

    @property
    def keys(self) -> tuple[CommandKey, ...]:
        return tuple(c.key for c in self.commands)

    def with_confirmation(self, confirmation: Confirmation) -> Plan:
        """The same commands, carrying the spoken confirmation for them."""
        return replace(self, confirmation=confirmation)

    @property
    def ok(self) -> bool:
        return self.error is None

    def raise_for_error(self) -> Plan:
        """The plan itself, or an EdgeError with its code when it cannot be carried out."""
        if self.error is not None and self.error is not ErrorCode.NEEDS_CONFIRMATION:
            hints = {
                ErrorCode.NO_SUCH_DEVICE: "say the device name as it appears in the app, or its room",
                ErrorCode.NOT_SUPPORTED: "that device cannot do this; try another device",
                ErrorCode.SAFETY_REFUSED: "ask for it yourself, in your own words",
            }
            raise EdgeError(self.message, hint=hints.get(self.error, ""), code=self.error)
        return self

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "intent": self.intent,
            "outcome": self.outcome,
            "commands": [c.to_json() for c in self.commands],
            "needs_confirmation": self.needs_confirmation,
            "provenance": str(self.provenance),
        }
        for key in ("prompt", "answer", "message"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.error is not None:
            out["error"] = str(self.error)
        return out


@dataclass(frozen=True, slots=True)
class ActionResult:
    """How executing a plan went. ``error`` is an ErrorCode value ("" when ok); ``confirmed`` lists the
    entity_ids whose reported state matched what was expected."""

    ok: bool
    error: str = ""
    message: str = ""
    latency_ms: float = 0.0
    confirmed: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "error": self.error,
            "message": self.message,
            "latency_ms": round(self.latency_ms, 1),
            "confirmed": list(self.confirmed),
            "failed": list(self.failed),
        }
