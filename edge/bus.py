"""Bounded channels between pipeline stages, each with a named overflow policy and counters."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

__all__ = ["Channel", "ChannelClosed", "ChannelStats", "InFlight", "Overflow"]

T = TypeVar("T")


class Overflow(StrEnum):
    """What a full channel does with a new item."""

    DROP_OLDEST = "drop-oldest"  # audio: the newest audio matters, a stale frame does not
    BLOCK = "block"  # control and events: never lose one, slow the producer instead


class ChannelClosed(Exception):
    """Raised by ``get`` once a closed channel is drained."""


@dataclass(frozen=True, slots=True)
class ChannelStats:
    name: str
    size: int
    capacity: int
    put: int
    dropped: int


class Channel(Generic[T]):
    """A bounded single-consumer queue.

    ``DROP_OLDEST`` channels never block the producer (``put_nowait`` evicts the oldest item and counts
    it); ``BLOCK`` channels make ``put`` wait for room. ``close()`` lets the consumer drain what is left and
    then raises :class:`ChannelClosed`.
    """

    def __init__(self, name: str, capacity: int, overflow: Overflow) -> None:
        if capacity < 1:
            raise ValueError(f"channel {name!r}: capacity must be >= 1, got {capacity}")
        self.name = name
        self.capacity = capacity
        self.overflow = overflow
        self._items: deque[T] = deque()
        self._closed = False
        self._put = 0
        self._dropped = 0
        self._readable = asyncio.Event()
        self._writable = asyncio.Event()
        self._writable.set()

    @property
    def closed(self) -> bool:
        return self._closed

    def stats(self) -> ChannelStats:
        return ChannelStats(self.name, len(self._items), self.capacity, self._put, self._dropped)

    def put_nowait(self, item: T) -> bool:
        """Add without waiting; False if this item (BLOCK) or the oldest one (DROP_OLDEST) was lost."""
        if self._closed:
            raise ChannelClosed(self.name)
        lost = False
        if len(self._items) >= self.capacity:
            if self.overflow is Overflow.BLOCK:
                self._dropped += 1
                return False
            self._items.popleft()
            self._dropped += 1
            lost = True
        self._items.append(item)
        self._put += 1
        self._readable.set()
        if len(self._items) >= self.capacity:
            self._writable.clear()
        return not lost

    async def put(self, item: T) -> None:
        if self.overflow is Overflow.DROP_OLDEST:
            self.put_nowait(item)
            return
        while len(self._items) >= self.capacity:
            if self._closed:
                raise ChannelClosed(self.name)
            self._writable.clear()
            await self._writable.wait()
        self.put_nowait(item)

    async def get(self) -> T:
        while not self._items:
            if self._closed:
                raise ChannelClosed(self.name)
            self._readable.clear()
            await self._readable.wait()
        item = self._items.popleft()
        self._writable.set()
        return item

    def drain_nowait(self) -> list[T]:
        """Everything queued now, without waiting (empty when nothing is)."""
        items = list(self._items)
        self._items.clear()
        self._writable.set()
        return items

    def close(self) -> None:
        self._closed = True
        self._readable.set()
        self._writable.set()

    def __aiter__(self) -> Channel[T]:
        return self

    async def __anext__(self) -> T:
        try:
            return await self.get()
        except ChannelClosed:
            raise StopAsyncIteration from None


class InFlight:
    """Items handed on and not yet finished (a stage waits until the stage after it has caught up: the
    grammar-only recognizer hears the answers to the question the turns before it left waiting)."""

    def __init__(self) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def started(self) -> None:
        self.count += 1
        self._idle.clear()

    def finished(self) -> None:
        self.count = max(0, self.count - 1)
        if self.count == 0:
            self._idle.set()

    async def settled(self, timeout_s: float) -> bool:
        """Wait until nothing is in flight (True), or ``timeout_s`` (False: go on without)."""
        try:
            async with asyncio.timeout(timeout_s):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True
