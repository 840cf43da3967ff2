"""A device named by words this home does not know is a name, not the room's devices of that kind.

"Set Overhead Light to red", "overhead light off" in a home with no overhead light: the tagger left the
unfamiliar word untagged, the kind word gave the domain, and the satellite's room's lights turned red, a
guess. Words in front of a kind word ("light", "lamp", "fan", "blinds") that no device, alias, area or floor
of the home uses, and that are no article, quantifier, colour or everyday adjective, make the phrase a name
(Home Assistant's ``name`` slot holds it whole): the resolver then finds the device by that name, or the
turn says there is none ("no device called 'overhead light'") and the household can teach it. Where the
room has one device of that kind, a name for it is the household's own and that device is meant. A word that
sounds like one the home uses ("kitten" for "kitchen") is a mishearing, not a name: it is left to the
resolver's fuzzy and phonetic matching as before. A name the tagger cut before its kind word ("turn off
Overhead Light" tagged "overhead", no device called that) is taken with it. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rapidfuzz.distance import Levenshtein

from edge.context.kinds import Kind, kind_of
from edge.context.model import ContextSnapshot
from edge.lang import model_tokens, name_key
from edge.nlu.phonetic import phonetic_key

__all__ = ["GUARDED_KINDS", "named_phrase", "routine_domain", "unknown_object"]

_KIND_OF_WORD: Mapping[str, Kind] = {
    **dict.fromkeys(("light", "lights", "lamp", "lamps"), Kind.LIGHT),
    **dict.fromkeys(("fan", "fans"), Kind.FAN),
    **dict.fromkeys(
        ("blind", "blinds", "curtain", "curtains", "shade", "shades", "shutter", "shutters"), Kind.COVER
    ),
    **dict.fromkeys(("plug", "plugs", "socket"), Kind.PLUG),
    "switch": Kind.SWITCH,
    "heater": Kind.HEATER,
    **dict.fromkeys(("speaker", "speakers"), Kind.SPEAKER),
}
GUARDED_KINDS = frozenset(_KIND_OF_WORD)
"""Kind words the room's devices are found by when nothing is named."""
_NOT_NAME = frozenset({
    # articles, possessives, quantifiers, pronouns
    "the", "a", "an", "my", "our", "your", "his", "her", "their", "its", "this", "that", "these", "those",
    "all", "both", "every", "each", "any", "some", "other", "another", "one", "ones", "it", "them", "i", "me",
    "you", "we", "us", "no", "only", "just", "also", "same",
    # question words
    "which", "what", "whats", "who", "whose", "where", "how", "many", "much", "when", "why", "there", "here",
    "anything", "something", "everything", "nothing",
    # verbs, particles, prepositions, politeness
    "turn", "switch", "set", "put", "make", "get", "dim", "brighten", "raise", "lower", "open", "close",
    "shut", "start", "stop", "run", "kill", "toggle", "activate", "deactivate", "enable", "disable",
    "on", "off", "up", "down", "in", "at", "to", "of", "for", "from", "with", "by", "and", "or", "then",
    "now", "please", "can", "could", "would", "will", "should", "do", "does", "is", "are", "was", "be",
    "let", "lets", "want", "need", "like", "give", "keep", "leave", "let's", "hey", "ok", "okay",
    # everyday adjectives and positions (not names by themselves)
    "main", "big", "small", "little", "large", "second", "first", "third", "left", "right", "front",
    "back", "top", "bottom", "upper", "middle", "center", "centre", "new", "old", "outside",
    "inside", "outdoor", "indoor", "upstairs", "downstairs", "near", "far", "nearest", "closest", "whole",
    "entire", "overall", "general", "normal", "regular", "bright", "brighter", "dimmer", "warm",
    "warmer", "cool", "cooler", "soft", "softer", "full", "half", "more", "less", "too", "very", "bit",
    "current", "last", "next", "nice", "good", "lovely",
    # colours and colour words
    "red", "green", "blue", "white", "yellow", "orange", "purple", "pink", "cyan", "magenta", "violet",
    "color", "colour", "colored", "coloured",
})  # fmt: skip


SOUNDS_LIKE = 0.7
"""A word this alike (normalized Levenshtein similarity, or the same phonetic key) to a word of the home's
names is taken for a mishearing of it."""


def _known_words(snapshot: ContextSnapshot) -> frozenset[str]:
    said: set[str] = set()
    for d in snapshot.devices.values():
        for text in (d.name, *d.aliases, d.area, d.floor, str(d.extra.get("device_name", ""))):
            said.update(name_key(text).split())
    for area in snapshot.areas:
        said.update(name_key(area).split())
    return frozenset(said)


def _unknown(word: str, known: frozenset[str]) -> bool:
    """Neither a word of the home's names nor one that sounds like one."""
    if word in known or word in GUARDED_KINDS:
        return False
    key = phonetic_key(word)
    return not any(
        Levenshtein.normalized_similarity(word, k) >= SOUNDS_LIKE or (key and phonetic_key(k) == key)
        for k in known
    )


def _device_names(snapshot: ContextSnapshot) -> frozenset[str]:
    return frozenset(name_key(n) for d in snapshot.devices.values() for n in (d.name, *d.aliases))


def _one_there(word: str, slots: Mapping[str, str], snapshot: ContextSnapshot) -> bool:
    """The room (the one tagged, else the satellite's) has exactly one device of the kind ``word`` names: a
    name for it is the household's own ("the reading lamp" in a room with one lamp), nothing is guessed."""
    room = name_key(slots.get("area", "") or snapshot.satellite.area)
    kind = _KIND_OF_WORD[word]
    there = [d for d in snapshot.devices.values() if room and name_key(d.area) == room and kind_of(d) == kind]
    return len(there) == 1


def named_phrase(text: str, slots: Mapping[str, str], snapshot: ContextSnapshot) -> str:
    """The name ``text`` says that the slots miss: the words in front of a kind word when one of them is
    unknown to this home ("overhead light"; an area tagged is left out of it) and the room has more or less
    than one device of that kind, or a tagged name cut before its kind word ("overhead" -> "overhead
    light"); "" when there is none."""
    words = model_tokens(text)
    if not GUARDED_KINDS.intersection(words[1:]):
        return ""  # no kind word: nothing to look at (most requests; the home's words are not read)
    name = model_tokens(slots.get("name", ""))
    area = set(model_tokens(slots.get("area", "")))
    for i, word in enumerate(words):
        if word not in GUARDED_KINDS or i == 0:
            continue
        if name:
            cut = words[i - len(name) : i] == name and word not in name
            if cut and " ".join(name) not in _device_names(snapshot):
                return " ".join([*name, word])
            continue
        j = i
        while j > 0 and words[j - 1].isalpha() and words[j - 1] not in _NOT_NAME and words[j - 1] not in area:
            j -= 1
        modifiers = words[j:i]
        if not modifiers:
            continue
        known = _known_words(snapshot)
        if any(_unknown(m, known) for m in modifiers) and not _one_there(word, slots, snapshot):
            return " ".join([*modifiers, word])
    return ""


_SWITCHED = frozenset({"HassTurnOn", "HassTurnOff"})
_GENERIC = frozenset({
    # what the model reads by its kind, with no name: the room's or the home's devices of that kind
    "light", "lights", "lamp", "lamps", "bulb", "bulbs", "fan", "fans", "tv", "tvs", "television", "telly",
    "heating", "heat", "heater", "ac", "aircon", "air", "conditioning", "conditioner", "music", "radio",
    "news", "podcast", "vacuum", "hoover", "robot", "oven", "kettle", "coffee", "machine", "blinds", "blind",
    "curtains", "curtain", "shades", "shutters", "lock", "locks", "door", "doors", "garage", "gate", "plug",
    "plugs", "socket", "speaker", "speakers", "sound", "volume", "power", "stuff", "things",
    "lighting", "screen", "display", "thermostat", "fireplace", "scene", "script", "alarm",
    "timer", "mower", "sprinkler", "sprinklers", "everything", "lot", "room", "rooms", "house", "home",
    "clean", "cleaning", "mow", "mowing", "brewing", "cooking", "baking", "washing", "drying", "charging",
})  # fmt: skip
_OBJECT_END = frozenset({"on", "off", "please", "now", "for", "in", "again", "thanks", "up", "down"})
_SWITCH_VERBS = frozenset({"turn", "switch", "start", "stop", "power", "kill", "activate", "deactivate",
                           "enable", "disable", "shut", "run"})  # fmt: skip
_LEAD_IN = frozenset(
    {"please", "can", "could", "would", "will", "you", "hey", "ok", "okay", "so", "and", "now"}
)


def unknown_object(
    label: str, tokens: Sequence[str], slots: Mapping[str, str], snapshot: ContextSnapshot
) -> str:
    """The thing a plain on/off request names when no word of it is known to this home, nor a kind of device
    ("turn on the fire", a mishearing of "the fan", read by the model as the room's lights; "turn off makie
    go", "start moving" for "start mowing"): a name, so the turn says "no device called 'fire'" instead of
    acting on a guess; "" otherwise."""
    if label not in _SWITCHED or slots.keys() & {"name", "floor"} or _GENERIC & set(tokens):
        return ""  # a kind said anywhere ("all lights ... during the day"): the model's reading stands
    words = list(tokens)
    starts = [i + 1 for i, w in enumerate(words) if w in {"the", "my", "our"}]
    if starts and not all(w in _NOT_NAME for w in words[: starts[0]]):
        return ""  # only "turn on the X", "switch the X off": the verb, then the thing
    if not starts:  # "turn off makie go", "start moving": a switching verb and its particles, then the thing
        start = next((i for i, w in enumerate(words) if w not in _LEAD_IN), len(words))
        if start == len(words) or words[start] not in _SWITCH_VERBS:
            return ""
        while start < len(words) and words[start] in _SWITCH_VERBS | {"on", "off", "up"}:
            start += 1
        starts = [start]
    phrase: list[str] = []
    for word in words[starts[0] :]:
        if word in _OBJECT_END:
            break
        phrase.append(word)
    if not phrase or len(phrase) > 2 or not all(w.isalpha() for w in phrase):
        return ""
    known = _known_words(snapshot)
    if any(w in _GENERIC or w in _NOT_NAME or not _unknown(w, known) for w in phrase):
        return ""
    return " ".join(phrase)


_ROUTINE_WORDS = {"scene": "scene", "scenes": "scene", "script": "script", "scripts": "script"}


def routine_domain(tokens: Sequence[str]) -> str:
    """The domain a request turning something on or off names by its class word, "scene" or "script" ("run
    the tv off script", "turn on the kitchen scene": a scene or script, never the TV or the kitchen's
    lights, as Home Assistant's ``domain`` slot says); "" when it says neither, or both."""
    said = {_ROUTINE_WORDS[w] for w in tokens if w in _ROUTINE_WORDS}
    return said.pop() if len(said) == 1 else ""
