"""Reading and taking back retained messages on a real Mosquitto: a busy broker's live traffic does not keep
the read from ending, and a broker that is gone is a log line, not a hang or a crash."""

from __future__ import annotations

import asyncio
import time

import aiomqtt
import pytest

from edge.context.broker import MosquittoBroker, free_port
from edge.lab.retained import clear_retained, published_since, read_retained


async def _publish(port: int, items: dict[str, bytes]) -> None:
    async with aiomqtt.Client("127.0.0.1", port, timeout=5) as client:
        for topic, body in items.items():
            await client.publish(topic, body, qos=1, retain=True)


def test_read_retained_ends_on_a_busy_broker(broker: MosquittoBroker) -> None:
    async def go() -> tuple[dict[str, bytes], float]:
        await _publish(broker.port, {"a/config": b"1", "b/state": b"ON"})
        stop = asyncio.Event()

        async def chatter() -> None:  # a sensor that never stops talking (live, not retained)
            async with aiomqtt.Client("127.0.0.1", broker.port, timeout=5) as client:
                while not stop.is_set():
                    await client.publish("live/power", b"42", qos=0)
                    await asyncio.sleep(0.02)

        task = asyncio.create_task(chatter())
        await asyncio.sleep(0.2)
        t0 = time.monotonic()
        found = await read_retained("127.0.0.1", broker.port, timeout_s=1.5)
        took = time.monotonic() - t0
        stop.set()
        await task
        return found, took

    found, took = asyncio.run(go())
    assert found == {"a/config": b"1", "b/state": b"ON"}
    assert took < 3.0


def test_clear_and_published_since(broker: MosquittoBroker) -> None:
    asyncio.run(_publish(broker.port, {"edge/s1/health": b"x", "keep/me": b"y"}))
    before = asyncio.run(read_retained("127.0.0.1", broker.port, "edge/s1/#"))
    asyncio.run(_publish(broker.port, {"edge/s1/lists/shopping": b"[]"}))
    new = asyncio.run(published_since("127.0.0.1", broker.port, "edge/s1/#", before))
    assert new == {"edge/s1/lists/shopping"}
    assert clear_retained("127.0.0.1", broker.port, new) == 1
    assert asyncio.run(read_retained("127.0.0.1", broker.port)) == {"edge/s1/health": b"x", "keep/me": b"y"}


def test_clearing_on_a_broker_that_is_gone_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()
    t0 = time.monotonic()
    assert clear_retained("127.0.0.1", port, ["a/b"], timeout_s=2.0) == 0
    assert time.monotonic() - t0 < 5.0
    assert any("could not remove 1 retained topic" in r.getMessage() for r in caplog.records)
