"""The real recognizer's measured confusions (``confusions.json`` next to this module, written by
``edge bench asr_confusions --write``): per word and per name phrase (device, room, artist, nickname) how
often it is heard right, as what else, or dropped; inserted words; how consistent one voice's mishearing
of a phrase is across sentences, speeds and noise; the confidence the recognizer gives right and wrong
transcripts, per bucket of the transcript's word error rate (a garbled request comes with less than one
slipped word) and of background noise alone (a false wake). :func:`measure` builds it from aligned clips;
:func:`load` reads it (a clear error when it is missing or corrupt). Pure apart from the file."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from edge.errors import ConfigError
from edge.lab.sim.confusions_align import align, phrase_heard

__all__ = [
    "CONFIDENCE_WER_BINS",
    "DEFAULT_PATH",
    "Clip",
    "Confusions",
    "Consistency",
    "Outcomes",
    "find_phrases",
    "load",
    "measure",
    "quantiles",
]

DEFAULT_PATH = Path(__file__).with_name("confusions.json")
# upper word error rates of the confidence buckets (0: heard word for word; the last takes everything above)
CONFIDENCE_WER_BINS = (0.0, 0.2, 0.4, 0.7, 1.0)
_HINT = "regenerate it: edge bench asr_confusions --write (needs espeak-ng, sox and the Whisper model)"


@dataclass(frozen=True, slots=True)
class Clip:
    """One transcribed clip: normalized words said and heard, the name phrases of its home."""

    voice: str
    said: tuple[str, ...]
    heard: tuple[str, ...]
    names: tuple[str, ...] = ()
    confidence: float = 0.0
    rejected: bool = False


@dataclass(frozen=True, slots=True)
class Outcomes:
    """How one word or phrase was heard: ``n`` times said, ``ok`` heard right, ``alts`` heard as
    (``""``: dropped)."""

    n: int
    ok: int
    alts: Mapping[str, int] = field(default_factory=dict)

    @property
    def error_rate(self) -> float:
        return 1.0 - self.ok / self.n if self.n else 0.0


@dataclass(frozen=True, slots=True)
class Consistency:
    """Over pairs of clips of the same voice and phrase: ``again`` P(the second misheard | the first was),
    ``same`` P(misheard the same way | both misheard); ``other_voice_again`` the first for pairs of
    different voices (what consistency adds); ``pairs`` how many misheard-first pairs were counted."""

    again: float
    same: float
    other_voice_again: float
    pairs: int


@dataclass(frozen=True, slots=True)
class Confusions:
    recognizer: str
    voices: tuple[str, ...]  # the voices fitted on
    heldout_voices: tuple[str, ...]  # never fitted on
    conditions: tuple[str, ...]  # speeds and noise levels
    clips: int
    wer: float
    names_misheard: float
    voice_wer: Mapping[str, float]
    words: Mapping[str, Outcomes]
    phrases: Mapping[str, Outcomes]
    insertion_rate: float  # inserted words per word said
    insertions: Mapping[str, int]
    phrase_consistency: Consistency
    word_consistency: Consistency
    confidence_right: tuple[float, ...]  # quantiles 0, 0.1, .. 1
    confidence_wrong: tuple[float, ...]
    rejected: float
    clip_wer: tuple[float, ...] = ()  # quantiles 0, 0.05, .. 1 of one clip's word error rate
    # (upper word error rate, confidence quantiles 0, 0.1, .. 1) per CONFIDENCE_WER_BINS bucket; and of
    # transcripts rejected as no speech. Empty (an older file): right and wrong only
    confidence_by_wer: tuple[tuple[float, tuple[float, ...]], ...] = ()
    confidence_rejected: tuple[float, ...] = ()
    # quantiles of the confidence of what the recognizer made of background noise alone (a false wake):
    # mostly 0 (no speech), sometimes a rejected "Okay." with some
    confidence_noise: tuple[float, ...] = ()

    def confidence_quantiles(self, wer: float, rejected: bool = False) -> tuple[float, ...]:
        """The measured confidence quantiles of a transcript with word error rate ``wer`` (or rejected)."""
        if rejected and self.confidence_rejected:
            return self.confidence_rejected
        for upper, measured in self.confidence_by_wer:
            if wer <= upper:
                return measured
        if self.confidence_by_wer:
            return self.confidence_by_wer[-1][1]
        return self.confidence_wrong if wer > 0 or rejected else self.confidence_right

    def to_json(self) -> dict[str, Any]:
        def outs(table: Mapping[str, Outcomes]) -> dict[str, list[Any]]:
            return {k: [o.n, o.ok, dict(sorted(o.alts.items()))] for k, o in sorted(table.items())}

        def cons(c: Consistency) -> dict[str, float]:
            return {
                "again": c.again,
                "same": c.same,
                "other_voice_again": c.other_voice_again,
                "pairs": c.pairs,
            }

        return {
            "version": 1, "recognizer": self.recognizer, "voices": list(self.voices),
            "heldout_voices": list(self.heldout_voices), "conditions": list(self.conditions),
            "clips": self.clips, "wer": self.wer, "names_misheard": self.names_misheard,
            "voice_wer": dict(self.voice_wer), "rejected": self.rejected,
            "insertion_rate": self.insertion_rate, "insertions": dict(self.insertions),
            "phrase_consistency": cons(self.phrase_consistency),
            "word_consistency": cons(self.word_consistency),
            "confidence_right": list(self.confidence_right), "confidence_wrong": list(self.confidence_wrong),
            "clip_wer": list(self.clip_wer),
            "confidence_by_wer": [[u, list(q)] for u, q in self.confidence_by_wer],
            "confidence_rejected": list(self.confidence_rejected),
            "confidence_noise": list(self.confidence_noise), "phrases": outs(self.phrases),
            "words": outs(self.words),
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Confusions:
        """Raises ``KeyError``, ``TypeError`` or ``ValueError`` on a malformed document."""
        if data.get("version") != 1:
            raise ValueError(f"version {data.get('version')!r}, expected 1")

        def outs(raw: Mapping[str, Any]) -> dict[str, Outcomes]:
            table = {}
            for k, (n, ok, alts) in raw.items():
                if not 0 <= int(ok) <= int(n):
                    raise ValueError(f"{k!r}: {ok} right of {n}")
                table[str(k)] = Outcomes(int(n), int(ok), {str(a): int(c) for a, c in alts.items()})
            return table

        def cons(raw: Mapping[str, Any]) -> Consistency:
            return Consistency(
                float(raw["again"]), float(raw["same"]), float(raw["other_voice_again"]), int(raw["pairs"])
            )

        return cls(
            str(data["recognizer"]), tuple(data["voices"]), tuple(data["heldout_voices"]),
            tuple(data["conditions"]), int(data["clips"]), float(data["wer"]), float(data["names_misheard"]),
            {str(k): float(v) for k, v in data["voice_wer"].items()}, outs(data["words"]),
            outs(data["phrases"]), float(data["insertion_rate"]),
            {str(k): int(v) for k, v in data["insertions"].items()}, cons(data["phrase_consistency"]),
            cons(data["word_consistency"]), tuple(float(q) for q in data["confidence_right"]),
            tuple(float(q) for q in data["confidence_wrong"]), float(data["rejected"]),
            tuple(float(q) for q in data["clip_wer"]),
            tuple((float(u), tuple(float(x) for x in q)) for u, q in data.get("confidence_by_wer", ())),
            tuple(float(q) for q in data.get("confidence_rejected", ())),
            tuple(float(q) for q in data.get("confidence_noise", ())),
        )  # fmt: skip

    def save(self, path: Path = DEFAULT_PATH) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1, sort_keys=False) + "\n")


def load(path: Path = DEFAULT_PATH) -> Confusions:
    """The measured confusions; ``ConfigError`` naming the file and how to regenerate it."""
    return _load(path.resolve())


@lru_cache(maxsize=4)
def _load(path: Path) -> Confusions:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"no measured ASR confusions at {path}", hint=_HINT) from None
    except (OSError, ValueError) as err:
        raise ConfigError(f"cannot read the ASR confusions {path}: {err}", hint=_HINT) from None
    try:
        return Confusions.from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ConfigError(
            f"malformed ASR confusions {path}: {type(err).__name__} {err}", hint=_HINT
        ) from None


def find_phrases(said: Sequence[str], names: Iterable[str]) -> list[tuple[int, str]]:
    """Where the name phrases occur in ``said`` (start index, phrase): longest first, never overlapping."""
    taken = [False] * len(said)
    out: list[tuple[int, str]] = []
    for name in sorted({n for n in names if n.strip()}, key=lambda p: (-len(p.split()), p)):
        toks = name.split()
        k = len(toks)
        for i in range(len(said) - k + 1):
            if list(said[i : i + k]) == toks and not any(taken[i : i + k]):
                out.append((i, name))
                taken[i : i + k] = [True] * k
    return sorted(out)


def _consistency(groups: Mapping[tuple[str, str], Counter[str]], correct: Mapping[str, str]) -> Consistency:
    """Closed-form pair counts per (voice, item) group; the other-voice baseline from per-item totals."""
    first_wrong = again = both = same = 0
    items: dict[str, Counter[str]] = defaultdict(Counter)
    for (_, item), heard in groups.items():
        items[item].update(heard)
        n, w = sum(heard.values()), sum(c for h, c in heard.items() if h != correct[item])
        first_wrong += w * (n - 1)
        again += w * (w - 1)
        both += w * (w - 1)
        same += sum(c * (c - 1) for h, c in heard.items() if h != correct[item])
    x_first = x_again = 0  # all pairs of an item minus the same-voice pairs
    for item, heard in items.items():
        n, w = sum(heard.values()), sum(c for h, c in heard.items() if h != correct[item])
        x_first += w * (n - 1)
        x_again += w * (w - 1)
    x_first, x_again = x_first - first_wrong, x_again - again
    return Consistency(
        again / first_wrong if first_wrong else 0.0,
        same / both if both else 0.0,
        x_again / x_first if x_first else 0.0,
        first_wrong,
    )


def quantiles(values: list[float], steps: int = 10) -> tuple[float, ...]:
    if not values:
        return tuple(0.5 for _ in range(steps + 1))
    v = sorted(values)
    return tuple(round(v[min(len(v) - 1, round(q * (len(v) - 1) / steps))], 4) for q in range(steps + 1))


def measure(
    clips: Sequence[Clip], recognizer: str, heldout_voices: Sequence[str], conditions: Sequence[str]
) -> Confusions:
    """Count every word, phrase and insertion of ``clips`` (none of ``heldout_voices``)."""
    words: dict[str, Counter[str]] = defaultdict(Counter)
    phrases: dict[str, Counter[str]] = defaultdict(Counter)
    by_voice_phrase: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    by_voice_word: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    inserted: Counter[str] = Counter()
    voice_err: Counter[str] = Counter()
    voice_words: Counter[str] = Counter()
    right: list[float] = []
    wrong: list[float] = []
    by_wer: list[list[float]] = [[] for _ in CONFIDENCE_WER_BINS]
    lost_conf: list[float] = []
    clip_wer: list[float] = []
    n_words = errors = names = names_wrong = rejected = 0
    for clip in clips:
        if clip.voice in heldout_voices:
            raise ValueError(f"held-out voice {clip.voice!r} among the clips to fit")
        if clip.rejected:  # no speech: every word lost; the model rejects at this rate, apart from the tables
            rejected += 1
            n_words += len(clip.said)
            errors += len(clip.said)
            voice_err[clip.voice] += len(clip.said)
            voice_words[clip.voice] += len(clip.said)
            wrong.append(clip.confidence)
            lost_conf.append(clip.confidence)
            clip_wer.append(1.0)
            lost = len(find_phrases(clip.said, clip.names))
            names += lost
            names_wrong += lost
            continue
        edits = align(clip.said, clip.heard)
        inside: set[int] = set()
        for start, name in find_phrases(clip.said, clip.names):
            k = len(name.split())
            inside.update(range(start, start + k))
            heard = phrase_heard(edits, start, k)
            phrases[name][heard] += 1
            by_voice_phrase[(clip.voice, name)][heard] += 1
            names += 1
            names_wrong += heard != name
        for e in edits:
            if e.kind == "ins":
                inserted[e.hyp] += 1
                continue
            words[e.ref][e.hyp] += 1
            if e.i not in inside:
                by_voice_word[(clip.voice, e.ref)][e.hyp] += 1
        err = sum(e.kind != "ok" for e in edits)
        clip_wer.append(min(1.0, err / max(1, len(clip.said))))
        by_wer[_bin(clip_wer[-1])].append(clip.confidence)
        n_words += len(clip.said)
        errors += err
        voice_err[clip.voice] += err
        voice_words[clip.voice] += len(clip.said)
        (wrong if err else right).append(clip.confidence)
    mean_wer = errors / max(1, n_words)
    return Confusions(
        recognizer, tuple(sorted(voice_words)), tuple(heldout_voices), tuple(conditions), len(clips),
        round(mean_wer, 4), round(names_wrong / max(1, names), 4),
        {v: round(voice_err[v] / max(1, voice_words[v]), 4) for v in sorted(voice_words)},
        {w: _outcomes(w, c) for w, c in words.items()}, {p: _outcomes(p, c) for p, c in phrases.items()},
        round(sum(inserted.values()) / max(1, n_words), 5), dict(inserted.most_common(40)),
        _consistency(by_voice_phrase, {p: p for p in phrases}),
        _consistency(by_voice_word, {w: w for w in words}),
        quantiles(right), quantiles(wrong), round(rejected / max(1, len(clips)), 4),
        quantiles(clip_wer, 20),
        tuple((u, quantiles(c)) for u, c in zip(CONFIDENCE_WER_BINS, by_wer, strict=True) if c),
        quantiles(lost_conf) if lost_conf else (),
    )  # fmt: skip


def _bin(wer: float) -> int:
    """The CONFIDENCE_WER_BINS bucket of a transcript's word error rate."""
    return next((i for i, u in enumerate(CONFIDENCE_WER_BINS) if wer <= u), len(CONFIDENCE_WER_BINS) - 1)


def _outcomes(item: str, heard: Counter[str]) -> Outcomes:
    alts = {h: c for h, c in heard.most_common(12) if h != item}
    return Outcomes(sum(heard.values()), heard[item], alts)
