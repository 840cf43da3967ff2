"""Slot values for the command families: timer names, shopping items, drinks, colours, taught triggers and
actions, preferences, artists (written for this project, Apache-2.0)."""

from __future__ import annotations

__all__ = [
    "ACTIONS",
    "ARTISTS",
    "COLORS",
    "DRINKS",
    "DRINK_WORD_LIGHTS",
    "DRINK_WORD_THINGS",
    "HOUSEHOLD_TIMER_NAMES",
    "ITEMS",
    "PLUG_WORDS",
    "PREFERENCES",
    "TIMER_NAMES",
    "TRIGGERS",
]

DRINK_WORD_LIGHTS = (
    "coffee table lamp",
    "coffee table light",
    "coffee table lights",
    "lamp by the coffee table",
    "tea light",
    "tea lights",
    "led tea lights",
    "coffee bar lights",
    "coffee nook lamp",
    "tea room lamp",
    "wine rack lights",
    "wine cellar light",
    "bar lights",
    "breakfast bar lights",
    "cocktail cabinet light",
    "whisky cabinet light",
    "cafe lights",
    "beer garden lights",
    "teapot lamp",
    "bottle lamp",
)
"""Lights whose name starts with a drink or a word of the coffee families (furniture, a room, a shape):
``templates_household``'s compound-name families teach that the noun at the end decides what it is."""
DRINK_WORD_THINGS = (
    "wine fridge",
    "wine cooler",
    "beer fridge",
    "drinks fridge",
    "drinks cooler",
    "beer cooler",
    "wine cabinet",
    "water cooler",
    "water dispenser",
    "chocolate fountain",
    "ice maker",
    "juice fridge",
    "milk fridge",
    "tea urn",
    "hot water urn",
)
"""Appliances (switches) named after a drink: the same lesson as ``DRINK_WORD_LIGHTS``."""

HOUSEHOLD_TIMER_NAMES = (
    "lasagna",
    "rice",
    "potatoes",
    "chicken",
    "cake",
    "muffins",
    "roast",
    "soup",
    "workout",
    "meditation",
    "parking",
    "medicine",
    "bath",
    "dog walk",
    "break",
    "study",
    "washing",
    "dryer",
    "noodles",
    "brownies",
)
"""Timer names beside ``TIMER_NAMES`` for the household data's named-timer families."""

PLUG_WORDS = (
    "plug",
    "smart plug",
    "socket",
    "smart socket",
    "power socket",
    "wall socket",
    "plug socket",
    "outlet",
    "power outlet",
    "smart outlet",
    "power strip",
    "extension lead",
)
"""What a plug is called when the request names no device behind it (tagged ``name``, as HWU64 tags it)."""
TIMER_NAMES = ("pizza", "pasta", "laundry", "egg", "tea", "oven", "bread", "nap", "homework", "cookies")
ITEMS = (
    "milk",
    "eggs",
    "bread",
    "apples",
    "coffee",
    "paper towels",
    "butter",
    "dish soap",
    "bananas",
    "toilet paper",
    "orange juice",
    "rice",
    "chicken",
    "cheese",
)
DRINKS = (
    "espresso",
    "latte",
    "cappuccino",
    "americano",
    "flat white",
    "filter coffee",
    "mocha",
    "double espresso",
    "black coffee",
)
COLORS = (
    "red",
    "blue",
    "green",
    "yellow",
    "purple",
    "orange",
    "pink",
    "white",
    "warm white",
    "cool white",
    "teal",
    "magenta",
    "cyan",
    "gold",
    "lavender",
)
TRIGGERS = (
    "movie time",
    "good night",
    "study mode",
    "i'm home",
    "bedtime",
    "party time",
    "date night",
    "reading time",
    "wake up",
    "i'm leaving",
    "dinner time",
    "game night",
    "focus mode",
    "relax",
)
ACTIONS = (
    "turn off all the lights",
    "dim the living room lights",
    "turn on the tv and dim the lights",
    "set the thermostat to 19",
    "play some jazz",
    "lock the front door",
    "turn on the reading light",
    "close the blinds and turn off the tv",
    "turn the lights to blue",
    "start the coffee maker",
    "turn on the kitchen lights",
    "play my bedtime playlist",
    "switch off everything downstairs",
)
PREFERENCES = (
    "celsius",
    "fahrenheit",
    "the metric system",
    "warm white light",
    "shorter answers",
    "the kitchen speaker for music",
    "quiet responses",
    "imperial units",
    "the 24 hour clock",
    "dim lights in the evening",
)


# Artists for "play X": a music request names people and bands the pools cannot list, so "play <name never
# seen>" must be decided by "play", not by the name. Given names x surnames, "the <word> <plural>" bands and
# made-up words. The household simulator's artists (edge/lab/sim/household_home.py) are deliberately not among
# them: the simulator checks unseen names.
_GIVEN = (
    "john", "ella", "frank", "nina", "billie", "louis", "aretha", "bob", "stevie", "diana", "marvin", "etta",
    "ray", "dolly", "johnny", "willie", "carole", "elton", "bruce", "whitney", "janis", "otis", "amy",
    "harry", "lana", "bruno", "katy", "sam", "kacey", "chris", "luke", "shania", "george", "paul", "ariana",
    "billy", "tina", "kendrick", "olivia", "ed",
)  # fmt: skip
_FAMILY = (
    "hendrix", "simon", "mitchell", "franklin", "wonder", "ross", "gaye", "charles", "parton", "cash",
    "nelson", "king", "springsteen", "houston", "joplin", "redding", "winehouse", "styles", "grey", "mars",
    "perry", "smith", "musgraves", "stapleton", "bryan", "twain", "michael", "harrison", "grande", "joel",
    "turner", "holiday", "armstrong", "simone", "fitzgerald", "sinatra", "dylan", "lamar", "rodrigo",
    "marley",
)  # fmt: skip
_BAND_WORDS = (
    "rolling", "black", "arctic", "velvet", "electric", "lonely", "wild", "crystal", "golden", "red",
)  # fmt: skip
_BAND_NOUNS = ("stones", "keys", "monkeys", "foxes", "lights", "hearts", "kings", "wolves", "rivers", "doors")
_MADE_UP = (
    "zeltoo", "brakai", "momo", "kestrel", "vantablu", "sorrel", "tindra", "odesza", "lumiere", "kobalt",
    "nuvo", "parlo", "ziggo", "frau", "pelican", "moloko", "chvrches", "glasvegas", "mitski", "oneida",
)  # fmt: skip
_ONSET = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "kl", "st", "tr", "sh")
_NUCLEUS = ("a", "e", "i", "o", "u", "ai", "ee", "oo")
_CODA = ("", "", "n", "r", "l", "x", "s", "k", "m")


def _invented(i: int) -> str:
    """A made-up artist word from its index (deterministic, no random state)."""
    syllables = 1 + i % 3
    return "".join(
        _ONSET[(i * 7 + k * 5) % len(_ONSET)]
        + _NUCLEUS[(i * 3 + k * 11) % len(_NUCLEUS)]
        + _CODA[(i * 5 + k * 3) % len(_CODA)]
        for k in range(syllables)
    )


ARTISTS: tuple[str, ...] = (
    tuple(f"{g} {f}" for i, g in enumerate(_GIVEN) for j, f in enumerate(_FAMILY) if (i * 7 + j) % 5 == 0)
    + tuple(f"the {w} {n}" for w in _BAND_WORDS for n in _BAND_NOUNS)
    + _MADE_UP
    + tuple(_invented(i) for i in range(60))
    + tuple(f"{_invented(i)} {_invented(i + 97)}" for i in range(60))
)
