"""Streaming recognition constrained by the home's grammar, with rejection of what is outside it.

:class:`PocketsphinxStream` decodes while the person speaks: ``start()`` opens an utterance, ``feed(samples)``
decodes the new audio and returns the partial hypothesis (and whether it is already a whole sentence of the
grammar), ``finish()`` closes it and returns a :class:`~edge.events.Transcript` that is ``rejected`` when the
audio is not a sentence of the grammar. Two decoders hear the same audio: the grammar's (JSGF) and a free
phone loop (allphone). A grammar decode forced onto speech it cannot explain scores far below the phone
loop, covers little of the speech with words, and its pronunciation differs from the phones heard; a small
logistic model over those measures (:mod:`edge.asr.fastpath.reject`, calibrated on espeak-ng speech) decides.

The grammar is compiled from :class:`GrammarInputs` off the caller's thread by :meth:`prepare` (a new
decoder is built and swapped in at the next ``start()``), and only when the inputs' digest changed.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from edge.asr.base import check_samples
from edge.asr.fastpath.fsg import compact_fsg
from edge.asr.fastpath.grammar import (
    CommandGrammar,
    GrammarInputs,
    compile_grammar,
    home_inputs,
    input_words,
    pronunciations,
)
from edge.asr.fastpath.reject import FAST_PATH, Evidence, RejectModel
from edge.asr.heap import trim_heap
from edge.asr.pocketsphinx import load_pocketsphinx
from edge.events import SAMPLE_RATE, Transcript

__all__ = ["FAST_ENGINE", "Partial", "PocketsphinxStream", "StreamingRecognizer", "keep_compiled"]

log = logging.getLogger(__name__)
FAST_ENGINE = "pocketsphinx-grammar"
# The grammar decoder's search. No best-path lattice pass: it cost 0.7-2.3 s at each utterance's end on
# this machine and changed no decode of the calibration set (the Viterbi path is the transcript). Wider
# beams than pocketsphinx's defaults (1e-48 / 7e-29 / 1e-48): the defaults pruned the right path away in
# the middle of short commands ("turn on the office" and then nothing); a cap on the active HMMs per frame
# keeps the wider search's compute bounded (0.4-0.5x real time on this shared machine). The grammar-only
# engine (zero2w) passes pocketsphinx's defaults instead (`DEFAULT_SEARCH`): it was measured and calibrated
# on them, and with no Whisper behind it the best-path pass's posterior is one of its rejection measures.
GRAMMAR_SEARCH: dict[str, object] = {
    "bestpath": False, "beam": 1e-80, "wbeam": 1e-60, "pbeam": 1e-80, "maxhmmpf": 3000,
}  # fmt: skip
DEFAULT_SEARCH: dict[str, object] = {}  # pocketsphinx's own beams, best-path pass on


@dataclass(frozen=True, slots=True)
class Partial:
    text: str  # the best path so far ("" before any word)
    complete: bool  # a whole sentence of the grammar (not a prefix); ``accepted()`` scores it


class StreamingRecognizer(Protocol):
    """Decodes during the utterance. Blocking calls: run them off the event loop (the listener's thread)."""

    name: str

    def use(self, inputs: Callable[[], GrammarInputs]) -> None:
        """Where the grammar comes from from now on (the live registry); compiled by ``prepare``."""
        ...

    def prepare(self) -> None:
        """Compile the grammar if what it is built from changed (blocking; seconds for a big home)."""
        ...

    def start(self) -> None: ...

    def feed(self, samples: npt.NDArray[np.int16]) -> Partial: ...

    def accepted(self) -> bool:
        """Whether the decode so far is a sentence the rejection model accepts (ask at a pause)."""
        ...

    def finish(self) -> Transcript: ...


@dataclass(slots=True)
class _Loaded:
    grammar: CommandGrammar
    decoder: Any  # the grammar's
    phones: Any  # the phone loop's


class PocketsphinxStream:
    """pocketsphinx (its wheel's en-us model) with the home's grammar beside a phone loop."""

    name = FAST_ENGINE

    def __init__(
        self,
        inputs: Callable[[], GrammarInputs] = lambda: home_inputs((), ()),
        threshold: float | None = None,
        search: Mapping[str, object] | None = None,
        model: RejectModel = FAST_PATH,
        compact: bool = True,
    ) -> None:
        self._ps: Any = load_pocketsphinx("asr.fast_path", "asr.fast_path=false")
        self._inputs = inputs
        self._threshold = threshold
        self._model = model  # the rejection model (grammar-only has its own: edge/asr/grammar_reject.json)
        self._search = dict(GRAMMAR_SEARCH if search is None else search)
        self._compact = compact  # the grammar's graph without glue states (edge/asr/fastpath/fsg.py)
        self._lock = threading.Lock()
        self._loaded: _Loaded | None = None
        self._next: _Loaded | None = None
        self._active: _Loaded | None = None
        self._samples = 0
        self._last = Partial("", False)
        self._sentence = ("", False)  # the last partial text and whether it is a whole grammar sentence

    @property
    def grammar(self) -> CommandGrammar | None:
        loaded = self._next or self._loaded
        return loaded.grammar if loaded else None

    def use(self, inputs: Callable[[], GrammarInputs]) -> None:
        self._inputs = inputs

    def prepare(self) -> None:
        try:
            inputs = self._inputs()
        except Exception as err:  # a registry read failing must not end the pipeline: keep the last grammar
            log.warning("fast path: the grammar's inputs could not be read (%s); keeping the last one", err)
            return
        with self._lock:
            current = self._next or self._loaded
            if current is not None and current.grammar.digest == inputs.digest:
                return
        model = Path(self._ps.get_model_path()) / "en-us"
        # the decoders load only the grammar's words (the whole dictionary would cost ~20 MB each)
        entries = pronunciations(model / "cmudict-en-us.dict", input_words(inputs))
        grammar = compile_grammar(inputs, lambda word: word in entries)
        with tempfile.TemporaryDirectory(prefix="edge-fastpath-") as tmp:
            words = Path(tmp) / "grammar.dict"
            words.write_text("".join(line for lines in entries.values() for line in lines) or "sil SIL\n")
            decoder = self._ps.Decoder(loglevel="FATAL", lm=None, dict=str(words), **self._search)
            self._add_grammar(decoder, grammar.jsgf)
            decoder.activate_search("edge")
            phones = self._phone_loop(model, Path(tmp))
        log.info("fast path: grammar %s compiled (%d dropped)", grammar.digest, grammar.dropped)
        with self._lock:
            self._next = _Loaded(grammar, decoder, phones)

    def _add_grammar(self, decoder: Any, jsgf: str) -> None:
        if self._compact:  # half the states and ~30 MB less for the demo home, the same sentences
            try:
                decoder.add_fsg("edge", compact_fsg(self._ps, decoder, jsgf))
                return
            except (ValueError, RuntimeError, OSError) as err:  # e.g. a grammar with no sentence at all
                log.info("fast path: the grammar is used as pocketsphinx expands it (%s)", err)
        decoder.add_jsgf_string("edge", jsgf)

    def _phone_loop(self, model: Path, tmp: Path) -> Any:
        """The phone loop does not depend on the grammar: a recompile reuses it (the pair that decodes is
        swapped only at ``start()``, when no utterance is open, so the two pairs never decode at once)."""
        with self._lock:
            current = self._next or self._loaded
        if current is not None:
            return current.phones
        silence = tmp / "silence.dict"
        silence.write_text("sil SIL\n")
        allphone = str(model / "en-us-phone.lm.bin")
        return self._ps.Decoder(loglevel="FATAL", allphone=allphone, lm=None, dict=str(silence))

    def start(self) -> None:
        if self._active is not None:
            self._end(self._active)
        with self._lock:
            swapped = self._next is not None
            if self._next is not None:
                self._loaded, self._next = self._next, None
            loaded = self._loaded
        if swapped:
            trim_heap()  # the replaced decoders' pages back to the system (profile.trim_memory)
        if loaded is None:
            self.prepare()
            with self._lock:
                self._loaded, self._next = self._next, None
                loaded = self._loaded
        assert loaded is not None
        loaded.decoder.start_utt()
        loaded.phones.start_utt()
        self._active = loaded
        self._samples = 0
        self._last = Partial("", False)
        self._sentence = ("", False)

    def feed(self, samples: npt.NDArray[np.int16]) -> Partial:
        check_samples(samples)
        active = self._active
        if active is None or not len(samples):
            return self._last
        raw = np.ascontiguousarray(samples).tobytes()
        active.decoder.process_raw(raw, False, False)
        active.phones.process_raw(raw, False, False)
        self._samples += len(samples)
        hyp = active.decoder.hyp()
        text = str(hyp.hypstr).strip() if hyp is not None else ""
        if text != self._sentence[0]:
            self._sentence = (text, active.grammar.accepts(text))
        self._last = Partial(text, self._sentence[1])
        return self._last

    def accepted(self) -> bool:
        """Whether the rejection model accepts the decode so far (a whole sentence, not speech forced onto
        it): asked at a pause only, since reading the two decoders costs more than a frame's decode."""
        active = self._active
        if active is None or not self._last.complete:
            return False
        return self._model.score(Evidence.read(active.decoder, active.phones)) >= self.threshold

    @property
    def threshold(self) -> float:
        return self._threshold if self._threshold is not None else self._model.threshold

    def _end(self, active: _Loaded) -> None:
        active.decoder.end_utt()
        active.phones.end_utt()
        self._active = None

    def finish(self) -> Transcript:
        active = self._active
        audio_ms = 1000.0 * self._samples / SAMPLE_RATE
        if active is None:
            return Transcript("", 0.0, self.name, audio_ms, rejected=True, reason="not_started")
        self._end(active)
        evidence = Evidence.read(active.decoder, active.phones)
        if not evidence.text:
            return Transcript("", 0.0, self.name, audio_ms, rejected=True, reason="out_of_grammar")
        if not active.grammar.accepts(evidence.text):
            return Transcript(evidence.text, 0.0, self.name, audio_ms, rejected=True, reason="incomplete")
        score = self._model.score(evidence)
        if score < self.threshold:
            return Transcript(
                evidence.text, round(score, 4), self.name, audio_ms, rejected=True, reason="low_score"
            )
        return Transcript(evidence.text, round(score, 4), self.name, audio_ms)


async def keep_compiled(fast: StreamingRecognizer, every_s: float = 5.0) -> None:
    """Recompile the grammar off the loop whenever the home changed (checked every ``every_s``)."""
    while True:
        await asyncio.sleep(every_s)
        await asyncio.to_thread(fast.prepare)
