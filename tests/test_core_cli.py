"""The `edge` command: subcommands are discovered, errors are one clear line with a code."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

from edge import commands
from edge.cli import build_parser, main


def test_core_subcommands_are_registered() -> None:
    parser = build_parser()
    text = parser.format_help()
    for name in ("models", "bench"):
        assert name in text


def test_edge_error_is_one_line_with_code(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["models", "verify", "--profile", "rpi9"])
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("edge: error [config-invalid]")


def test_module_entry_point_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "edge", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("ambient-edge ")


def test_bad_profile_message_is_clear() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "edge", "models", "verify", "--profile", "rpi9"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 1
    assert "config-invalid" in out.stderr
    assert "rpi4" in out.stderr
    assert "Traceback" not in out.stderr


def test_every_command_module_imports() -> None:
    for info in pkgutil.iter_modules(commands.__path__):
        importlib.import_module(f"edge.commands.{info.name}")
