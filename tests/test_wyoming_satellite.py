"""The satellite role driven as Home Assistant's ``wyoming`` integration drives it (``assist_satellite.py``):
a client built with the ``wyoming`` library connects over TCP, sends ``describe`` (and sees the satellite)
and ``run-satellite``; the device's voice pipeline (real wake word, VAD and Whisper) replays a recording
of "hey jarvis, turn on the kitchen light" and the client receives ``detection``, ``run-pipeline`` and the
audio after the wake word, which Whisper hears as the request; the client answers with ``transcript``,
``synthesize`` and spoken audio (played, then ``played``); after ``pause-satellite`` the device answers by
itself again. No broker: the satellite needs none.
"""

from __future__ import annotations

import asyncio
import threading
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from test_voice_support import DEMO, engines, settings
from wyoming.asr import Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.event import Event
from wyoming.info import Describe, Info
from wyoming.pipeline import PipelineStage, RunPipeline
from wyoming.satellite import PauseSatellite, RunSatellite
from wyoming.snd import Played
from wyoming.tts import Synthesize

from edge.app import RuntimeOptions, run
from edge.audio.io import read_audio
from edge.audio.sources import ArraySource
from edge.config import Settings, load_settings
from edge.context.broker import MosquittoBroker, free_port, port_open
from edge.errors import ConfigError
from edge.events import PipelineEvent, WakeDetected
from edge.events import Transcript as HeardText
from edge.pipeline import Emit, build_pipeline
from edge.wyoming import Backend, Limits, Satellite, satellite_for, serve

READ_S = 20.0
DEMO_HOME = Path(__file__).resolve().parents[1] / "devices" / "homes" / "demo.toml"


class Handler:
    """The device's own turn engine, recorded: what it was given of each turn."""

    def __init__(self) -> None:
        self.wakes: list[str] = []
        self.texts: list[str] = []

    async def on_wake(self, wake: WakeDetected, turn_id: str) -> None:
        self.wakes.append(turn_id)

    async def on_transcript(self, transcript: HeardText, turn_id: str, emit: Emit) -> None:
        self.texts.append(transcript.text)

    async def on_no_speech(self, turn_id: str, t_ms: float) -> None:
        return None


class Player:
    """The device's speaker, recorded (rate, width, channels, seconds of each WAV played)."""

    def __init__(self) -> None:
        self.played: list[tuple[int, int, int, float]] = []

    async def play(self, wav: Path) -> None:
        with wave.open(str(wav), "rb") as w:
            rate = w.getframerate()
            self.played.append((rate, w.getsampwidth(), w.getnchannels(), w.getnframes() / rate))


async def read(client: AsyncTcpClient, within_s: float = READ_S) -> Event | None:
    async with asyncio.timeout(within_s):
        return await client.read_event()


async def until(check: Callable[[], bool], within_s: float = 5.0) -> None:
    for _ in range(int(within_s / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"not within {within_s} s")


async def replay(cfg: Settings, satellite: Satellite, handler: Handler) -> list[dict[str, object]]:
    """The demo recording through the device's pipeline with the satellite as its sink."""
    events: list[dict[str, object]] = []

    async def emit(event: PipelineEvent) -> None:
        events.append(event.to_json())

    shared = engines()
    assert shared.wake is not None
    shared.wake.reset()
    source = ArraySource(read_audio(DEMO), frame_ms=cfg.audio.frame_ms)
    pipeline = build_pipeline(cfg, source, handler, emit, engines=shared, sink=satellite)
    await pipeline.run()
    return events


async def stream_of_one_turn(client: AsyncTcpClient) -> tuple[list[Event], bytes]:
    """What the satellite sends for one turn, up to its ``audio-stop``; and the audio it streamed."""
    seen: list[Event] = []
    audio = b""
    while (event := await read(client)) is not None:
        seen.append(event)
        if AudioChunk.is_type(event.type):
            chunk = AudioChunk.from_event(event)
            assert (chunk.rate, chunk.width, chunk.channels) == (16000, 2, 1)
            assert chunk.timestamp is not None and abs(chunk.timestamp - len(audio) / 32) <= 1
            audio += chunk.audio
        if AudioStop.is_type(event.type):
            break
    return seen, audio


async def home_assistant_session(tmp_path: Path) -> None:
    cfg = load_settings(
        "x86_64-dev", None, ["wyoming.enabled=true", 'satellite.area="Kitchen"', 'satellite.site_id="hall"']
    )
    player, handler = Player(), Handler()
    satellite = satellite_for(cfg, player, wake_word=True)
    assert satellite is not None and satellite.end_stage is PipelineStage.TTS

    def no_home() -> object:
        raise AssertionError("the satellite needs no home")

    backend = Backend(cfg, no_home, wake=engines().wake, satellite=satellite)  # type: ignore[arg-type]
    port = free_port()
    ready = asyncio.Event()
    server = asyncio.create_task(
        serve(f"tcp://127.0.0.1:{port}", backend, Limits(), ready=lambda _: ready.set())
    )
    try:
        await asyncio.wait_for(ready.wait(), 10.0)
        client = AsyncTcpClient("127.0.0.1", port)
        await client.connect()

        await client.write_event(Describe().event())
        info_event = await read(client)
        assert info_event is not None and Info.is_type(info_event.type)
        sat = Info.from_event(info_event).satellite
        assert sat is not None and sat.name == "edge-hall" and sat.area == "Kitchen" and sat.has_vad
        assert sat.active_wake_words == list(cfg.wake.words) and "hey jarvis" in (sat.description or "")

        # Home Assistant runs the satellite: the turn goes to it, not to the device's own turn engine
        await client.write_event(RunSatellite().event())
        await until(lambda: satellite.running)
        events, (seen, audio) = await asyncio.gather(
            replay(cfg, satellite, handler), stream_of_one_turn(client)
        )
        kinds = [e.type for e in seen]
        assert kinds[:3] == ["detection", "run-pipeline", "audio-start"] and kinds[-1] == "audio-stop"
        run = RunPipeline.from_event(seen[1])
        assert run.start_stage is PipelineStage.ASR and run.end_stage is PipelineStage.TTS
        assert run.wake_word_name == "hey_jarvis"
        assert handler.texts == [] and handler.wakes == []
        assert "transcript" not in [e["type"] for e in events]

        # the audio is what was said after the wake word, up to the device's own end of speech
        wake = next(e for e in events if e["type"] == "wake")
        end = next(e for e in events if e["type"] == "voice_end")
        streamed_ms = len(audio) / 32.0
        speech_ms = float(end["t_ms"]) - float(wake["t_ms"])  # type: ignore[arg-type]
        # ... the speech, then the trailing silence that ends it (decided on 80 ms frames)
        assert speech_ms <= streamed_ms <= speech_ms + cfg.vad.trailing_silence_ms + 240, (
            streamed_ms,
            speech_ms,
        )
        heard = engines().recognizer.transcribe(np.frombuffer(audio, dtype="<i2").astype(np.int16), [])
        assert "kitchen light" in heard.text.lower()

        # Home Assistant's pipeline answers: the transcript, the text it says, then the spoken answer
        await client.write_event(Transcript(text="turn on the kitchen light").event())
        await client.write_event(Synthesize(text="Turned on the kitchen light").event())
        rate, tone = 22050, (np.sin(np.arange(22050) / 22050 * 2 * np.pi * 440) * 8000).astype("<i2")
        await client.write_event(AudioStart(rate=rate, width=2, channels=1).event())
        for start in range(0, len(tone), 1024):
            chunk = tone[start : start + 1024].tobytes()
            await client.write_event(AudioChunk(rate=rate, width=2, channels=1, audio=chunk).event())
        await client.write_event(AudioStop().event())
        played = await read(client)
        assert played is not None and Played.is_type(played.type), played
        assert len(player.played) == 1
        assert player.played[0][:3] == (22050, 2, 1) and player.played[0][3] == pytest.approx(1.0, abs=0.01)

        # paused: nothing streams, the device's own engine hears the request again
        await client.write_event(PauseSatellite().event())
        await until(lambda: not satellite.running)
        await replay(cfg, satellite, handler)
        assert any("kitchen light" in t.lower() for t in handler.texts), handler.texts
        with pytest.raises(TimeoutError):
            await read(client, within_s=0.5)

        # running again, then the connection ends: the device answers by itself
        await client.write_event(RunSatellite().event())
        await until(lambda: satellite.running)
        await client.disconnect()
        await until(lambda: not satellite.running)
    finally:
        server.cancel()
        await asyncio.gather(server, return_exceptions=True)


def test_home_assistant_runs_the_satellite(tmp_path: Path) -> None:
    asyncio.run(home_assistant_session(tmp_path))


async def without_satellite() -> None:
    cfg = settings()
    backend = Backend(cfg, lambda: None)  # type: ignore[arg-type,return-value]
    port = free_port()
    ready = asyncio.Event()
    server = asyncio.create_task(
        serve(f"tcp://127.0.0.1:{port}", backend, Limits(), ready=lambda _: ready.set())
    )
    try:
        await asyncio.wait_for(ready.wait(), 10.0)
        client = AsyncTcpClient("127.0.0.1", port)
        await client.connect()
        await client.write_event(Describe().event())
        info = await read(client)
        assert info is not None and Info.from_event(info).satellite is None
        await client.write_event(RunSatellite().event())
        error = await read(client)
        assert error is not None and Error.is_type(error.type)
        assert (
            Error.from_event(error).code == "unsupported" and "satellite_mode" in Error.from_event(error).text
        )
        await client.disconnect()
    finally:
        server.cancel()
        await asyncio.gather(server, return_exceptions=True)


def test_no_satellite_without_the_microphone_or_in_local_mode() -> None:
    asyncio.run(without_satellite())
    on = load_settings("x86_64-dev", None, ["wyoming.enabled=true"])
    local = load_settings("x86_64-dev", None, ["wyoming.enabled=true", 'wyoming.satellite_mode="local"'])
    assert (
        satellite_for(on, None, wake_word=False) is None
    )  # no wake word of its own: nothing to stream after
    assert satellite_for(local, None, wake_word=True) is None
    assert satellite_for(settings(), None, wake_word=True) is None  # the Wyoming server is off
    quiet = satellite_for(on, None, wake_word=True)
    assert quiet is not None and quiet.end_stage is PipelineStage.HANDLE  # no speaker: no spoken answer asked
    with pytest.raises(ConfigError, match="satellite_mode"):
        load_settings("x86_64-dev", None, ['wyoming.satellite_mode="both"'])


def test_edge_run_streams_to_home_assistant_instead_of_answering(
    broker: MosquittoBroker, tmp_path: Path
) -> None:
    """``edge run`` with ``wyoming.enabled``: the runtime's own wiring (the microphone replaced by a paced WAV
    with silence before the request, so Home Assistant connects first); its turn engine does not answer."""
    wav = tmp_path / "later.wav"
    demo = read_audio(DEMO)
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(np.concatenate([np.zeros(16000 * 8, np.int16), demo]).astype("<i2").tobytes())
    port = free_port()
    cfg = load_settings("x86_64-dev", None, [
        'mqtt.host="127.0.0.1"', f"mqtt.port={broker.port}", "wyoming.enabled=true",
        f'wyoming.uri="tcp://127.0.0.1:{port}"', 'feedback.player="none"', 'feedback.tts="espeak-ng"',
    ])  # fmt: skip
    printed: list[str] = []
    options = RuntimeOptions(
        home=DEMO_HOME, wav=wav, realtime=True, db=tmp_path / "turns.sqlite3", settle_s=0.5
    )
    thread = threading.Thread(target=lambda: asyncio.run(run(cfg, options, lambda e: printed.append(e.type))))
    thread.start()
    try:

        async def home_assistant() -> tuple[list[Event], bytes]:
            for _ in range(600):
                if port_open("127.0.0.1", port):
                    break
                await asyncio.sleep(0.1)
            client = AsyncTcpClient("127.0.0.1", port)
            await client.connect()
            await client.write_event(Describe().event())
            info = await read(client)
            assert info is not None and Info.from_event(info).satellite is not None
            await client.write_event(RunSatellite().event())
            try:
                return await stream_of_one_turn(client)
            finally:
                await client.disconnect()

        seen, audio = asyncio.run(home_assistant())
    finally:
        thread.join(60)
    run_pipeline = RunPipeline.from_event(next(e for e in seen if RunPipeline.is_type(e.type)))
    assert run_pipeline.end_stage is PipelineStage.HANDLE  # no player: Home Assistant is asked for no audio
    assert 1.0 < len(audio) / 32000 < 5.0
    assert "wake" in printed and "voice_end" in printed and "transcript" not in printed
