"""Every board gets its profile from its device-tree model string; a board nobody listed gets the closest safe
profile and one clear line. Strings as the Raspberry Pi firmware writes them (with the revision) and as a
mainline kernel's device tree names the board (linux arch/arm/boot/dts/broadcom/bcm27*-rpi-*.dts)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from edge.boards import match_board, memory_mb, profile_for_memory
from edge.config import detect_profile, load_settings

BOARDS = [
    # Pi 5 family: BCM2712
    ("Raspberry Pi 5 Model B Rev 1.0", "rpi5"),
    ("Raspberry Pi 5 Model B Rev 1.1", "rpi5"),
    ("Raspberry Pi Compute Module 5 Rev 1.0", "rpi5"),
    ("Raspberry Pi Compute Module 5", "rpi5"),
    ("Raspberry Pi 500 Rev 1.0", "rpi5"),
    ("Raspberry Pi 500+ Rev 1.0", "rpi5"),
    ("Raspberry Pi Compute Module 5 Lite Rev 1.0", "rpi5"),
    # Pi 4 family: BCM2711
    ("Raspberry Pi 4 Model B Rev 1.4", "rpi4"),
    ("Raspberry Pi 4 Model B Rev 1.5", "rpi4"),
    ("Raspberry Pi 4 Model B", "rpi4"),
    ("Raspberry Pi 400 Rev 1.0", "rpi4"),
    ("Raspberry Pi 400", "rpi4"),
    ("Raspberry Pi Compute Module 4 Rev 1.0", "rpi4"),
    ("Raspberry Pi Compute Module 4 IO Board", "rpi4"),
    ("Raspberry Pi Compute Module 4S Rev 1.0", "rpi4"),
    # Pi 3 family: BCM2837
    ("Raspberry Pi 3 Model B Rev 1.2", "rpi3"),
    ("Raspberry Pi 3 Model B Plus Rev 1.3", "rpi3"),
    ("Raspberry Pi 3 Model B+", "rpi3"),
    ("Raspberry Pi Compute Module 3 Rev 1.0", "rpi3"),
    ("Raspberry Pi Compute Module 3 Plus Rev 1.0", "rpi3"),
    ("Raspberry Pi Compute Module 3 IO board V3.0", "rpi3"),
    # 512 MB boards
    ("Raspberry Pi Zero 2 W Rev 1.0", "zero2w"),
    ("Raspberry Pi Zero 2 W", "zero2w"),
    ("Raspberry Pi 3 Model A Plus Rev 1.0", "zero2w"),
]


def _model(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "model"
    path.write_bytes(text.encode() + b"\x00")  # the firmware's string ends in a NUL
    return path


def _meminfo(tmp_path: Path, mb: int) -> Path:
    path = tmp_path / "meminfo"
    path.write_text(f"MemTotal:       {mb * 1024} kB\nMemFree:        1000 kB\n")
    return path


@pytest.mark.parametrize(("model", "profile"), BOARDS)
def test_each_board_gets_its_profile(tmp_path: Path, model: str, profile: str) -> None:
    match = match_board(_model(tmp_path, model), _meminfo(tmp_path, 4096), machine="aarch64")
    assert (match.profile, match.note) == (profile, "")
    assert match.model == model


@pytest.mark.parametrize(("model", "profile"), BOARDS)
def test_detect_profile_reads_the_model_file_and_the_profile_loads(
    tmp_path: Path, model: str, profile: str
) -> None:
    assert detect_profile(_model(tmp_path, model)) == profile
    assert load_settings(profile).profile.name == profile


@pytest.mark.parametrize(
    "model",
    ["Raspberry Pi 2 Model B Rev 1.1", "Raspberry Pi Zero W Rev 1.1", "Raspberry Pi Model B Plus Rev 1.2",
     "Raspberry Pi Compute Module Rev 1.0"],
)  # fmt: skip
def test_a_32_bit_pi_gets_the_smallest_profile_and_says_it_is_unsupported(tmp_path: Path, model: str) -> None:
    match = match_board(_model(tmp_path, model), _meminfo(tmp_path, 512), machine="armv7l")
    assert match.profile == "zero2w"
    assert "does not support" in match.note and model in match.note


@pytest.mark.parametrize(
    ("mb", "profile"), [(512, "zero2w"), (1024, "rpi3"), (2048, "rpi4"), (16384, "rpi4")]
)
def test_an_unknown_pi_gets_the_closest_profile_safe_for_its_memory(
    tmp_path: Path, mb: int, profile: str, caplog: pytest.LogCaptureFixture
) -> None:
    model = _model(tmp_path, "Raspberry Pi 7 Model Z Rev 9.9")
    match = match_board(model, _meminfo(tmp_path, mb), machine="aarch64")
    assert match.profile == profile
    assert "unknown Raspberry Pi model 'Raspberry Pi 7 Model Z Rev 9.9'" in match.note
    assert f"{mb} MB" in match.note and "--profile" in match.note
    with caplog.at_level(logging.WARNING, logger="edge.config"):
        detect_profile(model)
    assert [r.getMessage() for r in caplog.records if "unknown Raspberry Pi" in r.getMessage()]


def test_another_arm_board_or_no_model_file(tmp_path: Path) -> None:
    other = match_board(_model(tmp_path, "Radxa ROCK 5B"), _meminfo(tmp_path, 8192), machine="aarch64")
    assert other.profile == "rpi4" and "board 'Radxa ROCK 5B'" in other.note
    missing = match_board(tmp_path / "absent", tmp_path / "absent", machine="aarch64")
    assert missing.profile == "zero2w" and "unknown memory" in missing.note
    dev = match_board(tmp_path / "absent", tmp_path / "absent", machine="x86_64")
    assert (dev.profile, dev.note) == ("x86_64-dev", "")


def test_memory_reading(tmp_path: Path) -> None:
    assert memory_mb(_meminfo(tmp_path, 3796)) == 3796
    (tmp_path / "bad").write_text("nothing here\n")
    assert memory_mb(tmp_path / "bad") is None
    assert [profile_for_memory(m) for m in (None, 256, 900, 4000)] == ["zero2w", "zero2w", "rpi3", "rpi4"]
