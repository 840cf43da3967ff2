"""The audio of ``edge bench latency``: in-domain commands for the demo home spoken by espeak-ng at several
voices and rates, the time of each clip's last spoken word, an optional background-noise mix, and the
barista recordings when ``../shared/data`` is there.

The last word's time comes from the synthesized speech itself: the end of its energy (10 ms frames above
both -50 dBFS and 40 dB below the loudest frame), measured *before* any silence or noise is added, so no
pipeline's own VAD decides it. The commands and voices of the blind set are never used while the bench is
developed or tuned; their figures are reported apart.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from edge.audio.io import read_audio
from edge.audio.synth import synthesize

__all__ = [
    "BLIND_COMMANDS",
    "BLIND_VOICES",
    "COMMANDS",
    "SAMPLE_RATE",
    "VOICES",
    "Clip",
    "Command",
    "Voice",
    "barista_clips",
    "last_word_s",
    "mix_noise",
    "noise_beds",
    "synthesized_clips",
]

SAMPLE_RATE = 16_000
LEAD_S = 0.4  # silence (or noise) before the command
TAIL_S = 2.0  # after the last word: more than either pipeline's trailing silence
NOISE_SNR_DB = 15.0


@dataclass(frozen=True, slots=True)
class Command:
    text: str
    entity_id: str  # the device the command must reach (its MQTT command topic is this device's)


@dataclass(frozen=True, slots=True)
class Voice:
    name: str  # an espeak-ng voice (``espeak-ng --voices=en``), with an optional ``+variant``
    speed: int  # words per minute


@dataclass(frozen=True, slots=True)
class Clip:
    """One command as a microphone would hear it: ``samples`` (16 kHz int16) with ``last_word_s`` the
    time of the end of its last word."""

    name: str
    text: str
    samples: npt.NDArray[np.int16]
    last_word_s: float
    expect: str = ""  # entity_id of the device command; "" for a domain intent (barista)
    blind: bool = False
    noise: str = ""  # the background mixed in, "" for none
    label: dict[str, object] | None = None  # the barista label (intent, slots)

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE


# Each device ends a pass in the state it started in (on, then off), so every pass asks for real changes.
COMMANDS = (
    Command("turn on the kitchen light", "light.kitchen"),
    Command("turn off the kitchen light", "light.kitchen"),
    Command("set the bedroom light to forty percent", "light.bedroom"),
    Command("turn off the bedroom light", "light.bedroom"),
    Command("turn on the bedroom fan", "fan.bedroom"),
    Command("switch off the bedroom fan", "fan.bedroom"),
    Command("turn on the office lamp", "light.office_lamp"),
    Command("turn off the office lamp", "light.office_lamp"),
)
VOICES = (Voice("en-us", 150), Voice("en-gb", 180), Voice("en-us+f3", 130))

BLIND_COMMANDS = (
    Command("turn off the living room ceiling light", "light.living_room_ceiling"),
    Command("turn on the living room ceiling light", "light.living_room_ceiling"),
    Command("set the living room lamp to fifty percent", "light.living_room_lamp"),
    Command("turn off the living room lamp", "light.living_room_lamp"),
)
BLIND_VOICES = (Voice("en-gb-scotland", 165), Voice("en-us+m3", 140))


def _frame_db(samples: npt.NDArray[np.int16], frame: int) -> npt.NDArray[np.float64]:
    n = len(samples) // frame
    x = samples[: n * frame].astype(np.float64).reshape(n, frame) / 32768.0
    rms = np.sqrt(np.mean(x * x, axis=1))
    return np.asarray(20.0 * np.log10(np.maximum(rms, 1e-9)), dtype=np.float64)


def last_word_s(
    samples: npt.NDArray[np.int16], floor_db: float = -50.0, below_peak_db: float = 40.0
) -> float:
    """The end of the last 10 ms frame with speech energy (above ``floor_db`` dBFS and within
    ``below_peak_db`` of the loudest frame), in seconds; 0.0 for a clip with no such frame."""
    frame = SAMPLE_RATE // 100
    db = _frame_db(samples, frame)
    if len(db) == 0:
        return 0.0
    loud = np.nonzero(db > max(floor_db, float(db.max()) - below_peak_db))[0]
    return 0.0 if len(loud) == 0 else float(loud[-1] + 1) * frame / SAMPLE_RATE


def noise_beds(shared: Path | None) -> list[tuple[str, npt.NDArray[np.int16]]]:
    """The background recordings of ``wakeword/background_noise`` (name, 16 kHz samples); [] when absent."""
    folder = shared / "wakeword" / "background_noise" if shared is not None else None
    if folder is None or not folder.is_dir():
        return []
    return [(p.stem, read_audio(p)) for p in sorted(folder.glob("*.wav"))]


def mix_noise(
    speech: npt.NDArray[np.int16], noise: npt.NDArray[np.int16], snr_db: float, offset: int = 0
) -> npt.NDArray[np.int16]:
    """``speech`` plus ``noise`` (looped from ``offset``) at ``snr_db`` below the speech's active RMS."""
    if len(noise) == 0:
        return speech
    idx = (np.arange(len(speech)) + offset) % len(noise)
    bed = noise[idx].astype(np.float64)
    s = speech.astype(np.float64)
    active = s[np.abs(s) > 0.01 * max(1.0, float(np.abs(s).max()))]
    speech_rms = float(np.sqrt(np.mean(active**2))) if len(active) else 1.0
    noise_rms = float(np.sqrt(np.mean(bed**2))) or 1.0
    mixed = s + bed * (speech_rms / noise_rms) * 10.0 ** (-snr_db / 20.0)
    return np.asarray(np.clip(mixed, -32768, 32767), dtype=np.int16)


def _pad(samples: npt.NDArray[np.int16], lead_s: float, tail_s: float) -> npt.NDArray[np.int16]:
    lead = np.zeros(int(lead_s * SAMPLE_RATE), dtype=np.int16)
    tail = np.zeros(int(tail_s * SAMPLE_RATE), dtype=np.int16)
    return np.concatenate([lead, samples, tail])


def synthesized_clips(
    commands: Sequence[Command],
    voices: Sequence[Voice],
    *,
    blind: bool = False,
    noises: Sequence[tuple[str, npt.NDArray[np.int16]]] = (),
    limit: int = 0,
) -> list[Clip]:
    """Every command in every voice (voice by voice, so each pass leaves the home as it found it); every
    second clip gets the next noise bed at 15 dB SNR when ``noises`` are given. Blocking (espeak-ng, sox)."""
    clips: list[Clip] = []
    with tempfile.TemporaryDirectory(prefix="edge-bench-latency-") as tmp:
        for v, voice in enumerate(voices):
            for c, command in enumerate(commands):
                if limit and len(clips) >= limit:
                    return clips
                path = synthesize(
                    command.text, Path(tmp) / f"{v}-{c}.wav", voice=voice.name, speed=voice.speed,
                    lead_silence_s=0.0, tail_silence_s=0.0,
                )  # fmt: skip
                speech = read_audio(path)
                end_s = last_word_s(speech)
                samples = _pad(speech[: int(end_s * SAMPLE_RATE)], LEAD_S, TAIL_S)
                noise = ""
                if noises and len(clips) % 2 == 1:
                    noise, bed = noises[(len(clips) // 2) % len(noises)]
                    samples = mix_noise(samples, bed, NOISE_SNR_DB, offset=len(clips) * 7919)
                clips.append(
                    Clip(
                        f"{voice.name}@{voice.speed}: {command.text}", command.text, samples,
                        LEAD_S + end_s, expect=command.entity_id, blind=blind, noise=noise,
                    )
                )  # fmt: skip
    return clips


def barista_clips(shared: Path | None, limit: int) -> list[Clip]:
    """The first ``limit`` barista recordings (real people ordering coffee), last word from their energy,
    with silence after it; [] when ``../shared/data/barista`` is absent."""
    folder = shared / "barista" if shared is not None else None
    if folder is None or not (folder / "labels.jsonl").is_file():
        return []
    clips: list[Clip] = []
    for line in (folder / "labels.jsonl").read_text("utf-8").splitlines():
        if limit and len(clips) >= limit:
            break
        if not line.strip():
            continue
        label = json.loads(line)
        audio = read_audio(folder / str(label["audio"]))
        end_s = last_word_s(audio)
        if end_s <= 0.0:
            continue
        samples = _pad(audio[: int(end_s * SAMPLE_RATE)], 0.0, TAIL_S)
        clips.append(Clip(f"barista {label['audio']}", "", samples, end_s, label=label))
    return clips
