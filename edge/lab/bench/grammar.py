"""``edge bench grammar``: what a grammar-only satellite (``asr.engine = "grammar"``, the zero2w profile)
hears, measured (docs/appliance.md "A recognizer that fits the Zero 2 W").

Every clip is replayed through the real pipeline (listener, endpointing, the fast path's decoder as the only
recognizer) with the demo home's grammar and parsed by the real NLU: the demo recording (with its wake word)
and espeak-ng clips, several voices and rates, of commands for the demo home (in the grammar; ``opposite``:
commands one word away from their opposite), requests the grammar has no sentence for, and commands naming
devices or rooms this home does not have. In grammar: right when the parse is the reference sentence's own
action (intent, devices, values, however the devices were named); outside: right when nothing acts. A
**false action** is a clip that parses to an action on a device it was not asked for: the figure that must
stay 0 (exit 1 otherwise). ``--set`` overrides apply (``--set asr.engine=whisper`` measures Whisper).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edge import resources
from edge.audio.sources import WavSource
from edge.audio.synth import synthesize, tools_missing
from edge.config import Settings, load_settings
from edge.context.model import ContextSnapshot
from edge.events import PipelineEvent
from edge.nlu.domain_parser import load_parser
from edge.nlu.fastpath import confident, grammar_source
from edge.nlu.snapshots import demo_devices, make_snapshot
from edge.pipeline import NullHandler, PipelineEngines, build_pipeline, load_engines

__all__ = ["COMMANDS", "NEAR_MISSES", "OPPOSITE", "OUTSIDE", "Clip", "Heard", "replay", "run", "score"]

# in the demo home's grammar: devices, aliases, areas, numbers (none of them tuned on)
COMMANDS = (
    "turn on the kitchen light",
    "turn off the living room lamp",
    "set the kitchen light to fifty percent",
    "switch off the bedroom light",
    "turn on the coffee maker",
    "dim the office lamp to twenty percent",
    "set the thermostat to twenty one degrees",
    "close the living room blinds",
    "turn on the bedroom fan",
    "lock the front door",
)
# commands whose opposite is a sentence of the grammar too (one word apart: on/off, open/close, lock/unlock)
OPPOSITE = (
    "turn off the bedroom light",
    "turn off the kitchen light",
    "turn on the office lamp",
    "turn off the tv",
    "open the garage door",
    "close the garage door",
    "unlock the front door",
    "turn off the coffee maker",
)
# no sentence of the grammar: questions, chat, requests for services a satellite does not have
OUTSIDE = (
    "what is the capital of france",
    "tell me a joke about cats",
    "remind me to buy milk tomorrow",
    "how far away is the moon",
    "call my sister on her mobile",
)
# the grammar's sentence shapes with a device or room this home does not have: a forced decode of these
# onto the nearest name would act on the wrong device
NEAR_MISSES = (
    "turn on the garden sprinkler",
    "switch off the bathroom heater",
    "open the patio umbrella",
)
NAMING_SLOTS = frozenset({"name", "area", "floor", "domain", "device_class"})  # how targets were named
IN_GRAMMAR = frozenset({"demo", "command", "opposite"})
VOICES = (("en-us", 150), ("en-gb", 170), ("en-us+f3", 135), ("en-gb+m3", 185))


@dataclass(frozen=True, slots=True)
class Clip:
    kind: str  # "demo", "command", "outside", "near_miss"
    text: str  # what was said
    wav: Path
    wake: bool = False


@dataclass(frozen=True, slots=True)
class Heard:
    clip: Clip
    text: str  # "" when rejected (or nothing transcribed)
    engine: str
    reason: str  # the transcript's rejection reason ("" when accepted)


def replay(
    settings: Settings, engines: PipelineEngines, clip: Clip, parser: Any, snap: ContextSnapshot
) -> Heard:
    """One clip through the pipeline (blocking): what the turn would have been given."""
    events: list[dict[str, Any]] = []

    async def emit(event: PipelineEvent) -> None:
        events.append(event.to_json())

    async def main() -> None:
        source = WavSource(clip.wav, frame_ms=settings.audio.frame_ms, realtime=False)
        pipeline = build_pipeline(
            settings, source, NullHandler(), emit, no_wake=not clip.wake, engines=engines,
            vocabulary=lambda: parser.vocabulary() if hasattr(parser, "vocabulary") else [],
            grammar=grammar_source(lambda: snap, parser), confident=confident(parser, lambda: snap),
        )  # fmt: skip
        await asyncio.wait_for(pipeline.run(), timeout=120.0)

    asyncio.run(main())
    said = [e for e in events if e["type"] == "transcript"]
    if not said:
        return Heard(clip, "", "", "no transcript")
    first = said[0]
    text = "" if first["rejected"] else str(first["text"])
    return Heard(clip, text, str(first["engine"]), str(first["reason"]) if first["rejected"] else "")


def score(heard: list[Heard], parse: Callable[[str], Any]) -> dict[str, dict[str, int]]:
    """Per kind of clip: clips, right, rejected, false actions (a parse that acts on a device, other than
    the reference sentence's own action: intent, devices and values)."""

    def key(
        intent: Any,
    ) -> Any:  # the action: the intent, the devices and the values, however they were named
        if intent is None:
            return None
        values = sorted((k, v) for k, v in intent.slots.items() if k not in NAMING_SLOTS)
        return (intent.name, tuple(intent.targets), tuple(values))

    out: dict[str, dict[str, int]] = {}
    for h in heard:
        row = out.setdefault(h.clip.kind, {"clips": 0, "right": 0, "rejected": 0, "false_action": 0})
        row["clips"] += 1
        intent = parse(h.text) if h.text else None
        acts = intent is not None and bool(intent.targets)
        got = key(intent)
        want = key(parse(h.clip.text)) if h.clip.kind in IN_GRAMMAR else None
        row["rejected"] += int(not h.text)
        row["right"] += int(got == want or (want is None and not acts))
        row["false_action"] += int(got != want and acts)
    return out


def _clips(folder: Path, voices: int) -> list[Clip]:
    clips = [Clip("demo", "turn on the kitchen light", resources.demo_wav(), wake=True)]
    sets = (("command", COMMANDS), ("opposite", OPPOSITE), ("outside", OUTSIDE), ("near_miss", NEAR_MISSES))
    for kind, sentences in sets:
        for i, text in enumerate(sentences):
            for voice, rate in VOICES[:voices]:
                out = folder / f"{kind}_{i}_{voice}_{rate}.wav"
                wav = synthesize(text, out, voice=voice, speed=rate, lead_silence_s=0.5, tail_silence_s=1.5)
                clips.append(Clip(kind, text, wav))
    return clips


def measure(settings: Settings, voices: int = len(VOICES)) -> tuple[list[Heard], dict[str, dict[str, int]]]:
    """Every clip heard by ``settings``' recognizer (models loaded once) and the scores."""
    snap = make_snapshot(demo_devices())
    parser = load_parser(settings)
    engines = load_engines(settings)
    with tempfile.TemporaryDirectory(prefix="edge-bench-grammar-") as tmp:
        clips = _clips(Path(tmp), voices) if not tools_missing() else _clips(Path(tmp), 0)
        heard = [replay(settings, engines, clip, parser, snap) for clip in clips]
    return heard, score(heard, lambda text: parser.parse(text, snap))


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Print one line per kind of clip (and every clip with ``--json``); exit 1 on a false action."""
    base = load_settings(
        getattr(args, "profile", None) or "zero2w", None, list(getattr(args, "overrides", []))
    )
    voices = 2 if getattr(args, "quick", False) else len(VOICES)
    heard, table = measure(base, voices)
    if tools_missing():
        print(f"espeak-ng clips skipped: {', '.join(tools_missing())} not installed")
    print(f"{base.profile.name}: asr.engine = {base.asr.engine!r}, the demo home's grammar, {voices} voices")
    print(f"{'clips':<10} {'n':>3} {'right':>6} {'rejected':>9} {'false action':>13}")
    for kind in ("demo", "command", "opposite", "outside", "near_miss"):
        row = table.get(kind)
        if row:
            n, right, rejected, false = (row[k] for k in ("clips", "right", "rejected", "false_action"))
            print(f"{kind:<10} {n:>3} {right:>6} {rejected:>9} {false:>13}")
    if getattr(args, "json", False):
        for h in heard:
            print(f"  {h.clip.kind:<9} {h.clip.text!r:<42} -> {h.text!r} {h.reason}")
    return int(any(row["false_action"] for row in table.values()))
