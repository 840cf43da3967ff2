"""``edge bench reliability``, fleet part: the fleet attack and table tampering, measured end to end.

Attack (a real Mosquitto and a real ``edge aggregator`` process, k = 20 without noise: the most permissive
release rule, so noise cannot be what stops the attacker): one MQTT client publishes 30 weekly reports with
random home ids carrying "night night" -> "undo that" and a harmless pair of its own, three ways: unsigned,
signed by 30 self-made keys that were never enrolled, and signed by one enrolled key (a real device in an
attacker's hands). Then k enrolled devices each report a good pair (and the undo pair too). Figures: the
attacker's pairs in the signed release (target 0), the homes the attacker counted as, and how many of the k
enrolled homes were admitted and released their pair.

Tampering (files, the loader the runtime uses): an installed table edited on disk, its signed release
edited, a layer loaded with another key or with none, and a release signed by a compromised aggregator
that rewrites into undo/unlock/open: how many of these loads used a tampered or unsafe entry (target 0),
and whether ``edge sync``'s installer restores the signed table. Hostile retained releases (nested, huge,
wrong types) offered to the installer: how many raised instead of being rejected.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge.context.connection import ConnectionSettings
from edge.context.model import Device
from edge.lab.bench._reliability_common import Figure
from edge.lab.fleet.keys import load_or_create_key
from edge.lab.fleet.process import AggregatorProcess, LoopbackBroker, start_broker
from edge.lab.fleet.storage import open_store
from edge.lab.fleet.synthetic import device_keys, enroll_keys
from edge.sync.envelope import SignedReport
from edge.sync.global_layer import GlobalLayerInstaller, InstallOutcome
from edge.sync.instantiate import RegistryGlobalLayer
from edge.sync.link import MqttLink
from edge.sync.payloads import RewritePair, WeeklyReport
from edge.sync.release import (
    RELEASE_TOPIC,
    GlobalEntry,
    GlobalTable,
    public_key_hex,
    sign_table,
    verify_release,
)
from edge.sync.uploader import report_topic

__all__ = ["measure"]

PERIOD = "2025-W10"
K = 20
ATTACK = RewritePair("night night", "undo that")
ATTACKER_OWN = RewritePair("lights of", "turn off the lights", "HassTurnOff")
GOOD = RewritePair("turn on the kitchen lite", "turn on the kitchen light", "HassTurnOn")


def _report(*pairs: RewritePair) -> WeeklyReport:
    return WeeklyReport(PERIOD, secrets.token_hex(32), 7, (), (), (0,) * 11, (), pairs)


def _wire(r: WeeklyReport, payload: bytes) -> tuple[str, bytes, str]:
    return report_topic(r), payload, r.message_id


async def _publish(port: int, client_id: str, messages: list[tuple[str, bytes, str]]) -> None:
    async with MqttLink(ConnectionSettings(port=port, client_id=client_id)) as link:
        for topic, payload, message_id in messages:
            await link.publish(topic, payload, user=(("message-id", message_id),))


async def _release(port: int) -> bytes | None:
    async with MqttLink(ConnectionSettings(port=port, client_id="bench-operator")) as link:
        await link.subscribe(RELEASE_TOPIC)
        await link.publish("edge-fleet/v1/control/release", b"{}")
        msg = await link.get(timeout_s=60)
    return None if msg is None else msg.payload


def _attack(tmp: Path, attempts: int) -> list[Figure]:
    db, key_file = tmp / "agg.sqlite3", tmp / "release.key"
    homes = device_keys(K, seed=11)
    stolen = device_keys(1, seed=12)[0]
    enroll_keys(str(db), [*homes, stolen])
    attack = [_wire(r, r.to_bytes()) for r in (_report(ATTACK, ATTACKER_OWN) for _ in range(attempts))]
    for key in [*(Ed25519PrivateKey.generate() for _ in range(attempts)), *([stolen] * attempts)]:
        signed = SignedReport.sign(_report(ATTACK, ATTACKER_OWN), key)
        attack.append(_wire(signed.report, signed.to_bytes()))
    legit = [SignedReport.sign(_report(GOOD, ATTACK), k) for k in homes]
    broker = start_broker(LoopbackBroker())
    try:
        with AggregatorProcess(
            broker.port, db, key_file, name="bench-agg", extra=("--k", str(K), "--epsilon", "inf")
        ):
            asyncio.run(_publish(broker.port, "attacker", attack))
            asyncio.run(_publish(broker.port, "homes", [_wire(s.report, s.to_bytes()) for s in legit]))
            store = open_store(str(db))
            try:
                deadline = time.monotonic() + 60
                while store.report_count(PERIOD) < K + 1 and time.monotonic() < deadline:
                    time.sleep(0.05)
                time.sleep(0.5)  # the attacker's refused reports were published first; let them settle
                counts = {(c.original, c.rewritten): c.homes for c in store.pair_counts(PERIOD)}
                admitted = store.report_count(PERIOD)
            finally:
                store.close()
            raw = asyncio.run(_release(broker.port))
    finally:
        broker.close()
    released: dict[tuple[str, str], int] = {}
    if raw is not None:
        table, _ = verify_release(raw, public_key_hex(load_or_create_key(key_file)))
        released = {(e.original, e.rewritten): e.homes for e in table.entries}
    attacker_pairs = {(p.original, p.rewritten) for p in (ATTACK, ATTACKER_OWN)}
    good_homes = released.get((GOOD.original, GOOD.rewritten), 0)
    return [
        Figure(
            "attacker pairs released",
            sum(p in released for p in attacker_pairs),
            f"of 2 ({3 * attempts} reports: unsigned, {attempts} unenrolled keys, 1 enrolled key)",
            "0",
        ),
        Figure(
            "homes the attacker counted as",
            counts.get((ATTACKER_OWN.original, ATTACKER_OWN.rewritten), 0),
            "",
            "<= 1 per enrolled key",
        ),
        Figure("enrolled homes admitted", f"{admitted - 1} of {K}", "", f"{K} of {K}"),
        Figure("enrolled homes' pair released", f"homes {good_homes}", "", f"homes {K}"),
    ]


def _installed(tmp: Path, key: Ed25519PrivateKey, entries: tuple[GlobalEntry, ...], name: str) -> Path:
    table = GlobalTable(version=1, created="2025-03-10T00:00:00+00:00", entries=entries, period=PERIOD)
    path = tmp / name / "global.json"
    GlobalLayerInstaller(path, public_key_hex(key)).offer(sign_table(table, key))
    return path


def _tampering(tmp: Path) -> list[Figure]:
    key = Ed25519PrivateKey.generate()
    pub = public_key_hex(key)
    light = Device("light.kitchen", "kitchen light", "light", area="kitchen")
    door = Device("cover.front_door", "front door", "cover", area="hall", device_class="door")
    good = (GlobalEntry("kill {light}", "turn off {light}", 57, 1.0),)
    used = 0
    cases = 0

    def uses(path: Path, public_key: str, bad_word: str) -> bool:
        layer = RegistryGlobalLayer.load(path, public_key=public_key)
        if layer is None:
            return False
        return any(bad_word in e.rewritten for e in layer.for_devices([light, door]).entries.values())

    edited = _installed(tmp, key, good, "edited")
    edited.write_text(edited.read_text().replace("turn off", "turn on"))
    signed_edited = _installed(tmp, key, good, "signed-edited")
    signed = signed_edited.with_name("global.json.signed")
    signed.write_bytes(signed.read_bytes().replace(b"turn off", b"turn on"))
    signed_edited.write_text(signed_edited.read_text().replace("turn off", "turn on"))
    for path, public_key in ((edited, pub), (signed_edited, pub)):
        cases += 1
        used += uses(path, public_key, "turn on")
    plain = _installed(tmp, key, good, "other-key")
    for public_key in (public_key_hex(Ed25519PrivateKey.generate()), ""):
        cases += 1
        used += RegistryGlobalLayer.load(plain, public_key=public_key) is not None
    unsafe = (
        GlobalEntry("night night", "undo that", 29, 1.0),
        GlobalEntry("let me in", "unlock the {lock}", 29, 1.0),
        GlobalEntry("garage please", "open the {door}", 29, 1.0),
    )
    compromised = _installed(tmp, key, unsafe + good, "compromised")
    unsafe_used = sum(uses(compromised, pub, w) for w in ("undo", "unlock", "open"))
    restored = GlobalLayerInstaller(edited, pub).version == 1 and not uses(edited, pub, "turn on")

    installer = GlobalLayerInstaller(tmp / "hostile" / "global.json", pub)
    hostile = [b"[" * 200_000, b" " * 9_000_000, b'{"v":1,"table":5,"signature":"00"}', b"\xff\xfe", b"[1]"]
    crashed = 0
    for raw in hostile:
        try:
            outcome = installer.offer(raw).outcome
        except Exception:
            crashed += 1
            continue
        crashed += outcome is InstallOutcome.ACCEPTED
    return [
        Figure(
            "tampered tables used",
            used,
            f"of {cases} loads (edited table, edited release, other key, no key)",
            "0",
        ),
        Figure("unsafe released entries used", unsafe_used, "of 3 (undo, unlock, open; validly signed)", "0"),
        Figure("edited table restored by edge sync", "yes" if restored else "no", "", "yes"),
        Figure("hostile releases that crashed or installed", crashed, f"of {len(hostile)}", "0"),
    ]


def measure(*, quick: bool = False) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="edge-bench-fleet-reliability-") as name:
        tmp = Path(name)
        figures = _tampering(tmp)
        if shutil.which("mosquitto") is None:
            return [Figure("fleet attack", "skipped: mosquitto not found"), *figures]
        return _attack(tmp, 10 if quick else 30) + figures


if __name__ == "__main__":  # pragma: no cover - a convenience for running this part alone
    for figure in measure(quick=True):
        print(json.dumps(figure.line()))
