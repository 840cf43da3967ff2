"""``asr.engine = "grammar"``: the home's command grammar as the only recognizer (a satellite with no room
for Whisper: the zero2w profile, docs/appliance.md "A recognizer that fits the Zero 2 W").

The fast path's decoder (:class:`~edge.asr.fastpath.stream.PocketsphinxStream`: pocketsphinx with the JSGF
of the shipped command templates x the live registry's names and areas, beside a phone loop and its
rejection model) hears the utterance while it is spoken. What it accepts serves the turn; what it rejects
is never sent anywhere else (there is no Whisper to ask): the transcript is rejected with
:data:`~edge.events.OUTSIDE_GRAMMAR`, and the turn engine answers that this satellite only knows the home's
commands and records the turn as not understood, acting on nothing.

Memory: the decoders of a grammar hold ~0.8 MB per device name (67 MB for the demo home). The fast path
builds a new pair beside the old one when the home changes; :class:`GrammarStream` instead drops the old
pair first and gives its memory back (``malloc_trim``), so a recompile never holds two. An utterance that
starts while the pair is being rebuilt is decoded whole once it is ready (``transcribe``).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from edge.asr import heap
from edge.asr.answers import AnswerDecoder
from edge.asr.base import Recognizer, audio_ms, check_samples
from edge.asr.fastpath.decide import transcribe_turn as fast_or_recognizer
from edge.asr.fastpath.grammar import CommandGrammar, GrammarInputs, home_inputs, input_words, pronunciations
from edge.asr.fastpath.reject import RejectModel
from edge.asr.fastpath.stream import DEFAULT_SEARCH, FAST_ENGINE, Partial, PocketsphinxStream
from edge.asr.grammar_check import OppositeCheck
from edge.asr.pocketsphinx import load_pocketsphinx
from edge.budget import read_memory
from edge.events import OUTSIDE_GRAMMAR, SAMPLE_RATE, Transcript

__all__ = [
    "GRAMMAR_ENGINE",
    "GRAMMAR_MODEL",
    "GRAMMAR_THRESHOLD",
    "LOW_SCORE",
    "SAFETY_TEMPLATES",
    "GrammarOnlyRecognizer",
    "GrammarStream",
    "judged",
    "outside_grammar",
    "transcribe_turn",
    "trim_heap",
    "with_safety_templates",
]

log = logging.getLogger(__name__)
GRAMMAR_ENGINE = "grammar"  # the asr.engine value
CHUNK = SAMPLE_RATE // 2  # a whole utterance is fed in half-second pieces
NOT_DECODED = "not_started"  # the stream's reason for an utterance it did not hear: decode it whole
EMPTY_REASONS = frozenset({NOT_DECODED, "no_speech"})
LOW_SCORE = "low_score"  # the stream's reason for a whole sentence the rejection model did not believe


# The fast path's shipped templates have no sentences for safety-critical devices (Whisper hears those);
# a grammar-only satellite has nothing else, so its grammar adds them. The safety gate still asks first.
SAFETY_TEMPLATES = (
    "[can you] [please] (lock|unlock) [the] {name} [please]",
    "[can you] [please] (arm|disarm) [the] {name} [please]",
)


# its own rejection model and operating point (edge/asr/grammar_reject.json; edge.lab.grammar_calibrate)
GRAMMAR_MODEL = RejectModel.load("edge.asr", "grammar_reject.json")
GRAMMAR_THRESHOLD = GRAMMAR_MODEL.threshold


def judged(heard: Transcript, threshold: float | None = None) -> Transcript:
    """A whole-sentence decode accepted or rejected by the grammar-only operating point instead of the
    fast path's (its score is the transcript's confidence)."""
    t = GRAMMAR_THRESHOLD if threshold is None else threshold
    if not heard.text or (heard.rejected and heard.reason != LOW_SCORE):
        return heard
    accept = heard.confidence >= t
    if accept == (not heard.rejected):
        return heard
    return dataclasses.replace(heard, rejected=not accept, reason="" if accept else LOW_SCORE)


def with_safety_templates(inputs: GrammarInputs) -> GrammarInputs:
    """``inputs`` with :data:`SAFETY_TEMPLATES` (once)."""
    extra = tuple(t for t in SAFETY_TEMPLATES if t not in inputs.templates)
    return dataclasses.replace(inputs, templates=inputs.templates + extra) if extra else inputs


def trim_heap() -> bool:
    """Give freed heap pages back to the system (glibc ``malloc_trim``), whatever ``profile.trim_memory``
    says: a grammar-only satellite is the smallest board; False where there is none."""
    return heap.trim_heap(force=True)


def outside_grammar(heard: Transcript) -> Transcript:
    """A transcript of the grammar-only engine: accepted as it is, a rejected decode as outside the
    grammar (its forced hypothesis kept only in the log, never acted on)."""
    if not heard.rejected or heard.reason in EMPTY_REASONS:
        return heard
    if heard.text:
        log.info("grammar-only: %r is not one of this home's commands (%s)", heard.text, heard.reason)
    return dataclasses.replace(heard, text="", confidence=0.0, alternatives=(), reason=OUTSIDE_GRAMMAR)


class GrammarStream:
    """A :class:`~edge.asr.fastpath.stream.StreamingRecognizer` over one pocketsphinx pair at a time.

    One user of the decoders at a time (``_busy``): the listener's utterance (``start`` .. ``finish``), a
    whole-utterance decode (``transcribe``) or a rebuild (``prepare``). ``start`` never waits: when the
    decoders are busy it hears nothing and ``finish`` says so (``not_started``), and the ASR step decodes
    that utterance whole."""

    name = FAST_ENGINE

    def __init__(
        self, inputs: Callable[[], GrammarInputs] = lambda: home_inputs((), ()), budget_mb: int = 0
    ) -> None:
        self._inputs = inputs
        self._budget_mb = budget_mb  # the profile's: a grammar that pushes past it is one warning
        self._busy = threading.Lock()
        self._stream: PocketsphinxStream | None = None
        self._check: OppositeCheck | None = None
        self._answers: AnswerDecoder | None = None  # built at the first question (words it may hear)
        self._answer_words: set[str] = set()
        self._listening = False  # the listener holds ``_busy`` for its utterance
        self._samples = 0

    @property
    def grammar(self) -> CommandGrammar | None:
        return self._stream.grammar if self._stream is not None else None

    def use(self, inputs: Callable[[], GrammarInputs]) -> None:
        self._inputs = inputs

    def prepare(self) -> None:
        try:
            inputs = with_safety_templates(self._inputs())
        except Exception as err:  # a registry read failing must not end the pipeline: keep the last grammar
            log.warning(
                "grammar-only: the grammar's inputs could not be read (%s); keeping the last one", err
            )
            return
        current = self.grammar
        if current is not None and current.digest == inputs.digest:
            return
        with self._busy:
            self._stream = self._check = None  # the old decoders go before the new ones are built
            trim_heap()
            stream = PocketsphinxStream(  # the graph as calibrated: its best-path posterior is a measure
                lambda: inputs,
                threshold=GRAMMAR_THRESHOLD,
                search=DEFAULT_SEARCH,
                model=GRAMMAR_MODEL,
                compact=False,
            )
            stream.prepare()
            stream.start()  # swaps the compiled pair in
            stream.finish()
            ps = load_pocketsphinx("asr.engine = grammar", 'asr.engine = "whisper"')
            words = pronunciations(
                Path(ps.get_model_path()) / "en-us" / "cmudict-en-us.dict", input_words(inputs)
            )
            self._check = OppositeCheck(ps, "".join(line for lines in words.values() for line in lines))
            self._stream = stream
        trim_heap()
        self._check_budget(inputs)

    def _check_budget(self, inputs: GrammarInputs) -> None:
        """The grammar grows with the home (~0.8 MB a device name): one warning when it passes the budget."""
        now = read_memory()
        if self._budget_mb <= 0 or now.rss_mb <= self._budget_mb:
            return
        names = sum(len(values) for name, values in inputs.lists if name == "name")
        log.warning(
            "grammar-only: the grammar of %d device names compiled, %.0f MB resident is over the profile's "
            "budget of %d MB; fewer device names and aliases (each ~0.8 MB), or a larger board's profile",
            names, now.rss_mb, self._budget_mb,
        )  # fmt: skip

    def confirm(self, heard: Transcript, samples: npt.NDArray[np.int16]) -> Transcript:
        """Blocking: an accepted decode with an opposite in the grammar checked against it on the audio
        (:mod:`edge.asr.grammar_check`); rejected (``opposite``) when the opposite fits as well."""
        check, grammar = self._check, self.grammar
        if check is None or grammar is None:
            return heard
        return check.check(heard, samples, grammar.accepts)

    def answer(self, samples: npt.NDArray[np.int16], groups: Sequence[Sequence[str]]) -> Transcript | None:
        """Blocking: ``samples`` heard as one of the phrases that answer a waiting question (``groups``: by
        meaning, :meth:`edge.asr.answers.AnswerDecoder.hear`), or None. The answer decoder is separate from
        the command grammar's and is rebuilt only for new words."""
        words = {w for group in groups for p in group for w in p.lower().split()}
        if self._answers is None or not words <= self._answer_words:
            self._answer_words = words | self._answer_words
            ps = load_pocketsphinx("asr.engine = grammar", 'asr.engine = "whisper"')
            self._answers = None
            self._answers = AnswerDecoder(
                ps, Path(ps.get_model_path()) / "en-us", self._answer_words, GRAMMAR_MODEL
            )
        return self._answers.hear(samples, groups)

    def start(self) -> None:
        if self._listening:
            self.finish()
        self._samples = 0
        if self._stream is None or not self._busy.acquire(blocking=False):
            return
        self._listening = True
        assert self._stream is not None
        self._stream.start()

    def feed(self, samples: npt.NDArray[np.int16]) -> Partial:
        check_samples(samples)
        self._samples += len(samples)
        if not self._listening or self._stream is None:
            return Partial("", False)
        return self._stream.feed(samples)

    def accepted(self) -> bool:
        """Whether the rejection model accepts the decode so far (the listener asks at pauses)."""
        return self._listening and self._stream is not None and self._stream.accepted()

    def finish(self) -> Transcript:
        if not self._listening or self._stream is None:
            ms = 1000.0 * self._samples / SAMPLE_RATE
            return Transcript("", 0.0, self.name, ms, rejected=True, reason=NOT_DECODED)
        try:
            return judged(self._stream.finish())
        finally:
            self._listening = False
            self._busy.release()

    def decode(self, samples: npt.NDArray[np.int16]) -> Transcript:
        """Blocking: one whole utterance, once the decoders are free (and built)."""
        if self._stream is None:
            self.prepare()
        with self._busy:
            assert self._stream is not None
            self._stream.start()
            for at in range(0, len(samples), CHUNK):
                self._stream.feed(samples[at : at + CHUNK])
            return judged(self._stream.finish())


class GrammarOnlyRecognizer:
    """A :class:`~edge.asr.base.Recognizer` over :class:`GrammarStream`, which it shares with the
    pipeline's listener (one pair of decoders in the process)."""

    name = FAST_ENGINE

    def __init__(self, stream: GrammarStream | None = None) -> None:
        self.stream = stream if stream is not None else GrammarStream()

    def transcribe(self, samples: npt.NDArray[np.int16], vocabulary: Sequence[str] = ()) -> Transcript:
        """Blocking: decode ``samples`` with the grammar (``vocabulary`` is not used: the grammar comes
        from the registry the stream was given with ``use``)."""
        check_samples(samples)
        if not len(samples):
            return Transcript("", 0.0, self.name, 0.0, rejected=True, reason="no_speech")
        heard = self.stream.confirm(self.stream.decode(samples), samples)
        return outside_grammar(dataclasses.replace(heard, audio_ms=audio_ms(samples)))


def transcribe_turn(
    recognizer: Recognizer,
    samples: npt.NDArray[np.int16],
    vocabulary: Sequence[str],
    fast: Transcript | None,
    *,
    check: bool = False,
    heard: Transcript | None = None,
    answers: Sequence[Sequence[str]] = (),
) -> Transcript:
    """The pipeline's ASR step (blocking). Grammar-only: while a question waits, ``answers`` (the phrases
    that answer it) are heard first, as their own search (:mod:`edge.asr.answers`); else the listener's
    decode of the utterance (decoded whole here when the listener could not), rejected as outside the
    grammar, never a second opinion. Otherwise :func:`edge.asr.fastpath.decide.transcribe_turn` (``heard``:
    a speculative decode of the same speech)."""
    if not isinstance(recognizer, GrammarOnlyRecognizer):
        return fast_or_recognizer(recognizer, samples, vocabulary, fast, check=check, heard=heard)
    command = fast is not None and not fast.rejected  # a whole command of the grammar was heard
    if answers and not command and (answer := recognizer.stream.answer(samples, answers)) is not None:
        return dataclasses.replace(answer, audio_ms=audio_ms(samples))
    if fast is None or (fast.rejected and fast.reason == NOT_DECODED):
        return recognizer.transcribe(samples, vocabulary)
    return outside_grammar(recognizer.stream.confirm(fast, samples))
