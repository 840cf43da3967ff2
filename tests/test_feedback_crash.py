"""kill -9 while a process logs turns as fast as it can: the store opens, is intact, and lost nothing
but the turn in flight."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from edge.feedback.store import TurnStore

WRITER = r"""
import asyncio, sys
from edge.feedback.observations import DeviceEvent
from edge.feedback.record import FeedbackSignal, SignalKind, TurnRecord
from edge.feedback.writer import AsyncTurnStore

async def main(path):
    async with AsyncTurnStore(path) as store:
        i = 0
        while True:
            rec = TurnRecord(f"t{i}", "s", "h", float(i), i + 0.5, asr_text="turn on the kitchen light " * 8,
                             slots={"name": "kitchen"}, targets=("light.kitchen",), response="x" * 2000)
            await store.add_turn(rec)
            print(rec.turn_id, flush=True)  # only after the commit
            if i:
                sig = FeedbackSignal(f"t{i-1}", SignalKind.REPHRASE, float(i), 0.8, {}, rec.turn_id)
                await store.add_signals([sig])
                await store.add_device_event(DeviceEvent("light.kitchen", "on", "off", float(i)))
            i += 1

asyncio.run(main(sys.argv[1]))
"""


def test_kill_dash_nine_during_heavy_logging(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    acknowledged: list[str] = []
    for line in proc.stdout:
        acknowledged.append(line.strip())
        if len(acknowledged) >= 120:
            break
    os.kill(proc.pid, signal.SIGKILL)
    rest, err = proc.communicate(timeout=30)
    acknowledged += rest.split()
    assert proc.returncode == -signal.SIGKILL, err

    with TurnStore(db) as store:
        assert store.integrity_check() == "ok"
        stored = {t.record.turn_id for t in store.iter_turns()}
        assert set(acknowledged) <= stored  # every acknowledged turn survived
        assert len(stored - set(acknowledged)) <= 1  # at most the one in flight (committed, not yet printed)
        last = store.turn(acknowledged[-2])
        assert last is not None and last.record.response == "x" * 2000
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
