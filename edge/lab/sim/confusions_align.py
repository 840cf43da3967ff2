"""Word-level alignment of what a recognizer heard against what was said: Levenshtein with a backtrace,
and the span each said phrase (a device name, a room, an artist) was heard as. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Edit", "align", "phrase_heard"]


@dataclass(frozen=True, slots=True)
class Edit:
    """One step of an alignment: ``ref`` said (``""``: an insertion), ``hyp`` heard (``""``: a deletion);
    ``i`` the index of ``ref`` in what was said (an insertion: the index of the said word it precedes)."""

    ref: str
    hyp: str
    i: int

    @property
    def kind(self) -> str:
        if not self.ref:
            return "ins"
        if not self.hyp:
            return "del"
        return "ok" if self.ref == self.hyp else "sub"


def align(ref: Sequence[str], hyp: Sequence[str]) -> list[Edit]:
    """A minimum-cost alignment (substitution, deletion, insertion cost 1 each). Ties prefer a match or
    substitution, then a deletion, so "turn on the light" / "turn the light" deletes "on"."""
    n, m = len(ref), len(hyp)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = 0 if ref[i - 1] == hyp[j - 1] else 1
            d[i][j] = min(d[i - 1][j - 1] + cost, d[i - 1][j] + 1, d[i][j - 1] + 1)
    edits: list[Edit] = []
    i, j = n, m
    while i or j:
        if i and j and d[i][j] == d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            edits.append(Edit(ref[i - 1], hyp[j - 1], i - 1))
            i, j = i - 1, j - 1
        elif i and d[i][j] == d[i - 1][j] + 1:
            edits.append(Edit(ref[i - 1], "", i - 1))
            i -= 1
        else:
            edits.append(Edit("", hyp[j - 1], i))
            j -= 1
    edits.reverse()
    return edits


def phrase_heard(edits: Sequence[Edit], start: int, length: int) -> str:
    """What the said words ``start .. start + length - 1`` were heard as: the words aligned to them and the
    words inserted between them ("" when all were dropped)."""
    end = start + length
    out = [
        e.hyp
        for e in edits
        if e.hyp and ((e.ref and start <= e.i < end) or (not e.ref and start < e.i < end))
    ]
    return " ".join(out)
