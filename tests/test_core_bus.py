"""Bounded channels: audio drops the oldest, control blocks, close drains then stops."""

from __future__ import annotations

import asyncio

import pytest

from edge.bus import Channel, ChannelClosed, InFlight, Overflow


def test_drop_oldest_keeps_the_newest_and_counts_drops() -> None:
    async def go() -> list[int]:
        ch: Channel[int] = Channel("audio", 3, Overflow.DROP_OLDEST)
        for i in range(10):
            await ch.put(i)
        assert ch.stats().dropped == 7
        ch.close()
        return [x async for x in ch]

    assert asyncio.run(go()) == [7, 8, 9]


def test_block_waits_for_room_and_loses_nothing() -> None:
    async def go() -> list[int]:
        ch: Channel[int] = Channel("control", 2, Overflow.BLOCK)
        got: list[int] = []

        async def consume() -> None:
            async for x in ch:
                got.append(x)
                await asyncio.sleep(0)

        async with asyncio.TaskGroup() as tg:
            tg.create_task(consume())
            for i in range(50):
                await ch.put(i)
            ch.close()
        return got

    assert asyncio.run(go()) == list(range(50))


def test_put_nowait_on_full_block_channel_reports_loss() -> None:
    async def go() -> None:
        ch: Channel[str] = Channel("c", 1, Overflow.BLOCK)
        assert ch.put_nowait("a") is True
        assert ch.put_nowait("b") is False
        assert await ch.get() == "a"

    asyncio.run(go())


def test_get_on_closed_empty_channel_raises() -> None:
    async def go() -> None:
        ch: Channel[int] = Channel("c", 1, Overflow.BLOCK)
        ch.close()
        with pytest.raises(ChannelClosed):
            await ch.get()
        with pytest.raises(ChannelClosed):
            ch.put_nowait(1)

    asyncio.run(go())


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError, match="capacity"):
        Channel("c", 0, Overflow.BLOCK)


def test_in_flight_settles_when_every_item_is_finished_and_times_out_otherwise() -> None:
    async def scenario() -> tuple[bool, bool, bool]:
        flight = InFlight()
        idle = await flight.settled(0.01)
        flight.started()
        flight.started()
        flight.finished()
        busy = await flight.settled(0.05)  # one still in flight: gives up after the timeout
        asyncio.get_running_loop().call_later(0.02, flight.finished)
        caught_up = await flight.settled(5.0)
        return idle, busy, caught_up

    assert asyncio.run(scenario()) == (True, False, True)
