"""Memory budgets that hold (issue 16 item 4): the start check over and under budget (a fake reading), the
/proc reading, and every firmware profile's declared stack measured against its budget on this machine."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from edge.budget import MemoryReading, check_budget, read_memory, smaller_choices
from edge.config import load_settings
from edge.errors import ConfigError
from edge.lab.bench.memory import measure_profile, profiles

STATUS = """Name:\tpython3
VmPeak:\t  912340 kB
VmSize:\t  900000 kB
VmHWM:\t  331776 kB
VmRSS:\t  262144 kB
Threads:\t5
"""


def test_read_memory_takes_vmrss_and_vmhwm(tmp_path: Path) -> None:
    status = tmp_path / "status"
    status.write_text(STATUS, encoding="ascii")
    assert read_memory(status) == MemoryReading(256.0, 324.0)
    assert read_memory(tmp_path / "absent") == MemoryReading(0.0, 0.0)
    (tmp_path / "odd").write_text("VmRSS:\tlots\nVmHWM:\n", encoding="ascii")
    assert read_memory(tmp_path / "odd") == MemoryReading(0.0, 0.0)


def test_read_memory_of_this_process_is_plausible() -> None:
    now = read_memory()
    assert 10.0 < now.rss_mb <= now.peak_mb < 100_000.0


def test_under_budget_is_one_info_line(caplog: pytest.LogCaptureFixture) -> None:
    settings = load_settings("zero2w")
    with caplog.at_level(logging.INFO, logger="edge.budget"):
        check_budget(settings, lambda: MemoryReading(180.0, 240.0))
    assert [r.levelno for r in caplog.records] == [logging.INFO]
    assert "within zero2w's budget of 256 MB" in caplog.text


def test_over_budget_is_one_warning_naming_profile_figure_and_a_smaller_choice(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = load_settings("zero2w", None, ["profile.lean_memory=false", 'asr.engine="whisper"'])
    with caplog.at_level(logging.INFO, logger="edge.budget"):
        check_budget(settings, lambda: MemoryReading(250.0, 324.0))
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    text = record.getMessage()
    assert "zero2w" in text and "324 MB" in text and "256 MB" in text
    assert 'asr.engine = "vosk"' in text and "profile.lean_memory = true" in text
    assert 'asr.engine = "grammar"' in text  # the recognizer that fits, named before vosk (no model to find)
    assert text.index('asr.engine = "grammar"') < text.index('asr.engine = "vosk"')
    assert "profile.memory_budget_fatal = true" in text


def test_over_budget_is_fatal_when_asked() -> None:
    settings = load_settings("rpi3", None, ["profile.memory_budget_fatal=true"])
    with pytest.raises(ConfigError) as err:
        check_budget(settings, lambda: MemoryReading(400.0, 300.0))
    assert "rpi3" in err.value.message and "400 MB" in err.value.message and "384 MB" in err.value.message
    assert err.value.hint is not None and err.value.hint.startswith("choose a smaller engine or setting: ")
    check_budget(settings, lambda: MemoryReading(300.0, 380.0))  # under: nothing raised


def test_no_reading_is_not_a_failure(caplog: pytest.LogCaptureFixture) -> None:
    settings = load_settings("zero2w", None, ["profile.memory_budget_fatal=true"])
    with caplog.at_level(logging.INFO, logger="edge.budget"):
        check_budget(settings, lambda: MemoryReading(0.0, 0.0))  # no /proc (macOS): not checked
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_smaller_choices_name_the_voice_first_where_piper_speaks() -> None:
    big = load_settings("rpi5", None, ['asr.model="whisper-base.en"', "asr.beam_size=5"])
    choices = smaller_choices(big)
    assert choices[0].startswith('feedback.tts = "espeak-ng"')
    assert choices[1].startswith("profile.lean_memory = true")
    assert 'asr.model = "whisper-tiny.en"' in choices and "asr.beam_size = 1" in choices
    quiet = load_settings("rpi5", None, ['feedback.tts="espeak-ng"'])
    assert not any(c.startswith("feedback.tts") for c in smaller_choices(quiet))
    assert not any(c.startswith("profile.lean") for c in smaller_choices(load_settings("zero2w")))
    assert not any(c.startswith("profile.trim_memory") for c in choices)  # on by default
    untrimmed = smaller_choices(load_settings("rpi5", None, ["profile.trim_memory=false"]))
    assert untrimmed[1].startswith("profile.trim_memory = true") and untrimmed[2].startswith("profile.lean")
    assert not any(c.startswith("feedback.voice_weights") for c in choices)  # int8 by default
    float32 = smaller_choices(load_settings("rpi5", None, ['feedback.voice_weights="float32"']))
    assert float32[2].startswith('feedback.voice_weights = "int8"')


def test_every_profile_fits_its_budget_on_this_machine() -> None:
    """The real stack of each profile (models, NLU, voice) in a fresh process, as `edge bench memory`."""
    names = profiles()
    assert {"rpi3", "rpi4", "rpi5", "zero2w", "x86_64-dev"} <= set(names)
    started = time.monotonic()
    for name in names:
        measured = measure_profile(name)
        assert not measured.error, f"{name}: {measured.error}"
        assert measured.peak_mb >= measured.rss_mb > 50.0, measured
        assert measured.in_use_peak_mb >= measured.peak_mb, measured
        assert measured.fits_at_start, (
            f"{name}: {max(measured.rss_mb, measured.peak_mb):.0f} MB > {measured.budget_mb} MB"
        )
        # in use too: a command transcribed (and, with a grammar, a home change compiled)
        assert measured.fits, f"{name}: {measured.in_use_peak_mb:.0f} MB in use > {measured.budget_mb} MB"
    assert time.monotonic() - started < 120.0  # in `make test`: ~10 s idle on x86, ~40 s under load
