"""A locked door opened is unlocked: "open the front door" where the front door is a lock was read as
``HassTurnOn``, which for a lock is *lock* (Home Assistant's convention), so the device asked "Do you want me
to lock the front door lock?". When the request's verb is "open" (or "close", "shut") and it acts on locks,
the locks are unlocked (``HassTurnOff``) or locked (``HassTurnOn``) as the verb means; where "open the
door" also fits a cover (a garage door), the lock is meant (the gate still asks before anything moves), as
a door one opens by voice is a locked door far more often than the garage. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from edge.context.model import ContextSnapshot
from edge.nlu.types import Intent

__all__ = ["door_lock"]

_OPEN = frozenset({"open"})
_CLOSE = frozenset({"close", "shut"})
_SWITCHED = frozenset({"HassTurnOn", "HassTurnOff"})


def door_lock(intent: Intent, tokens: Sequence[str], snapshot: ContextSnapshot) -> Intent | None:
    """``intent`` on the locks its targets hold, as the verb said means (open: unlock, close: lock); None
    when it acts on no lock or its verb is neither."""
    if intent.name not in _SWITCHED or not intent.targets or {"lock", "unlock"} & set(tokens):
        return None
    verb = next((t for t in tokens if t in _OPEN | _CLOSE), "")
    if not verb:
        return None
    locks = tuple(t for t in intent.targets if t in snapshot.devices and snapshot.devices[t].domain == "lock")
    if not locks:
        return None
    name = "HassTurnOff" if verb in _OPEN else "HassTurnOn"
    scores = dict(zip(intent.targets, intent.target_scores, strict=False))
    return replace(intent, name=name, targets=locks, target_scores=tuple(scores.get(t, 1.0) for t in locks))
