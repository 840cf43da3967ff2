"""``edge replay`` and ``edge doctor`` as a user runs them: subprocesses of the installed command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_voice_support import DEMO, ROOT

EDGE = Path(sys.executable).parent / "edge"


def run_edge(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [str(EDGE), *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env, check=False
    )


def test_replay_json_prints_wake_transcript_end() -> None:
    # a generous ASR timeout: the shared test machine may be busy
    result = run_edge("replay", str(DEMO), "--json", "--profile", "x86_64-dev", "--set", "asr.timeout_s=200")
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert not [e for e in events if e["type"] == "error"], events
    kinds = [e["type"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "end"
    wake = next(e for e in events if e["type"] == "wake")
    assert {"word", "score", "t_ms"} <= wake.keys() and wake["word"] == "hey_jarvis"
    transcript = next(e for e in events if e["type"] == "transcript")
    assert {"text", "confidence", "engine", "t_ms"} <= transcript.keys()
    assert "kitchen light" in transcript["text"].lower()
    assert events[-1]["turns"] == 1


def test_replay_of_a_bad_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_text("not audio")
    result = run_edge("replay", str(bad))
    assert result.returncode == 1
    assert "audio-unreadable" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_doctor_reports_every_check() -> None:
    result = run_edge("doctor", "--profile", "x86_64-dev", "--json")
    checks = {c["check"]: c for c in map(json.loads, result.stdout.splitlines())}
    assert {"profile", "models", "wake model", "asr model", "microphone", "espeak-ng", "mqtt broker"} <= set(
        checks
    )
    assert checks["models"]["ok"] and checks["wake model"]["ok"] and checks["asr model"]["ok"]
    assert result.returncode == 0
    if not checks["microphone"]["ok"]:
        assert "edge replay" in checks["microphone"]["fix"]


def test_doctor_fails_without_models(tmp_path: Path) -> None:
    result = run_edge("doctor", "--profile", "x86_64-dev", "--set", f'paths.model_dir="{tmp_path}"')
    assert result.returncode == 1
    assert "FAIL models" in result.stdout and "make models" in result.stdout
