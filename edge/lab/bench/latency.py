"""``edge bench latency`` (issue 17): from the last spoken word to the command published on MQTT.

In one invocation, on the same audio (:mod:`._latency_audio`: espeak-ng commands for the demo home at
several voices and rates, every second one over a background-noise bed, a blind set of commands and voices
kept apart, and the barista recordings when ``../shared/data`` is there):
- **ambient-edge**: the real runtime on a real Mosquitto with the simulated demo home, fed in real time
  (:mod:`._latency_edge`), latency to the command's arrival on the broker;
- **HA-style**: Home Assistant's default VAD end (0.7 s of silence), faster-whisper tiny.en int8 beam 1,
  hassil with home-assistant-intents (:mod:`._latency_ha`), latency to the matched intent plus one publish.
Then the same under ``taskset -c 0`` (the bench re-run in a child process: one core, the nearest this
machine gets to a Pi), the idle cost of wake word + VAD beside a bare openWakeWord loop over the same
frames, and the default stack's resident memory (``edge bench memory``'s child). Medians and p90s; the
ratios are against the baseline measured in the same run (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from edge import resources
from edge.config import Settings
from edge.lab.bench._latency_audio import (
    BLIND_COMMANDS,
    BLIND_VOICES,
    COMMANDS,
    VOICES,
    Clip,
    barista_clips,
    noise_beds,
    synthesized_clips,
)
from edge.lab.bench._latency_idle import idle_cost
from edge.lab.bench._latency_report import print_report

__all__ = ["percentile", "run", "summary"]

CHILD_ENV = "EDGE_BENCH_LATENCY_CHILD"  # set in the single-core child: measure, print one JSON line
CHILD_TIMEOUT_S = 1800.0
BARISTA_CLIPS = 20  # of the development recordings, in the full run


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) by linear interpolation between closest ranks; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def summary(values: Sequence[float]) -> dict[str, float | int]:
    """``n``, ``median_s`` and ``p90_s`` of latencies in seconds (rounded to ms)."""
    return {
        "n": len(values),
        "median_s": round(percentile(values, 0.5), 3),
        "p90_s": round(percentile(values, 0.9), 3),
    }


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 3)


def _ratio(ours: float, theirs: float) -> float | None:
    return round(ours / theirs, 3) if ours > 0 and theirs > 0 else None


PARTS = ("default", "single", "idle", "memory")  # --only: the measurements to run (all by default)
CLIP_SETS = ("dev", "blind", "barista")  # --only: the clip sets to hear (all by default)


def _only(args: argparse.Namespace) -> set[str]:
    """``--only`` for this bench: parts and clip sets, comma-separated; every one when it names none."""
    named = {p.strip() for p in str(getattr(args, "only", "") or "").split(",") if p.strip()}
    if unknown := named - {*PARTS, *CLIP_SETS}:
        print(f"bench latency: --only {','.join(sorted(unknown))} unknown; use {','.join(PARTS + CLIP_SETS)}")
    parts = named & set(PARTS) or set(PARTS)
    return parts | (named & set(CLIP_SETS) or set(CLIP_SETS))


def _clips(settings: Settings, quick: bool, sets: frozenset[str] = frozenset(CLIP_SETS)) -> list[Clip]:
    noises = noise_beds(settings.shared_data())
    if quick:
        return synthesized_clips(COMMANDS[:2], VOICES[:1], noises=noises)
    dev = synthesized_clips(COMMANDS, VOICES, noises=noises) if "dev" in sets else []
    blind = (
        synthesized_clips(BLIND_COMMANDS, BLIND_VOICES, blind=True, noises=noises) if "blind" in sets else []
    )
    return dev + blind


def _fast_path_setting(settings: Settings) -> str:
    """What the fast-path and speculative-decode settings say."""
    s = settings
    return (
        f"asr.fast_path={s.asr.fast_path!r}, vad.semantic_silence_ms={s.vad.semantic_silence_ms!r}, "
        f"vad.speculative_ms={s.vad.speculative_ms!r}"
    )


def measure(settings: Settings, quick: bool, sets: frozenset[str] = frozenset(CLIP_SETS)) -> dict[str, Any]:
    """One profile's figures: both pipelines on the same clips. Blocking (minutes)."""
    from edge.audio.vad import load_vad  # noqa: PLC0415 - lazy: onnxruntime loads only when measured
    from edge.lab.bench._latency_edge import run_edge  # noqa: PLC0415 - lazy: the runtime, when measured
    from edge.lab.bench._latency_ha import HaStylePipeline, home_matcher  # noqa: PLC0415 - lazy: faster-whisper
    from edge.lab.bench.barista import _hassil_matcher  # noqa: PLC0415 - lazy: hassil
    from edge.nlu.domain_parser import DomainParser, load_parser  # noqa: PLC0415 - lazy: the NLU

    home = resources.demo_home()
    clips = _clips(settings, quick, sets)
    turns, publish_s = run_edge(settings, clips, home) if clips else ([], 0.0)
    matcher = home_matcher(home)
    ha = HaStylePipeline(settings, load_vad(settings.model_dir(), threads=1), matcher)
    ha_runs = [ha.run(clip) for clip in clips]
    shared = settings.shared_data()
    barista = [] if quick or "barista" not in sets else barista_clips(shared, BARISTA_CLIPS)
    if barista and shared is not None:  # the same two pipelines through the coffee domain's grammar
        domain = str(shared / "barista" / "coffee_maker.yaml")
        with_domain = replace(settings, nlu=replace(settings.nlu, domain=domain))
        more, _ = run_edge(with_domain, barista, home)
        parser = load_parser(with_domain)
        ha.matcher = _hassil_matcher(parser) if isinstance(parser, DomainParser) else None
        clips, turns, ha_runs = clips + barista, turns + more, ha_runs + [ha.run(c) for c in barista]
    rows: list[dict[str, Any]] = []
    for clip, turn, base in zip(clips, turns, ha_runs, strict=True):
        rows.append({
            "clip": clip.name, "blind": clip.blind, "noise": clip.noise, "barista": clip.label is not None,
            "last_word_s": round(clip.last_word_s, 3),
            "edge_s": None if turn.latency_s is None else round(turn.latency_s, 3),
            "edge_entity": turn.entity_id, "edge_correct": turn.correct, "edge_heard": turn.transcript,
            "edge_engine": turn.engine, "fast_path": turn.fast_path, "edge_endpoint": turn.endpoint,
            "edge_fast": turn.fast, "edge_voice_end_s": _rounded(turn.voice_end_s),
            "edge_transcript_s": _rounded(turn.transcript_s), "speculative": turn.speculative,
            "ha_s": round(base.latency_s(publish_s), 3), "ha_wait_s": round(base.wait_s, 3),
            "ha_stt_s": round(base.stt_s, 3), "ha_heard": base.text, "ha_intent": base.intent,
            "ha_vad_closed": base.closed,
        })  # fmt: skip
    return {
        "profile": settings.profile.name,
        "threads": settings.profile.threads,
        "fast_path_settings": _fast_path_setting(settings),
        "mqtt_publish_s": round(publish_s, 4),
        "ha_matcher": "hassil" if matcher is not None else "none (hassil or home-assistant-intents missing)",
        "barista": f"{len(barista)} recordings"
        if barista
        else "none (quick, or ../shared/data/barista absent)",
        "groups": {name: _group(rows, pick) for name, pick in _GROUPS.items()},
        "clips": rows,
    }


_GROUPS = {
    "all": lambda r: True,
    "dev": lambda r: not r["blind"] and not r["barista"],
    "blind": lambda r: bool(r["blind"]),
    "noisy": lambda r: bool(r["noise"]),
    "barista": lambda r: bool(r["barista"]),
}


def _group(rows: list[dict[str, Any]], pick: Any) -> dict[str, Any]:
    chosen = [r for r in rows if pick(r)]
    ours = [float(r["edge_s"]) for r in chosen if r["edge_s"] is not None]
    theirs = [float(r["ha_s"]) for r in chosen]
    edge, ha = summary(ours), summary(theirs)
    n = max(1, len(chosen))
    return {
        "clips": len(chosen),
        "edge": edge,
        "ha": ha,
        "ratio_median": _ratio(float(edge["median_s"]), float(ha["median_s"])),
        "ratio_p90": _ratio(float(edge["p90_s"]), float(ha["p90_s"])),
        "edge_command_correct": round(sum(bool(r["edge_correct"]) for r in chosen) / n, 3),
        "ha_intent_matched": round(sum(r["ha_intent"] is not None for r in chosen) / n, 3),
        "fast_path_share": round(sum(bool(r["fast_path"]) for r in chosen) / n, 3),
        "speculative_share": round(sum(bool(r.get("speculative")) for r in chosen) / n, 3),
        "semantic_end_share": round(
            sum("semantic_end" in str(r.get("edge_endpoint")) for r in chosen) / n, 3
        ),
    }


def _single_core(args: argparse.Namespace) -> dict[str, Any]:
    """The same measurement re-run under ``taskset -c 0`` in a child process (its last stdout line)."""
    if shutil.which("taskset") is None:
        return {"error": "taskset not installed (util-linux): no single-core run"}
    argv = ["taskset", "-c", "0", sys.executable, "-m", "edge", "bench", "latency"]
    if getattr(args, "quick", False):
        argv.append("--quick")
    if getattr(args, "only", ""):
        argv += ["--only", str(args.only)]
    for flag in ("profile", "config"):
        if value := getattr(args, flag, None):
            argv += [f"--{flag}", str(value)]
    for override in getattr(args, "overrides", []) or []:
        argv += ["--set", str(override)]
    env = {**os.environ, CHILD_ENV: "1"}
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return {"error": f"the single-core run took over {CHILD_TIMEOUT_S:.0f} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"the single-core run failed (exit {done.returncode}): {tail}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _memory(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    from edge.lab.bench.memory import measure_profile  # noqa: PLC0415 - lazy: a sibling bench

    m = measure_profile(settings.profile.name, list(getattr(args, "overrides", []) or []))
    return {"rss_mb": m.rss_mb, "peak_mb": m.peak_mb, "in_use_peak_mb": m.in_use_peak_mb, "stack": m.stack,
            "target_mb": 350, "error": m.error}  # fmt: skip


def run(settings: Settings, args: argparse.Namespace) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    quick = bool(getattr(args, "quick", False))
    only = _only(args)
    sets = frozenset(only & set(CLIP_SETS))
    if os.environ.get(CHILD_ENV):
        print(json.dumps(measure(settings, quick, sets)))
        return 0
    from edge.audio.synth import tools_missing  # noqa: PLC0415 - lazy: a check before minutes of work

    if missing := tools_missing():
        print(f"bench latency: {', '.join(missing)} not installed: sudo apt-get install espeak-ng sox")
        return 1
    if settings.shared_data() is None:
        print(
            "bench latency: ../shared/data not found (set EDGE_SHARED_DATA): no noise beds, no barista clips"
        )
    report: dict[str, Any] = {}
    if "default" in only:
        report["default"] = measure(settings, quick, sets)
    if "single" in only:
        report["single_core"] = _single_core(args)
    if "idle" in only:
        report["idle"] = idle_cost(settings, repeats=3 if quick else 7)
    if "memory" in only:
        report["memory"] = _memory(settings, args)
    if getattr(args, "json", False):
        print(json.dumps(report, indent=1))
    else:
        print_report(report)
    return 0
