"""The answer to "Which one: the front door lock or the back door lock?" (pure).

An answer names exactly one of the offered devices: by its name or an alias ("the back door lock"), its
area ("the kitchen") or a word that only it has ("the front one"), or by its place in the question ("the
first one"). Every word of the answer must belong to that device (a few filler words aside), so a new
request ("turn on the kitchen light") is never taken for an answer. "Both", "all of them", "each of them"
answer with every device offered (:func:`every_one`), nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence

from edge.context.model import ContextSnapshot, Device
from edge.lang import fold, model_tokens, name_key

__all__ = ["EVERY_ANSWERS", "chosen", "every_one"]

_FILLER = frozenset(
    {"the", "one", "ones", "a", "an", "that", "this", "i", "mean", "meant", "said", "in", "on", "at", "of",
     "oh", "um", "uh", "er", "just", "only", "please", "thanks", "thank", "you", "it", "is", "its", "s",
     "room", "yes", "yeah", "no", "sorry"}
)  # fmt: skip
_ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3}
EVERY_ANSWERS = ("both", "both of them", "all of them", "all", "each of them", "all three", "all four")
"""The answers that name every device offered (the fast path's grammar expects them too)."""
_EVERY = frozenset({"both", "all", "each", "every", "of", "them", "three", "four", "the", "please", "do",
                    "yes", "um", "uh", "er", "oh"})  # fmt: skip


def every_one(answer: str) -> bool:
    """Whether ``answer`` names every device offered ("both", "both of them", "all of them please")."""
    said = model_tokens(fold(answer))
    return bool(said) and set(said) <= _EVERY and bool({"both", "all", "each", "every"} & set(said))


def _words(device: Device) -> set[str]:
    words: set[str] = set()
    for label in (device.name, *device.aliases, device.area):
        words.update(name_key(label).split())
    return words


def chosen(answer: str, candidates: Sequence[str], snapshot: ContextSnapshot) -> str | None:
    """The entity_id of the one offered device ``answer`` names, or None (then it is a new request)."""
    devices = [snapshot.devices[c] for c in candidates if c in snapshot.devices]
    said = [w for w in name_key(fold(answer)).split() if w not in _FILLER]
    if not devices or not said:
        return None
    if len(said) == 1 and said[0] in {*_ORDINALS, "last"}:
        index = len(devices) - 1 if said[0] == "last" else _ORDINALS[said[0]]
        return devices[index].entity_id if index < len(devices) else None
    words = {d.entity_id: _words(d) for d in devices}
    shared = set.intersection(*words.values())
    fits = [
        d.entity_id
        for d in devices
        if all(w in words[d.entity_id] for w in said) and any(w not in shared for w in said)
    ]
    return fits[0] if len(fits) == 1 else None
