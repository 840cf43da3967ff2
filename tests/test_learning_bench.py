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


@pytest.mark.slow
def test_bench_learning_only_fpi_runs_the_failure_point_section_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["bench", "learning", "--quick", "--only", "fpi", "--profile", "x86_64-dev"]) == 0
    out = capsys.readouterr().out
    assert "failure points only" in out and "macro accuracy" in out and "the committed forest" in out
    assert "tables + retrieval" not in out and "rebuild tables" not in out and "real audio" not in out


def test_bench_learning_only_takes_fpi(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "learning", "--only", "hwu", "--profile", "x86_64-dev"]) == 2
    assert "--only takes fpi" in capsys.readouterr().out
