"""`edge bench tts` measures both engines in the same run and prints their figures and ratios."""

from __future__ import annotations

import argparse
import re
import shutil

import pytest

from edge.config import load_settings
from edge.lab.bench import tts as bench_tts

pytest.importorskip("piper", reason="the `voice` extra (piper-tts) is not installed: make models")


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
def test_bench_prints_first_audio_and_rtf_for_both_engines(capsys: pytest.CaptureFixture[str]) -> None:
    args = argparse.Namespace(runs=1, quick=True)
    assert bench_tts.run(load_settings("x86_64-dev"), args) == 0
    out = capsys.readouterr().out
    assert "this profile speaks with piper" in out
    rows = {
        m.group(1).strip(): m.groups()[1:]
        for m in re.finditer(r"^  (\S.{27}) +([\d.]+)(?: ms)? +([\d.]+)(?: ms)? +([\d.]+)x$", out, re.M)
    }
    assert set(rows) == {
        "time to first audio (median)", "3 sentences: first audio", "3 sentences: all audio",
        "real-time factor (median)",
    }  # fmt: skip
    for piper, espeak, ratio in rows.values():
        assert float(piper) > 0 and float(espeak) > 0
        assert float(ratio) == pytest.approx(float(piper) / float(espeak), rel=0.1, abs=0.1)
    # streaming: the first sentence of three arrives before all three are made
    first, total = float(rows["3 sentences: first audio"][0]), float(rows["3 sentences: all audio"][0])
    assert first < total
    assert float(rows["real-time factor (median)"][0]) < 1.0  # faster than real time on a dev machine
