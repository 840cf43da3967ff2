""" "Did you mean: turn on the mood light?" (issue 18): the sound layer's question, for the garbles it may not
rewrite silently.

Most misheard requests the NLU cannot act on are nearest in sound to one of the household's own steady,
plain requests that changes a name, action or number heard (docs/learning.md, "Repairs by sound"), so the
sound layer leaves them as heard. Asking back costs one exchange and moves nothing the user did not agree
to: when such a request is clearly the nearest (similarity at least :data:`OFFER_THRESHOLD`, a looser floor
than the silent repair's, and :data:`OFFER_MARGIN` ahead of the next other request), the device offers it
once; a whole-utterance yes acts on exactly that request (as a learned request: the safety gate refuses a
lock, alarm or garage door whatever is said), anything else leaves the turn not understood and the pair is
not offered again.

The household's answers set the rest (:func:`offer_policy`, pure, read by the nightly learner from the
turn log): a pair refused here is never offered again; the floor rises, over the scores of the refused
offers, until the offers kept would have been accepted at least :data:`TARGET_YES` of the time (the
posterior mean of the yes rate, a Beta prior of :data:`PRIOR_YES` worth :data:`PRIOR_WEIGHT` offers): a
question that is mostly refused is a nuisance, one mostly accepted is worth its exchange.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from edge.context.model import ContextSnapshot
from edge.feedback.record import Offer, OfferAnswer, TurnRecord
from edge.learning.edits import ACTION_WORDS, SOUND_ALIKE, sounds_alike
from edge.learning.sound import FILLERS
from edge.nlu.types import Intent

__all__ = [
    "ASK_LAYER",
    "OFFER_MARGIN",
    "OFFER_THRESHOLD",
    "OfferPolicy",
    "askable",
    "changes_nothing",
    "offer_policy",
    "offers_answered",
]

ASK_LAYER = "did_you_mean"  # the layer of the rewrite a yes acts on (``TurnRecord.rewrite.layer``)
OFFER_THRESHOLD = 0.6  # similarity floor (the silent repair's is 0.7: rewriter.SOUND_THRESHOLD)
OFFER_MARGIN = 0.05  # lead over the nearest other request, as the silent repair's
TARGET_YES = 0.5
PRIOR_YES = 0.6
PRIOR_WEIGHT = 4.0
CEILING = 0.99
STEP = 1e-4


@dataclass(frozen=True, slots=True)
class OfferPolicy:
    """The floor this household's answers set (0: :data:`OFFER_THRESHOLD`) and the pairs (canonical heard,
    offered) it refused."""

    threshold: float = 0.0
    refused: frozenset[tuple[str, str]] = frozenset()

    def allows(self, heard: str, offered: str, score: float) -> bool:
        return score >= max(OFFER_THRESHOLD, self.threshold) and (heard, offered) not in self.refused


def askable(heard: str, offered: str, names: Collection[str]) -> bool:
    """Could ``offered`` be what was said when ``heard`` was heard? Looser than the silent repair's
    ``sound.keeps_known``: a word may be added (an action the recognizer dropped: "the dining room light"
    -> "kill the dining room light"), but an action word or number heard is kept ("turn off ..." is never
    offered as "turn on ..."), no word is dropped but fillers and scraps of two letters ("turn the big light
    off" is not "turn the light off"), and a name or area put in place of other words sounds like them
    (``edits.sounds_alike``: "the lighting room light" may be "the dining room light", "the big light" is
    not "the kitchen light": a nickname is for the tables or teaching, not a question)."""
    h, t = heard.split(), offered.split()
    if any((w in ACTION_WORDS or w.isdigit()) and w not in t for w in h):
        return False
    name_words = {w for name in names for w in name.split()}
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=h, b=t, autojunk=False).get_opcodes():
        if op == "delete" and any(w not in FILLERS and len(w) > 2 for w in h[i1:i2]):
            return False
        if op != "replace" or not any(w in name_words for w in t[j1:j2]):
            continue
        if sounds_alike(" ".join(h[i1:i2]), " ".join(t[j1:j2])) < SOUND_ALIKE:
            return False
    return True


_WANTED = {"HassTurnOn": "on", "HassTurnOff": "off", "HassOpenCover": "open", "HassCloseCover": "closed"}


def changes_nothing(intent: Intent, snapshot: ContextSnapshot) -> bool:
    """An on/off or open/close request whose every target already is so: "Did you mean: turn on the
    kitchen light?" while it is on is no likely reading."""
    wanted = _WANTED.get(intent.name)
    if wanted is None or not intent.targets:
        return False
    states = (snapshot.states.get(e) for e in intent.targets)
    return all(s is not None and s.state == wanted for s in states)


def offers_answered(turns: Iterable[TurnRecord]) -> list[Offer]:
    """The offers the household answered: on the turn that answered (a yes or no: ``dialog``
    did_you_mean) or passed one over (something else said: a new request, its ``offer`` answered
    "other"); the asking turn's offer is unanswered."""
    return [t.offer for t in turns if t.offer is not None and t.offer.answer is not OfferAnswer.NONE]


def _yes_rate(yes: int, n: int) -> float:
    return (PRIOR_YES * PRIOR_WEIGHT + yes) / (PRIOR_WEIGHT + n)


def offer_policy(offers: Iterable[Offer]) -> OfferPolicy:
    """The household's offer policy from its answered offers."""
    seen = [o for o in offers if o.answer is not OfferAnswer.NONE]
    refused = frozenset((o.heard, o.offered) for o in seen if o.answer is not OfferAnswer.YES)
    cuts = sorted(
        {OFFER_THRESHOLD} | {min(CEILING, o.score + STEP) for o in seen if o.answer is not OfferAnswer.YES}
    )
    threshold = CEILING
    for cut in cuts:
        kept = [o for o in seen if o.score >= cut]
        if _yes_rate(sum(o.answer is OfferAnswer.YES for o in kept), len(kept)) >= TARGET_YES:
            threshold = cut
            break
    return OfferPolicy(threshold if threshold > OFFER_THRESHOLD else 0.0, refused)
