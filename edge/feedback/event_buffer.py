"""The device events waiting for the turn store's writer: a bounded buffer that never blocks the caller.

Overflow policy ``coalesce-per-entity``: while the buffer holds fewer than ``capacity`` events every event
is kept as it came. Once it is full (the writer has fallen behind, e.g. a chatty sensor reporting
thousands of changes a second), a new change of an entity that already has a coalescable event waiting
is merged into it (the first ``old``, the latest ``new`` and ``t``; a change that went back where it
started disappears). Events marked ``keep`` (our own commands' confirmations, and manual changes of a
device a recent turn commanded: those are feedback) are never merged and never merged across; they are
admitted up to ``capacity + keep_reserve``. What still does not fit (a new entity on a full buffer) is
dropped and counted. Thread-safe: the event loop offers, the writer thread drains.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from enum import StrEnum

from edge.feedback.observations import DeviceEvent

__all__ = ["BufferStats", "DeviceEventBuffer", "OverflowPolicy"]


class OverflowPolicy(StrEnum):
    COALESCE_PER_ENTITY = "coalesce-per-entity"


@dataclass(frozen=True, slots=True)
class BufferStats:
    """Counters since the buffer was made: offered, merged into a waiting event, dropped (and how many of
    the dropped were marked keep: only when ``capacity + keep_reserve`` kept events wait at once)."""

    offered: int
    coalesced: int
    dropped: int
    dropped_kept: int
    waiting: int


class DeviceEventBuffer:
    policy = OverflowPolicy.COALESCE_PER_ENTITY

    def __init__(self, capacity: int = 4096, keep_reserve: int | None = None) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.keep_reserve = capacity // 4 if keep_reserve is None else keep_reserve
        self._lock = threading.Lock()
        self._pending: list[DeviceEvent | None] = []  # None: merged away (a change undone by a later one)
        self._live = 0
        self._slot: dict[str, int] = {}  # entity -> index of its coalescable waiting event
        self._wake_pending = False
        self._offered = self._coalesced = self._dropped = self._dropped_kept = 0

    def offer(self, event: DeviceEvent, *, keep: bool = False) -> bool:
        """Take ``event``; True when the writer should be woken (the first event since the last drain)."""
        with self._lock:
            self._offered += 1
            if keep:
                self._slot.pop(event.entity_id, None)  # later changes never merge across a kept one
                if self._live >= self.capacity + self.keep_reserve:
                    self._dropped += 1
                    self._dropped_kept += 1
                    return False
                self._append(event, coalescable=False)
            elif self._live < self.capacity:
                self._append(event, coalescable=True)
            elif (index := self._slot.get(event.entity_id)) is not None:
                self._merge(index, event)
            else:
                self._dropped += 1
                return False
            wake = not self._wake_pending
            self._wake_pending = True
            return wake

    def drain(self) -> list[DeviceEvent]:
        """Everything waiting, in arrival order; the buffer is empty afterwards."""
        with self._lock:
            out = [e for e in self._pending if e is not None]
            self._pending = []
            self._slot = {}
            self._live = 0
            self._wake_pending = False
            return out

    def stats(self) -> BufferStats:
        with self._lock:
            return BufferStats(self._offered, self._coalesced, self._dropped, self._dropped_kept, self._live)

    def _append(self, event: DeviceEvent, *, coalescable: bool) -> None:
        if coalescable:
            self._slot[event.entity_id] = len(self._pending)
        self._pending.append(event)
        self._live += 1

    def _merge(self, index: int, event: DeviceEvent) -> None:
        waiting = self._pending[index]
        self._coalesced += 1
        if waiting is None:  # the entity went back to where it started: this change starts afresh
            self._pending[index] = event
            self._live += 1
            return
        if waiting.old == event.new:
            self._pending[index] = None
            self._live -= 1
            return
        self._pending[index] = replace(waiting, new=event.new, t=event.t)
