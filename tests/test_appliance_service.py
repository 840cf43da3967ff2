"""`edge install-service`: the systemd unit that runs `edge run` at boot (checked by systemd-analyze where the
machine has it), the dry run, the user unit, and what it says without root."""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from edge.cli import main
from edge.config import load_settings
from edge.systemd import ServiceSpec, quote_arg, render_unit, writable_dirs

SYSTEM_LINES = (
    "User=pi",
    "Restart=on-failure",
    "RestartSec=5",
    "StandardOutput=journal",
    "NoNewPrivileges=true",
    "ProtectSystem=strict",
    "PrivateTmp=true",
    "WantedBy=multi-user.target",
)


def _config(tmp_path: Path, text: str = "") -> Path:
    path = tmp_path / "edge config.toml"  # a space in the path: quoted in ExecStart
    path.write_text(text)
    return path


def _lines(text: str) -> list[str]:
    return text.splitlines()


@pytest.fixture(autouse=True)
def _default_state_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """The unit's state folder is the default one under its working directory, not the test run's."""
    monkeypatch.delenv("EDGE_STATE_DIR", raising=False)


def test_dry_run_prints_the_unit_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _config(tmp_path)
    units = tmp_path / "units"
    code = main(["install-service", "--config", str(cfg), "--dry-run", "--unit-dir", str(units), "--as", "pi",
                 "--workdir", str(tmp_path / "app")])  # fmt: skip
    unit = capsys.readouterr().out
    assert code == 0 and not units.exists() and not (tmp_path / "app").exists()
    lines = _lines(unit)
    wanted = [*SYSTEM_LINES, f"WorkingDirectory={tmp_path}/app", f"ReadWritePaths={tmp_path}/app/var"]
    for want in wanted:
        assert want in lines, (want, unit)
    assert "Wants=network-online.target mosquitto.service" in lines
    assert any(x.startswith("After=network-online.target mosquitto.service") for x in lines)
    exec_start = next(x for x in lines if x.startswith("ExecStart="))
    assert exec_start.endswith(f'run --config "{cfg}"')
    assert exec_start.split()[0].removeprefix("ExecStart=").endswith(("/edge", "python"))


def test_the_written_unit_passes_systemd_analyze_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _config(tmp_path, '[satellite]\narea = "kitchen"\n')
    units = tmp_path / "units"
    code = main(["install-service", "--config", str(cfg), "--unit-dir", str(units), "--no-enable",
                 "--as", getpass.getuser(), "--workdir", str(tmp_path / "app")])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    unit = units / "ambient-edge.service"
    assert f"wrote {unit}" in out and "systemctl enable --now ambient-edge.service" in out
    assert (tmp_path / "app" / "var").is_dir()  # ProtectSystem=strict needs the writable folder to exist
    assert oct(unit.stat().st_mode & 0o777) == "0o644"
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("no systemd-analyze on this machine")
    done = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    problems = [x for x in done.stderr.splitlines() if str(unit) in x and "Special user" not in x]
    assert not problems, done.stderr


def test_user_unit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    cfg = tmp_path / "xdg" / "ambient-edge" / "config.toml"  # the user unit's default config
    cfg.parent.mkdir(parents=True)
    cfg.write_text("")
    code = main(["install-service", "--user", "--no-enable", "--workdir", str(tmp_path / "app")])
    out = capsys.readouterr().out
    assert code == 0, out
    unit = (tmp_path / "xdg" / "systemd" / "user" / "ambient-edge.service").read_text()
    lines = _lines(unit)
    assert "WantedBy=default.target" in lines and "NoNewPrivileges=true" in lines
    assert not [x for x in lines if x.startswith(("User=", "ProtectSystem=", "PrivateTmp="))]
    assert "systemctl --user enable --now ambient-edge.service" in out


def test_without_root_it_says_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    cfg = _config(tmp_path)
    code = main(["install-service", "--config", str(cfg), "--as", "pi", "--workdir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    sudo = next(x for x in out.splitlines() if x.strip().startswith("sudo "))
    assert "install-service --config" in sudo and f"'{cfg}'" in sudo and "--as pi" in sudo
    assert "edge install-service --user" in out


def test_a_missing_config_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["install-service", "--config", str(tmp_path / "none.toml"), "--unit-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1
    assert "no config file at" in err and "touch" in err and "Traceback" not in err
    assert not (tmp_path / "ambient-edge.service").exists()


def test_a_bad_config_fails_at_install_not_at_boot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _config(tmp_path, "[asr]\nengine = 5\n")
    code = main(["install-service", "--config", str(cfg), "--dry-run"])
    assert code == 1
    assert "config file" in capsys.readouterr().err


def test_quoting_and_writable_folders(tmp_path: Path) -> None:
    assert quote_arg("/opt/edge/bin/edge") == "/opt/edge/bin/edge"
    assert quote_arg("/srv/my home/c.toml") == '"/srv/my home/c.toml"'
    assert quote_arg("50%") == "50%%" and quote_arg("$HOME") == "$$HOME"
    assert quote_arg('a"b') == '"a\\"b"'
    settings = load_settings(
        "x86_64-dev",
        None,
        [f'feedback.db_path="{tmp_path}/db/turns.sqlite3"', 'learning.tables_dir="var/learned"'],
    )
    dirs = writable_dirs(settings, Path("/srv/edge"))
    assert dirs == (Path("/srv/edge/var"), tmp_path / "db")  # var/learned is inside var
    spec = ServiceSpec(command=("/x/edge", "run"), workdir=Path("/srv/my edge"), writable=dirs, user="pi")
    assert 'WorkingDirectory="/srv/my edge"' in render_unit(spec).splitlines()
