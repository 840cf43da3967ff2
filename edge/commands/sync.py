"""``edge sync``: show (``--dry-run``) or send what leaves the home, and fetch the signed global layer;
``--print-device-key`` prints the public key the fleet operator enrolls (``edge aggregator enroll``)."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

from edge.commands._util import settings_from_args
from edge.config import Settings
from edge.context.connection import ConnectionSettings
from edge.errors import ConfigError
from edge.learning.household import Household
from edge.sync.envelope import SignedReport
from edge.sync.global_layer import GlobalLayerInstaller, follow_releases
from edge.sync.link import MqttLink
from edge.sync.outbox import Outbox
from edge.sync.release import public_key_hex
from edge.sync.service import (
    SyncPaths,
    device_key,
    enqueue_completed,
    global_table_path,
    pending_reports,
)
from edge.sync.uploader import Uploader, report_topic
from edge.wiring import tables_dir

__all__ = ["register"]


def _dry_run(settings: Settings, db: Path, include_current: bool) -> int:
    reports = pending_reports(settings, db, include_current=include_current)
    key = device_key(settings)
    for report in reports:
        signed = SignedReport.sign(report, key)
        print(f"# topic {report_topic(report)}  qos 1  user-property message-id={report.message_id}")
        print(f"# sent as {{v, report: <the JSON below, compact>, key_id: {signed.key_id}, signature}}")
        print(json.dumps(report.to_json(), indent=2, sort_keys=True))
    print(f"# {len(reports)} report(s); nothing was sent (dry run)")
    return 0


async def _send(settings: Settings, db: Path, timeout_s: float, fetch_layer: bool) -> int:
    paths = SyncPaths.from_settings(settings)
    outbox = await asyncio.to_thread(Outbox, paths.outbox)
    try:
        added = await asyncio.to_thread(enqueue_completed, settings, db, outbox)
        async with MqttLink(ConnectionSettings.from_sync(settings.sync)) as link:
            uploader = Uploader(outbox, link)
            empty = await uploader.drain(timeout_s)
            print(f"queued {added} report(s); sent {uploader.sent}; {len(outbox)} waiting")
            if fetch_layer and settings.sync.public_key:
                installer = GlobalLayerInstaller(global_table_path(settings), settings.sync.public_key)
                stop = asyncio.Event()
                asyncio.get_running_loop().call_later(min(timeout_s, 5.0), stop.set)
                await follow_releases(link, installer, stop)
                print(f"global layer version {installer.version} at {installer.table_path}")
        return 0 if empty else 1
    finally:
        await asyncio.to_thread(outbox.close)


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    if args.print_device_key:
        print(public_key_hex(device_key(settings)))
        return 0
    db = Path(args.db or settings.feedback.db_path)
    if not db.exists():
        raise ConfigError(f"no turn store at {db}", hint="pass --db PATH or set feedback.db_path")
    if args.dry_run:
        return _dry_run(settings, db, args.include_current)
    # web (issue 19): the household switched sync off on its page
    if Household(tables_dir(settings, Path(args.db) if args.db else None)).load().sync_off:
        raise ConfigError(
            "the household switched fleet sync off on its page (nothing leaves this home)",
            hint="turn it back on under 'What leaves the home' on the household page",
        )
    if not settings.sync.enabled:
        raise ConfigError(
            "fleet sync is off (nothing leaves this home)",
            hint="see what would be sent with --dry-run; opt in with --set sync.enabled=true",
        )
    return asyncio.run(_send(settings, db, args.timeout, not args.no_global_layer))


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("sync", parents=[common], help="show or send the anonymized weekly fleet reports")
    p.add_argument("--dry-run", action="store_true", help="print exactly what would be sent, send nothing")
    p.add_argument("--db", default="", help="turn store (default: feedback.db_path)")
    p.add_argument("--include-current", action="store_true", help="also show the week that has not ended")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to try uploading")
    p.add_argument("--no-global-layer", action="store_true", help="do not fetch the signed global layer")
    p.add_argument(
        "--print-device-key",
        action="store_true",
        help="print this device's public report-signing key (hex) for `edge aggregator enroll`",
    )
    p.set_defaults(func=_run)
