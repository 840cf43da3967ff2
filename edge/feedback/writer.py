"""``AsyncTurnStore``: the turn store for asyncio code.

All writes go through ONE writer thread that owns its own connection, fed by a bounded queue (capacity
``queue_size``; a full queue makes the caller wait up to ``put_timeout_s`` and then raises, so turns are
never silently dropped). The writer groups whatever is queued into one transaction (group commit) with a
savepoint per operation, so one bad write fails alone. Awaiting a write returns once it is committed.

Device events take another way in: :meth:`AsyncTurnStore.offer_device_event` never waits; the event goes
to a :class:`~edge.feedback.event_buffer.DeviceEventBuffer` (bounded, overflow policy
``coalesce-per-entity``) that the writer empties into the same transaction as the writes it commits next,
so a flood of state changes costs one transaction per batch instead of one per change.
Reads run on a separate reader thread with its own connection.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import queue
import statistics
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

from edge.errors import EdgeError, ErrorCode
from edge.feedback.event_buffer import BufferStats, DeviceEventBuffer
from edge.feedback.observations import BargeIn, DeviceEvent, StoredTurn
from edge.feedback.record import FeedbackSignal, Label, TurnRecord
from edge.feedback.store import TurnQuery, TurnStore

__all__ = ["AsyncTurnStore", "WriterStats"]

log = logging.getLogger(__name__)
T = TypeVar("T")
_WAKE: Final = "wake"  # device events are waiting: commit them even with no other write queued
_Op = tuple[Callable[[TurnStore], Any], "concurrent.futures.Future[Any]"]
_Item = _Op | str | None
_BATCH = 64


@dataclass(frozen=True, slots=True)
class WriterStats:
    """The writer's counters: transactions committed, device events written and in how many transactions
    (``event_batches``; ``median_event_batch`` over the last 1,024 of them), and the event buffer's own."""

    commits: int
    events_written: int
    event_batches: int
    median_event_batch: float
    buffer: BufferStats


class AsyncTurnStore:
    """Open with ``async with AsyncTurnStore(path) as store:``."""

    def __init__(
        self,
        path: Path | str,
        queue_size: int = 256,
        put_timeout_s: float = 5.0,
        event_capacity: int = 4096,
    ) -> None:
        self.path = Path(path)
        self.put_timeout_s = put_timeout_s
        self._queue: queue.Queue[_Item] = queue.Queue(maxsize=queue_size)
        self._events = DeviceEventBuffer(event_capacity)
        self._commits = 0
        self._events_written = 0
        self._event_batches: deque[int] = deque(maxlen=1024)
        self._event_batch_count = 0
        self._writer: threading.Thread | None = None
        self._reader_pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._reader: TurnStore | None = None
        self._ready = concurrent.futures.Future[None]()

    # -- lifecycle -------------------------------------------------------------------------------
    async def open(self) -> AsyncTurnStore:
        self._writer = threading.Thread(target=self._run_writer, name="turn-store-writer", daemon=True)
        self._writer.start()
        await asyncio.wrap_future(self._ready)  # migrations ran in the writer before any reader opens
        self._reader_pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="turn-store-reader")
        return self

    async def close(self) -> None:
        if self._writer is not None:
            await asyncio.to_thread(self._queue.put, None)
            await asyncio.to_thread(self._writer.join)
            self._writer = None
        if self._reader_pool is not None:
            pool = self._reader_pool
            if self._reader is not None:
                await asyncio.get_running_loop().run_in_executor(pool, self._reader.close)
            pool.shutdown(wait=True)
            self._reader_pool = None

    async def __aenter__(self) -> AsyncTurnStore:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- writes ----------------------------------------------------------------------------------
    async def write(self, op: Callable[[TurnStore], T]) -> T:
        """Run ``op(store)`` on the writer thread inside a transaction; returns once committed."""
        if self._writer is None:
            raise EdgeError("the turn store is not open", code=ErrorCode.STORE_ERROR)
        fut: concurrent.futures.Future[T] = concurrent.futures.Future()
        item: _Item = (op, fut)
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            try:
                await asyncio.to_thread(self._queue.put, item, True, self.put_timeout_s)
            except queue.Full as err:
                raise EdgeError(
                    f"turn store writer is {self.put_timeout_s:.0f} s behind",
                    hint="the storage is too slow or full; check the disk holding feedback.db_path",
                    code=ErrorCode.STORE_ERROR,
                ) from err
        return await asyncio.wrap_future(fut)

    async def add_turn(self, record: TurnRecord) -> None:
        await self.write(lambda s: s.add_turn(record))

    async def add_signals(self, signals: list[FeedbackSignal]) -> None:
        def op(s: TurnStore) -> None:
            for signal in signals:
                s.add_signal(signal)

        await self.write(op)

    async def add_device_event(self, event: DeviceEvent) -> None:
        """One event, awaited until committed (the recorder uses :meth:`offer_device_event`)."""
        await self.write(lambda s: s.add_device_event(event))

    def offer_device_event(self, event: DeviceEvent, *, keep: bool = False) -> None:
        """Queue a device event for the writer's next transaction without waiting (see the module notes);
        ``keep`` marks an event that must not be coalesced (feedback)."""
        if self._events.offer(event, keep=keep):
            # a full queue: the writer has work queued and empties the buffer with it
            with contextlib.suppress(queue.Full):
                self._queue.put_nowait(_WAKE)

    async def flush(self) -> None:
        """Returns once every device event offered before the call is committed."""
        await self.write(lambda s: None)

    async def add_barge_in(self, event: BargeIn) -> None:
        await self.write(lambda s: s.add_barge_in(event))

    def stats(self) -> WriterStats:
        batches = list(self._event_batches)
        return WriterStats(
            self._commits,
            self._events_written,
            self._event_batch_count,
            float(statistics.median(batches)) if batches else 0.0,
            self._events.stats(),
        )

    async def set_label(self, turn_id: str, label: Label | str, failure_point: str | None = None) -> bool:
        return await self.write(lambda s: s.set_label(turn_id, label, failure_point))

    # -- reads -----------------------------------------------------------------------------------
    async def read(self, op: Callable[[TurnStore], T]) -> T:
        if self._reader_pool is None:
            raise EdgeError("the turn store is not open", code=ErrorCode.STORE_ERROR)

        def run() -> T:
            if self._reader is None:
                self._reader = TurnStore(self.path)
            return op(self._reader)

        return await asyncio.get_running_loop().run_in_executor(self._reader_pool, run)

    async def turns(self, query: TurnQuery | None = None) -> list[StoredTurn]:
        return await self.read(lambda s: s.turns(query))

    async def turn(self, turn_id: str) -> StoredTurn | None:
        return await self.read(lambda s: s.turn(turn_id))

    # -- the writer thread -----------------------------------------------------------------------
    def _run_writer(self) -> None:
        try:
            store = TurnStore(self.path)
        except BaseException as err:
            self._ready.set_exception(err)
            return
        self._ready.set_result(None)
        try:
            stop = False
            while not stop:
                first = self._queue.get()
                batch: list[_Op] = []
                stop = first is None
                if isinstance(first, tuple):
                    batch.append(first)
                while not stop and len(batch) < _BATCH:
                    try:
                        nxt = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is None:
                        stop = True
                    elif isinstance(nxt, tuple):
                        batch.append(nxt)
                # drained after the batch was taken: every event offered before one of these writes was
                # queued goes into the same transaction as that write (or an earlier one)
                self._commit(store, batch, self._events.drain())
        finally:
            store.close()

    def _commit(self, store: TurnStore, batch: list[_Op], events: list[DeviceEvent]) -> None:
        if not batch and not events:
            return
        conn = store.conn
        results: list[tuple[concurrent.futures.Future[Any], Any, BaseException | None]] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            if events:
                conn.execute("SAVEPOINT events")
                try:
                    store.add_device_events(events)
                except Exception as err:  # e.g. a value SQLite cannot take: the events are lost, say so
                    conn.execute("ROLLBACK TO events")
                    log.error("dropped %d device events: %s", len(events), err)
                    events = []
                conn.execute("RELEASE events")
            for op, fut in batch:
                conn.execute("SAVEPOINT op")
                try:
                    value = op(store)
                except Exception as err:
                    conn.execute("ROLLBACK TO op")
                    results.append((fut, None, err))
                else:
                    results.append((fut, value, None))
                conn.execute("RELEASE op")
            conn.execute("COMMIT")
        except Exception as err:  # the commit itself failed (disk full, I/O error): every write failed
            log.error("turn store commit failed: %s", err)
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            wrapped = EdgeError(f"turn store write failed: {err}", code=ErrorCode.STORE_ERROR)
            for _op, fut in batch:
                if not fut.done():
                    fut.set_exception(wrapped)
            return
        self._commits += 1
        if events:
            self._events_written += len(events)
            self._event_batch_count += 1
            self._event_batches.append(len(events))
        for fut, value, error in results:
            if error is not None:
                fut.set_exception(error)
            else:
                fut.set_result(value)
