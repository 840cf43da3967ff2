"""``edge feedback`` and ``edge teach`` as subprocesses over a real store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from edge.feedback.record import FeedbackSignal, Label, SignalKind, TurnRecord
from edge.feedback.store import TurnStore
from edge.feedback.taught import MacroStep, TaughtStore


def edge(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "edge", *args], capture_output=True, text=True, timeout=60, check=False
    )


def fill(db: Path) -> None:
    with TurnStore(db) as store:
        for i, label in enumerate([Label.DEFECT, Label.SUCCESS, Label.SUCCESS, Label.UNKNOWN]):
            store.add_turn(TurnRecord(f"t{i}", "s", "h", float(i), i + 0.5, asr_text=f"req {i}", label=label))
        store.add_signal(FeedbackSignal("t0", SignalKind.REPHRASE, 1.0, 0.9, {}, "t1"))
    taught = TaughtStore(db, "home")
    taught.add_macro("movie time", [MacroStep("HassTurnOn", {"name": "tv"}, ("media_player.tv",))])
    taught.set_preference("temperature_unit", "fahrenheit")
    taught.close()


def test_feedback_list_stats_and_export(tmp_path: Path) -> None:
    db = tmp_path / "turns.db"
    fill(db)
    listed = edge("feedback", "--db", str(db), "--limit", "2")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(x) for x in listed.stdout.splitlines()]
    assert [r["turn"]["turn_id"] for r in rows] == ["t2", "t3"]  # the two most recent, oldest first
    stats = json.loads(edge("feedback", "--db", str(db), "--stats").stdout)
    assert stats["turns"] == 4 and stats["signals"] == {"rephrase": 1}
    assert stats["defect_rate"] == round(1 / 3, 4)
    out = tmp_path / "export.jsonl"
    done = edge("feedback", "--db", str(db), "--jsonl", str(out))
    assert json.loads(done.stdout)["exported"] == 4
    first = json.loads(out.read_text().splitlines()[0])
    assert first["label"] == "defect" and first["signals"][0]["related_turn_id"] == "t1"


def test_teach_list_and_forget(tmp_path: Path) -> None:
    db = tmp_path / "turns.db"
    fill(db)
    rows = [json.loads(x) for x in edge("teach", "--list", "--db", str(db)).stdout.splitlines()]
    assert rows[0]["kind"] == "macro" and rows[0]["phrase"] == "movie time"
    assert rows[0]["steps"][0]["targets"] == ["media_player.tv"]
    assert rows[1] == {"kind": "preference", "key": "temperature_unit", "value": "fahrenheit"}
    assert json.loads(edge("teach", "--forget", "movie time", "--db", str(db)).stdout)["found"] is True
    assert "macro" not in edge("teach", "--db", str(db)).stdout


def test_missing_store_gives_a_hint(tmp_path: Path) -> None:
    out = edge("feedback", "--db", str(tmp_path / "nope.db"))
    assert out.returncode == 1 and "no turn store" in out.stderr and "fix:" in out.stderr
