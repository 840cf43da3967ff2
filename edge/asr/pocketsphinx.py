"""pocketsphinx (optional extra): the en-us model inside its wheel, optionally a JSGF grammar of phrases."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from edge.asr.base import audio_ms, check_samples
from edge.errors import ErrorCode, ModelError
from edge.events import Transcript

__all__ = ["PocketsphinxRecognizer", "jsgf_grammar", "load_pocketsphinx"]


def jsgf_grammar(phrases: Sequence[str]) -> str:
    """A JSGF grammar accepting exactly one of ``phrases`` (lower case, letters and spaces only)."""
    clean = [" ".join(re.sub(r"[^a-z' ]", " ", p.lower()).split()) for p in phrases]
    alternatives = " | ".join(dict.fromkeys(c for c in clean if c))
    return f"#JSGF V1.0;\ngrammar edge;\npublic <command> = {alternatives};\n"


def load_pocketsphinx(needed_by: str, otherwise: str) -> Any:
    """The pocketsphinx module, or one clear error naming the setting that needs it and the way out."""
    try:
        import pocketsphinx  # noqa: PLC0415 - lazy: an optional engine (extra), loaded only when configured
    except ImportError as err:
        raise ModelError(
            f"{needed_by} needs the pocketsphinx package, which is not installed",
            code=ErrorCode.NOT_SUPPORTED,
            hint=f"pip install 'ambient-edge[pocketsphinx]', or set {otherwise}",
        ) from err
    return pocketsphinx


class PocketsphinxRecognizer:
    name = "pocketsphinx"

    def __init__(self, grammar: bool = True) -> None:
        self._ps: Any = load_pocketsphinx("asr.engine = pocketsphinx", "asr.engine=whisper")
        self.grammar = grammar

    def transcribe(self, samples: npt.NDArray[np.int16], vocabulary: Sequence[str] = ()) -> Transcript:
        check_samples(samples)
        config = self._ps.Config()
        config["loglevel"] = "FATAL"
        decoder = self._ps.Decoder(config)
        if self.grammar and vocabulary:
            decoder.set_jsgf_string("edge", jsgf_grammar(vocabulary))
            decoder.activate_search("edge")
        decoder.start_utt()
        decoder.process_raw(samples.tobytes(), full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        if hyp is None or not str(hyp.hypstr).strip():
            return Transcript("", 0.0, self.name, audio_ms(samples), rejected=True, reason="no_speech")
        confidence = float(np.clip(decoder.get_logmath().exp(hyp.prob), 0.0, 1.0))
        return Transcript(str(hyp.hypstr), round(confidence, 4), self.name, audio_ms(samples))
