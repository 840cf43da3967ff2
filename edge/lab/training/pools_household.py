"""Word pools of the household data's sixth pass (``templates_household_more``): the words in front of a
class word that make a device's whole name ("porch lights", "desk fan", "patio blinds"; never an area:
"kitchen fans" is the kitchen's fans). Written for this
project from general knowledge (Apache-2.0), never from evaluation sentences."""

from __future__ import annotations

import random
from collections.abc import Sequence

__all__ = ["CLASS_NAME_MODIFIERS", "CLASS_NAME_WORDS", "PLURAL_CLASS_WORDS", "class_name"]

CLASS_NAME_MODIFIERS = (
    "porch", "patio", "garden", "deck", "balcony", "terrace", "driveway", "pathway", "fence", "pool",
    "desk", "ceiling", "wall", "floor", "bedside", "nightstand", "vanity", "mirror", "cabinet",
    "under cabinet", "counter", "island", "stair", "staircase", "landing", "entry", "front", "back", "side",
    "corner", "reading corner", "tv corner", "window", "bay window", "closet", "pantry", "shelf", "bookshelf",
    "accent", "cove", "picture", "art", "aquarium", "fish tank", "bar", "sink", "stove", "shower",
    "tub", "crib", "nursery", "attic", "loft", "workshop", "shed", "carport", "gate", "yard", "lawn",
    "christmas", "fairy", "string", "strip", "spot", "flood", "security", "night", "mood", "party",
    "big", "small", "little", "tall", "upstairs", "downstairs", "north", "south", "east", "west",
)  # fmt: skip
"""Words for where a device is or what it is like, put in front of a class word."""

CLASS_NAME_WORDS: dict[str, tuple[str, ...]] = {
    "light": ("lights", "light", "lamps", "lamp", "bulbs", "lighting", "spots", "leds"),
    "fan": ("fans", "fan"),
    "cover": ("blinds", "curtains", "shades", "shutters", "drapes", "blind", "shade", "awning"),
    "climate": ("thermostat", "heating", "heater", "radiator", "ac", "air conditioner"),
}
"""Class words by domain: a name ending in one is still one device's (or group's) whole name."""
PLURAL_CLASS_WORDS = frozenset(
    {"lights", "lamps", "bulbs", "spots", "leds", "fans", "blinds", "curtains", "shades", "shutters",
     "drapes", "locks", "thermostats", "heaters", "radiators"}
)  # fmt: skip
"""After an area, a plural class word is the area's devices of that kind ("kitchen fans"), not a name."""


def class_name(domain: str, areas: Sequence[str], rng: random.Random) -> str:
    """A whole name that ends in a class word of ``domain``, with a word in front that is not an area: an
    area and a class word ("kitchen fans") are an area and a kind, as Home Assistant's templates read them,
    not a name."""
    fronts = [m for m in CLASS_NAME_MODIFIERS if m not in set(areas)]
    return f"{rng.choice(fronts)} {rng.choice(CLASS_NAME_WORDS[domain])}"
