"""Barista (real people ordering coffee) through the full audio path, beside Home Assistant's matcher.

Each development recording runs through what ``edge replay --no-wake --domain coffee_maker.yaml`` runs
(16 kHz audio -> VAD endpointing -> Whisper with the domain's prompt -> the domain parser), with the models
loaded once. A clip is an exact match when its first intent has the labelled intent and exactly the
labelled slots. In the same run the same transcripts go to hassil (Home Assistant's matcher) with the
same grammar, and to our grammar matcher on transcripts decoded *without* the domain prompt, so the
prompt's share of the result is visible.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import statistics
import time
from pathlib import Path
from typing import Any

from edge.audio.sources import WavSource
from edge.config import Settings
from edge.events import PipelineEvent, Transcript, WakeDetected
from edge.nlu.domain_parser import DomainParser, load_parser
from edge.nlu.snapshots import demo_devices, make_snapshot
from edge.pipeline import build_pipeline, load_engines

__all__ = ["barista_verdict", "run", "run_barista"]


def barista_verdict(intent: str | None, slots: dict[str, str], label: dict[str, Any]) -> bool:
    """Exact match: the labelled intent and exactly the labelled slots (values compared trimmed)."""
    want = {k: " ".join(str(v).lower().split()) for k, v in (label.get("slots") or {}).items()}
    got = {k: " ".join(str(v).lower().split()) for k, v in slots.items()}
    return intent == label["intent"] and got == want


class _Collect:
    """A turn handler that keeps the transcripts of one file."""

    def __init__(self) -> None:
        self.transcripts: list[Transcript] = []

    async def on_wake(self, wake: WakeDetected, turn_id: str) -> None:
        return None

    async def on_transcript(self, transcript: Transcript, turn_id: str, emit: Any) -> None:
        if not transcript.rejected:
            self.transcripts.append(transcript)

    async def on_no_speech(self, turn_id: str, t_ms: float) -> None:
        return None


async def _transcribe(settings: Settings, engines: Any, path: Path, vocabulary: list[str]) -> list[str]:
    handler = _Collect()

    async def ignore(_event: PipelineEvent) -> None:
        return None

    source = WavSource(path, frame_ms=settings.audio.frame_ms, realtime=False)
    pipeline = build_pipeline(
        settings, source, handler, ignore, no_wake=True, engines=engines, vocabulary=lambda: vocabulary
    )
    await pipeline.run()
    return [t.text for t in handler.transcripts]


def _hassil_matcher(parser: DomainParser) -> Any:
    try:
        from hassil import Intents, recognize  # noqa: PLC0415 - lazy: hassil is a development extra
    except ImportError:
        return None
    spec = parser.spec
    data = {
        "language": "en",
        "intents": {name: {"data": [{"sentences": list(ts)}]} for name, ts in spec.templates.items()},
        "lists": {
            name: {"values": [{"in": s, "out": v} for s, v in values]} for name, values in spec.lists.items()
        },
        "expansion_rules": dict(spec.rules),
    }
    intents = Intents.from_dict(data)

    def predict(text: str) -> tuple[str | None, dict[str, str]]:
        try:
            result = recognize(text, intents)
        except Exception:  # hassil raises on text it cannot tokenize
            return None, {}
        if result is None:
            return None, {}
        return result.intent.name, {k: str(v.value).strip() for k, v in result.entities.items()}

    return predict


def run_barista(settings: Settings, shared: Path, limit: int = 0) -> dict[str, Any]:
    folder = shared / "barista"
    labels = [json.loads(line) for line in (folder / "labels.jsonl").open() if line.strip()]
    if limit:
        labels = labels[:limit]
    domain_file = folder / "coffee_maker.yaml"
    settings = dataclasses.replace(settings, nlu=dataclasses.replace(settings.nlu, domain=str(domain_file)))
    parser = load_parser(settings)
    assert isinstance(parser, DomainParser)
    engines = load_engines(settings, no_wake=True)
    snapshot = make_snapshot(demo_devices())
    hassil = _hassil_matcher(parser)
    counts = {"edge": 0, "edge_no_prompt": 0, "hassil": 0, "split": 0, "no_transcript": 0}
    asr_s: list[float] = []
    parse_ms: list[float] = []
    misses: list[dict[str, Any]] = []
    for label in labels:
        path = folder / label["audio"]
        start = time.perf_counter()
        texts = asyncio.run(_transcribe(settings, engines, path, parser.vocabulary()))
        asr_s.append(time.perf_counter() - start)
        plain = asyncio.run(_transcribe(settings, engines, path, []))
        counts["split"] += len(texts) > 1
        counts["no_transcript"] += not texts
        text = texts[0] if texts else ""
        t0 = time.perf_counter()
        intent = parser.parse(text, snapshot) if text else None
        parse_ms.append((time.perf_counter() - t0) * 1000)
        name, slots = (intent.name, dict(intent.slots)) if intent else (None, {})
        ok = barista_verdict(name, slots, label)
        counts["edge"] += ok
        bare = parser.parse(plain[0], snapshot) if plain else None
        counts["edge_no_prompt"] += barista_verdict(
            bare.name if bare else None, dict(bare.slots) if bare else {}, label
        )
        if hassil is not None:
            ha_intent, ha_slots = hassil(text)
            counts["hassil"] += barista_verdict(ha_intent, ha_slots, label)
        if not ok:
            misses.append({"audio": label["audio"], "heard": texts, "intent": name, "slots": slots})
    n = max(1, len(labels))
    return {
        "clips": len(labels),
        "exact_match": round(counts["edge"] / n, 4),
        "exact_match_without_domain_prompt": round(counts["edge_no_prompt"] / n, 4),
        "hassil_same_grammar_same_transcripts": round(counts["hassil"] / n, 4) if hassil else "not installed",
        "clips_split_in_two_utterances": counts["split"],
        "clips_without_transcript": counts["no_transcript"],
        "audio_path_s_median": round(statistics.median(asr_s), 3) if asr_s else 0.0,
        "domain_parse_ms_median": round(statistics.median(parse_ms), 3) if parse_ms else 0.0,
        "misses": misses[:20],
    }


def run(settings: Settings, args: Any) -> int:
    shared = settings.shared_data()
    if shared is None or not (shared / "barista" / "labels.jsonl").is_file():
        print("barista data (../shared/data/barista) not found: nothing to measure (set EDGE_SHARED_DATA)")
        return 0
    limit = 30 if getattr(args, "quick", False) else 0
    print(json.dumps(run_barista(settings, shared, limit), indent=1))
    return 0
