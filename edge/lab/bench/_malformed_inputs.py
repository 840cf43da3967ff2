"""Malformed inputs for every file and line the CLI reads: each must end in one clear error.

Shared by ``tests/test_inputs_cli.py`` (in process) and the replay part of ``edge bench reliability`` (in
a subprocess per case, counting tracebacks). :func:`malformed_cases` writes the files into a folder.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

from edge import resources

__all__ = ["MalformedCase", "malformed_cases"]

DEEP = 5_000  # nesting deeper than Python's recursion limit


@dataclass(frozen=True, slots=True)
class MalformedCase:
    """``argv`` for ``edge`` (without the program name); ``expect`` is a word the error must contain."""

    name: str
    argv: tuple[str, ...]
    expect: str = ""


def _wav_header(rate: int, channels: int, data_bytes: int, bits: int = 16) -> bytes:
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * block, block, bits)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVE"
        + b"fmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", data_bytes)
    )


def malformed_cases(folder: Path) -> list[MalformedCase]:
    """Write the inputs into ``folder`` and return the cases (about fifty; every one must fail cleanly)."""
    folder.mkdir(parents=True, exist_ok=True)
    home = str(resources.demo_home())

    def put(name: str, data: bytes | str) -> str:
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return str(path)

    deep_toml = "a = " + "[" * DEEP + "]" * DEEP + "\n"
    deep_json = "[" * DEEP * 20 + "\n"
    non_utf8 = os.fsdecode(b"caf\xe9")  # a file name in Latin-1: not valid UTF-8
    missing = str(folder / "missing")
    cases: list[MalformedCase] = []

    def parse_with(name: str, *args: str, expect: str = "") -> None:
        cases.append(MalformedCase(name, ("parse", *args, "turn on the light"), expect))

    # config TOML (--config) and overrides (--set)
    parse_with("config missing", "--config", missing + ".toml", expect="does not exist")
    parse_with("config directory", "--config", str(folder), expect="directory")
    parse_with("config not UTF-8", "--config", put("latin1.toml", b"[wake]\n# caf\xe9\n"), expect="UTF-8")
    parse_with("config deep nesting", "--config", put("deep.toml", deep_toml), expect="deeply")
    parse_with("config invalid TOML", "--config", put("bad.toml", "[wake\nthreshold = "), expect="TOML")
    parse_with("config wrong type", "--config", put("type.toml", '[wake]\nthreshold = "high"\n'))
    parse_with("config section not a table", "--config", put("section.toml", "wake = 3\n"))
    parse_with("config unknown key", "--config", put("unknown.toml", "[wake]\nloudness = 3\n"))
    parse_with("config NaN", "--config", put("nan.toml", "[wake]\nthreshold = nan\n"), expect="finite")
    parse_with("config non-UTF-8 file name", "--config", str(folder / f"{non_utf8}.toml"))
    parse_with("--set deep nesting", "--set", "wake.threshold=" + "[" * DEEP, expect="deeply")
    parse_with("--set without =", "--set", "wake.threshold")
    parse_with("--set empty name", "--set", "wake..threshold=0.5")
    parse_with("--set infinity", "--set", "mqtt.command_timeout_s=inf", expect="finite")
    parse_with("--set below a value", "--set", "wake.threshold.x=1")
    # home files (TOML and HA fixture YAML)
    parse_with("home missing", "--home", missing + ".toml")
    parse_with("home directory", "--home", str(folder), expect="folder")
    parse_with("home not UTF-8", "--home", put("home_latin1.toml", b'name = "caf\xe9"\n'), expect="UTF-8")
    parse_with("home deep nesting", "--home", put("home_deep.toml", deep_toml), expect="deeply")
    parse_with("home device not a list", "--home", put("home_dev.toml", "device = 3\n"))
    parse_with(
        "home attributes not a table",
        "--home",
        put("home_attr.toml", '[[device]]\nentity_id = "light.a"\ntype = "dimmable_light"\nattributes = 3\n'),
    )
    parse_with("home unknown type", "--home", put("home_type.toml", '[[device]]\nentity_id = "light.a"\n'))
    parse_with("home YAML deep nesting", "--home", put("deep.yaml", "[" * DEEP), expect="deeply")
    parse_with("home YAML floors not a list", "--home", put("floors.yaml", "floors: 3\n"))
    parse_with("home YAML empty", "--home", put("empty.yaml", ""))
    parse_with("home YAML not UTF-8", "--home", put("latin1.yaml", b"floors: [caf\xe9]\n"), expect="UTF-8")
    parse_with("home non-UTF-8 file name", "--home", put(f"{non_utf8}.toml", "device = 3\n"))

    # edge parse --batch lines
    def batch(name: str, data: bytes | str, expect: str = "") -> None:
        file = put(f"batch_{len(cases)}.jsonl", data)
        cases.append(MalformedCase(f"batch {name}", ("parse", "--batch", file), expect))

    batch("line is a list", '{"text": "hi"}\n[1]\n', expect="line 2")
    batch("line is a string", '"turn on the light"\n')
    batch("text is a number", '{"text": 3}\n')
    batch("context is a number", '{"text": "hi", "context": 3}\n')
    batch("states is a list", '{"text": "hi", "context": {"states": ["on"]}}\n')
    batch("NaN", '{"text": "hi", "context": {"screen": NaN}}\n')
    batch("deep nesting", deep_json, expect="deeply")
    batch("not UTF-8", b'{"text": "caf\xe9"}\n', expect="UTF-8")
    batch("not JSON", "text: hi\n")
    cases.append(MalformedCase("batch directory", ("parse", "--batch", str(folder)), "directory"))
    cases.append(MalformedCase("batch missing", ("parse", "--batch", missing + ".jsonl"), "does not exist"))

    # session scripts
    def session(name: str, data: bytes | str, expect: str = "") -> None:
        n = len(cases)
        script = put(f"script_{n}.jsonl", data)
        argv = ("session", script, "--home", home, "--db", str(folder / f"s{n}.sqlite3"))
        cases.append(MalformedCase(f"session {name}", argv, expect))

    session("t is NaN", '{"t": NaN, "say": "turn on the kitchen light"}\n', expect="NaN")
    session("t is Infinity", '{"t": Infinity, "say": "turn on the kitchen light"}\n', expect="Infinity")
    session("t overflows", '{"t": 1e999, "say": "turn on the kitchen light"}\n')
    session("t is huge", '{"t": 1e300, "say": "turn on the kitchen light"}\n')
    session("t is negative", '{"t": -5, "say": "turn on the kitchen light"}\n')
    session("t missing", '{"say": "turn on the kitchen light"}\n')
    session("say is a number", '{"t": 1, "say": 42}\n')
    session("unpaired surrogate", '{"t": 1, "say": "turn on the kitchen light \\udcff"}\n', "surrogate")
    session("line is a list", "[1, 2]\n")
    session("deep nesting", deep_json, expect="deeply")
    session("not UTF-8", b'{"t": 1, "say": "caf\xe9"}\n', expect="UTF-8")
    session("empty", "", expect="empty")
    session("audio file missing", '{"t": 1, "audio": "nowhere.wav"}\n', expect="does not exist")
    cases.append(
        MalformedCase(
            "session directory", ("session", str(folder), "--home", home, "--db", str(folder / "d.sqlite3"))
        )
    )

    # audio files (edge replay)
    def replay(name: str, data: bytes | None, suffix: str = ".wav", expect: str = "") -> None:
        path = put(f"audio_{len(cases)}{suffix}", data) if data is not None else missing + suffix
        cases.append(MalformedCase(f"audio {name}", ("replay", "--json", path), expect))

    replay("missing", None, expect="does not exist")
    replay("text file", b"this is not audio at all\n" * 20)
    replay("RIFF header then random bytes", b"RIFF\x24\x10\x00\x00WAVE" + os.urandom(200))
    replay("truncated header", _wav_header(16_000, 1, 32_000)[:30])
    replay("header only, no samples", _wav_header(16_000, 1, 32_000), expect="no audio")
    replay("empty file", b"")
    replay("sample rate 1 kHz", _wav_header(1_000, 1, 2_000) + bytes(2_000), expect="sample rate")
    replay("64 channels", _wav_header(16_000, 64, 12_800) + bytes(12_800), expect="channels")
    replay("FLAC name, WAV junk", b"fLaC" + os.urandom(100), suffix=".flac")
    cases.append(MalformedCase("audio directory", ("replay", "--json", str(folder)), "directory"))
    cases.append(
        MalformedCase("audio non-UTF-8 file name", ("replay", "--json", str(folder / f"{non_utf8}.wav")))
    )
    return cases
