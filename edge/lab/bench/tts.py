"""``edge bench tts``: time to first audio and real-time factor, piper against espeak-ng, in the same run.

Each engine says the same responses (one to three sentences, as the device answers), ``runs`` times, in
turn. Piper is measured through the runtime's engine (:class:`edge.dialog.piper.PiperTTS`: its stream gives
the first sentence while the rest is made; the voice is loaded once beforehand and that load is reported on
its own). espeak-ng is measured as a subprocess writing to stdout, first audio being its first PCM bytes
after the WAV header. Real-time factor: synthesis time / audio duration (lower is faster). Medians; ratios
piper / espeak-ng. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import time
from dataclasses import dataclass

from edge.config import Settings
from edge.dialog.piper import PiperTTS, choose_voice, find_voice
from edge.errors import EdgeError

__all__ = ["RESPONSES", "Timing", "run"]

RESPONSES = (
    "Okay.",
    "The kitchen light is on.",
    "I turned on the fan in the bedroom. It is twenty one degrees in there.",
    "The front door is locked. The garage door is open. Do you want me to close it?",
)
WAV_HEADER = 44
ESPEAK_RATE = 22050  # espeak-ng's output rate


@dataclass(frozen=True, slots=True)
class Timing:
    first_s: float  # from the request to the first audio
    total_s: float  # to the last audio
    audio_s: float  # how long the audio lasts

    @property
    def rtf(self) -> float:
        return self.total_s / self.audio_s if self.audio_s > 0 else float("inf")


async def _piper(tts: PiperTTS, text: str) -> Timing:
    start = time.perf_counter()
    first = 0.0
    samples = 0
    async for pcm in tts.stream(text):
        if not first:
            first = time.perf_counter() - start
        samples += len(pcm) // 2
    return Timing(first, time.perf_counter() - start, samples / tts.sample_rate)


async def _espeak(exe: str, text: str, timeout_s: float = 20.0) -> Timing:
    start = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        exe, "-v", "en-us", "-s", "165", "--stdout", text,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.stdout is not None
    first = 0.0
    size = 0
    try:
        async with asyncio.timeout(timeout_s):
            while block := await proc.stdout.read(4096):
                size += len(block)
                if not first and size > WAV_HEADER:
                    first = time.perf_counter() - start
            await proc.wait()
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    return Timing(first, time.perf_counter() - start, max(0, size - WAV_HEADER) / 2 / ESPEAK_RATE)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


async def _measure(settings: Settings, runs: int) -> int:
    exe = shutil.which("espeak-ng")
    try:
        voice = find_voice(settings.feedback.voice, settings.feedback.voice_weights, settings.model_dir())
        tts = PiperTTS(voice, threads=settings.profile.threads)
        started = time.perf_counter()
        await tts.load()
        load_s = time.perf_counter() - started
    except EdgeError as err:
        print(f"tts benchmark: piper cannot run here: {err}")
        return 1
    if exe is None:
        print("tts benchmark: espeak-ng is not installed (sudo apt-get install espeak-ng)")
        return 1
    await _piper(tts, "Warming up.")  # onnxruntime's first run allocates
    timings: dict[str, list[Timing]] = {"piper": [], "espeak-ng": []}
    for _ in range(runs):
        for text in RESPONSES:
            timings["piper"].append(await _piper(tts, text))
            timings["espeak-ng"].append(await _espeak(exe, text))
    first = {k: _median([t.first_s for t in v]) for k, v in timings.items()}
    rtf = {k: _median([t.rtf for t in v]) for k, v in timings.items()}
    last = {k: v[len(RESPONSES) - 1 :: len(RESPONSES)] for k, v in timings.items()}  # the 3 sentences
    longest_first = {k: _median([t.first_s for t in v]) for k, v in last.items()}
    longest_total = {k: _median([t.total_s for t in v]) for k, v in last.items()}
    choice = choose_voice(settings)
    print(
        f"tts benchmark: {len(RESPONSES)} responses x {runs} runs, profile {settings.profile.name} "
        f"({settings.profile.threads} threads); this profile speaks with {choice.engine}"
    )
    print(f"  {'':<28} {'piper (joe medium)':>20} {'espeak-ng':>12} {'piper / espeak':>15}")
    rows = (
        ("time to first audio (median)", first, "ms"),
        ("3 sentences: first audio", longest_first, "ms"),
        ("3 sentences: all audio", longest_total, "ms"),
        ("real-time factor (median)", rtf, ""),
    )
    for name, values, unit in rows:
        scale = 1000.0 if unit == "ms" else 1.0
        p, e = values["piper"] * scale, values["espeak-ng"] * scale
        fmt = "{:.1f} ms" if unit == "ms" else "{:.4f}"  # ratios check against the printed figures
        print(f"  {name:<28} {fmt.format(p):>20} {fmt.format(e):>12} {p / e if e else float('nan'):>14.1f}x")
    print(f"  piper voice load (once): {load_s * 1000:.0f} ms; voice {tts.voice.origin}")
    return 0


def run(settings: Settings, args: argparse.Namespace) -> int:
    runs = args.runs or (2 if args.quick else 5)
    return asyncio.run(_measure(settings, runs))
