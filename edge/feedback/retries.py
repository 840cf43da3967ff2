"""The rephrase links over a turn history: each spoken request against the request before it (pure).

``detect_rephrases`` pairs the turns of each session the way the recorder stores them (dialogue answers and
cancels left out, chatter in between skipped) and asks ``edge.feedback.rephrase.detect_rephrase`` about
each pair, with the first turn's outcome (``edge.feedback.outcome``). The turn-history helpers the other
detectors share (``is_speech``, ``sessions``, ``commanded_entities``) live here too; ``edge.feedback.signals``
re-exports them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from edge.config import FeedbackSettings
from edge.feedback.observations import BargeIn, ChangeSource, DeviceEvent
from edge.feedback.outcome import turn_outcome
from edge.feedback.record import Asked, FeedbackSignal, SignalKind, TurnRecord
from edge.feedback.rephrase import Interpretation, Meaning, detect_rephrase
from edge.feedback.similarity import content_tokens
from edge.lang import fold, model_tokens

__all__ = [
    "CANCEL_PHRASES",
    "EXACT_SCORE",
    "chatter",
    "commanded_entities",
    "detect_rephrases",
    "exact",
    "interpretation",
    "is_speech",
    "sessions",
]

CANCEL_PHRASES = frozenset({"stop", "cancel", "never mind", "nevermind", "forget it", "nothing", "shut up"})
EXACT_SCORE = 0.99  # a target score this high: found by its own name or alias, not a near match


def is_speech(turn: TurnRecord) -> bool:
    return bool(fold(turn.asr_text or turn.text)) and not turn.no_speech


def interpretation(turn: TurnRecord) -> Interpretation:
    return Interpretation(turn.intent, turn.targets, turn.result_ok, slots=turn.slots, exact=exact(turn))


def exact(turn: TurnRecord) -> bool:
    """The turn's devices were found by the very name or alias said (every target score 1.0)."""
    scores = turn.target_scores
    return bool(turn.targets) and len(scores) == len(turn.targets) and min(scores) >= EXACT_SCORE


def sessions(turns: Iterable[TurnRecord]) -> list[list[TurnRecord]]:
    by: dict[str, list[TurnRecord]] = {}
    for t in turns:
        by.setdefault(t.session_id, []).append(t)
    return [sorted(v, key=lambda r: r.t_start) for v in by.values()]


def _put_back(turn: TurnRecord, until: float, events: Sequence[DeviceEvent]) -> bool:
    """A device the turn commanded went back to its earlier state by hand before ``until``."""
    prior = turn.prior_states
    commanded = commanded_entities(turn)
    return any(
        e.source == ChangeSource.MANUAL
        and e.entity_id in commanded
        and turn.t_end <= e.t <= until
        and str(prior.get(e.entity_id, e.new)) == e.new
        for e in events
    )


def _request_at(spoken: Sequence[TurnRecord], i: int) -> TurnRecord | None:
    """``spoken[i]``, or when it answered a question the last request before it (None when there is none:
    a cancel phrase is not a request)."""
    while i >= 0 and spoken[i].dialog:
        i -= 1
    if i < 0 or fold(spoken[i].asr_text or spoken[i].text) in CANCEL_PHRASES:
        return None
    return spoken[i]


_UNANSWERED_QUESTIONS = frozenset({Asked.TEACH, Asked.UNSURE, Asked.WHICH})
MAX_CHATTER = 2  # turns said in between that a retry may skip ("ugh", "what's the time", "is it plugged in")


def chatter(turn: TurnRecord, before: TurnRecord, after: TurnRecord) -> bool:
    """Said in between, not a request the device took (no intent, nothing done, no question asked back),
    no cancel, and no word in common with the requests around it: the wish before it may still be retried
    after it ("mummy can I have some juice" between two tries). A garbled try of the same wish shares its
    words ("play some the tones" -> "play normal zones" -> ...) and is no chatter."""
    said = fold(turn.asr_text or turn.text)
    if turn.intent is not None or turn.commands or turn.dialog or turn.asked or said in CANCEL_PHRASES:
        return False
    return not _words(turn) & (_words(before) | _words(after))


def _words(turn: TurnRecord) -> set[str]:
    return set(model_tokens(" ".join(content_tokens(turn.asr_text or turn.text))))


def _skippable(spoken: Sequence[TurnRecord], at: int, i: int, found: Sequence[FeedbackSignal]) -> bool:
    """``spoken[at]`` is chatter a retry (``spoken[i + 1]``) may reach over to the request before it: at
    most ``MAX_CHATTER`` turns back, and not itself linked as another try of that request."""
    if i - at >= MAX_CHATTER or at == 0 or not chatter(spoken[at], spoken[at - 1], spoken[i + 1]):
        return False
    return not any(s.related_turn_id == spoken[at].turn_id for s in found)


def detect_rephrases(
    turns: Sequence[TurnRecord],
    settings: FeedbackSettings,
    events: Sequence[DeviceEvent] = (),
    barge_ins: Sequence[BargeIn] = (),
    *,
    meaning: Meaning | None = None,
    sense: Meaning | None = None,
) -> list[FeedbackSignal]:
    """Each spoken request against the request before it in the same session; the signal attaches to the
    earlier turn with ``related_turn_id`` the rephrasing one. Dialogue answers are never rephrases, on
    either side: a request after "Want to teach me?" -> "yes, ..." is compared with the request the
    question was about (the pause counted from the answer). The earlier turn's outcome (done, answered,
    not understood, device error, talked over: ``edge.feedback.outcome``) decides what similarity means:
    with ``events``, a turn whose device was put back by hand before the next request counts as failed;
    with ``barge_ins``, a turn the user talked over counts as objected to; ``meaning`` (a sentence
    encoder's cosine, optional) tells two requests about the same thing apart from two unrelated ones;
    ``sense`` (the NLU model's own reading of both, optional) links a rewording it reads as the same wish.
    Up to two turns of chatter in between (not understood, nothing done, not linked to the request before
    them) are skipped: the request before them is compared too, the pause counted from its end."""
    out: list[FeedbackSignal] = []
    ctx = _Context(events, frozenset(b.turn_id for b in barge_ins), meaning, sense)
    for session in sessions(turns):
        spoken = [t for t in session if is_speech(t)]
        for i, nxt in enumerate(spoken[1:]):
            if nxt.dialog or fold(nxt.asr_text or nxt.text) in CANCEL_PHRASES:
                continue
            earlier = i
            while True:
                prev = _request_at(spoken, earlier)
                found = None
                if prev is not None:
                    gap_from = spoken[earlier]
                    found = _link(prev, gap_from, nxt, settings, ctx)
                if found is not None:
                    out.append(found)
                    break
                if not _skippable(spoken, earlier, i, out):
                    break
                earlier -= 1
    return out


@dataclass(frozen=True, slots=True)
class _Context:
    events: Sequence[DeviceEvent]
    talked_over: frozenset[str]
    meaning: Meaning | None
    sense: Meaning | None


def _link(
    prev: TurnRecord, before: TurnRecord, nxt: TurnRecord, settings: FeedbackSettings, ctx: _Context
) -> FeedbackSignal | None:
    """The signal linking ``prev`` to ``nxt`` (``before``: the turn the pause is counted from), or None."""
    events, talked_over, meaning, sense = ctx.events, ctx.talked_over, ctx.meaning, ctx.sense
    put_back = bool(events) and bool(prev.commands) and _put_back(prev, nxt.t_start, events)
    outcome = turn_outcome(prev, talked_over=prev.turn_id in talked_over, put_back=put_back)
    prev_interp = Interpretation(
        prev.intent,
        prev.targets,
        False if put_back else prev.result_ok,
        outcome,
        slots=prev.slots,
        exact=exact(prev),
    )
    # "Want to teach me?", "Do you want me to turn on or dim ...?", "Which one: ...?" left
    # unanswered (the engine handled the next turn as a request, not as dialogue): the question
    # does not make the next request an answer, the failure still counts (issue 18: a garbled
    # request the NLU half read, then said again)
    unanswered = prev.asked in _UNANSWERED_QUESTIONS
    response = prev.response.rstrip(" ?") if unanswered else prev.response
    decision = detect_rephrase(
        prev.asr_text or prev.text,
        nxt.asr_text or nxt.text,
        nxt.t_start - before.t_end,
        settings,
        prev_response=response,
        prev_interp=prev_interp,
        next_interp=interpretation(nxt),
        meaning=meaning,
        sense=sense,
    )
    if not decision.rephrase:
        return None
    strength = decision.score if decision.strong else min(decision.score, 0.5)
    evidence = {**decision.evidence, "score": decision.score, "strong": decision.strong}
    return FeedbackSignal(
        prev.turn_id, SignalKind.REPHRASE, nxt.t_start, round(strength, 4), evidence, nxt.turn_id
    )


def commanded_entities(turn: TurnRecord) -> dict[str, str]:
    """entity_id -> the state our command asked for (from the recorded commands)."""
    out: dict[str, str] = {}
    for command in turn.commands:
        eid = str(command.get("entity_id", ""))
        if eid:
            out[eid] = str(command.get("state", command.get("expect", "")))
    return out
