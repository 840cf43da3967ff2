"""The audio section of ``edge bench learning``: a few homes whose users are heard through synthesized
speech (espeak-ng, each user's own voice and speed) and the runtime's real recognizer, next to the same
homes heard through the simulator's ASR-error model. Word error rate, misheard names, and defect rates with
learning off and on. Transcripts are cached in ``var/sim-asr/`` (never committed), so reruns are cheap.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from edge.asr.factory import load_recognizer
from edge.audio.synth import tools_missing
from edge.config import LearningSettings, Settings, project_root
from edge.errors import EdgeError
from edge.lab.sim.arms import nightly
from edge.lab.sim.hearing import Hearing
from edge.lab.sim.household import SimLog, simulate_home
from edge.lab.sim.household_audio import AsrFigures, AudioHearing, asr_figures
from edge.learning.loop import Learner

__all__ = ["CACHE_DIR", "CACHE_ENV", "audio_section", "audio_sessions", "cache_dir"]

CACHE_DIR = Path("var") / "sim-asr"
CACHE_ENV = "EDGE_SIM_ASR_CACHE"  # another checkout's var/sim-asr, so a worktree reuses its transcripts


def cache_dir() -> Path:
    """Where transcripts are cached: ``$EDGE_SIM_ASR_CACHE`` when set, else ``var/sim-asr`` here."""
    where = os.environ.get(CACHE_ENV, "").strip()
    return Path(where).expanduser() if where else project_root() / CACHE_DIR


def recognizer_id(settings: Settings) -> str:
    """The transcript cache's name for the recognizer ``settings`` load: the model, and Whisper's window when
    it is not Whisper's own 30 s (``asr.window_s`` changes what is heard)."""
    window = settings.asr.window_s
    return settings.asr.model if window >= 30.0 else f"{settings.asr.model}@{window:g}s"


GOALS_PER_DAY = (6, 10)


def audio_sessions(
    seed: int,
    homes: int,
    days: int,
    hearing: Hearing | None,
    learning: bool,
    *,
    asr_model: str = "handset",
    prompt: bool = True,
) -> list[SimLog]:
    """The audio section's homes (their own ids, so they are not the main bench's homes); ``asr_model``
    the ASR-error model of the homes heard without audio; ``prompt``: with learning, the learner gives the
    recognizer the household's requests (``learning.prompt``)."""
    return [
        simulate_home(
            seed,
            f"audio{h:02d}",
            days,
            nightly(Learner(LearningSettings(prompt=prompt))) if learning else None,
            size=("small", "medium")[h % 2],
            goals_per_day=GOALS_PER_DAY,
            hearing=hearing,
            asr_model=asr_model,
        )
        for h in range(homes)
    ]


def _rate(logs: list[SimLog]) -> float:
    truths = [t for log in logs for t in log.truth.values()]
    return sum(not t.achieved for t in truths) / max(1, len(truths))


def audio_section(
    settings: Settings, seed: int, homes: int, days: int, asr_model: str = "calibrated"
) -> None:
    print(f"real audio: {homes} homes x {days} days, each request synthesized (espeak-ng) and transcribed")
    try:
        missing = tools_missing()
        if missing:
            print(f"  skipped: {', '.join(missing)} not installed")
            return
        recognizer = load_recognizer(settings)
    except (EdgeError, ImportError) as err:
        print(f"  skipped: no recognizer ({err})")
        return
    audio = AudioHearing(recognizer, cache_dir(), recognizer_id(settings))
    t0 = time.perf_counter()
    runs: dict[str, tuple[AsrFigures, float, float]] = {}
    heard_on: dict[str, AsrFigures] = {}  # with learning on: the recognizer has the household's prompt
    for name, hearing in ((f"{asr_model} ASR-error model", None), (f"{settings.asr.model} on speech", audio)):
        off = audio_sessions(seed, homes, days, hearing, learning=False, asr_model=asr_model)
        on = audio_sessions(
            seed, homes, days, hearing, learning=True, asr_model=asr_model, prompt=settings.learning.prompt
        )
        runs[name] = (asr_figures(off), _rate(off), _rate(on))
        heard_on[name] = asr_figures(on)
    took = time.perf_counter() - t0
    print(
        f"  ({audio.synthesized} utterances synthesized and transcribed in this run, the rest cached; "
        f"{took:.0f} s)"
    )
    print(f"  {'':<34}" + "".join(f"{name:>28}" for name in runs))
    rows: list[tuple[str, Callable[[AsrFigures, float, float], str]]] = [
        ("requests heard", lambda f, _a, _b: f"{f.utterances}"),
        ("word error rate", lambda f, _a, _b: f"{f.wer:.3f}"),
        ("requests not heard word for word", lambda f, _a, _b: f"{f.sentence_errors:.3f}"),
        ("names misheard (of names said)", lambda f, _a, _b: f"{f.names_misheard:.3f} of {f.names}"),
        ("heard as no speech", lambda f, _a, _b: f"{f.rejected:.3f}"),
        ("defect rate, learning off", lambda _f, a, _b: f"{a:.3f}"),
        ("defect rate, learning on", lambda _f, a, b: f"{b:.3f} ({(b - a) / max(a, 1e-9):+.1%})"),
    ]
    for label, cell in rows:
        print(f"  {label:<34}" + "".join(f"{cell(*runs[name]):>28}" for name in runs))
    print("  learning on (the recognizer's prompt led by the household's requests: learning.prompt):")
    for label, cell in rows[:5]:
        print(f"  {label:<34}" + "".join(f"{cell(heard_on[name], 0.0, 0.0):>28}" for name in runs))
