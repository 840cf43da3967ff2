"""A list request as its words say it, in the shape of Home Assistant's list templates.

"<verb> {item} <preposition> [my|the] {name} [list]": "add walk the dog to my chores list", "check off milk
from the shopping list", "cross apples off the list", "delete hummus from my trader joe's list"; and running
out of something said as a remark ("we're out of coffee", "we've run out of milk"): added to the shopping
list, as Alexa and Google read it (never "we're out of time", "I'm out of ideas"). The tagger
keeps only part of an item it has not seen ("walk" of "walk the dog"); these words give all of it, the list
and the verb's kind. Read by the services (:func:`edge.services.service.list_request`) and, when the model
read nothing for the home, by the NLU (:mod:`edge.nlu.named_requests`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from edge.lang import fold

__all__ = ["LIST_INTENTS", "ListWords", "list_intent", "list_intent_name", "list_words", "ran_out"]

LIST_INTENTS = frozenset(
    {"HassShoppingListAddItem", "HassShoppingListCompleteItem", "HassListAddItem", "HassListCompleteItem",
     "HassListRemoveItem"}
)  # fmt: skip
"""Home Assistant's list intents."""

_VERB_OF: dict[str, str] = {
    **dict.fromkeys(("add", "put", "stick", "pop", "write", "throw"), "AddItem"),
    **dict.fromkeys(("check", "complete", "cross", "tick", "mark"), "CompleteItem"),
    **dict.fromkeys(("delete", "remove", "erase", "scratch", "strike"), "RemoveItem"),
}
_NOT_A_LIST = r"(?:to do\b|(?!\b(?:to|on|onto|in|from|off|of)\b)[a-z0-9' ])*?"  # a list's name ("to do")
_LIST_REQUEST = re.compile(  # Home Assistant's list templates: "<verb> {item} <prep> [my|the] {name} [list]"
    rf"^(?:(?:can|could|would|will) you\s+)?(?P<verb>{'|'.join(_VERB_OF)})\s+(?:off\s+)?(?P<item>.+?)"
    r"\s+(?:off\s+|as (?:done|complete|completed)\s+)?(?:to|on|onto|in|from|off|of)\s+"
    r"(?:(?:my|the|our|your|a|an)\s+)?"
    rf"(?P<list>{_NOT_A_LIST})\s*\blists?(?:\s+(?:thanks|thank you|now))?$"
)


_RUN_OUT = re.compile(  # "we're out of coffee", "we've run out of milk", "we need more eggs"
    r"^(?:(?:oh|hey|so|well)\s+)?(?:we|were|we're|we are|weve|we've|we have|ive|i've|im|i'm|i am)\s+"
    r"(?:just\s+|completely\s+|almost\s+|nearly\s+)?(?:(?:run|ran|running|getting|got)\s+)?"
    r"(?:out of|low on|short of|need more|need some|need to buy|need to get)\s+(?P<item>[a-z0-9' ]+?)"
    r"(?:\s+(?:again|now|already))?$"
)
"""Running out of something said as a remark: added to the shopping list (Alexa's and Google's reading)."""


@dataclass(frozen=True, slots=True)
class ListWords:
    """A list request as its words say it: the verb's kind (``AddItem``, ``CompleteItem`` or
    ``RemoveItem``, Home Assistant's intent suffixes), the item, and the list ("" for "the list")."""

    verb: str
    item: str
    list_name: str


def _named_list(names: Sequence[str]) -> re.Pattern[str] | None:
    """The list template with the list said by one of ``names`` and no "list" after it ("add call the
    plumber to my chores", "add bananas to trader joe's")."""
    keys = sorted({fold(n) for n in names if fold(n)}, key=len, reverse=True)
    if not keys:
        return None
    said = "|".join(re.escape(k) for k in keys)
    return re.compile(
        _LIST_REQUEST.pattern.replace(rf"(?P<list>{_NOT_A_LIST})\s*\blists?", rf"(?P<list>{said})")
    )


def list_words(text: str, names: Sequence[str] = ()) -> ListWords | None:
    """The item and list of a request said in the shape of Home Assistant's list templates ("add walk the dog
    to my chores list", "check off milk from the shopping list", "cross apples off the list", "delete
    hummus from my trader joe's list"), or ending in one of the home's list ``names`` without "list" ("add
    call the plumber to my chores"); None for any other shape. The item is every word between the verb and
    the list's preposition (the tagger keeps only part of an item it has not seen: "walk")."""
    said = fold(text.replace("-", " "))
    if (out := ran_out(text)) is not None:
        return out
    match = _LIST_REQUEST.match(said)
    spelled = {fold(n): n for n in names}
    if match is None and (named := _named_list(names)) is not None:
        match = named.match(said)  # "add bananas to trader joe's": the list as the home spells it
        if match is not None:
            return _words(match, spelled[match.group("list")])
    if match is None:
        return None
    return _words(match, match.group("list").strip())


def _words(match: re.Match[str], list_name: str) -> ListWords | None:
    item = match.group("item").strip()
    if item in {"it", "them", "that", "this", "those", "these", "my", "the", "a", "an", "our", "your"}:
        return None
    return ListWords(_VERB_OF[match.group("verb")], item, list_name)


_NOT_ITEMS = frozenset({
    "time", "ideas", "luck", "patience", "breath", "here", "it", "this", "that", "them", "space", "options",
    "battery", "power", "money", "range", "order", "the way", "sync", "reach", "touch", "bed", "town",
    "office", "work", "sight", "control", "date", "light", "lights", "heat", "heating", "air", "music",
    "help", "sleep", "rest", "room", "volume", "sound", "of it", "of that", "of them", "info", "information",
})  # fmt: skip
"""What one runs out of that no list holds ("we're out of time", "I'm out of ideas")."""
_ITEM_WORDS = 4
_NOT_IN_ITEMS = frozenset(
    {"so", "and", "but", "then", "because", "list", "please", "can", "could", "you", "in", "here", "it", "to"}
)


def ran_out(text: str) -> ListWords | None:
    """ "we're out of coffee", "we've run out of milk", "running low on eggs": the item added to the shopping
    list; None for anything else (and for what no list holds: "we're out of time")."""
    found = _RUN_OUT.match(fold(text.replace("-", " ")))
    item = found.group("item").removeprefix("the ").strip() if found else ""
    words = item.split()
    if not item or item in _NOT_ITEMS or len(words) > _ITEM_WORDS or _NOT_IN_ITEMS & set(words):
        return None  # "we're out of paint so take bathroom painting off the list": more than a remark
    return ListWords("AddItem", item, "shopping")


def list_intent(words: ListWords) -> tuple[str, dict[str, str]]:
    """Home Assistant's intent and slots for ``words``: the shopping list (or "the list") is
    ``HassShoppingList*`` (removing an item checks it off, as HA's templates read it), any other list
    ``HassList*`` with the list as ``name``."""
    if words.list_name in {"", "shopping"}:
        return list_intent_name(words.verb, shopping=True), {"item": words.item}
    return list_intent_name(words.verb, shopping=False), {"item": words.item, "name": words.list_name}


def list_intent_name(verb: str, *, shopping: bool) -> str:
    """Home Assistant's intent for a list verb (``AddItem``, ``CompleteItem``, ``RemoveItem``): on the
    shopping list ``HassShoppingList*``, where removing an item checks it off as HA's templates read it;
    on any other list ``HassList*``."""
    if shopping:
        return f"HassShoppingList{'CompleteItem' if verb == 'RemoveItem' else verb}"
    return f"HassList{verb}"
