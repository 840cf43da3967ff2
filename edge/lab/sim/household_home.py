"""Simulated homes: rooms with lights, lamps, fans, speakers and blinds, a front-door lock and a garage
door, built from the project's device types (``devices/types.toml``) as a real
:class:`edge.context.homes.Home`.
Users' nicknames the registry lacks ("big light") and faulty devices (a chance per command of no response)
belong to the simulated household, not to the registry. Pure and seeded.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from edge import resources
from edge.context.homes import DeviceType, Home, device_topics, load_device_types
from edge.context.model import Device, DeviceState

__all__ = ["ARTISTS", "NICKNAMES", "SimHome", "make_home"]

ARTISTS = (
    "imagine dragons",
    "coldplay",
    "taylor swift",
    "the beatles",
    "fleetwood mac",
    "daft punk",
    "miles davis",
    "norah jones",
    "queen",
    "adele",
)
_ROOMS = (
    "kitchen",
    "living room",
    "bedroom",
    "office",
    "hallway",
    "bathroom",
    "dining room",
    "nursery",
    "study",
    "porch",
    "basement",
    "guest room",
)
# (word in the device name, device type); a room gets 0-2 of these besides its ceiling light
_EXTRAS = (("lamp", "dimmable_light"), ("fan", "fan"), ("speaker", "speaker"), ("blinds", "blinds"))
NICKNAMES = (
    "big light",
    "reading lamp",
    "fairy lights",
    "disco ball",
    "mood light",
    "glow",
    "bubble lamp",
)


@functools.cache
def _types() -> dict[str, DeviceType]:
    return load_device_types(resources.device_types())


@dataclass(slots=True)
class SimHome:
    """One simulated household. ``states`` mirrors the devices' current states (the simulator keeps it in
    step with the runtime's in-memory home); ``initial`` holds the full starting states for the runtime."""

    home_id: str
    devices: dict[str, Device]
    nicknames: dict[str, str] = field(default_factory=dict)  # what users call a device -> entity_id
    faulty: dict[str, float] = field(default_factory=dict)  # entity_id -> chance a command gets no answer
    states: dict[str, str] = field(default_factory=dict)
    initial: dict[str, DeviceState] = field(default_factory=dict)
    area: str = ""  # where the home's voice satellite stands

    def names(self) -> list[str]:
        return [d.name for d in self.devices.values()]

    def to_home(self) -> Home:
        """The registry the runtime sees: names, aliases, areas, capabilities (no nicknames, no faults)."""
        areas = tuple(dict.fromkeys(d.area for d in self.devices.values() if d.area))
        initial = {e: self.initial.get(e, DeviceState(s)) for e, s in self.states.items()}
        return Home(self.home_id, self.devices, initial, areas, area_floor=dict.fromkeys(areas, ""))

    def sync(self, states: Mapping[str, DeviceState]) -> None:
        for e, st in states.items():
            if e in self.states:
                self.states[e] = st.state


def _device(entity_id: str, name: str, type_name: str, area: str, aliases: tuple[str, ...] = ()) -> Device:
    dtype = _types()[type_name]
    command, state, schema = device_topics(entity_id, "ha")
    return Device(
        entity_id,
        name,
        dtype.domain,
        area=area,
        aliases=aliases,
        device_class=dtype.device_class,
        capabilities=dtype.capabilities,
        unit=dtype.unit,
        command_topic=command,
        state_topic=state,
        schema=schema,
        extra={"type": type_name, "transport": "ha"},
    )


def make_home(home_id: str, rng: random.Random, size: str = "medium") -> SimHome:
    n_rooms = {"small": 2, "medium": 4, "large": 7}[size]
    rooms = rng.sample(_ROOMS, n_rooms)
    devices: list[Device] = []
    for room in rooms:
        rid = room.replace(" ", "_")
        extras = rng.sample(_EXTRAS, rng.randrange(0, 3))
        has_lamp = any(word == "lamp" for word, _ in extras)
        alias = () if has_lamp or rng.random() < 0.5 else (f"{room} lamp",)
        devices.append(_device(f"light.{rid}", f"{room} light", "dimmable_light", room, alias))
        for word, type_name in extras:
            domain = _types()[type_name].domain
            devices.append(_device(f"{domain}.{rid}_{word}", f"{room} {word}", type_name, room))
    devices.append(_device("lock.front_door", "front door", "door_lock", "hallway"))
    devices.append(_device("cover.garage", "garage door", "garage_door", "garage"))
    if not any(d.domain == "media_player" for d in devices):
        rid = rooms[0].replace(" ", "_")
        devices.append(_device(f"media_player.{rid}_speaker", f"{rooms[0]} speaker", "speaker", rooms[0]))
    table = {d.entity_id: d for d in devices}
    lights = [d.entity_id for d in devices if d.domain == "light"]
    nick = {rng.choice(NICKNAMES): rng.choice(lights)} if rng.random() < 0.7 else {}
    faulty = {rng.choice(lights): rng.uniform(0.2, 0.5)} if rng.random() < 0.4 else {}
    initial = {
        d.entity_id: DeviceState(
            _types()[str(d.extra["type"])].state, dict(_types()[str(d.extra["type"])].attributes)
        )
        for d in devices
    }
    for e, st in initial.items():  # lights and fans start off
        if table[e].domain in {"light", "fan"}:
            initial[e] = DeviceState("off", dict(st.attributes))
    states = {e: st.state for e, st in initial.items()}
    return SimHome(home_id, table, nick, faulty, states, initial, rooms[0])
