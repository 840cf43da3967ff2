"""``context.settle.settled``: the wait for a broker's retained messages counts quiet from the store's last
progress, a message handled or a subscription acknowledged (a device's retained state arrives only after its
state topic's subscription is acknowledged; on a loaded machine that round trip outlasted the quiet time and
``edge devices`` printed a home without its states)."""

from __future__ import annotations

import asyncio
from typing import cast

from edge.context.settle import settled
from edge.context.store import ContextStore


class _Store:
    """The three counters ``settled`` reads (a real store's, without a broker)."""

    def __init__(self) -> None:
        self.handled = 1
        self.acknowledged = 0
        self.subscribed = True
        self.version = 2


async def _acks(store: _Store, n: int, every_s: float, log: list[float]) -> None:
    loop = asyncio.get_running_loop()
    for _ in range(n):
        await asyncio.sleep(every_s)
        store.acknowledged += 1
        log.append(loop.time())


def test_acknowledged_subscriptions_keep_the_wait_open() -> None:
    async def main() -> tuple[float, list[float]]:
        store, log = _Store(), []
        loop = asyncio.get_running_loop()
        task = asyncio.create_task(_acks(store, 5, 0.2, log))
        await settled(cast(ContextStore, store), 30.0, quiet_s=1.0)
        ended = loop.time()
        await task
        return ended, log

    ended, acks = asyncio.run(main())
    assert len(acks) == 5 and ended >= acks[-1] + 0.9  # quiet counted from the last acknowledgement


def test_a_quiet_store_ends_the_wait_and_the_limit_holds() -> None:
    async def main(subscribed: bool) -> float:
        store = _Store()
        store.subscribed = subscribed
        loop = asyncio.get_running_loop()
        start = loop.time()
        await settled(cast(ContextStore, store), 2.0, quiet_s=0.3)
        return loop.time() - start

    assert asyncio.run(main(True)) < 2.0  # quiet: done before the limit
    assert asyncio.run(main(False)) >= 2.0  # never subscribed: waits out the limit
