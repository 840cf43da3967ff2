"""What the turn engine needs from the other stages, as small Protocols (the real modules satisfy them;
tests pass behavioural fakes).

:class:`HomeView` is the one interface of a home, whatever serves it: the MQTT home on a broker
(:class:`edge.turns.mqtt_home.MqttHome`), the simulated homes of the lab (in memory, or served on a broker
for a scripted session) and the tests' fakes. :class:`Recorder` is the feedback recorder as the turn driver
(:mod:`edge.turns.driver`) feeds it."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from edge.actions.gate import Confirmation
from edge.context.model import ContextSnapshot
from edge.events import PipelineEvent
from edge.feedback.observations import BargeIn, DeviceEvent
from edge.feedback.record import Offer, TurnRecord
from edge.nlu.types import Intent
from edge.services import Announcement, ServiceReply

__all__ = [
    "ContextSource",
    "Emit",
    "ExecResult",
    "Executor",
    "HomeView",
    "Offers",
    "Parser",
    "PlanLike",
    "Planner",
    "Recorder",
    "RewriteResult",
    "Rewriter",
    "Services",
    "UnsureParser",
    "command_json",
]


class Parser(Protocol):
    def parse(self, text: str, snapshot: ContextSnapshot) -> Intent | None: ...


@runtime_checkable
class UnsureParser(Protocol):
    """A parser that keeps the two readings of a request it would not act on (below ``nlu.act_below``),
    for the question the device asks instead (:mod:`edge.dialog.unsure`)."""

    def readings(self, text: str, snapshot: ContextSnapshot) -> tuple[Intent, ...]: ...


@runtime_checkable
class Offers(Protocol):
    """A rewriter that can ask back: "Did you mean: ...?" for a request the NLU could not act on
    (:mod:`edge.learning.askback`); ``refused``: pairs (heard, offered) refused since it was loaded."""

    def offer(
        self, text: str, snapshot: ContextSnapshot, refused: Collection[tuple[str, str]] = ()
    ) -> Offer | None: ...


class RewriteResult(Protocol):
    @property
    def rewritten(self) -> str: ...
    @property
    def layer(self) -> str: ...
    @property
    def score(self) -> float: ...


class Rewriter(Protocol):
    def rewrite(
        self, text: str, snapshot: ContextSnapshot, asr_confidence: float, turn_id: str = ""
    ) -> RewriteResult | None: ...


class PlanLike(Protocol):
    """A plan as the engine sees it. ``commands`` have ``entity_id``, ``action``, ``topic`` and ``payload``
    (attributes or keys): the safety gate classifies them; ``with_confirmation`` is the same plan carrying
    the spoken confirmation of exactly those commands (the executor checks it)."""

    @property
    def commands(self) -> Sequence[Any]: ...
    @property
    def needs_confirmation(self) -> bool: ...
    @property
    def answer(self) -> str | None: ...
    def with_confirmation(self, confirmation: Confirmation) -> PlanLike: ...


class Planner(Protocol):
    """``confirmed``: the caller will attach a confirmation (the plan is not marked as needing one); it
    never lets a command through by itself."""

    def plan(self, intent: Intent, snapshot: ContextSnapshot, *, confirmed: bool = False) -> PlanLike: ...


class ExecResult(Protocol):
    @property
    def ok(self) -> bool: ...
    @property
    def error(self) -> str: ...


class Executor(Protocol):
    async def execute(self, plan: PlanLike) -> ExecResult: ...


class ContextSource(Protocol):
    def snapshot(self) -> ContextSnapshot: ...


class HomeView(ContextSource, Planner, Executor, Protocol):
    """What the turn engine needs from a home: the snapshot a turn is understood on, the plan for an
    intent (the home's planner, with its undo journal), carrying a plan out, and the device events the home
    has seen since the last call, each marked as commanded (a state our command asked for) or by hand (a
    wall switch, an app, someone at the device): the feedback recorder reads an undo by hand from them."""

    def drain_events(self) -> list[DeviceEvent]: ...


class Recorder(Protocol):
    """The feedback recorder (:class:`edge.feedback.recorder.FeedbackRecorder`) as the driver feeds it:
    turns, device events, barge-ins, and the time (``tick``) that closes the feedback windows."""

    async def on_turn(self, record: TurnRecord) -> None: ...
    async def on_device_event(self, event: DeviceEvent) -> None: ...
    async def on_barge_in(self, event: BargeIn) -> None: ...
    async def tick(self, now: float) -> None: ...


class Services(Protocol):
    """The intents that need no device (timers, lists, broadcast, respond, time, date, weather, nevermind):
    :class:`edge.services.HomeServices` on the device, made by :func:`edge.wiring.build_turns`. The engine
    calls :meth:`handle` for every intent :meth:`handles`, device or not in today's model, instead of
    planning device commands; :meth:`answer` takes the reply to a "Which timer?" it asked (None: not an
    answer); :meth:`due` is what to say unasked (a timer ended, another satellite's broadcast)."""

    def handles(self, intent_name: str) -> bool: ...
    async def handle(self, intent: Intent, snapshot: ContextSnapshot) -> ServiceReply: ...
    async def answer(self, intent: Intent, asked: Sequence[str], text: str) -> ServiceReply | None: ...
    async def due(self) -> Sequence[Announcement]: ...


Emit = Callable[[PipelineEvent], Awaitable[None] | None]


def command_json(command: Any) -> dict[str, Any]:
    """A planned command as stored in the turn record: entity_id, topic, payload and the expected state."""
    if hasattr(command, "to_json"):
        raw: Mapping[str, Any] = command.to_json()
    elif dataclasses.is_dataclass(command) and not isinstance(command, type):
        raw = dataclasses.asdict(command)
    elif isinstance(command, Mapping):
        raw = command
    else:
        raw = {k: getattr(command, k) for k in ("entity_id", "topic", "payload") if hasattr(command, k)}
    out = {k: v for k, v in raw.items() if isinstance(v, str | int | float | bool | type(None) | dict | list)}
    for key in ("expect", "expected_state", "state"):
        if key in raw and "state" not in out:
            out["state"] = str(raw[key])
    if "state" not in out:
        for key in ("expect", "expected_state"):
            if hasattr(command, key):
                out["state"] = str(getattr(command, key))
                break
    return out
