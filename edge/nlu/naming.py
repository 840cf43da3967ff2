"""What a request's words name in this home, where the tagger's slots fall short, as Home Assistant's
matcher reads them: a device name said word for word ("is gas detected" with a sensor named Gas; "the
living room lamp" tagged as an area and a kind), an area and a kind ("the kitchen fans": the kitchen's
fans, never a kitchen light whose name sounds alike), a bare kind ("start the vacuum"), "this room" (the
satellite's area), and for a request that moves a device, only devices that can move."""

from __future__ import annotations

from collections.abc import Mapping

from edge.context.model import ContextSnapshot, Device
from edge.lang import model_tokens, name_key
from edge.nlu.catalogue import by_name
from edge.nlu.questions import KIND_WORDS

__all__ = ["actionable", "area_kind", "ends_on_an_area", "said_name", "whole_home"]

_PLURAL_DOMAINS = {
    "lights": "light", "lamps": "light", "fans": "fan", "switches": "switch", "plugs": "switch",
    "blinds": "cover", "curtains": "cover", "shades": "cover", "shutters": "cover", "covers": "cover",
    "locks": "lock", "speakers": "media_player",
}  # fmt: skip


_KIND_WORDS = {
    **_PLURAL_DOMAINS, "light": "light", "fan": "fan", "vacuum": "vacuum", "robot vacuum": "vacuum",
    "vacuum cleaner": "vacuum", "thermostat": "climate", "lawn mower": "lawn_mower", "mower": "lawn_mower",
}  # fmt: skip
"""Kind words that name no device of their own: "start the vacuum" is the home's vacuum, whatever its
name ("lamp" and "tv" stay names: "the lamp" is one lamp, "the tv" never a speaker)."""


_SINGULAR_DOMAINS = {
    "light": "light", "fan": "fan", "lock": "lock", "thermostat": "climate", "speaker": "media_player",
    "blind": "cover", "curtain": "cover", "shade": "cover",
}  # fmt: skip
"""After an area's name, when no device is called that: "the kitchen fan" is the kitchen's fan (never the
kitchen light whose name sounds alike), as Home Assistant reads "{area} fan"."""
_HERE = frozenset({"here", "in here", "this room", "the room", "room", "this area", "in this room"})
"""Area words that mean the satellite's own area ("turn every light on in this room")."""
_READ_ONLY = frozenset({"sensor", "binary_sensor", "person", "device_tracker", "weather", "zone"})


def area_kind(slots: Mapping[str, str], snapshot: ContextSnapshot, text: str = "") -> dict[str, str]:
    """A ``name`` that names no device but a kind ("the vacuum"), or an area and a kind ("the kitchen
    lights", "the kitchen fan", also when only "kitchen" was tagged and "fans" follows it in ``text``),
    means the devices of that kind (the area's), as Home Assistant reads them; "this room" / "here" is the
    satellite's area; any other slots as given."""
    out = dict(slots)
    if out.get("area", "").strip().lower() in _HERE and snapshot.satellite.area:
        out["area"] = snapshot.satellite.area
    name = out.get("name", "").strip().lower().removeprefix("the ")
    if not name or any(d.name.lower() == name for d in snapshot.devices.values()):
        return out
    rest = {k: v for k, v in out.items() if k not in {"name", "domain"}}
    if domain := _KIND_WORDS.get(name):
        return {**rest, "domain": domain}
    areas = {a.lower() for a in snapshot.areas} | {d.area.lower() for d in snapshot.devices.values()}
    area, _, kind = name.rpartition(" ")
    if name in areas and text:  # "turn all the kitchen fans on" with only "kitchen" tagged
        words = model_tokens(text)
        said = name.split()
        at = next((i for i in range(len(words)) if words[i : i + len(said)] == said), -1)
        area, kind = (name, words[at + len(said)]) if 0 <= at < len(words) - len(said) else ("", "")
    domain = _PLURAL_DOMAINS.get(kind) or _SINGULAR_DOMAINS.get(kind)
    if not domain or area not in areas:
        return out
    return {**rest, "area": area, "domain": domain}


def actionable(intent: str, targets: tuple[str, ...], snapshot: ContextSnapshot) -> tuple[str, ...]:
    """For a request that moves a device, the targets that can move when some can ("turn on the living room
    light" also sounds like a light *sensor* called "Light"); else all of them (the plan says why not)."""
    spec = by_name(intent)
    if spec is None or not spec.moves_device:
        return targets
    movable = tuple(
        t for t in targets if t in snapshot.devices and snapshot.devices[t].domain not in _READ_ONLY
    )
    return movable or targets


def _short_names(device: Device, snapshot: ContextSnapshot) -> tuple[str, ...]:
    """What people call a device of the satellite's area without its room or node prefix: "skylight" for
    "Kitchen Skylight" (ESPHome and HA name an entity "<device> <entity>"; Zigbee2MQTT "<room>/<name>")."""
    here = name_key(snapshot.satellite.area)
    if not here or name_key(device.area) != here:
        return ()
    key = name_key(device.name)
    prefixes = {here, name_key(str(device.extra.get("device_name", "")))} - {""}
    generic = {device.device_class.replace("_", " ").lower(), device.domain.replace("_", " ")}
    shorts = (key[len(p) + 1 :] for p in prefixes if key.startswith(p + " "))
    return tuple(s for s in shorts if s not in generic)  # "Hallway Temperature" is not "the temperature"


def said_name(text: str, area: str, snapshot: ContextSnapshot, slots: Mapping[str, str] | None = None) -> str:
    """The longest device name or alias said word for word in ``text``, "" when there is none. With an
    ``area`` tagged, only a name around it ("living room lamp" around "living room"); without, a name that
    is no bare kind of device ("light", "tv": the tagger's reading stands), no area's name, and not inside
    another slot's words ("play music": "music" is what to play)."""
    words = f" {' '.join(model_tokens(text))} "
    area_words = f" {name_key(area)} " if area else ""
    other = {k: v for k, v in (slots or {}).items() if k not in {"area", "domain", "device_class"}}
    taken = [f" {' '.join(model_tokens(v))} " for v in other.values()]
    areas = {name_key(a) for a in snapshot.areas}
    best = ""
    for device in snapshot.devices.values():
        for name in (device.name, *device.aliases, *_short_names(device, snapshot)):
            key = name_key(name)
            if len(key) <= len(best) or f" {key} " not in words or key in areas:
                continue
            if area_words and (area_words not in f" {key} " or key == area_words.strip()):
                continue
            if not area_words and (key in KIND_WORDS or any(f" {key} " in t for t in taken)):
                continue
            best = key
    return best


_DWELLINGS = frozenset({"house", "home", "apartment", "flat", "place"})
_BEFORE_DWELLING = frozenset({"the", "my", "our", "this", "whole", "entire"})
_AROUND = (("in",), ("throughout",), ("around",), ("all", "over"), ("across",))
_AFTER_DWELLING = frozenset({
    "wide", "please", "now", "on", "off", "up", "down", "and", "then", "too", "for", "to", "at", "right",
    "as", "tonight", "thanks", "thank",
})  # fmt: skip


def whole_home(text: str) -> bool:
    """The words ask for the whole home, not the satellite's room: "everywhere", "in every room", "in all
    the rooms", "in the (whole) house", "throughout the home", "all over the apartment", "house wide"
    (Home Assistant's "all the lights in the house" has no area)."""
    words = model_tokens(text)
    if "everywhere" in words:
        return True
    for i, w in enumerate(words):
        if w in {"room", "rooms"} and {"every", "all", "each"} & set(words[max(0, i - 3) : i]):
            return True
        if w not in _DWELLINGS or (i + 1 < len(words) and words[i + 1] not in _AFTER_DWELLING):
            continue  # "in my home office" is a room
        if w in {"house", "home"} and words[i + 1 : i + 2] == ["wide"]:
            return True
        j = i
        while j > 0 and words[j - 1] in _BEFORE_DWELLING:
            j -= 1
        if j < i and any(tuple(words[j - len(a) : j]) == a for a in _AROUND if j >= len(a)):
            return True
    return False


_WHOLE_AREA_WORDS = frozenset({"everything", "all", "every", "anything"})
"""Words that make an area's request whole without a kind ("turn off everything in the kitchen")."""


def ends_on_an_area(text: str, snapshot: ContextSnapshot) -> bool:
    """The words end on one of the home's areas, and nothing before it says what to act on (no kind word,
    no word of a device's own name, no "everything"): "turn on the kitchen" may go on ("... light"), and
    whatever a model guesses for it (the room's speaker, its lights) is a guess. "Turn on the lights in
    the kitchen" and "turn the office lamp on in the office" are whole."""
    words = model_tokens(text)
    said = (*snapshot.areas, *(d.area for d in snapshot.devices.values()))
    areas = {key for key in map(name_key, said) if key}
    longest_first = sorted(areas, key=len, reverse=True)
    tail = next((a for a in longest_first if words[-len(a.split()) :] == a.split()), "")
    if not tail:
        return False
    before = set(words[: -len(tail.split())])
    area_words = {w for a in areas for w in a.split()}
    named = {w for d in snapshot.devices.values() for w in name_key(d.name).split()} - area_words
    return not before & (set(KIND_WORDS) | set(_KIND_WORDS) | _WHOLE_AREA_WORDS | named)
