"""The changes the household page makes (blocking: run in a thread); each one is recorded.

Rewrites (any layer): approve (kept, marked as the household's), disable (vetoed: never applied, never
learned again, can be enabled again), enable, delete (a personal rule leaves the active table in a new
version, its pair quarantined; any layer's pair is vetoed for good). Learning versions: roll back the active
personal table to the one before. Taught macros and preferences: approve, disable (set aside: forgotten by
the taught store, kept here to put back), enable, delete (forgotten). Fleet sync: on or off. A wrong action
or an unknown item is a :class:`BadChange` (the page answers 400/404 with its message).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from edge.errors import ConfigError
from edge.feedback.macro import MacroStep
from edge.feedback.taught import TaughtStore
from edge.learning.folder_lock import folder_lock
from edge.learning.household import Household, RewritePair, SetAside, allow, approve, forget, veto
from edge.learning.loop import TableVersions
from edge.web.reads import all_turns

__all__ = ["REWRITE_ACTIONS", "TAUGHT_ACTIONS", "BadChange", "rewrite", "roll_back", "set_sync", "taught"]

REWRITE_ACTIONS = ("approve", "disable", "enable", "delete")
TAUGHT_ACTIONS = ("approve", "disable", "enable", "delete")
TAUGHT_KINDS = ("macro", "preference")


class BadChange(ValueError):
    """A change the page cannot make; ``status`` 400 (malformed) or 404 (no such item)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _layer_of(folder: Path, db: Path, pair: RewritePair) -> str:
    """Where the pair was learned: the active personal table, a turn it rewrote, or an earlier veto."""
    table = TableVersions(folder).active()
    if any(RewritePair.of(r.original, r.rewritten) == pair for r in table.rules.values()):
        return "personal"
    known = Household(folder).load().vetoed.get(pair)
    if known is not None:
        return known
    for turn in reversed(all_turns(db)):
        rw = turn.record.rewrite
        if rw is not None and RewritePair.of(rw.original, rw.rewritten) == pair:
            return rw.layer or "personal"
    raise BadChange(f"no learned rewrite {pair.original!r} -> {pair.rewritten!r}", 404)


def rewrite(folder: Path, db: Path, action: str, key: str) -> str:
    """Apply ``action`` to the rewrite ``key`` (``original->rewritten``); returns what was done, in words."""
    if action not in REWRITE_ACTIONS:
        raise BadChange(f"unknown action {action!r}: use one of {', '.join(REWRITE_ACTIONS)}")
    try:
        pair = RewritePair.from_key(key)
    except ValueError as err:
        raise BadChange(str(err)) from err
    layer = _layer_of(folder, db, pair)
    household = Household(folder)
    subject: dict[str, object] = {"original": pair.original, "rewritten": pair.rewritten, "layer": layer}
    words = f"\u201c{pair.original}\u201d \u2192 \u201c{pair.rewritten}\u201d"
    if action == "approve":
        household.change("approve rewrite", subject, lambda c: approve(allow(c, pair), pair))
        return f"Kept {words}."
    if action == "disable":
        household.change("disable rewrite", subject, lambda c: veto(c, pair, layer))
        return f"Switched off {words}: it is no longer used."
    if action == "enable":
        household.change("enable rewrite", subject, lambda c: allow(c, pair))
        return f"Switched {words} back on."
    versions = TableVersions(folder)
    with folder_lock(folder):  # read, drop and save as one step against a rebuild finishing meanwhile
        table = versions.active()
        gone = {k for k, r in table.rules.items() if RewritePair.of(r.original, r.rewritten) == pair}
        if gone:
            rules = {k: r for k, r in table.rules.items() if k not in gone}
            dropped = {(table.rules[k].original, table.rules[k].rewritten) for k in gone}
            quarantine = table.quarantine | dropped
            subject["version"] = versions.save(replace(table, rules=rules, quarantine=quarantine))
        household.change("delete rewrite", subject, lambda c: forget(c, pair, layer))
    return f"Deleted {words}; it will not be learned again."


def roll_back(folder: Path) -> str:
    versions = TableVersions(folder)
    before = versions.active_version()
    try:
        now = versions.rollback()
    except ConfigError as err:  # nothing earlier to go back to
        raise BadChange(f"{err}", 409) from err
    Household(versions.folder).record("roll back learning", {"from": before, "to": now})
    return f"Learning rolled back from version {before} to version {now}."


def taught(folder: Path, db: Path, home_id: str, action: str, *, kind: str, key: str) -> str:
    if action not in TAUGHT_ACTIONS:
        raise BadChange(f"unknown action {action!r}: use one of {', '.join(TAUGHT_ACTIONS)}")
    if kind not in TAUGHT_KINDS:
        raise BadChange(f"unknown kind {kind!r}: use macro or preference")
    if not key.strip() or len(key) > 500:
        raise BadChange("give the phrase or preference name (at most 500 characters)")
    household = Household(folder)
    name = f"{kind}:{key}"
    subject = {"kind": kind, "key": key}
    if action == "enable":
        aside = household.load().set_aside.get(name)
        if aside is None:
            raise BadChange(f"no switched-off {kind} {key!r}", 404)
        store = TaughtStore(db, home_id)
        try:
            if kind == "macro":
                store.add_macro(key, [MacroStep.from_json(s) for s in aside.value])
            else:
                store.set_preference(key, str(aside.value))
        finally:
            store.close()
        household.change(
            "enable taught", subject, lambda c: replace(c, set_aside=_without(c.set_aside, name))
        )
        return f"Switched the {kind} \u201c{key}\u201d back on."
    store = TaughtStore(db, home_id)
    try:
        if kind == "macro":
            macro = store.macro(key)
            value: object = None if macro is None else [s.to_json() for s in macro.steps]
        else:
            value = store.preferences().get(key)
        if value is None:
            raise BadChange(f"no taught {kind} {key!r}", 404)
        if action == "approve":
            household.change(
                "approve taught", subject, lambda c: replace(c, approved_taught=c.approved_taught | {name})
            )
            return f"Kept the {kind} \u201c{key}\u201d."
        store.forget(key)
    finally:
        store.close()
    if action == "disable":
        household.change(
            "disable taught", subject,
            lambda c: replace(c, set_aside={**c.set_aside, name: SetAside(kind, key, value)}),
        )  # fmt: skip
        return f"Switched off the {kind} \u201c{key}\u201d."
    household.change(
        "delete taught", subject, lambda c: replace(c, approved_taught=c.approved_taught - {name})
    )
    return f"Deleted the {kind} \u201c{key}\u201d."


def _without(aside: Mapping[str, SetAside], name: str) -> dict[str, SetAside]:
    return {k: v for k, v in aside.items() if k != name}


def set_sync(folder: Path, value: str) -> str:
    if value not in ("on", "off"):
        raise BadChange(f"sync must be 'on' or 'off', not {value!r}")
    off = value == "off"
    Household(folder).change("sync " + value, {}, lambda c: replace(c, sync_off=off))
    return "Sync is off: nothing leaves the home." if off else "Sync may send the reports shown."
