"""The simulator's calibrated ASR-error model: word alignment with a backtrace, the confusion counts and
their consistency, the data file's loader, and the speaker profile drawn from the measured confusions."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from edge.errors import ConfigError
from edge.lab.sim import confusions
from edge.lab.sim.confusions import Clip, Confusions, Consistency, Outcomes, find_phrases, measure
from edge.lab.sim.confusions_align import align, phrase_heard
from edge.lab.sim.confusions_model import CalibratedASR


def _w(text: str) -> list[str]:
    return text.split()


def _kinds(ref: str, hyp: str) -> list[tuple[str, str, str]]:
    return [(e.kind, e.ref, e.hyp) for e in align(ref.split(), hyp.split())]


def test_alignment_names_each_substitution_deletion_and_insertion() -> None:
    assert _kinds("turn on the kitchen light", "turn on the kitten light") == [
        ("ok", "turn", "turn"), ("ok", "on", "on"), ("ok", "the", "the"),
        ("sub", "kitchen", "kitten"), ("ok", "light", "light"),
    ]  # fmt: skip
    assert [k for k, _, _ in _kinds("turn on the light", "turn the light")] == ["ok", "del", "ok", "ok"]
    assert sorted(k for k, _, _ in _kinds("play coldplay", "play cold play")) == ["ins", "ok", "sub"]
    assert _kinds("", "hello") == [("ins", "", "hello")]
    assert _kinds("hello", "") == [("del", "hello", "")]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "c", "d", "the", "on"]), max_size=8),
    st.lists(st.sampled_from(["a", "b", "c", "x", "the", "off"]), max_size=8),
)
def test_alignment_costs_the_levenshtein_distance_and_covers_both_sides(
    ref: list[str], hyp: list[str]
) -> None:
    edits = align(ref, hyp)
    assert sum(e.kind != "ok" for e in edits) == Levenshtein.distance(ref, hyp)
    assert [e.ref for e in edits if e.ref] == ref
    assert [e.hyp for e in edits if e.hyp] == hyp


def test_a_phrase_is_heard_as_the_words_aligned_to_it_and_inserted_inside_it() -> None:
    def heard(hyp: str) -> str:
        return phrase_heard(align(_w("play imagine dragons on the speaker"), _w(hyp)), 1, 2)

    assert heard("play imagine dragon's on the speaker") == "imagine dragon's"
    assert heard("play imagine the dragons on the speaker") == "imagine the dragons"
    assert heard("play on the speaker") == ""
    assert find_phrases(_w("turn on the kitchen lamp"), ["kitchen", "kitchen lamp", "lamp"]) == [
        (3, "kitchen lamp")
    ]


def _clip(voice: str, said: str, heard: str, names: tuple[str, ...] = ("kitchen light",)) -> Clip:
    return Clip(voice, tuple(said.split()), tuple(heard.split()), names, 0.9 if said == heard else 0.5)


def test_measure_counts_words_phrases_insertions_and_how_consistent_a_voice_is() -> None:
    s = "turn on the kitchen light"
    clips = [
        _clip("a", s, "turn on the kitten light"),
        _clip("a", "kitchen light off", "kitten light off"),
        _clip("a", s, s),
        _clip("b", s, "turn on the chicken light"),
        _clip("b", s, s),
        _clip("b", s, "turn on on the kitchen light"),
    ]
    m = measure(clips, "test-asr", ["c"], ["clean"])
    assert m.phrases["kitchen light"] == Outcomes(6, 3, {"kitten light": 2, "chicken light": 1})
    assert m.words["kitchen"].n == 6 and m.words["kitchen"].alts == {"kitten": 2, "chicken": 1}
    assert m.insertions == {"on": 1}
    assert m.wer == pytest.approx(4 / 28, abs=1e-4)
    assert m.names_misheard == pytest.approx(0.5)
    # voice a: 3 clips, 2 misheard the same way -> first-misheard pairs 2*2=4, again 2, same 2
    # voice b: 3 clips, 1 misheard -> 2 pairs, again 0
    assert m.phrase_consistency.again == pytest.approx(2 / 6)
    assert m.phrase_consistency.same == pytest.approx(1.0)
    assert m.phrase_consistency.pairs == 6
    # other voices: misheard-first pairs across voices: a's 2 x b's 3 + b's 1 x a's 3 = 9, misheard again 2+2
    assert m.phrase_consistency.other_voice_again == pytest.approx(4 / 9)
    assert m.voice_wer["a"] == pytest.approx(2 / 13, abs=1e-4)
    with pytest.raises(ValueError, match="held-out voice"):
        measure(clips, "test-asr", ["a"], [])


def test_the_data_file_round_trips_and_a_missing_or_corrupt_one_is_a_clear_error(tmp_path: Path) -> None:
    m = measure([_clip("a", "turn on the kitchen light", "turn on the kitten light")], "x", ["b"], ["clean"])
    path = tmp_path / "confusions.json"
    m.save(path)
    assert confusions.load(path) == m
    with pytest.raises(ConfigError, match="no measured ASR confusions") as err:
        confusions.load(tmp_path / "absent.json")
    assert "asr_confusions --write" in (err.value.hint or "")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match="cannot read"):
        confusions.load(bad)
    doc = json.loads(path.read_text())
    del doc["words"]
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps(doc))
    with pytest.raises(ConfigError, match="malformed ASR confusions"):
        confusions.load(partial)
    doc = json.loads(path.read_text())
    doc["phrases"]["kitchen light"][1] = 9  # more right than said
    partial.write_text(json.dumps(doc))
    with pytest.raises(ConfigError, match="malformed"):
        confusions.load(partial)


def test_the_committed_confusions_were_measured_on_other_voices_than_the_held_out_ones() -> None:
    m = confusions.load()
    assert m.clips >= 300 and m.voices and m.heldout_voices
    assert not set(m.voices) & set(m.heldout_voices)
    assert 0.05 < m.wer < 0.6 and m.phrases and m.words
    assert all(o.ok <= o.n for o in m.words.values())


def _table(rate: float, again: float, same: float) -> Confusions:
    n, words = 1000, ("turn", "on", "the")
    ok = round(n * (1 - rate))
    alts = {"kitten light": (n - ok) // 2, "chicken light": (n - ok) - (n - ok) // 2}
    cons = Consistency(again, same, rate, 100)
    return Confusions(
        "test", ("a",), ("b",), ("clean",), n, rate, rate, {"a": rate}, {w: Outcomes(n, n) for w in words},
        {"kitchen light": Outcomes(n, ok, alts)}, 0.0, {}, cons, Consistency(0.0, 0.0, 0.0, 0),
        (0.6,) * 11, (0.3,) * 11, 0.0,
    )  # fmt: skip


def test_speakers_mishear_a_phrase_at_its_measured_rate_each_in_a_consistent_way_of_its_own() -> None:
    table = _table(0.3, again=0.75, same=0.8)
    names = frozenset({"kitchen light"})
    rng = random.Random(1)
    misheard = total = 0
    own_share: list[float] = []
    for k in range(400):
        ears = CalibratedASR.sample(random.Random(k), table, names)
        heard = [ears.hear("turn on the kitchen light", rng)[0] for _ in range(20)]
        wrong = [h for h in heard if h != "turn on the kitchen light"]
        misheard += len(wrong)
        total += len(heard)
        if len(wrong) >= 2:
            top = max(set(wrong), key=wrong.count)
            own_share.append(wrong.count(top) / len(wrong))
        assert all(h.startswith("turn on the ") for h in heard)  # carrier words are heard right (n=1000, ok)
    assert misheard / total == pytest.approx(0.3, abs=0.04)
    assert sum(own_share) / len(own_share) > 0.8  # the speaker's own mishearing dominates (same 0.8 + chance)
    # without buckets (an older file) the confidence comes from the quantiles of right and wrong transcripts
    ears = CalibratedASR.sample(random.Random(0), table, names)
    assert ears.confidence("turn on the light", "turn on the light", rng) == pytest.approx(0.6)
    assert ears.confidence("turn on the light", "turn on the lite", rng) == pytest.approx(0.3)


def test_a_transcript_draws_the_confidence_measured_for_as_many_words_wrong() -> None:
    said = "turn on the kitchen light"
    clips = [
        Clip("a", tuple(said.split()), tuple(said.split()), (), 0.9),
        Clip("a", tuple(said.split()), ("turn", "on", "the", "kitten", "light"), (), 0.7),  # WER 0.2
        Clip("a", tuple(said.split()), ("turn", "the", "kitten", "like"), (), 0.55),  # 0.6
        Clip("a", tuple(said.split()), ("so", "im", "each"), (), 0.4),  # 1.0
        Clip("a", tuple(said.split()), (), (), 0.33, rejected=True),
    ]
    m = measure(clips, "x", ["b"], ["clean"])
    assert [u for u, _ in m.confidence_by_wer] == [0.0, 0.2, 0.7, 1.0]  # no clip in (0.2, 0.4]: no bucket
    assert m.confidence_quantiles(0.0) == (0.9,) * 11
    assert m.confidence_quantiles(0.1) == (0.7,) * 11
    assert m.confidence_quantiles(0.3) == m.confidence_quantiles(0.5) == (0.55,) * 11
    assert m.confidence_quantiles(1.5) == (0.4,) * 11  # insertions past 1.0: the last bucket
    assert m.confidence_quantiles(1.0, rejected=True) == (0.33,) * 11
    assert Confusions.from_json(m.to_json()) == m
    rng = random.Random(2)
    ears = CalibratedASR(m, "s")
    assert ears.confidence(said, said, rng) == pytest.approx(0.9)
    assert ears.confidence(said, "turn on the kitten lite", rng) == pytest.approx(0.55)
    assert ears.confidence(said, "", rng) == pytest.approx(0.33)
    # an older file (no buckets) still loads and falls back to right / wrong
    old = {k: v for k, v in m.to_json().items() if k not in ("confidence_by_wer", "confidence_rejected")}
    assert Confusions.from_json(old).confidence_quantiles(0.6) == m.confidence_wrong


def test_the_committed_confidence_falls_as_more_words_are_wrong() -> None:
    m = confusions.load()
    medians = [q[5] for _, q in m.confidence_by_wer]
    assert len(medians) == 5 and medians == sorted(medians, reverse=True)
    assert m.confidence_rejected and m.confidence_rejected[5] < medians[-1]


def test_a_harder_voice_mishears_more_and_an_unseen_word_backs_off_to_rare_words() -> None:
    table = _table(0.2, again=0.6, same=0.9)
    names = frozenset({"kitchen light"})
    rng = random.Random(3)

    def rate(severity: float) -> float:
        wrong = 0
        for k in range(300):
            ears = replace(CalibratedASR.sample(random.Random(k), table, names), severity=severity)
            wrong += sum(ears.hear("kitchen light", rng)[1] for _ in range(10))
        return wrong / 3000

    assert rate(2.0) == pytest.approx(0.4, abs=0.05) and rate(0.5) == pytest.approx(0.1, abs=0.03)
    # "zebra" was never measured: the rare words' rate (none here: the mean WER), letter-level slips
    ears = replace(CalibratedASR.sample(random.Random(5), replace(table, wer=1.0), names), severity=1.0)
    heard = {ears.hear("zebra", rng)[0] for _ in range(50)}
    assert heard - {"zebra"}
