"""The fast path's grammar graph without glue states (edge/asr/fastpath/fsg.py, issue 17's memory): the same
sentences with the same weights, half the states, less memory, the same decode of the demo command. Real
pocketsphinx and its en-us model; the graph logic also on a hand-made graph."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from edge import resources
from edge.asr.fastpath.fsg import Graph, build_fsg, compact_fsg, read_fsm, shared_prefixes, without_glue
from edge.asr.fastpath.grammar import (
    GrammarInputs,
    compile_grammar,
    home_inputs,
    input_words,
    pronunciations,
)
from edge.asr.fastpath.stream import PocketsphinxStream
from edge.audio.io import read_audio

ps = pytest.importorskip("pocketsphinx")

NAMES = ("kitchen light", "bedroom lamp", "living room lamp", "coffee maker", "tv", "garage door")
AREAS = ("kitchen", "bedroom", "living room", "office")
SENTENCES = (
    "turn on the kitchen light",
    "turn off the living room lamp",
    "set the kitchen light to fifty percent",
    "turn on the coffee maker",
    "open the garage door",
    "turn off the tv",
    "turn on the garden sprinkler",  # not a sentence of the grammar
    "kitchen light",  # a prefix, not a sentence
)


def best_weights(graph: Graph, words: tuple[str, ...]) -> int | None:
    """The best summed weight of a path that says ``words`` from start to final (null arcs free to take)."""
    best: dict[tuple[int, int], int] = {(graph.start, 0): 0}
    frontier = [(graph.start, 0)]
    while frontier:  # the grammars are acyclic: relax until nothing improves
        state, at = frontier.pop()
        here = best[(state, at)]
        for (to, word), logp in graph.arcs.get(state, {}).items():
            if word is None:
                key = (to, at)
            elif at < len(words) and word.split("(")[0] == words[at]:
                key = (to, at + 1)
            else:
                continue
            if here + logp > best.get(key, here + logp - 1):
                best[key] = here + logp
                frontier.append(key)
    return best.get((graph.final, len(words)))


def _decoder_and_jsgf() -> tuple[Any, str, Path]:
    inputs = home_inputs(NAMES, AREAS)
    model = Path(ps.get_model_path()) / "en-us"
    entries = pronunciations(model / "cmudict-en-us.dict", input_words(inputs))
    grammar = compile_grammar(inputs, lambda word: word in entries)
    return entries, grammar.jsgf, model


def _fsm(fsg: Any, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    fsg.writefile_fsm(str(path))
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def decoder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, str]:
    entries, jsgf, _model = _decoder_and_jsgf()
    words = tmp_path_factory.mktemp("fsg") / "grammar.dict"
    words.write_text("".join(line for lines in entries.values() for line in lines))
    return ps.Decoder(loglevel="FATAL", lm=None, dict=str(words)), jsgf


def test_glue_states_go_and_every_sentence_keeps_its_weight() -> None:
    # 0 -a-> 1 -null-> 2 -b-> 3 -null(-5)-> 4 (final); 0 -null(-2)-> 5 -c-> 4; 2 -c-> 4
    arcs: dict[int, dict[tuple[int, str | None], int]] = defaultdict(dict)
    arcs[0].update({(1, "a"): -10, (5, None): -2})
    arcs[1].update({(2, None): -1})
    arcs[2].update({(3, "b"): -20, (4, "c"): -7})
    arcs[3].update({(4, None): -5})
    arcs[5].update({(4, "c"): -3})
    graph = Graph(6, 0, 4, dict(arcs))
    small = without_glue(graph)
    assert small.n_states < graph.n_states
    assert all(word is not None for out in small.arcs.values() for (_to, word) in out)  # no glue left
    for words in (("a", "b"), ("a", "c"), ("c",), ("a",), ("b",), ()):
        assert best_weights(small, words) == best_weights(graph, words), words
    assert best_weights(small, ("a", "b")) == -36


def test_alternatives_share_their_first_word_and_keep_every_weight() -> None:
    # a list inlined with its own states: 0 -x-> {1, 2, 3}; 1 -a-> 6, 2 -b-> 6, 3 -a-> 7 -c-> 6 (final);
    # 4 enters 5 too, so 5 (0 -x-> 5 -d-> 6) is not merged; 0 -y-> 4 -x-> 5
    arcs: dict[int, dict[tuple[int, str | None], int]] = defaultdict(dict)
    arcs[0].update({(1, "x"): -10, (2, "x"): -4, (3, "x"): -7, (5, "x"): -1, (4, "y"): -2})
    arcs[1].update({(6, "a"): -3})
    arcs[2].update({(6, "b"): -5})
    arcs[3].update({(6, "a"): -1, (7, "a"): -2})
    arcs[4].update({(5, "x"): -6})
    arcs[5].update({(6, "d"): -9})
    arcs[7].update({(6, "c"): -8})
    graph = Graph(8, 0, 6, dict(arcs))
    shared = shared_prefixes(graph)
    assert shared.n_states == graph.n_states - 2  # 1, 2 and 3 became one
    assert sum(word == "x" for (_to, word) in shared.arcs[shared.start]) == 2  # the merged one and 5
    sentences = (("x", "a"), ("x", "b"), ("x", "a", "c"), ("x", "d"), ("y", "x", "d"))
    for words in (*sentences, ("x",), ("x", "c"), ("y", "x", "a"), ("x", "b", "c"), ()):
        assert best_weights(shared, words) == best_weights(graph, words), words
    assert best_weights(shared, ("x", "a")) == max(-10 - 3, -7 - 1)  # two paths said "x a": the best kept
    assert best_weights(shared, ("y", "x", "a")) is None  # nothing is added


def test_equal_weight_alternatives_share_their_first_word_with_no_weight_moved() -> None:
    arcs: dict[int, dict[tuple[int, str | None], int]] = defaultdict(dict)
    arcs[0].update({(1, "bedroom"): -5, (2, "bedroom"): -5, (3, "kitchen"): -5})
    arcs[1].update({(4, "fan"): 0})
    arcs[2].update({(4, "light"): 0})
    arcs[3].update({(4, "light"): 0})
    shared = shared_prefixes(Graph(5, 0, 4, dict(arcs)))
    assert shared.n_states == 4
    weights = sorted(w for out in shared.arcs.values() for w in out.values())
    assert weights == [-5, -5, 0, 0, 0]  # the list's weight stays on its first word


def test_weights_read_back_exactly_from_pocketsphinx(decoder: tuple[Any, str], tmp_path: Path) -> None:
    """With a language weight of 1 pocketsphinx writes each integer log weight as -ln(p) with 6 decimals;
    reading rounds back to it: a graph rebuilt from what was read writes the same text."""
    dec, jsgf = decoder
    lw = float(dec.config["lw"])
    dec.config["lw"] = 1.0
    raw = dec.parse_jsgf(jsgf)
    dec.config["lw"] = lw
    text = _fsm(raw, tmp_path, "raw.fsm")
    graph = read_fsm(text, float(dec.config["logbase"]))
    again = build_fsg(ps, dec, graph, 1.0)
    assert sorted(_fsm(again, tmp_path, "again.fsm").splitlines()) == sorted(text.splitlines())


def test_the_home_grammar_keeps_its_sentences_and_weights_in_half_the_states(
    decoder: tuple[Any, str], tmp_path: Path
) -> None:
    dec, jsgf = decoder
    lw = float(dec.config["lw"])
    dec.config["lw"] = 1.0
    raw = read_fsm(_fsm(dec.parse_jsgf(jsgf), tmp_path, "raw.fsm"), float(dec.config["logbase"]))
    dec.config["lw"] = lw
    small = without_glue(raw)
    assert small.n_states < 0.6 * raw.n_states
    weights = {s: best_weights(raw, tuple(s.split())) for s in SENTENCES}
    assert weights["turn on the garden sprinkler"] is None and weights["kitchen light"] is None
    assert sum(w is not None for w in weights.values()) == 6
    for sentence, weight in weights.items():
        assert best_weights(small, tuple(sentence.split())) == weight, sentence
    shared = shared_prefixes(small)
    assert shared.n_states < 0.6 * small.n_states
    for sentence, weight in weights.items():
        assert best_weights(shared, tuple(sentence.split())) == weight, sentence
    built = _fsm(compact_fsg(ps, dec, jsgf), tmp_path, "small.fsm").splitlines()
    assert sum(len(line.split()) == 4 for line in built) == shared.n_arcs  # what the decoder gets
    assert float(dec.config["lw"]) == lw  # the decoder's own language weight is back


def test_the_compact_grammar_decodes_the_demo_command_as_before() -> None:
    """The fast path's streaming decode of the demo recording: the same partial hypotheses, transcript and
    decision with the compact graph as with pocketsphinx's own expansion."""
    speech = read_audio(resources.demo_wav())[32_000:]

    def heard(compact: bool) -> tuple[list[tuple[str, bool]], str, bool, str]:
        stream = PocketsphinxStream(lambda: home_inputs(NAMES, AREAS), compact=compact)
        stream.start()
        partials = [
            (p.text, p.complete)
            for p in (stream.feed(speech[i : i + 1600]) for i in range(0, len(speech), 1600))
        ]
        done = stream.finish()
        return partials, done.text, done.rejected, done.reason

    before, after = heard(False), heard(True)
    assert after == before
    assert after[1] == "turn on the kitchen light"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/status")
def test_the_compact_grammar_takes_less_memory() -> None:
    """Each variant in a fresh process: resident memory the grammar's search adds to its decoder."""
    code = textwrap.dedent(
        """
        import pathlib, sys, tempfile
        import pocketsphinx as ps
        from edge.asr.fastpath.fsg import compact_fsg
        from edge.asr.fastpath.grammar import compile_grammar, home_inputs, input_words, pronunciations
        from edge.asr.heap import trim_heap
        from edge.budget import read_memory
        inputs = home_inputs(sys.argv[2].split(","), sys.argv[3].split(","))
        model = pathlib.Path(ps.get_model_path()) / "en-us"
        entries = pronunciations(model / "cmudict-en-us.dict", input_words(inputs))
        jsgf = compile_grammar(inputs, lambda word: word in entries).jsgf
        words = pathlib.Path(tempfile.mkdtemp()) / "g.dict"
        words.write_text("".join(line for lines in entries.values() for line in lines))
        dec = ps.Decoder(loglevel="FATAL", lm=None, dict=str(words))
        trim_heap(force=True)
        before = read_memory().rss_mb
        if sys.argv[1] == "compact":
            dec.add_fsg("edge", compact_fsg(ps, dec, jsgf))
        else:
            dec.add_jsgf_string("edge", jsgf)
        trim_heap(force=True)  # what expanding the JSGF freed
        print(read_memory().rss_mb - before)
        """
    )
    grown = {}
    for variant in ("jsgf", "compact"):
        done = subprocess.run(
            [sys.executable, "-c", code, variant, ",".join(NAMES), ",".join(AREAS)],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        grown[variant] = float(done.stdout.split()[-1])
    assert grown["compact"] < 0.7 * grown["jsgf"], grown


def test_a_recompile_keeps_the_phone_loop_and_swaps_the_grammar() -> None:
    """The phone loop does not depend on the grammar: a home change builds a grammar decoder only."""
    homes = [home_inputs(NAMES, AREAS)]
    stream = PocketsphinxStream(lambda: homes[-1])
    stream.start()
    stream.finish()
    first = stream._loaded
    assert first is not None
    homes.append(home_inputs((*NAMES, "porch light"), (*AREAS, "porch")))
    stream.prepare()
    stream.start()
    stream.finish()
    second = stream._loaded
    assert second is not None and second is not first
    assert second.phones is first.phones and second.decoder is not first.decoder
    assert second.grammar.accepts("turn on the porch light") and not first.grammar.accepts(
        "turn on the porch light"
    )


def test_a_grammar_with_no_sentence_still_loads() -> None:
    """No template survives (an empty home and no templates): the decoder gets pocketsphinx's own (empty)
    expansion and rejects everything, as before."""
    stream = PocketsphinxStream(lambda: GrammarInputs(()))
    stream.start()
    stream.feed(read_audio(resources.demo_wav())[32_000:48_000])
    assert stream.finish().rejected
