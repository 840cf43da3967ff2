"""``python -m edge.lab.bench.voice_int8``: piper's int8 voice (edge/dialog/voice_int8.py) against the wheel's
float32 voice, on 40 answers the runtime says (the shapes of edge/dialog/responses.py, the demo home's names,
numbers), made through the runtime's clause pieces.

- What Whisper hears (the runtime's recognizer): word errors against the text, numbers as words, with
  piper's noise off (both voices then say the very same thing and differ only by their weights) and with its
  noise on (``--draws`` draws each: how much two float32 draws differ is the noise the int8 figure is read
  against).
- A spectral distance: DTW-aligned mel-cepstral distortion (24 coefficients of an 80-band log-mel, silent
  frames dropped), median over the answers: int8 against float32 with the noise off, and with it on beside
  the float32-vs-float32 floor of two draws.

The int8 voice is the model folder's (``make models``) or, where it is not built, built into a temporary
folder. Nothing is asserted; docs/appliance.md ("piper's voice in int8") reports it.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import re
import statistics
import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

from edge.audio.io import resample
from edge.config import load_settings
from edge.dialog.piper import PiperTTS, _pieces, find_voice
from edge.dialog.voice_int8 import build

__all__ = ["ANSWERS", "cepstral_distance", "mel_cepstra", "word_errors", "words"]

ANSWERS = (
    "Okay.", "Done.", "The kitchen light is on.", "Turned off the bedroom light.",
    "Turned on the living room lamp and the office lamp.", "The oven is at one hundred eighty degrees.",
    "The thermostat is at twenty one degrees.", "The hallway temperature is at nineteen point five degrees.",
    "The garage door is open.", "The front door lock is locked.",
    "Do you want me to unlock the front door lock?",
    "Do you want me to unlock the front door lock and open the garage door?",
    "Things changed since I asked. Do you want me to open the garage door?",
    "Which one: the kitchen light, the kitchen ceiling light or the bedroom light?",
    "Which one? I know four of them.", "I don't know a device called porch light.",
    "I don't know what movie night is. Want to teach me?", "Sorry, I didn't understand that.",
    "Sorry, this satellite only knows commands for the home.", "Did I get that right?",
    "Sorry, I can't do that now.", "There's nothing waiting for an answer.",
    "The robot vacuum can't do that.", "The coffee maker is unavailable right now.",
    "I couldn't reach the kitchen speaker.",
    "I need you to confirm that first, so I left the garage door alone.",
    "I won't do that to the front door lock unless you ask me yourself.",
    "Set the living room blinds to forty percent.", "Set the volume of the bedroom speaker to thirty.",
    "The living room tv is off.", "Stopped the robot vacuum.", "The bedroom fan is on.",
    "Turned off the office plug.", "The living room ceiling light is at seventy five percent.",
    "I turned on the fan in the bedroom. It is twenty one degrees in there.",
    "The front door is locked. The garage door is open. Do you want me to close it?",
    "Okay, the kitchen light is on, the bedroom lamp is at fifty percent, and the porch light is off.",
    "I turned on the fan in the bedroom and set the thermostat in the living room to twenty one degrees.",
    "Set a timer for twelve minutes.", "It is seven forty five in the morning.",
)  # fmt: skip
# how Whisper writes the answers' numbers
NUMBERS = {"21": "twenty one", "180": "one hundred eighty", "19.5": "nineteen point five", "40": "forty",
           "30": "thirty", "75": "seventy five", "50": "fifty", "12": "twelve", "7.45": "seven forty five",
           "745": "seven forty five", "4": "four"}  # fmt: skip
N_FFT, HOP, MELS, CEPSTRA = 1024, 256, 80, 24


def words(text: str) -> list[str]:
    """Lower case, no punctuation, the answers' numbers as words ("21%" -> twenty one percent)."""
    out: list[str] = []
    for raw in text.lower().replace("%", " percent ").replace("-", " ").split():
        word = re.sub(r"[^a-z0-9.']", "", raw).strip(".").replace("'", "")
        if word:
            out += NUMBERS.get(word, word).split()
    return out


def word_errors(reference: list[str], heard: list[str]) -> int:
    """Substitutions, insertions and deletions (Levenshtein over words)."""
    row = list(range(len(heard) + 1))
    for i, ref in enumerate(reference, 1):
        diagonal, row[0] = row[0], i
        for j, hyp in enumerate(heard, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (ref != hyp))
    return row[-1]


def _mel_bank(rate: int) -> npt.NDArray[np.float64]:
    def mel(hz: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return 2595 * np.log10(1 + hz / 700)

    edges = 700 * (10 ** (np.linspace(0, mel(np.array(rate / 2)), MELS + 2) / 2595) - 1)
    bins = np.fft.rfftfreq(N_FFT, 1 / rate)
    low, mid, high = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    return np.clip(np.minimum((bins - low) / (mid - low), (high - bins) / (high - mid)), 0, None)


def mel_cepstra(pcm: npt.NDArray[np.int16], rate: int) -> npt.NDArray[np.float64]:
    """Frames x 24 mel-cepstral coefficients (c0, the loudness, left out) of the frames with sound."""
    audio = pcm.astype(np.float64) / 32768.0
    audio = np.pad(audio, (0, max(0, N_FFT - audio.size)))
    frames = np.lib.stride_tricks.sliding_window_view(audio, N_FFT)[::HOP] * np.hanning(N_FFT)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    energy = power.sum(axis=1)
    log_mel = 0.5 * np.log(np.maximum(power[energy > energy.max() * 1e-4] @ _mel_bank(rate).T, 1e-10))
    n = np.arange(MELS)
    dct = np.cos(np.pi / MELS * (n[None, :] + 0.5) * np.arange(CEPSTRA + 1)[:, None]) * np.sqrt(2 / MELS)
    return np.asarray((log_mel @ dct.T)[:, 1:])


def cepstral_distance(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> float:
    """Mel-cepstral distortion in dB along the DTW path between ``a`` and ``b`` (0 for the same frames)."""
    frame = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1))
    n, m = frame.shape
    cost = np.full((n + 1, m + 1), np.inf)
    cost[0, 0] = 0.0
    steps = np.zeros((n + 1, m + 1), dtype=np.int64)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            moves = ((i - 1, j - 1), (i - 1, j), (i, j - 1))
            pi, pj = min(moves, key=lambda ij: cost[ij])
            cost[i, j] = frame[i - 1, j - 1] + cost[pi, pj]
            steps[i, j] = steps[pi, pj] + 1
    return float(10 / np.log(10) * np.sqrt(2) * cost[n, m] / steps[n, m])


def _say(tts: PiperTTS, noise: bool) -> list[npt.NDArray[np.int16]]:
    asyncio.run(tts.load())
    voice = tts._loaded
    scales = (voice.config.noise_scale, voice.config.noise_w_scale)
    if not noise:
        voice.config.noise_scale = voice.config.noise_w_scale = 0.0
    try:
        return [np.frombuffer(b"".join(_pieces(voice, t, tts.max_phonemes)), np.int16) for t in ANSWERS]
    finally:
        voice.config.noise_scale, voice.config.noise_w_scale = scales


def run(draws: int = 2) -> None:
    settings = load_settings("x86_64-dev", None, [])
    float32 = find_voice("")
    int8 = find_voice("", "int8", settings.model_dir())
    with tempfile.TemporaryDirectory(prefix="edge-int8-") as tmp:
        if int8.fallback is None:  # not built in the model folder: built here
            build(float32.model, Path(tmp) / "voice.int8.onnx")
            int8 = find_voice(str(Path(tmp) / "voice.int8.onnx"))
        voices = {"float32": PiperTTS(float32, threads=2), "int8": PiperTTS(int8, threads=2)}
        rate = voices["float32"].sample_rate
        said = {(name, "off"): _say(tts, False) for name, tts in voices.items()}
        for draw, (name, tts) in itertools.product(range(draws), voices.items()):
            said[(name, f"on{draw}")] = _say(tts, True)
    from edge.asr.factory import load_recognizer  # noqa: PLC0415 - Whisper only to listen

    recognizer = load_recognizer(settings)
    total = sum(len(words(t)) for t in ANSWERS)
    print(f"{len(ANSWERS)} answers, {total} words; Whisper's word errors:")
    for (name, mode), pcms in said.items():
        errors = 0
        for text, pcm in zip(ANSWERS, pcms, strict=True):
            audio = resample(pcm.astype(np.float32) / 32768.0, rate)
            heard = recognizer.transcribe((audio * 32767).astype(np.int16)).text
            errors += word_errors(words(text), words(heard))
        print(f"  {name:<8} noise {mode:<4} {errors:>3}/{total} = {100 * errors / total:.1f} %")
    cepstra = {key: [mel_cepstra(p, rate) for p in pcms] for key, pcms in said.items()}

    def median(a: tuple[str, str], b: tuple[str, str]) -> float:
        pairs = zip(cepstra[a], cepstra[b], strict=True)
        return statistics.median(cepstral_distance(x, y) for x, y in pairs)

    print("mel-cepstral distortion, median over the answers:")
    rows = [("int8 vs float32, noise off", ("int8", "off"), ("float32", "off"))]
    for i, j in itertools.combinations(range(draws), 2):
        rows.append(
            (f"float32 draw {i} vs draw {j} (the floor)", ("float32", f"on{i}"), ("float32", f"on{j}"))
        )
    for i, j in itertools.product(range(draws), repeat=2):
        if i != j:
            rows.append((f"int8 draw {i} vs float32 draw {j}", ("int8", f"on{i}"), ("float32", f"on{j}")))
    for label, a, b in rows:
        print(f"  {label}: {median(a, b):.2f} dB")


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__)
    cli.add_argument(
        "--draws", type=int, default=2, help="draws of piper's noise per voice (>= 2 for a floor)"
    )
    run(max(2, cli.parse_args().draws))
