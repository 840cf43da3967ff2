"""Waiting for a broker's retained messages to arrive before acting on the home they describe."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from edge.context.store import ContextStore

__all__ = ["settled"]


async def settled(
    store: ContextStore,
    limit_s: float,
    *,
    quiet_s: float = 0.5,
    need_change: bool = True,
    done: Callable[[], bool] | None = None,
) -> None:
    """Until the home stops changing: nothing new for ``quiet_s`` since the store subscribed (and after a
    first change when ``need_change``: retained messages arrive in a burst), or ``done()`` says so, at most
    ``limit_s``. Counting quiet from before the subscription let a loaded machine start a replay on a home
    half known; so did counting it from a device's state subscription being sent rather than acknowledged
    (its retained state arrives after the acknowledgement)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    last, quiet_since = _progress(store), loop.time()
    while loop.time() < deadline:
        await asyncio.sleep(0.05)
        if _progress(store) != last or not store.subscribed:
            last, quiet_since = _progress(store), loop.time()
        if done is not None and done():
            return
        if (store.version > 1 or not need_change) and loop.time() - quiet_since >= quiet_s:
            return


def _progress(store: ContextStore) -> tuple[int, int]:
    """What the store has done: messages handled, subscriptions acknowledged."""
    return store.handled, store.acknowledged
