"""``edge session --broker``: a scripted session's home on a real MQTT broker.

The device simulator serves the home on the broker over its own connection, as ``edge simulate`` does;
the runtime side reads it with the real context store (discovery and retained state) and acts through the
MQTT executor, which waits for each device to report the state it was asked for. The session survives a
broker outage: commands during it fail with ``broker-unavailable`` (or are sent when it returns within the
command timeout), a toggle by hand during it is recorded but not seen, and later turns work again.
Messages are real; times are the script's: device changes are stamped with the session clock, so the
feedback windows (an undo by hand within 60 s, ...) run on script time, and snapshots carry ``start + t``
as their local time. The device events are the runtime's own (:meth:`MqttHome.drain_events`), except that
a toggle by hand is reported as such even when the runtime could not see it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from datetime import datetime, timedelta
from types import TracebackType

from edge.actions.commands import ActionResult, Plan
from edge.config import Settings
from edge.context.homes import Home
from edge.context.model import ContextSnapshot
from edge.context.mqtt import MqttSession, SessionSettings
from edge.context.store import ContextStore
from edge.errors import ConfigError, EdgeError, ErrorCode
from edge.feedback.observations import ChangeSource, DeviceEvent
from edge.lab.sim.devices import DeviceSimulator
from edge.lab.sim.local import EPOCH
from edge.nlu.types import Intent
from edge.turns.mqtt_home import MqttHome
from edge.turns.protocols import PlanLike

__all__ = ["BrokerHome"]

log = logging.getLogger(__name__)


class BrokerHome:
    """``async with BrokerHome(settings, home) as h``: the turn engine's home (an
    :class:`edge.turns.protocols.HomeView`) and the simulated home of a scripted session (``advance``,
    ``toggle``)."""

    def __init__(
        self,
        settings: Settings,
        home: Home,
        *,
        home_id: str = "home",
        seed: int = 0,
        start: datetime = EPOCH,
        ready_timeout_s: float = 10.0,
    ) -> None:
        self.settings = settings
        self.home = home
        self.home_id = home_id
        self.seed = seed
        self.start = start
        self.ready_timeout_s = ready_timeout_s
        self.t = 0.0
        self.store = ContextStore(settings, home)
        self._pending: list[DeviceEvent] = []  # toggles by hand, reported before what the runtime saw
        self._stack = contextlib.AsyncExitStack()
        self._tasks: list[asyncio.Task[None]] = []
        self._sim: DeviceSimulator | None = None
        self._mqtt: MqttHome | None = None
        self._runtime: MqttSession | None = None

    # -- lifetime ----------------------------------------------------------------------------------------
    async def __aenter__(self) -> BrokerHome:
        mqtt = self.settings.mqtt
        tag = uuid.uuid4().hex[:8]
        sim_settings = SessionSettings(
            host=mqtt.host, port=mqtt.port, username=mqtt.username, password=mqtt.password,
            client_id=f"edge-session-sim-{tag}", tls=mqtt.tls, ca_file=mqtt.ca_file,
            reconnect_min_s=mqtt.reconnect_min_s, reconnect_max_s=mqtt.reconnect_max_s,
            session_expiry_s=300,  # like a real bridge: commands sent while it reconnects are queued for it
        )  # fmt: skip
        runtime_settings = SessionSettings.from_mqtt(mqtt, f"session-{tag}", health=False)
        try:
            sim_session = await self._stack.enter_async_context(MqttSession(sim_settings))
            runtime = await self._stack.enter_async_context(MqttSession(runtime_settings))
            self._sim = DeviceSimulator(self.home, sim_session, seed=self.seed)
            self._mqtt = MqttHome(
                self.store, runtime, self.settings, home_id=self.home_id, clock=lambda: self.t
            )
            self._runtime = runtime
            self._tasks = [
                asyncio.create_task(self._sim.run(), name="session-simulator"),
                asyncio.create_task(self.store.run(runtime), name="session-context-store"),
            ]
            await self._ready()
        except BaseException:
            await self.aclose()
            raise
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self._mqtt is not None:
            self._mqtt.close()
        await self._stack.aclose()

    async def _ready(self) -> None:
        """Every device of the home discovered over the broker with a retained state."""
        mqtt = self.settings.mqtt
        try:
            async with asyncio.timeout(self.ready_timeout_s):
                while any(self.store.state(e) is None for e in self.home.devices):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
        except TimeoutError as err:
            missing = sorted(e for e in self.home.devices if self.store.state(e) is None)
            raise EdgeError(
                f"the simulated home did not appear on the MQTT broker at {mqtt.host}:{mqtt.port} within "
                f"{self.ready_timeout_s:.0f} s ({len(missing)} devices without state, e.g. {missing[0]})",
                code=ErrorCode.BROKER_UNAVAILABLE,
                hint="start a broker there (mosquitto -p PORT) or leave out --broker for the in-process home",
            ) from err
        self._home().drain_events()  # discovery and retained states are not changes anybody made

    @property
    def broker_connected(self) -> bool:
        """Whether the runtime side is connected to the broker now."""
        return self._runtime is not None and self._runtime.connected

    # -- the turn engine's view --------------------------------------------------------------------------
    def snapshot(self) -> ContextSnapshot:
        return self.store.snapshot(self.start + timedelta(seconds=self.t))

    def plan(self, intent: Intent, snapshot: ContextSnapshot, *, confirmed: bool = False) -> Plan:
        return self._home().plan(intent, snapshot, confirmed=confirmed)

    async def execute(self, plan: PlanLike) -> ActionResult:
        return await self._home().execute(plan)

    # -- the scripted session's view ---------------------------------------------------------------------
    def advance(self, t: float) -> None:
        self.t = max(self.t, t)

    async def toggle(self, entity_id: str, t: float) -> DeviceEvent:
        """Someone flips ``entity_id`` by hand at ``t``: the device publishes its new state, and the
        runtime's context store must see it. The change is reported by hand among the home's events."""
        if entity_id not in self.home.devices:
            raise ConfigError(f"no device {entity_id!r} in home {self.home.name}", hint="check the entity_id")
        self.advance(t)
        old = self.store.state(entity_id)
        sim = self._simulator()
        try:
            new = await sim.toggle(entity_id)
        except EdgeError as err:
            if err.code != ErrorCode.BROKER_UNAVAILABLE:
                raise
            # the device changed by hand while the broker is away: the runtime cannot see it now (the
            # simulator republishes every state when it is back); the session goes on
            log.warning("toggle of %s at t=%.1f while the broker is away: %s", entity_id, t, err.message)
            new = sim.states[entity_id]
            return self._by_hand(entity_id, old.state if old else "unknown", new.state)
        seen = await self.store.wait_for(entity_id, lambda s: s.state == new.state, self.ready_timeout_s)
        if seen is None and not self.broker_connected:
            log.warning("the change of %s was not seen: the broker is away", entity_id)
        elif seen is None:
            raise EdgeError(
                f"the broker did not deliver the change of {entity_id} within {self.ready_timeout_s:.0f} s",
                code=ErrorCode.BROKER_UNAVAILABLE,
                hint="check that the broker is running",
            )
        # what the runtime saw until now, with the toggle's own change reported by hand (the runtime's
        # guess would call it commanded when it happens to restore a state a recent command asked for)
        self._pending += [
            e for e in self._home().drain_events() if (e.entity_id, e.new) != (entity_id, new.state)
        ]
        return self._by_hand(entity_id, old.state if old else "unknown", new.state)

    def drain_events(self) -> list[DeviceEvent]:
        out, self._pending = [*self._pending, *self._home().drain_events()], []
        return out

    def _by_hand(self, entity_id: str, old: str, new: str) -> DeviceEvent:
        event = DeviceEvent(entity_id, old, new, self.t, ChangeSource.MANUAL, self.home_id)
        self._pending.append(event)
        return event

    def _home(self) -> MqttHome:
        if self._mqtt is None:
            raise RuntimeError("BrokerHome is used outside `async with`")
        return self._mqtt

    def _simulator(self) -> DeviceSimulator:
        if self._sim is None:
            raise RuntimeError("BrokerHome is used outside `async with`")
        return self._sim
