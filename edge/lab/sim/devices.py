"""The device simulator over MQTT (``edge simulate``): a configured home that behaves like real devices.

It publishes retained Home Assistant discovery configs for "ha" devices and ``bridge/devices`` for
Zigbee2MQTT ones, retained states, obeys commands after a seeded 50-300 ms delay (via the pure
:mod:`edge.lab.sim.device_model`), injects per-device faults, and flips devices "by hand" on request.
After every (re)connection it publishes everything again, as real bridges do.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Mapping
from typing import Any

from edge.context.homes import Home
from edge.context.model import Capability, Device, DeviceState
from edge.context.mqtt import Message, MqttSession
from edge.context.wire import PayloadError, decode_command, encode_state
from edge.errors import EdgeError
from edge.lab.sim.device_model import Fault, manual_toggle, respond

__all__ = ["DeviceSimulator", "discovery_config", "z2m_bridge_devices"]

log = logging.getLogger(__name__)
NODE_ID = "edge_sim"


def discovery_config(device: Device) -> dict[str, Any]:
    """The HA discovery config (JSON schema) the simulator publishes for an "ha" device."""
    object_id = device.entity_id.partition(".")[2]
    cfg: dict[str, Any] = {
        "name": device.name, "unique_id": f"{NODE_ID}_{object_id}", "object_id": object_id, "schema": "json",
        "state_topic": device.state_topic, "command_topic": device.command_topic,
        "device": {"identifiers": [f"{NODE_ID}_{object_id}"], "name": device.name,
                   "suggested_area": device.area},
    }  # fmt: skip
    caps = device.capabilities
    if device.device_class:
        cfg["device_class"] = device.device_class
    if device.unit:
        cfg["unit_of_measurement"] = device.unit
    if device.domain == "light":
        white = ["color_temp"] if Capability.COLOR_TEMP in caps else []  # a white spectrum bulb: alone
        modes = (
            ["rgb"]
            if Capability.COLOR in caps
            else []
            if white
            else ["brightness"]
            if Capability.BRIGHTNESS in caps
            else ["onoff"]
        )
        cfg["brightness"] = Capability.BRIGHTNESS in caps
        cfg["supported_color_modes"] = modes + white
    if Capability.TEMPERATURE_SET in caps:
        cfg["temperature_command_topic"] = device.command_topic
    if Capability.TEMPERATURE_READ in caps and device.domain != "sensor":
        cfg["current_temperature_topic"] = device.state_topic
    if Capability.POSITION in caps:
        cfg["set_position_topic"] = device.command_topic
        cfg["position_topic"] = device.state_topic
    return cfg


_Z2M_EXPOSE = {d: d for d in ("light", "switch", "lock", "cover", "climate", "fan")}


def _z2m_features(device: Device) -> list[dict[str, Any]]:
    caps = device.capabilities
    names = []
    if device.domain != "climate":
        names.append("state")
    if device.domain == "lock":
        names.append("lock_state")
    for cap, name in ((Capability.BRIGHTNESS, "brightness"), (Capability.COLOR, "color_xy"),
                      (Capability.COLOR_TEMP, "color_temp"), (Capability.POSITION, "position"),
                      (Capability.TEMPERATURE_READ, "local_temperature"),
                      (Capability.TEMPERATURE_SET, "occupied_heating_setpoint")):  # fmt: skip
        if cap in caps:
            names.append(name)
    return [
        {"type": "numeric" if n not in {"state", "lock_state"} else "binary", "name": n, "property": n}
        for n in names
    ]


def z2m_bridge_devices(home: Home) -> list[dict[str, Any]]:
    """The ``zigbee2mqtt/bridge/devices`` list for the home's z2m devices (plus the coordinator)."""
    out: list[dict[str, Any]] = [
        {"ieee_address": "0x00124b0000000000", "type": "Coordinator", "friendly_name": "Coordinator"}
    ]
    for i, eid in enumerate(sorted(home.z2m)):
        device = home.devices[eid]
        friendly = eid.partition(".")[2]
        kind = _Z2M_EXPOSE.get(device.domain)
        if kind:
            exposes: list[dict[str, Any]] = [{"type": kind, "features": _z2m_features(device)}]
        else:
            exposes = [{"type": "numeric", "name": "temperature", "property": "temperature", "unit": "°C"}]
        out.append({
            "ieee_address": f"0x00158d00{i:08x}", "type": "EndDevice", "friendly_name": friendly,
            "supported": True,
            "definition": {"model": f"SIM-{device.extra.get('type', device.domain)}",
                           "vendor": "ambient-edge", "description": device.name, "exposes": exposes},
        })  # fmt: skip
    return out


class DeviceSimulator:
    """Simulated devices on an :class:`MqttSession`. ``run()`` serves until cancelled."""

    def __init__(
        self,
        home: Home,
        session: MqttSession,
        *,
        discovery_prefix: str = "homeassistant",
        z2m_prefix: str = "zigbee2mqtt",
        seed: int = 0,
        faults: dict[str, Fault] | None = None,
    ) -> None:
        self.home = home
        self.session = session
        self.discovery_prefix = discovery_prefix
        self.z2m_prefix = z2m_prefix
        self.states: dict[str, DeviceState] = dict(home.states)
        self.faults: dict[str, Fault] = dict(faults or {})
        self._rng = random.Random(seed)
        self._by_command = {d.command_topic: d for d in home.devices.values() if d.command_topic}
        self._tasks: set[asyncio.Task[None]] = set()
        self.commands_seen = 0
        self.retained: set[str] = set()  # every topic it published retained, for a clean-up on exit
        self._announced = False
        self.announced = asyncio.Event()  # set once discovery and every state are on the broker
        session.add_listener(self._connection_changed)

    def _connection_changed(self, up: bool) -> None:
        if up and self._announced:  # a new connection: publish everything again, like a real bridge
            task = asyncio.get_running_loop().create_task(self._reannounce(), name="sim-reannounce")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _reannounce(self) -> None:
        try:
            await self.announce()
        except Exception as err:  # gone again: the next connection retries
            log.warning("simulator: could not republish: %s", err)

    def _require(self, entity_id: str) -> Device:
        device = self.home.devices.get(entity_id)
        if device is None:
            raise KeyError(f"no device {entity_id!r} in home {self.home.name!r}")
        return device

    def set_fault(self, entity_id: str, fault: Fault) -> None:
        self._require(entity_id)
        self.faults[entity_id] = fault

    async def publish_state(self, device: Device) -> None:
        state = self.states.get(device.entity_id, DeviceState("unknown"))
        self.retained.add(device.state_topic)
        await self.session.publish(device.state_topic, encode_state(device, state), qos=1, retain=True)

    async def announce(self) -> None:
        """Discovery configs, the z2m device list and every state, all retained."""
        for device in self.home.devices.values():
            if device.entity_id in self.home.z2m:
                continue
            object_id = device.entity_id.partition(".")[2]
            topic = f"{self.discovery_prefix}/{device.domain}/{NODE_ID}/{object_id}/config"
            self.retained.add(topic)
            await self.session.publish(topic, json.dumps(discovery_config(device)), qos=1, retain=True)
        if self.home.z2m:
            body = json.dumps(z2m_bridge_devices(self.home))
            self.retained.add(f"{self.z2m_prefix}/bridge/devices")
            await self.session.publish(f"{self.z2m_prefix}/bridge/devices", body, qos=1, retain=True)
        for device in self.home.devices.values():
            if self.faults.get(device.entity_id) is not Fault.OFFLINE:
                await self.publish_state(device)

    async def toggle(self, entity_id: str, to: str | None = None) -> DeviceState:
        """A change by hand: the state flips (or becomes ``to``) with no command."""
        device = self._require(entity_id)
        old = self.states.get(entity_id, DeviceState("unknown"))
        self.states[entity_id] = manual_toggle(device, old, time.monotonic() * 1000, to)
        await self.publish_state(device)
        return self.states[entity_id]

    def handle(self, message: Message) -> None:
        device = self._by_command.get(message.topic)
        if device is None:
            return
        try:
            actions = decode_command(device, message.payload)
        except PayloadError as err:
            log.warning("simulator: bad command for %s: %s", device.entity_id, err)
            return
        self.commands_seen += 1
        state = self.states.get(device.entity_id, DeviceState("unknown"))
        fault = self.faults.get(device.entity_id, Fault.NONE)
        response = respond(device, state, actions, fault, self._rng)
        log.info("simulator: %s %s -> %s (fault %s)", device.entity_id, actions,
                 response.state.state if response.state else "no response", fault)  # fmt: skip
        if response.state is None:
            return
        self.states[device.entity_id] = response.state
        task = asyncio.create_task(self._later(device, response.delay_s), name=f"sim-{device.entity_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _later(self, device: Device, delay_s: float) -> None:
        await asyncio.sleep(delay_s)
        try:
            await self.publish_state(device)
        except Exception as err:  # the broker may be away; the next announce republishes
            log.warning("simulator: could not publish %s: %s", device.entity_id, err)

    async def take_back(self, previous: Mapping[str, bytes], timeout_s: float = 3.0) -> int:
        """Stop answering and take back every retained message it published: the payload a topic held
        before (``previous``: topic -> payload, read before it started), else an empty retained payload
        (which deletes it), so a broker it shared is left as it found it. Bounded by ``timeout_s``; the
        number of topics taken back."""
        for task in list(self._tasks):
            task.cancel()
        done = 0
        try:
            async with asyncio.timeout(timeout_s):
                for topic in sorted(self.retained):
                    await self.session.publish(
                        topic, previous.get(topic, b""), qos=1, retain=True, wait_s=timeout_s
                    )
                    done += 1
        except (TimeoutError, EdgeError) as err:
            log.warning("simulator: took back %d of %d retained topics: %s", done, len(self.retained), err)
        return done

    async def run(self) -> None:
        for topic in sorted(self._by_command):
            await self.session.subscribe(topic, qos=1)
        await self.announce()
        self._announced = True
        self.announced.set()
        async for message in self.session.messages():
            self.handle(message)
