"""``edge bench memory``: each firmware profile's stack loaded in a fresh process, its resident memory beside
the profile's budget (docs/appliance.md).

The child loads what ``edge run`` loads before its start check (:func:`edge.budget.check_budget`): the
recognizer, the wake word model and the VAD (:func:`edge.pipeline.load_engines`), the NLU, and the voice
(piper where the profile allows it and it is installed, else espeak-ng, a separate process), and reads
``VmRSS`` and ``VmHWM`` (heap settings and the trim after loading as ``edge run``: edge/asr/heap.py); then
it hears the demo recording as the runtime does (the wake word model and the VAD over all of it, 100 ms at
a time, so that what they keep of the stream is resident as in a runtime that has listened; the fast path
over the command as it is said; then Whisper transcribes the command), speaks a two-device answer and hears
the recording again, ``TURNS`` times (the voice's activations between two transcriptions, and what each
turn leaves behind for the next: with piper's answer made whole it grew for three turns) and, where a
grammar is compiled (the fast
path, ``asr.engine = "grammar"``), compiles it again for the demo home with one device more (grammar-only:
and hears the command as the answer to a yes/no question, which loads the answer decoder): the peak after
that (``in use``) adds the recognizer's and the voice's activations and a recompile. A profile fits when
both are within its budget (the exit code). It prints one JSON line. ``--profile NAME`` measures one
profile; ``--set`` overrides apply to each.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from edge import resources
from edge.asr.grammar_only import GrammarOnlyRecognizer, transcribe_turn
from edge.asr.heap import configure_heap, trim_heap
from edge.asr.memory import enable_lean_memory
from edge.audio.io import read_audio
from edge.budget import read_memory
from edge.config import Settings, load_settings, profile_dir
from edge.context.model import Device
from edge.dialog.piper import PiperTTS
from edge.events import AudioChunk
from edge.turns.expect import NO_ANSWERS, YES_ANSWERS

__all__ = ["StackMemory", "measure_profile", "print_steps", "run"]

DEMO = resources.demo_wav()
RESPONSE = "Okay, the kitchen light is on, and the bedroom lamp is at fifty percent."  # a two-device answer
PORCH = Device("light.porch", "porch light", "light", area="porch")  # the device a home change adds
CHUNK = 1600  # the recording is heard 100 ms at a time, as a microphone source delivers it
TURNS = 3  # turns answered (what a turn leaves behind grows over the first few: docs/appliance.md)
TIMEOUT_S = 240.0  # one profile's stack (Whisper loads in seconds on x86, tens of seconds on a Pi 3)


@dataclass(frozen=True, slots=True)
class StackMemory:
    profile: str
    budget_mb: int
    rss_mb: float
    peak_mb: float
    load_s: float
    stack: str
    in_use_peak_mb: float = 0.0  # the peak once the recognizer has transcribed (its activations)
    error: str = ""

    @property
    def fits_at_start(self) -> bool:
        """What the runtime's start check judges: resident memory (now and peak) after loading."""
        return not self.error and max(self.rss_mb, self.peak_mb) <= self.budget_mb

    @property
    def fits(self) -> bool:
        """The budget holds at start and in use (a command transcribed; with a grammar, a home change)."""
        return self.fits_at_start and self.in_use_peak_mb <= self.budget_mb


def _nothing(_step: str) -> None:
    return None


def _load_stack(
    settings: Settings, mark: Callable[[str], None] = _nothing
) -> tuple[str, Callable[[], object]]:
    """Load what the runtime loads before its budget check: the stack's description and a first use.
    ``mark(step)`` is called after each step (``--steps``: its memory)."""
    from edge.context.store import ContextStore  # noqa: PLC0415 - lazy: only in the child
    from edge.nlu.domain_parser import load_parser  # noqa: PLC0415
    from edge.nlu.fastpath import grammar_source  # noqa: PLC0415
    from edge.nlu.snapshots import demo_devices, make_snapshot  # noqa: PLC0415
    from edge.pipeline import load_engines  # noqa: PLC0415
    from edge.wiring import make_speaker  # noqa: PLC0415

    engines = load_engines(settings)
    mark("recognizer, wake word, VAD (and the fast path's decoders)")
    parser = load_parser(settings)
    parser.parse("turn on the kitchen light", ContextStore(settings, None).snapshot())
    mark("NLU (loaded, one parse)")
    homes = [make_snapshot(demo_devices())]
    if engines.fast is not None:  # the fast path's grammar as the runtime compiles it: the demo home's names
        engines.fast.use(grammar_source(lambda: homes[-1], parser))
        engines.fast.prepare()
        engines.fast.start()  # swaps the home's decoders in (the shipped-templates pair is freed)
        engines.fast.finish()
        mark("the demo home's grammar")
    speaker = make_speaker(settings)
    voice = "none"
    if speaker is not None:
        asyncio.run(speaker.warm())
        voice = _voice_name(speaker.tts)
        mark("voice warmed")
    recording = read_audio(DEMO)
    speech = recording[32_000:]  # the command after the wake word
    asr = settings.asr
    lean = ", lean memory" if settings.profile.lean_memory else ""
    if asr.engine in {"grammar", "pocketsphinx"}:
        grammar = " + the demo home's grammar" if engines.fast is not None else ""
        stack = f"{asr.engine} (pocketsphinx en-us{grammar}{lean}), {voice}"
    else:
        model = asr.vosk_model_dir if asr.engine == "vosk" else asr.model
        fast = ", fast path" if engines.fast is not None else ""
        threads = f"{settings.profile.threads} threads"
        stack = f"{asr.engine} {model} ({asr.compute_type}, {threads}{lean}{fast}), {voice}"

    heard = [0.0]  # stream time (ms)

    def hear() -> None:
        """A command as the runtime hears it: the wake word model and the VAD over the whole recording (wake
        word and command: what they keep of the stream), the fast path over the command as it is said,
        then Whisper."""
        for at in range(0, len(recording), CHUNK):
            chunk = AudioChunk(recording[at : at + CHUNK], heard[0])
            heard[0] += chunk.duration_ms
            if engines.wake is not None:
                engines.wake.process(chunk)
            engines.vad.process(chunk)
        if engines.fast is not None and not isinstance(engines.recognizer, GrammarOnlyRecognizer):
            engines.fast.start()
            for at in range(0, len(speech), CHUNK):
                engines.fast.feed(speech[at : at + CHUNK])
            engines.fast.finish()
        engines.recognizer.transcribe(speech)

    def use() -> None:
        hear()
        mark("first command transcribed")
        if speaker is not None:  # its answer spoken (piper's activations), then the next turns the same way
            for turn in range(1, TURNS + 1):
                with tempfile.TemporaryDirectory(prefix="edge-bench-") as tmp:
                    asyncio.run(speaker.tts.synthesize(RESPONSE, Path(tmp) / "response.wav"))
                mark("answer spoken" if turn == 1 else f"answer spoken (turn {turn})")
                hear()
                mark("next command transcribed" if turn == 1 else f"command transcribed (turn {turn + 1})")
        if isinstance(engines.recognizer, GrammarOnlyRecognizer):  # zero2w2: a question's answer decoder
            transcribe_turn(engines.recognizer, speech, (), None, answers=(YES_ANSWERS, NO_ANSWERS))
            mark("a yes/no answer heard")
        if engines.fast is not None:  # a device joins the home: its grammar is compiled again, as it runs
            homes.append(make_snapshot({**demo_devices(), "light.porch": PORCH}))
            engines.fast.prepare()
            engines.fast.start()
            engines.fast.finish()
            mark("home changed: grammar recompiled")

    return stack, use


def _voice_name(tts: object) -> str:
    """The engine's class, and for piper which weights were loaded (feedback.voice_weights)."""
    primary = getattr(tts, "primary", tts)
    speaking = getattr(primary, "speaking", None)
    if isinstance(primary, PiperTTS) and speaking is not None:
        weights = "int8" if speaking.fallback is not None else "float32"
        return f"{type(tts).__name__} (piper {weights})"
    return type(tts).__name__


def _settings_as_runtime(profile: str, overrides: list[str]) -> Settings:
    """The profile's settings, the heap set up before any model loads (as ``edge.app.run_runtime``)."""
    settings = load_settings(profile, None, overrides)
    if settings.profile.lean_memory:
        enable_lean_memory()
    configure_heap(settings.profile.malloc_arenas, settings.profile.trim_memory)
    return settings


def _child(profile: str, overrides: list[str]) -> int:
    t0 = time.perf_counter()
    settings = _settings_as_runtime(profile, overrides)
    stack, use = _load_stack(settings)  # use: a command transcribed and answered, the next one, a home change
    trim_heap()  # as edge.app.run_runtime does before its budget check
    now = read_memory()
    load_s = time.perf_counter() - t0
    use()
    line = {
        "profile": profile,
        "budget_mb": settings.profile.memory_budget_mb,
        "rss_mb": round(now.rss_mb, 1),
        "peak_mb": round(now.peak_mb, 1),
        "load_s": round(load_s, 1),
        "stack": stack,
        "in_use_peak_mb": round(read_memory().peak_mb, 1),
    }
    sys.stdout.write(json.dumps(line) + "\n")
    return 0


def _steps(profile: str, overrides: list[str]) -> list[tuple[str, float, float]]:
    """The bench's sequence in this process, one row per step: resident MB after it and its own peak (the
    kernel's peak is reset after each step: ``/proc/self/clear_refs``)."""
    rows: list[tuple[str, float, float]] = []

    def mark(step: str) -> None:
        now = read_memory()
        rows.append((step, now.rss_mb, now.peak_mb))
        with contextlib.suppress(OSError):
            Path("/proc/self/clear_refs").write_text("5")

    settings = _settings_as_runtime(profile, overrides)
    mark("Python, settings, imports")
    _stack, use = _load_stack(settings, mark)
    trim_heap()
    mark("trim after loading")
    use()
    return rows


def print_steps(profile: str, overrides: list[str]) -> None:
    """``python -m edge.lab.bench.memory --steps [--profile P] [--set k=v ...]``: the step table."""
    print(f"{'step':<58} {'resident':>8} {'change':>7} {'peak':>6}")
    last = 0.0
    rows = _steps(profile, overrides)
    for step, rss, peak in rows:
        print(f"{step:<58} {rss:>5.0f} MB {rss - last:>+7.0f} {peak:>6.0f}")
        last = rss
    start = next(i for i, row in enumerate(rows) if row[0] == "trim after loading")
    print(f"{'in use (the highest peak after loading)':<58} {max(r[2] for r in rows[start + 1 :]):>5.0f} MB")


def measure_profile(profile: str, overrides: list[str] | tuple[str, ...] = ()) -> StackMemory:
    """Load ``profile``'s stack in a fresh interpreter and read its resident memory."""
    code = "import sys; from edge.lab.bench.memory import _child; sys.exit(_child(sys.argv[1], sys.argv[2:]))"
    budget = load_settings(profile, None, list(overrides)).profile.memory_budget_mb
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, profile, *overrides],
            capture_output=True, text=True, timeout=TIMEOUT_S, env=dict(os.environ), check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return StackMemory(profile, budget, 0.0, 0.0, TIMEOUT_S, "", error=f"no result in {TIMEOUT_S:.0f} s")
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return StackMemory(profile, budget, 0.0, 0.0, 0.0, "", error=f"exit {done.returncode}: {tail}")
    got = json.loads(lines[-1])
    return StackMemory(
        profile, int(got["budget_mb"]), float(got["rss_mb"]), float(got["peak_mb"]), float(got["load_s"]),
        str(got["stack"]), float(got["in_use_peak_mb"]),
    )  # fmt: skip


def profiles() -> list[str]:
    return sorted(p.stem for p in profile_dir().glob("*.toml"))


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Print one line per profile; exit 1 when one does not fit its budget, at start or in use."""
    chosen = [args.profile] if getattr(args, "profile", None) else profiles()
    overrides = list(getattr(args, "overrides", []) or [])
    print(
        "resident memory after loading (the start check's figures) and the peak in use: a command heard,"
        " answered, the next one heard (and, with a grammar, the home changed); fits: both within the budget"
    )
    print(f"{'profile':<12} {'budget':>7} {'resident':>9} {'peak':>7}  fits  {'in use':>7}  stack")
    worst = 0
    for name in chosen:
        m = measure_profile(name, overrides)
        if m.error:
            print(f"{name:<12} {m.budget_mb:>4} MB  error: {m.error}")
            worst = 1
            continue
        fits = "yes" if m.fits else "NO"
        worst = worst or int(not m.fits)
        print(
            f"{name:<12} {m.budget_mb:>4} MB {m.rss_mb:>6.0f} MB {m.peak_mb:>4.0f} MB  {fits:<4}"
            f"  {m.in_use_peak_mb:>4.0f} MB  {m.stack} (loaded in {m.load_s:.1f} s)"
        )
    return worst


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description="edge bench memory's sequence, step by step, in this process")
    cli.add_argument("--steps", action="store_true", required=True)
    cli.add_argument("--profile", default="x86_64-dev")
    cli.add_argument("--set", dest="overrides", action="append", default=[])
    given = cli.parse_args()
    print_steps(given.profile, given.overrides)
