"""A locked door opened is unlocked (edge/nlu/door_locks.py): "open the front door", where the front door is
a lock, was read as HassTurnOn, which for a lock is *lock*, and the gate asked "Do you want me to lock the
front door lock?"; "close the sliding doors" (a lock) was HassTurnOff: *unlock*. The gate still asks."""

from __future__ import annotations

from functools import cache

from edge.config import Settings
from edge.lang import model_tokens
from edge.nlu.door_locks import door_lock
from edge.nlu.parser import NLUParser
from edge.nlu.snapshots import demo_devices, make_snapshot
from edge.nlu.types import Intent
from edge.turns.confirming import decide

LOCK, GARAGE = "lock.front_door", "cover.garage_door"


@cache
def _parser() -> NLUParser:
    return NLUParser(Settings())


def test_open_unlocks_and_close_locks_only_the_locks() -> None:
    snap = make_snapshot(demo_devices(), "hallway")
    on = Intent("HassTurnOn", {}, 0.99, "open the door", (GARAGE, LOCK))
    opened = door_lock(on, model_tokens("open the door"), snap)
    assert opened is not None and (opened.name, opened.targets) == ("HassTurnOff", (LOCK,))
    closed = door_lock(replace_text(on, "shut the front door"), model_tokens("shut the front door"), snap)
    assert closed is not None and (closed.name, closed.targets) == ("HassTurnOn", (LOCK,))
    assert door_lock(on, model_tokens("lock the front door"), snap) is None  # its own verb
    assert door_lock(on, model_tokens("turn on the door"), snap) is None  # no open / close
    garage = Intent("HassTurnOn", {}, 0.99, "open the garage", (GARAGE,))
    assert door_lock(garage, model_tokens("open the garage"), snap) is None  # no lock: a cover opens


def replace_text(intent: Intent, text: str) -> Intent:
    return Intent(intent.name, intent.slots, intent.confidence, text, intent.targets)


def test_the_device_asks_to_unlock_when_asked_to_open_the_front_door() -> None:
    snap = make_snapshot(demo_devices(), "hallway", {LOCK: "locked"})
    intent = _parser().parse("open the front door", snap)
    assert intent is not None and (intent.name, intent.targets) == ("HassTurnOff", (LOCK,))
    decision, question = decide(intent, snap)
    assert decision == "confirm" and "unlock the front door" in question
