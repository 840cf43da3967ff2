"""Did the device's response say back what the request asked for, and does the next request ask for it again?

A turn can end "done" and still be wrong: "turn on the night light" -> "OK, the kids room light is on";
"set a timer for fifteen minutes" -> "Timer set for 50 minutes"; "how warm is it in the bedroom" ->
"It's 20 degrees in the living room". The request's own reading (the NLU's slots) says what was asked;
the response says what was done. A value the response does not say back (the number, the search, the
area, the words that tell one device from another: "night" in "night light") was not what the device did.
When the next request asks for it again (says the word again, sets the same value again, or names another
device of the same kind), the user is correcting the turn, with or without a "no". Asking again for what
the device did say back is asking again, not a correction (pure functions).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

from edge.feedback.similarity import ACTION_WORDS, REQUEST_VERBS, STOPWORDS
from edge.lang import fold, model_tokens

__all__ = ["NOT_NAMES", "Reading", "bare_name", "reasked", "same_kind", "unsaid"]

NOT_NAMES = STOPWORDS | REQUEST_VERBS | ACTION_WORDS.keys() | {"some", "all", "please", "can", "you", "could"}
TARGET_SLOTS = frozenset({"name", "area", "floor"})
META_SLOTS = frozenset(
    {"domain", "device_class", "media_class", "state", "volume_step", "conversation_command", "response"}
)
"""Slots that say how, not what: a response need not repeat them ("is the oven on" -> "No, it is off")."""
ALIKE, MIN_ALIKE = 80.0, 4  # a word spelled this alike (rapidfuzz ratio) is the same word misheard
INFORMATIVE = 3  # content words a response needs to say what it did ("OK, the kids room light is on")


@dataclass(frozen=True, slots=True)
class Reading:
    """One request as the NLU read it: intent, slots, the devices it landed on, and whether they were
    found by their name or alias as said (``exact``: the target scores all 1.0)."""

    text: str
    intent: str | None = None
    slots: Mapping[str, str] | None = None
    targets: Collection[str] = ()
    exact: bool = False


def _words(text: str) -> list[str]:
    return [w for w in model_tokens(fold(text)) if w not in NOT_NAMES]


def unsaid(first: Reading, response: str) -> dict[str, frozenset[str]]:
    """The first request's slot values the response does not say back, slot -> its words. A device name
    counts by the words that tell it apart (all but the last: "night" of "night light"), and only when the
    response names another ("the kids room light"); a number only against another number said; a bare
    acknowledgement ("OK.", "Done.") says nothing. A device found
    by an alias may be said back by its name: :func:`reasked` reads a device named after it by that."""
    heard = set(model_tokens(fold(response)))
    if len(_words(response)) < INFORMATIVE:
        return {}  # "OK.", "Done.", "Turned on the light.": it said nothing in the place of what was asked
    numbers = any(w[0].isdigit() for w in heard)
    said = fold(response).split()
    asked = set(fold(first.text).split())
    other = any(a == "the" and b not in asked | NOT_NAMES for a, b in itertools.pairwise(said))
    out: dict[str, frozenset[str]] = {}
    for key, value in (first.slots or {}).items():
        if key in META_SLOTS:
            continue
        words = _words(value)
        if key == "name" and len(words) > 1:
            words = words[:-1]
        if all(w[0].isdigit() for w in words) and not numbers:
            continue  # "Timer set.": no other number said in its place
        if key in TARGET_SLOTS and not other:
            continue  # "It's 21 degrees.": no other device or place named ("the kids room light")
        alike = key in TARGET_SLOTS  # a name the NLU resolved may be said back spelled right; an item never:
        if words and not all(_heard(w, heard, asked, alike) for w in words):  # "apples" -> "maples"
            out[key] = frozenset(words)
    return out


def _heard(word: str, heard: set[str], asked: set[str], alike: bool = True) -> bool:
    """The word is in the response, or (``alike``: a device or place name) spelled alike by a word the
    request did not have: a misheard name the NLU resolved all the same ("the gaest room light" ->
    "Turned on the guest room light.")."""
    if word in heard:
        return True
    if not alike or word[0].isdigit() or len(word) < MIN_ALIKE:
        return False
    return any(fuzz.ratio(word, w) >= ALIKE for w in heard - asked if not w[0].isdigit())


def same_kind(a: Collection[str], b: Collection[str]) -> bool:
    """Devices of the same kind (the entity domain: ``light.x`` and ``light.y``)."""
    return bool({t.split(".", 1)[0] for t in a} & {t.split(".", 1)[0] for t in b})


def bare_name(nxt: Reading) -> bool:
    """The request is only a name ("the reading lamp", "the beatles"): it leans on the request before for
    its action, so the intent the NLU guessed for it says nothing."""
    words = _words(nxt.text)
    said = {w for k, v in (nxt.slots or {}).items() if k not in META_SLOTS for w in _words(v)}
    return bool(words) and set(words) <= said and len(fold(nxt.text).split()) <= 4


def reasked(first: Reading, response: str, nxt: Reading) -> str:
    """Why the next request asks again for what the response did not say back ("" when it does not):
    the same value slot set again, a word not said back said again, or another device of the same kind
    named after a name the response did not say back. Landing on the very device the first turn acted on
    is asking again, not a correction."""
    missing = unsaid(first, response)
    if not missing:
        return ""
    same_wish = bool(first.intent) and first.intent == nxt.intent
    next_words = set(model_tokens(fold(nxt.text)))
    next_slots = nxt.slots or {}
    values = [k for k in missing if k not in TARGET_SLOTS]
    numbers = [k for k in values if all(w[0].isdigit() for w in missing[k])]  # misheard again, maybe
    again = [k for k in numbers if k in next_slots] + [
        k for k in values if k not in numbers and missing[k] & next_words
    ]  # "play the beatles" -> "the bangles" -> "play music by the beatles"; "play adele" is another wish
    if same_wish and again:
        return f"{', '.join(again)} said again: the response said another"
    targets = [k for k in missing if k in TARGET_SLOTS]
    if not targets or (first.targets and nxt.targets and set(nxt.targets) <= set(first.targets)):
        return ""
    lost = frozenset().union(*(missing[k] for k in targets))
    if lost & next_words and (same_wish or set(_words(first.text)) & next_words - lost):
        return f"{' '.join(sorted(lost))} said again: the response named another"
    named = bool(TARGET_SLOTS & next_slots.keys())  # the user said which; the first one's name or alias
    if first.exact or not (same_wish and named and first.targets and nxt.targets):  # may read otherwise
        return ""
    if same_kind(first.targets, nxt.targets):
        return "another device of the same kind named after a name not said back"
    return ""
