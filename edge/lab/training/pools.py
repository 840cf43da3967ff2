"""Word pools for data generation: rooms, floors, device names per domain, media titles, values.

Names come from the project's demo homes (``devices/homes/*.toml``) when the home loader is present, plus
synthetic names so the model generalizes to homes it has never seen.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from pathlib import Path

from edge.lab.training.pools_ha import HA_THINGS
from edge.lab.training.pools_names import MORE_THINGS, invented_names
from edge.lab.training.pools_values import (
    ACTIONS,
    ARTISTS,
    COLORS,
    DRINKS,
    ITEMS,
    PREFERENCES,
    TIMER_NAMES,
    TRIGGERS,
)

__all__ = [
    "ACTIONS",
    "AREAS",
    "ARTISTS",
    "COLORS",
    "DRINKS",
    "FLOORS",
    "ITEMS",
    "MUSIC",
    "PREFERENCES",
    "TIMER_NAMES",
    "TITLES",
    "TRIGGERS",
    "Pools",
    "build_pools",
]

AREAS = (
    "kitchen",
    "living room",
    "bedroom",
    "master bedroom",
    "bathroom",
    "office",
    "study",
    "hallway",
    "hall",
    "garage",
    "basement",
    "attic",
    "dining room",
    "guest room",
    "kids room",
    "nursery",
    "den",
    "family room",
    "laundry room",
    "porch",
    "patio",
    "garden",
    "backyard",
    "front yard",
    "entrance",
    "landing",
    "playroom",
    "lounge",
    "upstairs bathroom",
    "downstairs toilet",
    "sun room",
    "workshop",
    "closet",
    "pantry",
    "balcony",
    "library",
    "gym",
    "media room",
    "loft",
    "utility room",
)
# Less common room names, so the tagger learns "<anything> room" as one area and not just the list above.
MORE_AREAS = (
    "reading room",
    "music room",
    "craft room",
    "boot room",
    "tv room",
    "sewing room",
    "games room",
    "sitting room",
    "drawing room",
    "mud room",
    "store room",
    "box room",
    "spare room",
    "dressing room",
    "powder room",
    "wine cellar",
    "cellar",
    "conservatory",
    "shed",
    "summer house",
    "annex",
    "en suite",
    "guest bathroom",
    "back porch",
    "second bedroom",
    "home office",
    "breakfast nook",
    "living area",
    "dining area",
    "kitchenette",
    "foyer",
    "staircase",
    "hobby room",
    "computer room",
    "boiler room",
    "plant room",
    "quiet room",
    "baby room",
)
FLOORS = ("upstairs", "downstairs", "first floor", "second floor", "ground floor", "basement", "top floor")
_THINGS: dict[str, tuple[str, ...]] = {
    "light": (
        "light",
        "lights",
        "lamp",
        "ceiling light",
        "floor lamp",
        "desk lamp",
        "spotlights",
        "strip",
        "chandelier",
        "pendant",
        "reading light",
        "night light",
        "led strip",
        "bulb",
    ),
    "switch": (
        "plug",
        "socket",
        "outlet",
        "switch",
        "heater",
        "kettle",
        "rice cooker",
        "christmas tree",
        "fairy lights",
        "dehumidifier",
        "humidifier",
        "printer",
        "monitor",
        "wemo",
        "water heater",
        "boiler",
        "space heater",
        "electric blanket",
        "towel rail",
        "router",
        "toaster",
        "microwave",
        "dishwasher",
        "washing machine",
        "sprinkler",
        "aquarium",
    ),
    "fan": ("fan", "ceiling fan", "air purifier", "ventilator", "extractor fan"),
    "cover": ("blinds", "curtains", "shades", "shutters", "awning", "garage door", "window"),
    "media_player": (
        "tv",
        "television",
        "speaker",
        "sonos",
        "soundbar",
        "stereo",
        "radio",
        "chromecast",
        "apple tv",
        "echo",
        "homepod",
    ),
    "climate": ("thermostat", "heating", "air conditioner", "ac", "heat pump", "radiator"),
    "vacuum": (
        "vacuum",
        "robot vacuum",
        "roomba",
        "hoover",
        "vacuum cleaner",
        "robot",
        "irobot",
        "roborock",
        "robovac",
        "dyson",
        "cleaning robot",
    ),
    "lock": ("front door lock", "back door", "lock", "deadbolt"),
    "oven": ("oven", "stove", "range"),
    "coffee_maker": ("coffee maker", "coffee machine", "espresso machine", "barista"),
}
_QUIRKY = (
    "bob",
    "big bertha",
    "mood lighting",
    "lava lamp",
    "star projector",
    "edison bulb",
    "smart plug",
    "galaxy light",
    "hue go",
    "nanoleaf",
    "sunrise lamp",
    "cloud light",
)
TITLES = (
    "the hunger games",
    "harry potter",
    "the hobbit",
    "dune",
    "the martian",
    "little women",
    "it",
    "the great gatsby",
    "jurassic park",
    "frankenstein",
    "the lord of the rings",
    "matilda",
    "wonder",
    "the shining",
    "gone girl",
    "the help",
    "life of pi",
    "the road",
    "coraline",
    "the giver",
    "ready player one",
    "the notebook",
    "twilight",
    "the da vinci code",
    "emma",
    "dracula",
    "holes",
    "the outsiders",
    "percy jackson",
    "the princess bride",
    "the lion king",
    "mary poppins",
    "charlie and the chocolate factory",
    "a wrinkle in time",
    "the maze runner",
    "the godfather",
    "fight club",
    "the hitchhikers guide to the galaxy",
    "pride and prejudice",
    "the secret garden",
)
MUSIC = (
    "some jazz",
    "jazz",
    "classical music",
    "taylor swift",
    "songs by adele",
    "the beatles",
    "rock music",
    "some music",
    "music",
    "my workout playlist",
    "lofi beats",
    "queen",
    "bohemian rhapsody",
    "ed sheeran",
    "radio one",
    "country music",
    "something relaxing",
    "my favorites",
    "hip hop",
    "beyonce",
    "coldplay",
    "the new album by drake",
    "piano music",
    "christmas songs",
    "the top forty",
    "kids songs",
)


@dataclass
class Pools:
    areas: list[str]
    floors: list[str]
    names: dict[str, list[str]] = field(default_factory=dict)  # domain -> device names
    default_domains: tuple[str, ...] = ()  # a bare {name}'s domains ("" all of ``names``)

    def name(self, rng: random.Random, domains: tuple[str, ...] = ()) -> tuple[str, str]:
        """A device name and its domain (from ``domains`` when given, else a device domain: never a
        sensor, person or scene for a bare name)."""
        domain = rng.choice(list(domains or self.default_domains or self.names))
        return rng.choice(self.names.get(domain) or ["device"]), domain


def _home_names(root: Path) -> list[tuple[str, str, str]]:
    try:
        homes = importlib.import_module("edge.context.homes")
    except ImportError:
        return []
    found: list[tuple[str, str, str]] = []
    for path in sorted((root / "devices" / "homes").glob("*.toml")):
        try:
            home = homes.load_home(path)
        except Exception:  # a broken demo home must not stop training
            continue
        for device in home.devices.values():
            for label in (device.name, *device.aliases):
                found.append((label.lower(), device.domain, device.area.lower()))
    return found


def build_pools(root: Path, rng: random.Random) -> Pools:
    names: dict[str, list[str]] = {d: [] for d in _THINGS}
    for domain, things in _THINGS.items():
        for thing in things:
            names[domain].append(thing)
            for area in rng.sample(AREAS, 6):
                names[domain].append(f"{area} {thing}")
    names["light"].extend(_QUIRKY)
    for domain, things in MORE_THINGS.items():
        for thing in things:
            names[domain].append(thing)
            names[domain].extend(f"{area} {thing}" for area in rng.sample(AREAS, 2))
    names["switch"].extend(invented_names(rng))
    areas = list(AREAS) + list(MORE_AREAS)
    for label, domain, area in _home_names(root):
        names.setdefault(domain, []).extend([label] * 3)
        if area and area not in areas:
            areas.append(area)
    defaults = tuple(names)
    for domain, things in HA_THINGS.items():
        names.setdefault(domain, []).extend(things)
        if domain in {"sensor", "binary_sensor"}:  # "kitchen temperature", "bedroom window"
            names[domain].extend(f"{area} {thing}" for thing in things[:6] for area in rng.sample(AREAS, 3))
    return Pools(areas=areas, floors=list(FLOORS), names=names, default_domains=defaults)
