"""What the runtime costs before any model loads: `edge run` / `edge replay` import only their own command
and the runtime, not the tooling's commands (simulators, benchmarks, the fleet aggregator), and libraries
only some devices use stay unimported until a setting asks for them (each is megabytes on a Pi)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from edge.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent

_RUNTIME_COMMAND = """
import json, sys
import edge.app, edge.cli
args = edge.cli.build_parser({command!r}).parse_args({argv!r})
assert args.command == {command!r}, args
modules = {{m.split(".")[0] for m in sys.modules}}
modules |= {{m for m in sys.modules if m.startswith("edge.lab.")}}
print(json.dumps(sorted(modules)))
"""


def _modules(command: str, argv: list[str]) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = _RUNTIME_COMMAND.format(command=command, argv=argv)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(("command", "argv"), [("run", ["run"]), ("replay", ["replay", "x.wav"])])
def test_the_runtime_commands_load_no_tooling_and_no_cryptography(command: str, argv: list[str]) -> None:
    modules = _modules(command, argv)
    assert "edge" in modules and "numpy" in modules  # the runtime was imported
    # cryptography (~6 MB resident) signs fleet reports and verifies a global layer: only then is it loaded
    assert "cryptography" not in modules
    assert not {"aiohttp", "torch", "onnx", "hassil", "wyoming"} & modules  # Wyoming: only when enabled
    assert not {m for m in modules if m.startswith("edge.lab.") and m != "edge.lab.commands"}


def test_the_whole_parser_still_lists_every_command_for_help_and_unknown_words() -> None:
    everything = build_parser().parse_args(["bench", "nlu"])
    assert everything.command == "bench"
    for word in (None, "nosuch", "install-service"):
        parser = build_parser(word)
        assert parser.parse_args(["install-service", "--dry-run"]).command == "install-service"


def test_signing_keys_load_cryptography_when_they_are_used(tmp_path: Path) -> None:
    from edge.sync.keyfile import key_id, load_or_create_key  # noqa: PLC0415 - the lazy imports run here
    from edge.sync.release import public_key_hex  # noqa: PLC0415

    key = load_or_create_key(tmp_path / "device.key")
    assert (tmp_path / "device.key").stat().st_mode & 0o077 == 0
    public = public_key_hex(key)
    assert key_id(public) == key_id(key) == key_id(key.public_key())
    assert public_key_hex(load_or_create_key(tmp_path / "device.key")) == public
