"""The closed home-command vocabulary: the only words that may leave the home in a rewrite pair.

Command words (:data:`edge.lang.SHAREABLE_COMMAND_WORDS`), device types, room names from a closed list,
colours and intents (the NLU catalogue). Numbers never leave as themselves: they are bucketed
(``{num:20-29}``), digits and number words (:data:`edge.lang.NUMBER_WORDS`) alike. Everything else (names,
media titles, free text) is outside the vocabulary; see :mod:`edge.sync.scrub` for what happens to it.
"""

from __future__ import annotations

import re

from edge.lang import NUMBER_WORDS, SHAREABLE_COMMAND_WORDS
from edge.nlu.catalogue import CATALOGUE

__all__ = [
    "COLOURS",
    "DEVICE_TYPES",
    "INTENTS",
    "ROOMS",
    "VOCABULARY",
    "bucket_number",
    "is_placeholder",
    "number_value",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


DEVICE_TYPES = _words(
    """
    light lamp bulb strip switch plug socket outlet fan heater thermostat heating cooling ac aircon climate
    blind blinds shade shades curtain curtains cover shutter shutters awning window door gate garage lock
    tv television screen speaker speakers player stereo soundbar vacuum robot hoover mower oven stove cooker
    kettle dishwasher washer dryer fridge freezer sensor camera doorbell sprinkler humidifier dehumidifier
    purifier projector console coffee_maker maker media_player
    """
)

ROOMS = _words(
    """
    kitchen living room lounge bedroom bathroom toilet hall hallway corridor office study den dining
    garage garden yard patio porch balcony terrace basement cellar attic loft nursery kids guest master
    laundry utility pantry closet wardrobe upstairs downstairs landing entrance entry front backyard
    playroom gym library workshop shed conservatory sunroom family main first second ground floor
    """
)

COLOURS = _words(
    """
    red green blue yellow orange purple violet pink white black cyan magenta teal turquoise amber gold
    warm cool daylight neutral lavender lime indigo
    """
)

INTENTS = frozenset(spec.name for spec in CATALOGUE)

VOCABULARY = SHAREABLE_COMMAND_WORDS | DEVICE_TYPES | ROOMS | COLOURS

_DIGITS = re.compile(r"^\d{1,6}(?:[.,]\d{1,3})?%?$")
_PLACEHOLDER = re.compile(r"^\{[a-z_]{1,24}(?::[0-9+-]{1,9})?\}$")


def number_value(token: str) -> float | None:
    """The value of a digit token ("21", "21.5", "40%") or a number word, else None."""
    if _DIGITS.match(token):
        return float(token.rstrip("%").replace(",", "."))
    value = NUMBER_WORDS.get(token)
    return None if value is None else float(value)


def bucket_number(value: float) -> str:
    """Bucket a number into a decade placeholder: 21 -> ``{num:20-29}``, 150 -> ``{num:100+}``."""
    if value >= 100:
        return "{num:100+}"
    low = int(max(0.0, value) // 10) * 10
    return f"{{num:{low}-{low + 9}}}"


def is_placeholder(token: str) -> bool:
    return bool(_PLACEHOLDER.match(token))
