"""The Wyoming satellite role (docs/wyoming.md, "Satellite"): the device's microphone in Home Assistant's
voice pipeline, as ``wyoming-satellite`` (rhasspy/wyoming-satellite, ``WakeStreamingSatellite``) and Home
Assistant's ``wyoming`` integration (``assist_satellite.py``) talk.

Home Assistant connects and sends ``run-satellite``. After the device's own wake word the satellite sends
``detection``, ``run-pipeline`` (start at ``asr``, end at ``tts``, or ``handle`` without a speaker) and the
audio after the wake word (``audio-start``, ``audio-chunk``..., 16 kHz mono int16) until the device's own
endpoint (``audio-stop``). Home Assistant answers with ``transcript``, ``synthesize`` (what it will say) and
the spoken answer (``audio-start``/``audio-chunk``/``audio-stop``), played with the device's player when it
has one, then ``played``. ``pause-satellite`` (or the connection ending) stops streaming: the device's own
turn engine answers again. One Home Assistant at a time: the latest ``run-satellite`` wins.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
import wave
from pathlib import Path
from typing import Protocol

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event
from wyoming.pipeline import PipelineStage, RunPipeline
from wyoming.snd import Played
from wyoming.tts import Synthesize
from wyoming.vad import VoiceStarted, VoiceStopped
from wyoming.wake import Detection

from edge import events
from edge.config import Settings
from edge.dialog.tts import Player
from edge.wyoming.audio import AudioFormat, AudioTooLong, Recording

__all__ = ["Link", "Satellite", "satellite_for"]

log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 5.0  # a Home Assistant that does not read for this long loses the satellite
MAX_ANSWER_S = 120.0  # the longest spoken answer kept to play
IGNORED = ("timer-started", "timer-updated", "timer-cancelled", "timer-finished", "pong")


class Link(Protocol):
    """The connection Home Assistant runs the satellite on."""

    peer: str

    async def send(self, event: Event) -> None: ...


class Satellite:
    """Implements the voice pipeline's ``TurnAudioSink``; the server routes a satellite connection's
    events here (:meth:`on_event`)."""

    def __init__(self, *, player: Player | None, end_stage: PipelineStage = PipelineStage.TTS) -> None:
        self.player = player
        self.end_stage = end_stage
        self._link: Link | None = None
        self._paused = True
        self._turn = ""  # the turn being streamed
        self._t0_ms = 0.0  # its wake word's stream time
        self._answer: Recording | None = None
        self._playing: set[asyncio.Task[None]] = set()

    @property
    def running(self) -> bool:
        """Home Assistant is connected and has the satellite running (not paused)."""
        return self._link is not None and not self._paused

    def serves(self, link: Link) -> bool:
        return link is self._link

    # -- from Home Assistant ------------------------------------------------------------------------------

    def run(self, link: Link) -> None:
        if self._link is not None and self._link is not link:
            log.info("wyoming satellite: %s takes over from %s", link.peer, self._link.peer)
        self._link, self._paused, self._turn = link, False, ""
        log.info("wyoming satellite: running for %s (the audio after the wake word goes there)", link.peer)

    def pause(self, link: Link) -> None:
        if link is self._link:
            self._paused, self._turn = True, ""
            log.info("wyoming satellite: paused by %s (the device answers by itself)", link.peer)

    def detach(self, link: Link) -> None:
        """The connection ended: streaming stops, a spoken answer being played is stopped."""
        if link is not self._link:
            return
        self._link, self._paused, self._turn, self._answer = None, True, "", None
        for task in self._playing:
            task.cancel()
        log.info("wyoming satellite: %s is gone (the device answers by itself)", link.peer)

    async def on_event(self, link: Link, event: Event) -> bool:
        """Handle an event of the satellite's connection; False leaves it to the other services."""
        kind = event.type
        if Transcript.is_type(kind) or Error.is_type(kind):
            if self._turn:  # Home Assistant decided (its own end of speech, or a failure): stop streaming
                log.info("wyoming satellite: %s ends the turn (%s)", link.peer, kind)
                self._turn = ""
            if Error.is_type(kind):
                log.warning("wyoming satellite: %s says: %s", link.peer, Error.from_event(event).text)
            return True
        if AudioStart.is_type(kind):
            start = AudioStart.from_event(event)
            self._answer = Recording(AudioFormat(start.rate, start.width, start.channels), MAX_ANSWER_S)
            return True
        if AudioChunk.is_type(kind):
            self._add_answer(AudioChunk.from_event(event))
            return True
        if AudioStop.is_type(kind):
            answer, self._answer = self._answer, None
            task = asyncio.create_task(self._play(link, answer), name="wyoming-satellite-play")
            self._playing.add(task)
            task.add_done_callback(self._playing.discard)
            return True
        # what Home Assistant tells a satellite about its pipeline (its text, its VAD, timers): no answer
        quiet = (Synthesize, Transcribe, VoiceStarted, VoiceStopped, Detection)
        return kind in IGNORED or any(t.is_type(kind) for t in quiet)

    def _add_answer(self, chunk: AudioChunk) -> None:
        if self._answer is None:
            self._answer = Recording(AudioFormat(chunk.rate, chunk.width, chunk.channels), MAX_ANSWER_S)
        try:
            self._answer.add(chunk.audio)
        except AudioTooLong:
            log.warning("wyoming satellite: an answer over %g s; not played", MAX_ANSWER_S)
            self._answer = None

    async def _play(self, link: Link, answer: Recording | None) -> None:
        """Play the answer (when the device has a player), then tell Home Assistant it was played."""
        if answer is not None and self.player is not None:
            with tempfile.TemporaryDirectory(prefix="edge-satellite-") as tmp:
                path = Path(tmp) / "answer.wav"
                await asyncio.to_thread(_write_wav, path, answer)
                try:
                    async with asyncio.timeout(MAX_ANSWER_S + 5.0):
                        await self.player.play(path)
                except Exception as err:  # a player that fails costs the sound, never the connection
                    log.warning("wyoming satellite: could not play the answer: %s", err)
        if link is self._link:
            await self._send(Played().event())

    # -- the voice pipeline's TurnAudioSink ----------------------------------------------------------------

    async def turn_started(self, wake: events.WakeDetected, turn_id: str) -> bool:
        if not self.running:
            return False
        self._turn = turn_id  # a pause or transcript while these are written ends it (nothing streams)
        self._t0_ms = wake.t_ms  # chunk timestamps count from audio-start
        run = RunPipeline(start_stage=PipelineStage.ASR, end_stage=self.end_stage, wake_word_name=wake.word)
        start = AudioStart(rate=events.SAMPLE_RATE, width=2, channels=1, timestamp=0)
        for event in (Detection(name=wake.word, timestamp=int(wake.t_ms)), run, start):
            if not await self._send(event.event()):
                return False  # Home Assistant is gone: the device answers this turn itself
        log.info("wyoming satellite: %s heard; streaming to Home Assistant", wake.word)
        return True

    async def turn_audio(self, turn_id: str, chunk: events.AudioChunk) -> None:
        if turn_id and turn_id == self._turn:
            audio = chunk.samples.astype("<i2").tobytes()
            stamp = max(0, round(chunk.t_ms - self._t0_ms))
            await self._send(
                AudioChunk(rate=events.SAMPLE_RATE, width=2, channels=1, audio=audio, timestamp=stamp).event()
            )

    async def turn_ended(self, turn_id: str, reason: str) -> None:
        if turn_id and turn_id == self._turn:
            self._turn = ""
            log.info("wyoming satellite: end of speech (%s)", reason)
            await self._send(AudioStop().event())

    async def _send(self, event: Event) -> bool:
        link = self._link
        if link is None:
            return False
        try:
            async with asyncio.timeout(SEND_TIMEOUT_S):
                await link.send(event)
        except Exception as err:  # the microphone's task goes on whatever the socket does
            log.warning(
                "wyoming satellite: %s cannot be reached (%s: %s); the device answers by itself",
                link.peer, type(err).__name__, err,
            )  # fmt: skip
            self.detach(link)
            return False
        return True


def _write_wav(path: Path, answer: Recording) -> None:
    fmt = answer.format
    with contextlib.closing(wave.open(str(path), "wb")) as out:
        out.setnchannels(fmt.channels)
        out.setsampwidth(fmt.width)
        out.setframerate(fmt.rate)
        out.writeframes(answer.raw())


def satellite_for(settings: Settings, player: Player | None, *, wake_word: bool) -> Satellite | None:
    """The satellite of ``edge run`` (Wyoming enabled, ``wyoming.satellite_mode = "ha"``, a microphone with
    its wake word), else None. Without a player it asks Home Assistant for no spoken answer (``handle``)."""
    if not (settings.wyoming.enabled and settings.wyoming.satellite_mode == "ha" and wake_word):
        return None
    end = PipelineStage.TTS if player is not None else PipelineStage.HANDLE
    return Satellite(player=player, end_stage=end)
