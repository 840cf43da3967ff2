"""Fuzzed input files and lines through the real loaders: each ends in success or one EdgeError, never in
another exception. One test per input kind: config (and --set), home (TOML and YAML), batch line, session
script, audio file; and a few through the real CLI entry."""

from __future__ import annotations

import json
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edge.audio.io import probe_audio, read_audio
from edge.cli import main
from edge.commands.parse import _batch_item
from edge.config import load_settings
from edge.context.homes import load_home
from edge.errors import EdgeError
from edge.lab.session.script import load_script

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["turn on the kitchen light", "\udcff", "light.kitchen", ""]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)


@contextmanager
def a_file(name: str, data: bytes | str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="edge-fuzz-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogateescape"))
        yield path


def only_edge_errors(load: Any, *args: Any) -> None:
    try:
        load(*args)
    except EdgeError as err:
        assert err.code and str(err)


# --- config TOML and --set overrides ---------------------------------------------------------------
SECTIONS = [
    "wake",
    "vad",
    "asr",
    "mqtt",
    "audio",
    "nlu",
    "feedback",
    "learning",
    "satellite",
    "bogus",
    "wake.x",
]
KEYS = ["threshold", "words", "port", "frame_ms", "engine", "tts", "timeout_s", "host", "enabled", "x", ""]
TOML_VALUES = [
    "0.5",
    "nan",
    "inf",
    "-1",
    "1e999",
    '"a"',
    "[1, 2]",
    '["hey_jarvis"]',
    "true",
    "{a = 1}",
    "[[[",
]
toml_lines = st.one_of(
    st.builds(lambda s: f"[{s}]", st.sampled_from(SECTIONS)),
    st.builds(lambda k, v: f"{k} = {v}", st.sampled_from(KEYS), st.sampled_from(TOML_VALUES)),
    st.text(max_size=40),
)
toml_texts = st.lists(toml_lines, max_size=8).map("\n".join)


@FUZZ
@given(text=toml_texts, raw=st.binary(max_size=60), use_raw=st.booleans())
def test_fuzzed_config_files_load_or_fail_clearly(text: str, raw: bytes, use_raw: bool) -> None:
    with a_file("config.toml", raw if use_raw else text) as path:
        only_edge_errors(load_settings, None, path)


@FUZZ
@given(key=st.sampled_from([*SECTIONS, *KEYS, "wake.threshold", "mqtt.port"]), value=st.text(max_size=30))
def test_fuzzed_overrides_load_or_fail_clearly(key: str, value: str) -> None:
    only_edge_errors(load_settings, None, None, [f"{key}={value}"])
    only_edge_errors(load_settings, None, None, [value])


# --- home files ---------------------------------------------------------------------------------------
HOME_KEYS = [
    "entity_id",
    "type",
    "name",
    "area",
    "aliases",
    "transport",
    "state",
    "attributes",
    "device_class",
]
HOME_VALUES = ['"light.a"', '"dimmable_light"', '"lock"', "3", "[1]", '["x"]', "{}", '"z2m"', "nan", '""']
home_lines = st.one_of(
    st.sampled_from(["[[device]]", "[areas]", "device = 3", "areas = 1", 'floors = ["a"]', 'types = "x"']),
    st.builds(lambda k, v: f"{k} = {v}", st.sampled_from(HOME_KEYS), st.sampled_from(HOME_VALUES)),
    st.text(max_size=30),
)
fixtures = st.dictionaries(
    st.sampled_from(["floors", "areas", "entities", "name"]),
    st.lists(
        st.dictionaries(st.sampled_from(["id", "name", "floor", "area", "state", "attributes"]), json_values)
    )
    | json_values,
)


@FUZZ
@given(
    lines=st.lists(home_lines, max_size=10),
    fixture=fixtures,
    raw=st.binary(max_size=40),
    kind=st.integers(0, 2),
)
def test_fuzzed_home_files_load_or_fail_clearly(
    lines: list[str], fixture: dict[str, Any], raw: bytes, kind: int
) -> None:
    if kind == 0:
        with a_file("home.toml", "\n".join(lines)) as path:
            only_edge_errors(load_home, path)
    elif kind == 1:
        with a_file("home.yaml", yaml.safe_dump(fixture, allow_unicode=True)) as path:
            only_edge_errors(load_home, path)
    else:
        with a_file("home.yaml", raw) as path:
            only_edge_errors(load_home, path)


# --- edge parse --batch lines ------------------------------------------------------------------------
batch_lines = st.one_of(
    json_values.map(json.dumps),
    st.fixed_dictionaries({"text": json_values, "context": json_values}).map(json.dumps),
    st.fixed_dictionaries(
        {
            "text": st.text(max_size=20),
            "context": st.dictionaries(st.sampled_from(["area", "states", "screen"]), json_values),
        }
    ).map(json.dumps),
    st.text(max_size=60),
)


@FUZZ
@given(line=batch_lines)
def test_fuzzed_batch_lines_parse_or_fail_clearly(line: str) -> None:
    only_edge_errors(_batch_item, Path("batch.jsonl"), 7, line)


# --- session scripts ---------------------------------------------------------------------------------
script_lines = st.one_of(
    st.dictionaries(
        st.sampled_from(["t", "say", "audio", "toggle", "barge_in", "wake", "no_wake"]),
        json_values | st.sampled_from([float("nan"), float("inf"), 1e300, -1.0]),
        max_size=4,
    ).map(json.dumps),
    st.text(max_size=40),
)


@FUZZ
@given(lines=st.lists(script_lines, max_size=6), raw=st.binary(max_size=40), use_raw=st.booleans())
def test_fuzzed_session_scripts_load_or_fail_clearly(lines: list[str], raw: bytes, use_raw: bool) -> None:
    with a_file("script.jsonl", raw if use_raw else "\n".join(lines)) as path:
        only_edge_errors(load_script, path)


# --- audio files -------------------------------------------------------------------------------------
def wav_header(fmt_tag: int, channels: int, rate: int, bits: int, data_len: int) -> bytes:
    block = max(1, channels * bits // 8) & 0xFFFF
    fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, (rate * block) & 0xFFFFFFFF, block, bits)
    return (
        b"RIFF"
        + struct.pack("<I", (36 + data_len) & 0xFFFFFFFF)
        + b"WAVEfmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", data_len)
    )


def valid_wav() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.wav"
        sf.write(path, (0.1 * np.sin(np.arange(4_000) / 5.0)).astype(np.float32), 22_050, subtype="PCM_16")
        return path.read_bytes()


VALID_WAV = valid_wav()
audio_bytes = st.one_of(
    st.binary(max_size=400).map(lambda b: b"RIFF" + b[:4] + b"WAVE" + b[4:]),
    st.builds(
        lambda tag, ch, rate, bits, n, body: wav_header(tag, ch, rate, bits, n) + body,
        st.sampled_from([0, 1, 2, 3, 6, 7, 0x11, 0xFFFE, 0x1234]),
        st.integers(0, 70),
        st.sampled_from([0, 1, 1_000, 8_000, 16_000, 44_100, 48_000, 400_000, 2**32 - 1]),
        st.sampled_from([0, 1, 4, 8, 12, 16, 24, 32, 64]),
        st.integers(0, 2**32 - 1),
        st.binary(max_size=300),
    ),
    st.integers(0, len(VALID_WAV)).map(lambda n: VALID_WAV[:n]),
    st.binary(max_size=200),
)


@FUZZ
@given(data=audio_bytes, suffix=st.sampled_from([".wav", ".flac", ".ogg"]))
def test_fuzzed_audio_files_read_or_fail_clearly(data: bytes, suffix: str) -> None:
    with a_file(f"audio{suffix}", data) as path:
        only_edge_errors(read_audio, path)
        only_edge_errors(probe_audio, path)


# --- through the real CLI entry ----------------------------------------------------------------------
@FEW
@given(data=audio_bytes, config=toml_texts)
def test_fuzzed_inputs_through_the_cli_exit_cleanly(data: bytes, config: str) -> None:
    with a_file("audio.wav", data) as wav, a_file("config.toml", config) as cfg:
        for argv in (
            ["replay", "--json", "--config", str(cfg), str(wav)],
            ["models", "verify", "--config", str(cfg)],
        ):
            err, out = StringIO(), StringIO()
            with redirect_stderr(err), redirect_stdout(out):
                if argv[0] == "replay" and _would_replay(wav):
                    continue  # a readable file would run the whole pipeline: covered elsewhere
                code = main(argv)
            text = err.getvalue()
            assert "Traceback" not in text and "unexpected error" not in text, text
            assert code == 0 or text.startswith("edge: error ["), text


def _would_replay(wav: Path) -> bool:
    try:
        probe_audio(wav)
    except EdgeError:
        return False
    return True
