"""A home offline for a while: the outbox keeps its report, delivers after reconnect, counted once."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from edge.context.backoff import Backoff
from edge.context.connection import ConnectionSettings
from edge.errors import EdgeError, ErrorCode
from edge.lab.fleet.process import AggregatorProcess, LoopbackBroker, start_broker
from edge.lab.fleet.storage import open_store
from edge.lab.fleet.synthetic import SyntheticPair, device_keys, enroll_keys, home_turns
from edge.sync.anonymize import build_reports
from edge.sync.envelope import SignedReport
from edge.sync.identity import HomeIdentity
from edge.sync.link import MqttLink
from edge.sync.outbox import Outbox, OutboxLimits
from edge.sync.uploader import Uploader, enqueue_report, report_topic

USERS = {"home": "home-pw", "aggregator": "agg-pw"}
T0 = 1_741_000_000.0


async def _count(db: Path, want: int, timeout_s: float = 30.0) -> int:
    store = open_store(str(db))
    try:
        async with asyncio.timeout(timeout_s):
            while (n := await asyncio.to_thread(store.report_count)) < want:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        return n
    finally:
        store.close()


def test_offline_home_delivers_exactly_once_after_broker_restarts(tmp_path: Path) -> None:
    upstream = start_broker(LoopbackBroker(users=USERS))
    db = tmp_path / "agg.sqlite3"
    turns = home_turns(
        "home-x",
        [SyntheticPair("turn on the kitchen lite", "turn on the kitchen light")],
        T0,
        random.Random(3),
    )
    (report,) = build_reports(turns, HomeIdentity(b"k" * 32))
    (key,) = device_keys(1, seed=3)
    enroll_keys(str(db), [key])
    signed = SignedReport.sign(report, key)
    home = ConnectionSettings(port=upstream.port, username="home", password="home-pw", client_id="home-x")
    agg = AggregatorProcess(
        upstream.port, db, tmp_path / "k.pem", name="agg-1", username="aggregator", password="agg-pw"
    )

    async def scenario() -> tuple[int, int]:
        outbox = Outbox(tmp_path / "outbox.sqlite3")
        upstream.stop()  # the upstream broker goes away before the home's week ends
        assert enqueue_report(outbox, report, key)
        assert not enqueue_report(outbox, report, key)  # queued once
        link = MqttLink(home)
        await link.start(wait=False)
        retry = Backoff(min_s=0.2, max_s=1.0, jitter=0.5)
        uploader = Uploader(outbox, link, retry, puback_timeout_s=3.0, seed=1)
        task = asyncio.create_task(uploader.run(idle_s=0.2), name="uploader")
        await asyncio.sleep(2.0)
        assert len(outbox) == 1 and uploader.sent == 0  # offline: still queued
        await asyncio.to_thread(start_broker, upstream, True)  # back (persistent: sessions survive)
        async with asyncio.timeout(30):
            while len(outbox):  # noqa: ASYNC110 - the uploader task drains it
                await asyncio.sleep(0.05)
        first = await _count(db, 1)
        # the PUBACK got lost (say) and the home sends the same report again: counted once
        await link.publish(report_topic(report), signed.to_bytes(), user=(("message-id", report.message_id),))
        await asyncio.to_thread(start_broker, upstream, True)
        await link.wait_connected(20)
        await link.publish(report_topic(report), signed.to_bytes(), user=(("message-id", report.message_id),))
        await asyncio.sleep(1.5)
        second = await _count(db, 1)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await link.close()
        outbox.close()
        return first, second

    try:
        start_broker(upstream)
        agg.start()
        first, second = asyncio.run(scenario())
    finally:
        agg.stop()
        upstream.close()
    assert (first, second) == (1, 1)
    assert agg.accepted() == 1
    duplicates = sum(int(str(e.get("duplicates", 0))) for e in agg.events if e.get("event") == "ingested")
    assert duplicates >= 1


def test_wrong_credentials_give_a_clear_error() -> None:
    upstream = start_broker(LoopbackBroker(users=USERS))

    async def connect() -> None:
        async with MqttLink(
            ConnectionSettings(port=upstream.port, username="home", password="nope", connect_timeout_s=3)
        ):
            pass

    try:
        with pytest.raises(EdgeError, match="no MQTT connection") as info:
            asyncio.run(connect())
    finally:
        upstream.close()
    assert info.value.code is ErrorCode.BROKER_UNAVAILABLE
    assert "credentials" in str(info.value)


def test_outbox_is_bounded_and_drops_the_oldest_first(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o.sqlite3", OutboxLimits(max_rows=3, max_bytes=4096))
    try:
        for week in range(1, 7):
            assert outbox.put(f"2025-W{week:02d}:{week:032x}", f"2025-W{week:02d}", "t", b"x" * 500)
        assert len(outbox) == 3 and outbox.dropped == 3
        assert [i.period for i in outbox.due(now=1e12)] == ["2025-W04", "2025-W05", "2025-W06"]
        for week in range(7, 10):
            outbox.put(f"2025-W{week:02d}:{week:032x}", f"2025-W{week:02d}", "t", b"y" * 1500)
        assert outbox.size_bytes() <= 4096 and len(outbox) == 2
        with pytest.raises(EdgeError, match="exceeds"):
            outbox.put("2025-W20:" + "0" * 32, "2025-W20", "t", b"z" * 5000)
        item = outbox.due(now=1e12)[0]
        outbox.retry_later(item.seq, at=1e13)
        assert item.seq not in [i.seq for i in outbox.due(now=1e12)]
        outbox.done(item.seq)
        assert len(outbox) == 1
    finally:
        outbox.close()
    reopened = Outbox(tmp_path / "o.sqlite3")  # durable across restarts
    try:
        assert len(reopened) == 1
        assert "2025-W01" in reopened.queued_periods()
    finally:
        reopened.close()
