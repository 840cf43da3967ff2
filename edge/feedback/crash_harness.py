"""The harness of the kill -9 drill (:mod:`edge.feedback.crash_drill` is the process it kills).

:func:`kill_run` starts the drill, SIGKILLs it after a number of turns plus a random pause, and checks the
store; :func:`reference_labels` replays what the store holds of a run through an uninterrupted recorder,
whose labels the recovered ones must equal; :func:`recover_only` starts a process that only recovers.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from edge.config import FeedbackSettings
from edge.feedback.crash_drill import RUN_SPACING_S, Item, play_item, session_of, stream
from edge.feedback.observations import BargeIn, DeviceEvent
from edge.feedback.record import TurnRecord
from edge.feedback.recorder import FeedbackRecorder
from edge.feedback.store import TurnQuery, TurnStore
from edge.feedback.writer import AsyncTurnStore

__all__ = [
    "DrillOutput",
    "KillOutcome",
    "kill_run",
    "recover_only",
    "reference_labels",
    "stored_labels",
    "watch_and_kill",
]


@dataclass(frozen=True, slots=True)
class KillOutcome:
    """One kill: the turns the process began and acknowledged, the run's turns in the store afterwards,
    what the restart before it recovered, and the store's integrity check.

    For the post-mortem of a loss: ``stdout`` is everything the process printed (read from the pipe
    itself, byte for byte), ``anomalies`` what in it does not follow the drill's protocol (an ``ok`` for a
    turn that was not the one begun, a line cut short, an unknown line), and ``diagnosis`` says, for each
    acknowledged turn the store lacks, where it is (another session, still open, nowhere) and what the
    store's files looked like right after the kill."""

    run: int
    begun: tuple[str, ...]
    acknowledged: tuple[str, ...]
    stored: frozenset[str]
    recovered: dict[str, int]
    integrity: str
    stdout: str = ""
    anomalies: tuple[str, ...] = ()
    diagnosis: dict[str, str] = field(default_factory=dict)

    @property
    def lost(self) -> int:
        """Turns begun and not in the store (at most the one in flight)."""
        return len(set(self.begun) - self.stored)

    @property
    def lost_acknowledged(self) -> int:
        return len(set(self.acknowledged) - self.stored)


def _command(db: Path, run: int, limit: int | None) -> list[str]:
    return [sys.executable, "-m", "edge.feedback.crash_drill", str(db), str(run)] + (
        [] if limit is None else [str(limit)]
    )


class DrillOutput:
    """The drill's output, line by line: ``recovered {...}``, then ``begin ID`` / ``ok ID`` pairs;
    ``stdout`` is all of it (set once the process is gone)."""

    def __init__(self) -> None:
        self.stdout = ""
        self.begun: list[str] = []
        self.acked: list[str] = []
        self.recovered: dict[str, int] = {}
        self.anomalies: list[str] = []

    def feed(self, line: str) -> None:
        word, _, rest = line.partition(" ")
        if word == "begin" and rest:
            self.begun.append(rest)
        elif word == "ok" and rest:
            if not self.begun or self.begun[-1] != rest or rest in self.acked:
                self.anomalies.append(f"ok {rest!r} after begin {(self.begun or [''])[-1]!r}")
            self.acked.append(rest)
        elif word == "recovered" and rest.startswith("{"):
            try:
                self.recovered.update(json.loads(rest))
            except json.JSONDecodeError:
                self.anomalies.append(f"garbled line {line!r}")
        else:
            self.anomalies.append(f"unknown line {line!r}")


def _parse(lines: Iterable[str], begun: list[str], acked: list[str], recovered: dict[str, int]) -> None:
    protocol = DrillOutput()
    for line in lines:
        protocol.feed(line.strip())
    begun += protocol.begun
    acked += protocol.acked
    recovered.update(protocol.recovered)


class _Pipe:
    """A child's stdout read straight from the pipe's file descriptor: every byte is kept, and only whole
    lines are handed out. (Iterating ``proc.stdout`` and then calling ``communicate()`` loses whatever the
    file object had buffered beyond the last line taken: ``communicate`` reads the descriptor itself.)"""

    def __init__(self, fd: int, deadline: float) -> None:
        self.fd = fd
        self.deadline = deadline
        self.data = bytearray()
        self._taken = 0

    def read(self) -> bool:
        """Wait for more output; False at end of file. Raises TimeoutError past the deadline."""
        ready, _, _ = select.select([self.fd], [], [], max(0.0, self.deadline - time.monotonic()))
        if not ready:
            raise TimeoutError("the drill writer printed nothing before the deadline")
        chunk = os.read(self.fd, 65536)
        self.data += chunk
        return bool(chunk)

    def lines(self) -> list[str]:
        """The whole lines not handed out yet."""
        end = self.data.rfind(b"\n") + 1
        if end <= self._taken:
            return []
        text = self.data[self._taken : end - 1].decode("utf-8", "replace")
        self._taken = end
        return text.split("\n")

    def torn(self) -> str:
        """What follows the last newline (a line cut short)."""
        return self.data[self._taken :].decode("utf-8", "replace")


def _file_sizes(db: Path) -> str:
    parts = []
    for suffix in ("", "-wal", "-shm"):
        f = Path(f"{db}{suffix}")
        parts.append(f"{f.name}: {f.stat().st_size if f.exists() else 'absent'}")
        if suffix == "-wal" and f.exists():
            with f.open("rb") as wal:
                header = wal.read(16)
            if len(header) == 16:
                parts.append(f"wal checkpoint sequence {int.from_bytes(header[12:], 'big')}")
    return ", ".join(parts)


def _diagnose(store: TurnStore, missing: Iterable[str], protocol: DrillOutput, files: str) -> dict[str, str]:
    still_open = store.open_turns()
    out: dict[str, str] = {}
    for turn_id in sorted(missing):
        row = store.conn.execute("SELECT session_id FROM turns WHERE turn_id = ?", (turn_id,)).fetchone()
        where = (
            f"in the store under session {row[0]!r}"
            if row is not None
            else ("absent from turns but open" if turn_id in still_open else "absent from the store")
        )
        begun = "begun" if turn_id in protocol.begun else "never begun"
        out[turn_id] = f"{where}; {begun}; {store.count_turns()} turns stored; files after the kill: {files}"
    return out


def watch_and_kill(
    command: list[str], after_turns: int, rng: random.Random, *, timeout_s: float = 60.0
) -> DrillOutput:
    """Run ``command`` (a drill writer), SIGKILL it once it acknowledged ``after_turns`` turns (after a
    random pause of up to 20 ms in 80% of the kills), and return everything it printed, parsed."""
    protocol = DrillOutput()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err)
        assert proc.stdout is not None
        pipe = _Pipe(proc.stdout.fileno(), time.monotonic() + timeout_s)
        try:
            while len(protocol.acked) < after_turns:
                more = pipe.read()
                for line in pipe.lines():
                    protocol.feed(line)
                if not more:
                    err.seek(0)
                    raise RuntimeError(f"the drill writer ended on its own: {err.read()[-2000:]}")
            if rng.random() < 0.8:
                time.sleep(rng.uniform(0.0, 0.02))
            os.kill(proc.pid, signal.SIGKILL)
            while pipe.read():
                pass
            proc.wait(timeout=max(0.0, pipe.deadline - time.monotonic()))
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
    for line in pipe.lines():
        protocol.feed(line)
    if pipe.torn():
        protocol.anomalies.append(f"line cut short {pipe.torn()!r}")
    protocol.stdout = pipe.data.decode("utf-8", "replace")
    return protocol


def kill_run(
    db: Path,
    run: int,
    after_turns: int,
    rng: random.Random,
    *,
    timeout_s: float = 60.0,
    keep: Path | None = None,
    command: list[str] | None = None,
) -> KillOutcome:
    """Start the writer for ``run``, SIGKILL it once it acknowledged ``after_turns`` turns (plus a random
    pause of up to 20 ms: anywhere in the next turn's write or detection), and check the store. With
    ``keep``, a kill that lost an acknowledged turn leaves there the store's files as the kill left them
    (before anything opened them again) and the process's stdout. ``command`` replaces the drill writer
    (tests of the harness itself)."""
    argv = command if command is not None else _command(db, run, None)
    protocol = watch_and_kill(argv, after_turns, rng, timeout_s=timeout_s)
    files = _file_sizes(db)
    snapshot = _snapshot(db) if keep is not None else None
    with TurnStore(db) as store:
        integrity = store.integrity_check()
        stored = {t.record.turn_id for t in store.iter_turns(TurnQuery(session_id=session_of(run)))}
        missing = set(protocol.acked) - stored
        diagnosis = _diagnose(store, missing, protocol, files) if missing else {}
    if missing and keep is not None and snapshot is not None:
        _keep(snapshot, keep / f"run{run}", protocol.stdout, protocol.anomalies, diagnosis)
    return KillOutcome(
        run,
        tuple(protocol.begun),
        tuple(protocol.acked),
        frozenset(stored),
        protocol.recovered,
        integrity,
        protocol.stdout,
        tuple(protocol.anomalies),
        diagnosis,
    )


def _snapshot(db: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in (Path(f"{db}{s}") for s in ("", "-wal", "-shm")) if f.exists()}


def _keep(
    snapshot: dict[str, bytes], folder: Path, stdout: str, anomalies: list[str], diagnosis: dict[str, str]
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in snapshot.items():
        (folder / name).write_bytes(data)
    (folder / "stdout.txt").write_text(stdout)
    report = {"anomalies": anomalies, "missing": diagnosis}
    (folder / "diagnosis.json").write_text(json.dumps(report, indent=1))


def recover_only(db: Path, run: int, timeout_s: float = 60.0) -> dict[str, int]:
    """Start a process that only recovers (at ``run``'s clock) and exits; returns its report."""
    done = subprocess.run(_command(db, run, 0), capture_output=True, text=True, timeout=timeout_s, check=True)
    recovered: dict[str, int] = {}
    _parse(done.stdout.splitlines(), [], [], recovered)
    return recovered


def stored_labels(db: Path, run: int) -> tuple[dict[str, tuple[str, str]], int]:
    """The run's labels in the store, and how many of its turns are still open."""
    with TurnStore(db) as store:
        turns = store.turns(TurnQuery(session_id=session_of(run)))
        still_open = len(set(store.open_turns()) & {t.record.turn_id for t in turns})
    return {t.record.turn_id: (t.record.label, t.record.failure_point) for t in turns}, still_open


def reference_labels(db: Path, run: int) -> dict[str, tuple[str, str]]:
    """The labels an uninterrupted recorder gives what ``db`` holds of ``run`` (its stream up to the first
    turn the store lacks, without the events and barge-ins that were not committed either)."""
    with TurnStore(db) as store:
        turns = {t.record.turn_id for t in store.iter_turns(TurnQuery(session_id=session_of(run)))}
        lo, hi = run * RUN_SPACING_S, (run + 1) * RUN_SPACING_S
        events = {(e.entity_id, e.t, e.new) for e in store.device_events(lo, hi)}
        barges = {(b.turn_id, b.t) for b in store.barge_ins(lo, hi)}
    items: list[Item] = []
    for item in stream(run):
        if isinstance(item, TurnRecord) and item.turn_id not in turns:
            break
        if isinstance(item, DeviceEvent) and (item.entity_id, item.t, item.new) not in events:
            continue
        if isinstance(item, BargeIn) and (item.turn_id, item.t) not in barges:
            continue
        items.append(item)
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(_replay(Path(tmp) / "reference.db", run, items))


async def _replay(db: Path, run: int, items: list[Item]) -> dict[str, tuple[str, str]]:
    settings = FeedbackSettings()
    async with AsyncTurnStore(db) as store:
        recorder = FeedbackRecorder(store, settings)
        for item in items:
            await play_item(recorder, item)
        await recorder.tick((run + 1) * RUN_SPACING_S)
        turns = await store.turns(TurnQuery(session_id=session_of(run)))
    return {t.record.turn_id: (t.record.label, t.record.failure_point) for t in turns}
