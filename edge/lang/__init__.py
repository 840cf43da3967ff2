"""The runtime's language, in one place: number words, wake phrases, command words and the named
normalizers (which form of a text each job compares or feeds). Pure, no third-party imports, at the bottom
of the import layers so that asr, nlu, feedback, dialog, learning and sync all read the same tables."""

from edge.lang.normalize import (
    FILLERS,
    asr_text,
    fold,
    model_tokens,
    model_words,
    name_key,
    raw_words,
    scrub_tokens,
    spoken_words,
)
from edge.lang.numbers import NUMBER_WORDS, TENS, UNITS, number_words, numbers_to_digits, read_number
from edge.lang.wake import GREETINGS, WAKE_MODELS, WAKE_PHRASES, WAKE_PREFIX, strip_wake
from edge.lang.words import ASR_BIAS_PHRASES, REQUEST_OPENERS, SHAREABLE_COMMAND_WORDS

__all__ = [
    "ASR_BIAS_PHRASES",
    "FILLERS",
    "GREETINGS",
    "NUMBER_WORDS",
    "REQUEST_OPENERS",
    "SHAREABLE_COMMAND_WORDS",
    "TENS",
    "UNITS",
    "WAKE_MODELS",
    "WAKE_PHRASES",
    "WAKE_PREFIX",
    "asr_text",
    "fold",
    "model_tokens",
    "model_words",
    "name_key",
    "number_words",
    "numbers_to_digits",
    "raw_words",
    "read_number",
    "scrub_tokens",
    "spoken_words",
    "strip_wake",
]
