"""What the planner says when a request asks instead of acts: state questions answered from the snapshot in
each kind of device's own words ("The garage door is closed.", "Both kitchen lights are off.", "Nobody is
home.") and temperature readings. Pure: devices and states in, one short sentence out."""

from __future__ import annotations

from collections.abc import Mapping

from edge.actions.attribute_answers import attribute_answer
from edge.actions.wording import cap, is_plural
from edge.context.kinds import is_active
from edge.context.model import ContextSnapshot, Device, DeviceState
from edge.lang import name_key

__all__ = ["BINARY_WORDS", "describe", "reading", "state_answer", "state_word"]


def describe(device: Device, state: DeviceState, intent: str) -> str:
    """One device's reading for a query intent: a temperature (current and target) or its state."""
    attrs = state.attributes
    if intent == "HassClimateGetTemperature" or device.domain == "sensor":
        current = attrs.get("current_temperature", state.state if device.domain == "sensor" else None)
        target = attrs.get("temperature")
        unit = device.unit or "degrees"
        parts = (
            [f"The {device.name} is at {current} {unit}".replace("°C", "degrees")]
            if current is not None
            else []
        )
        if target is not None and device.domain != "sensor":
            parts.append(f"set to {target}")
        return (", ".join(parts) or f"I don't know the {device.name}'s temperature") + "."
    return f"The {device.name} is {state.state}."


_OPENINGS = frozenset(
    {"door", "window", "garage_door", "garage", "gate", "opening", "blind", "blinds", "shade"}
)
_PRESENCE = frozenset({"person", "device_tracker"})
_PLURALS = {"light": "lights", "lock": "locks", "fan": "fans", "switch": "switches", "cover": "covers",
            "media_player": "players", "climate": "thermostats", "vacuum": "vacuums"}  # fmt: skip
_VERB_STATES = frozenset({"playing", "cleaning", "charging", "returning", "paused", "heating", "cooling"})


# a binary sensor's "on" and "off" in its device class's words (Home Assistant's device classes)
BINARY_WORDS: dict[str, tuple[str, str]] = {
    "battery": ("low", "normal"), "battery_charging": ("charging", "not charging"),
    "carbon_monoxide": ("detecting carbon monoxide", "clear"), "cold": ("cold", "normal"),
    "connectivity": ("connected", "disconnected"), "gas": ("detecting gas", "clear"),
    "heat": ("hot", "normal"), "light": ("detecting light", "dark"), "lock": ("unlocked", "locked"),
    "moisture": ("wet", "dry"), "motion": ("detecting someone", "clear"), "moving": ("moving", "still"),
    "occupancy": ("detecting someone", "clear"), "plug": ("plugged in", "unplugged"),
    "power": ("powered", "not powered"), "presence": ("home", "away"),
    "problem": ("reporting a problem", "OK"), "running": ("running", "not running"),
    "safety": ("unsafe", "safe"), "smoke": ("detecting smoke", "clear"),
    "sound": ("detecting sound", "clear"), "tamper": ("tampered with", "clear"),
    "update": ("due an update", "up to date"), "vibration": ("vibrating", "not vibrating"),
}  # fmt: skip
# classes whose question is "is there any X": "No gas detected." / "Gas detected in the kitchen."
_DETECTED = {"gas": "gas", "smoke": "smoke", "carbon_monoxide": "carbon monoxide", "moisture": "leak",
             "sound": "sound", "motion": "motion", "occupancy": "occupancy"}  # fmt: skip
# classes whose word reads after the device's name: "the phone battery", "the furnace temperature"
_NOUN_CLASSES = frozenset(
    {"battery", "humidity", "temperature", "power", "energy", "illuminance", "pressure", "voltage"}
)
_UNITS = {"°C": " degrees", "°F": " degrees", "%": "%", "": ""}


def state_word(device: Device, state: DeviceState) -> str:
    """The device's state as an answer says it: a lock is locked or unlocked, a cover or a door sensor open
    or closed, a person home or away ("on"/"off" from a plain switch-like state are translated)."""
    raw = state.state.lower()
    if device.domain == "lock":
        return {"on": "locked", "off": "unlocked"}.get(raw, raw)
    if device.domain in {"cover", "valve"} or (
        device.domain == "binary_sensor" and device.device_class in _OPENINGS
    ):
        return {"on": "open", "off": "closed", "opening": "opening", "closing": "closing"}.get(raw, raw)
    if device.domain == "binary_sensor" and (words := BINARY_WORDS.get(device.device_class)):
        return {"on": words[0], "off": words[1]}.get(raw, raw)
    if device.domain == "sensor" and raw not in {"unknown", "unavailable", ""}:
        return reading(device, state) if _is_number(raw) or not device.unit else "unknown"
    if device.domain in _PRESENCE:
        return {"home": "home", "not_home": "away"}.get(raw, f"at {raw.replace('_', ' ')}")
    if device.domain == "vacuum" and raw == "returning":
        return "returning to its dock"
    return raw.replace("_", " ")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def reading(device: Device, state: DeviceState) -> str:
    """A sensor's value with its unit as spoken: "48%", "380 W", "21.5 degrees"."""
    unit = device.unit.strip()
    return f"{state.state}{_UNITS.get(unit, f' {unit}')}"


def _subject(device: Device) -> str:
    """ "the phone battery" (a battery sensor called "Phone"), "your phone battery" ("My Phone"), "the
    living room humidity"."""
    name = device.name
    cls = device.device_class.replace("_", " ")
    if (
        device.device_class in _NOUN_CLASSES
        and cls not in name.lower()
        and not name.lower().endswith(("sensor", "meter", "detector"))
    ):
        name = f"{name} {cls}"
    if name.lower().startswith("my "):
        return f"your {name[3:]}"
    return name if device.domain in _PRESENCE else f"the {name}"


def _detected(devices: list[Device], words: Mapping[str, str]) -> str | None:
    """ "No gas detected." / "Gas detected in the kitchen." for a question about a class of sensors."""
    classes = {d.device_class for d in devices}
    if len(classes) != 1 or any(d.domain != "binary_sensor" for d in devices):
        return None
    noun = _DETECTED.get(next(iter(classes)))
    if noun is None:
        return None
    on_word = BINARY_WORDS[next(iter(classes))][0]
    active = [d for d in devices if words[d.entity_id] == on_word]
    if any(words[d.entity_id] in {"unknown", "unavailable"} for d in devices) and not active:
        return f"I can't tell: a {noun} sensor isn't reporting."
    if not active:
        return f"No {noun} detected."
    where = sorted({d.area for d in active if d.area})
    place = f" in the {' and the '.join(where)}" if where else f" by {_names(active)}"
    return cap(f"{noun} detected{place}.")


def _one_answer(device: Device, word: str) -> str:
    name = _subject(device)
    return f"{name} {'are' if is_plural(name) else 'is'} {word}"


def _group_noun(devices: list[Device]) -> str:
    """ "kitchen lights" for lights of one area, "lights" for lights of several, "" for mixed kinds."""
    domains = {d.domain for d in devices}
    plural = _PLURALS.get(next(iter(domains)), "") if len(domains) == 1 else ""
    areas = {d.area for d in devices}
    if plural and len(areas) == 1 and (area := next(iter(areas))):
        return f"{area} {plural}"
    return plural


def _names(devices: list[Device]) -> str:
    names = [d.name if d.domain in _PRESENCE else f"the {d.name}" for d in devices]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def state_answer(devices: list[Device], snapshot: ContextSnapshot, slots: Mapping[str, str]) -> str:
    """The answer to a state question from the snapshot: "The office lamp is on.", "The garage door is
    closed.", "Both kitchen lights are off.", "Nobody is home."; short, one sentence where it can be."""
    if (domain := slots.get("domain")) and (kind := [d for d in devices if d.domain == domain]):
        devices = kind  # "are the kitchen lights on": the lights, not everything in the kitchen
    if not devices:
        return "I don't know which device you mean."
    words = {
        d.entity_id: state_word(d, snapshot.states.get(d.entity_id, DeviceState("unknown"))) for d in devices
    }
    if slots.get("domain") == "person" or all(d.domain in _PRESENCE for d in devices):
        home = [d for d in devices if words[d.entity_id] == "home"]
        if not home:
            return (
                "Nobody is home."
                if len(devices) > 1
                else f"{devices[0].name} is {words[devices[0].entity_id]}."
            )
        return f"{_names(home)} {'is' if len(home) == 1 else 'are'} home."
    named = name_key(slots.get("name", ""))
    asked_class = "device_class" in slots and (not named or named in _DETECTED or named in _DETECTED.values())
    if asked_class and (detected := _detected(devices, words)):
        return detected  # "is there a gas leak": "No gas detected."
    unknown = [d for d in devices if words[d.entity_id] in {"unknown", "unavailable", ""}]
    if len(devices) == 1:
        device = devices[0]
        if unknown:
            return (
                f"I don't know whether the {device.name} is {slots.get('state') or 'on'}: it isn't reporting."
            )
        state = snapshot.states.get(device.entity_id, DeviceState("unknown"))
        word = words[device.entity_id]
        if asked := attribute_answer(device, state, slots.get("attribute", ""), _subject(device), word):
            return asked  # "what's the volume on the kitchen speaker": that reading, not only its state
        return cap(_one_answer(device, word)) + "."
    if slots.get("state") in {"on", "off"} and not slots.get("domain") and len(devices) > 3:
        return _what_is_on(devices, snapshot, words)  # "is anything still on", "is everything off"
    groups: dict[str, list[Device]] = {}
    for device in devices:
        groups.setdefault(words[device.entity_id], []).append(device)
    noun = _group_noun(devices)
    if len(groups) == 1:
        word = next(iter(groups))
        if noun:
            return f"{'Both' if len(devices) == 2 else f'All {len(devices)}'} {noun} are {word}."
        return cap(f"{_names(devices)} are {word}.")
    ordered = sorted(groups.items(), key=lambda item: len(item[1]))
    parts = []
    for i, (word, members) in enumerate(ordered):
        last = i == len(ordered) - 1
        if last and len(members) > 2 and noun:
            parts.append(f"the other {len(members)} {noun.split()[-1]} are {word}")
        else:
            verb = "is" if len(members) == 1 and not is_plural(members[0].name) else "are"
            parts.append(f"{_names(members)} {verb} {word}")
    return cap("; ".join(parts) + ".")


def _what_is_on(devices: list[Device], snapshot: ContextSnapshot, words: Mapping[str, str]) -> str:
    """Of many devices of every kind, the ones doing something, in their own words, then the rest in one:
    "The oven is on; the kitchen speaker is playing; everything else is off." """
    active: dict[str, list[Device]] = {}
    for device in devices:
        if is_active(snapshot, device.entity_id):
            active.setdefault(words[device.entity_id], []).append(device)
    if not active:
        return "Nothing is on."
    said = [
        f"{_names(m)} {'is' if len(m) == 1 and not is_plural(m[0].name) else 'are'} {w}"
        for w, m in active.items()
    ]
    return cap("; ".join(said) + "; everything else is off.")
