"""The hand-labelled dialogue pairs of ``tests/data/rephrase_dialogues.psv`` as the device's turns.

Each pair becomes the turns the device would have stored: the first request (parsed by the real NLU on
the family home, ended as the script says: done, answered, not understood, device error, talked over),
what was said in between, and the next request; a barge-in becomes the recorder's ``BargeIn``. The
detector under test then runs over them exactly as the recorder runs it (``detect_rephrases``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from edge.feedback.observations import BargeIn
from edge.feedback.record import Asked, TurnRecord
from edge.nlu.types import Intent

__all__ = ["OUTCOMES", "Pair", "PairTurns", "read_pairs", "split_of", "turns_of"]

OUTCOMES = frozenset({"done", "answered", "not_understood", "device_error", "barge_in"})
SCRIPTED = "Scripted"  # the intent of a turn the script says the device understood, where our NLU abstains
BLIND_TENTHS = 3  # sha256(first|next) mod 10 below this: the blind part


@dataclass(frozen=True, slots=True)
class Pair:
    mode: str
    first: str
    outcome: str
    response: str
    gap_s: float
    between: str
    next: str
    label: bool

    @property
    def split(self) -> str:
        return split_of(self.first, self.next)


@dataclass(frozen=True, slots=True)
class PairTurns:
    turns: tuple[TurnRecord, ...]
    barge_ins: tuple[BargeIn, ...]


def split_of(first: str, nxt: str) -> str:
    digest = hashlib.sha256(f"{first}|{nxt}".encode()).digest()
    return "blind" if digest[0] % 10 < BLIND_TENTHS else "dev"


def read_pairs(path: Path) -> list[Pair]:
    """Every pair of the file; a malformed line is an error naming the line."""
    pairs: list[Pair] = []
    for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = [c.strip() for c in raw.split("|")]
        if len(cols) != 8 or cols[2] not in OUTCOMES or cols[7] not in {"0", "1"}:
            raise ValueError(
                f"{path}:{no}: expected 'mode | first | outcome | response | gap | between | next | 0/1' "
                f"with an outcome among {sorted(OUTCOMES)}"
            )
        pairs.append(
            Pair(cols[0], cols[1], cols[2], cols[3], float(cols[4]), cols[5], cols[6], cols[7] == "1")
        )
    return pairs


Parse = Callable[[str], Intent | None]
Named = Callable[[str], tuple[str, ...]]


def _spoken_s(text: str) -> float:
    return 0.3 + len(text) / 15.0  # as the simulator's speaker: 0.3 s + 1 s per 15 characters


def _request(pair: Pair, parse: Parse, named: Named) -> TurnRecord:
    """The first request as stored: the NLU's reading of the words, the devices the response names as the
    ones acted on (the script's truth: "OK, the living room lamp is on" after "turn on the big light")."""
    text, outcome, response = pair.first, pair.outcome, pair.response
    intent = parse(text)
    if outcome == "not_understood" and "device called" not in response:
        intent = None  # the NLU abstained; "I don't know a device called X" keeps the intent, no target
    targets = (
        () if outcome == "not_understood" else (named(response) or (tuple(intent.targets) if intent else ()))
    )
    acted = outcome in {"done", "device_error", "barge_in"} and bool(targets)
    # the NLU's own score for a device the script says was acted on, when the NLU picked that device too
    # (an exact name or alias scores 1.0); a device the NLU did not pick has no score of ours
    scored = dict(zip(intent.targets, intent.target_scores, strict=False)) if intent else {}
    scores = tuple(scored[t] for t in targets) if targets and all(t in scored for t in targets) else ()
    ok = {"done": True, "answered": True, "barge_in": True, "device_error": False}.get(outcome)
    return TurnRecord(
        "t1",
        "s",
        "bench",
        0.0,
        1.5 + _spoken_s(response),
        asr_text=text,
        text=text,
        intent=intent.name if intent else (None if outcome == "not_understood" else SCRIPTED),
        slots=dict(intent.slots) if intent else {},
        targets=targets,
        target_scores=scores,
        commands=tuple({"entity_id": e, "payload": "{}"} for e in targets) if acted else (),
        result_ok=False if outcome == "not_understood" and intent else ok,
        result_error="device-timeout" if outcome == "device_error" else "",
        response=response,
        asked=Asked.WHICH if response.endswith("?") else Asked.NONE,
    )


def turns_of(pair: Pair, parse: Parse, named: Named) -> PairTurns:
    """The first request, what was said in between and the next request, as stored turns (``named``: the
    home's devices a response names)."""
    first = _request(pair, parse, named)
    turns = [first]
    t_next = first.t_end + pair.gap_s
    barge_ins: list[BargeIn] = []
    if pair.outcome == "barge_in":
        speak_from = first.t_end - _spoken_s(pair.response)
        barge_ins.append(BargeIn("t1", speak_from + 0.6, speak_from, _spoken_s(pair.response)))
        first = replace(first, t_end=speak_from + 0.6)
        turns[0] = first
        t_next = first.t_end + pair.gap_s
    if pair.between:
        mid_t = first.t_end + pair.gap_s / 2
        mid = TurnRecord("t2", "s", "bench", mid_t, mid_t + 1.0, asr_text=pair.between, text=pair.between)
        turns.append(mid)
        t_next = max(t_next, mid.t_end + 0.5)
    intent = parse(pair.next)
    nxt = TurnRecord(
        "t3",
        "s",
        "bench",
        t_next,
        t_next + 2.0,
        asr_text=pair.next,
        text=pair.next,
        intent=intent.name if intent else None,
        slots=dict(intent.slots) if intent else {},
        targets=tuple(intent.targets) if intent else (),
    )
    turns.append(nxt)
    return PairTurns(tuple(turns), tuple(barge_ins))


def linked(signals: Sequence[object]) -> bool:
    return any(
        getattr(s, "turn_id", "") == "t1" and getattr(s, "related_turn_id", "") == "t3" for s in signals
    )
