"""vosk (Kaldi) on a model folder the user installed; optional grammar ("limited vocabulary") mode."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from edge.asr.base import audio_ms, check_samples
from edge.errors import ErrorCode, ModelError
from edge.events import SAMPLE_RATE, Transcript

__all__ = ["VoskRecognizer", "is_vosk_model_dir", "parse_result"]

UNKNOWN = "[unk]"
HINT = "set asr.vosk_model_dir to an unpacked vosk model folder (it contains am/ and conf/)"


def is_vosk_model_dir(path: Path) -> bool:
    return (path / "am").is_dir() and (path / "conf").is_dir()


def parse_result(raw: str) -> tuple[str, float, tuple[str, ...]]:
    """(text, confidence, alternatives) from a ``FinalResult()`` JSON, with or without n-best."""
    result: dict[str, Any] = json.loads(raw)
    if "alternatives" in result:
        alts = [a for a in result["alternatives"] if str(a.get("text", "")).strip()]
        if not alts:
            return "", 0.0, ()
        texts = tuple(str(a["text"]).strip() for a in alts)
        # n-best confidences are lattice log-likelihoods: turn the margin to the runner-up into [0, 1]
        if len(alts) > 1:
            margin = float(alts[0].get("confidence", 0.0)) - float(alts[1].get("confidence", 0.0))
            confidence = 1.0 / (1.0 + math.exp(-margin))
        else:
            confidence = 1.0
        return texts[0], round(confidence, 4), texts[1:]
    text = str(result.get("text", "")).strip()
    words = result.get("result", [])
    confidence = float(np.mean([w.get("conf", 0.0) for w in words])) if words else (1.0 if text else 0.0)
    return text, round(confidence, 4), ()


class VoskRecognizer:
    """Free decoding, or decoding constrained to ``vocabulary`` phrases when ``grammar`` is on."""

    name = "vosk"

    def __init__(self, model_dir: Path | str, grammar: bool = False, max_alternatives: int = 0) -> None:
        path = Path(model_dir).expanduser()
        if not path.is_dir():
            raise ModelError(f"vosk model folder {path} does not exist", hint=HINT)
        if not is_vosk_model_dir(path):
            raise ModelError(f"{path} is not a vosk model (no am/ and conf/ inside)", hint=HINT)
        import vosk  # noqa: PLC0415 - lazy: an optional engine, loaded only when configured

        vosk.SetLogLevel(-1)
        try:
            self._model: Any = vosk.Model(str(path))
        except Exception as err:  # vosk raises a bare Exception when Kaldi fails
            raise ModelError(
                f"vosk could not load {path}: {err}", code=ErrorCode.MODEL_CORRUPT, hint=HINT
            ) from err
        self._vosk = vosk
        self.model_dir = path
        self.grammar = grammar
        self.max_alternatives = max_alternatives

    def _recognizer(self, vocabulary: Sequence[str]) -> Any:
        if self.grammar and vocabulary:
            phrases = [*dict.fromkeys(p.strip().lower() for p in vocabulary if p.strip()), UNKNOWN]
            rec = self._vosk.KaldiRecognizer(
                self._model, SAMPLE_RATE, json.dumps(phrases, ensure_ascii=False)
            )
        else:
            rec = self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        rec.SetWords(True)
        if self.max_alternatives > 0:
            rec.SetMaxAlternatives(self.max_alternatives)
        return rec

    def transcribe(self, samples: npt.NDArray[np.int16], vocabulary: Sequence[str] = ()) -> Transcript:
        check_samples(samples)
        rec = self._recognizer(vocabulary)
        rec.AcceptWaveform(samples.tobytes())
        text, confidence, alternatives = parse_result(rec.FinalResult())
        words = text.split()
        if self.grammar and vocabulary and words and all(w == UNKNOWN for w in words):
            return Transcript(text, 0.0, self.name, audio_ms(samples), alternatives, True, "out_of_grammar")
        text = " ".join(w for w in words if w != UNKNOWN)
        if not text:
            return Transcript("", 0.0, self.name, audio_ms(samples), alternatives, True, "no_speech")
        return Transcript(text, confidence, self.name, audio_ms(samples), alternatives)
