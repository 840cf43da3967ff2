"""Export turns with their signals and labels as JSON lines (read by learning tools, `edge feedback`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from edge.feedback.store import TurnQuery, TurnStore

__all__ = ["export_jsonl", "write_jsonl"]


def write_jsonl(store: TurnStore, out: TextIO, query: TurnQuery | None = None) -> int:
    n = 0
    for turn in store.iter_turns(query):
        out.write(json.dumps(turn.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n")
        n += 1
    return n


def export_jsonl(store: TurnStore, path: Path, query: TurnQuery | None = None) -> int:
    """Write one line per turn to ``path`` (atomically: a temp file renamed over it); returns the count."""
    tmp = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tmp.open("w", encoding="utf-8") as fh:
        n = write_jsonl(store, fh, query)
    tmp.replace(path)
    return n
