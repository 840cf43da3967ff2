"""Settings resolve defaults -> profile -> user TOML -> overrides, and bad values give one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge.config import Settings, load_settings, profile_dir
from edge.errors import ConfigError

PROFILES = ("rpi3", "rpi4", "rpi5", "zero2w", "x86_64-dev")


@pytest.mark.parametrize("name", PROFILES)
def test_every_profile_loads_and_declares_its_hardware(name: str) -> None:
    s = load_settings(name)
    assert s.profile.name == name
    assert s.profile.threads >= 1
    assert s.profile.memory_budget_mb > 0
    assert s.wake.backend in {"onnx", "tflite"}
    assert s.asr.engine in {"whisper", "vosk", "pocketsphinx", "grammar"}
    raw = (profile_dir() / f"{name}.toml").read_text()
    for section in ("[profile]", "[audio]", "[wake]", "[asr]", "[satellite]"):
        assert section in raw, f"{name} profile lacks {section}"


def test_layers_override_in_order(tmp_path: Path) -> None:
    user = tmp_path / "user.toml"
    user.write_text('[wake]\nthreshold = 0.7\nwords = ["alexa"]\n[satellite]\narea = "kitchen"\n')
    s = load_settings("rpi4", user, ["wake.threshold=0.65", "satellite.has_screen=true"])
    assert s.profile.name == "rpi4"
    assert s.wake.words == ("alexa",)
    assert s.wake.threshold == pytest.approx(0.65)
    assert s.satellite.area == "kitchen"
    assert s.satellite.has_screen is True


def test_unknown_key_names_the_key_and_valid_ones(tmp_path: Path) -> None:
    user = tmp_path / "user.toml"
    user.write_text("[wake]\nthreshhold = 0.7\n")
    with pytest.raises(ConfigError) as err:
        load_settings("x86_64-dev", user)
    assert "wake.threshhold" in str(err.value)
    assert "threshold" in str(err.value)


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ("wake.threshold=1.5", "wake.threshold"),
        ('wake.threshold="high"', "must be a number"),
        ('asr.engine="kaldi"', "not one of"),
        ("mqtt.port=70000", "mqtt.port"),
        ("audio.frame_ms=85", "frame_ms"),
        ('asr.engine="vosk"', "vosk_model_dir"),
        ("safety.confirm_window_s=0", "confirm_window_s"),
        ("safety.remember_nonces=0", "remember_nonces"),
        ("asr.window_s=2", "asr.window_s must be 4..30"),
        ("asr.window_s=45", "asr.window_s must be 4..30"),
    ],
)
def test_invalid_values_give_one_clear_error(override: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings("x86_64-dev", None, [override])
    assert fragment in str(err.value)


def test_unknown_profile_lists_known_ones() -> None:
    with pytest.raises(ConfigError) as err:
        load_settings("rpi9")
    assert "rpi4" in str(err.value)


def test_broken_toml_is_reported_with_its_path(tmp_path: Path) -> None:
    user = tmp_path / "broken.toml"
    user.write_text("[wake\nthreshold = \n")
    with pytest.raises(ConfigError) as err:
        load_settings("x86_64-dev", user)
    assert str(user) in str(err.value)


def test_settings_are_frozen() -> None:
    s = Settings()
    with pytest.raises(AttributeError):
        s.wake.threshold = 0.9  # type: ignore[misc]


def test_edge_state_dir_replaces_the_default_state_folder_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDGE_STATE_DIR", "/tmp/edge-state-x")
    assert load_settings("x86_64-dev").paths.state_dir == "/tmp/edge-state-x"
    assert load_settings("x86_64-dev", None, ['paths.state_dir="/srv/edge"']).paths.state_dir == "/srv/edge"
    monkeypatch.delenv("EDGE_STATE_DIR")
    assert load_settings("x86_64-dev").paths.state_dir == "var"
