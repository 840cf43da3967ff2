"""Rephrase chains from the turn log: sessions (5 minutes of silence end one), goals (turns linked by a
rephrase signal), and the Markov transitions they imply.

A rewritten turn counts twice: the original utterance moves to the rewrite target (the rewrite edge), and
the target's outcome is credited to the target - so a live rewrite keeps its own evidence and the original's
direct success rate comes only from the unrewritten (holdout) occurrences.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from edge.errors import ErrorCode
from edge.feedback.record import FeedbackSignal, Label, SignalKind, TurnRecord
from edge.feedback.rephrase import response_failed
from edge.learning.canonical import Canonicalizer, Lexicon

__all__ = [
    "FAILURE",
    "SUCCESS",
    "ChainTurn",
    "Goal",
    "Transition",
    "build_goals",
    "chain_turn",
    "is_defect",
    "sessions",
    "transitions",
]

SUCCESS = "<S>"
FAILURE = "<F>"
SESSION_GAP_S = 300.0
_LINK_KINDS = frozenset({SignalKind.REPHRASE, SignalKind.EXPLICIT_NEGATIVE})
_DEFECT_KINDS = frozenset(
    {
        SignalKind.BARGE_IN,
        SignalKind.REPHRASE,
        SignalKind.UNDO,
        SignalKind.RESULT_ERROR,
        SignalKind.ABANDON,
        SignalKind.EXPLICIT_NEGATIVE,
    }
)
DAY_S = 86_400.0
DEVICE_FAULTS = frozenset({str(ErrorCode.DEVICE_TIMEOUT), str(ErrorCode.DEVICE_ERROR)})
_DEFECT, _SUCCESS = Label.DEFECT.value, Label.SUCCESS.value


def is_defect(turn: TurnRecord, signals: Sequence[FeedbackSignal]) -> bool:
    """The stored label when it is decided, else the turn's own defect signals (>= 0.5), no intent, a
    failed result, or a request that did nothing and said so ("I don't know a device called ...")."""
    if turn.label == _DEFECT:
        return True
    if turn.label == _SUCCESS:
        return False
    if any(s.kind in _DEFECT_KINDS and s.strength >= 0.5 for s in signals if s.turn_id == turn.turn_id):
        return True
    if turn.intent is None or turn.result_ok is False:
        return True
    return not turn.commands and not turn.dialog and response_failed(turn.response)


@dataclass(frozen=True, slots=True)
class ChainTurn:
    """One spoken turn as the learner sees it: canonical original and (when rewritten) its rewrite."""

    turn_id: str
    session_id: str
    home_id: str
    t_start: float
    original: str  # canonical ASR text before any rewrite
    rewritten: str  # canonical rewrite target, "" when none was applied
    defect: bool
    device_fault: bool = False  # the device did not answer a request we sent it: not the words' fault

    @property
    def day(self) -> int:
        return int(self.t_start // DAY_S)


@dataclass(frozen=True, slots=True)
class Goal:
    turns: tuple[ChainTurn, ...]


@dataclass(frozen=True, slots=True)
class Transition:
    """``source`` -> ``target`` (a state, :data:`SUCCESS` or :data:`FAILURE`) observed on ``day`` in
    ``home_id``; ``direct`` when the target is the very next turn linked by a rephrase."""

    source: str
    target: str
    day: int
    home_id: str
    direct: bool = False
    via_rewrite: bool = False


def chain_turn(
    turn: TurnRecord,
    signals: Sequence[FeedbackSignal],
    lexicon: Lexicon | None,
    canon: Callable[[str], str] | None = None,
) -> ChainTurn:
    """``canon`` (a :class:`Canonicalizer` over ``lexicon``) memoizes canonical forms across turns."""
    canon = canon or Canonicalizer(lexicon)
    heard = turn.asr_text or turn.text
    rewritten = ""
    if turn.rewrite is not None:
        heard = turn.rewrite.original
        rewritten = canon(turn.rewrite.rewritten)
    original = canon(heard)
    return ChainTurn(
        turn.turn_id,
        turn.session_id,
        turn.home_id,
        turn.t_start,
        original,
        rewritten if rewritten != original else "",
        is_defect(turn, signals),
        turn.result_ok is False and bool(turn.commands) and turn.result_error in DEVICE_FAULTS,
    )


def sessions(turns: Iterable[TurnRecord], gap_s: float = SESSION_GAP_S) -> list[list[TurnRecord]]:
    """Split each home's time-ordered turns where ``gap_s`` of silence passes (or the session id changes)."""
    out: list[list[TurnRecord]] = []
    by_home: dict[str, list[TurnRecord]] = {}
    for t in turns:
        by_home.setdefault(t.home_id, []).append(t)
    for home_turns in by_home.values():
        current: list[TurnRecord] = []
        for t in sorted(home_turns, key=lambda r: r.t_start):
            if current and (t.t_start - current[-1].t_end > gap_s or t.session_id != current[-1].session_id):
                out.append(current)
                current = []
            current.append(t)
        if current:
            out.append(current)
    return out


def build_goals(
    turns: Sequence[TurnRecord],
    signals: Mapping[str, Sequence[FeedbackSignal]],
    lexicon: Lexicon | None = None,
    gap_s: float = SESSION_GAP_S,
) -> list[Goal]:
    """Goals: within a session, turns joined by rephrase / "I said ..." links (turn i -> related turn j).
    Turns the device never answered (timeouts, device errors) are left out: their words were not at fault,
    so they are evidence neither against the words nor for a rephrase."""
    goals: list[Goal] = []
    canon = Canonicalizer(lexicon)
    for session in sessions(turns, gap_s):
        spoken = [t for t in session if (t.asr_text or t.text).strip() and not t.no_speech]
        if len(spoken) == 1:  # most sessions: one request, nothing to link
            only = chain_turn(spoken[0], signals.get(spoken[0].turn_id, ()), lexicon, canon)
            if not only.device_fault:
                goals.append(Goal((only,)))
            continue
        index = {t.turn_id: i for i, t in enumerate(spoken)}
        nxt: dict[int, int] = {}
        for i, t in enumerate(spoken):
            for s in signals.get(t.turn_id, ()):
                j = index.get(s.related_turn_id, -1)
                if s.kind in _LINK_KINDS and j > i and i not in nxt:
                    nxt[i] = j
        linked = set(nxt.values())
        made: dict[int, ChainTurn] = {}  # a turn two earlier turns link to sits in both their chains
        for i in range(len(spoken)):
            if i in linked:
                continue
            chain = [i]
            while chain[-1] in nxt and len(chain) < 20:
                chain.append(nxt[chain[-1]])
            for k in chain:
                if k not in made:
                    t = spoken[k]
                    made[k] = chain_turn(t, signals.get(t.turn_id, ()), lexicon, canon)
            kept = tuple(made[k] for k in chain if not made[k].device_fault)
            if kept:
                goals.append(Goal(kept))
    return goals


def transitions(goals: Iterable[Goal]) -> list[Transition]:
    """From linked turns: a non-defective turn -> S; a defective turn followed by a linked turn -> that
    turn (a repeat is a self-loop); a defective last turn -> F."""
    out: list[Transition] = []
    for goal in goals:
        turns = goal.turns
        for k, t in enumerate(turns):
            state = t.original
            if not state:
                continue
            if t.rewritten:
                out.append(Transition(state, t.rewritten, t.day, t.home_id, direct=True, via_rewrite=True))
                state = t.rewritten
            if not t.defect:
                out.append(Transition(state, SUCCESS, t.day, t.home_id))
                break
            if k + 1 < len(turns) and turns[k + 1].original:
                out.append(Transition(state, turns[k + 1].original, t.day, t.home_id, direct=True))
            else:
                out.append(Transition(state, FAILURE, t.day, t.home_id))
    return out
