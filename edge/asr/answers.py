"""Answers to the runtime's questions for the grammar-only recognizer (``asr.engine = "grammar"``).

The home's command grammar has no "yes" or "no": a zero2w owner could not confirm a lock or answer "which
one?". While the turn engine waits for an answer it names the phrases that answer its question (yes / no
and their common forms, "cancel", the devices it offered; :mod:`edge.turns.expect`), and the utterance is
decoded against those phrases alone by a decoder of its own (its own pocketsphinx search, beside a phone
loop), so the command grammar and its scores are untouched. An answer decode stands when the rejection
model (:mod:`edge.asr.fastpath.reject`, the same measures) scores it at or above :data:`ANSWER_THRESHOLD`;
otherwise the utterance is heard as a command, as always. The safety gate does not change: a lock still
acts only on a whole-utterance yes within its confirmation window.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from edge.asr.fastpath.grammar import pronunciations
from edge.asr.fastpath.reject import Evidence, RejectModel
from edge.events import SAMPLE_RATE, Transcript

__all__ = ["ANSWER_ENGINE", "ANSWER_THRESHOLD", "AnswerDecoder", "answer_jsgf"]

log = logging.getLogger(__name__)
ANSWER_ENGINE = "pocketsphinx-answer"
# An answer is short and said right after a question; its decode is scored by the command model's
# measures. Chosen on espeak-ng answers and other speech said instead (docs/appliance.md).
ANSWER_THRESHOLD = 0.5
_WORD = frozenset("abcdefghijklmnopqrstuvwxyz'")


def _words(phrase: str) -> list[str]:
    return phrase.lower().split()


def answer_jsgf(phrases: Sequence[str], known: set[str]) -> tuple[str, tuple[str, ...]]:
    """The JSGF of ``phrases`` whose every word the dictionary ``known`` has, and those phrases."""
    kept = tuple(
        dict.fromkeys(
            " ".join(_words(p))
            for p in phrases
            if _words(p) and all(set(w) <= _WORD and w in known for w in _words(p))
        )
    )
    body = " | ".join(f"( {p} )" for p in kept) or "<VOID>"
    return "#JSGF V1.0;\ngrammar answers;\npublic <s> = " + body + ";\n", kept


class AnswerDecoder:
    """A pocketsphinx decoder over the words answers may use and a phone loop, one answer at a time."""

    def __init__(self, ps: Any, model: Path, words: set[str], reject: RejectModel) -> None:
        self.reject = reject  # the rejection model whose score an answer needs (its own threshold here)
        entries = pronunciations(model / "cmudict-en-us.dict", {w.lower() for w in words})
        self.known = set(entries)
        with tempfile.TemporaryDirectory(prefix="edge-answers-") as tmp:
            path = Path(tmp) / "answers.dict"
            path.write_text("".join(line for lines in entries.values() for line in lines) or "sil SIL\n")
            self._decoder = ps.Decoder(loglevel="FATAL", lm=None, dict=str(path))
            silence = Path(tmp) / "silence.dict"
            silence.write_text("sil SIL\n")
            allphone = str(model / "en-us-phone.lm.bin")
            self._phones = ps.Decoder(loglevel="FATAL", allphone=allphone, lm=None, dict=str(silence))
        self._lock = threading.Lock()
        self._n = 0

    def _decode(self, raw: bytes, jsgf: str, phones: bool = False) -> None:
        self._n += 1
        name = f"answers{self._n % 2}"  # not the active search: add_jsgf_string replaces it
        self._decoder.add_jsgf_string(name, jsgf)
        self._decoder.activate_search(name)
        for decoder in (self._decoder, self._phones) if phones else (self._decoder,):
            decoder.start_utt()
            decoder.process_raw(raw, False, True)
            decoder.end_utt()

    def _forced(self, raw: bytes, phrases: Sequence[str]) -> float | None:
        """The best path's log score with the audio forced onto ``phrases`` (None: no path)."""
        self._decode(raw, answer_jsgf(phrases, self.known)[0])
        hyp = self._decoder.hyp()
        if hyp is None or not str(hyp.hypstr).strip() or hyp.score <= 0:
            return None
        return float(self._decoder.get_logmath().log(hyp.score))

    def hear(self, samples: npt.NDArray[np.int16], groups: Sequence[Sequence[str]]) -> Transcript | None:
        """Blocking: ``samples`` as one phrase of ``groups`` (an accepted transcript), or None.

        ``groups``: the answers by meaning (the yes forms, the no forms; each offered device). The decode
        stands when the rejection model believes it (:data:`ANSWER_THRESHOLD`) and, forced onto its own
        group and then onto every other group's phrases, its group explains the audio strictly better
        (as the opposite-command check: "no" heard as "sure" must not confirm a lock)."""
        phrases = [p for group in groups for p in group]
        jsgf, kept = answer_jsgf(phrases, self.known)
        if not len(samples) or not kept:
            return None
        raw = np.ascontiguousarray(samples).tobytes()
        with self._lock:
            self._decode(raw, jsgf, phones=True)
            evidence = Evidence.read(self._decoder, self._phones)
            if not evidence.text or evidence.text not in kept:
                return None
            score = self.reject.score(evidence)
            if score < ANSWER_THRESHOLD:
                log.info("grammar-only: %r is not an answer the model believes (%.2f)", evidence.text, score)
                return None
            mine = next(g for g in groups if evidence.text in {" ".join(_words(p)) for p in g})
            others = [p for g in groups if g is not mine for p in g]
            if others and answer_jsgf(others, self.known)[1]:
                own, other = self._forced(raw, mine), self._forced(raw, others)
                if own is None or (other is not None and other >= own):
                    log.info("grammar-only: %r fits no better than another answer", evidence.text)
                    return None
        ms = 1000.0 * len(samples) / SAMPLE_RATE
        return Transcript(evidence.text, round(score, 4), ANSWER_ENGINE, ms)
