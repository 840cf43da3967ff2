"""Fleet admission: homes are counted by enrolled device keys, never by the home id a report claims.

The attack that was found: one MQTT client publishing 30 weekly reports with random home ids got
"night night" -> "undo that" released with ``homes: 29``. Against the real aggregator process on a real
Mosquitto, that client (unsigned, with 30 self-made keys, or with one enrolled key) releases nothing; k
enrolled devices release their pair, but never one that undoes, unlocks or opens.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge.context.broker import MosquittoBroker
from edge.context.connection import ConnectionSettings
from edge.lab.fleet.admission import Admission, Verdict, admit, parse_envelopes
from edge.lab.fleet.keys import load_or_create_key
from edge.lab.fleet.process import AggregatorProcess, LoopbackBroker, start_broker
from edge.lab.fleet.storage import open_store
from edge.lab.fleet.synthetic import device_keys, enroll_keys
from edge.sync.envelope import SignedReport
from edge.sync.keyfile import key_id
from edge.sync.link import MqttLink
from edge.sync.payloads import RewritePair, WeeklyReport
from edge.sync.release import RELEASE_TOPIC, public_key_hex, verify_release
from edge.sync.uploader import report_topic

PERIOD = "2025-W10"
ATTACK = RewritePair("night night", "undo that")
ATTACKER_OWN = RewritePair("lights of", "turn off the lights", "HassTurnOff")  # harmless, but one client
GOOD = RewritePair("turn on the kitchen lite", "turn on the kitchen light", "HassTurnOn")
K = 5


def _report(*pairs: RewritePair, home: str | None = None, turns: int = 7) -> WeeklyReport:
    home = home or secrets.token_hex(32)  # a random home id, as the attacker sent
    return WeeklyReport(PERIOD, home, turns, (), (), (0,) * 11, (), pairs)


@pytest.fixture
def upstream() -> Iterator[MosquittoBroker]:
    broker = start_broker(LoopbackBroker())
    yield broker
    broker.close()


async def _publish(port: int, client_id: str, messages: list[tuple[str, bytes, str]]) -> None:
    async with MqttLink(ConnectionSettings(port=port, client_id=client_id)) as link:
        for topic, payload, message_id in messages:
            await link.publish(topic, payload, user=(("message-id", message_id),))


async def _release(port: int) -> bytes:
    async with MqttLink(ConnectionSettings(port=port, client_id="operator")) as link:
        await link.subscribe(RELEASE_TOPIC)
        await link.publish("edge-fleet/v1/control/release", b"{}")
        msg = await link.get(timeout_s=30)
    assert msg is not None, "no release was published"
    return msg.payload


def _settled(agg: AggregatorProcess) -> dict[str, int]:
    totals: dict[str, int] = {"accepted": 0, "duplicates": 0, "rejected": 0}
    for e in agg.events:
        if e.get("event") != "ingested":
            continue
        for name in totals:
            totals[name] += int(str(e.get(name, 0)))
        refused = e.get("refused")
        assert isinstance(refused, dict)
        for verdict, n in refused.items():
            totals[str(verdict)] = totals.get(str(verdict), 0) + int(n)
    return totals


def test_one_client_cannot_stand_in_for_many_homes_but_k_enrolled_devices_release(
    upstream: MosquittoBroker, tmp_path: Path
) -> None:
    db, key_file = tmp_path / "agg.sqlite3", tmp_path / "release.key"
    homes = device_keys(K, seed=1)
    attacker_enrolled = device_keys(1, seed=2)[0]  # a real device in the hands of an attacker
    enroll_keys(str(db), [*homes, attacker_enrolled])

    def wire(r: WeeklyReport, payload: bytes) -> tuple[str, bytes, str]:
        return report_topic(r), payload, r.message_id

    unsigned = [_report(ATTACK, ATTACKER_OWN) for _ in range(30)]
    self_made = [
        SignedReport.sign(_report(ATTACK, ATTACKER_OWN), Ed25519PrivateKey.generate()) for _ in range(30)
    ]
    one_key = [SignedReport.sign(_report(ATTACK, ATTACKER_OWN), attacker_enrolled) for _ in range(30)]
    signed_by_other = SignedReport.sign(_report(ATTACK, ATTACKER_OWN), Ed25519PrivateKey.generate())
    forged = SignedReport(  # claims an enrolled home's key
        signed_by_other.report, signed_by_other.text, key_id(homes[0]), signed_by_other.signature
    )
    # k enrolled homes that all sent the good pair, and (colluding or misled) the undo pair as well
    enrolled = [SignedReport.sign(_report(GOOD, ATTACK), k) for k in homes]
    attack = [wire(r, r.to_bytes()) for r in unsigned] + [
        wire(s.report, s.to_bytes()) for s in (*self_made, *one_key, forged)
    ]
    legit = [wire(s.report, s.to_bytes()) for s in enrolled]

    with AggregatorProcess(
        upstream.port, db, key_file, name="agg", extra=("--k", str(K), "--epsilon", "inf")
    ) as agg:
        asyncio.run(_publish(upstream.port, "attacker", attack))
        asyncio.run(_publish(upstream.port, "homes", legit))
        asyncio.run(_publish(upstream.port, "replayer", legit))  # a replay of every enrolled report
        expected = {"accepted": K + 1, "duplicates": K, "rejected": 29, "unsigned": 30, "unknown-key": 30}
        deadline = time.monotonic() + 90.0  # generous: the machine is shared; it stops as soon as all are in
        while time.monotonic() < deadline:
            totals = _settled(agg)
            if all(totals.get(k, 0) >= n for k, n in expected.items()) and totals.get("bad-signature"):
                break
            asyncio.run(asyncio.sleep(0.05))
        release = asyncio.run(_release(upstream.port))
    assert {k: totals.get(k, 0) for k in expected} == expected, totals
    assert totals["bad-signature"] == 1
    store = open_store(str(db))
    try:
        counts = {(c.original, c.rewritten): c.homes for c in store.pair_counts(PERIOD)}
        assert store.report_count(PERIOD) == K + 1
    finally:
        store.close()
    assert counts[(ATTACKER_OWN.original, ATTACKER_OWN.rewritten)] == 1  # 91 reports, one home
    assert counts[(ATTACK.original, ATTACK.rewritten)] == K + 1

    table, _ = verify_release(release, public_key_hex(load_or_create_key(key_file)))
    released = {(e.original, e.rewritten): e.homes for e in table.entries}
    assert released == {(GOOD.original, GOOD.rewritten): K}  # k enrolled homes release their fix
    assert not any("undo" in e.rewritten or "undo" in e.original for e in table.entries)


def _admission(raw: list[bytes], store_db: Path) -> Admission:
    store = open_store(str(store_db))
    try:
        result = Admission()
        envelopes = parse_envelopes([(r, None) for r in raw], result)
        return admit(envelopes, store.devices(e.key_id for e in envelopes), result)
    finally:
        store.close()


def test_unsigned_unknown_revoked_and_badly_signed_reports_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "agg.sqlite3"
    good, revoked, stranger = device_keys(3, seed=4)
    enroll_keys(str(db), [good, revoked])
    store = open_store(str(db))
    try:
        assert store.revoke(public_key_hex(revoked), now=1.0)
        assert not store.revoke("0" * 32, now=1.0)  # unknown: says so
        assert store.enroll(public_key_hex(revoked), now=2.0)[1] is False  # a revoked key stays revoked
    finally:
        store.close()
    ok = SignedReport.sign(_report(GOOD), good)
    tampered = ok.to_bytes().replace(b"kitchen light", b"kitchen lamp!")
    flipped = ("0" if ok.signature[0] != "0" else "1") + ok.signature[1:]
    cases = {
        Verdict.ADMITTED: ok.to_bytes(),
        Verdict.UNSIGNED: _report(GOOD).to_bytes(),
        Verdict.UNKNOWN_KEY: SignedReport.sign(_report(GOOD), stranger).to_bytes(),
        Verdict.REVOKED: SignedReport.sign(_report(GOOD), revoked).to_bytes(),
        Verdict.BAD_SIGNATURE: SignedReport(ok.report, ok.text, ok.key_id, flipped).to_bytes(),
        Verdict.INVALID: b"[" * 100_000,  # nested past the recursion limit: refused, not a crash
    }
    for verdict, raw in cases.items():
        result = _admission([raw], db)
        if verdict is Verdict.ADMITTED:
            assert len(result.admitted) == 1 and not result.rejected
        else:
            assert result.rejected == {verdict: 1} and not result.admitted, (verdict, result.detail)
    assert _admission([tampered], db).rejected  # a changed pair text breaks the signature or the schema


def test_a_replayed_report_counts_once_and_a_revoked_key_stops_counting(tmp_path: Path) -> None:
    db = tmp_path / "agg.sqlite3"
    keys = device_keys(3, seed=5)
    enroll_keys(str(db), keys)
    signed = [SignedReport.sign(_report(GOOD), k) for k in keys]
    first = _admission([s.to_bytes() for s in signed], db)
    again = _admission([s.to_bytes() for s in signed], db)
    other_home_id = _admission([SignedReport.sign(_report(GOOD), keys[0]).to_bytes()], db)
    store = open_store(str(db))
    try:
        r1 = store.ingest(first.admitted, "t", 0.0)
        r2 = store.ingest(again.admitted, "t", 0.0)
        r3 = store.ingest(other_home_id.admitted, "t", 0.0)
        assert (r1.accepted, r2.duplicates, r3.rejected) == (3, 3, 1)
        assert [c.homes for c in store.pair_counts(PERIOD)] == [3]
        store.revoke(public_key_hex(keys[0]), now=1.0)
        assert [c.homes for c in store.pair_counts(PERIOD)] == [2]
        listed = store.devices()
        assert len(listed) == 3 and sum(not d.active for d in listed.values()) == 1
    finally:
        store.close()


def test_enroll_and_revoke_from_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "agg.sqlite3"
    state = tmp_path / "state"
    key = subprocess.run(
        [
            sys.executable, "-m", "edge", "sync", "--print-device-key", "--profile", "x86_64-dev",
            "--set", f"paths.state_dir={json.dumps(str(state))}",
        ],
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout.strip()  # fmt: skip
    assert (state / "sync" / "device.key").stat().st_mode & 0o777 == 0o600
    agg = [sys.executable, "-m", "edge", "aggregator"]
    out = subprocess.run(
        [*agg, "enroll", key, "--db", str(db)], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    assert out.startswith("enrolled ")
    kid = out.split()[1]
    subprocess.run([*agg, "revoke", kid, "--db", str(db)], check=True, timeout=120, capture_output=True)
    listed = subprocess.run(
        [*agg, "devices", "--db", str(db)], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    assert listed.split() == [kid, key, "revoked"]
    bad = subprocess.run(
        [*agg, "enroll", "not-a-key", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (
        bad.returncode != 0 and "Traceback" not in bad.stderr and "64 hex digits" in bad.stderr + bad.stdout
    )
