"""State-change events out of the context store, and a coalescing sink for slow consumers.

A chatty sensor can report thousands of changes a second; a consumer that writes each one (the feedback
recorder's device events) cannot keep up, and a drop-oldest channel would lose the one change that
mattered (a light switched by hand) among the sensor's. :class:`CoalescedChanges` keeps one pending
change per entity instead (the first ``old`` and the latest ``new`` since the last batch): its size is
bounded by the number of entities, nothing is queued per message, and no entity's change is ever dropped.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from edge.bus import ChannelClosed
from edge.context.model import DeviceState

__all__ = ["CoalescedChanges", "StateChange"]


@dataclass(frozen=True, slots=True)
class StateChange:
    """``entity_id`` went from ``old`` to ``new`` at ``t`` (monotonic seconds)."""

    entity_id: str
    old: DeviceState | None
    new: DeviceState
    t: float


class CoalescedChanges:
    """Per-entity pending changes, taken in batches (see the module docstring)."""

    def __init__(self, name: str = "coalesced-changes") -> None:
        self.name = name
        self._pending: dict[str, StateChange] = {}
        self._ready = asyncio.Event()
        self._closed = False
        self.offered = 0
        self.merged = 0  # changes folded into a pending one of the same entity

    @property
    def closed(self) -> bool:
        return self._closed

    def put_nowait(self, change: StateChange) -> bool:
        """Fold ``change`` into the entity's pending one; never blocks, never drops an entity."""
        if self._closed:
            raise ChannelClosed(self.name)
        self.offered += 1
        earlier = self._pending.get(change.entity_id)
        if earlier is not None:
            self.merged += 1
            change = StateChange(change.entity_id, earlier.old, change.new, change.t)
        self._pending[change.entity_id] = change
        self._ready.set()
        return True

    def take_nowait(self) -> list[StateChange]:
        """Every pending change (one per entity, in the order entities first changed)."""
        out = list(self._pending.values())
        self._pending.clear()
        self._ready.clear()
        return out

    async def batch(self, settle_s: float = 0.2) -> list[StateChange]:
        """Wait for a change, let more arrive for ``settle_s``, and take them all; ChannelClosed once
        closed and drained."""
        while not self._pending:
            if self._closed:
                raise ChannelClosed(self.name)
            self._ready.clear()
            await self._ready.wait()
        if settle_s > 0 and not self._closed:
            await asyncio.sleep(settle_s)
        return self.take_nowait()

    def close(self) -> None:
        self._closed = True
        self._ready.set()
