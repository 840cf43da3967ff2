"""The fast path measured beside Whisper alone on the same clips (docs/voice-pipeline.md "The fast path").

Each clip is replayed as ``edge replay --no-wake`` replays it, once with ``asr.fast_path`` on and once off,
with the models loaded once: espeak-ng commands for the demo home (several voices and rates) and requests
outside its grammar, and the barista recordings through their domain grammar. Per clip: from the last
speech window to the transcript (the endpoint's audio wait plus the compute after it), which engine served
it, and whether the parse is right (the reference sentence's own parse for synthesized commands, the label
for the barista). ``python -m edge.lab.fastpath_measure [--barista N] [--voices N]``
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from edge.audio.sources import WavSource
from edge.audio.synth import synthesize
from edge.config import Settings, load_settings
from edge.context.model import ContextSnapshot
from edge.events import PipelineEvent
from edge.lab.bench.barista import barista_verdict
from edge.nlu.domain_parser import load_parser
from edge.nlu.fastpath import confident, grammar_source
from edge.nlu.snapshots import demo_devices, make_snapshot
from edge.pipeline import NullHandler, PipelineEngines, build_pipeline, load_engines

__all__ = ["main"]

COMMANDS = (
    "turn on the kitchen light",
    "turn off the living room lamp",
    "set the kitchen light to fifty percent",
    "switch off the bedroom light",
    "turn on the coffee maker",
    "dim the office lamp to twenty percent",
    "set the thermostat to twenty one degrees",
    "turn off the kitchen ceiling light",
)
OUTSIDE = ("what is the capital of france", "tell me a joke about cats", "remind me to buy milk tomorrow")
VOICES = (("en-us", 150), ("en-gb", 170), ("en-us+f3", 135), ("en-gb+m3", 185))


def _replay(
    settings: Settings, engines: PipelineEngines, wav: Path, parser: Any, snap: ContextSnapshot
) -> dict[str, Any]:
    events: list[dict[str, Any]] = []

    async def emit(event: PipelineEvent) -> None:
        events.append(event.to_json())

    def snapshot() -> ContextSnapshot:
        return snap

    async def main() -> None:
        source = WavSource(wav, frame_ms=settings.audio.frame_ms, realtime=False)
        pipeline = build_pipeline(
            settings, source, NullHandler(), emit, no_wake=True, engines=engines,
            vocabulary=lambda: parser.vocabulary() if hasattr(parser, "vocabulary") else [],
            grammar=grammar_source(snapshot, parser), confident=confident(parser, snapshot),
        )  # fmt: skip
        await pipeline.run()

    asyncio.run(main())
    ends = [e for e in events if e["type"] == "voice_end"]
    heard = [e for e in events if e["type"] == "transcript" and not e["rejected"]]
    if not ends or not heard:
        return {"text": "", "engine": "", "wait_ms": 0.0, "compute_ms": 0.0, "reason": ""}
    return {
        "text": heard[0]["text"],
        "engine": heard[0]["engine"],
        "reason": ends[0]["reason"],
        "wait_ms": heard[0]["t_ms"]
        - ends[0]["t_ms"],  # audio after the last speech window until the decision
        "compute_ms": heard[0]["end_to_transcript_ms"],
    }


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    total = sorted(r["wait_ms"] + r["compute_ms"] for r in rows if r["engine"])
    if not total:
        return {"clips": len(rows)}
    return {
        "clips": len(rows),
        "last_word_to_transcript_ms_median": round(statistics.median(total), 1),
        "p90": round(total[int(0.9 * (len(total) - 1))], 1),
        "fast_path_share": round(sum(r["engine"].startswith("pocketsphinx") for r in rows) / len(rows), 3),
        "semantic_end_share": round(sum(r["reason"] == "semantic_end" for r in rows) / len(rows), 3),
        "correct": round(sum(r["correct"] for r in rows) / len(rows), 3),
    }


def _run_set(
    base: Settings, clips: list[tuple[Path, Callable[[str], bool]]], parser: Any, snap: ContextSnapshot
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for fast in (True, False):
        settings = dataclasses.replace(base, asr=dataclasses.replace(base.asr, fast_path=fast))
        engines = load_engines(settings, no_wake=True)
        rows = []
        for wav, right in clips:
            row = _replay(settings, engines, wav, parser, snap)
            row["correct"] = right(row["text"])
            rows.append(row)
        out["fast_path" if fast else "whisper_only"] = _summary(rows) | {"rows": rows}
    return out


def _synthesized(
    args: argparse.Namespace,
    base: Settings,
    parser: Any,
    snap: ContextSnapshot,
    same_parse: Callable[[str], Any],
) -> dict[str, Any]:
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="edge-fastpath-") as tmp:
        clips = []
        for i, text in enumerate((*COMMANDS, *OUTSIDE)):
            for voice, rate in VOICES[: args.voices]:
                out = Path(tmp) / f"{i}_{voice}_{rate}.wav"
                wav = synthesize(text, out, voice=voice, speed=rate, lead_silence_s=0.5, tail_silence_s=1.5)
                clips.append((wav, same_parse(text)))
        n_in = len(COMMANDS) * min(args.voices, len(VOICES))
        for name, part in (("synthesized_commands", clips[:n_in]), ("outside_grammar", clips[n_in:])):
            result = _run_set(base, part, parser, snap)
            report[name] = {
                k: {kk: vv for kk, vv in v.items() if kk != "rows" or args.rows} for k, v in result.items()
            }
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--barista", type=int, default=40, help="barista clips (0: none)")
    ap.add_argument("--voices", type=int, default=len(VOICES))
    ap.add_argument("--rows", action="store_true", help="print every clip")
    ap.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        help="a setting, e.g. vad.semantic_silence_ms=350",
    )
    ap.add_argument("--only", default="synthesized,barista", help="parts: synthesized, barista")
    args = ap.parse_args(argv)
    base = load_settings("x86_64-dev", None, args.overrides)
    snap = make_snapshot(demo_devices())
    report: dict[str, Any] = {}
    parser = load_parser(base)

    def same_parse(reference: str) -> Callable[[str], bool]:
        want = parser.parse(reference, snap)

        def right(text: str) -> bool:
            got = parser.parse(text, snap) if text else None
            if want is None:  # outside the grammar: right when Whisper heard something for the NLU
                return bool(text)
            return got is not None and (got.name, got.targets, dict(got.slots)) == (
                want.name,
                want.targets,
                dict(want.slots),
            )

        return right

    parts = set(args.only.split(","))
    if "synthesized" in parts:
        report |= _synthesized(args, base, parser, snap, same_parse)
    shared = base.shared_data()
    barista_ok = shared is not None and (shared / "barista" / "labels.jsonl").is_file()
    if "barista" in parts and args.barista and barista_ok and shared is not None:
        folder = shared / "barista"
        labels = [json.loads(line) for line in (folder / "labels.jsonl").open() if line.strip()][
            : args.barista
        ]
        settings = dataclasses.replace(
            base, nlu=dataclasses.replace(base.nlu, domain=str(folder / "coffee_maker.yaml"))
        )
        domain = load_parser(settings)

        def verdict(label: dict[str, Any]) -> Callable[[str], bool]:
            def right(text: str) -> bool:
                intent = domain.parse(text, snap) if text else None
                return barista_verdict(
                    intent.name if intent else None, dict(intent.slots) if intent else {}, label
                )

            return right

        clips_b = [(folder / label["audio"], verdict(label)) for label in labels]
        barista = _run_set(settings, clips_b, domain, snap)
        report["barista"] = {
            k: {kk: vv for kk, vv in v.items() if kk != "rows" or args.rows} for k, v in barista.items()
        }
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
