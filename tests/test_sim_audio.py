"""A simulated household heard through real audio: espeak-ng speech, the runtime's Whisper recognizer with
the home's vocabulary prompt, the turn engine on what Whisper heard; transcripts cached by voice and words."""

from __future__ import annotations

from pathlib import Path

from edge.lab.sim.household import simulate_home
from edge.lab.sim.household_audio import AudioHearing, asr_figures, words


def test_words_compare_in_one_spelling() -> None:
    assert words("Set the lamp to forty percent.") == words("set the lamp to 40%") == [
        "set", "the", "lamp", "to", "40", "percent",
    ]  # fmt: skip


def test_a_day_of_one_home_through_synthesized_speech_and_whisper(
    whisper_recognizer: object, tmp_path: Path
) -> None:
    hearing = AudioHearing(whisper_recognizer, tmp_path, "whisper-tiny.en")  # type: ignore[arg-type]
    log = simulate_home(20250101, "audio-test", 1, None, size="small", goals_per_day=(3, 3), hearing=hearing)
    spoken = [t for t in log.turns if log.said.get(t.turn_id, "").strip()]
    assert spoken and all(t.asr_engine == "whisper" for t in spoken)
    assert hearing.synthesized == len(list(tmp_path.glob("*.json"))) > 0
    heard = [t for t in spoken if not t.no_speech]
    assert heard and all(t.asr_text.strip() for t in heard)
    figures = asr_figures([log])
    assert figures.utterances == len(spoken) and 0.0 <= figures.wer < 0.6  # speech, not noise
    # a rerun is served from the cache and is the same simulation
    again = AudioHearing(whisper_recognizer, tmp_path, "whisper-tiny.en")  # type: ignore[arg-type]
    log2 = simulate_home(20250101, "audio-test", 1, None, size="small", goals_per_day=(3, 3), hearing=again)
    assert again.synthesized == 0
    assert [t.to_json() for t in log2.turns] == [t.to_json() for t in log.turns]
