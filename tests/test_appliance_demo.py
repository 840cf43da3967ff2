"""`edge demo` leaves the house as it found it: a broker it did not start keeps exactly its retained topics,
a failed replayed turn exits non-zero, and nothing it started outlives it (SIGTERM or SIGKILL)."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiomqtt
import pytest

from edge.context.broker import MosquittoBroker
from edge.lab.retained import read_retained

ROOT = Path(__file__).resolve().parent.parent
EDGE = [sys.executable, "-m", "edge"]
SLOW = ["--set", "asr.timeout_s=200", "--set", "mqtt.command_timeout_s=15", "--set", 'feedback.tts="none"']
# what a real house has retained on its broker: a discovery config, a state, a Zigbee2MQTT device list
OWNER = {
    "homeassistant/light/real_hall/config": b'{"name":"Hall","command_topic":"real/hall/set",'
    b'"state_topic":"real/hall"}',
    "real/hall": b"ON",
    "zigbee2mqtt/bridge/devices": b"[]",
    "edge/other-site/health": b'{"status":"online"}',
}


def _publish(port: int, items: dict[str, bytes]) -> None:
    async def go() -> None:
        async with aiomqtt.Client("127.0.0.1", port, timeout=5) as client:
            for topic, body in items.items():
                await client.publish(topic, body, qos=1, retain=True)

    asyncio.run(go())


def _retained(port: int) -> dict[str, bytes]:
    return {t: b for t, b in asyncio.run(read_retained("127.0.0.1", port)).items() if not t.startswith("$")}


@pytest.fixture
def system_broker(broker: MosquittoBroker) -> Iterator[MosquittoBroker]:
    """The owner's Mosquitto (on a free port standing in for 1883), with retained topics of its own."""
    _publish(broker.port, OWNER)
    assert _retained(broker.port) == OWNER
    yield broker


def _demo(tmp: Path, *extra: str) -> list[str]:
    return [*EDGE, "demo", "--set", f'feedback.db_path="{tmp}/t.sqlite3"', *SLOW, *extra]


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(argv, capture_output=True, text=True, timeout=400, check=False)
    if "listening on the microphone" in out.stdout:
        pytest.skip("this machine has a microphone: `edge demo` listens instead of replaying its WAV")
    return out


def test_demo_beside_a_system_broker_starts_its_own_and_leaves_that_one_exactly_as_it_was(
    system_broker: MosquittoBroker, tmp_path: Path
) -> None:
    out = _run(_demo(tmp_path, "--set", f"mqtt.port={system_broker.port}"))
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert f"a broker already listens on 127.0.0.1:{system_broker.port}; it is left alone" in out.stdout
    assert "confirmed by the device" in out.stdout
    assert _retained(system_broker.port) == OWNER


def test_demo_on_a_broker_named_for_it_removes_everything_it_published_there(
    system_broker: MosquittoBroker, tmp_path: Path
) -> None:
    out = _run(_demo(tmp_path, "--broker", f"127.0.0.1:{system_broker.port}"))
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "using the broker you named" in out.stdout
    assert "confirmed by the device" in out.stdout  # it did act there: the simulated home was on that broker
    assert _retained(system_broker.port) == OWNER


def test_demo_named_broker_that_is_not_there_is_one_clear_error(tmp_path: Path) -> None:
    from edge.context.broker import free_port  # noqa: PLC0415 - lazy: only this test needs a closed port

    out = _run(_demo(tmp_path, "--broker", f"127.0.0.1:{free_port()}"))
    assert out.returncode == 1
    assert "no MQTT broker listens on 127.0.0.1:" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_simulated_home_that_cannot_start_is_one_clear_error(tmp_path: Path) -> None:
    out = _run(_demo(tmp_path, "--home", str(tmp_path / "no-such-home.toml")))
    assert out.returncode == 1
    assert "the simulated home did not start: it exited with code 1" in out.stderr
    assert "Traceback" not in out.stderr


def test_demo_exits_non_zero_when_the_replayed_turn_fails(tmp_path: Path) -> None:
    # an ASR stage that cannot finish in time: the error was printed and the demo exited 0
    argv = [*_demo(tmp_path), "--set", "asr.timeout_s=0.001"]
    out = _run(argv)
    assert out.returncode == 1, out.stdout[-2000:]
    assert "the replayed turn failed" in out.stderr
    assert "ASR took longer" in out.stderr


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


def _started(proc: subprocess.Popen[str]) -> list[int]:
    """Read the demo's lines until it replays; the pids of the broker and simulator it started."""
    assert proc.stdout is not None
    pids: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        assert line, "the demo ended before it replayed"
        if "listening on the microphone" in line:
            pytest.skip("this machine has a microphone")
        pids += [int(p) for p in re.findall(r"\(pid (\d+)\)", line)]
        if line.startswith("demo: replaying"):
            return pids
    pytest.fail("the demo did not start replaying in 120 s")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_killing_the_demo_leaves_nothing_it_started(
    sig: signal.Signals, system_broker: MosquittoBroker, tmp_path: Path
) -> None:
    proc = subprocess.Popen(
        _demo(tmp_path, "--set", f"mqtt.port={system_broker.port}"),
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        pids = _started(proc)
        assert len(pids) == 2 and all(_alive(p) for p in pids), pids  # its Mosquitto and its simulator
        proc.send_signal(sig)
        code = proc.wait(30)
        deadline = time.monotonic() + 15
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p in pids if _alive(p)], f"left running after {sig.name}: {pids}"
        assert code != 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        assert proc.stdout is not None
        proc.stdout.close()
    assert _retained(system_broker.port) == OWNER


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_killing_the_demo_on_a_named_broker_takes_back_what_it_published(
    sig: signal.Signals, system_broker: MosquittoBroker, tmp_path: Path
) -> None:
    """SIGKILL runs none of the demo's clean-up: its simulator (ended by the parent-death signal) takes
    back the simulated home and the runtime's own topics, its last will included."""
    proc = subprocess.Popen(
        _demo(tmp_path, "--broker", f"127.0.0.1:{system_broker.port}"),
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        pids = _started(proc)
        assert set(_retained(system_broker.port)) > set(OWNER)  # the simulated home is there now
        deadline = time.monotonic() + 120
        while not _runtime_health(system_broker.port) and time.monotonic() < deadline:
            time.sleep(0.3)  # the runtime is connected (its health retained) before it is killed
        assert _runtime_health(system_broker.port), "the runtime never published its health"
        proc.send_signal(sig)
        assert proc.wait(30) == (128 + sig if sig is signal.SIGTERM else -sig)
        deadline = time.monotonic() + 15
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p in pids if _alive(p)], f"left running after {sig.name}: {pids}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        assert proc.stdout is not None
        proc.stdout.close()
    assert _retained(system_broker.port) == OWNER


def _runtime_health(port: int) -> list[str]:
    return [t for t in _retained(port) if t.endswith("/health") and t not in OWNER]
