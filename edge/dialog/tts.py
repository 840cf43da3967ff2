"""Speaking: a TTS engine makes a WAV, a player plays it, a :class:`Speaker` makes it cancellable.

Engines: piper (:mod:`edge.dialog.piper`, in-process, where the firmware profile allows it and the
``voice`` extra is installed), espeak-ng (a subprocess; the fallback), none. Players: ``aplay`` or sox
``play`` when present; with no player (or no output device) the response is only synthesized, and its
duration still tells barge-in detection how long it would have lasted.
A barge-in calls :meth:`Speaker.interrupt`, which kills the player process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import wave
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from edge.config import Settings
from edge.dialog.piper import PiperTTS, choose_voice
from edge.errors import EdgeError, ErrorCode

__all__ = [
    "TTS",
    "CommandPlayer",
    "EspeakTTS",
    "FallbackTTS",
    "NoTTS",
    "Player",
    "SentenceTTS",
    "Speaker",
    "Utterance",
    "make_tts",
]

log = logging.getLogger(__name__)


class TTS(Protocol):
    @property
    def name(self) -> str: ...

    async def synthesize(self, text: str, out: Path) -> float:
        """Write ``text`` as a WAV to ``out``; return its duration in seconds (0 when nothing is made)."""
        ...


@runtime_checkable
class SentenceTTS(Protocol):
    """An engine that can hand over a response piece by piece (piper: clause by clause), so the first plays
    early."""

    def sentences(self, text: str, out: Path) -> AsyncGenerator[tuple[Path, float], None]:
        """One WAV per piece (named after ``out``) with its duration, each as soon as it is made."""
        ...


class Player(Protocol):
    async def play(self, wav: Path) -> None:
        """Play to the end; cancelling the awaiting task stops the sound at once."""
        ...


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())


async def _run(argv: Sequence[str], timeout_s: float, stdin: bytes | None = None) -> None:
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(timeout_s):
            _out, err = await proc.communicate(stdin)
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        raise
    if proc.returncode != 0:
        raise EdgeError(
            f"{argv[0]} failed: {err.decode(errors='replace').strip()[:200]}",
            hint="check the TTS installation, or set feedback.tts=none",
            code=ErrorCode.DEVICE_ERROR,
        )


@dataclass(slots=True)
class EspeakTTS:
    voice: str = "en-us"
    speed: int = 165
    timeout_s: float = 10.0
    name: str = "espeak-ng"

    async def synthesize(self, text: str, out: Path) -> float:
        exe = shutil.which("espeak-ng")
        if exe is None:
            raise EdgeError("espeak-ng is not installed", hint="sudo apt-get install espeak-ng, or tts=none")
        await _run([exe, "-v", self.voice, "-s", str(self.speed), "-w", str(out), text], self.timeout_s)
        return wav_seconds(out)


@dataclass(slots=True)
class NoTTS:
    name: str = "none"

    async def synthesize(self, text: str, out: Path) -> float:
        return 0.0


@dataclass(slots=True)
class FallbackTTS:
    """``primary`` (piper) while it works; after its first failure one log line, then ``fallback``."""

    primary: TTS
    fallback: TTS
    failed: bool = False

    @property
    def name(self) -> str:
        return self.fallback.name if self.failed else self.primary.name

    async def synthesize(self, text: str, out: Path) -> float:
        if not self.failed:
            try:
                return await self.primary.synthesize(text, out)
            except EdgeError as err:
                self.failed = True
                log.warning(
                    "%s failed, speaking with %s from now on: %s", self.primary.name, self.fallback.name, err
                )
        return await self.fallback.synthesize(text, out)

    async def load(self) -> None:
        """Load the primary now (at start-up) rather than on the first response; a failure switches over."""
        load = getattr(self.primary, "load", None)
        if self.failed or load is None:
            return
        try:
            await load()
        except EdgeError as err:
            self.failed = True
            log.warning("%s cannot load, speaking with %s: %s", self.primary.name, self.fallback.name, err)

    async def sentences(self, text: str, out: Path) -> AsyncGenerator[tuple[Path, float], None]:
        """The primary's sentences; if it fails before the first, the fallback's whole response instead."""
        made = 0
        if not self.failed and isinstance(self.primary, SentenceTTS):
            try:
                async with contextlib.aclosing(self.primary.sentences(text, out)) as parts:
                    async for part in parts:
                        made += 1
                        yield part
                return
            except EdgeError as err:
                self.failed = True
                log.warning(
                    "%s failed, speaking with %s from now on: %s", self.primary.name, self.fallback.name, err
                )
                if made:
                    return  # the sentences already playing stay; the rest of this response is not said
        yield out, await self.synthesize(text, out)


def make_tts(settings: Settings) -> TTS:
    """The engine :func:`edge.dialog.piper.choose_voice` picks; piper falls back to espeak-ng if it fails."""
    choice = choose_voice(settings)
    log.info("voice: %s (%s)", choice.engine, choice.reason)
    if choice.engine == "none":
        return NoTTS()
    if choice.engine == "piper" and choice.voice is not None:
        return FallbackTTS(PiperTTS(choice.voice, threads=settings.profile.threads), EspeakTTS())
    return EspeakTTS()


@dataclass(slots=True)
class CommandPlayer:
    """Plays with an external command (``aplay -q FILE``); cancellation kills the process."""

    argv: tuple[str, ...]

    async def play(self, wav: Path) -> None:
        proc = await asyncio.create_subprocess_exec(
            *self.argv, str(wav), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
        )
        try:
            code = await proc.wait()
        except asyncio.CancelledError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
            raise
        if code != 0:
            log.info("%s exited with %s (no output device?)", self.argv[0], code)


async def _play_all(player: Player, queue: asyncio.Queue[Path | None]) -> None:
    while (part := await queue.get()) is not None:
        await player.play(part)


@dataclass(frozen=True, slots=True)
class Utterance:
    text: str
    t_start: float
    duration_s: float


class Speaker:
    """Says one response at a time; a new response or a barge-in stops the current one."""

    def __init__(self, tts: TTS, player: Player | None = None, workdir: Path | None = None) -> None:
        self.tts = tts
        self.player = player
        self._tmp = tempfile.TemporaryDirectory(prefix="edge-tts-") if workdir is None else None
        self.workdir = workdir or Path(self._tmp.name if self._tmp else ".")
        self._current: Utterance | None = None
        self._task: asyncio.Task[None] | None = None
        self._n = 0

    async def warm(self) -> None:
        """Load the engine's model now (off the event loop) so the first response is not delayed by it."""
        load = getattr(self.tts, "load", None)
        if load is not None:
            await load()

    async def say(self, text: str, t: float) -> Utterance:
        """Synthesize and start playing (without waiting for the end); ``t`` is the turn clock."""
        await self.stop()
        if not text:
            return Utterance(text, t, 0.0)
        self._n += 1
        wav = self.workdir / f"response-{self._n % 4}.wav"
        if self.player is not None and isinstance(self.tts, SentenceTTS):
            return await self._say_by_sentence(self.tts, self.player, text, t, wav)
        try:
            duration = await self.tts.synthesize(text, wav)
        except EdgeError as err:
            log.warning("cannot speak: %s", err)
            duration = 0.0
        self._current = Utterance(text, t, duration)
        if self.player is not None and duration > 0:
            self._task = asyncio.create_task(self.player.play(wav), name="speaker-play")
        return self._current

    async def _say_by_sentence(
        self, tts: SentenceTTS, player: Player, text: str, t: float, wav: Path
    ) -> Utterance:
        """The first sentence plays while the next ones are made; returns once all are made (the duration is
        then known). A barge-in meanwhile stops both the playing and the making."""
        queue: asyncio.Queue[Path | None] = asyncio.Queue()
        task: asyncio.Task[None] | None = None
        duration = 0.0
        try:
            async with contextlib.aclosing(tts.sentences(text, wav)) as parts:
                async for part, seconds in parts:
                    if task is not None and self._task is not task:
                        break  # interrupted: stop() dropped the task
                    duration += seconds
                    self._current = Utterance(text, t, duration)
                    queue.put_nowait(part)
                    if task is None:
                        task = self._task = asyncio.create_task(_play_all(player, queue), name="speaker-play")
        except EdgeError as err:
            log.warning("cannot speak: %s", err)
        finally:
            queue.put_nowait(None)
        if task is None:
            self._current = Utterance(text, t, duration)
        return Utterance(text, t, duration)

    def speaking(self, t: float) -> Utterance | None:
        """The utterance still being spoken at ``t`` (playing, or within its duration without a player)."""
        cur = self._current
        if cur is None:
            return None
        if self._task is not None:
            return cur if not self._task.done() else None
        return cur if cur.t_start <= t < cur.t_start + cur.duration_s else None

    async def interrupt(self, t: float) -> Utterance | None:
        """Barge-in: stop speaking; returns what was cut off, or None if nothing was being said."""
        cut = self.speaking(t)
        await self.stop()
        return cut

    async def stop(self) -> None:
        task, self._task = self._task, None
        self._current = None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def aclose(self) -> None:
        await self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
