"""What the wake word learned, on disk: the embedding windows it heard and the learned state per word.

``<state_dir>/wake/`` holds (all files 0600, never audio):

- ``heard.jsonl``: the evidence log, one line per window the detector reported (:class:`Heard`: a wake, a
  near miss, a rejected candidate, or the most wake-like window of a quiet minute), the embedding window in
  float16. Appended by the listener's thread; kept to the last ``limit`` lines (rewritten when it holds
  twice as many); a line that cannot be read is skipped, with one log line for the file.
- ``learned.json``: per word its :class:`~edge.wake.adapt.WakeThreshold` (every move logged) and whether a
  verifier is on, with ``verifier-<word>.npz`` the verifier's parameters.

A missing file is the default (nothing learned); a corrupt one is one clear log line and the default.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from edge.config import Settings
from edge.wake.adapt import WakeThreshold
from edge.wake.verifier import Verifier

__all__ = [
    "EVIDENCE_LIMIT",
    "HEARD",
    "Heard",
    "HeardKind",
    "LearnedWord",
    "WakeEvidenceLog",
    "WakeState",
    "wake_dir",
]

log = logging.getLogger(__name__)

EVIDENCE_LIMIT = 2000  # windows kept (about 6 MB at 16 x 96 float16 in base64)
LEARNED = "learned.json"
HEARD = "heard.jsonl"


class HeardKind(StrEnum):
    WAKE = "wake"  # a detection (its turn says whether it was confirmed or false)
    NEAR = "near"  # a peak under the threshold by at most NEAR_BAND (or a candidate the verifier refused)
    QUIET = "quiet"  # the most wake-like window of a minute with no wake: a generic negative


@dataclass(frozen=True, slots=True)
class Heard:
    """One embedding window the detector reported; ``t`` wall-clock seconds; ``turn_id`` of a wake."""

    t: float
    word: str
    score: float
    kind: HeardKind
    features: npt.NDArray[np.float32] = field(repr=False)
    turn_id: str = ""

    def to_line(self) -> str:
        blob = base64.b64encode(np.asarray(self.features, dtype=np.float16).tobytes()).decode("ascii")
        return json.dumps(
            {"t": round(self.t, 3), "word": self.word, "score": round(self.score, 4), "kind": self.kind.value,
             "turn_id": self.turn_id, "shape": list(self.features.shape), "f": blob}
        )  # fmt: skip

    @classmethod
    def from_line(cls, line: str) -> Heard:
        raw = json.loads(line)
        shape = tuple(int(n) for n in raw["shape"])
        data = np.frombuffer(base64.b64decode(raw["f"]), dtype=np.float16).astype(np.float32)
        return cls(float(raw["t"]), str(raw["word"]), float(raw["score"]), HeardKind(raw["kind"]),
                   data.reshape(shape), str(raw.get("turn_id", "")))  # fmt: skip


def wake_dir(settings: Settings) -> Path:
    return Path(settings.paths.state_dir) / "wake"


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (0600) through a temporary file, so a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    tmp.replace(path)


class WakeEvidenceLog:
    """The bounded, append-only log of heard windows (``heard.jsonl``); safe to append from one thread
    while another reads."""

    def __init__(self, folder: Path, limit: int = EVIDENCE_LIMIT) -> None:
        self.path = folder / HEARD
        self.limit = limit
        self._lock = threading.Lock()
        self._lines = -1  # unknown until counted

    def append(self, items: Iterable[Heard]) -> None:
        """Add windows (one write); an unwritable folder is one log line, never an error on the voice path."""
        text = "".join(h.to_line() + "\n" for h in items)
        if not text:
            return
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                with os.fdopen(fd, "a", encoding="utf-8") as out:
                    out.write(text)
                if self._lines < 0:
                    with self.path.open(encoding="utf-8") as lines:
                        self._lines = sum(1 for _ in lines)
                else:
                    self._lines += text.count("\n")
                if self._lines > 2 * self.limit:
                    kept = self.path.read_text(encoding="utf-8").splitlines()[-self.limit :]
                    _write_private(self.path, "".join(line + "\n" for line in kept))
                    self._lines = len(kept)
            except OSError as err:
                log.warning(
                    "wake evidence not kept: cannot write %s (%s); check paths.state_dir", self.path, err
                )

    def read(self) -> list[Heard]:
        """The last ``limit`` windows; unreadable lines are skipped (one log line names the file)."""
        with self._lock:
            try:
                lines = self.path.read_text(encoding="utf-8").splitlines()[-self.limit :]
            except FileNotFoundError:
                return []
            except (OSError, UnicodeDecodeError) as err:
                log.error(
                    "wake evidence %s cannot be read (%s): starting from none; delete it to reset",
                    self.path,
                    err,
                )
                return []
        out: list[Heard] = []
        bad = 0
        for line in lines:
            try:
                out.append(Heard.from_line(line))
            except (ValueError, KeyError, TypeError):
                bad += 1
        if bad:
            log.error(
                "wake evidence %s: %d unreadable lines skipped (delete the file to start afresh)",
                self.path,
                bad,
            )
        return out


@dataclass(frozen=True, slots=True)
class LearnedWord:
    """One word's learned decision: its threshold, and with a verifier the lower score floor under which
    no candidate goes to the verifier."""

    threshold: WakeThreshold
    verifier: Verifier | None = None
    floor: float = 0.0

    @property
    def candidate(self) -> float:
        """The score at which the detector considers a wake: the floor with a verifier, else the threshold."""
        return self.floor if self.verifier is not None else self.threshold.threshold

    def accepts(self, score: float, window: Callable[[], Any]) -> bool:
        """A wake: a candidate score, and the verifier (when there is one) accepts its embedding window
        (``window`` is called only then, so a frame with a low score costs one comparison)."""
        if score < self.candidate:
            return False
        return self.verifier is None or self.verifier.accept(window())


@dataclass(frozen=True, slots=True)
class WakeState:
    """Every word's learned state (empty: the configured thresholds, no verifier)."""

    words: Mapping[str, LearnedWord] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> WakeState:
        path = folder / LEARNED
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as err:
            log.error("learned wake state %s cannot be read (%s): using the configured thresholds; "
                      "run `edge wake --revert` or delete it", path, err)  # fmt: skip
            return cls()
        words: dict[str, LearnedWord] = {}
        for word, entry in (raw.get("words") or {}).items() if isinstance(raw, dict) else ():
            try:
                words[word] = _learned(folder, word, entry)
            except (OSError, ValueError, KeyError, TypeError) as err:
                log.error("learned wake state for %s in %s is unreadable (%s): that word uses its configured "
                          "threshold; run `edge wake --revert`", word, folder, err)  # fmt: skip
        return cls(words)

    def save(self, folder: Path) -> None:
        words: dict[str, Any] = {}
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for word, learned in self.words.items():
            if learned.verifier is not None:
                fd = os.open(folder / f"verifier-{word}.npz", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as out:
                    np.savez(out, **learned.verifier.arrays())
            words[word] = {"threshold": json.loads(learned.threshold.to_json()),
                           "verifier": learned.verifier is not None, "floor": learned.floor}  # fmt: skip
        _write_private(folder / LEARNED, json.dumps({"words": words}, indent=1))


def _learned(folder: Path, word: str, entry: Mapping[str, Any]) -> LearnedWord:
    threshold = WakeThreshold.from_json(json.dumps(entry["threshold"]))
    if not 0.0 < threshold.threshold < 1.0:
        raise ValueError(f"threshold {threshold.threshold} is not between 0 and 1")
    if not entry.get("verifier"):
        return LearnedWord(threshold)
    with np.load(folder / f"verifier-{word}.npz") as arrays:
        verifier = Verifier.from_arrays(word, arrays)
    floor = float(entry["floor"])
    if not 0.0 < floor <= threshold.threshold:
        raise ValueError(f"verifier floor {floor} is not in (0, {threshold.threshold}]")
    return LearnedWord(threshold, verifier, floor)
