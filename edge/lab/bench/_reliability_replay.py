"""``edge bench reliability``, replay part: memory of ``edge replay`` on long files, and malformed inputs.

* Peak RSS of ``edge replay --json`` (a subprocess) on a generated 2-hour 48 kHz stereo WAV (quick: 20
  minutes) against the same on a 2-minute file: the ratio says whether memory stays flat with length.
  The WAVs are written in chunks: low noise, with a few espeak-ng commands when espeak-ng is present.
* Malformed inputs (config, home, --set, batch lines, session scripts, audio files, file names): each run
  through the CLI in a subprocess; counted are the ones that ended in a Python traceback (target 0).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import numpy.typing as npt

from edge.audio.io import read_audio
from edge.audio.resample import resample_poly
from edge.audio.synth import synthesize, tools_missing
from edge.config import Settings
from edge.lab.bench._malformed_inputs import MalformedCase, malformed_cases
from edge.lab.bench._reliability_common import Figure

__all__ = ["measure", "peak_rss_mb", "write_long_wav"]

RATE = 48_000
CHANNELS = 2
CHUNK_S = 10
COMMANDS = ("hey jarvis, turn on the kitchen light", "hey jarvis, turn off the kitchen light")
SPEECH_EVERY_S = 600  # one command every ten minutes of audio


def _speech() -> list[npt.NDArray[np.float32]]:
    """The commands as 48 kHz float audio, or none when espeak-ng/sox are missing."""

    if tools_missing():
        return []
    out: list[npt.NDArray[np.float32]] = []
    with tempfile.TemporaryDirectory(prefix="edge-bench-speech-") as tmp:
        for i, text in enumerate(COMMANDS):
            wav = synthesize(text, Path(tmp) / f"c{i}.wav", lead_silence_s=0.3, tail_silence_s=1.0)
            clip = read_audio(wav).astype(np.float32) / 32768.0
            out.append(resample_poly(clip, 3, 1))
    return out


def _chunks(seconds: int, speech: list[npt.NDArray[np.float32]]) -> Iterator[npt.NDArray[np.float32]]:
    rng = np.random.default_rng(12)
    for start in range(0, seconds, CHUNK_S):
        n = min(CHUNK_S, seconds - start) * RATE
        mono = (0.003 * rng.standard_normal(n)).astype(np.float32)
        if speech and start % SPEECH_EVERY_S == CHUNK_S:  # a command near the start of every stretch
            clip = speech[(start // SPEECH_EVERY_S) % len(speech)][:n]
            mono[: len(clip)] += 0.5 * clip
        yield np.stack([mono, mono], axis=1)


def write_long_wav(path: Path, seconds: int, with_speech: bool = True) -> Path:
    """A 48 kHz stereo 16-bit WAV of ``seconds``, written ten seconds at a time (flat memory)."""
    import soundfile as sf  # noqa: PLC0415 - lazy: libsndfile loads only when a file is read

    speech = _speech() if with_speech else []
    with sf.SoundFile(path, "w", samplerate=RATE, channels=CHANNELS, subtype="PCM_16", format="WAV") as f:
        for chunk in _chunks(seconds, speech):
            f.write(chunk)
    return path


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("EDGE_MODEL_DIR", str(Settings().model_dir()))
    env.setdefault("HF_HUB_OFFLINE", "1")
    return env


def peak_rss_mb(argv: list[str], timeout_s: float = 1800.0) -> tuple[float, int, str]:
    """Run ``argv``; its own peak resident memory (MB, from wait4), exit code and the tail of its stderr."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, env=_env())
        watchdog = threading.Timer(timeout_s, proc.kill)
        watchdog.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace")[-400:]
    return usage.ru_maxrss / 1024.0, proc.returncode, tail  # ru_maxrss is in KiB on Linux


def replay_argv(wav: Path) -> list[str]:
    """``edge replay --json`` with no broker to act on (actions fail fast; nothing is spoken)."""
    broker = f"127.0.0.1:{_closed_port()}"
    return [sys.executable, "-m", "edge", "replay", "--json", "--broker", broker, str(wav)]


def _replay_memory(quick: bool) -> list[Figure]:
    long_s = 20 * 60 if quick else 2 * 3600
    short_s = 2 * 60
    label = "20 min" if quick else "2 h"
    with tempfile.TemporaryDirectory(prefix="edge-bench-replay-") as tmp:
        short = write_long_wav(Path(tmp) / "short.wav", short_s)
        long = write_long_wav(Path(tmp) / "long.wav", long_s)
        short_mb, short_code, short_err = peak_rss_mb(replay_argv(short))
        long_mb, long_code, long_err = peak_rss_mb(replay_argv(long))
        size_mb = long.stat().st_size / 2**20
    figures = [
        Figure("replay peak RSS, 2 min 48 kHz stereo WAV", round(short_mb, 1), "MB"),
        Figure(
            f"replay peak RSS, {label} 48 kHz stereo WAV ({size_mb:.0f} MB file)",
            round(long_mb, 1),
            "MB",
            "< 300 MB, flat",
        ),
        Figure(f"replay peak RSS ratio {label} / 2 min", round(long_mb / short_mb, 3), "x", "~1.0 (flat)"),
        Figure(f"replay peak RSS growth {label} over 2 min", round(long_mb - short_mb, 1), "MB", "~0"),
    ]
    for code, err, what in ((short_code, short_err, "2 min"), (long_code, long_err, label)):
        if code != 0:
            figures.append(Figure(f"replay of the {what} file FAILED (exit {code})", err.strip()[-200:]))
    return figures


def _run_case(case: MalformedCase) -> tuple[str, int, str]:
    out = subprocess.run(
        [sys.executable, "-m", "edge", *case.argv], capture_output=True, env=_env(), timeout=300, check=False
    )
    return case.name, out.returncode, out.stderr.decode("utf-8", "replace")


def _malformed(quick: bool) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="edge-bench-malformed-") as tmp:
        cases = malformed_cases(Path(tmp))
        if quick:
            cases = cases[::4]
        with ThreadPoolExecutor(max_workers=2) as pool:  # two subprocesses at a time
            results = list(pool.map(_run_case, cases))
    tracebacks = [name for name, _code, err in results if "Traceback (most recent call last)" in err]
    unclear = [
        name
        for name, code, err in results
        if name not in tracebacks and (code == 0 or not err.startswith("edge: error ["))
    ]
    return [
        Figure("malformed inputs run through the CLI", len(cases)),
        Figure("malformed inputs ending in a traceback", len(tracebacks), "", "0"),
        Figure("malformed inputs without one clear error and a non-zero exit", len(unclear), "", "0"),
        *(Figure(f"traceback: {name}", "") for name in tracebacks),
        *(Figure(f"no clear error: {name}", "") for name in unclear),
    ]


def measure(*, quick: bool = False) -> list[Figure]:
    return [*_replay_memory(quick), *_malformed(quick)]
