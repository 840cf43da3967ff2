"""What the household's learned prompt does to the recognizer's mishearings (issue 18, ``learning.prompt``),
measured, for the calibrated ASR-error model (:mod:`edge.lab.sim.confusions_model`).

The confusions (``confusions.json``) were measured with the fixed prompt (command words, the home's names
and areas). The device's Whisper hears with the household's own successful requests before that list
(:mod:`edge.learning.vocabulary`), and mishears less, most of all in what those requests say. Measured on
the same clips transcribed with both prompts (``python -m edge.lab.bench._prompt_effect --write``, which
writes ``prompt_effect.json`` next to this module): per kind of item (a name phrase or a word outside one)
and whether the item occurs in one of the home's learned requests, the misheard rate with the learned
prompt over the rate with the fixed one. The model multiplies an item's measured error rate by that
ratio while the home has a learned prompt. Pure apart from the file."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from edge.errors import ConfigError
from edge.lab.sim.confusions import find_phrases
from edge.lab.sim.confusions_align import align, phrase_heard
from edge.lang import asr_text, numbers_to_digits

__all__ = ["DEFAULT_PATH", "KINDS", "NO_PROMPT", "Learned", "PairedClip", "PromptEffect", "load", "measure"]

DEFAULT_PATH = Path(__file__).with_name("prompt_effect.json")
KINDS = ("names_in", "names_out", "words_in", "words_out")
_HINT = (
    "regenerate it: python -m edge.lab.bench._prompt_effect --write (needs espeak-ng and the Whisper model)"
)


@dataclass(frozen=True, slots=True)
class Learned:
    """A home's learned prompt as the model reads it: its requests' words, normalized, one string each."""

    requests: tuple[str, ...] = ()

    @classmethod
    def of(cls, requests: Iterable[Sequence[str]]) -> Learned:
        """From requests already split into normalized words."""
        return cls(tuple(f" {' '.join(r)} " for r in requests if r))

    @classmethod
    def of_texts(cls, requests: Iterable[str]) -> Learned:
        """From the prompt's requests as the recognizer spelled them (lower case, no punctuation, digits)."""
        return cls.of(numbers_to_digits(asr_text(q.replace("%", " percent")).split()) for q in requests)

    def __bool__(self) -> bool:
        return bool(self.requests)

    def has(self, item: str) -> bool:
        """Whether the word or phrase ``item`` is said, whole, in one of the learned requests."""
        needle = f" {item} "
        return any(needle in r for r in self.requests)


NO_PROMPT = Learned()
"""The fixed prompt alone: no household requests before it."""


@dataclass(frozen=True, slots=True)
class PairedClip:
    """One clip heard twice: with the fixed prompt and with the home's learned requests before it."""

    said: tuple[str, ...]
    heard_fixed: tuple[str, ...]
    heard_learned: tuple[str, ...]
    names: tuple[str, ...]
    learned: Learned


@dataclass(frozen=True, slots=True)
class PromptEffect:
    """``ratios`` per kind (:data:`KINDS`): misheard with the learned prompt / misheard with the fixed one;
    ``counts`` per kind: (items, misheard with the fixed prompt, misheard with the learned one)."""

    ratios: Mapping[str, float]
    counts: Mapping[str, tuple[int, int, int]]
    clips: int
    source: str = ""

    def factor(self, item: str, *, phrase: bool, learned: Learned) -> float:
        """The multiplier of ``item``'s error rate while the home's prompt holds ``learned`` (1: none)."""
        if not learned:
            return 1.0
        kind = f"{'names' if phrase else 'words'}_{'in' if learned.has(item) else 'out'}"
        return self.ratios.get(kind, 1.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "source": self.source,
            "clips": self.clips,
            "ratios": {k: round(v, 4) for k, v in self.ratios.items()},
            "counts": {k: list(v) for k, v in self.counts.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PromptEffect:
        ratios = {str(k): float(v) for k, v in data["ratios"].items()}
        unknown = set(ratios) - set(KINDS)
        if unknown or any(not 0.0 <= v <= 4.0 for v in ratios.values()):
            raise ValueError(f"ratios must be of {', '.join(KINDS)} within 0..4, got {ratios}")
        counts = {str(k): (int(v[0]), int(v[1]), int(v[2])) for k, v in data["counts"].items()}
        return cls(ratios, counts, int(data["clips"]), str(data.get("source", "")))

    def save(self, path: Path = DEFAULT_PATH) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n")


def _items(said: Sequence[str], heard: Sequence[str], names: Sequence[str]) -> list[tuple[str, bool, bool]]:
    """Every name phrase and every word outside one in ``said``: (item, is a phrase, heard right)."""
    edits = align(said, heard)
    out: list[tuple[str, bool, bool]] = []
    inside: set[int] = set()
    for start, name in find_phrases(said, names):
        k = len(name.split())
        inside.update(range(start, start + k))
        out.append((name, True, phrase_heard(edits, start, k) == name))
    for e in edits:
        if e.ref and e.i not in inside:
            out.append((e.ref, False, e.kind == "ok"))
    return out


def measure(clips: Sequence[PairedClip], source: str = "", prior: float = 2.0) -> PromptEffect:
    """The ratios over ``clips``, each shrunk towards 1 by ``prior`` misheard items (a kind with few
    mishearings stays near 1 rather than swing on a handful)."""
    tally = {k: [0, 0, 0] for k in KINDS}
    for clip in clips:
        fixed = _items(clip.said, clip.heard_fixed, clip.names)
        own = _items(clip.said, clip.heard_learned, clip.names)
        for (item, phrase, ok_fixed), (_, _, ok_own) in zip(fixed, own, strict=True):
            kind = f"{'names' if phrase else 'words'}_{'in' if clip.learned.has(item) else 'out'}"
            t = tally[kind]
            t[0] += 1
            t[1] += not ok_fixed
            t[2] += not ok_own
    ratios = {k: (t[2] + prior) / (t[1] + prior) if t[1] + prior else 1.0 for k, t in tally.items()}
    return PromptEffect(ratios, {k: (t[0], t[1], t[2]) for k, t in tally.items()}, len(clips), source)


def load(path: Path = DEFAULT_PATH) -> PromptEffect | None:
    """The measured effect; None when the file is absent (the model then hears as with the fixed prompt);
    ``ConfigError`` naming the file when it is corrupt."""
    return _load(path.resolve())


@lru_cache(maxsize=4)
def _load(path: Path) -> PromptEffect | None:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise ConfigError(f"cannot read the prompt's measured effect {path}: {err}", hint=_HINT) from None
    try:
        return PromptEffect.from_json(data)
    except (KeyError, TypeError, ValueError, IndexError) as err:
        raise ConfigError(f"malformed prompt effect {path}: {type(err).__name__} {err}", hint=_HINT) from None
