"""Requests that lean on the one before: fragments, objections said inside the request, and the action a
response did instead of the one asked (pure functions).

People correct a turn that went wrong with a piece of the request, not the whole of it: "the ceiling fan
in the living room" after "Turned on the bathroom fan."; "thirty percent" after "Changed the bedroom light
to 13 percent."; "in the office" after "Turned on the garage light.". A fragment has no verb of its own
and no question word: its action is the request's before it. It corrects that request when it says part of
it again (a word or value of the first request: "halfway please", "7 in the morning"), or, after a turn
that acted, names a place or device while the first turn's device was not the one named (found by a near
match or a default, or a name the response did not say back). After an answer a fragment is a correction
only when it says again a word the answer did not say back: "the egg timer" after "Your pasta timer has 6
minutes left."; "in the bedroom?" after "It's 21 degrees in the kitchen." asks a new question.

Objections are said inside the request as often as before it: "down, I said down", "I wanted the coffee
maker", "I asked about the back door", "not the setting, the actual temperature", "island, not cabinet",
"just the hall light". A response that did another action than the one asked ("stop the music" ->
"Skipped the track on the soundbar.") followed by the same request again is a correction too.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping

from edge.feedback.similarity import ACTION_WORDS, REQUEST_VERBS, STOPWORDS
from edge.lang import fold, model_tokens

__all__ = [
    "ADDITION",
    "RETRY_ASKED",
    "another_action",
    "fragment",
    "fragment_fix",
    "objects",
]

PARTICLES = frozenset({"on", "off", "up", "down"})  # "on the kitchen speaker": a place, not an action
QUESTION_WORDS = frozenset(
    {"what", "whats", "how", "hows", "is", "are", "was", "were", "does", "do", "did", "when", "where"}
    | {"who", "whos", "which", "why", "can", "could", "will", "would", "should", "shall", "whens", "wheres"}
)
VERBS = frozenset(
    {"play", "dim", "brighten", "add", "remove", "cancel", "mute", "unmute", "skip", "resume", "shut"}
    | {"run", "boil", "preheat", "heat", "cool", "tell", "show", "read", "find", "call", "remind", "change"}
    | {"kill", "give", "let", "activate", "enable", "disable", "send", "go", "keep", "leave", "move"}
    | {"bring", "clean", "vacuum", "hoover", "order", "buy", "check", "need", "want", "wake", "stop"}
    | {"louder", "quieter", "softer", "faster", "slower", "higher", "more", "less", "again", "back"}
    | {"next", "previous", "undo", "goodnight", "thanks", "thank", "cheers", "okay", "ok", "yes", "yeah"}
)
COMMAND_WORDS = (REQUEST_VERBS | ACTION_WORDS.keys() | VERBS | QUESTION_WORDS) - PARTICLES
ADDITION = re.compile(r"^(and|also|plus|oh and|and also)\b|\b(too|as well|also)$")
"""More, not instead: "and the island lights", "on the soundbar too", "the dining room curtains as well"."""
RETRY_ASKED = re.compile(
    r"^(please )?(try (that |it )?again|(do )?(that |it )?again|one more time|retry)( please)?$"
)
"""The request before, asked for again without saying it: "try again", "one more time"."""
_INSIDE = re.compile(
    r"\b(i said|i meant|i mean|i wanted|i want the|i asked|i only asked|i just asked|the actual)\b"
)
FILLER = frozenset(
    {
        "thats",
        "that's",
        "its",
        "it's",
        "about",
        "no",
        "wrong",
        "right",
        "one",
        "asked",
        "said",
        "only",
        "just",
        "not",
    }
)
_JUST = re.compile(r"^(just|only) (the|my|in|on)\b")  # "just the hall light": fewer than it did
_NOT = re.compile(r"\bnot (?:(?:the|my|a|an|to|that|this) )*(\w+)")
MAX_FRAGMENT = 8  # words: longer is a sentence, whatever its verbs
_NAMING = re.compile(r"^(the|my|in|on|at|for) \w+")
_OPENS = frozenset({"the", "my", "in", "on", "at", "for", "to", "not", "just", "only", "no", "a", "an"})
"""How a fragment starts ("the kitchen one", "in the office", "not the backlight"), or with a number."""
SHORT = 3  # words: shorter, no verb, is a fragment however it starts ("low please", "island, not cabinet")
_STEMS = ("ped", "ed", "d", "ing")  # "skipped" -> "skip", "paused" -> "pause", "playing" -> "play"
ACTION_CLASSES: dict[str, str] = {
    "open": "open", "raise": "open", "close": "close", "lower": "close", "lock": "lock", "unlock": "unlock",
    "play": "play", "resume": "play", "start": "start", "pause": "stop", "stop": "stop", "skip": "skip",
    "mute": "mute", "unmute": "unmute",
}  # fmt: skip
"""Action verbs a response says back ("Skipped the track"), each with the class of its synonyms."""
TARGET_SLOTS = frozenset({"name", "area", "floor"})


def fragment(text: str) -> bool:
    """A piece of a request: no verb or question word of its own, a few words, something besides "the";
    opening with an article, a preposition, a negation or a number, or at most three words (a request
    opening with a verb we do not list, "cut the big light", is not one)."""
    words = model_tokens(fold(text))  # "what's" -> "whats"
    content = [w for w in words if w not in STOPWORDS]
    if not content or len(words) > MAX_FRAGMENT or COMMAND_WORDS & set(words):
        return False
    if PARTICLES & set(words[1:]):  # "big light on", "the bedside lamp off": the action said after the name
        return False
    return len(words) <= SHORT or words[0] in _OPENS or words[0][0].isdigit()


def objects(text: str, response: str = "") -> bool:
    """The request objects to the turn before, inside its words ("down, I said down", "I wanted the coffee
    maker", "not the setting, the actual temperature"); "not the backlight, ..." and "island, not cabinet"
    when the word after "not" is one the response said ("Turned off the tv backlight."); as a fragment
    also "just the hall light"."""
    said = fold(text)
    if _INSIDE.search(said):  # with something to put right: "that's not what I asked" alone is the explicit
        rest = set(_INSIDE.sub(" ", said).split()) - STOPWORDS - QUESTION_WORDS - FILLER
        return bool(rest)  # detector's (a bare objection)
    heard = set(fold(response).split()) - STOPWORDS
    if any(m.group(1) in heard for m in _NOT.finditer(said)):
        return True
    return fragment(said) and bool(_JUST.search(said))


FUNCTION_WORDS = frozenset({"but", "so", "oh", "um", "uh", "er", "then", "now", "be", "just", "only", "not"})


def _values(text: str) -> set[str]:
    skip = COMMAND_WORDS | PARTICLES | FUNCTION_WORDS
    return {w for w in model_tokens(fold(text)) if w not in STOPWORDS and w not in skip}


def fragment_fix(
    first: str,
    response: str,
    nxt: str,
    *,
    acted: bool,
    first_exact: bool,
    first_slots: Mapping[str, str] | None = None,
    next_slots: Mapping[str, str] | None = None,
) -> str:
    """Why the fragment ``nxt`` corrects the turn ``first`` -> ``response`` ("" when it does not, or is
    not a fragment). ``acted``: the turn moved a device (done), else it answered; ``first_exact``: its
    devices were found by the very name or alias said; the slots: the NLU's of each request."""
    if not fragment(nxt) or ADDITION.search(fold(nxt)):
        return ""
    said_back = set(model_tokens(fold(response)))
    shared = _values(first) & _values(nxt)
    if shared - said_back and (acted or _names_another(first, response)):
        return f"a fragment saying again {' '.join(sorted(shared))} of the request before"
    if not acted:
        return ""
    names = bool(TARGET_SLOTS & (next_slots or {}).keys()) or bool(_NAMING.match(fold(nxt)))
    named = {w for k, v in (first_slots or {}).items() if k in TARGET_SLOTS for w in _values(v)}
    named_back = bool(named) and named <= said_back  # the name it was asked by, said back
    if names and not (first_exact and named_back):
        return "a fragment naming another place or device than the turn acted on"
    return ""


def _names_another(first: str, response: str) -> bool:
    """The response names something the request did not ("Your pasta timer ...", "The garage light ...");
    "It's 22 degrees in the office." names only what was asked."""
    asked = set(fold(first).split())
    said = fold(response).split()
    return any(
        a in {"the", "your", "my"} and b not in asked and b not in STOPWORDS | COMMAND_WORDS
        for a, b in itertools.pairwise(said)
    )


def _actions(text: str) -> set[str]:
    out: set[str] = set()
    for word in fold(text).split():
        if word in ACTION_CLASSES:
            out.add(ACTION_CLASSES[word])
            continue
        for stem in _STEMS:
            if word.endswith(stem) and len(word) - len(stem) >= 3:
                base = word[: -len(stem)]
                found = ACTION_CLASSES.get(base) or ACTION_CLASSES.get(base + "e")
                if found:
                    out.add(found)
                    break
    return out


def another_action(first: str, response: str, nxt: str) -> bool:
    """The response says it did another action than the first request asked ("stop the music" -> "Skipped
    the track"), and the next request asks for the first one's action again."""
    asked, did = _actions(first), _actions(response)
    return bool(asked) and bool(did) and not asked & did and asked <= _actions(nxt)
