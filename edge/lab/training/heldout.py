"""The sentences training must never contain: every evaluation sentence we have, as model tokens.

HWU64's held-out half, Home Assistant's English tests (``ha-intents/tests_en*.jsonl``) and the project's
evaluation sets under ``tests/data`` (own dev/blind, questions, context, and the first request of every
rephrase dialogue pair, ``rephrase_dialogues*.psv``: the request the device missed, which the model's own
reading is measured on; the next request is the ordinary command it is compared with).
:func:`drop_heldout` removes a generated example whose tokens equal one of them, so that a family written for
a category of phrasing can never carry an evaluation sentence word for word into the model.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from edge.config import project_root
from edge.lab.training.examples import Example
from edge.lab.training.hwu64 import read_hwu64
from edge.lang import model_tokens

__all__ = ["DEDUPE_KEEP", "dedupe_heldout", "drop_heldout", "heldout_sentences"]

DEDUPE_KEEP = 4
"""Copies of each reading of an evaluation sentence the household data keeps (``dedupe_heldout``)."""

_OWN_SETS = ("nlu_dev_eval.tsv", "nlu_blind_eval.tsv")
_OWN_JSONL = (
    "questions_eval.jsonl", "questions_blind.jsonl", "context_eval.jsonl", "context_blind.jsonl",
    "context_eval2.jsonl", "context_blind2.jsonl", "catalogue_dev.jsonl", "catalogue_blind.jsonl",
    "household_ninth_blind.jsonl",
)  # fmt: skip


def _key(text: str) -> str:
    return " ".join(model_tokens(text, decimals=False))  # as the training data's tokens are


def _jsonl_texts(path: Path) -> Iterable[str]:
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        for field in ("text", "sentence"):
            if isinstance(row.get(field), str):
                yield row[field]


def _psv_requests(path: Path) -> Iterable[str]:
    """The first request of each dialogue pair (``mode | first request | ... | next request | label``)."""
    for line in path.read_text("utf-8").splitlines():
        fields = [f.strip() for f in line.split("|")]
        if not line.startswith("#") and len(fields) >= 8:
            yield fields[1]


def heldout_sentences(shared: Path | None) -> frozenset[str]:
    """Model-token keys of every evaluation sentence found (those not found are simply not guarded)."""
    texts: list[str] = []
    if shared is not None and (shared / "hwu64" / "hwu64.csv").is_file():
        texts.extend(r.text for r in read_hwu64(shared) if r.held_out)
    if shared is not None and (shared / "ha-intents").is_dir():
        for path in sorted((shared / "ha-intents").glob("tests_en*.jsonl")):
            texts.extend(_jsonl_texts(path))
    data = project_root() / "tests" / "data"
    for name in _OWN_SETS:
        if (data / name).is_file():
            lines = (data / name).read_text("utf-8").splitlines()
            texts.extend(
                line.split("\t", 1)[1] for line in lines if "\t" in line and not line.startswith("#")
            )
    for name in _OWN_JSONL:
        if (data / name).is_file():
            texts.extend(_jsonl_texts(data / name))
    for path in sorted(data.glob("rephrase_dialogues*.psv")):
        texts.extend(_psv_requests(path))
    return frozenset(key for text in texts if (key := _key(text)))


def drop_heldout(examples: list[Example], heldout: frozenset[str], family: str) -> list[Example]:
    """``examples`` without those whose tokens are an evaluation sentence (the count goes to stderr)."""
    return dedupe_heldout(examples, heldout, family, keep=0)


def dedupe_heldout(
    examples: list[Example], heldout: frozenset[str], family: str, keep: int = 1
) -> list[Example]:
    """``examples`` with at most ``keep`` copies of each reading (tokens, intent, focus, media class) of an
    evaluation sentence instead of many (``keep=0``: none; the count dropped goes to stderr): a family whose
    short command *is* how people say it ("turn it off", "undo what you just did") keeps teaching it, without
    weighting the evaluation's own words. One copy is too few where a family has few templates (its sentence
    then weighs less than its unseen siblings'), so the household data keeps ``DEDUPE_KEEP``."""
    seen: Counter[tuple[str, ...]] = Counter()
    kept: list[Example] = []
    for ex in examples:
        text = " ".join(ex.tokens)
        if text in heldout:
            key = (text, ex.intent, ex.focus, ex.media_class)
            if seen[key] >= keep:
                continue
            seen[key] += 1
        kept.append(ex)
    if len(kept) != len(examples):
        what = "generated example(s) equal an" if keep == 0 else "repeated example(s) of an"
        dropped = len(examples) - len(kept)
        print(f"family {family}: {dropped} {what} evaluation sentence, left out", file=sys.stderr, flush=True)
    return kept
