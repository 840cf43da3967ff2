"""One Wyoming connection: each event answered by the service it names, bounded, never crashing the device.

describe -> info; transcribe + audio-start/chunk/stop -> transcript; detect + audio -> detection or
not-detected; recognize -> intent or not-recognized; transcript (a request to handle, as Home Assistant sends
it to a handle program) -> handled or not-handled; synthesize -> audio-start, audio-chunk..., audio-stop.
A bad event gets an ``error`` event and one log line.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import uuid
import wave
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, TypeVar

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event, async_write_event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe
from wyoming.intent import Entity, Intent, NotRecognized, Recognize
from wyoming.ping import Ping, Pong
from wyoming.satellite import PauseSatellite, RunSatellite
from wyoming.tts import Synthesize
from wyoming.wake import Detect, Detection, NotDetected

from edge.errors import EdgeError
from edge.topics import public_slots
from edge.wyoming.audio import AudioFormat, AudioTooLong, Recording
from edge.wyoming.backend import Backend, Limits
from edge.wyoming.info import describe

__all__ = ["Connection"]

log = logging.getLogger(__name__)

TTS_CHUNK_SAMPLES = 1024
T = TypeVar("T")


class Refused(ValueError):
    """A request this device does not serve or cannot take: said back as an ``error`` event."""

    def __init__(self, message: str, code: str = "bad-request") -> None:
        super().__init__(message)
        self.code = code


class Connection:
    """The state of one client: the audio being collected, for which service (``asr`` or ``wake``)."""

    def __init__(self, backend: Backend, limits: Limits, writer: asyncio.StreamWriter, peer: str) -> None:
        self.backend, self.limits, self.writer, self.peer = backend, limits, writer, peer
        self.session_id = uuid.uuid4().hex[:12]
        self._purpose = "asr"  # what the next audio is for: "asr" (the default) or "wake"
        self._wake_names: list[str] = []
        self._recording: Recording | None = None
        self._write = asyncio.Lock()  # the satellite writes from the voice pipeline's task too

    async def send(self, event: Event) -> None:
        async with asyncio.timeout(self.limits.timeout_s), self._write:
            await async_write_event(event, self.writer)

    def closed(self) -> None:
        """The connection ended: a satellite it ran stops streaming."""
        if self.backend.satellite is not None:
            self.backend.satellite.detach(self)

    async def refuse(self, message: str, code: str = "bad-request") -> None:
        log.warning("wyoming %s: %s", self.peer, message)
        await self.send(Error(text=message, code=code).event())

    async def on_event(self, event: Event) -> None:
        """Answer one event; a :class:`Refused` or bad data becomes an ``error`` event."""
        try:
            await self._dispatch(event)
        except Refused as err:
            await self.refuse(str(err), err.code)
        except EdgeError as err:  # an engine's own error (ASR, voice): said with its code and hint
            await self.refuse(str(err), str(err.code))
        except (KeyError, TypeError, ValueError) as err:
            await self.refuse(f"bad {event.type!r} event: {err}")

    async def _dispatch(self, event: Event) -> None:
        satellite = self.backend.satellite
        if RunSatellite.is_type(event.type):
            if satellite is None:
                raise Refused(
                    "this device is not a satellite here (it needs its microphone, `edge run`, and "
                    'wyoming.satellite_mode = "ha")',
                    "unsupported",
                )
            satellite.run(self)
        elif PauseSatellite.is_type(event.type):
            if satellite is not None:
                satellite.pause(self)
        elif satellite is not None and satellite.serves(self) and await satellite.on_event(self, event):
            return  # the pipeline's answer to the satellite (transcript, spoken answer, ...)
        elif Describe.is_type(event.type):
            await self.send(describe(self.backend).event())
        elif Ping.is_type(event.type):
            await self.send(Pong(text=Ping.from_event(event).text).event())
        elif Transcribe.is_type(event.type):
            self._need(self.backend.recognizer, "ASR")
            self._purpose = "asr"
        elif Detect.is_type(event.type):
            self._need(self.backend.wake, "wake word detection")
            self._purpose, self._wake_names = "wake", list(Detect.from_event(event).names or [])
        elif AudioStart.is_type(event.type):
            start = AudioStart.from_event(event)
            self._recording = Recording(
                AudioFormat(start.rate, start.width, start.channels), self.limits.max_audio_s
            )
        elif AudioChunk.is_type(event.type):
            await self._chunk(AudioChunk.from_event(event))
        elif AudioStop.is_type(event.type):
            await self._audio_stop()
        elif Recognize.is_type(event.type):
            await self._recognize(self._text(Recognize.from_event(event).text))
        elif Transcript.is_type(event.type):
            await self._handle(self._text(Transcript.from_event(event).text))
        elif Synthesize.is_type(event.type):
            await self._synthesize(self._text(Synthesize.from_event(event).text))
        else:
            raise Refused(
                f"unknown event type {event.type!r}: this device serves describe, transcribe, "
                "detect, audio-start/chunk/stop, recognize, transcript, synthesize and "
                "run-satellite/pause-satellite",
                "unsupported",
            )

    def _need(self, engine: object, what: str) -> None:
        if engine is None:
            raise Refused(f"{what} is not served here (see describe)", "unsupported")

    def _text(self, text: Any) -> str:
        if not isinstance(text, str) or not text.strip():
            raise Refused("text must be a non-empty string")
        if len(text) > self.limits.max_text_chars:
            raise Refused(
                f"text of {len(text)} characters is over wyoming.max_text_chars "
                f"({self.limits.max_text_chars})"
            )
        return text.strip()

    async def _chunk(self, chunk: AudioChunk) -> None:
        if self._recording is None:  # a chunk with no audio-start: its own format starts the recording
            fmt = AudioFormat(chunk.rate, chunk.width, chunk.channels)
            self._recording = Recording(fmt, self.limits.max_audio_s)
        fmt = self._recording.format
        if (chunk.rate, chunk.width, chunk.channels) != (fmt.rate, fmt.width, fmt.channels):
            raise Refused("an audio-chunk's format differs from its audio-start's")
        try:
            self._recording.add(chunk.audio)
        except AudioTooLong as err:
            self._recording = None
            raise Refused(str(err), "audio-too-long") from err

    async def _audio_stop(self) -> None:
        recording, self._recording = self._recording, None
        if recording is None:
            raise Refused("audio-stop with no audio before it")
        samples = await asyncio.to_thread(recording.samples)
        if len(samples) < 160:  # under 10 ms: nothing to hear
            raise Refused("no audio between audio-start and audio-stop")
        if self._purpose == "wake":
            self._purpose = "asr"
            found = await self._bounded(
                self.backend.detect(samples, self._wake_names), self.limits.asr_timeout_s
            )
            if found is None:
                await self.send(NotDetected().event())
            else:
                await self.send(Detection(name=found.word, timestamp=int(found.t_ms)).event())
            return
        self._need(self.backend.recognizer, "ASR")
        heard = await self._bounded(self.backend.transcribe(samples), self.limits.asr_timeout_s)
        text = "" if heard.rejected else heard.text.strip()
        await self.send(Transcript(text=text, language="en").event())

    async def _recognize(self, text: str) -> None:
        self._need(self.backend.parser, "intent recognition")
        intent = await self._bounded(self.backend.recognize(text), self.limits.asr_timeout_s)
        if intent is None:
            await self.send(NotRecognized(text=text).event())
            return
        entities = [Entity(name=k, value=v) for k, v in public_slots(intent.name, intent.slots).items()]
        entities += [Entity(name="target", value=t) for t in intent.targets]
        await self.send(Intent(name=intent.name, entities=entities, text=text).event())

    async def _handle(self, text: str) -> None:
        self._need(self.backend.driver, "handling requests")
        record = await self._bounded(self.backend.handle(text, self.session_id), self.limits.turn_timeout_s)
        answer = record.response
        if record.intent is None or record.result_ok is False:
            await self.send(NotHandled(text=answer).event())
        else:
            await self.send(Handled(text=answer).event())

    async def _synthesize(self, text: str) -> None:
        self._need(self.backend.tts, "speech synthesis")
        with tempfile.TemporaryDirectory(prefix="edge-wyoming-") as tmp:
            out = Path(tmp) / "say.wav"
            seconds = await self._bounded(self.backend.synthesize(text, out), self.limits.turn_timeout_s)
            if seconds <= 0 or not out.exists():
                raise Refused(f"the voice made no audio for {text[:40]!r}", "tts-failed")
            with wave.open(str(out), "rb") as wav:
                rate, width, channels = wav.getframerate(), wav.getsampwidth(), wav.getnchannels()
                await self.send(AudioStart(rate=rate, width=width, channels=channels).event())
                while frames := wav.readframes(TTS_CHUNK_SAMPLES):
                    await self.send(
                        AudioChunk(rate=rate, width=width, channels=channels, audio=frames).event()
                    )
        await self.send(AudioStop().event())

    async def _bounded(self, work: Awaitable[T], timeout_s: float) -> T:
        try:
            async with asyncio.timeout(timeout_s):
                return await work
        except TimeoutError as err:
            raise Refused(f"no answer within {timeout_s:g} s", "timeout") from err
