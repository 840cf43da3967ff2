"""``edge act '{"intent": "HassTurnOn", "slots": {"name": "kitchen light"}}' --home FILE [--broker H:P]
[--confirm]``: resolve, plan and execute one intent against the broker; JSON lines out, exit 0/1."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from pathlib import Path
from typing import Any

from edge.actions.gate import Confirmation, SafetyGate
from edge.actions.mqtt_executor import MqttExecutor
from edge.actions.planner import plan
from edge.commands._util import emit_json, settings_from_args
from edge.config import Settings
from edge.context.address import with_broker
from edge.context.homes import load_home
from edge.context.mqtt import MqttSession, SessionSettings
from edge.context.settle import settled
from edge.context.store import ContextStore
from edge.errors import ConfigError, EdgeError, ErrorCode
from edge.inputfiles import parse_json
from edge.nlu.resolve import resolve
from edge.nlu.types import Intent

__all__ = ["register"]


def _intent(text: str, source: str) -> Intent:
    hint = 'e.g. \'{"intent": "HassTurnOn", "slots": {"name": "kitchen light"}}\''
    try:
        obj = parse_json(text)
    except ValueError as err:
        raise ConfigError(f"the intent given is not usable JSON: {err}", hint=hint) from err
    if not isinstance(obj, dict) or not isinstance(obj.get("intent"), str):
        raise ConfigError('the intent needs a string "intent"', hint=hint)
    slots = obj.get("slots") or {}
    if not isinstance(slots, dict):
        raise ConfigError('"slots" must be an object of strings', hint=hint)
    return Intent(
        obj["intent"], {str(k): str(v) for k, v in slots.items()}, source=str(obj.get("source", source))
    )


async def _act(args: argparse.Namespace, settings: Settings, intent: Intent) -> int:
    home = load_home(Path(args.home))
    store = ContextStore(settings, home)
    async with MqttSession(
        SessionSettings.from_mqtt(settings.mqtt, settings.satellite.site_id, health=False)
    ) as s:
        task = asyncio.create_task(store.run(s), name="context-store")
        try:
            if not await s.wait_connected(args.wait):
                where = f"{settings.mqtt.host}:{settings.mqtt.port}"
                hint = "start one, or pass --broker HOST:PORT"
                raise EdgeError(f"no MQTT broker at {where}", hint=hint, code=ErrorCode.BROKER_UNAVAILABLE)
            await settled(store, args.wait, done=lambda: _all_known(store))
            snap = store.snapshot()
            res = resolve(intent.name, intent.slots, snap)
            emit_json({"resolve": res.outcome, "targets": list(res.targets), "scores": list(res.scores),
                       "message": res.message})  # fmt: skip
            if res.outcome == "ok":
                intent = Intent(intent.name, intent.slots, intent.confidence, intent.text, res.targets,
                                intent.margin, intent.source, res.scores)  # fmt: skip
            p = plan(intent, snap, confirmed=args.confirm)
            if args.confirm:  # the operator's --confirm is the explicit yes to exactly these commands
                p = p.with_confirmation(Confirmation.issue(p.keys, 0.0, 0.0))
            for command in p.commands:
                emit_json({"type": "action", **command.to_json()})
            executor = MqttExecutor(
                s, store, timeout_s=settings.mqtt.command_timeout_s, gate=SafetyGate(settings.safety)
            )
            result = await executor.execute(p)
            out = {"type": "result", **result.to_json(), "outcome": p.outcome}
            if p.answer:
                out["answer"] = p.answer
            if p.prompt:
                out["prompt"] = p.prompt
            emit_json(out)
            return 0 if result.ok else 1
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _all_known(store: ContextStore) -> bool:
    """Every device the home file configures has reported a state."""
    known = store.home.devices if store.home else {}
    return bool(known) and all(store.state(e) is not None for e in known)


def _run(args: argparse.Namespace) -> int:
    settings = with_broker(settings_from_args(args), args.broker)
    return asyncio.run(_act(args, settings, _intent(args.intent, args.source)))


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("act", parents=[common], help="carry out one intent against the MQTT home")
    p.add_argument("intent", help='JSON: {"intent": "HassTurnOn", "slots": {"name": "kitchen light"}}')
    p.add_argument("--home", required=True, help="home file with names, aliases and areas")
    p.add_argument("--broker", help="HOST:PORT (default: mqtt.host and mqtt.port from settings)")
    p.add_argument("--confirm", action="store_true", help="the user confirmed (safety-critical devices)")
    p.add_argument("--source", default="text", help="request source: text, voice, rewrite, macro, alias")
    p.add_argument("--wait", type=float, default=10.0, help="seconds to wait for the broker and states")
    p.set_defaults(func=_run)
