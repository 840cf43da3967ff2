"""Implicit and explicit feedback detectors. Pure functions over the turn history and device events,
with the time as input and the windows from :class:`FeedbackSettings`.

What they read of a turn besides the request (typed fields of :class:`TurnRecord`): ``no_speech`` a wake
with nothing said; ``prior_states`` {entity_id: state before our command}; ``asked`` what the response
asked (:class:`Asked`: a safety confirmation, "Want to teach me?", "Did I get that right?"); ``dialog``
what the turn was when not a request (:class:`Dialog`: an answer to our question, a teaching command).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from edge.asr.fastpath.decide import disagreement, second_opinion
from edge.config import FeedbackSettings
from edge.feedback.observations import BargeIn, ChangeSource, DeviceEvent
from edge.feedback.record import Asked, FeedbackSignal, SignalKind, TurnRecord
from edge.feedback.rephrase import Meaning
from edge.feedback.retries import (
    CANCEL_PHRASES,
    commanded_entities,
    detect_rephrases,
    interpretation,
    is_speech,
    sessions,
)
from edge.lang import fold

__all__ = [
    "CANCEL_PHRASES",
    "UNDO_INTENTS",
    "commanded_entities",
    "detect_abandon",
    "detect_all",
    "detect_asr_disagreement",
    "detect_barge_in",
    "detect_explicit",
    "detect_false_wake",
    "detect_rephrases",
    "detect_result_error",
    "detect_undo",
    "interpretation",
    "is_speech",
]

UNDO_INTENTS = frozenset({"UndoLast", "HassUndo"})
_UNDO_TEXT = re.compile(r"^(undo( that| it)?|put it back|change it back|revert( that)?)$")
_NEGATIVE = re.compile(
    r"^(no|nope|wrong|that's wrong|that is wrong|that's not (it|right|what i (said|asked|meant))|"
    r"not that|you misunderstood|i didn't say that)\b|^i said\b"
)
_YES = re.compile(r"^(yes|yeah|yep|correct|right|that's right|exactly|sure|you did)\b")
_NO = re.compile(r"^(no|nope|wrong|not really|you didn't)\b")
_BARGE_EARLY_S = 2.0
_BARGE_EARLY_FRACTION = 0.3


def detect_barge_in(event: BargeIn) -> FeedbackSignal:
    """Speech over the response: strong when early (< 2 s or < 30% of the response)."""
    early = event.elapsed_s < _BARGE_EARLY_S or event.fraction < _BARGE_EARLY_FRACTION
    return FeedbackSignal(
        event.turn_id,
        SignalKind.BARGE_IN,
        event.t,
        1.0 if early else 0.5,
        {"elapsed_s": round(event.elapsed_s, 3), "fraction": round(event.fraction, 3), "early": early},
    )


def detect_result_error(turn: TurnRecord) -> list[FeedbackSignal]:
    if turn.result_ok is False or turn.result_error:
        return [
            FeedbackSignal(
                turn.turn_id, SignalKind.RESULT_ERROR, turn.t_end, 1.0, {"error": turn.result_error}
            )
        ]
    return []


def detect_asr_disagreement(turn: TurnRecord) -> list[FeedbackSignal]:
    """Both engines heard the turn (the fast path's grammar and Whisper) and heard different words: the
    serving text is ``asr_text``, the other engine's the last of ``asr_nbest`` (``edge.asr.fastpath.decide``).
    Not a defect by itself; evidence for failure-point isolation (an ASR failure) and for learning."""
    other = second_opinion(turn.asr_engine, turn.asr_nbest)
    if other is None or not turn.asr_text:
        return []
    gap = disagreement(turn.asr_text, other)
    if gap == 0.0:
        return []
    evidence = {"engine": turn.asr_engine, "heard": turn.asr_text, "other": other}
    return [FeedbackSignal(turn.turn_id, SignalKind.ASR_DISAGREE, turn.t_end, round(gap, 3), evidence)]


def detect_false_wake(turn: TurnRecord) -> list[FeedbackSignal]:
    """A wake with no speech, or a wake followed straight away by "stop" / "cancel" / "never mind"."""
    if not is_speech(turn):
        return [FeedbackSignal(turn.turn_id, SignalKind.FALSE_WAKE, turn.t_end, 1.0, {"reason": "no speech"})]
    if fold(turn.asr_text or turn.text) in CANCEL_PHRASES and not turn.dialog:
        return [
            FeedbackSignal(
                turn.turn_id, SignalKind.FALSE_WAKE, turn.t_end, 0.8, {"reason": "cancelled at once"}
            )
        ]
    return []


def detect_undo(
    turns: Sequence[TurnRecord], events: Sequence[DeviceEvent], settings: FeedbackSettings
) -> list[FeedbackSignal]:
    """A device we commanded goes back by hand within the window, or the user says "undo that"."""
    out: list[FeedbackSignal] = []
    acting = [t for t in turns if t.commands and t.result_ok is not False]
    for turn in acting:
        prior = turn.prior_states
        commanded = commanded_entities(turn)
        for event in events:
            if event.source != ChangeSource.MANUAL or event.entity_id not in commanded:
                continue
            if not (turn.t_end <= event.t <= turn.t_end + settings.undo_window_s):
                continue
            before = prior.get(event.entity_id)
            if before is not None and event.new != str(before):
                continue  # moved on to a third state: a correction of a different kind, not an undo
            out.append(
                FeedbackSignal(
                    turn.turn_id,
                    SignalKind.UNDO,
                    event.t,
                    1.0,
                    {"by": "manual", "entity_id": event.entity_id, "old": event.old, "new": event.new},
                )
            )
            break
    for session in sessions(turns):
        for i, turn in enumerate(session):
            said = fold(turn.asr_text or turn.text)
            if turn.intent not in UNDO_INTENTS and not _UNDO_TEXT.match(said):
                continue
            earlier = [
                p for p in session[:i] if p.commands and turn.t_start - p.t_end <= settings.undo_window_s
            ]
            if earlier:
                target = earlier[-1]
                out.append(
                    FeedbackSignal(
                        target.turn_id, SignalKind.UNDO, turn.t_start, 1.0, {"by": "voice"}, turn.turn_id
                    )
                )
    return out


def detect_explicit(turns: Sequence[TurnRecord], settings: FeedbackSettings) -> list[FeedbackSignal]:
    """ "no", "that's wrong", "I said ..." right after a turn; yes/no to "Did I get that right?"."""
    out: list[FeedbackSignal] = []
    for session in sessions(turns):
        spoken = [t for t in session if is_speech(t)]
        for prev, nxt in itertools.pairwise(spoken):
            if nxt.t_start - prev.t_end > settings.rephrase_strong_s:
                continue
            said = fold(nxt.asr_text or nxt.text)
            asked = prev.asked
            if asked is Asked.CHECK:
                if _YES.match(said):
                    out.append(_explicit(prev, nxt, SignalKind.EXPLICIT_POSITIVE, said))
                elif _NO.match(said):
                    out.append(_explicit(prev, nxt, SignalKind.EXPLICIT_NEGATIVE, said))
            elif not asked and not prev.response.strip().endswith("?") and _NEGATIVE.match(said):
                out.append(_explicit(prev, nxt, SignalKind.EXPLICIT_NEGATIVE, said))
    return out


def _explicit(prev: TurnRecord, nxt: TurnRecord, kind: SignalKind, said: str) -> FeedbackSignal:
    return FeedbackSignal(prev.turn_id, kind, nxt.t_start, 1.0, {"said": said}, nxt.turn_id)


_DEFECT_KINDS = frozenset(
    {SignalKind.REPHRASE, SignalKind.UNDO, SignalKind.RESULT_ERROR, SignalKind.EXPLICIT_NEGATIVE}
)


def _looks_defective(turn: TurnRecord, signals: Sequence[FeedbackSignal]) -> bool:
    if any(s.turn_id == turn.turn_id and s.kind == SignalKind.UNDO for s in signals):
        return False  # the user put it right (by hand or "undo"): followed by an action, not abandoned
    if turn.intent is None and is_speech(turn) and not turn.dialog:
        return True
    return any(s.turn_id == turn.turn_id and s.kind in _DEFECT_KINDS and s.strength >= 0.5 for s in signals)


def detect_abandon(
    turns: Sequence[TurnRecord], signals: Sequence[FeedbackSignal], now: float, settings: FeedbackSettings
) -> list[FeedbackSignal]:
    """A defective turn followed by nothing (in its session) for ``abandon_s``."""
    out: list[FeedbackSignal] = []
    for session in sessions(turns):
        spoken = [t for t in session if is_speech(t)]
        for i, turn in enumerate(spoken):
            following = spoken[i + 1].t_start if i + 1 < len(spoken) else now
            if following - turn.t_end >= settings.abandon_s and _looks_defective(turn, signals):
                out.append(
                    FeedbackSignal(
                        turn.turn_id,
                        SignalKind.ABANDON,
                        turn.t_end + settings.abandon_s,
                        0.7,
                        {"silence_s": round(following - turn.t_end, 1)},
                    )
                )
    return out


def detect_all(
    turns: Sequence[TurnRecord],
    events: Sequence[DeviceEvent],
    barge_ins: Sequence[BargeIn],
    now: float,
    settings: FeedbackSettings,
    *,
    sense: Meaning | None = None,
) -> list[FeedbackSignal]:
    """Every detector over one history (idempotent: the store keys signals by turn, kind and related turn;
    ``sense``: the NLU model's reading of two requests, for the rephrase detector)."""
    signals: list[FeedbackSignal] = [detect_barge_in(b) for b in barge_ins]
    for turn in turns:
        signals += detect_result_error(turn)
        signals += detect_false_wake(turn)
        signals += detect_asr_disagreement(turn)
    signals += detect_rephrases(turns, settings, events, barge_ins, sense=sense)
    signals += detect_undo(turns, events, settings)
    signals += detect_explicit(turns, settings)
    signals += detect_abandon(turns, signals, now, settings)
    return signals
