"""The runtime installs and runs outside the checkout: a wheel built from the repo, installed in a fresh
venv in a temporary folder, runs `edge doctor`, `parse`, `replay` and `demo` from a temporary cwd, reading
its data (device types, demo home, firmware profiles, NLU model, models manifest, demo WAV) from the
installed package. The fresh venv reuses the development venv's dependencies through a plain ``.pth`` path
line (which does not run the editable install's finder), so it never sees this checkout's ``edge``."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import signal
import site
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from edge import resources
from edge.config import Settings, default_model_cache, source_checkout
from edge.context.broker import free_port
from edge.modelstore import load_manifest

ROOT = Path(__file__).resolve().parent.parent
SLOW_ASR = ["--set", "asr.timeout_s=200", "--set", "mqtt.command_timeout_s=15"]
# build output and local state that a copy of the checkout leaves behind (models/cache is replaced by a decoy)
_SKIP = {".git", ".venv", "build", "dist", "var", "tmp", "__pycache__", ".mypy_cache", ".ruff_cache",
         ".pytest_cache", ".hypothesis", ".grimp_cache", ".import_linter_cache"}  # fmt: skip
DATA = (
    "edge/_data/devices/types.toml",
    "edge/_data/devices/homes/demo.toml",
    "edge/_data/models/manifest.toml",
    "edge/_data/models/nlu/nlu.int8.onnx",
    "edge/_data/models/nlu/nlu.json",
    "edge/assets/demo_kitchen_light.wav",
    "edge/learning/fpi_tree.json",
    "edge/py.typed",
)


def _ignore(folder: str, names: list[str]) -> set[str]:
    skipped = {n for n in names if n in _SKIP or n.endswith(".egg-info")}
    if Path(folder) == ROOT / "models":
        skipped.add("cache")
    return skipped


def _setuptools_builds_wheels() -> bool:
    """setuptools >= 70.1 builds wheels itself (no `wheel` package): then nothing needs downloading."""
    try:
        major, minor = (int(part) for part in importlib.metadata.version("setuptools").split(".")[:2])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return False
    return (major, minor) >= (70, 1)


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment without anything that points Python or edge at the checkout."""
    drop = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "EDGE_ROOT", "EDGE_PROFILE_DIR", "EDGE_SHARED_DATA",
            "EDGE_MODEL_DIR", "XDG_DATA_HOME"}  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in drop}
    return {**env, "HF_HUB_OFFLINE": "1", **extra}


def _run(
    cmd: Sequence[str], timeout: float = 300, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the checkout (no stale build/ folder of ours goes into it). The
    copy keeps tests/ and gets a decoy models/cache, so their absence from the wheel means something."""
    src = tmp_path_factory.mktemp("src") / "ambient-edge"
    shutil.copytree(ROOT, src, symlinks=True, ignore=_ignore)
    (src / "models" / "cache" / "openwakeword").mkdir(parents=True)
    (src / "models" / "cache" / "openwakeword" / "decoy.onnx").write_bytes(b"not package data")
    out = tmp_path_factory.mktemp("wheelhouse")
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(src)]
    if _setuptools_builds_wheels():
        cmd[4:4] = ["--no-build-isolation", "--no-index"]  # offline: the installed setuptools builds it
    # else pip fetches the build backend (pyproject's build-system) from the configured package index
    done = _run(cmd, cwd=out)
    assert done.returncode == 0, done.stderr[-3000:]
    (built,) = out.glob("ambient_edge-*.whl")
    return built


@dataclass(frozen=True)
class Installed:
    venv: Path
    python: Path
    edge: Path
    cwd: Path
    env: dict[str, str]

    def run(self, args: Sequence[str], timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
        return _run([str(self.edge), *args], timeout, cwd=self.cwd, env={**self.env, **env})


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """A fresh venv outside the checkout with the wheel installed (--no-deps) and the development venv's
    site-packages on a plain .pth path line for the dependencies."""
    base = tmp_path_factory.mktemp("installed")
    venv = base / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    # pip runs under the new interpreter before the .pth exists: it sees no other ambient-edge to replace
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index"]
    done = _run([*pip, "--quiet", str(wheel)])
    assert done.returncode == 0, done.stderr[-3000:]
    purelib = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
    ).stdout.strip()
    (Path(purelib) / "dev-dependencies.pth").write_text("".join(f"{p}\n" for p in site.getsitepackages()))
    cwd = base / "cwd"
    cwd.mkdir()
    env = _clean_env(
        EDGE_MODEL_DIR=str(Settings().model_dir()),  # the downloaded models of this checkout
        XDG_DATA_HOME=str(base / "xdg"),
        PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    return Installed(venv, python, venv / "bin" / "edge", cwd, env)


def test_checkout_reads_its_top_level_data_through_the_package() -> None:
    """In the checkout (and an editable install) the package data are the top-level files themselves."""
    assert resources.device_types().resolve() == ROOT / "devices" / "types.toml"
    assert resources.demo_home().resolve() == ROOT / "devices" / "homes" / "demo.toml"
    assert resources.firmware_profiles_dir().resolve() == ROOT / "firmware_profiles"
    assert resources.models_manifest().resolve() == ROOT / "models" / "manifest.toml"
    assert resources.nlu_model_dir().resolve() == ROOT / "models" / "nlu"
    assert resources.demo_wav().is_file()
    assert source_checkout() == ROOT
    assert default_model_cache() == ROOT / "models" / "cache"


def test_wheel_carries_the_data_and_no_model_cache_or_tests(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for name in DATA:
            assert name in names, f"{name} missing from {wheel.name}"
        profiles = {p.name for p in (ROOT / "firmware_profiles").glob("*.toml")}
        assert {n.rsplit("/", 1)[1] for n in names if "/firmware_profiles/" in n} == profiles
        # copies of the checkout's files, byte for byte
        assert zf.read("edge/_data/devices/types.toml") == (ROOT / "devices" / "types.toml").read_bytes()
        onnx = zf.read("edge/_data/models/nlu/nlu.int8.onnx")
        assert onnx == (ROOT / "models" / "nlu" / "nlu.int8.onnx").read_bytes()
    assert not [n for n in names if "cache" in n.split("/") or n.endswith("decoy.onnx")]
    assert not [n for n in names if "tests" in n.split("/") or n.split("/")[-1].startswith("test_")]
    assert not [n for n in names if n.startswith("edge/_data/") and n.endswith(".py")]


def test_the_installed_edge_is_the_wheel_not_the_checkout(installed: Installed) -> None:
    probe = (
        "import edge, importlib.metadata as m; from edge import resources, config\n"
        "print(edge.__file__); print(resources.demo_home()); print(resources.demo_wav())\n"
        "print(m.distribution('ambient-edge').locate_file('edge'))\n"
        "print(config.source_checkout()); print(config.Settings().model_dir())\n"
    )
    out = _run(
        [str(installed.python), "-c", probe], cwd=installed.cwd, env=_clean_env(XDG_DATA_HOME="/xdg-data")
    )
    assert out.returncode == 0, out.stderr
    edge_file, home, wav, located, checkout, cache = out.stdout.splitlines()
    for path in (edge_file, home, wav, located):
        assert Path(path).resolve().is_relative_to(installed.venv.resolve()), path
        assert not Path(path).resolve().is_relative_to(ROOT), path
    assert Path(home).is_file() and not Path(home).is_symlink()
    assert checkout == "None"
    assert cache == "/xdg-data/ambient-edge/models"


def test_installed_doctor(installed: Installed) -> None:
    out = installed.run(["doctor"])
    assert out.returncode == 0, out.stdout + out.stderr[-2000:]
    assert "OK   profile: " in out.stdout
    assert f"OK   models: all present and verified in {installed.env['EDGE_MODEL_DIR']}" in out.stdout
    assert "OK   wake model: hey_jarvis" in out.stdout
    assert "OK   asr model: whisper" in out.stdout
    assert out.stdout.rstrip().endswith("ready")


def test_installed_parse_uses_the_bundled_model_and_demo_home(installed: Installed) -> None:
    out = installed.run(["parse", "turn on the kitchen light"])
    assert out.returncode == 0, out.stderr[-2000:]
    parsed = json.loads(out.stdout)
    assert parsed["intent"] == "HassTurnOn"
    assert parsed["slots"] == {"name": "kitchen light"}
    assert parsed["targets"] == ["light.kitchen"]


def test_installed_replay_of_the_packaged_wav(installed: Installed) -> None:
    wav = installed.venv.glob("lib/python*/site-packages/edge/assets/demo_kitchen_light.wav")
    (demo_wav,) = wav
    closed = free_port()  # no broker there: the turn is understood, the action fails fast
    out = installed.run(["replay", str(demo_wav), "--json", "--broker", f"127.0.0.1:{closed}", *SLOW_ASR])
    assert out.returncode == 0, out.stderr[-2000:]
    events = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    kinds = [e["type"] for e in events]
    wake = next(e for e in events if e["type"] == "wake")
    assert wake["word"] == "hey_jarvis"
    transcript = next(e for e in events if e["type"] == "transcript")
    assert "kitchen light" in transcript["text"].lower()
    intent = next(e for e in events if e["type"] == "intent")
    assert (intent["intent"], intent["targets"]) == ("HassTurnOn", ["light.kitchen"]), kinds
    assert kinds[-1] == "end" and events[-1]["turns"] == 1


def test_installed_demo_runs_mosquitto_the_simulated_home_and_the_runtime(installed: Installed) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [str(installed.edge), "demo", "--set", f"mqtt.port={port}", "--set", 'feedback.tts="none"',
         "--set", f'feedback.db_path="{installed.cwd}/demo.sqlite3"', *SLOW_ASR],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=installed.cwd, env=installed.env,
        start_new_session=True,  # its own process group: a time-out stops the broker and simulator too
    )  # fmt: skip
    try:
        output, _ = proc.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
        if "listening on the microphone" in output:
            pytest.skip("this machine has a microphone: `edge demo` listens instead of replaying its WAV")
        pytest.fail(f"edge demo did not finish in 180 s:\n{output[-3000:]}")
    assert proc.returncode == 0, output[-3000:]
    assert f"started Mosquitto on 127.0.0.1:{port}" in output
    assert "simulated home demo.toml running" in output
    assert "no microphone found; replaying the bundled demo WAV" in output
    replayed = next(line for line in output.splitlines() if line.startswith("demo: replaying "))
    assert Path(replayed.removeprefix("demo: replaying ")).resolve().is_relative_to(installed.venv.resolve())
    assert "wake hey_jarvis" in output
    assert "heard: turn on the kitchen light" in output
    assert "intent HassTurnOn {'name': 'kitchen light'} -> light.kitchen" in output
    assert "confirmed by the device" in output
    assert "says: Turned on the kitchen light." in output


def test_installed_model_cache_defaults_to_the_user_data_folder(installed: Installed, tmp_path: Path) -> None:
    """Without EDGE_MODEL_DIR an installed runtime keeps its models in $XDG_DATA_HOME/ambient-edge/models,
    and `edge models fetch` fills that folder (here from files already there: nothing is downloaded)."""
    env = {k: v for k, v in installed.env.items() if k != "EDGE_MODEL_DIR"}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    cache = tmp_path / "xdg" / "ambient-edge" / "models"
    verify = _run([str(installed.edge), "models", "verify"], cwd=installed.cwd, env=env)
    assert verify.returncode == 1
    assert f"missing {cache}/" in verify.stdout
    dev_cache = Path(installed.env["EDGE_MODEL_DIR"])
    for package in load_manifest():  # the verified files, linked from this checkout's cache
        (cache / package.target).mkdir(parents=True, exist_ok=True)
        for file in package.files:
            (cache / package.target / file.name).symlink_to(dev_cache / package.target / file.name)
    fetch = _run([str(installed.edge), "models", "fetch"], cwd=installed.cwd, env=env)
    assert fetch.returncode == 0, fetch.stdout + fetch.stderr[-2000:]
    assert "downloading" not in fetch.stdout
    assert fetch.stdout.count(" ok (") == len(load_manifest())
    again = _run([str(installed.edge), "models", "verify"], cwd=installed.cwd, env=env)
    assert again.returncode == 0 and f"verified in {cache}" in again.stdout
