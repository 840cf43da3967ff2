"""Clause pieces for piper (edge/dialog/chunks.py): where a sentence's phonemes are cut, and that nothing is
lost or reordered."""

from __future__ import annotations

import pytest

from edge.dialog.chunks import WORD_BREAK, clause_chunks

# piper's phonemes for "Okay, the kitchen light is on, and the bedroom lamp is at fifty percent."
ANSWER = list("oʊkˈeɪ, ðə kˈɪtʃən lˈaɪt ɪz ˈɔn, ænd ðə bˈɛdɹuːm lˈæmp ɪz æt fˈɪfti pɚsˈɛnt.")


def _words(pieces: list[list[str]]) -> list[str]:
    return "".join(WORD_BREAK.join("".join(p) for p in pieces)).split()


def test_cut_after_each_clause_break_which_stays_with_its_clause() -> None:
    pieces = clause_chunks(ANSWER)
    assert ["".join(p) for p in pieces] == [
        "oʊkˈeɪ,",
        "ðə kˈɪtʃən lˈaɪt ɪz ˈɔn,",
        "ænd ðə bˈɛdɹuːm lˈæmp ɪz æt fˈɪfti pɚsˈɛnt.",
    ]
    assert _words(pieces) == "".join(ANSWER).split()  # joined with a word boundary: the sentence


def test_semicolons_and_colons_are_clause_breaks_too() -> None:
    pieces = clause_chunks(list("wˈʌn: ðə lˈaɪt; ðə fˈæn"))
    assert ["".join(p) for p in pieces] == ["wˈʌn:", "ðə lˈaɪt;", "ðə fˈæn"]


def test_a_sentence_without_a_break_within_the_cap_is_one_piece() -> None:
    sentence = list("ðə kˈɪtʃən lˈaɪt ɪz ˈɔn.")
    assert clause_chunks(sentence) == [sentence]


def test_a_long_clause_is_cut_at_its_last_word_boundary_within_the_cap() -> None:
    clause = list("aa bb cc dd ee")  # 14 phonemes, word boundaries at 2, 5, 8, 11
    pieces = clause_chunks(clause, max_phonemes=9)
    assert ["".join(p) for p in pieces] == ["aa bb cc", "dd ee"]
    assert all(len(p) <= 9 for p in pieces)
    assert _words(pieces) == "".join(clause).split()
    assert ["".join(p) for p in clause_chunks(clause, max_phonemes=5)] == ["aa bb", "cc dd", "ee"]


def test_a_word_longer_than_the_cap_stays_whole() -> None:
    pieces = clause_chunks(list("abcdefgh ij"), max_phonemes=3)
    assert ["".join(p) for p in pieces] == ["abcdefgh", "ij"]


def test_word_boundaries_at_the_edges_and_empty_clauses_are_dropped() -> None:
    assert clause_chunks(list("  ,, ab ,  ")) == [[","], [","], ["a", "b", " ", ","]]
    assert clause_chunks([]) == []
    assert clause_chunks(list("   ")) == []


def test_a_cap_below_one_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="max_phonemes must be at least 1"):
        clause_chunks(ANSWER, max_phonemes=0)
