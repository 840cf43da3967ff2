"""Blind set 3 of rephrase dialogue pairs: it parses as the bench reads it, apart from the dev set."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from edge.lab.bench._rephrase_set import OUTCOMES, read_pairs

DATA = Path(__file__).parent / "data"
BLIND3 = DATA / "rephrase_dialogues_blind3.psv"


def _rows(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return sum(1 for line in lines if line.strip() and not line.startswith("#"))


def test_every_row_parses_with_a_known_outcome_and_label() -> None:
    pairs = read_pairs(BLIND3)
    assert len(pairs) == _rows(BLIND3)
    assert len(pairs) >= 200
    assert {p.outcome for p in pairs} == OUTCOMES
    assert {p.label for p in pairs} == {True, False}
    for p in pairs:
        assert p.mode and p.first and p.next and p.response, p
        assert p.gap_s > 0, p


def test_labels_are_balanced_as_households_make_them() -> None:
    pairs = read_pairs(BLIND3)
    share = sum(p.label for p in pairs) / len(pairs)
    assert 0.40 <= share <= 0.50
    by_mode: dict[str, set[bool]] = {}
    for p in pairs:
        by_mode.setdefault(p.mode, set()).add(p.label)
    assert all(len(labels) == 1 for labels in by_mode.values()), by_mode  # a mode names one kind
    assert len(by_mode) >= 15


def test_no_pair_repeats_within_the_set_or_from_the_dev_set() -> None:
    pairs = read_pairs(BLIND3)
    keys = Counter((p.first, p.next) for p in pairs)
    assert [k for k, n in keys.items() if n > 1] == []
    dev = {(p.first, p.outcome, p.next) for p in read_pairs(DATA / "rephrase_dialogues.psv")}
    assert [p for p in pairs if (p.first, p.outcome, p.next) in dev] == []
    assert [p for p in pairs if (p.first, p.next) in {(f, n) for f, _, n in dev}] == []


def test_a_malformed_row_names_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.psv"
    bad.write_text(
        BLIND3.read_text(encoding="utf-8") + "oops | turn on the lamp | maybe | OK. | 2 | | x | 1\n"
    )
    with pytest.raises(ValueError, match=r"bad\.psv:\d+:"):
        read_pairs(bad)
