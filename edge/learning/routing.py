"""Where each failure point goes: the fix a class routes to (section 5 of the self-learning spec)."""

from __future__ import annotations

from dataclasses import dataclass

from edge.feedback.record import TurnRecord

__all__ = ["Fix", "route"]


@dataclass(frozen=True, slots=True)
class Fix:
    """Where a failure class goes: ``kind`` rewrite | phonetic_alias | nlu_example | alias | teach |
    device_alert | wake_threshold | none, with what it needs."""

    failure_point: str
    kind: str
    detail: dict[str, str]


def route(failure_point: str, turn: TurnRecord, nxt: TurnRecord | None) -> Fix:
    said = turn.asr_text or turn.text
    fixed = (nxt.asr_text or nxt.text) if nxt is not None else ""
    if failure_point == "asr":
        return Fix("asr", "rewrite" if fixed else "phonetic_alias", {"from": said, "to": fixed})
    if failure_point == "nlu":
        return Fix(
            "nlu",
            "nlu_example",
            {"text": said, "label_from": fixed, "intent": nxt.intent or "" if nxt else ""},
        )
    if failure_point == "entity_resolution":
        mention = turn.slots.get("name", "")
        target = nxt.targets[0] if nxt is not None and nxt.targets else ""
        return Fix(
            "entity_resolution", "alias" if target else "teach", {"mention": mention, "entity_id": target}
        )
    if failure_point == "result":
        return Fix(
            "result", "device_alert", {"entity_ids": ",".join(turn.targets), "error": turn.result_error}
        )
    if failure_point == "false_wake":
        return Fix(
            "false_wake", "wake_threshold", {"area": turn.area, "hour": str(int(turn.t_start // 3600 % 24))}
        )
    return Fix(failure_point, "none", {})
