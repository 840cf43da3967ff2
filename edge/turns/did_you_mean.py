"""The turn engine's "Did you mean: turn on the mood light?" (issue 18; :mod:`edge.learning.askback`).

A request the NLU cannot act on, near in sound to one of the household's own steady requests, is offered
back once (the rewriter's ``offer``: :class:`edge.turns.protocols.Offers`). The answer:

- a yes (:func:`means_yes`: a whole-utterance yes, or one as a recognizer hears it) acts on exactly the
  offered request, parsed again on the home as it is now, as a learned request (``Provenance.REWRITE``:
  the safety gate refuses any plan that reaches a lock, alarm or garage door, which the offer never names
  anyway) through the usual planning ("Which one?" may still follow); the turn records the rewrite
  (layer ``did_you_mean``);
- a no ends the turn as not understood; anything else is a new request (the offer passed over);
  either way the pair is not offered again (this process at once; the nightly learner from the log).

Both turns record the offer (``TurnRecord.offer``: the asking turn unanswered, the answering turn with its
answer), which the learner reads. A mixin of :class:`edge.turns.engine.TurnEngine`, as
:mod:`edge.turns.answering`.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from typing import Any, Protocol

from edge.context.model import ContextSnapshot
from edge.dialog import responses as say
from edge.dialog.confirm import is_no, is_yes
from edge.errors import ErrorCode
from edge.events import EventType
from edge.feedback.record import Asked, Dialog, Offer, OfferAnswer, Rewrite
from edge.lang import fold
from edge.learning.askback import ASK_LAYER
from edge.nlu.types import Intent, Provenance
from edge.turns.heard import Draft
from edge.turns.pending import Pending
from edge.turns.protocols import Offers, Parser, Rewriter

__all__ = ["DidYouMean", "means_yes"]

MAX_REFUSED = 1_000  # pairs refused since the rewriter was loaded, kept in memory (the table keeps the rest)
# a yes as a recognizer may hear it: "yes", "yeah", "yep", "yup", and "yeh", "yah", "yeeah" (y + vowels)
_YES_SOUND = re.compile(r"^y[aeiu]+[ahps]*$")
# after it, one word at most and none that changes the answer: "yes please" (heard "yes pease"), "yes the"
_NOT_A_TAIL = frozenset(
    {"no", "not", "dont", "don", "cancel", "stop", "off", "on", "up", "down", "open", "close"}
)


def means_yes(text: str) -> bool:
    """A yes to "Did you mean ...?": the whole utterance means yes (:func:`edge.dialog.confirm.is_yes`),
    or a yes as heard ("yeh", "yes pease": a yes sound and at most one word that changes nothing). The
    offer acts on a non-safety request only, which the gate checks again; a safety confirmation keeps the
    strict whole-utterance yes."""
    if is_yes(text):
        return True
    words = fold(text).replace("'", " ").split()
    return 1 <= len(words) <= 2 and bool(_YES_SOUND.match(words[0])) and not set(words[1:]) & _NOT_A_TAIL


class _Stages(Protocol):
    async def _act(self, d: Draft, intents: tuple[Intent, ...], snapshot: ContextSnapshot) -> str: ...

    async def _emit(self, kind: EventType, t_s: float, turn_id: str, data: dict[str, Any]) -> None: ...


class DidYouMean(_Stages):
    """Asking back, and taking the answer."""

    parser: Parser
    rewriter: Rewriter | None
    _pending: Pending | None
    _refused_offers: set[tuple[str, str]]

    async def _ask_back(self, d: Draft, text: str, snapshot: ContextSnapshot) -> str | None:
        """ "Did you mean: ...?" for ``text``, which the NLU could not act on; None: nothing to offer (or an
        offer was passed over in this very turn: asked once)."""
        if d.offer is not None or not isinstance(self.rewriter, Offers):
            return None
        refused = frozenset(self._refused_offers)
        offer = await asyncio.to_thread(self.rewriter.offer, text, snapshot, refused)
        d.lap("rewrite")
        if offer is None:
            return None
        self._pending = Pending("did_you_mean", d.heard.t_end, phrase=offer.offered, offer=offer)
        d.asked, d.offer = Asked.DID_YOU_MEAN, offer
        return say.did_you_mean(offer.offered)

    async def _answer_offer(self, d: Draft, offer: Offer, snapshot: ContextSnapshot) -> str | None:
        """The answer to "Did you mean: ...?"; None when it was something else (a new request)."""
        if not means_yes(d.heard.text):
            if len(self._refused_offers) >= MAX_REFUSED:
                self._refused_offers.clear()
            self._refused_offers.add((offer.heard, offer.offered))
            if not is_no(d.heard.text):
                d.offer = replace(offer, answer=OfferAnswer.OTHER)
                return None
            d.dialog, d.offer = Dialog.DID_YOU_MEAN, replace(offer, answer=OfferAnswer.NO)
            return say.OFFER_REFUSED
        d.dialog, d.offer = Dialog.DID_YOU_MEAN, replace(offer, answer=OfferAnswer.YES)
        d.rewrite = Rewrite(offer.heard, offer.offered, ASK_LAYER, offer.score)
        await self._emit(EventType.REWRITE, d.heard.t_end, d.turn_id, d.rewrite.to_json())
        d.text = offer.offered
        intent = await asyncio.to_thread(self.parser.parse, offer.offered, snapshot)
        d.lap("nlu")
        if intent is None or (intent.slots.get("name") and not intent.targets):
            d.result_ok, d.result_error = False, str(ErrorCode.NO_SUCH_DEVICE)
            return say.OFFER_GONE  # the home changed since the question
        intent = intent.with_source(Provenance.REWRITE.value)
        d.describe(intent, (intent,))
        await self._emit(EventType.INTENT, d.heard.t_end, d.turn_id, intent.to_json())
        return await self._act(d, (intent,), snapshot)
