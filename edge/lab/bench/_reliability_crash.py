"""``edge bench reliability`` part "crash": kill -9 of the turn recorder, and device-event writes under a
burst.

1. kill -9 x 20 (``quick``: x 5) with :mod:`edge.feedback.crash_drill`: a real process records a simulated
   household through the real recorder and store and is SIGKILLed at a random point; the next run's start
   recovers. Counted: stores that pass ``PRAGMA integrity_check``, turns lost (begun and not stored: at
   most the one in flight), acknowledged turns lost, turns still unlabelled (open) after the last restart,
   and turns whose recovered label differs from an uninterrupted recorder's.
2. A burst of device events paced at 5,000/s through the recorder (batched, coalescing writer) against the
   one-row-per-event baseline (each event its own awaited transaction, as before), same store location,
   same run: the median number of events per transaction, the transactions each way, and the ratio of the
   wall times to get every event committed - paced (where a fast disk lets both keep the pace: the ratio
   is then ~1 and the fsyncs saved are the figure) and unpaced (as fast as they come).
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from edge.config import FeedbackSettings
from edge.feedback.crash_harness import kill_run, recover_only, reference_labels, stored_labels
from edge.feedback.observations import DeviceEvent
from edge.feedback.recorder import FeedbackRecorder
from edge.feedback.writer import AsyncTurnStore
from edge.lab.bench._reliability_common import Figure

__all__ = ["measure"]

_RATE = 5_000  # events per second in the burst
_TICK_S = 0.002  # the burst is paced in slices of this length


def _kills(root: Path, kills: int) -> list[Figure]:
    db = root / "kill.db"
    rng = random.Random(20)
    keep = Path(tempfile.gettempdir()) / "edge-bench-crash-losses"  # only written when a kill lost one
    outcomes = [kill_run(db, run, rng.randint(2, 40), rng, keep=keep) for run in range(1, kills + 1)]
    last = recover_only(db, kills + 1)
    unlabelled = mismatched = total = 0
    for run in range(1, kills + 1):
        labels, still_open = stored_labels(db, run)
        reference = reference_labels(db, run)
        unlabelled += still_open
        mismatched += sum(1 for turn_id, value in labels.items() if reference.get(turn_id) != value)
        total += len(labels)
    lost = [o.lost for o in outcomes]
    recovered = sum(o.recovered.get("settled", 0) for o in outcomes[1:]) + last.get("settled", 0)
    kept = [
        Figure(f"kill -9: run {o.run} lost acknowledged", json.dumps(o.diagnosis), "", f"files in {keep}")
        for o in outcomes
        if o.lost_acknowledged
    ]
    anomalies = sum(len(o.anomalies) for o in outcomes)
    return [
        *kept,
        Figure("kill -9: stores intact", f"{sum(o.integrity == 'ok' for o in outcomes)}/{kills}", "", "all"),
        Figure("kill -9: turns lost, total", sum(lost), "turns", f"<= {kills} (one in flight per kill)"),
        Figure("kill -9: turns lost, max per kill", max(lost), "turns", "<= 1"),
        Figure("kill -9: acknowledged turns lost", sum(o.lost_acknowledged for o in outcomes), "turns", "0"),
        Figure(
            "kill -9: turns in flight at the kill (begun, not acknowledged)",
            sum(len(o.begun) - len(o.acknowledged) for o in outcomes),
            "turns",
        ),
        Figure("kill -9: drill output lines out of protocol", anomalies, "", "0"),
        Figure("kill -9: turns stored", total, "turns"),
        Figure("kill -9: open turns labelled by a restart's recovery", recovered, "turns"),
        Figure("kill -9: turns unlabelled after restart", unlabelled, "turns", "0"),
        Figure("kill -9: labels differing from an uninterrupted recorder", mismatched, "turns", "0"),
    ]


def _events(count: int) -> list[DeviceEvent]:
    return [
        DeviceEvent(f"sensor.chatty_{i % 4}", str(i - 4), str(i), 1_000.0 + i / _RATE, home_id="bench")
        for i in range(count)
    ]


async def _paced(events: list[DeviceEvent], send: object) -> None:
    """Hand the events over at ``_RATE`` per second (slices of ``_TICK_S``), awaiting each hand-over."""
    per_slice = max(1, int(_RATE * _TICK_S))
    start = time.perf_counter()
    for k in range(0, len(events), per_slice):
        for event in events[k : k + per_slice]:
            await send(event)  # type: ignore[operator]
        delay = start + (k + per_slice) / _RATE - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)


async def _unpaced(events: list[DeviceEvent], send: object) -> None:
    for event in events:
        await send(event)  # type: ignore[operator]


async def _batched(db: Path, events: list[DeviceEvent], paced: bool) -> tuple[float, float, int]:
    async with AsyncTurnStore(db) as store:
        recorder = FeedbackRecorder(store, FeedbackSettings())
        await recorder.recover(events[0].t)
        started = time.perf_counter()
        await (_paced if paced else _unpaced)(events, recorder.on_device_event)
        await store.flush()
        wall = time.perf_counter() - started
        stats = store.stats()
    return wall, stats.median_event_batch, stats.event_batches


async def _one_row_each(db: Path, events: list[DeviceEvent], paced: bool) -> tuple[float, int]:
    async with AsyncTurnStore(db) as store:
        started = time.perf_counter()
        await (_paced if paced else _unpaced)(events, store.add_device_event)
        return time.perf_counter() - started, store.stats().commits


def _burst(root: Path, count: int, rounds: int) -> list[Figure]:
    events = _events(count)
    walls: dict[tuple[str, bool], list[float]] = {}
    batches: list[float] = []
    transactions: list[int] = []
    row_transactions: list[int] = []
    for r in range(rounds):  # interleaved, so both ways see the same disk and load
        for paced in (True, False):
            wall, median_batch, n = asyncio.run(_batched(root / f"batched{r}{paced}.db", events, paced))
            walls.setdefault(("batched", paced), []).append(wall)
            if paced:
                batches.append(median_batch)
                transactions.append(n)
            wall, n = asyncio.run(_one_row_each(root / f"rows{r}{paced}.db", events, paced))
            walls.setdefault(("rows", paced), []).append(wall)
            if paced:
                row_transactions.append(n)
    w = {key: statistics.median(values) for key, values in walls.items()}
    pace = f"{count} events at {_RATE}/s"
    return [
        Figure(f"burst {pace}: median events per transaction", statistics.median(batches)),
        Figure(f"burst {pace}: transactions", int(statistics.median(transactions)), "", f"<< {count}"),
        Figure(f"burst {pace}: transactions, one row per event", int(statistics.median(row_transactions))),
        Figure(f"burst {pace}: wall time to commit all, batched", w["batched", True], "s"),
        Figure(f"burst {pace}: wall time to commit all, one row per event", w["rows", True], "s"),
        Figure(
            f"burst {pace}: wall time ratio, one row per event / batched",
            w["rows", True] / w["batched", True],
            "x",
            "> 1",
        ),
        Figure(f"{count} events unpaced: wall time, batched", w["batched", False], "s"),
        Figure(f"{count} events unpaced: wall time, one row per event", w["rows", False], "s"),
        Figure(
            f"{count} events unpaced: wall time ratio, one row per event / batched",
            w["rows", False] / w["batched", False],
            "x",
            "> 1",
        ),
    ]


def measure(*, quick: bool = False) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="edge-bench-crash-") as tmp:
        root = Path(tmp)
        figures = _kills(root, 5 if quick else 20)
        figures += _burst(root, 5_000, 1 if quick else 3)
    return figures
