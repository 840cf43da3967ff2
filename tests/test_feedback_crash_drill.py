"""The kill -9 harness itself (edge/feedback/crash_harness.py), driven by scripted writer processes whose
output is known: it must count every line the killed process printed, flag output that breaks the drill's
protocol, and explain (and keep the files of) a kill that lost an acknowledged turn."""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
from pathlib import Path

import pytest

from edge.config import FeedbackSettings
from edge.feedback.crash_drill import play_item, say, stream
from edge.feedback.crash_harness import kill_run, watch_and_kill
from edge.feedback.record import TurnRecord
from edge.feedback.recorder import FeedbackRecorder
from edge.feedback.store import TurnStore
from edge.feedback.writer import AsyncTurnStore


def writer(output: str) -> list[str]:
    """A process that prints ``output`` in one write, then waits to be killed."""
    code = f"import sys, time\nsys.stdout.write({output!r})\nsys.stdout.flush()\ntime.sleep(120)"
    return [sys.executable, "-c", code]


def test_every_line_printed_is_counted_when_the_kill_comes_after_a_burst() -> None:
    # the old reading (iterate proc.stdout, then communicate()) lost what the file object had buffered
    # past the line it stopped at: here ~440 of 3,000 acknowledgements, and a begin line torn in two
    lines = "".join(f"begin t{k}\nok t{k}\n" for k in range(3000))
    out = watch_and_kill(writer("recovered {}\n" + lines), 1, random.Random(0), timeout_s=30.0)
    assert out.acked == [f"t{k}" for k in range(3000)]
    assert out.begun == out.acked
    assert out.anomalies == []
    assert out.stdout == "recovered {}\n" + lines


def test_output_that_breaks_the_protocol_is_reported() -> None:
    output = 'recovered {"settled": 2}\nbegin a\nok a\nok b\nbegin c\nok'
    out = watch_and_kill(writer(output), 1, random.Random(0), timeout_s=30.0)
    assert out.recovered == {"settled": 2}
    assert out.begun == ["a", "c"] and out.acked == ["a", "b"]
    assert out.anomalies == ["ok 'b' after begin 'a'", "line cut short 'ok'"]


def test_a_lost_acknowledged_turn_is_diagnosed_and_its_files_kept(tmp_path: Path) -> None:
    db = tmp_path / "turns.db"
    with TurnStore(db):
        pass  # an empty store: the scripted writer acknowledges a turn it never stored
    keep = tmp_path / "kept"
    outcome = kill_run(
        db, 3, 1, random.Random(0), timeout_s=30.0, keep=keep, command=writer("begin r3-0\nok r3-0\n")
    )
    assert outcome.lost_acknowledged == 1 and outcome.lost == 1 and outcome.integrity == "ok"
    assert list(outcome.diagnosis) == ["r3-0"]
    assert outcome.diagnosis["r3-0"].startswith("absent from the store; begun; 0 turns stored")
    assert (keep / "run3" / "turns.db").exists()
    assert (keep / "run3" / "stdout.txt").read_text() == "begin r3-0\nok r3-0\n"
    report = json.loads((keep / "run3" / "diagnosis.json").read_text())
    assert report["missing"] == outcome.diagnosis and report["anomalies"] == []


def test_a_line_torn_by_the_kill_is_not_an_acknowledged_turn(tmp_path: Path) -> None:
    # print("ok", id) under PYTHONUNBUFFERED=1 is four write(2)s; a kill after the first left a bare
    # "ok" that the old parser counted as an acknowledged turn with the id "" - never in the store, so
    # "acknowledged turns lost: 1" on a loaded machine (and a bare "begin" as a lost turn "")
    db = tmp_path / "turns.db"
    asyncio.run(play(db, run=3, turns=2))
    for torn in ("ok", "ok ", "begin", "begin "):
        output = "begin r3-0\nok r3-0\nbegin r3-1\nok r3-1\n" + torn
        outcome = kill_run(db, 3, 2, random.Random(0), timeout_s=30.0, command=writer(output))
        assert outcome.acknowledged == ("r3-0", "r3-1") and outcome.begun == ("r3-0", "r3-1")
        assert outcome.lost == outcome.lost_acknowledged == 0
        assert outcome.anomalies == (f"line cut short {torn!r}",)


def test_the_drill_writes_each_line_in_one_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """A line reaches stdout in one write(2) (a pipe never splits a write this short), so a kill leaves
    it whole or absent - unlike print(), which writes "ok", " ", the id and the newline separately when
    stdout is unbuffered."""
    writes: list[tuple[int, bytes]] = []

    def spy(fd: int, data: bytes) -> int:
        writes.append((fd, bytes(data)))
        return len(data)

    monkeypatch.setattr(os, "write", spy)
    say("recovered", '{"settled": 0}')
    say("begin", "r1-12")
    say("ok", "r1-12")
    fd = sys.stdout.fileno()
    assert writes == [(fd, b'recovered {"settled": 0}\n'), (fd, b"begin r1-12\n"), (fd, b"ok r1-12\n")]


async def play(db: Path, *, run: int, turns: int) -> None:
    """The first ``turns`` turns of ``run``'s household, stored by the real recorder."""
    async with AsyncTurnStore(db) as store:
        recorder = FeedbackRecorder(store, FeedbackSettings())
        played = 0
        for item in stream(run):
            if isinstance(item, TurnRecord):
                if played == turns:
                    break
                played += 1
            await play_item(recorder, item)
