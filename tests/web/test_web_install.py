"""The household page's place in the install and the commands: Chromium only on the test path, the page's
files in the wheel's package data, `edge run --web`, and `edge sync` honouring the page's sync switch."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from web_home import make_home

from edge.config import load_settings
from edge.errors import ConfigError
from edge.learning.household import Household
from edge.web.changes import set_sync

ROOT = Path(__file__).resolve().parents[2]


def plan(tmp_path: Path, target: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    for name in ("Makefile", "pyproject.toml", "scripts/step.sh"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    (tmp_path / ".venv" / "bin").mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", target], cwd=tmp_path, capture_output=True, text=True,
        timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_chromium_is_installed_for_the_tests_never_for_the_device(tmp_path: Path) -> None:
    assert "chromium" not in plan(tmp_path, "run")
    assert "chromium" in plan(tmp_path, "test")
    assert "chromium" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_page_ships_in_the_wheel_and_aiohttp_is_a_runtime_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data = project["tool"]["setuptools"]["package-data"]["edge"]
    assert "web/templates/*.html" in data and "web/static/*.css" in data
    names = [d.split(">")[0].split("=")[0].strip().lower() for d in project["project"]["dependencies"]]
    assert "aiohttp" in names
    shipped = {p.name for p in (ROOT / "edge" / "web").rglob("*") if p.suffix in {".html", ".css"}}
    assert {"base.html", "today.html", "learned.html", "home.html", "doing.html", "leaves.html"} <= shipped
    assert "style.css" in shipped


def test_edge_run_offers_web() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "edge", "run", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "--web" in out.stdout and "household page" in out.stdout


def test_edge_sync_sends_nothing_once_the_household_switched_it_off(tmp_path: Path) -> None:
    home = make_home(tmp_path)
    set_sync(home.tables, "off")
    assert Household(home.tables).load().sync_off
    out = subprocess.run(
        [sys.executable, "-m", "edge", "sync", "--db", str(home.db), "--set", "sync.enabled=true",
         "--set", f"paths.state_dir={tmp_path / 'state'}", "--timeout", "1"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert out.returncode != 0
    assert "switched fleet sync off on its page" in out.stderr, out.stderr[-1000:]


@pytest.mark.parametrize(
    ("override", "words"),
    [("web.token=short", "at least 8 characters"), ("web.port=70000", "port in 0..65535")],
)
def test_a_bad_web_setting_names_itself(override: str, words: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings("x86_64-dev", None, [override])
    assert f"--set {override}" in str(err.value) and words in str(err.value)
