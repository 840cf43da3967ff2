"""Device names beyond the demo homes: more appliances, and invented names.

A home has devices no list foresees ("the zorvex", "the kelmo pump"). Invented, pronounceable names teach
the model that the verb decides ("turn on the <anything>" is turning something on), so an unknown word is
not pulled towards whichever known device its letters resemble. All written for this project (Apache-2.0).
"""

from __future__ import annotations

import random

__all__ = ["MORE_THINGS", "invented_names"]

MORE_THINGS: dict[str, tuple[str, ...]] = {
    "switch": (
        "fridge",
        "freezer",
        "wine cooler",
        "ice maker",
        "air fryer",
        "bread maker",
        "waffle maker",
        "blender",
        "juicer",
        "food processor",
        "plate warmer",
        "patio heater",
        "heat lamp",
        "pond pump",
        "pond filter",
        "irrigation",
        "bug zapper",
        "ev charger",
        "car charger",
        "phone charger",
        "game console",
        "xbox",
        "playstation",
        "computer",
        "pc",
        "laptop",
        "modem",
        "wifi extender",
        "sound machine",
        "white noise machine",
        "baby monitor",
        "diffuser",
        "massage chair",
        "treadmill",
        "exercise bike",
        "fish tank",
        "incubator",
        "electric grill",
        "sous vide",
        "iron",
        "hot water",
        "tumble dryer",
        "sewing machine",
        "3d printer",
        "power strip",
        "extension lead",
    ),
    "light": (
        "neon sign",
        "salt lamp",
        "grow light",
        "uplighter",
        "wall lights",
        "sconce",
        "downlights",
        "bedside lamp",
        "string lights",
        "lantern",
        "under cabinet lights",
        "vanity light",
        "mirror light",
    ),
    "fan": ("tower fan", "desk fan", "pedestal fan", "attic fan", "air cooler"),
}
_ONSETS: tuple[str, ...] = ("b", "br", "d", "f", "g", "gl", "k", "kl", "l", "m", "n", "p", "pl", "r")
_ONSETS += ("s", "st", "t", "tr", "v", "w", "z", "sh", "ch")
_VOWELS = ("a", "e", "i", "o", "u", "oo", "ei", "ai", "ee")
_CODAS = ("", "", "n", "r", "x", "l", "m", "s", "k", "t", "ng", "tz")
_SUFFIXES = ("plug", "socket", "unit", "machine", "box", "heater", "pump", "cooler", "charger", "station")


def _word(rng: random.Random) -> str:
    return "".join(
        rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(rng.choice((1, 2, 2)))
    )


def invented_names(rng: random.Random, n: int = 60) -> list[str]:
    """``n`` invented device names: a made-up word, sometimes followed by a generic appliance word."""
    out: list[str] = []
    while len(out) < n:
        word = _word(rng)
        name = f"{word} {rng.choice(_SUFFIXES)}" if rng.random() < 0.4 else word
        if name not in out:
            out.append(name)
    return out
