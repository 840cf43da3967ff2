"""The closed home-command vocabulary: the only words that may leave the home in a rewrite pair.

Command words, device types, room names from a closed list, colours and intents (the NLU catalogue).
Numbers never leave as themselves: they are bucketed (``{num:20-29}``). Everything else (names, media
titles, free text) is outside the vocabulary; see :mod:`edge.sync.scrub` for what happens to it.
"""

from __future__ import annotations

import re

from edge.nlu.catalogue import CATALOGUE

__all__ = [
    "COLOURS",
    "COMMAND_WORDS",
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


COMMAND_WORDS = _words(
    """
    a all and any are at back be bit brew brighter brightness by can cancel celsius clean close colour color
    cooler current darker dark degree degrees dim dimmer do dock down everything fahrenheit for from full go
    half hear heat high home hot how i in is it its keep less let light lights like lock loud louder low lower
    make max me min minute minutes more mute my next no not now of off on open or out pause percent play
    please preheat previous quiet quieter raise resume return rewind right say second seconds set shut skip
    some start state status stop switch than that the them there these this those time timer to too turn
    undo unlock unmute up volume want warm warmer was what whats when where which will with yes you your
    hour hours one two three four five six seven eight nine ten twenty thirty forty fifty hundred
    again also both each every just only very much little lot
    cold cool hotter colder temperature weather date today tonight tomorrow morning evening night
    music song songs track album playlist radio podcast movie show episode channel news
    coffee espresso cappuccino latte tea
    activate deactivate enable disable power powered kill cut flip toggle hit crank boost bump drop increase
    decrease reduce adjust change brighten darken bright get going put bring kick fire shine could would
    should need give okay ok thanks thank
    """
)

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

VOCABULARY = COMMAND_WORDS | DEVICE_TYPES | ROOMS | COLOURS

_NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
}
_DIGITS = re.compile(r"^\d{1,6}(?:[.,]\d{1,3})?%?$")
_PLACEHOLDER = re.compile(r"^\{[a-z_]{1,24}(?::[0-9+-]{1,9})?\}$")


def number_value(token: str) -> float | None:
    """The value of a digit token ("21", "21.5", "40%") or a number word, else None."""
    if _DIGITS.match(token):
        return float(token.rstrip("%").replace(",", "."))
    value = _NUMBER_WORDS.get(token)
    return None if value is None else float(value)


def bucket_number(value: float) -> str:
    """Bucket a number into a decade placeholder: 21 -> ``{num:20-29}``, 150 -> ``{num:100+}``."""
    if value >= 100:
        return "{num:100+}"
    low = int(max(0.0, value) // 10) * 10
    return f"{{num:{low}-{low + 9}}}"


def is_placeholder(token: str) -> bool:
    return bool(_PLACEHOLDER.match(token))
