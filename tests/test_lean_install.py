"""The lean device install (issue 16 item 3): the wake path runs without openWakeWord's unused heavy
dependencies, `make run` installs no dev tools, `make test` does, and neither reinstalls needlessly."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "edge" / "assets" / "demo_kitchen_light.wav"
HEAVY = ("scipy", "sklearn", "tflite_runtime")

# Runs in a fresh interpreter: scipy, scikit-learn and tflite-runtime cannot be imported (as on a device
# installed by the Makefile), then a real detection on the demo recording with the real models.
_WAKE_WITHOUT_HEAVY = """
import importlib.abc, json, sys
HEAVY = {heavy!r}
tried = []

class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HEAVY:
            tried.append(name)
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, Absent())
from edge.audio.io import read_audio
from edge.config import load_settings
from edge.events import AudioChunk
from edge.wake.oww import load_wake_detector

detector = load_wake_detector(load_settings("x86_64-dev"))
samples = read_audio({demo!r})
found = []
for i in range(0, len(samples), 1280):
    hit = detector.process(AudioChunk(samples[i : i + 1280], 1000.0 * i / 16_000))
    if hit is not None:
        found.append([hit.word, hit.score])
modules = sorted({{m.split(".")[0] for m in sys.modules}})
print(json.dumps({{"found": found, "tried": tried, "modules": modules}}))
"""


def test_the_wake_path_detects_without_scipy_sklearn_or_tflite_runtime() -> None:
    code = _WAKE_WITHOUT_HEAVY.format(heavy=HEAVY, demo=str(DEMO))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert [word for word, _ in report["found"]] == ["hey_jarvis"]
    assert report["found"][0][1] >= 0.5
    assert report["tried"] == []  # not even attempted: nothing on our path falls back to them
    assert not set(HEAVY) & set(report["modules"])
    assert "openwakeword" in report["modules"]


def _pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _makefile() -> str:
    return (ROOT / "Makefile").read_text(encoding="utf-8")


def test_openwakeword_is_pinned_once_and_installed_without_its_dependencies() -> None:
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    names = [re.split(r"[<>=!~ \[;]", d, maxsplit=1)[0].lower() for d in project["dependencies"]]
    assert "openwakeword" not in names  # else pip pulls scipy, scikit-learn and tflite-runtime
    assert {"onnxruntime", "numpy", "tqdm", "requests"} <= set(names)  # what its wake path imports
    (extra,) = project["optional-dependencies"]["openwakeword"]
    pin = re.search(r"^OWW := (\S+)$", _makefile(), re.MULTILINE)
    assert pin is not None and pin.group(1) == extra
    assert "pip install --no-deps $(OWW)" in _makefile()


@pytest.fixture
def make_dir(tmp_path: Path) -> Path:
    """The Makefile, pyproject.toml and the step script in a scratch folder (make -n reads them only)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    for name in ("Makefile", "pyproject.toml", "scripts/step.sh"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    return tmp_path


def _plan(where: Path, target: str) -> str:
    """What `make -n TARGET` would run (nothing runs)."""
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", target],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _touch_stamps(where: Path, *names: str) -> None:
    newer = (where / "pyproject.toml").stat().st_mtime + 10
    for name in names:
        stamp = where / ".venv" / name
        stamp.touch()
        os.utime(stamp, (newer, newer))


def test_make_run_installs_the_runtime_without_the_dev_extra(make_dir: Path) -> None:
    plan = _plan(make_dir, "run")
    assert "pip install -e .;" in plan and "--no-deps openwakeword==0.6.0" in plan
    assert ".[dev]" not in plan and "rhasspy-hermes" not in plan


def test_make_test_adds_the_dev_extra_on_top_of_the_runtime(make_dir: Path) -> None:
    plan = _plan(make_dir, "test")
    assert plan.index("pip install -e .;") < plan.index('pip install -e ".[dev]"')
    _touch_stamps(make_dir, ".installed-runtime")
    plan = _plan(make_dir, "test")
    assert "pip install -e .;" not in plan and '".[dev]"' in plan  # after `make run`: only the dev part


def test_make_run_after_make_test_installs_nothing(make_dir: Path) -> None:
    _touch_stamps(make_dir, ".installed-runtime", ".installed-dev")
    for target in ("run", "test"):
        plan = _plan(make_dir, target).replace('pip install -e ".[$extras]"', "")  # step 4, the voice extra
        assert "pip install" not in plan


@pytest.mark.parametrize(("arch", "wanted"), [("aarch64", True), ("armv7l", True), ("x86_64", False)])
def test_libatomic1_is_a_system_package_where_vosk_needs_it(make_dir: Path, arch: str, wanted: bool) -> None:
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", "system-deps", f"ARCH={arch}"],
        cwd=make_dir,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert ("libatomic1" in done.stdout.split("apt-get install -y", 1)[1]) is wanted
