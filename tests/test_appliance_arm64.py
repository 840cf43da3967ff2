"""`make test-arm64` (scripts/test-arm64.sh): the script parses, make plans it outside `make test`, and the
tests it runs on the Pi's architecture still exist (a renamed test would otherwise drop out unnoticed)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "test-arm64.sh"


def default_tests() -> list[str]:
    found = re.search(r"TESTS=\$\{ARM64_TESTS:-(.*?)\}", SCRIPT.read_text(), re.S)
    assert found, "no ARM64_TESTS default in scripts/test-arm64.sh"
    return found.group(1).replace("\\\n", " ").split()


def test_the_script_parses() -> None:
    done = subprocess.run(
        ["bash", "-n", str(SCRIPT)], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr


def test_every_test_it_runs_exists() -> None:
    tests = default_tests()
    assert len(tests) >= 5
    for node in tests:
        path, _, name = node.partition("::")
        assert (ROOT / path).is_file(), f"{path} (in scripts/test-arm64.sh) is gone"
        if name:
            assert re.search(rf"^def {re.escape(name)}\(", (ROOT / path).read_text(), re.M), node


def test_the_pi_cpuinfo_names_an_arm_cpu_and_a_pi() -> None:
    text = (ROOT / "scripts" / "pi4-cpuinfo.txt").read_text()
    assert "CPU implementer\t: 0x41" in text  # ARM
    assert "CPU part\t: 0xd08" in text  # Cortex-A72, the Pi 4's
    assert "Raspberry Pi 4" in text


def test_make_plans_it_and_make_test_does_not(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    for name in ("Makefile", "pyproject.toml", "scripts/step.sh"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)

    def plan(target: str) -> str:
        done = subprocess.run(["make", "-n", "--no-print-directory", target], cwd=tmp_path,
                              capture_output=True, text=True, timeout=30, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "scripts/test-arm64.sh" in plan("test-arm64")
    assert "test-arm64" not in plan("test")
