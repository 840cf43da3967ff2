"""``AsyncTurnStore``: the turn store for asyncio code.

All writes go through ONE writer thread that owns its own connection, fed by a bounded queue (capacity
``queue_size``; a full queue makes the caller wait up to ``put_timeout_s`` and then raises, so turns are
never silently dropped). The writer groups whatever is queued into one transaction (group commit) with a
savepoint per operation, so one bad write fails alone. Awaiting a write returns once it is committed.
Reads run on a separate reader thread with its own connection.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from edge.errors import EdgeError, ErrorCode
from edge.feedback.observations import DeviceEvent, StoredTurn
from edge.feedback.record import FeedbackSignal, Label, TurnRecord
from edge.feedback.store import TurnQuery, TurnStore

__all__ = ["AsyncTurnStore"]

log = logging.getLogger(__name__)
T = TypeVar("T")
_Op = tuple[Callable[[TurnStore], Any], "concurrent.futures.Future[Any]"] | None
_BATCH = 64


class AsyncTurnStore:
    """Open with ``async with AsyncTurnStore(path) as store:``."""

    def __init__(self, path: Path | str, queue_size: int = 256, put_timeout_s: float = 5.0) -> None:
        self.path = Path(path)
        self.put_timeout_s = put_timeout_s
        self._queue: queue.Queue[_Op] = queue.Queue(maxsize=queue_size)
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
        item: _Op = (op, fut)
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
        await self.write(lambda s: s.add_device_event(event))

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
            while True:
                first = self._queue.get()
                if first is None:
                    return
                batch = [first]
                stop = False
                while len(batch) < _BATCH:
                    try:
                        nxt = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is None:
                        stop = True
                        break
                    batch.append(nxt)
                self._commit(store, batch)
                if stop:
                    return
        finally:
            store.close()

    @staticmethod
    def _commit(store: TurnStore, batch: list[tuple[Callable[[TurnStore], Any], Any]]) -> None:
        conn = store.conn
        results: list[tuple[concurrent.futures.Future[Any], Any, BaseException | None]] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
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
        for fut, value, error in results:
            if error is not None:
                fut.set_exception(error)
            else:
                fut.set_result(value)
