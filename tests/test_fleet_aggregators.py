"""200 simulated homes through two aggregator processes sharing one MQTT v5 subscription."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from edge.context.broker import MosquittoBroker
from edge.context.connection import ConnectionSettings
from edge.errors import EdgeError, ErrorCode
from edge.lab.fleet.keys import load_or_create_key
from edge.lab.fleet.process import AggregatorProcess, LoopbackBroker, start_broker
from edge.lab.fleet.storage import AdmittedReport, open_store
from edge.lab.fleet.synthetic import PRIVATE_WORDS, SyntheticPair, enroll_keys, fleet_reports, signed_fleet
from edge.sync.envelope import SignedReport
from edge.sync.link import MqttLink
from edge.sync.payloads import RewritePair, WeeklyReport
from edge.sync.release import RELEASE_TOPIC, public_key_hex, verify_release
from edge.sync.uploader import report_topic

T0 = 1_741_000_000.0  # a week in March 2025
POPULAR = SyntheticPair("turn on the kitchen lite", "turn on the kitchen light")
COMMON = SyntheticPair("turn of the bedroom lights", "turn off the bedroom lights", "HassTurnOff")
RARE = SyntheticPair(
    "set the temperature to 21", "set the thermostat to 21 degrees", "HassClimateSetTemperature"
)
ASSIGNMENT = [(POPULAR, 150), (COMMON, 100), (RARE, 15)]  # RARE: fewer homes than k = 20


@pytest.fixture
def upstream() -> Iterator[MosquittoBroker]:
    broker = start_broker(LoopbackBroker())
    yield broker
    broker.close()


async def _publish_all(port: int, reports: list[SignedReport]) -> None:
    async with MqttLink(ConnectionSettings(port=port, client_id="fleet-test-homes")) as link:
        await asyncio.gather(
            *(
                link.publish(report_topic(r.report), r.to_bytes(), user=(("message-id", r.message_id),))
                for r in reports
            )
        )


async def _release(port: int, store_path: Path, expected: int) -> bytes:
    store = open_store(str(store_path))
    try:
        async with asyncio.timeout(60):
            while await asyncio.to_thread(store.report_count) < expected:  # noqa: ASYNC110 - another process
                await asyncio.sleep(0.05)
    finally:
        store.close()
    async with MqttLink(ConnectionSettings(port=port, client_id="fleet-test-operator")) as link:
        await link.subscribe(RELEASE_TOPIC)
        await link.publish("edge-fleet/v1/control/release", b"{}")
        msg = await link.get(timeout_s=30)
    assert msg is not None, "no release was published"
    return msg.payload


def test_two_aggregators_split_the_load_and_release_only_pairs_above_k(
    upstream: MosquittoBroker, tmp_path: Path
) -> None:
    db, key = tmp_path / "agg.sqlite3", tmp_path / "release.key"
    plain = fleet_reports(200, ASSIGNMENT, T0)
    assert len(plain) == 200
    reports, keys = signed_fleet(plain)
    enroll_keys(str(db), keys)
    wire = b"".join(r.to_bytes() for r in reports).decode()
    for word in PRIVATE_WORDS:  # the synthetic turns mention people and free text: none of it leaves
        assert word not in wire
    sent = {(p.original, p.rewritten) for r in plain for p in r.pairs}
    assert ("set the temperature to {num}", "set the thermostat to {num} degrees") in sent  # no value

    with (
        AggregatorProcess(upstream.port, db, key, name="agg-a") as a,
        AggregatorProcess(upstream.port, db, key, name="agg-b") as b,
    ):
        asyncio.run(_publish_all(upstream.port, reports))
        release = asyncio.run(_release(upstream.port, db, 200))
        asyncio.run(_publish_all(upstream.port, reports[:50]))  # a resend changes nothing
        store = open_store(str(db))
        try:
            for _ in range(200):
                if (
                    a.accepted() + b.accepted() == 200
                    and sum(int(str(e.get("duplicates", 0))) for p in (a, b) for e in p.events) >= 50
                ):
                    break
                asyncio.run(asyncio.sleep(0.05))
            per_consumer = store.per_consumer()
            assert store.report_count() == 200
        finally:
            store.close()
    assert set(per_consumer) == {"agg-a", "agg-b"}
    assert all(n > 0 for n in per_consumer.values()), per_consumer  # both received part of the load
    assert a.accepted() + b.accepted() == 200

    public = public_key_hex(load_or_create_key(key))
    table, _ = verify_release(release, public)
    released = {(e.original, e.rewritten): e for e in table.entries}
    assert (POPULAR.original, POPULAR.rewritten) in released
    assert (COMMON.original, COMMON.rewritten) in released
    assert not any("temperature" in o for o, _ in released)  # 15 homes < k: never released
    for entry in table.entries:
        assert entry.homes >= 20
    assert table.privacy["k"] == 20 and table.privacy["mechanism"] == "laplace"
    assert table.priors[POPULAR.original] == {POPULAR.rewritten: 1.0}


def test_one_report_per_home_and_period_bounds_contributions(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "agg.sqlite3"))
    try:
        home = "cd" * 32
        pairs = tuple(
            RewritePair(f"turn on the {c} light", f"turn on the {c} lights") for c in ("red", "blue", "green")
        )
        first = WeeklyReport("2025-W10", home, 5, (), (), (0,) * 11, (), pairs)
        second = WeeklyReport(
            "2025-W10", home, 6, (), (), (0,) * 11, (), (RewritePair("turn of it", "turn off it"),)
        )
        device = "ab" * 16
        r1 = store.ingest([AdmittedReport(first, device)] * 2, "x", 0.0)
        r2 = store.ingest([AdmittedReport(second, device)], "x", 0.0)
        assert (r1.accepted, r1.duplicates) == (1, 1)
        assert r2.rejected == 1  # a second report from the same device key in the same period
        counts = store.pair_counts("2025-W10")
        assert len(counts) == 3 and all(c.homes == 1 for c in counts)
        assert json.loads(json.dumps([c.original for c in counts]))  # plain strings
    finally:
        store.close()


def test_a_subscription_is_in_place_when_subscribe_returns(broker: MosquittoBroker) -> None:
    """The aggregator says "ready" after its subscriptions: subscribe waits for the broker's SUBACK, so a
    report published the moment it returns is received (a loaded machine lost the first ones before)."""
    from edge.lab.fleet.link import AggregatorLink  # noqa: PLC0415 - only this test drives the link itself

    async def run() -> list[str]:
        got: list[str] = []
        async with (
            AggregatorLink(ConnectionSettings(port=broker.port, client_id="agg-sub")) as agg,
            MqttLink(ConnectionSettings(port=broker.port, client_id="home-sub")) as home,
        ):
            for k in range(20):
                topic = f"edge-fleet/test/sub{k}"
                await agg.subscribe(topic, qos=1)
                await home.publish(topic, str(k).encode())
                msg = await agg.get(timeout_s=5)
                assert msg is not None, f"nothing received on {topic} right after subscribing"
                agg.ack(msg)
                got.append(msg.payload.decode())
        return got

    assert asyncio.run(run()) == [str(k) for k in range(20)]

    async def unheard() -> None:  # no SUBACK can come back (paho's network thread stopped): it says so
        async with AggregatorLink(ConnectionSettings(port=broker.port, client_id="agg-deaf")) as agg:
            await asyncio.to_thread(agg._client.loop_stop)
            with pytest.raises(EdgeError, match="no SUBACK") as err:
                await agg.subscribe("edge-fleet/test/deaf", qos=1, timeout_s=0.5)
            assert err.value.code == ErrorCode.BROKER_UNAVAILABLE

    asyncio.run(unheard())
