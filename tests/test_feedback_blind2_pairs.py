"""The second blind dialogue set (tests/data/rephrase_dialogues_blind2.psv) is well formed: every line parses
as the bench reads pairs, outcomes and labels are the known ones, it is large enough and mixed enough to
measure on, it shares no pair with the development set, and what the device said fits the family home."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from edge.context.homes import load_home
from edge.lab.bench._rephrase_set import OUTCOMES, Pair, read_pairs

ROOT = Path(__file__).resolve().parent.parent
BLIND2 = ROOT / "tests" / "data" / "rephrase_dialogues_blind2.psv"
DEV = ROOT / "tests" / "data" / "rephrase_dialogues.psv"
FAMILY = ROOT / "devices" / "homes" / "family.toml"
MIN_PAIRS = 150
UNREACHABLE = re.compile(r"^I couldn't reach the (.+)\.$|^The (.+) (?:is|are) unavailable right now\.$")
UNKNOWN = re.compile(r"^I don't know a device called (.+)\.$")


@pytest.fixture(scope="module")
def pairs() -> list[Pair]:
    return read_pairs(BLIND2)


def test_every_line_is_a_pair(pairs: list[Pair]) -> None:
    lines = [
        ln for ln in BLIND2.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")
    ]
    assert len(pairs) == len(lines) >= MIN_PAIRS
    assert all(ln.rstrip().endswith(("| 0", "| 1")) for ln in lines)
    assert all(p.outcome in OUTCOMES for p in pairs)
    assert all(p.mode and p.first and p.response and p.next for p in pairs)
    assert all(0 < p.gap_s <= 4 * 3600 for p in pairs)


def test_header_says_what_it_is() -> None:
    header = " ".join(ln for ln in BLIND2.read_text(encoding="utf-8").splitlines() if ln.startswith("#"))
    for words in ("Hand-written for this project", "Blind set 2", "never tuned on"):
        assert words.lower() in header.lower()


def test_labels_and_outcomes_are_mixed(pairs: list[Pair]) -> None:
    share = sum(p.label for p in pairs) / len(pairs)
    assert 0.40 <= share <= 0.50, f"label 1 on {share:.0%} of the pairs"
    outcomes = Counter(p.outcome for p in pairs)
    assert set(outcomes) == OUTCOMES
    assert min(outcomes.values()) >= 10


def test_no_pair_repeats_or_comes_from_the_development_set(pairs: list[Pair]) -> None:
    keys = Counter((p.first, p.next) for p in pairs)
    assert [k for k, n in keys.items() if n > 1] == []
    dev = {(p.first, p.next) for p in read_pairs(DEV)}
    assert [k for k in keys if k in dev] == []
    dev_rows = set(read_pairs(DEV))
    assert [p for p in pairs if p in dev_rows] == []


def test_responses_fit_the_family_home(pairs: list[Pair]) -> None:
    home = load_home(FAMILY)
    names = {d.name.lower() for d in home.devices.values()}
    known = names | {a.lower() for d in home.devices.values() for a in d.aliases}
    unreachable = [m for p in pairs if (m := UNREACHABLE.match(p.response))]
    assert len(unreachable) >= 10
    assert [m.group(0) for m in unreachable if (m.group(1) or m.group(2)) not in names] == []
    unknown = [m.group(1) for p in pairs if (m := UNKNOWN.match(p.response))]
    assert unknown
    assert [name for name in unknown if name in known] == []
    errors = [p for p in pairs if p.outcome == "device_error"]
    assert all(UNREACHABLE.match(p.response) or p.response.startswith("Sorry") for p in errors)
