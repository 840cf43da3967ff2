"""Shared, process-wide model loading for the voice tests (each model is loaded once per test run)."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from pathlib import Path

import numpy as np

from edge.asr.factory import load_recognizer
from edge.audio.sources import ArraySource
from edge.audio.vad import SileroVAD, load_vad
from edge.config import Settings, load_settings
from edge.events import PipelineEvent
from edge.pipeline import NullHandler, PipelineEngines, TurnHandler, build_pipeline
from edge.wake.oww import OpenWakeWordDetector, load_wake_detector

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "edge" / "assets" / "demo_kitchen_light.wav"


@lru_cache(maxsize=1)
def settings() -> Settings:
    return load_settings("x86_64-dev")


@lru_cache(maxsize=1)
def engines() -> PipelineEngines:
    s = settings()
    return PipelineEngines(load_wake_detector(s), load_vad(s.model_dir()), load_recognizer(s))


def fresh_wake() -> OpenWakeWordDetector:
    """A detector of its own (streaming state is per instance) for tests that compare runs."""
    return load_wake_detector(settings())


def run_pipeline(
    samples: object,
    *,
    no_wake: bool = False,
    handler: TurnHandler | None = None,
    s: Settings | None = None,
) -> list[dict[str, object]]:
    """Replay samples through a pipeline with the shared engines; the JSON events, in order."""

    events: list[dict[str, object]] = []

    async def emit(event: PipelineEvent) -> None:
        events.append(event.to_json())

    async def main() -> None:
        cfg = s or settings()
        source = ArraySource(np.asarray(samples, dtype=np.int16), frame_ms=cfg.audio.frame_ms)
        shared = engines()
        if shared.wake is not None:
            shared.wake.reset()
        pipeline = build_pipeline(
            cfg, source, handler or NullHandler(), emit, no_wake=no_wake, engines=shared
        )
        await pipeline.run()

    asyncio.run(main())
    return events


def test_shared_engines_load_the_configured_models() -> None:
    e = engines()
    assert e.wake is not None and e.wake.words == ("hey_jarvis",)
    assert isinstance(e.vad, SileroVAD)
    assert e.recognizer.name == "whisper"
    assert DEMO.is_file()
