"""How the runtime's events read on the terminal (`edge run`, `replay`, `demo`); the demo home."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from edge import resources
from edge.commands._util import emit_json
from edge.events import EventType, PipelineEvent

__all__ = ["default_home", "describe", "event_printer"]


def default_home() -> Path | None:
    demo = resources.demo_home()
    return demo if demo.exists() else None


def event_printer(as_json: bool) -> Any:
    def show(event: PipelineEvent) -> None:
        if as_json:
            emit_json(event.to_json())
        else:
            print(describe(event), flush=True)

    return show


def describe(event: PipelineEvent) -> str:
    """One readable line per event, e.g. ``wake hey_jarvis 0.93 at 1.2s``."""
    d: dict[str, Any] = dict(event.data)
    at = f"at {event.t_ms / 1000:.1f}s"
    match event.type:
        case EventType.START:
            return "listening" + ("" if d.get("wake", True) else " (no wake word)")
        case EventType.WAKE:
            return f"wake {d['word']} {d['score']:.2f} {at}"
        case EventType.VOICE_START:
            return f"speech starts {at}"
        case EventType.VOICE_END:
            return f"speech ends {at} ({d.get('reason', '')}, {d.get('audio_ms', 0) / 1000:.1f}s of audio)"
        case EventType.TRANSCRIPT:
            if d.get("rejected"):
                return f"rejected ({d.get('reason', '')}): {d.get('text', '')!r} {at}"
            return (
                f"heard: {d['text']} ({d['engine']} {d['confidence']:.2f}, asr {d.get('asr_ms', 0):.0f} ms)"
            )
        case EventType.ERROR:
            return f"error {d.get('code', '')}: {d.get('message', '')} {at}"
        case EventType.INTENT:
            targets = ", ".join(d.get("targets", [])) or "-"
            return (
                f"intent {d.get('intent')} {d.get('slots', {})} -> {targets} ({d.get('confidence', 0):.2f})"
            )
        case EventType.NOT_UNDERSTOOD:
            return f"not for the home: {d.get('text', '')!r}"
        case EventType.REWRITE:
            layer = f"{d.get('layer')}, {d.get('score', 0):.2f}"
            return f"rewrote {d.get('original')!r} -> {d.get('rewritten')!r} ({layer})"
        case EventType.ACTION:
            return (
                f"action {d.get('entity_id')} {d.get('action', '')} on {d.get('topic')}: {d.get('payload')}"
            )
        case EventType.RESULT:
            if d.get("ok"):
                return f"confirmed by the device ({d.get('latency_ms', 0):.0f} ms)"
            return f"failed: {d.get('error', '')} {d.get('message', '')}".rstrip()
        case EventType.RESPONSE:
            return f"says: {d.get('text', '')}"
        case EventType.END:
            return f"done: {d.get('turns', 0)} turn(s), {d.get('duration_ms', 0) / 1000:.1f}s of audio"
        case _:
            extra = " ".join(f"{k}={v}" for k, v in d.items())
            return f"{event.type} {extra} {at}".strip()
