"""The wake word's nightly learning: threshold and household verifier from the turn log and heard windows.

Labels (pure, :func:`training_set`):

- a **wake** whose turn was understood (an intent, not "never mind") is a positive; a false wake (no
  speech, nothing said, a cancel) a negative; a wake whose request was not understood says nothing;
- a **near miss** (a peak just under the threshold, or a candidate the verifier refused) followed within
  ``AGAIN_S`` by a wake of the same word is a positive (the person said it again); without one, a window
  heard with no wake: a negative;
- a **quiet** window (the most wake-like of a minute with no wake) is a negative.

:func:`learn_wake` moves the threshold (``WakeThreshold.update`` on the same log) and, with at least
``MIN_POSITIVES`` positives and ``MIN_NEGATIVES`` negatives, fits the verifier; the detector then lets
candidates from the lower ``floor`` through to the verifier. Without enough evidence nothing changes.
:func:`update_wake` does it against the files (blocking: the idle learner runs it in a thread).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from edge.config import Settings
from edge.feedback.record import TurnRecord
from edge.feedback.signals import CANCEL_PHRASES
from edge.feedback.store import TurnQuery, TurnStore
from edge.lang import fold
from edge.learning.wake_evidence import observations_from_turns
from edge.wake.adapt import AGAIN_S, NearMiss, WakeThreshold
from edge.wake.store import Heard, HeardKind, LearnedWord, WakeEvidenceLog, WakeState, wake_dir
from edge.wake.verifier import fit_verifier

__all__ = ["VERIFIER_DROP", "VERIFIER_FLOOR", "TrainingSet", "learn_wake", "training_set", "update_wake"]

log = logging.getLogger(__name__)

VERIFIER_DROP = 0.4  # with a verifier, candidates from this far under the configured threshold are judged
VERIFIER_FLOOR = (
    0.1  # ... but never under this score (measured: docs/learning.md, `edge bench wake_learning`)
)


@dataclass(frozen=True, slots=True)
class TrainingSet:
    positives: npt.NDArray[np.float32]
    negatives: npt.NDArray[np.float32]


def _understood(turn: TurnRecord) -> bool | None:
    """True: a confirmed wake; False: a false wake; None: a request not understood (no label)."""
    said = fold(turn.asr_text or turn.text)
    if turn.no_speech or not said or said in CANCEL_PHRASES:
        return False
    return True if turn.intent else None


def training_set(word: str, heard: Sequence[Heard], turns: Sequence[TurnRecord]) -> TrainingSet:
    """The verifier's windows for ``word`` (see the module's labels)."""
    by_id = {t.turn_id: t for t in turns if t.wake_word == word}
    wakes = sorted(
        [t.t_start for t in by_id.values()]
        + [h.t for h in heard if h.word == word and h.kind is HeardKind.WAKE]
    )
    pos: list[npt.NDArray[np.float32]] = []
    neg: list[npt.NDArray[np.float32]] = []
    for h in heard:
        if h.word != word:
            continue
        if h.kind is HeardKind.WAKE:
            turn = by_id.get(h.turn_id)
            label = _understood(turn) if turn is not None else None
            if label is not None:
                (pos if label else neg).append(h.features)
        elif h.kind is HeardKind.NEAR:
            again = any(0.0 < t - h.t <= AGAIN_S for t in wakes)
            (pos if again else neg).append(h.features)
        else:
            neg.append(h.features)
    return TrainingSet(_stack(pos), _stack(neg))


def _stack(rows: list[npt.NDArray[np.float32]]) -> npt.NDArray[np.float32]:
    if not rows:
        return np.zeros((0, 0), dtype=np.float32)
    shape = rows[0].shape
    return np.stack([r.reshape(-1) for r in rows if r.shape == shape]).astype(np.float32)


def learn_wake(
    state: WakeState,
    configured: Mapping[str, float],
    heard: Sequence[Heard],
    turns: Sequence[TurnRecord],
    now: float,
) -> WakeState:
    """Every configured word's state after the evidence up to ``now``."""
    near = [NearMiss(h.t, h.word, h.score) for h in heard if h.kind is HeardKind.NEAR]
    words: dict[str, LearnedWord] = {}
    for word, base in configured.items():
        old = state.words.get(word) or LearnedWord(WakeThreshold(word, base))
        threshold = old.threshold if old.threshold.base == base else WakeThreshold(word, base)
        limits = {word: threshold.threshold}
        threshold = threshold.update(observations_from_turns(turns, near, limits), now)
        data = training_set(word, heard, turns)
        verifier = fit_verifier(word, data.positives, data.negatives) if data.positives.size else None
        if verifier is None:
            words[word] = LearnedWord(threshold)
            continue
        floor = round(max(VERIFIER_FLOOR, base - VERIFIER_DROP), 3)
        words[word] = LearnedWord(threshold, verifier, min(floor, threshold.threshold))
    return WakeState(words)


def update_wake(settings: Settings, db: Path | None = None) -> tuple[WakeState, str]:
    """Learn from the turn store and the heard windows, save the state, and say what changed."""
    folder = wake_dir(settings)
    configured = dict.fromkeys(settings.wake.words, settings.wake.threshold)
    heard = WakeEvidenceLog(folder).read()
    with TurnStore(db or Path(settings.feedback.db_path)) as store:
        turns = [s.record for s in store.turns(TurnQuery()) if s.record.wake_word]
    now = max([t.t_end for t in turns] + [h.t for h in heard], default=0.0)
    old = WakeState.load(folder)
    new = learn_wake(old, configured, heard, turns, now)
    folder.mkdir(parents=True, exist_ok=True)
    new.save(folder)
    return new, describe(new)


def describe(state: WakeState) -> str:
    """One line per word: threshold, its moves, and the verifier when there is one."""
    lines = []
    for word, learned in sorted(state.words.items()):
        t = learned.threshold
        line = f"{word}: threshold {t.threshold:.3f} (configured {t.base:.3f}, {len(t.moves)} moves)"
        if learned.verifier is not None:
            v = learned.verifier
            line += (
                f"; verifier on {v.positives} wakes / {v.negatives} other windows, "
                f"candidates from {learned.floor:.3f}"
            )
        lines.append(line)
    return "\n".join(lines) or "wake word: nothing learned"
