"""The fast path's grammar (templates x the home's names and numbers) and the semantic endpoint, as units."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from edge.asr.fastpath.decide import both_heard, disagreement, second_opinion, transcribe_turn
from edge.asr.fastpath.grammar import GrammarInputs, compile_grammar, home_inputs, shipped_templates, spoken
from edge.audio.endpoint import Decision, EndpointConfig, Endpointer
from edge.config import FeedbackSettings
from edge.events import Transcript
from edge.feedback.record import SignalKind, TurnRecord
from edge.feedback.signals import detect_all, detect_asr_disagreement

pocketsphinx = pytest.importorskip("pocketsphinx")
DICTIONARY = pocketsphinx.Decoder(loglevel="FATAL")


def known(word: str) -> bool:
    return DICTIONARY.lookup_word(word) is not None


NAMES = ["kitchen light", "living room lamp", "front door lock", "hallway blinds", "zzqx gizmo"]
AREAS = ["kitchen", "living room", "hallway"]


def test_whole_sentences_are_accepted_and_prefixes_are_not() -> None:
    g = compile_grammar(home_inputs(NAMES, AREAS), known)
    assert g.accepts("turn on the kitchen light")
    assert g.accepts("Turn off the living room lamp.")
    assert g.accepts("set the kitchen light to fifty percent")
    assert g.accepts("set the kitchen light to 50%")  # digits as Whisper writes them
    assert not g.accepts("set the kitchen light to")  # incomplete: the endpoint keeps waiting
    assert not g.accepts("turn on the")
    assert not g.accepts("what is the capital of france")
    assert not g.accepts("")


def test_names_the_dictionary_cannot_say_are_left_to_whisper() -> None:
    g = compile_grammar(home_inputs(NAMES, AREAS), known)
    assert not g.accepts("turn on the zzqx gizmo")
    assert "zzqx" not in g.jsgf
    assert g.dropped >= 1
    assert g.accepts("lock the front door lock") or g.accepts("turn on the front door lock")


def test_a_custom_domain_brings_its_templates_rules_and_lists() -> None:
    inputs = home_inputs(
        [], [],
        extra_templates=("[<please>] make me a {size} {drink}",),
        extra_rules={"please": "(please|kindly)"},
        extra_lists={"size": ["small", "large"], "drink": ["latte", "flat white"]},
    )  # fmt: skip
    g = compile_grammar(inputs, known)
    assert g.accepts("make me a large flat white")
    assert g.accepts("please make me a small latte")
    assert not g.accepts("make me a huge latte")


def test_compiles_are_cached_by_content_and_bounded_for_a_big_home() -> None:
    numbers = [" ".join(spoken(str(i))) for i in range(1, 300)]
    rooms, kinds = ("kitchen", "bedroom", "garage"), ("light", "fan", "plug")
    names = [f"{room} {kind} {n}" for room in rooms for kind in kinds for n in numbers[:12]]
    names += [f"sensor {n}" for n in numbers[:200]]
    inputs = home_inputs(names[:300], AREAS)
    t0 = time.perf_counter()
    g = compile_grammar(inputs, known)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = compile_grammar(home_inputs(names[:300], AREAS), known)
    assert again is g and time.perf_counter() - t0 < 0.05  # same content: the cached grammar
    assert first < 2.0, f"a 300-device grammar took {first:.2f} s"
    assert g.accepts("turn off the garage plug twelve")
    other = compile_grammar(home_inputs([*names[:300], "porch light"], AREAS), known)
    assert other.digest != g.digest and other.accepts("turn on the porch light")


def test_shipped_templates_are_the_command_families() -> None:
    templates, rules = shipped_templates()
    assert len(templates) > 100 and dict(rules)["turn"] == "(turn|switch)"
    assert not any("search_query" in t for t in templates)  # open-ended requests are Whisper's
    assert GrammarInputs(templates, rules).digest == GrammarInputs(templates, rules).digest


def test_shipped_templates_are_in_step_with_the_labs_families() -> None:
    """commands.json is the lab's export: a template changed in the lab without rerunning
    `python -m edge.lab.fastpath_export` would leave the fast path's grammar behind the NLU."""
    from edge.lab.fastpath_export import OUT, export  # noqa: PLC0415 - lazy: the lab's training templates

    assert json.loads(OUT.read_text(encoding="utf-8")) == export(), "run python -m edge.lab.fastpath_export"


def windows(ep: Endpointer, start_ms: float, n: int, probability: float) -> list[Decision]:
    return [ep.update(start_ms + 30 * (i + 1), probability, 30) for i in range(n)]


def test_semantic_endpoint_ends_a_complete_request_after_a_short_silence() -> None:
    ep = Endpointer(EndpointConfig(trailing_silence_ms=700, semantic_silence_ms=240))
    assert Decision.SPEECH_START in windows(ep, 0, 20, 0.9)
    ep.set_complete(True)
    decisions = windows(ep, 600, 10, 0.05)
    assert decisions.index(Decision.SEMANTIC_END) == 7  # 8 windows of 30 ms = 240 ms
    assert ep.speech_end_ms == 600


def test_an_incomplete_request_waits_the_full_trailing_silence() -> None:
    ep = Endpointer(EndpointConfig(trailing_silence_ms=700, semantic_silence_ms=240))
    windows(ep, 0, 20, 0.9)
    ep.set_complete(False)  # "set the kitchen light to"
    pause = windows(ep, 600, 15, 0.05)  # 450 ms of pause: not the end
    assert set(pause) == {Decision.NONE}
    windows(ep, 1050, 10, 0.9)  # "fifty percent"
    ep.set_complete(True)
    assert Decision.SEMANTIC_END in windows(ep, 1350, 10, 0.05)


def test_without_semantic_silence_complete_changes_nothing() -> None:
    ep = Endpointer(EndpointConfig(trailing_silence_ms=300))
    windows(ep, 0, 20, 0.9)
    ep.set_complete(True)
    decisions = windows(ep, 600, 12, 0.05)
    assert decisions.index(Decision.SPEECH_END) == 9 and Decision.SEMANTIC_END not in decisions
    with pytest.raises(ValueError, match="semantic_silence_ms"):
        EndpointConfig(semantic_silence_ms=-1)


class Whisper:
    name = "whisper"

    def __init__(self, text: str) -> None:
        self.text = text
        self.calls = 0

    def transcribe(self, samples: object, vocabulary: object = ()) -> Transcript:
        self.calls += 1
        return Transcript(self.text, 0.8, self.name, 1000.0)


def test_whisper_hears_what_the_fast_path_rejects_and_both_texts_are_kept() -> None:
    audio = np.zeros(16000, np.int16)
    fast = Transcript("turn on the kitchen light", 0.9, "pocketsphinx-grammar", 1000.0)
    whisper = Whisper("Turn on the kitchen light.")
    assert transcribe_turn(whisper, audio, (), fast) is fast and whisper.calls == 0
    checked = transcribe_turn(whisper, audio, (), fast, check=True)
    assert checked.text == fast.text and checked.engine == "pocketsphinx-grammar+whisper"
    assert second_opinion(checked.engine, checked.alternatives) == "Turn on the kitchen light."
    rejected = Transcript(
        "turn on the oven", 0.1, "pocketsphinx-grammar", 1000.0, rejected=True, reason="low_score"
    )
    served = transcribe_turn(Whisper("what is the capital of france"), audio, (), rejected)
    assert served.text == "what is the capital of france" and not served.rejected
    assert second_opinion(served.engine, served.alternatives) == "turn on the oven"
    assert second_opinion("whisper", ("a", "b")) is None
    assert disagreement("set it to 50%", "set it to fifty percent") == 0.0
    assert disagreement("turn on the oven", "what is the capital of france") > 0.5
    assert both_heard(fast, whisper.transcribe(audio)).alternatives[-1] == "Turn on the kitchen light."


def test_a_turn_both_engines_heard_differently_gets_an_asr_disagree_signal() -> None:
    def turn(tid: str, text: str, engine: str, nbest: tuple[str, ...]) -> TurnRecord:
        return TurnRecord(
            tid, "s", "h", 10.0, 12.0, asr_text=text, text=text, asr_engine=engine, asr_nbest=nbest
        )

    differ = turn(
        "t1", "what is the capital of france", "whisper+pocketsphinx-grammar", ("turn on the oven",)
    )
    same = turn("t2", "set it to 50%", "pocketsphinx-grammar+whisper", ("set it to fifty percent",))
    alone = turn("t3", "turn on the oven", "whisper", ("turn on the oven please",))
    [signal] = detect_asr_disagreement(differ)
    assert signal.kind is SignalKind.ASR_DISAGREE and signal.strength > 0.5
    assert signal.evidence["other"] == "turn on the oven"
    assert detect_asr_disagreement(same) == [] and detect_asr_disagreement(alone) == []
    kinds = [s.kind for s in detect_all([differ, same, alone], [], [], 100.0, FeedbackSettings())]
    assert kinds.count(SignalKind.ASR_DISAGREE) == 1
