"""The device's fleet link (edge/sync/link.py, aiomqtt) against a real Mosquitto: it reconnects after the
broker restarts and replays its subscriptions, tells a report no subscription took or the broker refused
from a delivered one, and connects over TLS with the configured CA."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from edge.config import SyncSettings
from edge.context.broker import MosquittoBroker
from edge.context.connection import ConnectionSettings
from edge.errors import EdgeError, ErrorCode
from edge.lab.fleet.process import LoopbackBroker, start_broker
from edge.lab.fleet.synthetic import device_keys
from edge.sync.link import LinkMessage, MqttLink
from edge.sync.outbox import Outbox
from edge.sync.payloads import WeeklyReport
from edge.sync.uploader import Uploader, enqueue_report, report_topic

FAST = {"reconnect_min_s": 0.1, "reconnect_max_s": 0.5}


async def _until(check: Callable[[], bool], timeout_s: float = 20.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not check():  # noqa: ASYNC110 - polls the link's supervisor task
            await asyncio.sleep(0.02)


async def _next(link: MqttLink, topic: str, timeout_s: float = 10.0) -> LinkMessage:
    async with asyncio.timeout(timeout_s):
        while True:
            msg = await link.get(timeout_s)
            if msg is not None and msg.topic == topic:
                return msg


def _link_tasks() -> list[str]:
    return [t.get_name() for t in asyncio.all_tasks() if t.get_name().startswith("mqtt-link")]


@pytest.fixture
def upstream() -> Iterator[MosquittoBroker]:
    broker = start_broker(LoopbackBroker())
    yield broker
    broker.close()


def test_the_link_reconnects_after_the_broker_restarts_and_replays_its_subscriptions(
    upstream: MosquittoBroker,
) -> None:
    async def scenario() -> None:
        device = MqttLink(ConnectionSettings(port=upstream.port, client_id="device", **FAST))
        operator = MqttLink(ConnectionSettings(port=upstream.port, client_id="operator", **FAST))
        async with device, operator:
            await device.subscribe("fleet/down")
            await operator.subscribe("fleet/up")
            assert await operator.publish("fleet/down", b"one", user=(("message-id", "m-1"),))
            first = await _next(device, "fleet/down")
            assert (first.payload, first.prop("message-id"), first.qos) == (b"one", "m-1", 1)

            await asyncio.to_thread(start_broker, upstream, True)  # stops and starts it again
            await _until(lambda: device.connects == operator.connects == 2)
            await _until(lambda: device.connected and operator.connected)
            assert device.disconnects == operator.disconnects == 1

            # both sessions are clean: only a replayed subscription brings these in
            assert await operator.publish("fleet/down", b"two")
            assert (await _next(device, "fleet/down")).payload == b"two"
            assert await device.publish("fleet/up", b"three", user=(("message-id", "m-3"),))
            up = await _next(operator, "fleet/up")
            assert (up.payload, up.prop("message-id")) == (b"three", "m-3")
        assert _link_tasks() == []  # closed: no supervisor left behind
        assert not device.connected and device.disconnects == 1  # a close is not a lost connection

    asyncio.run(scenario())


def test_a_publish_without_a_connection_fails_at_once_and_works_again_after_reconnect(
    upstream: MosquittoBroker,
) -> None:
    async def scenario() -> float:
        async with MqttLink(ConnectionSettings(port=upstream.port, **FAST)) as link:
            await asyncio.to_thread(upstream.stop)
            await _until(lambda: not link.connected)
            t0 = time.monotonic()
            with pytest.raises(EdgeError, match="not connected") as info:
                await link.publish("fleet/up", b"x")
            waited = time.monotonic() - t0
            assert info.value.code is ErrorCode.BROKER_UNAVAILABLE
            with pytest.raises(EdgeError, match=r"no MQTT connection .* within 0.3s") as info:
                await link.wait_connected(0.3)
            assert "Connection refused" in str(info.value)  # why the attempts fail
            await asyncio.to_thread(start_broker, upstream)
            await link.wait_connected(20)
            assert link.connect_error == ""
            await link.publish("fleet/up", b"y")
        return waited

    assert asyncio.run(scenario()) < 0.5


def test_a_publish_whose_puback_cannot_come_fails_when_the_link_finds_the_connection_dead(
    upstream: MosquittoBroker,
) -> None:
    """The broker hangs (SIGSTOP): the keepalive finds the connection dead and the waiting publish fails
    then, well before its own deadline; the link reconnects once the broker runs again."""
    assert upstream.pid is not None
    pid = upstream.pid

    async def scenario() -> float:
        settings = ConnectionSettings(port=upstream.port, keepalive_s=1, **FAST)
        async with MqttLink(settings) as link:
            os.kill(pid, signal.SIGSTOP)
            try:
                t0 = time.monotonic()
                with pytest.raises(EdgeError, match="lost before the PUBACK") as info:
                    await link.publish("fleet/up", b"x", timeout_s=30.0)
                waited = time.monotonic() - t0
                assert info.value.code is ErrorCode.BROKER_UNAVAILABLE
            finally:
                os.kill(pid, signal.SIGCONT)
            await link.wait_connected(20)
            await link.publish("fleet/up", b"y")
        return waited

    assert asyncio.run(scenario()) < 15.0


class AclBroker(LoopbackBroker):
    """Per-device rights as a fleet broker gives them: a home writes reports and reads the release."""

    def _write_config(self) -> Path:
        conf = super()._write_config()
        acl = self.workdir / "acl"
        acl.write_text(
            "user home\ntopic write edge-fleet/v1/report/#\ntopic read edge-fleet/v1/release\n"
            "user aggregator\ntopic readwrite #\n"
        )
        conf.write_text(conf.read_text() + f"acl_file {acl}\n")
        return conf


def test_the_uploader_keeps_a_report_no_subscription_took_or_the_broker_refused(tmp_path: Path) -> None:
    broker = start_broker(AclBroker(users={"home": "home-pw", "aggregator": "agg-pw"}))
    report = WeeklyReport("2025-W10", "ab" * 32, 7, (), (), (0,) * 11, (), ())
    (key,) = device_keys(1, seed=5)
    home = ConnectionSettings(port=broker.port, username="home", password="home-pw", **FAST)
    agg = ConnectionSettings(port=broker.port, username="aggregator", password="agg-pw", **FAST)

    async def scenario() -> None:
        outbox = Outbox(tmp_path / "outbox.sqlite3")
        try:
            assert enqueue_report(outbox, report, key)
            async with MqttLink(home) as link:
                uploader = Uploader(outbox, link, puback_timeout_s=5.0, seed=2)
                assert await uploader.send_due() == 0  # accepted by the broker, but no aggregator took it
                assert (len(outbox), uploader.failures) == (1, 1)
                with pytest.raises(EdgeError, match=r"refused edge-fleet/v1/release .*0x87") as info:
                    await link.publish("edge-fleet/v1/release", b"forged", retain=True)
                assert info.value.code is ErrorCode.BROKER_UNAVAILABLE
                async with MqttLink(agg) as aggregator:
                    await aggregator.subscribe("$share/g/edge-fleet/v1/report/#")
                    outbox.reset_backoff()
                    assert await uploader.send_due() == 1
                    assert len(outbox) == 0
                    got = await _next(aggregator, report_topic(report))
                    assert got.prop("message-id") == report.message_id
        finally:
            outbox.close()

    try:
        asyncio.run(scenario())
    finally:
        broker.close()


def _tls_files(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a server certificate for 127.0.0.1 signed by it: (ca, cert, key) PEM files."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "edge test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


class TlsBroker(LoopbackBroker):
    """A Mosquitto whose one listener speaks TLS with a certificate from :func:`_tls_files`."""

    def _write_config(self) -> Path:
        conf = super()._write_config()
        ca, cert, key = _tls_files(self.workdir)
        conf.write_text(conf.read_text() + f"cafile {ca}\ncertfile {cert}\nkeyfile {key}\n")
        return conf


# paho (under aiomqtt) leaves the socket of a failed TLS handshake to the garbage collector, which closes
# it and warns (paho.mqtt.client.Client._ssl_wrap_socket); the refused attempts below do that on purpose
@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <ssl.SSLSocket:pytest.PytestUnraisableExceptionWarning"
)
def test_the_link_connects_over_tls_with_the_configured_ca_and_not_without_it() -> None:
    broker = start_broker(TlsBroker())
    ca = broker.workdir / "ca.pem"
    sync = SyncSettings(host="127.0.0.1", port=broker.port, tls=True, ca_file=str(ca))

    async def scenario() -> str:
        async with MqttLink(ConnectionSettings.from_sync(sync, client_id="home-tls")) as link:
            await link.subscribe("fleet/tls")
            await link.publish("fleet/tls", b"over tls")
            assert (await _next(link, "fleet/tls")).payload == b"over tls"
        no_ca = SyncSettings(host="127.0.0.1", port=broker.port)  # TLS with the system's CA store
        system_store = replace(ConnectionSettings.from_sync(no_ca), connect_timeout_s=2.0)
        with pytest.raises(EdgeError, match="no MQTT connection") as info:
            async with MqttLink(system_store):
                pass
        assert info.value.code is ErrorCode.BROKER_UNAVAILABLE
        assert _link_tasks() == []  # a failed start closes its supervisor
        return str(info.value)

    try:
        error = asyncio.run(scenario())
    finally:
        broker.close()
    assert "certificate verify failed" in error and "TLS settings" in error
