"""Every malformed input the CLI reads ends in one clear error line (code, file, fix), never a traceback."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from edge.audio.mic import input_devices
from edge.cli import first_edge_error, main, report
from edge.errors import AudioError, ErrorCode
from edge.lab.bench._malformed_inputs import MalformedCase, malformed_cases

CASES = malformed_cases(Path("/nonexistent-placeholder"))  # names only; each test writes its own files


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_malformed_input_is_one_clear_error(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = next(c for c in malformed_cases(tmp_path) if c.name == name)
    code = main(list(case.argv))
    out = capsys.readouterr()
    lines = [line for line in out.err.splitlines() if line.strip()]
    assert code != 0
    assert len(lines) == 1, out.err
    assert lines[0].startswith("edge: error ["), lines[0]
    assert "(fix: " in lines[0], lines[0]
    assert case.expect.lower() in lines[0].lower(), lines[0]


def test_the_error_names_the_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    by_name = {c.name: c for c in malformed_cases(tmp_path)}
    case = by_name["batch line is a list"]
    assert main(list(case.argv)) == 1
    err = capsys.readouterr().err
    assert case.argv[-1] in err and "line 2" in err and "JSON object" in err


def test_a_script_that_would_act_and_crash_is_refused_before_acting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A NaN time used to turn the light on and then fail to store the turn; now nothing runs."""
    by_name = {c.name: c for c in malformed_cases(tmp_path)}
    case = by_name["session t is NaN"]
    assert main(list(case.argv)) == 1
    assert "line 1" in capsys.readouterr().err
    db = Path(case.argv[case.argv.index("--db") + 1])
    assert not db.exists()  # refused before a store was opened or a device touched


def test_unexpected_errors_are_one_line_with_a_debug_hint(capsys: pytest.CaptureFixture[str]) -> None:
    assert report(RuntimeError("boom")) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["edge: unexpected error: RuntimeError: boom", "edge: run with --debug for the traceback"]
    try:
        raise RuntimeError("boom")
    except RuntimeError as raised:
        assert report(raised, debug=True) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "in test_unexpected_errors" in err


def test_edge_errors_are_lifted_out_of_exception_groups(capsys: pytest.CaptureFixture[str]) -> None:
    mic = AudioError("no usable microphone", code=ErrorCode.NO_INPUT_DEVICE, hint="plug one in")
    group = ExceptionGroup("tasks", [ExceptionGroup("inner", [ValueError("x"), mic])])
    assert first_edge_error(group) is mic
    assert report(group) == 1
    assert capsys.readouterr().err.splitlines() == [
        "edge: error [no-input-device]: no usable microphone (fix: plug one in)"
    ]
    assert report(ExceptionGroup("tasks", [KeyError("k")])) == 1
    assert "KeyError" in capsys.readouterr().err


def test_debug_flag_is_accepted_before_and_after_the_command(tmp_path: Path) -> None:
    for argv in (
        ["--debug", "parse", "--config", str(tmp_path)],
        ["parse", "--config", str(tmp_path), "--debug"],
    ):
        out = subprocess.run(
            [sys.executable, "-m", "edge", *argv, "hi"], capture_output=True, text=True, check=False
        )
        assert out.returncode == 1 and "directory" in out.stderr


def test_non_utf8_file_names_and_text_reach_the_terminal(tmp_path: Path) -> None:
    """A Latin-1 file name (surrogate-escaped by Python) is printed escaped, not a UnicodeEncodeError."""
    name = tmp_path / "caf\udce9.wav"
    out = subprocess.run(
        [sys.executable, "-m", "edge", "replay", "--json", str(name)], capture_output=True, check=False
    )
    assert out.returncode == 1
    err = out.stderr.decode("utf-8")
    assert "Traceback" not in err and "does not exist" in err and "caf\\udce9.wav" in err


def _case(cases: list[MalformedCase], name: str) -> MalformedCase:
    return next(c for c in cases if c.name == name)


def test_bench_counts_no_tracebacks_on_a_few_cases_in_subprocesses(tmp_path: Path) -> None:
    cases = malformed_cases(tmp_path)
    for name in ("config deep nesting", "home YAML deep nesting", "audio non-UTF-8 file name"):
        case = _case(cases, name)
        out = subprocess.run(
            [sys.executable, "-m", "edge", *case.argv], capture_output=True, check=False, timeout=120
        )
        err = out.stderr.decode("utf-8", "replace")
        assert out.returncode == 1 and "Traceback" not in err and err.startswith("edge: error ["), err


def test_run_without_a_microphone_prints_the_clear_error_only(tmp_path: Path) -> None:
    try:
        if input_devices():
            pytest.skip("this machine has a microphone")
    except AudioError:
        pass  # no PortAudio at all: the same clear error is expected
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once we leave: no broker there
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "edge",
            "run",
            "--broker",
            f"127.0.0.1:{port}",
            "--db",
            str(tmp_path / "t.db"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 1
    assert "Traceback" not in out.stderr and "ExceptionGroup" not in out.stderr, out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith("edge: error [no-input-device]"), out.stderr
