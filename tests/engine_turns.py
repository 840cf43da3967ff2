"""Shared by the turn-engine tests: lines heard through the real composition root (``build_turns``) on a
``LocalHome`` and a real SQLite store, each stored turn checked against the one returned."""

from __future__ import annotations

from pathlib import Path

from edge.config import Settings
from edge.feedback.record import TurnRecord
from edge.lab.sim.local import LocalHome
from edge.turns.heard import Heard
from edge.turns.protocols import Parser
from edge.wiring import build_turns


async def hear_lines(
    home: LocalHome,
    db: Path,
    parser: Parser,
    lines: list[tuple[str, float]],
    settings: Settings | None = None,
) -> list[TurnRecord]:
    """Each (text, t) heard in order; the records as the engine returned them (and the store holds them)."""
    records: list[TurnRecord] = []
    async with await build_turns(
        Settings(), home, db=db, home_id="h", parser=parser, rewriter=None, speaker=None
    ) as turns:
        for i, (text, t) in enumerate(lines):
            records.append(await turns.driver.hear(Heard(text, t, t + 0.5, "s", turn_id=f"t{i}")))
        for record in records:
            stored = await turns.store.turn(record.turn_id)
            assert stored is not None and stored.record.asked is record.asked
    return records
