"""The device accepts only signed, newer global layers; everything else is rejected with one log line."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge.context.broker import MosquittoBroker
from edge.context.connection import ConnectionSettings
from edge.feedback.store import TurnStore
from edge.lab.fleet.keys import load_or_create_key
from edge.lab.fleet.privacy import PrivacyBudget
from edge.lab.fleet.process import LoopbackBroker, start_broker
from edge.lab.fleet.publish import build_table
from edge.lab.fleet.storage import PairCount
from edge.sync.global_layer import GlobalLayerInstaller, InstallOutcome, follow_releases
from edge.sync.link import MqttLink
from edge.sync.release import RELEASE_TOPIC, GlobalTable, public_key_hex, sign_table

COUNTS = [
    PairCount("turn on the kitchen lite", "turn on the kitchen light", 120),
    PairCount("turn of the lights", "turn off the lights", 90),
    PairCount("rare thing", "rarer thing", 5),
]


def _release(key: Ed25519PrivateKey, version: int) -> bytes:
    table = build_table(COUNTS, PrivacyBudget(), random.Random(version), version=version, period="2025-W10")
    return sign_table(table, key)


@pytest.fixture
def key(tmp_path: Path) -> Ed25519PrivateKey:
    path = tmp_path / "release.key"
    k = load_or_create_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert public_key_hex(load_or_create_key(path)) == public_key_hex(k)  # loads the same key
    return k


def test_valid_release_is_installed_where_the_rewriter_loads_it(
    tmp_path: Path, key: Ed25519PrivateKey
) -> None:
    target = tmp_path / "learning" / "global.json"
    installer = GlobalLayerInstaller(target, public_key_hex(key))
    result = installer.offer(_release(key, 1))
    assert result.outcome is InstallOutcome.ACCEPTED and result.version == 1
    table = json.loads(target.read_text())
    assert table["version"] == 1
    originals = {e["original"] for e in table["entries"]}
    assert originals == {"turn on the kitchen lite", "turn of the lights"}  # the rare pair stays out
    assert set(table["entries"][0]) == {"original", "rewritten", "homes", "score"}
    assert table["privacy"]["epsilon"] == 2.0 and table["privacy"]["k"] == 20
    # a restart re-verifies the stored release and keeps its version
    assert GlobalLayerInstaller(target, public_key_hex(key)).version == 1


def test_tampered_wrong_key_older_and_unsigned_releases_are_rejected(
    tmp_path: Path, key: Ed25519PrivateKey, caplog: pytest.LogCaptureFixture
) -> None:
    target = tmp_path / "global.json"
    installer = GlobalLayerInstaller(target, public_key_hex(key))
    assert installer.offer(_release(key, 2)).outcome is InstallOutcome.ACCEPTED
    good_text = target.read_text()

    good = _release(key, 3)
    i = good.index(b"kitchen light")
    tampered = good[:i] + b"K" + good[i + 1 :]  # one byte changed inside the signed table
    other_key = _release(Ed25519PrivateKey.generate(), 4)
    unsigned_msg = json.loads(good)
    unsigned_msg["signature"] = ""
    unsigned = json.dumps(unsigned_msg).encode()
    older = _release(key, 1)

    caplog.set_level(logging.WARNING, logger="edge.sync.global_layer")
    cases = [
        (tampered, InstallOutcome.BAD_SIGNATURE),
        (other_key, InstallOutcome.BAD_SIGNATURE),
        (unsigned, InstallOutcome.UNSIGNED),
        (older, InstallOutcome.NOT_NEWER),
        (b"not json at all", InstallOutcome.MALFORMED),
    ]
    for raw, outcome in cases:
        caplog.clear()
        result = installer.offer(raw)
        assert result.outcome is outcome
        assert result.version == 2
        assert len(caplog.records) == 1, [r.getMessage() for r in caplog.records]
        assert "rejected" in caplog.records[0].getMessage()
    assert target.read_text() == good_text  # the current layer is untouched
    assert installer.offer(good).outcome is InstallOutcome.ACCEPTED
    assert json.loads(target.read_text())["version"] == 3


def test_device_follows_the_retained_release_topic(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    async def scenario(broker: MosquittoBroker) -> GlobalLayerInstaller:
        installer = GlobalLayerInstaller(tmp_path / "global.json", public_key_hex(key))
        async with MqttLink(ConnectionSettings(port=broker.port)) as publisher:
            await publisher.publish(RELEASE_TOPIC, _release(key, 5), retain=True)
        async with MqttLink(ConnectionSettings(port=broker.port)) as device:
            stop = asyncio.Event()
            task = asyncio.create_task(follow_releases(device, installer, stop), name="follow")
            async with asyncio.timeout(20):
                while installer.version != 5:  # noqa: ASYNC110 - polls another task's progress
                    await asyncio.sleep(0.05)
            stop.set()
            await task
        return installer

    broker = start_broker(LoopbackBroker())
    try:
        installer = asyncio.run(scenario(broker))
    finally:
        broker.close()
    assert json.loads(installer.table_path.read_text())["version"] == 5


def test_equivalent_wordings_share_the_score_and_other_meanings_split_it() -> None:
    counts = [
        PairCount("set {light} to {num}", "set the {light} to {num} percent", 300, "HassLightSet"),
        PairCount("set {light} to {num}", "dim the {light} to {num} percent", 100, "HassLightSet"),
        PairCount("{light} off", "turn off the {light}", 300, "HassTurnOff"),
        PairCount("{light} off", "turn on the {light}", 100, "HassTurnOn"),
    ]
    table = build_table(counts, PrivacyBudget(), random.Random(3), version=1, period="2025-W10")
    entries = {(e.original, e.rewritten): e for e in table.entries}
    same = [entries[("set {light} to {num}", w)] for w in ("set the {light} to {num} percent",
                                                            "dim the {light} to {num} percent")]  # fmt: skip
    assert [e.score for e in same] == [1.0, 1.0]  # one meaning: the fleet agrees on what it means
    assert same[0].homes > same[1].homes and same[0].intent == "HassLightSet"  # the device takes the first
    assert entries[("{light} off", "turn off the {light}")].score < 0.9  # two meanings split the votes
    assert table.priors["set {light} to {num}"]["set the {light} to {num} percent"] > 0.6
    assert GlobalTable.from_json(json.loads(table.canonical())) == table  # the intent round-trips


def test_a_release_never_chains_rewrites() -> None:
    counts = [
        PairCount("turn the {light} on", "turn on the {light}", 200, "HassTurnOn"),
        PairCount("turn on the {light}", "turn on {light}", 80, "HassTurnOn"),  # B -> C after A -> B
        PairCount("switch on the {light}", "turn the {light} on", 60, "HassTurnOn"),  # rewrites into A
    ]
    table = build_table(counts, PrivacyBudget(), random.Random(5), version=1, period="2025-W10")
    pairs = {(e.original, e.rewritten) for e in table.entries}
    assert pairs == {("turn the {light} on", "turn on the {light}")}
    assert set(table.priors) == {"turn the {light} on"}


def _hostile(good: bytes) -> dict[str, bytes]:
    inner = json.loads(good)
    wrong_types = dict(inner, table=json.dumps({"version": 9, "entries": "xyz", "privacy": [[1]]}))
    return {
        "nested": b"[" * 200_000,
        "nested object": b'{"v":1,"table":' + b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"}",
        "huge": b" " * 9_000_000 + b"{}",
        "wrong types": json.dumps(wrong_types).encode(),
        "table not text": json.dumps(dict(inner, table=[1, 2, 3])).encode(),
        "lone surrogate": json.dumps(dict(inner, table="\ud800")).encode(),
        "huge number": b'{"v":' + b"9" * 5_000 + b"}",
        "not utf-8": b"\xff\xfe{",
        "a list": b"[1, 2, 3]",
    }


def test_hostile_release_payloads_are_one_rejection_each_and_the_table_stays(
    tmp_path: Path, key: Ed25519PrivateKey, caplog: pytest.LogCaptureFixture
) -> None:
    target = tmp_path / "global.json"
    installer = GlobalLayerInstaller(target, public_key_hex(key))
    assert installer.offer(_release(key, 2)).outcome is InstallOutcome.ACCEPTED
    before = target.read_bytes()
    caplog.set_level(logging.WARNING, logger="edge.sync.global_layer")
    for name, raw in _hostile(_release(key, 3)).items():
        caplog.clear()
        result = installer.offer(raw)
        assert result.outcome in (InstallOutcome.MALFORMED, InstallOutcome.BAD_SIGNATURE), name
        assert result.version == 2, name
        assert len(caplog.records) == 1, (name, [r.getMessage() for r in caplog.records])
    assert target.read_bytes() == before


def test_a_deeply_nested_retained_release_does_not_crash_edge_sync(
    tmp_path: Path, key: Ed25519PrivateKey
) -> None:
    db = tmp_path / "turns.sqlite3"
    TurnStore(db).close()
    target = tmp_path / "learning" / "global.json"
    GlobalLayerInstaller(target, public_key_hex(key)).offer(_release(key, 4))
    before = target.read_bytes()
    broker = start_broker(LoopbackBroker())

    async def publish_retained(payload: bytes) -> None:
        async with MqttLink(ConnectionSettings(port=broker.port)) as publisher:
            await publisher.publish(RELEASE_TOPIC, payload, retain=True)

    overrides = {
        "sync.enabled": "true",
        "sync.tls": "false",  # a loopback test broker
        "sync.host": json.dumps("127.0.0.1"),
        "sync.port": str(broker.port),
        "sync.public_key": json.dumps(public_key_hex(key)),
        "paths.state_dir": json.dumps(str(tmp_path / "state")),
        "learning.global_table": json.dumps(str(target)),
    }
    cmd = [sys.executable, "-m", "edge", "sync", "--db", str(db), "--timeout", "2", "--profile", "x86_64-dev"]
    for name, value in overrides.items():
        cmd += ["--set", f"{name}={value}"]
    try:
        asyncio.run(publish_retained(b"[" * 200_000))
        runs = [
            subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False) for _ in range(2)
        ]
    finally:
        broker.close()
    for run in runs:  # every run, not just the first: the retained message is still there
        assert run.returncode == 0, run.stderr[-2000:]
        assert "Traceback" not in run.stderr
        assert "global layer rejected (malformed)" in run.stderr and "nested too deeply" in run.stderr
        assert "global layer version 4" in run.stdout
    assert target.read_bytes() == before
