"""The opposite-command check of the grammar-only recognizer: "turn off" heard as "turn on" is the worst
thing a satellite without Whisper can do, and the rejection model (sentence-level measures) lets such decodes
through: a one-word difference barely moves them.

For an accepted decode that has an *opposite* in the grammar (one word swapped for its antonym: on/off,
open/close, lock/unlock, ...), the utterance is decoded again twice, forced onto the decode and forced onto
its opposites, and the decode stands only when it explains the audio strictly better (a higher path score).
The boundary is the natural one (0: the opposite fits at least as well), not a tuned threshold. It makes
flips rare, it does not rule them out: measured in docs/appliance.md (`edge bench grammar`, `opposite`).
"""

from __future__ import annotations

import dataclasses
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from edge.events import Transcript

__all__ = ["OPPOSITE", "OPPOSITES", "OppositeCheck", "opposites"]

OPPOSITE = "opposite"  # Transcript.reason of a decode whose opposite fits the audio as well
OPPOSITES = (
    ("on", "off"),
    ("up", "down"),
    ("open", "close"),
    ("lock", "unlock"),
    ("start", "stop"),
    ("raise", "lower"),
    ("increase", "decrease"),
    ("arm", "disarm"),
    ("mute", "unmute"),
    ("enable", "disable"),
    ("activate", "deactivate"),
)
_SWAP = {a: b for pair in OPPOSITES for a, b in (pair, pair[::-1])}


def opposites(text: str, accepts: Callable[[str], bool]) -> list[str]:
    """``text`` with one word swapped for its opposite, each a sentence the grammar ``accepts``."""
    words = text.split()
    found = []
    for i, word in enumerate(words):
        if word in _SWAP:
            other = " ".join([*words[:i], _SWAP[word], *words[i + 1 :]])
            if accepts(other):
                found.append(other)
    return list(dict.fromkeys(found))


class OppositeCheck:
    """A third pocketsphinx decoder over the grammar's dictionary (~6 MB), one check at a time."""

    def __init__(self, ps: Any, dictionary: str) -> None:
        with tempfile.TemporaryDirectory(prefix="edge-opposite-") as tmp:
            words = Path(tmp) / "words.dict"
            words.write_text(dictionary or "sil SIL\n")
            self._decoder = ps.Decoder(loglevel="FATAL", lm=None, dict=str(words))
        self._lock = threading.Lock()
        self._n = 0

    def _score(self, samples: npt.NDArray[np.int16], sentences: list[str]) -> float | None:
        """The best path's log score with the audio forced onto ``sentences`` (None: no path)."""
        self._n += 1
        name = f"forced{self._n % 2}"  # not the active search: add_jsgf_string replaces it
        jsgf = (
            "#JSGF V1.0;\ngrammar forced;\npublic <s> = " + " | ".join(f"( {s} )" for s in sentences) + ";\n"
        )
        self._decoder.add_jsgf_string(name, jsgf)
        self._decoder.activate_search(name)
        self._decoder.start_utt()
        self._decoder.process_raw(np.ascontiguousarray(samples).tobytes(), False, True)
        self._decoder.end_utt()
        hyp = self._decoder.hyp()
        if hyp is None or not str(hyp.hypstr).strip() or hyp.score <= 0:
            return None
        return float(self._decoder.get_logmath().log(hyp.score))

    def check(
        self, heard: Transcript, samples: npt.NDArray[np.int16], accepts: Callable[[str], bool]
    ) -> Transcript:
        """``heard`` as it is, or rejected (``opposite``) when one of its opposites fits the audio as well."""
        if heard.rejected or not heard.text or not len(samples):
            return heard
        others = opposites(heard.text, accepts)
        if not others:
            return heard
        with self._lock:
            mine = self._score(samples, [heard.text])
            theirs = self._score(samples, others)
        if mine is None or theirs is None or mine > theirs:
            return heard
        return dataclasses.replace(heard, rejected=True, reason=OPPOSITE)
