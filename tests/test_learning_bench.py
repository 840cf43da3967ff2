"""Smoke test of ``edge bench learning --quick`` (prints the tables; figures are reported, not asserted)."""

from __future__ import annotations

import pytest

from edge.cli import main


@pytest.mark.slow
def test_bench_learning_quick_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "learning", "--quick", "--profile", "x86_64-dev"]) == 0
    out = capsys.readouterr().out
    assert "tables + retrieval" in out and "macro accuracy" in out and "rebuild tables" in out
    assert "did you mean: asked" in out
    assert "real audio" in out and "word error rate" in out
