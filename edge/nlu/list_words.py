"""A list request as its words say it, in the shape of Home Assistant's list templates.

"<verb> {item} <preposition> [my|the] {name} [list]": "add walk the dog to my chores list", "check off milk
from the shopping list", "cross apples off the list", "delete hummus from my trader joe's list". The tagger
keeps only part of an item it has not seen ("walk" of "walk the dog"); these words give all of it, the list
and the verb's kind. Read by the services (:func:`edge.services.service.list_request`) and, when the model
read nothing for the home, by the NLU (:mod:`edge.nlu.named_requests`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from edge.lang import fold

__all__ = ["LIST_INTENTS", "ListWords", "list_intent", "list_intent_name", "list_words"]

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


@dataclass(frozen=True, slots=True)
class ListWords:
    """A list request as its words say it: the verb's kind (``AddItem``, ``CompleteItem`` or
    ``RemoveItem``, Home Assistant's intent suffixes), the item, and the list ("" for "the list")."""

    verb: str
    item: str
    list_name: str


def list_words(text: str) -> ListWords | None:
    """The item and list of a request said in the shape of Home Assistant's list templates ("add walk the dog
    to my chores list", "check off milk from the shopping list", "cross apples off the list", "delete
    hummus from my trader joe's list"); None for any other shape. The item is every word between the verb
    and the list's preposition (the tagger keeps only part of an item it has not seen: "walk")."""
    match = _LIST_REQUEST.match(fold(text.replace("-", " ")))
    if match is None:
        return None
    item = match.group("item").strip()
    if item in {"it", "them", "that", "this", "those", "these", "my", "the", "a", "an", "our", "your"}:
        return None
    return ListWords(_VERB_OF[match.group("verb")], item, match.group("list").strip())


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
