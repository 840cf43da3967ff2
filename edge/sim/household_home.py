"""Simulated homes and the simulated runtime path after ASR: a template NLU with known weaknesses, entity
resolution against the registry (exact, alias, fuzzy), and devices that sometimes fail.

Pure and seeded. The real pipeline (turn engine + NLU model + planner + executor) plugs in behind the same
:class:`SimRuntime` protocol once those parts are available; this one keeps the benchmark fast and its ground
truth exact.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from edge.context.model import Capability, Device

__all__ = ["ARTISTS", "Outcome", "SimHome", "make_home", "run_text"]

C = Capability
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
_EXTRAS = (("lamp", "light"), ("fan", "fan"), ("speaker", "media_player"), ("blinds", "cover"))
NICKNAMES = (
    "big light",
    "reading lamp",
    "fairy lights",
    "disco ball",
    "mood light",
    "the glow",
    "bubble lamp",
)


@dataclass(slots=True)
class SimHome:
    home_id: str
    devices: dict[str, Device]
    nicknames: dict[str, str] = field(default_factory=dict)  # what users call a device -> entity_id
    faulty: dict[str, float] = field(default_factory=dict)  # entity_id -> failure probability
    states: dict[str, str] = field(default_factory=dict)

    def names(self) -> list[str]:
        return [d.name for d in self.devices.values()]


def make_home(home_id: str, rng: random.Random, size: str = "medium") -> SimHome:
    n_rooms = {"small": 2, "medium": 4, "large": 7}[size]
    rooms = rng.sample(_ROOMS, n_rooms)
    devices: list[Device] = []
    for room in rooms:
        rid = room.replace(" ", "_")
        devices.append(
            Device(
                f"light.{rid}",
                f"{room} light",
                "light",
                area=room,
                aliases=(f"{room} lamp",),
                capabilities=frozenset({C.ON_OFF, C.BRIGHTNESS}),
            )
        )
        for word, domain in rng.sample(_EXTRAS, rng.randrange(0, 3)):
            caps = {
                "light": {C.ON_OFF, C.BRIGHTNESS},
                "fan": {C.ON_OFF},
                "media_player": {C.ON_OFF, C.MEDIA_PLAYBACK, C.MEDIA_SEARCH},
                "cover": {C.OPEN_CLOSE, C.POSITION},
            }[domain]
            devices.append(
                Device(
                    f"{domain}.{rid}_{word}",
                    f"{room} {word}",
                    domain,
                    area=room,
                    capabilities=frozenset(caps),
                )
            )
    devices.append(
        Device("lock.front_door", "front door", "lock", area="hallway", capabilities=frozenset({C.LOCK}))
    )
    devices.append(
        Device(
            "cover.garage",
            "garage door",
            "cover",
            device_class="garage",
            area="garage",
            capabilities=frozenset({C.OPEN_CLOSE}),
        )
    )
    if not any(d.domain == "media_player" for d in devices):
        devices.append(
            Device(
                f"media_player.{rooms[0].replace(' ', '_')}_speaker",
                f"{rooms[0]} speaker",
                "media_player",
                area=rooms[0],
                capabilities=frozenset({C.ON_OFF, C.MEDIA_PLAYBACK, C.MEDIA_SEARCH}),
            )
        )
    table = {d.entity_id: d for d in devices}
    lights = [d.entity_id for d in devices if d.domain == "light"]
    nick = {rng.choice(NICKNAMES): rng.choice(lights)} if rng.random() < 0.7 else {}
    faulty = {rng.choice(lights): rng.uniform(0.2, 0.5)} if rng.random() < 0.4 else {}
    states = dict.fromkeys(table, "off")
    return SimHome(home_id, table, nick, faulty, states)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the simulated runtime did with one text."""

    intent: str | None
    slots: dict[str, str]
    targets: tuple[str, ...]
    intent_confidence: float
    target_scores: tuple[float, ...]
    commands: tuple[dict[str, str], ...]
    result_ok: bool | None
    result_error: str
    response: str
    stage_failed: str  # "" | "nlu" | "entity_resolution" | "result"


_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:turn|switch) (on|off) (?:the )?(?P<x>.+)$"), "onoff"),
    (re.compile(r"^(?:turn|switch) (?:the )?(?P<x>.+) (on|off)$"), "onoff_tail"),
    (re.compile(r"^(?:the )?(?P<x>.+) (on|off)$"), "onoff_tail"),
    (re.compile(r"^set (?:the )?(?P<x>.+) to (?P<n>\d+)(?: percent)?$"), "set"),
    (re.compile(r"^play (?P<m>.+?)(?: on (?:the )?(?P<x>.+))?$"), "play"),
    (re.compile(r"^(open|close|unlock|lock) (?:the )?(?P<x>.+)$"), "openclose"),
)


def _resolve(x: str, home: SimHome) -> tuple[tuple[str, ...], float]:
    x = x.strip()
    lights_in = re.match(r"^(?P<a>.+?) lights$", x)
    if lights_in:
        area = lights_in.group("a")
        ids = tuple(
            sorted(d.entity_id for d in home.devices.values() if d.domain == "light" and d.area == area)
        )
        if ids:
            return ids, 1.0
    best, score = "", 0.0
    for d in home.devices.values():
        for label in (d.name, *d.aliases):
            s = 100.0 if label == x else fuzz.ratio(label, x)
            if s > score:
                best, score = d.entity_id, s
    return ((best,), score / 100) if score >= 90 else ((), score / 100)


def run_text(text: str, home: SimHome, rng: random.Random) -> Outcome:
    """Parse (templates only: other carriers are not understood), resolve, execute against the home."""
    for pattern, kind in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        conf = rng.uniform(0.75, 0.98)
        if kind == "play":
            artist = m.group("m")
            speakers = [d.entity_id for d in home.devices.values() if d.domain == "media_player"]
            slots = {"search_query": artist}
            match = max(ARTISTS, key=lambda a: fuzz.ratio(a, artist))
            if fuzz.ratio(match, artist) < 90:
                return Outcome(
                    "HassMediaSearchAndPlay",
                    slots,
                    tuple(speakers[:1]),
                    conf,
                    (1.0,),
                    (),
                    False,
                    "not-found",
                    f"Sorry, I couldn't find {artist}.",
                    "entity_resolution",
                )
            cmd = {"entity_id": speakers[0], "state": "playing", "media": match}
            return Outcome(
                "HassMediaSearchAndPlay",
                {"search_query": match},
                (speakers[0],),
                conf,
                (1.0,),
                (cmd,),
                True,
                "",
                f"Playing {match}.",
                "",
            )
        action = (
            m.group(1) if kind in {"onoff", "openclose"} else (m.group(2) if kind == "onoff_tail" else "set")
        )
        intent = {
            "on": "HassTurnOn",
            "off": "HassTurnOff",
            "open": "HassTurnOn",
            "unlock": "HassUnlock",
            "close": "HassTurnOff",
            "lock": "HassLock",
            "set": "HassLightSet",
        }[action]
        slots = {"name": m.group("x")}
        targets, score = _resolve(m.group("x"), home)
        if not targets:
            return Outcome(
                intent,
                slots,
                (),
                conf,
                (score,),
                (),
                None,
                "",
                f"Sorry, I don't know a device called {m.group('x')}.",
                "entity_resolution",
            )
        state = {
            "HassTurnOn": "on",
            "HassTurnOff": "off",
            "HassUnlock": "unlocked",
            "HassLock": "locked",
        }.get(intent, f"on:{m.group('n')}" if kind == "set" else "on")
        cmds = tuple({"entity_id": t, "state": state} for t in targets)
        if any(rng.random() < home.faulty.get(t, 0.0) for t in targets):
            return Outcome(
                intent,
                slots,
                targets,
                conf,
                (score,) * len(targets),
                cmds,
                False,
                "device-timeout",
                "Sorry, the device did not respond.",
                "result",
            )
        for t in targets:
            home.states[t] = state
        return Outcome(intent, slots, targets, conf, (score,) * len(targets), cmds, True, "", "Done.", "")
    return Outcome(
        None, {}, (), rng.uniform(0.1, 0.4), (), (), None, "", "Sorry, I didn't understand.", "nlu"
    )
