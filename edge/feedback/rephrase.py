"""The rephrase / retry detector: is the next request a retry or rewording of the previous one?

Pure: two requests, the gap between them, what the assistant answered, and (when known) both
interpretations. The same function serves the runtime recorder and ``edge rephrase --batch``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from edge.config import FeedbackSettings
from edge.feedback.ellipsis import ADDITION, objects
from edge.feedback.outcome import Outcome, PairView, outcome_rule
from edge.feedback.similarity import (
    content_tokens,
    phonetic_similarity,
    text_similarity,
    token_diff,
)
from edge.lang import fold, model_tokens

__all__ = [
    "FAILURE_CUES",
    "Interpretation",
    "Meaning",
    "RephraseDecision",
    "Sense",
    "detect_rephrase",
    "response_failed",
]

Meaning = Callable[[str, str], float]
"""How alike two requests are in meaning (a sentence-embedding cosine, when a model is loaded; or, as
``sense``, the NLU model's own intent distributions: ``edge.nlu.sense.IntentSense``)."""


@runtime_checkable
class Sense(Protocol):
    """A ``sense`` that also reads the kind of device each request is about (``edge.nlu.sense``)."""

    def __call__(self, a: str, b: str) -> float: ...

    def domain(self, a: str, b: str) -> float: ...


THRESHOLD = 0.6
WEAK_FACTOR = 0.75
REFINED = 0.7  # the next request repeats every content word of the previous one and adds a little

CORRECTION_CUES = re.compile(
    r"^(no+|nope|not that|wrong|i said|i meant|i mean|actually|sorry|no i said|no no)\b[\s,.!]*",
    re.IGNORECASE,
)

CHANGE_OF_MIND = re.compile(
    r"^actually\b"
)  # "actually, the garage light" after a turn that worked: a new wish

FAILURE_CUES = re.compile(
    r"\b(sorry|couldn't|could not|can't|cannot|don't know|didn't (understand|catch|get)|"
    r"not sure|no device|unable|failed|error|isn't available|not available)\b",
    re.IGNORECASE,
)


def response_failed(response: str) -> bool:
    return bool(FAILURE_CUES.search(response))


@dataclass(frozen=True, slots=True)
class Interpretation:
    """What the NLU made of a request: intent name (None = not understood), targets, whether it worked, and
    (when the device knows it) how its turn ended."""

    intent: str | None
    targets: Sequence[str] = ()
    ok: bool | None = None
    outcome: Outcome | None = None
    slots: Mapping[str, str] | None = None
    exact: bool = False  # its targets were found by the name or alias said (target scores all 1.0)


@dataclass(frozen=True, slots=True)
class RephraseDecision:
    rephrase: bool
    score: float
    strong: bool  # inside the strong window
    evidence: dict[str, Any] = field(default_factory=dict)


def _no(reason: str, **evidence: Any) -> RephraseDecision:
    return RephraseDecision(False, 0.0, False, {"reason": reason, **evidence})


def detect_rephrase(
    prev: str,
    nxt: str,
    gap_s: float,
    settings: FeedbackSettings,
    *,
    prev_response: str = "",
    prev_interp: Interpretation | None = None,
    next_interp: Interpretation | None = None,
    meaning: Meaning | None = None,
    sense: Meaning | None = None,
) -> RephraseDecision:
    """Score in [0, 1]; ``rephrase`` when the score reaches 0.6.

    Rules, in order: outside the weak window -> no; an answer to a question (the previous response ends
    with "?") -> no; then similarity = the best of text, phonetic and interpretation similarity, except
    that a request differing only by an opposite action ("on" -> "off") or by a *different* entity or
    value ("kitchen" -> "hall") after a request that worked is a new command, not a rephrase. A previous
    failure (error response, not understood, device error) raises the score; the weak window lowers it.
    """
    if gap_s < 0 or gap_s > settings.rephrase_weak_s:
        return _no("outside window", gap_s=gap_s)
    if not fold(prev) or not fold(nxt):
        return _no("empty request")
    if prev_response.strip().endswith("?"):
        return _no("answer to a question", prev_response=prev_response)
    cued = bool(CORRECTION_CUES.match(fold(nxt)))  # "no, ..." before the request
    corrected = cued or objects(
        nxt, prev_response
    )  # "... I said down", "not the backlight, the actual television"
    original_next = nxt
    prev, nxt = _canonical(prev), _canonical(_strip_correction(nxt))
    if not fold(nxt):
        return _no("a bare correction", corrected=corrected)  # "no" alone: the explicit detector's job
    strong = gap_s <= settings.rephrase_strong_s
    text = text_similarity(prev, nxt)
    phon = phonetic_similarity(prev, nxt)
    diff = token_diff(prev, nxt)
    failed = response_failed(prev_response) or (
        prev_interp is not None and (prev_interp.intent is None or prev_interp.ok is False)
    )
    intent_sim = 0.0
    different_targets = False
    if prev_interp is not None and next_interp is not None and prev_interp.intent and next_interp.intent:
        same_intent = prev_interp.intent == next_interp.intent
        pt, nt = set(prev_interp.targets), set(next_interp.targets)
        if pt and nt:
            overlap = len(pt & nt) / len(pt | nt)
            different_targets = overlap == 0
            intent_sim = (0.5 if same_intent else 0.2) + 0.45 * overlap
        else:
            intent_sim = 0.6 if same_intent else 0.0
    prev_words, next_words = set(content_tokens(prev)), set(content_tokens(nxt))
    refined = bool(prev_words) and prev_words < next_words and len(next_words - prev_words) <= 3
    score = max(text, phon, intent_sim, REFINED if refined else 0.0)
    evidence: dict[str, Any] = {
        "text": round(text, 3),
        "phonetic": round(phon, 3),
        "intent": round(intent_sim, 3),
        "prev_failed": failed,
        "corrected": corrected,
        "refined": refined,
        "gap_s": round(gap_s, 3),
    }
    if prev_interp is not None and prev_interp.outcome is not None:
        verdict = outcome_rule(
            prev_interp.outcome,
            PairView(
                prev,
                nxt,
                prev_response,
                prev_interp.intent,
                next_interp.intent if next_interp is not None else None,
                prev_interp.targets,
                next_interp.targets if next_interp is not None else (),
                similarity=score,
                objected=corrected and not CHANGE_OF_MIND.match(fold(original_next)),
                refined=refined,
                added=bool(ADDITION.search(fold(original_next))),
                meaning=meaning(prev, nxt) if meaning is not None else None,
                sense=sense(prev, nxt) if sense is not None else None,
                domain=sense.domain(prev, nxt) if isinstance(sense, Sense) else None,
                prev_slots=prev_interp.slots,
                next_slots=next_interp.slots if next_interp is not None else None,
                prev_exact=prev_interp.exact,
            ),
        )
        failed = verdict.failed
        evidence["outcome"] = prev_interp.outcome.value
        evidence["prev_failed"] = failed
        evidence["reason"] = verdict.reason
        undoing = cued and verdict.undoing  # "no no, close the garage door": it opened the wrong one
        if verdict.cap < 1.0 or (diff.opposite_action and not undoing):
            score = min(score, verdict.cap, 0.3 if diff.opposite_action else 1.0)
        else:
            score = max(min(1.0, score + 0.15), verdict.floor)
        score = round(score * (1.0 if strong else WEAK_FACTOR), 4)
        return RephraseDecision(score >= THRESHOLD, score, strong, evidence)
    failed = failed or corrected
    new_command = diff.opposite_action or diff.substitution or (different_targets and not failed)
    if new_command and not failed:
        evidence["reason"] = "opposite action" if diff.opposite_action else "different entity or value"
        score = min(score, 0.3)
    elif diff.opposite_action:  # "turn on" failed, then "turn off": a different wish even after a failure
        evidence["reason"] = "opposite action"
        score = min(score, 0.3)
    else:
        if failed or corrected:  # "no, ..." says the previous turn was wrong as plainly as an error does
            score = min(1.0, score + 0.15)
        evidence["reason"] = "similar after a failure" if failed or corrected else "similar"
    if not strong:
        score *= WEAK_FACTOR
    score = round(score, 4)
    return RephraseDecision(score >= THRESHOLD, score, strong, evidence)


def _strip_correction(text: str) -> str:
    """ "no, play jazz in the kitchen" -> "play jazz in the kitchen"."""
    return CORRECTION_CUES.sub("", fold(text), count=1)


def _canonical(text: str) -> str:
    """Numbers in one spelling ("seventy" and "70" -> "70"), so a retry that spells them differently is
    not mistaken for a new value."""
    return " ".join(model_tokens(text))
