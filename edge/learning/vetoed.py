"""The learned rewriter with the household's vetoes: a rewrite the household switched off is never applied.

It wraps whatever rewriter the runtime composed (personal table, retrieval, the fleet's global layer bound to
this home), so a veto holds for every layer alike, and across a rollback of the personal table. A request is
matched by its canonical form, with and without this home's aliases (a personal rule's key uses them).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol, runtime_checkable

from edge.context.model import ContextSnapshot
from edge.feedback.record import Offer
from edge.learning.canonical import Lexicon, canonicalize
from edge.learning.household import RewritePair
from edge.learning.rewriter import RewriteResult

__all__ = ["VetoedRewriter"]


class _Rewrites(Protocol):
    def rewrite(
        self, text: str, snapshot: ContextSnapshot, asr_confidence: float, turn_id: str = ""
    ) -> RewriteResult | None: ...


@runtime_checkable
class _Offers(Protocol):
    def offer(
        self, text: str, snapshot: ContextSnapshot, refused: Collection[tuple[str, str]] = ()
    ) -> Offer | None: ...


class VetoedRewriter:
    """``inner`` less the ``vetoed`` pairs (canonical original -> canonical rewrite)."""

    def __init__(self, inner: _Rewrites, vetoed: Collection[RewritePair]) -> None:
        self.inner = inner
        self.vetoed = frozenset(vetoed)
        self._targets = frozenset(p.rewritten for p in self.vetoed)

    def rewrite(
        self, text: str, snapshot: ContextSnapshot, asr_confidence: float, turn_id: str = ""
    ) -> RewriteResult | None:
        result = self.inner.rewrite(text, snapshot, asr_confidence, turn_id=turn_id)
        if result is None or not self.is_vetoed(result, snapshot):
            return result
        return None

    def offer(
        self, text: str, snapshot: ContextSnapshot, refused: Collection[tuple[str, str]] = ()
    ) -> Offer | None:
        """The inner rewriter's "Did you mean ...?" (:mod:`edge.learning.askback`), never a vetoed pair."""
        if not isinstance(self.inner, _Offers):
            return None
        found = self.inner.offer(text, snapshot, refused)
        if found is None or self.is_vetoed(RewriteResult(text, found.offered, "", found.score), snapshot):
            return None
        return found

    def is_vetoed(self, result: RewriteResult, snapshot: ContextSnapshot) -> bool:
        target = canonicalize(result.rewritten)
        if target not in self._targets:
            return False
        if RewritePair(canonicalize(result.original), target) in self.vetoed:
            return True
        lexicon = Lexicon.from_devices(snapshot.devices.values())
        return RewritePair(canonicalize(result.original, lexicon), target) in self.vetoed
