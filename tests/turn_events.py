"""Shared by the runtime tests that read the printed event stream: its events grouped by turn."""

from __future__ import annotations

import json
from typing import Any


def turns_of(printed: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The printed events of each turn, turns in the order they began."""
    order = list(dict.fromkeys(e["turn_id"] for e in printed if e.get("turn_id")))
    return [[e for e in printed if e.get("turn_id") == t] for t in order]


def one(events: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    """The one event of ``kind`` among ``events`` (failing with the events when there are none or more)."""
    found = [e for e in events if e["type"] == kind]
    assert len(found) == 1, f"{kind}: {json.dumps(events)[:2000]}"
    return found[0]
