"""``edge doctor``: check this machine can run the voice runtime, one line per check with a fix."""

from __future__ import annotations

import argparse
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from edge.commands._util import emit_json, settings_from_args
from edge.config import Settings
from edge.errors import EdgeError

__all__ = ["Check", "register", "run_checks"]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    essential: bool = True


def _guard(name: str, essential: bool, fn: Callable[[], str]) -> Check:
    try:
        return Check(name, True, fn(), essential=essential)
    except EdgeError as err:
        return Check(name, False, err.message, err.hint, essential)
    except Exception as err:  # a doctor reports every failure instead of crashing
        return Check(name, False, f"{type(err).__name__}: {err}", "see the message", essential)


def run_checks(settings: Settings) -> list[Check]:
    from edge import modelstore  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    cache = settings.model_dir()
    p = settings.profile
    checks = [Check("profile", True, f"{p.name} ({p.threads} threads, {p.memory_budget_mb} MB budget)")]

    def models() -> str:
        problems = modelstore.verify(cache)
        if problems:
            raise EdgeError(f"{len(problems)} problem(s): {problems[0]}", hint=modelstore.FIX)
        return f"all present and verified in {cache}"

    def wake() -> str:
        from edge.wake.oww import load_wake_detector  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

        detector = load_wake_detector(settings)
        return f"{', '.join(detector.words)} ({settings.wake.backend})"

    def asr() -> str:
        from edge.asr.factory import load_recognizer  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        recognizer = load_recognizer(settings)
        return (
            f"{recognizer.name} ({settings.asr.model if settings.asr.engine == 'whisper' else ''})".replace(
                " ()", ""
            )
        )

    def microphone() -> str:
        from edge.audio.mic import input_devices, pick_input_device  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

        devices = input_devices()
        index = pick_input_device(settings.audio, devices)
        name = next(str(d["name"]) for d in devices if int(d["index"]) == index)
        return f"input device {index}: {name}"

    def espeak() -> str:
        path = shutil.which("espeak-ng")
        if path is None:
            raise EdgeError(
                "espeak-ng not found", hint="sudo apt-get install espeak-ng (spoken responses, tests)"
            )
        return path

    def voice() -> str:
        from edge.dialog.piper import voice_report  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

        return voice_report(settings)

    def broker() -> str:
        from edge.context.broker import port_open  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

        host, port = settings.mqtt.host, settings.mqtt.port
        if not port_open(host, port, timeout=1.0):
            raise EdgeError(
                f"no MQTT broker at {host}:{port}",
                hint="start mosquitto (`make run` starts one) or set mqtt.host / mqtt.port",
            )
        return f"{host}:{port} reachable"

    checks.append(_guard("models", True, models))
    checks.append(_guard("wake model", True, wake))
    checks.append(_guard("asr model", True, asr))
    checks.append(_guard("microphone", False, microphone))
    checks.append(_guard("espeak-ng", False, espeak))
    checks.append(_guard("voice", False, voice))
    checks.append(_guard("mqtt broker", False, broker))
    if checks[-1].ok:
        checks.append(_guard("devices", False, lambda: _devices(settings)))
    return checks


def _devices(settings: Settings) -> str:
    """One line of ``edge devices``: how many the runtime discovers, from where, which are unavailable."""
    import asyncio  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    from edge.commands.devices import collect, summary  # noqa: PLC0415 - lazy: as above

    rows = asyncio.run(collect(settings, None, wait_s=3.0))
    if not rows:
        raise EdgeError(
            "0 devices discovered on the broker",
            hint="turn on MQTT discovery (Home Assistant, Zigbee2MQTT); `edge devices` lists what is found",
        )
    return summary(rows)


def _run(args: argparse.Namespace) -> int:
    try:
        settings = settings_from_args(args)
    except EdgeError as err:
        print(f"FAIL profile: {err.message}" + (f" -> {err.hint}" if err.hint else ""))
        return 1
    checks = run_checks(settings)
    for c in checks:
        if args.json:
            emit_json(
                {"check": c.name, "ok": c.ok, "detail": c.detail, "fix": c.fix, "essential": c.essential}
            )
            continue
        status = "OK  " if c.ok else ("FAIL" if c.essential else "WARN")
        print(f"{status} {c.name}: {c.detail}" + (f" -> {c.fix}" if c.fix and not c.ok else ""))
    failed = [c for c in checks if c.essential and not c.ok]
    if not args.json:
        print("ready" if not failed else f"{len(failed)} essential check(s) failed")
    return 1 if failed else 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("doctor", parents=[common], help="check models, audio, tools and the MQTT broker")
    p.add_argument("--json", action="store_true", help="one JSON object per check")
    p.set_defaults(func=_run)
