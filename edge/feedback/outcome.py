"""How the device's own turn ended, and what that says about the request that follows it (pure).

People retry a request the device failed on and do not retry one it did: after "OK, the kitchen light is
on" the same words again are the user asking again (or checking), and a request that shares words is a new
one; after "Sorry, I don't know that" two requests with nothing in common are two separate misses, not a
rewording. The rephrase detector reads the outcome of the first turn through :func:`outcome_rule`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from edge.feedback.ellipsis import RETRY_ASKED, another_action, fragment_fix
from edge.feedback.record import Asked, TurnRecord
from edge.feedback.said_back import NOT_NAMES, Reading, bare_name, reasked, same_kind
from edge.feedback.similarity import (
    ACTION_WORDS,
    REQUEST_VERBS,
    content_tokens,
    phonetic_similarity,
    text_similarity,
)
from edge.lang import fold, model_tokens

__all__ = ["Outcome", "OutcomeVerdict", "PairView", "outcome_rule", "related", "turn_outcome"]

OBJECTION = 0.75  # "no, ..." right after a turn says that turn was wrong, whatever follows the "no"
RETRY = 0.65  # a related request right after a miss or an interruption is another try
SOUNDS_SAME = 0.8
MEANING_RELATED = 0.5  # sentence-embedding cosine above which two requests mean the same (when measured)
SAME_SENSE = 0.95  # the NLU's intent + focus distributions this alike: the same wish in other words
RELATED = 0.7  # wording this close after a miss is a retry even with no content word in common
SAME_DOMAIN = 0.8  # the NLU's focus distributions this alike: the same kind of device (after a miss)
ACTIONS = REQUEST_VERBS | ACTION_WORDS.keys()


class Outcome(StrEnum):
    """How the first turn ended, as the device saw it."""

    DONE = "done"  # understood, acted on, the devices confirmed
    ANSWERED = "answered"  # a question or a service answered (no device moved)
    NOT_UNDERSTOOD = "not_understood"  # no intent, or nothing here it could act on
    DEVICE_ERROR = "device_error"  # understood, and a device did not answer or the request was refused
    TALKED_OVER = "talked_over"  # the user talked over the response (a barge-in)
    UNDONE = "undone"  # acted on, and the user put the device back by hand before speaking again


def turn_outcome(turn: TurnRecord, *, talked_over: bool = False, put_back: bool = False) -> Outcome:
    """The outcome of a stored turn (``talked_over``: a barge-in on it; ``put_back``: its device undone by
    hand before the next request)."""
    if talked_over:
        return Outcome.TALKED_OVER
    nothing_found = not turn.targets and not turn.commands and turn.result_ok is not True
    if turn.intent is None or nothing_found or turn.asked in (Asked.TEACH, Asked.UNSURE):
        return Outcome.NOT_UNDERSTOOD  # no intent, "I don't know what reading nook is", two readings asked
    if put_back:
        return Outcome.UNDONE
    if turn.result_ok is False:
        return Outcome.DEVICE_ERROR
    return Outcome.DONE if turn.commands else Outcome.ANSWERED


@dataclass(frozen=True, slots=True)
class OutcomeVerdict:
    """``cap``: the highest score the pair may keep (1.0: no limit); ``floor``: the lowest (0.0: none);
    ``failed``: the first turn failed the user; ``undoing``: an opposite action after it, with "no, ...",
    undoes what it did wrong ("open the door" -> "Opened the garage door." -> "no, close the garage door")."""

    cap: float
    failed: bool
    reason: str
    floor: float = 0.0
    undoing: bool = False


@dataclass(frozen=True, slots=True)
class PairView:
    """What the detector knows of a pair besides the outcome: both requests (canonical text), the first
    turn's response, both readings (intent, targets), the best wording score, whether the next request
    objects ("no, ...", "I said ..."), and whether it repeats the first's content words and adds a few."""

    prev: str
    nxt: str
    prev_response: str = ""
    prev_intent: str | None = None
    next_intent: str | None = None
    prev_targets: Collection[str] = ()
    next_targets: Collection[str] = ()
    similarity: float = 0.0
    objected: bool = False
    refined: bool = False
    meaning: float | None = None  # a sentence-embedding cosine, when a model is loaded
    sense: float | None = None  # the NLU model's own intent distributions alike (edge.nlu.sense), when given
    added: bool = False  # "and the island lights", "also the fan": more, not instead
    prev_slots: Mapping[str, str] | None = None  # the NLU's slots of each request
    next_slots: Mapping[str, str] | None = None
    prev_exact: bool = False  # the first turn's devices were found by the name or alias said
    domain: float | None = None  # the NLU's reading of the kind of device both are about (edge.nlu.sense)

    def readings(self) -> tuple[Reading, Reading]:
        return (
            Reading(self.prev, self.prev_intent, self.prev_slots, self.prev_targets, self.prev_exact),
            Reading(self.nxt, self.next_intent, self.next_slots, self.next_targets),
        )


def _names(text: str) -> set[str]:
    return {w for w in model_tokens(" ".join(content_tokens(text))) if w not in NOT_NAMES}


def _carrier(text: str) -> list[str]:
    """The request without its names: "turn on the reading nook" -> ["turn", "on", "the"]."""
    return [w for w in fold(text).split() if w in NOT_NAMES]


def related(view: PairView) -> bool:
    """The two requests are about the same thing: an objection, a name word or a device in common (an alias
    and its name), wording alike as a whole, the same intent or the same carrier with another name (the
    action was understood, the name was not: "turn on the reading nook" -> "turn on the hall light"),
    names spelled or sounding alike, or (when measured) the same meaning."""
    na, nb = _names(view.prev), _names(view.nxt)
    if view.objected or na & nb or set(view.prev_targets) & set(view.next_targets):
        return True
    if view.sense is not None and view.sense >= SAME_SENSE:  # the NLU reads the same wish in both
        return True
    if view.meaning is not None:  # a sentence encoder reads meaning better than the weaker cues below
        return view.meaning >= MEANING_RELATED
    if view.similarity >= RELATED:  # "and do that" -> "undo that": heard alike as a whole
        return True
    if view.prev_intent and view.prev_intent == view.next_intent:  # the action understood, the name not
        return True
    carrier = _carrier(view.prev)
    if na and nb and carrier == _carrier(view.nxt) and ACTIONS & set(carrier):
        return True
    if not na or not nb:
        return False
    joined = max(
        text_similarity(" ".join(sorted(na)), " ".join(sorted(nb))),
        phonetic_similarity(" ".join(na), " ".join(nb)),
    )
    return joined >= RELATED or any(
        phonetic_similarity(x, y) >= SOUNDS_SAME for x in na for y in nb if len(x) > 3 and len(y) > 3
    )


def outcome_rule(outcome: Outcome, view: PairView) -> OutcomeVerdict:
    """What the first turn's outcome allows the pair to be."""
    prev_targets, next_targets = set(view.prev_targets), set(view.next_targets)
    differ = bool(prev_targets) and bool(next_targets) and not prev_targets & next_targets
    first, nxt = view.readings()
    elliptic = bare_name(nxt)  # "the reading lamp": the action is the one before, whatever the NLU guessed
    other_intent = (
        bool(view.prev_intent and view.next_intent and view.prev_intent != view.next_intent) and not elliptic
    )
    if view.added and outcome is not Outcome.NOT_UNDERSTOOD:
        return OutcomeVerdict(0.3, outcome is Outcome.DEVICE_ERROR, "an addition to the request before")
    if outcome in (Outcome.DONE, Outcome.ANSWERED):
        if view.objected:
            undoing = outcome is Outcome.DONE and not view.prev_exact
            return OutcomeVerdict(1.0, True, "a correction after a turn that worked", OBJECTION, undoing)
        if why := reasked(first, view.prev_response, nxt):  # "night light" -> the kids room light's
            return OutcomeVerdict(1.0, True, why, RETRY)
        acted = outcome is Outcome.DONE
        exact = view.prev_exact
        if why := fragment_fix(view.prev, view.prev_response, view.nxt, acted=acted, first_exact=exact,
                               first_slots=view.prev_slots, next_slots=view.next_slots):  # fmt: skip
            return OutcomeVerdict(1.0, True, why, RETRY)  # "thirty percent" after "... to 13 percent"
        if another_action(view.prev, view.prev_response, view.nxt) and not other_intent:
            return OutcomeVerdict(1.0, True, "asked again for the action the response did not do", RETRY)
        named = not nxt.slots or bool({"name", "area"} & nxt.slots.keys())  # no slots: the words tell
        again = view.refined or set(content_tokens(view.prev)) == set(content_tokens(view.nxt))
        if differ and again and named and not first.exact and same_kind(prev_targets, next_targets):
            return OutcomeVerdict(1.0, True, "it picked another one than was meant")  # "close the blinds"
        return OutcomeVerdict(0.3, False, "asked again or a new request after a turn that worked")
    if outcome is Outcome.DEVICE_ERROR:
        if RETRY_ASKED.match(view.nxt):  # "try again", "one more time": the same request, not said again
            return OutcomeVerdict(1.0, True, "asked to try again after a device error", RETRY)
        shortened = bool(_names(view.nxt)) and _names(view.nxt) <= _names(view.prev)  # "open the curtains"
        if (differ and not shortened) or (other_intent and not _names(view.prev) & _names(view.nxt)):
            return OutcomeVerdict(0.3, True, "another request after a device error")
        if not related(view):
            return OutcomeVerdict(0.3, True, "another request after a device error")
        return OutcomeVerdict(1.0, True, "again after a device error")
    if outcome in (Outcome.TALKED_OVER, Outcome.UNDONE):  # objected to: corrected when about the same thing
        if other_intent or not related(view):
            return OutcomeVerdict(0.3, True, f"{outcome.value}, then another request")
        return OutcomeVerdict(1.0, True, f"a correction of a turn {outcome.value.replace('_', ' ')}", RETRY)
    same_kind_of_device = view.domain is not None and view.domain >= SAME_DOMAIN
    if not related(view) and not same_kind_of_device:
        return OutcomeVerdict(0.3, True, "not understood, then an unrelated request")
    return OutcomeVerdict(1.0, True, "again after not being understood", RETRY)
