"""Two everyday questions the model reads as out of domain, in Home Assistant's shapes, anchored at both ends:

- **where someone is**: "where is john", "where's ada", "where can I find ada", "where is everyone" (HA's
  ``HassGetState`` with ``<where_is> {name}`` for a person): ``HassGetState`` on the people of this home the
  words name (a person's or tracker's whole name or first name; "everyone" / "everybody" all of them).
  Nothing when the words name no one here ("where is the remote", "where is paris"): the model's reading
  stands, and a question never moves anything.
- **the time or the date said bare**: "time please", "the time", "date please", "today's date" (the model
  has seen them only inside "what time is it"): ``HassGetCurrentTime`` / ``HassGetCurrentDate``.

Pure: the words (:func:`edge.lang.model_tokens`: lowercase, no apostrophes) and the home's people."""

from __future__ import annotations

import re
from collections.abc import Sequence

from edge.context.model import ContextSnapshot
from edge.lang import name_key
from edge.nlu.types import Intent

__all__ = ["short_question"]

_PEOPLE_DOMAINS = frozenset({"person", "device_tracker"})
_WHERE = re.compile(
    r"^(?:where (?:is|s|are)|wheres|where can (?:i|we) find) (?:the )?(?P<who>[a-z0-9 ]+?)"
    r"(?: now| right now)?$"
)
_EVERYONE = frozenset({"everyone", "everybody"})
_POLITE = r"(?: (?:please|now|right now))?"
_BARE = (
    ("HassGetCurrentTime", re.compile(rf"^(?:(?:the|current) )?time{_POLITE}$")),
    ("HassGetCurrentDate", re.compile(rf"^(?:(?:the|todays|current) )?date(?: today)?{_POLITE}$")),
)


def _people(who: str, snapshot: ContextSnapshot) -> tuple[str, ...]:
    people = [d for d in snapshot.devices.values() if d.domain in _PEOPLE_DOMAINS]
    if who in _EVERYONE:
        return tuple(sorted(d.entity_id for d in people))
    named = [d for d in people if who in {name_key(n) for n in (d.name, *d.aliases)}]
    named = named or [d for d in people if name_key(d.name).split()[:1] == [who]]  # "ada" of "Ada Lovelace"
    return tuple(sorted(d.entity_id for d in named))


def short_question(
    text: str, tokens: Sequence[str], snapshot: ContextSnapshot, confidence: float
) -> Intent | None:
    """``HassGetState`` on the people a "where is" question names, or the time or date asked for bare;
    None for anything else."""
    words = " ".join(tokens)
    for name, shape in _BARE:
        if shape.match(words):
            return Intent(name, {}, confidence, text, source="text")
    found = _WHERE.match(words)
    if found is None:
        return None
    who = found.group("who").strip()
    people = _people(who, snapshot)
    if not people:
        return None
    slots = {"domain": "person"} if who in _EVERYONE else {"name": who, "domain": "person"}
    return Intent("HassGetState", slots, confidence, text, people, source="text")
