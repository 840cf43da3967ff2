"""``edge aggregator``: run one fleet aggregator process, print its public key, or manage the registry of
admitted devices (``enroll PUBKEY...``, ``revoke KEY...``, ``devices``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import time
from pathlib import Path
from typing import Any

from edge.commands._util import emit_json
from edge.context.connection import FLEET_RECONNECT, ConnectionSettings
from edge.errors import ConfigError
from edge.lab.fleet.aggregator import Aggregator, AggregatorSettings
from edge.lab.fleet.keys import load_or_create_key
from edge.lab.fleet.privacy import PrivacyBudget
from edge.lab.fleet.storage import open_store
from edge.sync.release import public_key_hex

__all__ = ["register"]


def _broker(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"--broker {value!r} must look like HOST:PORT", hint="e.g. --broker 127.0.0.1:1883")
    return host, int(port)


def _settings(args: argparse.Namespace) -> AggregatorSettings:
    host, port = _broker(args.broker)
    link = ConnectionSettings(
        host=host,
        port=port,
        username=args.username,
        password=os.environ.get(args.password_env, ""),
        tls=args.tls,
        ca_file=args.ca_file,
        keepalive_s=30,
        connect_timeout_s=10.0,
        reconnect_min_s=FLEET_RECONNECT.min_s,
        reconnect_max_s=FLEET_RECONNECT.max_s,
    )
    budget = PrivacyBudget(epsilon=args.epsilon, delta=args.delta, k=args.k, m=args.m)
    return AggregatorSettings(
        link=link,
        group=args.group,
        name=args.name,
        db=args.db,
        postgres=args.postgres,
        key_file=args.key,
        budget=budget,
        release_interval_s=args.release_interval,
        seed=args.seed,
    )


async def _serve(settings: AggregatorSettings) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    aggregator = Aggregator(settings, on_event=emit_json)
    stats = await aggregator.run(stop)
    emit_json({"event": "stopped", **stats.as_dict()})
    return 0


def _registry(args: argparse.Namespace) -> int:
    """Enroll or revoke device keys, or list them, in the store the aggregators share."""
    if args.action != "devices" and not args.keys:
        raise ConfigError(
            f"edge aggregator {args.action} needs at least one key",
            hint="e.g. edge aggregator enroll $(edge sync --print-device-key)  (on the device)",
        )
    store = open_store(args.db, args.postgres)
    try:
        now = time.time()
        if args.action == "enroll":
            for key in args.keys:
                kid, new = store.enroll(key, now, args.label)
                print(f"{'enrolled' if new else 'already enrolled'} {kid}")
        elif args.action == "revoke":
            for key in args.keys:
                known = store.revoke(key, now)
                print(f"{'revoked' if known else 'unknown key'} {key}")
        else:
            for d in sorted(store.devices().values(), key=lambda d: d.enrolled):
                state = "active" if d.active else "revoked"
                print(f"{d.key_id} {d.public_key} {state} {d.label}".rstrip())
    finally:
        store.close()
    return 0


def _run(args: argparse.Namespace) -> int:
    if args.action in ("enroll", "revoke", "devices"):
        return _registry(args)
    if args.keys:
        raise ConfigError(f"unexpected arguments {args.keys}", hint="see edge aggregator --help")
    if args.print_public_key:
        print(public_key_hex(load_or_create_key(Path(args.key))))
        return 0
    if not args.broker:
        raise ConfigError("--broker is required", hint="e.g. edge aggregator --broker 127.0.0.1:1883")
    return asyncio.run(_serve(_settings(args)))


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "aggregator", parents=[common], help="run a fleet aggregator (upstream, not on the device)"
    )
    p.add_argument(
        "action",
        nargs="?",
        choices=("serve", "enroll", "revoke", "devices"),
        default="serve",
        help="serve (default); enroll / revoke device keys; list the enrolled devices",
    )
    p.add_argument("keys", nargs="*", help="device public keys (enroll) or key ids / public keys (revoke)")
    p.add_argument("--label", default="", help="enroll: an operator's note for the keys (no personal data)")
    p.add_argument("--broker", default="", help="upstream MQTT broker HOST:PORT")
    p.add_argument(
        "--group", default="edge-aggregators", help="shared-subscription group (processes split load)"
    )
    p.add_argument(
        "--name", default="", help="this process's name (default: host-pid); keeps its MQTT session"
    )
    store = p.add_mutually_exclusive_group()
    store.add_argument("--db", default="var/fleet/aggregator.sqlite3", help="SQLite store (WAL, shareable)")
    store.add_argument("--postgres", default="", help="PostgreSQL DSN instead of SQLite (needs psycopg)")
    p.add_argument("--k", type=int, default=20, help="release a pair only if at least k homes sent it")
    p.add_argument(
        "--epsilon", type=float, default=2.0, help="differential-privacy epsilon per weekly release (1..2)"
    )
    p.add_argument("--delta", type=float, default=1e-6, help="differential-privacy delta per release")
    p.add_argument("--m", type=int, default=3, help="pairs per home per period (contribution bound)")
    p.add_argument(
        "--key", default="var/fleet/release.key", help="Ed25519 signing key (created 0600 if missing)"
    )
    p.add_argument(
        "--release-interval", type=float, default=0.0, help="seconds between releases (0: on request)"
    )
    p.add_argument("--username", default="", help="upstream broker user")
    p.add_argument(
        "--password-env", default="EDGE_FLEET_PASSWORD", help="environment variable with the password"
    )
    p.add_argument("--tls", action="store_true", help="connect with TLS")
    p.add_argument("--ca-file", default="", help="CA bundle for TLS")
    p.add_argument(
        "--seed", type=int, default=None, help="seed the noise (benchmarks only; never in production)"
    )
    p.add_argument(
        "--print-public-key", action="store_true", help="print the public key (hex) for sync.public_key"
    )
    p.set_defaults(func=_run)
