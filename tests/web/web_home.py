"""A home's turn store for the household page's tests: real SQLite, a rewrite really learned by the
learner (``rebuild_tables`` over rephrase chains), a retrieval rewrite seen in a turn, a taught macro and a
preference."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from edge.config import Settings, load_settings
from edge.context.model import ContextSnapshot, Device, DeviceState, Satellite
from edge.feedback.macro import MacroStep
from edge.feedback.record import FeedbackSignal, Label, Rewrite, SignalKind, TurnRecord
from edge.feedback.store import TurnStore
from edge.feedback.taught import TaughtStore
from edge.web import WebContext
from edge.wiring import learned_rewriter, rebuild_tables, tables_dir

T = TypeVar("T")
DAY = 86_400.0
T0 = 1_760_000_000.0  # an October 2025 morning: the turns' wall clock
BAD, GOOD = "turn on the kitchen lite", "turn on the kitchen light"
SEEN_FROM, SEEN_TO = "switch of the hall lamp", "switch off the hall lamp"
TOKEN = "household-secret-token"


def run(coro: Awaitable[T]) -> T:
    async def main() -> T:
        return await coro

    return asyncio.run(main())


def turn(turn_id: str, t: float, text: str, ok: bool, **extra: object) -> TurnRecord:
    return TurnRecord(
        turn_id=turn_id,
        session_id=f"s{int(t // 600)}",
        home_id="home",
        t_start=t,
        t_end=t + 2,
        wake_word="hey_jarvis",
        asr_text=text,
        asr_nbest=(text, text.replace("kitchen", "kitten")),
        text=text,
        intent="HassTurnOn",
        slots={"name": "kitchen light"} if ok else {"name": "lite"},
        intent_confidence=0.9,
        targets=("light.kitchen",) if ok else (),
        result_ok=ok if ok else None,
        response="Turned on the kitchen light." if ok else "Sorry, I didn't get that.",
        timings_ms={"asr": 310.0, "nlu": 12.0, "act": 80.0},
        area="kitchen",
        label=(Label.SUCCESS if ok else Label.DEFECT).value,
        **extra,  # type: ignore[arg-type]
    )


def fill(db: Path) -> None:
    """Four days of "kitchen lite" failing and rephrased, a retrieval rewrite, a false wake."""
    with TurnStore(db) as store, store.transaction():
        n = 0
        for day in range(4):
            for k in range(4):
                t = T0 + day * DAY + k * 3600.0
                bad, good = turn(f"b{n}", t, BAD, False), turn(f"g{n}", t + 8, GOOD, True)
                store.add_turn(bad)
                store.add_turn(good)
                store.add_signal(
                    FeedbackSignal(bad.turn_id, SignalKind.REPHRASE, t + 8, 0.9, {}, good.turn_id)
                )
                n += 1
        t = T0 + 4 * DAY
        store.add_turn(turn("r1", t, SEEN_FROM, True, rewrite=Rewrite(SEEN_FROM, SEEN_TO, "retrieval", 0.83)))
        store.add_turn(turn("w1", t + 60, "", False, no_speech=True))
        store.add_signal(FeedbackSignal("w1", SignalKind.FALSE_WAKE, t + 62, 1.0, {}))


@dataclass
class Home:
    """A filled store, the settings that find its tables, and the live rewriter the page swaps."""

    db: Path
    settings: Settings
    reloads: list[int] = field(default_factory=list)
    rewriter: object = None

    @property
    def tables(self) -> Path:
        return tables_dir(self.settings, self.db)

    async def reload(self) -> None:
        self.reloads.append(1)
        self.rewriter = await asyncio.to_thread(learned_rewriter, self.settings, self.db)

    def context(
        self, devices: object = None, on_change: Callable[[], Awaitable[None]] | None = None
    ) -> WebContext:
        return WebContext(
            self.settings,
            self.db,
            self.tables,
            "home",
            devices,
            on_change or self.reload,  # type: ignore[arg-type]
        )

    def rewrites(self, text: str) -> str | None:
        assert self.rewriter is not None
        result = self.rewriter.rewrite(text, snapshot(), 0.6, turn_id="check")  # type: ignore[attr-defined]
        return None if result is None else str(result.rewritten)


def make_home(tmp_path: Path, *extra: str) -> Home:
    db = tmp_path / "turns.sqlite3"
    fill(db)
    settings = load_settings(
        "x86_64-dev",
        None,
        ["learning.holdout=0.0", f"paths.state_dir={tmp_path / 'state'}", f"web.token={TOKEN}", *extra],
    )
    summary = rebuild_tables(settings, db).summary()
    assert summary.startswith("rewrite table version 1: 2 rules"), summary  # the request and "lite" (span)
    taught = TaughtStore(db, "home")
    taught.add_macro("movie time", [MacroStep("HassTurnOff", {"name": "kitchen light"})])
    taught.set_preference("temperature_unit", "celsius")
    taught.close()
    home = Home(db, settings)
    home.rewriter = learned_rewriter(settings, db)
    return home


def snapshot() -> ContextSnapshot:
    light = Device("light.kitchen", "kitchen light", "light", area="kitchen")
    lock = Device("lock.front", "front door", "lock", area="hall")
    return ContextSnapshot(
        1,
        Satellite(area="kitchen"),
        {light.entity_id: light, lock.entity_id: lock},
        {light.entity_id: DeviceState("off"), lock.entity_id: DeviceState("locked")},
        datetime(2025, 10, 9, 20, 0),
    )
