"""The Wyoming server driven by the ``wyoming`` client library over TCP, as Home Assistant drives it: the
runtime without its microphone (``edge wyoming``), the demo home simulated on a real Mosquitto, real models.

describe -> info; espeak-ng speech in (at 22.05 kHz stereo, converted on the way) -> transcript; recognize
-> intent; a request handled by the turn engine changes a device on the broker; synthesize -> audio back.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.event import Event
from wyoming.handle import Handled
from wyoming.info import Describe, Info
from wyoming.intent import Intent, NotRecognized, Recognize
from wyoming.tts import Synthesize
from wyoming.wake import Detect, Detection, NotDetected

from edge.app import RuntimeOptions, run
from edge.config import load_settings
from edge.context.broker import MosquittoBroker, free_port, port_open
from edge.nlu.catalogue import CATALOGUE

ROOT = Path(__file__).resolve().parents[1]
DEMO_HOME = ROOT / "devices" / "homes" / "demo.toml"


@dataclass(frozen=True, slots=True)
class Served:
    uri_host: str
    port: int
    broker_port: int


def serve_in_thread(settings_lines: list[str], db: Path) -> tuple[threading.Thread, Callable[[], None]]:
    """``edge wyoming`` (the runtime with ``listen=False``) on its own event loop in a thread."""
    settings = load_settings("x86_64-dev", None, settings_lines)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    async def main() -> None:
        task = asyncio.create_task(run(settings, RuntimeOptions(home=DEMO_HOME, db=db, listen=False), print))
        waiter = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        task.cancel()
        waiter.cancel()
        await asyncio.gather(task, waiter, return_exceptions=True)
        if task in done and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]

    def target() -> None:
        try:
            loop.run_until_complete(main())
        finally:
            loop.close()

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, lambda: loop.call_soon_threadsafe(stop.set)


def wait_port(port: int, within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while not port_open("127.0.0.1", port):
        assert time.monotonic() < deadline, f"the Wyoming server did not listen on {port} in {within_s} s"
        time.sleep(0.25)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("wyoming")
    port = free_port()
    with MosquittoBroker() as broker:
        sim = subprocess.Popen(
            [sys.executable, "-m", "edge", "simulate", "--home", str(DEMO_HOME),
             "--broker", f"127.0.0.1:{broker.port}"],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert sim.stdout is not None and json.loads(sim.stdout.readline())["ready"] is True
            thread, stop = serve_in_thread([
                'mqtt.host="127.0.0.1"', f"mqtt.port={broker.port}", 'satellite.site_id="wy-test"',
                'satellite.area="kitchen"', 'feedback.tts="espeak-ng"', "wyoming.enabled=true",
                f'wyoming.uri="tcp://127.0.0.1:{port}"', "wyoming.max_audio_s=20", "wyoming.timeout_s=60",
                "mqtt.command_timeout_s=10",
            ], tmp / "turns.sqlite3")  # fmt: skip
            try:
                wait_port(port, 240)  # the models load first (Whisper, openWakeWord, the NLU)
                yield Served("127.0.0.1", port, broker.port)
            finally:
                stop()
                thread.join(30)
        finally:
            sim.terminate()
            sim.wait(10)
            if sim.stdout is not None:
                sim.stdout.close()


async def exchange(served: Served, events: list[Event], until: Callable[[Event], bool]) -> list[Event]:
    """Send ``events``, then read until ``until`` says the answer is complete (20 s bound per event)."""
    got: list[Event] = []
    async with AsyncTcpClient(served.uri_host, served.port) as client:
        for event in events:
            await client.write_event(event)
        while True:
            event = await asyncio.wait_for(client.read_event(), 60)
            assert event is not None, f"the server closed the connection after {[e.type for e in got]}"
            got.append(event)
            if until(event):
                return got


def talk(served: Served, events: list[Event], until: Callable[[Event], bool]) -> list[Event]:
    return asyncio.run(exchange(served, events, until))


def audio_events(path: Path, rate: int, channels: int) -> list[Event]:
    """A 16 kHz mono WAV sent as ``rate`` Hz, ``channels`` channels (as another satellite's mic might)."""
    with wave.open(str(path), "rb") as w:
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32)
    positions = np.arange(0, len(samples), 16_000 / rate)
    converted = np.interp(positions, np.arange(len(samples)), samples).astype("<i2")
    raw = np.repeat(converted, channels).tobytes()
    step = 2 * channels * 1024
    chunks = [AudioChunk(rate=rate, width=2, channels=channels, audio=raw[i : i + step]).event()
              for i in range(0, len(raw), step)]  # fmt: skip
    return [AudioStart(rate=rate, width=2, channels=channels).event(), *chunks, AudioStop().event()]


def test_describe_advertises_the_services(served: Served) -> None:
    (event,) = talk(served, [Describe().event()], lambda e: Info.is_type(e.type))
    info = Info.from_event(event)
    assert info.asr[0].models[0].languages == ["en"] and info.asr[0].installed
    assert [m.name for m in info.wake[0].models] == ["hey_jarvis"]
    assert info.wake[0].models[0].phrase == "hey jarvis"
    names = {m.name for m in info.intent[0].models}
    assert {s.name for s in CATALOGUE} <= names and "HassTurnOn" in names
    assert info.handle[0].supports_home_control
    assert info.tts[0].voices[0].name and info.tts[0].voices[0].languages == ["en"]


def test_speech_in_transcript_and_intent_out(served: Served, synth: Callable[..., Path]) -> None:
    wav = synth("turn on the kitchen light")
    events = [Transcribe(language="en").event(), *audio_events(wav, 22_050, 2)]
    answer = talk(served, events, lambda e: Transcript.is_type(e.type) or Error.is_type(e.type))[-1]
    assert Transcript.is_type(answer.type), answer
    text = Transcript.from_event(answer).text
    assert "kitchen light" in text.lower(), text
    got = talk(
        served, [Recognize(text=text).event()], lambda e: Intent.is_type(e.type) or e.type == "not-recognized"
    )
    intent = Intent.from_event(got[-1])
    entities = {e.name: e.value for e in intent.entities}
    assert intent.name == "HassTurnOn" and entities["name"] == "kitchen light", intent
    assert "domain" not in entities and entities["target"] == "light.kitchen"
    assert intent.text == text


def test_not_recognized(served: Served) -> None:
    got = talk(served, [Recognize(text="what is the capital of france").event()],
               lambda e: Intent.is_type(e.type) or NotRecognized.is_type(e.type))  # fmt: skip
    assert NotRecognized.is_type(got[-1].type), got[-1]


def test_handle_changes_a_device_on_the_broker(served: Served) -> None:
    seen: list[dict[str, object]] = []
    sub = mqtt.Client(CallbackAPIVersion.VERSION2)
    sub.on_message = lambda _c, _u, m: seen.append(json.loads(m.payload))
    sub.connect("127.0.0.1", served.broker_port)
    sub.subscribe("home/light/kitchen_counter/set")
    sub.subscribe("home/light/kitchen/set")
    sub.loop_start()
    try:
        got = talk(served, [Transcript(text="turn off the kitchen light").event()],
                   lambda e: e.type in ("handled", "not-handled", "error"))  # fmt: skip
    finally:
        sub.loop_stop()
        sub.disconnect()
    assert Handled.is_type(got[-1].type), got[-1]
    assert "kitchen light" in Handled.from_event(got[-1]).text.lower()
    assert {"state": "OFF"} in seen, seen


def test_synthesize_returns_audio(served: Served) -> None:
    got = talk(
        served, [Synthesize(text="The kitchen light is on.").event()], lambda e: AudioStop.is_type(e.type)
    )
    start = AudioStart.from_event(got[0])
    audio = b"".join(AudioChunk.from_event(e).audio for e in got if AudioChunk.is_type(e.type))
    seconds = len(audio) / (start.rate * start.width * start.channels)
    assert 0.8 < seconds < 5.0, seconds


def test_wake_word_detection(served: Served, synth: Callable[..., Path]) -> None:
    wake = synth("hey jarvis", speed=140)
    got = talk(served, [Detect(names=["hey_jarvis"]).event(), *audio_events(wake, 16_000, 1)],
               lambda e: e.type in ("detection", "not-detected", "error"))  # fmt: skip
    assert Detection.is_type(got[-1].type) and Detection.from_event(got[-1]).name == "hey_jarvis", got[-1]
    quiet = synth("the weather is nice today")
    got = talk(served, [Detect().event(), *audio_events(quiet, 16_000, 1)],
               lambda e: e.type in ("detection", "not-detected", "error"))  # fmt: skip
    assert NotDetected.is_type(got[-1].type), got[-1]


def test_bad_events_get_an_error_and_the_server_lives_on(served: Served) -> None:
    unknown = talk(served, [Event(type="no-such-event")], lambda e: True)[-1]
    assert Error.is_type(unknown.type) and Error.from_event(unknown).code == "unsupported"
    empty = talk(served, [Recognize(text="  ").event()], lambda e: True)[-1]
    assert Error.is_type(empty.type) and "non-empty" in Error.from_event(empty).text
    too_long = [AudioStart(rate=16_000, width=2, channels=1).event()] + [
        AudioChunk(rate=16_000, width=2, channels=1, audio=bytes(32_000 * 5)).event() for _ in range(5)
    ]
    refused = talk(served, [Transcribe().event(), *too_long], lambda e: Error.is_type(e.type))[-1]
    assert Error.from_event(refused).code == "audio-too-long"
    silent = [AudioStart(rate=16_000, width=2, channels=1).event(), AudioStop().event()]
    nothing = talk(served, [Transcribe().event(), *silent], lambda e: Error.is_type(e.type))[-1]
    assert "no audio" in Error.from_event(nothing).text
    bad_format = talk(served, [AudioStart(rate=16_000, width=3, channels=1).event()], lambda e: True)[-1]
    assert Error.is_type(bad_format.type) and "width" in Error.from_event(bad_format).text

    async def garbage() -> Event | None:
        reader, writer = await asyncio.open_connection(served.uri_host, served.port)
        writer.write(b"this is not json\n")
        await writer.drain()
        from wyoming.event import async_read_event  # noqa: PLC0415 - lazy: only this check reads raw

        try:
            return await asyncio.wait_for(async_read_event(reader), 10)
        finally:
            writer.close()

    answer = asyncio.run(garbage())
    assert answer is not None and Error.is_type(answer.type)
    (info,) = talk(served, [Describe().event()], lambda e: Info.is_type(e.type))  # still serving
    assert Info.is_type(info.type)


def test_edge_run_serves_wyoming_beside_the_microphone_path(broker: MosquittoBroker, tmp_path: Path) -> None:
    """``[wyoming] enabled`` in ``edge run``: the server runs in the runtime's TaskGroup while the voice
    pipeline hears a file (paced like a microphone), and stops with it."""
    port = free_port()
    settings = load_settings("x86_64-dev", None, [
        'mqtt.host="127.0.0.1"', f"mqtt.port={broker.port}", 'feedback.tts="none"', "wyoming.enabled=true",
        f'wyoming.uri="tcp://127.0.0.1:{port}"',
    ])  # fmt: skip
    wav = ROOT / "edge" / "assets" / "demo_kitchen_light.wav"
    options = RuntimeOptions(home=DEMO_HOME, wav=wav, realtime=True, db=tmp_path / "t.sqlite3", settle_s=0.5)
    served = Served("127.0.0.1", port, broker.port)

    async def go() -> tuple[int, Info, list[str]]:
        printed: list[str] = []
        runtime = asyncio.create_task(run(settings, options, lambda e: printed.append(str(e.type))))
        while not port_open("127.0.0.1", port):
            assert not runtime.done(), "the runtime ended before the Wyoming server listened"
            await asyncio.sleep(0.1)
        (event,) = await exchange(served, [Describe().event()], lambda e: Info.is_type(e.type))
        return await asyncio.wait_for(runtime, 60), Info.from_event(event), printed

    code, info, printed = asyncio.run(go())
    assert code == 0 and info.wake and info.asr and info.handle
    assert "transcript" in printed and "response" in printed  # the microphone path heard its turn meanwhile
    assert not port_open("127.0.0.1", port), "the server stops with the runtime"
