"""The int8 voice bench's measures (edge/lab/bench/voice_int8.py): words, word errors, cepstral distance."""

from __future__ import annotations

import numpy as np

from edge.lab.bench.voice_int8 import ANSWERS, cepstral_distance, mel_cepstra, word_errors, words

RATE = 22050


def _tone(hz: float, seconds: float) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return (np.sin(2 * np.pi * hz * t) * 8000).astype(np.int16)


def test_words_write_the_answers_numbers_as_words() -> None:
    assert words("The thermostat is at 21 degrees.") == [
        "the",
        "thermostat",
        "is",
        "at",
        "twenty",
        "one",
        "degrees",
    ]
    assert words("It's at 75%!") == ["its", "at", "seventy", "five", "percent"]
    assert len(ANSWERS) == 40


def test_word_errors_count_substitutions_insertions_and_deletions() -> None:
    ref = ["turned", "on", "the", "office", "lamp"]
    assert word_errors(ref, ref) == 0
    assert word_errors(ref, ["turn", "on", "the", "office", "lamp"]) == 1
    assert word_errors(ref, ["turned", "on", "office", "lamp", "now"]) == 2
    assert word_errors(ref, []) == len(ref)


def test_the_distance_is_zero_for_the_same_sound_even_stretched_and_grows_with_a_different_one() -> None:
    vowel = np.concatenate([_tone(220, 0.3), _tone(660, 0.3)])
    silence = np.zeros(RATE // 2, np.int16)
    a = mel_cepstra(np.concatenate([silence, vowel]), RATE)
    assert a.shape[1] == 24 and 45 < a.shape[0] < 60  # of 91 frames: the silent 0.5 s dropped
    assert cepstral_distance(a, a) == 0.0
    stretched = np.repeat(a, 2, axis=0)  # the same frames, each held twice as long
    assert cepstral_distance(a, stretched) == 0.0
    other = mel_cepstra(np.concatenate([_tone(330, 0.3), _tone(990, 0.3)]), RATE)
    assert cepstral_distance(a, other) > 5.0
