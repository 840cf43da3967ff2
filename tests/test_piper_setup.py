"""A first run a person can read: each setup step is one progress line with its whole output in a log file,
and the package metadata builds without setuptools' licence deprecation warnings."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

from edge.config import project_root

ROOT = project_root()
STEP = ROOT / "scripts" / "step.sh"


def _step(tmp_path: Path, script: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    log = tmp_path / "logs" / "2-python.log"
    result = subprocess.run(
        [str(STEP), "2/4", "Python environment", str(log), "bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result, log


def test_a_step_is_one_line_and_its_output_goes_to_the_log(tmp_path: Path) -> None:
    result, log = _step(tmp_path, "for i in $(seq 200); do echo unpacking package-$i; done; echo warning >&2")
    assert result.returncode == 0
    assert re.fullmatch(r"\[2/4\] Python environment \.\.\. done \(\d+ s\)\n", result.stdout), result.stdout
    text = log.read_text()
    assert "unpacking package-200" in text and "warning" in text and "[2/4] Python environment" in text


def test_a_failed_step_names_its_log_and_shows_the_last_lines(tmp_path: Path) -> None:
    result, log = _step(
        tmp_path, "for i in $(seq 100); do echo line-$i; done; echo 'E: no such package' >&2; exit 7"
    )
    assert result.returncode == 7
    lines = result.stdout.splitlines()
    assert lines[0].startswith("[2/4] Python environment ... FAILED (exit 7")
    assert lines[1] == f"last lines of {log} (the whole log is there):"
    assert lines[-1].strip() == "E: no such package" and "line-100" in result.stdout
    assert "line-1\n" not in result.stdout and "line-1\n" in log.read_text()  # the start stays in the log


def test_licence_is_an_spdx_expression_with_the_setuptools_that_reads_it() -> None:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        project = tomllib.load(fh)
    assert project["project"]["license"] == "Apache-2.0"
    assert project["project"]["license-files"] == ["LICENSE"]
    assert "Apache License" in (ROOT / "LICENSE").read_text()[:200]
    # PEP 639 fields arrived in setuptools 77.0; older ones reject a string licence
    assert project["build-system"]["requires"] == ["setuptools>=77.0.3"]
    makefile = (ROOT / "Makefile").read_text()
    assert (
        '"setuptools>=77.0.3"' in makefile
    )  # the venv's own setuptools (make wheel builds without isolation)
