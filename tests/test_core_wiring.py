"""The runtime's learning wiring on a real SQLite store: rebuild from rephrase chains, then rewrite."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

from edge.config import Settings, load_settings
from edge.context.model import ContextSnapshot, Device, DeviceState, Satellite
from edge.feedback.record import FeedbackSignal, Label, SignalKind, TurnRecord
from edge.feedback.store import TurnStore
from edge.lab.fleet.keys import load_or_create_key
from edge.lab.fleet.privacy import PrivacyBudget
from edge.lab.fleet.publish import build_table
from edge.lab.fleet.storage import PairCount
from edge.sync.global_layer import GlobalLayerInstaller, InstallOutcome
from edge.sync.instantiate import BoundRewriter
from edge.sync.release import public_key_hex, sign_table
from edge.sync.service import global_table_path
from edge.wiring import learned_rewriter, rebuild_tables, tables_dir

DAY = 86_400.0
BAD, GOOD = "turn on the kitchen lite", "turn on the kitchen light"


def turn(turn_id: str, t: float, text: str, ok: bool) -> TurnRecord:
    return TurnRecord(
        turn_id=turn_id, session_id=f"s{int(t // 600)}", home_id="h", t_start=t, t_end=t + 2, asr_text=text,
        text=text, intent="HassTurnOn", slots={"name": "kitchen light"} if ok else {"name": "lite"},
        intent_confidence=0.9, targets=("light.kitchen",) if ok else (), result_ok=ok if ok else None,
        label=(Label.SUCCESS if ok else Label.DEFECT).value,
    )  # fmt: skip


def fill(db: Path) -> None:
    with TurnStore(db) as store, store.transaction():
        n = 0
        for day in range(4):
            for k in range(4):
                t = day * DAY + k * 3600.0
                bad, good = turn(f"b{n}", t, BAD, False), turn(f"g{n}", t + 8, GOOD, True)
                store.add_turn(bad)
                store.add_turn(good)
                store.add_signal(
                    FeedbackSignal(bad.turn_id, SignalKind.REPHRASE, t + 8, 0.9, {}, good.turn_id)
                )
                n += 1


def snapshot() -> ContextSnapshot:
    light = Device("light.kitchen", "kitchen light", "light", area="kitchen")
    return ContextSnapshot(1, Satellite(area="kitchen"), {light.entity_id: light},
                           {light.entity_id: DeviceState("off")}, datetime(2024, 1, 5, 20, 0))  # fmt: skip


def test_rebuild_learns_the_rephrase_and_the_rewriter_applies_it(tmp_path: Path) -> None:
    db = tmp_path / "turns.sqlite3"
    fill(db)
    settings = Settings()
    assert learned_rewriter(settings, db) is not None
    summary = rebuild_tables(settings, db).summary()
    assert summary.startswith("rewrite table version 1"), summary
    assert (tables_dir(settings, db)).is_dir()
    rewriter = learned_rewriter(settings, db)
    assert rewriter is not None
    results = [rewriter.rewrite(BAD, snapshot(), 0.6, turn_id=f"x{i}") for i in range(40)]
    applied = [r for r in results if r is not None]
    assert applied, "the learned rewrite was never applied"
    assert all(r.rewritten == GOOD and r.layer == "personal" for r in applied)
    assert len(applied) < 40, "a small holdout stays unrewritten to keep the rewrite honest"
    assert rewriter.rewrite("what's the weather like", snapshot(), 0.9) is None
    with TurnStore(db) as store:
        points = {s.record.failure_point for s in store.turns() if s.record.label == Label.DEFECT.value}
    assert points and "" not in points


def test_learning_disabled_means_no_rewriter(tmp_path: Path) -> None:
    settings = load_settings("x86_64-dev", None, ["learning.enabled=false"])
    assert learned_rewriter(settings, tmp_path / "turns.sqlite3") is None


def test_the_layer_edge_sync_installs_is_the_one_the_runtime_loads(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path / "release.key")
    overrides = [f"learning.tables_dir={tmp_path / 'learning'}", f"sync.public_key={public_key_hex(key)}"]
    off = load_settings("x86_64-dev", None, overrides)
    on = load_settings("x86_64-dev", None, [*overrides, "sync.enabled=true"])
    db = tmp_path / "turns.sqlite3"
    assert not isinstance(learned_rewriter(on, db), BoundRewriter)  # sync on, nothing installed yet
    table = build_table(
        [PairCount("turn on the kitchen lite", "turn on the kitchen light", 120)],
        PrivacyBudget(), random.Random(1), version=1, period="2025-W10",
    )  # fmt: skip
    installer = GlobalLayerInstaller(global_table_path(on), public_key_hex(key))
    assert installer.offer(sign_table(table, key)).outcome is InstallOutcome.ACCEPTED
    assert isinstance(learned_rewriter(on, db), BoundRewriter)
    assert not isinstance(learned_rewriter(off, db), BoundRewriter)  # fleet sync off: no fleet layer
