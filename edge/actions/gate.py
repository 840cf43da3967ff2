"""The safety gate: the one rule for what may reach a lock, a garage door or an alarm.

Classification looks at the plan, never at words: a command is *safety-critical* when its device is of a
kind the catalogue calls safety-critical (a lock, an alarm panel, a garage door, gate or door, a gas valve:
``edge.nlu.catalogue.is_safety_critical``), or when its command topic is one of a safety-critical device's
command topics. A command whose device is not critical but whose topic
is a critical device's topic is a *hijack* and is refused outright, as is a command whose topic is not a
plain publish topic (empty, ``+``/``#``/NUL, ``$SYS``...).

The rule: a plan from anything learned (rewrite, global layer, macro, alias, preference) that holds a
safety-critical command is refused; a direct plan with one needs a :class:`Confirmation`, which the
dialogue issues only for a whole-utterance "yes" to a question naming every device, and which each
executor checks (exact commands, fresh, single use) before it publishes anything. See docs/safety.md.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from edge.config import SafetySettings as GateSettings
from edge.context.model import Device
from edge.errors import ErrorCode
from edge.nlu.catalogue import is_safety_critical
from edge.nlu.types import Provenance

__all__ = [
    "Admission",
    "CommandKey",
    "Confirmation",
    "GateSettings",
    "SafetyGate",
    "Verdict",
    "VerdictKind",
    "command_key",
    "command_topics",
    "critical_topics",
    "review",
    "topic_problem",
]

log = logging.getLogger(__name__)

CommandKey = tuple[str, str, str, str]
"""(entity_id, action, topic, payload): what a confirmation is about, exactly."""


@dataclass(frozen=True, slots=True)
class Confirmation:
    """A spoken "yes" to a question about exactly ``commands``; asked/answered on the dialogue's clock
    (seconds), issued on the monotonic clock; ``nonce`` makes it single-use."""

    commands: frozenset[CommandKey]
    asked_at: float
    answered_at: float
    issued_at: float
    nonce: str

    @classmethod
    def issue(
        cls,
        commands: Iterable[CommandKey],
        asked_at: float,
        answered_at: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> Confirmation:
        return cls(frozenset(commands), asked_at, answered_at, clock(), secrets.token_hex(8))


def _normal(topic: str) -> str:
    """Topics compared for classification: case, surrounding space and repeated or trailing slashes do
    not make a lock's topic a different one (over-matching only refuses more)."""
    return "/".join(p for p in topic.strip().casefold().split("/") if p)


def topic_problem(topic: str) -> str:
    """Why ``topic`` is no topic to publish a command on ("" when it is fine)."""
    if not topic or not topic.strip():
        return "an empty command topic"
    if any(c in topic for c in "+#\x00"):
        return f"a wildcard or NUL in the command topic {topic!r}"
    if topic.startswith("$"):
        return f"a broker topic {topic!r}"
    if any(ord(c) < 32 for c in topic):
        return f"a control character in the command topic {topic!r}"
    return ""


def command_topics(device: Device) -> frozenset[str]:
    """Every topic ``device`` takes commands on (normalised): the command topic and per-feature ones."""
    topics = {device.command_topic}
    for key, value in device.extra.items():
        if isinstance(value, str) and (key.endswith("command_topic") or key == "set_position_topic"):
            topics.add(value)
    return frozenset(n for t in topics if (n := _normal(t)))


def critical_topics(devices: Mapping[str, Device]) -> dict[str, str]:
    """normalised command topic -> the entity_id of the safety-critical device that owns it."""
    out: dict[str, str] = {}
    for device in devices.values():
        if is_safety_critical(device):
            for topic in command_topics(device):
                out.setdefault(topic, device.entity_id)
    return out


def command_key(command: Any) -> CommandKey:
    """A planned command (a DeviceCommand, or a mapping with the same names) as a :class:`CommandKey`."""
    get = command.get if isinstance(command, Mapping) else (lambda k, d="": getattr(command, k, d))
    return (str(get("entity_id", "")), str(get("action", "")), str(get("topic", "")), str(get("payload", "")))


class VerdictKind(StrEnum):
    ALLOW = "allow"
    CONFIRM = "confirm"  # a direct request on a safety-critical device: ask, and send only with a token
    REFUSE = "refuse"  # learned + critical, a hijacked topic or a bad topic: never, not even by asking


@dataclass(frozen=True, slots=True)
class Verdict:
    """The gate's answer for a list of commands. ``critical`` are the safety-critical commands;
    ``offender`` the command behind a refusal; ``reason`` says why in words for the log and the user."""

    kind: VerdictKind
    reason: str = ""
    critical: tuple[CommandKey, ...] = ()
    offender: CommandKey | None = None
    hijack: bool = False

    @property
    def allowed(self) -> bool:
        return self.kind is VerdictKind.ALLOW

    @property
    def refused(self) -> bool:
        return self.kind is VerdictKind.REFUSE


_ALLOW = Verdict(VerdictKind.ALLOW)


def review(commands: Sequence[CommandKey], provenance: Provenance, devices: Mapping[str, Device]) -> Verdict:
    """The rule, pure: what may happen to ``commands`` (from a request of ``provenance``) in a home of
    ``devices``. A command on a device the home does not have is refused."""
    owners = critical_topics(devices)
    critical: list[CommandKey] = []
    for key in commands:
        entity_id, _action, topic, _payload = key
        if problem := topic_problem(topic):
            return Verdict(VerdictKind.REFUSE, f"{entity_id} has {problem}", offender=key)
        device = devices.get(entity_id)
        owner = owners.get(_normal(topic))
        if device is None:
            why = f"{entity_id} is not a device of this home"
            why += f" and {topic!r} is {owner}'s command topic" if owner else ""
            return Verdict(VerdictKind.REFUSE, why, offender=key, hijack=owner is not None)
        if is_safety_critical(device):
            critical.append(key)
        elif owner is not None:
            return Verdict(
                VerdictKind.REFUSE,
                f"{entity_id} publishes on {topic!r}, the command topic of {owner}",
                offender=key,
                hijack=True,
            )
    if not critical:
        return _ALLOW
    if provenance.learned:
        reason = f"a {provenance.value} request would act on {critical[0][0]}"
        return Verdict(VerdictKind.REFUSE, reason, tuple(critical), critical[0])
    return Verdict(VerdictKind.CONFIRM, "safety-critical device", tuple(critical))


@dataclass(frozen=True, slots=True)
class Admission:
    """What an executor's gate says about a plan: go ahead (``ok``), or the error code and why."""

    ok: bool
    error: ErrorCode | None = None
    message: str = ""


class SafetyGate:
    """The gate an executor runs before it publishes anything (one per executor): the rule against the
    executor's own devices, the confirmation token checked (exact commands, fresh, unused) and spent."""

    def __init__(
        self, settings: GateSettings | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings or GateSettings()
        self._clock = clock
        self._used: OrderedDict[str, None] = OrderedDict()
        self._logged: set[tuple[str, str]] = set()
        self.refused = 0  # plans refused or held back for want of a confirmation (for benches and health)

    def admit(
        self,
        commands: Sequence[CommandKey],
        provenance: Provenance,
        devices: Mapping[str, Device],
        confirmation: Confirmation | None,
    ) -> Admission:
        verdict = review(commands, provenance, devices)
        if verdict.refused:
            self.refused += 1
            self._log_refusal(verdict)
            return Admission(False, ErrorCode.SAFETY_REFUSED, verdict.reason)
        if verdict.allowed:
            return Admission(True)
        problem = self._token_problem(commands, confirmation)
        if problem:
            self.refused += 1
            log.warning("not sent without a spoken confirmation: %s (%s)", verdict.critical[0][0], problem)
            return Admission(False, ErrorCode.NEEDS_CONFIRMATION, problem)
        assert confirmation is not None
        self._spend(confirmation.nonce)
        return Admission(True)

    def _token_problem(self, commands: Sequence[CommandKey], token: Confirmation | None) -> str:
        s = self.settings
        if token is None:
            return "no confirmation"
        if token.nonce in self._used:
            return "that confirmation was already used"
        if not 0 <= token.answered_at - token.asked_at <= s.confirm_window_s:
            return f"the answer came more than {s.confirm_window_s:g} s after the question"
        if not 0 <= self._clock() - token.issued_at <= s.max_token_age_s:
            return "the confirmation is too old"
        if frozenset(commands) != token.commands:
            return "the confirmation was for other commands"
        return ""

    def _spend(self, nonce: str) -> None:
        self._used[nonce] = None
        while len(self._used) > self.settings.remember_nonces:
            self._used.popitem(last=False)

    def _log_refusal(self, verdict: Verdict) -> None:
        key = (verdict.offender or ("", "", "", ""))[0], verdict.reason
        if key in self._logged:
            return
        if len(self._logged) < 4096:
            self._logged.add(key)
        log.warning("refused: %s", verdict.reason)
