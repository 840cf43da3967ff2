"""A grammar matcher for custom domains: align what ASR heard with the domain's sentence templates.

This is the device's fast path for a domain (the way Rhino, Speech-to-Phrase and vosk's grammar mode
work): it needs no training, and because it compares *sounds* it snaps ASR slips onto the grammar
("light rose 60-nounce ice mocha" -> roast light roast, size sixteen ounce, drink iced mocha).

Every template becomes a path through one shared graph (templates with the same beginning share their
nodes, like a trie). Edges are literal words, slots (a list of values, each a little template itself) and
empty moves. A dynamic program over (graph node, words consumed) finds the cheapest alignment with the
transcript: a literal word costs its sound distance to the heard word, or a deletion when it was not
said; a slot costs the distance between the heard span and its nearest value; a heard word that fits
nowhere costs an insertion. ``score = 1 - cost / words heard``; callers accept a match above a threshold
and hand everything else to the NLU model, so requests outside the domain are never forced into it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from edge.lang import spoken_words
from edge.nlu.domain_graph import EMPTY, WILDCARD, WORD, Builder, Edge, Lists, expand, flat_items
from edge.nlu.grammar import Node, parse_template
from edge.nlu.spoken import phonetic, skeleton

__all__ = ["DomainGrammar", "DomainMatch", "MatchCosts"]


@dataclass(frozen=True, slots=True)
class MatchCosts:
    """The edit costs of an alignment (one unit = one wrong word)."""

    insert: float = 0.9  # a heard word the template has no place for
    insert_filler: float = 0.3  # ... when it is a filler ("um", "please", "the")
    delete: float = 0.9  # a template word that was not heard
    delete_function: float = 0.4  # ... when it is a function word ("a", "of", "with")
    wildcard_word: float = 0.25  # each word taken by a free-text slot
    fillers: frozenset[str] = frozenset(
        [
            "um",
            "uh",
            "uhm",
            "er",
            "erm",
            "hmm",
            "oh",
            "so",
            "okay",
            "ok",
            "please",
            "just",
            "the",
            "a",
            "an",
            "and",
            "like",
            "well",
            "yeah",
        ]
    )
    function_words: frozenset[str] = frozenset(
        [
            "a",
            "an",
            "the",
            "of",
            "to",
            "me",
            "with",
            "and",
            "for",
            "in",
            "on",
            "at",
            "my",
            "some",
            "please",
            "i",
        ]
    )


@dataclass(frozen=True, slots=True)
class DomainMatch:
    """The best alignment of a transcript with the domain grammar."""

    intent: str
    slots: Mapping[str, str]  # slot -> the list's value (its "out" form)
    score: float  # 1 - cost per heard word, clipped to [0, 1]
    cost: float
    words: int  # words heard (after normalization)
    slot_likeness: float = 1.0  # the least alike slot: 1 - its cost per word (1.0 with no slots)

    def accepted(self, min_score: float, min_slot_likeness: float) -> bool:
        return self.score >= min_score and self.slot_likeness >= min_slot_likeness


class DomainGrammar:
    """The compiled grammar of a domain; :meth:`match` is pure and safe to call from any thread."""

    def __init__(
        self,
        templates: Mapping[str, Iterable[str]],
        lists: Mapping[str, Iterable[tuple[str, str]]],
        rules: Mapping[str, str] | None = None,
        costs: MatchCosts | None = None,
    ) -> None:
        self.costs = costs or MatchCosts()
        parsed_rules = {k: parse_template(v) for k, v in (rules or {}).items()}
        self._lists = Lists()
        for name, values in lists.items():
            index = self._lists.index(name)
            for spoken, value in values:
                for words in expand(parse_template(spoken), parsed_rules):
                    if words:
                        self._lists.variants[index].append((words, value.strip()))
        builder = Builder(parsed_rules, self._lists, set(lists))
        shared: dict[tuple[int, Node], int] = {}
        self._finals: dict[int, str] = {}
        for intent, texts in templates.items():
            for text in texts:
                at = 0
                for item in flat_items(parse_template(text)):
                    key = (at, item)
                    if key not in shared:
                        shared[key] = builder.build(item, at)
                    at = shared[key]
                self._finals.setdefault(at, intent)
        self._edges = builder.edges
        self._vocab = sorted({e.word for out in self._edges for e in out if e.kind == WORD})
        self._vocab_index = {w: i for i, w in enumerate(self._vocab)}
        self._max_len = [max((len(w) for w, _v in vs), default=1) + 1 for vs in self._lists.variants]
        self._variant_text = [[" ".join(w) for w, _v in vs] for vs in self._lists.variants]
        self._variant_len = [np.array([len(w) for w, _v in vs], dtype=float) for vs in self._lists.variants]

    @property
    def nodes(self) -> int:
        return len(self._edges)

    def match(self, text: str) -> DomainMatch | None:
        """The cheapest alignment of ``text`` with any template, or None when nothing was said."""
        words = spoken_words(text)
        n = len(words)
        if n == 0 or not self._finals:
            return None
        c = self.costs
        sub = self._word_costs(words)
        spans = [self._span_costs(words, i) for i in range(len(self._lists.names))]
        ins = [c.insert_filler if w in c.fillers else c.insert for w in words]
        inf = math.inf
        cost = [[inf] * (n + 1) for _ in self._edges]
        back: list[list[tuple[int, int, str, str, float] | None]] = [[None] * (n + 1) for _ in self._edges]
        cost[0][0] = 0.0
        for u, out in enumerate(self._edges):
            row = cost[u]
            for i in range(n):  # heard words the template has no place for
                if row[i] + ins[i] < row[i + 1]:
                    row[i + 1] = row[i] + ins[i]
                    back[u][i + 1] = (u, i, "", "", 1.0)
            for edge in out:
                dst, brow = cost[edge.dst], back[edge.dst]
                if edge.kind == EMPTY:
                    for i in range(n + 1):
                        if row[i] < dst[i]:
                            dst[i], brow[i] = row[i], (u, i, "", "", 1.0)
                elif edge.kind == WORD:
                    wsub = sub[self._vocab_index[edge.word]]
                    dele = c.delete_function if edge.word in c.function_words else c.delete
                    for i in range(n + 1):
                        base = row[i]
                        if base == inf:
                            continue
                        if base + dele < dst[i]:
                            dst[i], brow[i] = base + dele, (u, i, "", "", 1.0)
                        if i < n and base + wsub[i] < dst[i + 1]:
                            dst[i + 1], brow[i + 1] = base + wsub[i], (u, i, "", "", 1.0)
                else:
                    self._relax_slot(edge=edge, u=u, row=row, dst=dst, brow=brow, spans=spans, n=n)
        best = min(((cost[f][n], f) for f in self._finals), default=(inf, -1))
        if best[0] == inf:
            return None
        slots, worst = self._trace(back, best[1], words)
        total = best[0]
        return DomainMatch(
            self._finals[best[1]],
            slots,
            round(max(0.0, 1.0 - float(total) / n), 4),
            round(float(total), 4),
            n,
            round(float(worst), 4),
        )

    def _relax_slot(
        self,
        *,
        edge: Edge,
        u: int,
        row: list[float],
        dst: list[float],
        brow: list[tuple[int, int, str, str, float] | None],
        spans: list[dict[tuple[int, int], tuple[float, str, float]]],
        n: int,
    ) -> None:
        for i in range(n):
            base = row[i]
            if base == math.inf:
                continue
            if edge.list_index == WILDCARD:
                for j in range(i + 1, min(n, i + 8) + 1):
                    total = base + self.costs.wildcard_word * (j - i)
                    if total < dst[j]:
                        dst[j], brow[j] = total, (u, i, edge.slot, "", 1.0)
                continue
            for (start, j), (span_cost, value, likeness) in spans[edge.list_index].items():
                if start == i and base + span_cost < dst[j]:
                    dst[j], brow[j] = base + span_cost, (u, i, edge.slot, value, likeness)

    def _trace(
        self, back: list[list[tuple[int, int, str, str, float] | None]], node: int, words: tuple[str, ...]
    ) -> tuple[dict[str, str], float]:
        """Slot values along the best path (a free-text slot takes the words it covered), and how
        alike the least alike slot was to the value it was given."""
        found: list[tuple[str, str]] = []
        worst = 1.0
        at, i = node, len(words)
        while (step := back[at][i]) is not None:
            prev, start, slot, value, likeness = step
            if slot:
                found.append((slot, value or " ".join(words[start:i])))
                worst = min(worst, likeness)
            at, i = prev, start
        slots: dict[str, str] = {}
        for slot, value in reversed(found):
            slots.setdefault(slot, value)
        return slots, worst

    def _word_costs(self, words: tuple[str, ...]) -> npt.NDArray[np.float64]:
        """(vocabulary x heard words) substitution costs: 1 - how alike they look or sound."""
        if not self._vocab:
            return np.zeros((0, len(words)))
        sim = _similarity(self._vocab, list(words))
        cost = 1.0 - sim.astype(np.float64)
        cost[sim < 0.5] = 1.0
        return cost

    def _span_costs(
        self, words: tuple[str, ...], index: int
    ) -> dict[tuple[int, int], tuple[float, str, float]]:
        """(start, end) -> (cost, value, likeness) of the nearest value of list ``index`` per heard span."""
        variants = self._lists.variants[index]
        if not variants:
            return {}
        n = len(words)
        keys = [(i, j) for i in range(n) for j in range(i + 1, min(n, i + self._max_len[index]) + 1)]
        texts = [" ".join(words[i:j]) for i, j in keys]
        sim = _similarity(texts, self._variant_text[index])
        span_len = np.array([j - i for i, j in keys], dtype=float)
        size = np.maximum(span_len[:, None], self._variant_len[index][None, :])
        cost = (1.0 - sim) * size
        best = cost.argmin(axis=1)
        return {
            key: (float(cost[k, best[k]]), variants[int(best[k])][1], float(sim[k, best[k]]))
            for k, key in enumerate(keys)
        }


def _similarity(heard: list[str], known: list[str]) -> npt.NDArray[np.float32]:
    """(heard x known) likeness in [0, 1]: the best of spelling, metaphone and a coarse sound key."""
    spelled = process.cdist(heard, known, scorer=fuzz.ratio, dtype=np.float32)
    sounds = process.cdist(
        [phonetic(t) for t in heard], [phonetic(t) for t in known], scorer=fuzz.ratio, dtype=np.float32
    )
    coarse = process.cdist(
        [skeleton(t) for t in heard], [skeleton(t) for t in known], scorer=fuzz.ratio, dtype=np.float32
    )
    best: npt.NDArray[np.float32] = np.maximum(spelled, np.maximum(0.95 * sounds, 0.9 * coarse)) / 100.0
    return best
