"""The grammar's finite-state graph as pocketsphinx builds it from the JSGF, without its glue states.

pocketsphinx expands a JSGF by inlining every rule and list at each place it is used, joined by null
(epsilon) transitions: the demo home's grammar became 8,274 states, about half of them glue (one null
transition in or out). Its FSG search costs ~6.5 KB a state whatever the state holds (per-state transition
tables, a silence and a noise self-loop on every state, their lextree nodes): 54 MB for the demo home.
:func:`compact_fsg` takes pocketsphinx's own graph (``parse_jsgf``: its expansion and its weights), removes
each state whose only way in is one null transition (its transitions move to its predecessor) or whose only
way out is one null transition (its predecessors lead straight to its successor), and hands the result to
the decoder: the same word sequences with the same summed weights and the same places for silence, 4,074
states and 22 MB for the demo home (docs/appliance.md, "Memory in use").

The decoder's search over the smaller graph is not bit-identical (its beams prune a different set of
nodes): on 105 clips (`edge bench grammar`'s sentences, 4 voices) 103 gave the same partial hypotheses,
transcript and decision; the other two moved their scores a little (one accept at 0.853 became a reject at
0.848). Merging states with the same futures as well (762 states) changed 23 of the 105: not done.
Then :func:`shared_prefixes` lets the alternatives that begin with the same word share it (1,967 states, the
search 29 -> 23 MB; the same transcripts and decisions on those clips, scores 0.001-0.047 lower).
"""

from __future__ import annotations

import math
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Graph", "build_fsg", "compact_fsg", "read_fsm", "shared_prefixes", "without_glue"]

Arc = tuple[int, str | None]  # (to, word): None for a null transition


@dataclass(frozen=True, slots=True)
class Graph:
    """A finite-state grammar: ``arcs[from][(to, word)] = logs2prob`` (pocketsphinx's integer log weight,
    ``logmath_log(p)``), one start and one final state."""

    n_states: int
    start: int
    final: int
    arcs: dict[int, dict[Arc, int]]

    @property
    def n_arcs(self) -> int:
        return sum(len(out) for out in self.arcs.values())


def read_fsm(text: str, base: float) -> Graph:
    """Parse ``FsgModel.writefile_fsm`` output of a graph whose language weight is 1 (``from to word
    -ln(p)`` lines, the start state's first; a ``state weight`` line for the final state) back into its
    integer log weights (base ``base``): ``-ln(p)`` is written with 6 decimals, 0.005 of a log unit, so
    rounding recovers each weight exactly."""
    arcs: dict[int, dict[Arc, int]] = defaultdict(dict)
    start = final = -1
    n = 0
    scale = 1.0 / math.log(base)
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 4:
            a, b = int(parts[0]), int(parts[1])
            start = a if start < 0 else start
            word = None if parts[2] == "<eps>" else parts[2]
            logp = round(-float(parts[3]) * scale)
            key = (b, word)
            arcs[a][key] = max(logp, arcs[a].get(key, logp))
            n = max(n, a + 1, b + 1)
        elif len(parts) == 2:
            final = int(parts[0])
            n = max(n, final + 1)
    if start < 0 or final < 0:
        raise ValueError("the FSM text has no transitions or no final state")
    return Graph(n, start, final, dict(arcs))


def without_glue(graph: Graph) -> Graph:
    """The graph without the states that only pass through: one null transition in (its arcs move to the
    predecessor) or one null transition out (its predecessors' arcs go straight to the successor). Every
    word sequence keeps its summed weight; parallel arcs keep the best weight (Viterbi takes the best)."""
    out: dict[int, dict[Arc, int]] = defaultdict(dict, {s: dict(a) for s, a in graph.arcs.items()})
    into: dict[int, set[tuple[int, str | None]]] = defaultdict(set)
    for s, arcs in out.items():
        for to, word in arcs:
            into[to].add((s, word))
    keep = {graph.start, graph.final}
    alive = set(range(graph.n_states))

    def add(src: int, key: Arc, logp: int) -> None:
        if logp > out[src].get(key, logp - 1):
            out[src][key] = logp
        into[key[0]].add((src, key[1]))

    changed = True
    while changed:
        changed = False
        for s in sorted(alive - keep):
            ins = into[s]
            arcs = out[s]
            if any(to == s for to, _w in arcs) or any(src == s for src, _w in ins):
                continue  # a self-loop: not glue
            if len(ins) == 1 and next(iter(ins))[1] is None:
                src = next(iter(ins))[0]
                step = out[src].pop((s, None))
                for (to, word), logp in arcs.items():
                    into[to].discard((s, word))
                    add(src, (to, word), logp + step)
            elif len(arcs) == 1 and next(iter(arcs))[1] is None:
                (to, _none), step = next(iter(arcs.items()))
                into[to].discard((s, None))
                for src, word in ins:
                    logp = out[src].pop((s, word))
                    add(src, (to, word), logp + step)
            else:
                continue
            out[s] = {}
            into[s] = set()
            alive.discard(s)
            changed = True
    number = {s: i for i, s in enumerate(sorted(alive))}
    arcs_out = {
        number[s]: {(number[to], word): logp for (to, word), logp in out[s].items()} for s in sorted(alive)
    }
    return Graph(len(number), number[graph.start], number[graph.final], arcs_out)


def shared_prefixes(graph: Graph) -> Graph:
    """The graph with the alternatives that begin with the same word sharing it: when a state has several
    arcs with one word to states that nothing else enters ("bedroom" -> "fan" | "light" | "speaker", each
    alternative of a list inlined with its own states), those states become one, with all their arcs
    (repeated until none is left). Every word sequence keeps its summed weight exactly (integer log
    weights: the shared arc takes the best of the merged ones and each arc after it the difference) and no
    sequence is added; for a list's equal-weight alternatives no weight moves at all. pocketsphinx's search
    costs ~5-6 KB a state (an empty 101-bucket transition table per state, its history rows, its
    lextree): the demo home's 4,074 states -> 1,967."""
    out: dict[int, dict[Arc, int]] = {s: dict(a) for s, a in graph.arcs.items()}
    entries: dict[int, int] = defaultdict(int)
    for arcs in out.values():
        for to, _word in arcs:
            entries[to] += 1
    fixed = {graph.start, graph.final}
    changed = True
    while changed:
        changed = False
        for state in sorted(out):
            if state not in out:
                continue
            by_word: dict[str, list[tuple[int, int]]] = defaultdict(list)
            for (to, word), logp in out[state].items():
                if word is not None and to != state and to not in fixed and entries[to] == 1:
                    by_word[word].append((to, logp))
            for word in sorted(by_word):
                group = sorted(by_word[word])
                if len(group) < 2:
                    continue
                keep = group[0][0]
                best = max(logp for _to, logp in group)
                merged: dict[Arc, int] = {}
                for member, logp in group:
                    for key, step in out.pop(member, {}).items():
                        weight = step + logp - best
                        if weight > merged.get(key, weight - 1):
                            if key in merged:
                                entries[key[0]] -= 1  # two arcs became one
                            merged[key] = weight
                        else:
                            entries[key[0]] -= 1
                    del out[state][(member, word)]
                out[keep] = merged
                out[state][(keep, word)] = best
                entries[keep] = 1
                changed = True
    alive = sorted({graph.start, graph.final} | set(out) | {to for arcs in out.values() for to, _w in arcs})
    number = {s: i for i, s in enumerate(alive)}
    arcs_out = {
        number[s]: {(number[to], word): logp for (to, word), logp in out[s].items()}
        for s in alive
        if s in out
    }
    return Graph(len(number), number[graph.start], number[graph.final], arcs_out)


def compact_fsg(ps: Any, decoder: Any, jsgf: str) -> Any:
    """``decoder``'s ``FsgModel`` for ``jsgf`` without glue states (``ps``: the pocketsphinx module).
    Blocking: ~0.1 s for the demo home (the JSGF expansion itself is most of it).

    pocketsphinx writes a weight divided by the graph's language weight and truncated to an integer, so the
    graph is expanded with a language weight of 1 (its weights do not depend on it: ``jsgf_build_fsg``
    stores ``logmath_log(p)``), read back exactly, and built again with the decoder's own."""
    lw = float(decoder.config["lw"])
    decoder.config["lw"] = 1.0
    try:
        raw = decoder.parse_jsgf(jsgf)
    finally:
        decoder.config["lw"] = lw
    with tempfile.TemporaryDirectory(prefix="edge-fsg-") as tmp:
        path = Path(tmp) / "grammar.fsm"
        raw.writefile_fsm(str(path))
        del raw  # pocketsphinx's expansion is freed before the smaller graph is built
        graph = without_glue(read_fsm(path.read_text(encoding="utf-8"), float(decoder.config["logbase"])))
    graph = shared_prefixes(graph)
    return build_fsg(ps, decoder, graph, lw)


def build_fsg(ps: Any, decoder: Any, graph: Graph, lw: float) -> Any:
    """A pocketsphinx ``FsgModel`` with exactly ``graph``'s states, arcs and weights, at weight ``lw``."""
    fsg = ps.FsgModel("edge", decoder.get_logmath(), lw, graph.n_states)
    fsg.set_start_state(graph.start)
    fsg.set_final_state(graph.final)
    for src in sorted(graph.arcs):
        for (to, word), logp in graph.arcs[src].items():
            if word is None:
                fsg.null_trans_add(src, to, logp)
            else:
                fsg.trans_add(src, to, logp, fsg.word_add(word))
    return fsg
