"""One aggregator process: consume reports from a shared subscription, store them, release on request.

Several processes with the same ``group`` split the reports (MQTT v5 ``$share/<group>/...``); they share one
store, whose schema deduplicates. Each message is acknowledged (manual PUBACK) only after its batch is
committed, and the session persists (``session_expiry_s``) so the broker keeps queueing while a process is
away. A release happens on a control message (``edge-fleet/v1/control/release``, delivered to one process of
the group) or every ``release_interval_s`` when new reports arrived; it is signed and published retained.

Only reports signed by an enrolled, unrevoked device key are stored (:mod:`edge.lab.fleet.admission`); every
other message is acknowledged, counted by reason and logged (at most one line per reason per batch).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import socket
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge.context.connection import ConnectionSettings
from edge.errors import EdgeError
from edge.lab.fleet.admission import Admission, Verdict, admit, parse_envelopes
from edge.lab.fleet.keys import load_or_create_key
from edge.lab.fleet.link import AggregatorLink
from edge.lab.fleet.privacy import PrivacyBudget
from edge.lab.fleet.publish import make_release
from edge.lab.fleet.storage import FleetStore, IngestResult, open_store
from edge.sync.link import LinkMessage
from edge.sync.release import RELEASE_TOPIC
from edge.sync.uploader import REPORT_TOPIC

__all__ = ["CONTROL_TOPIC", "Aggregator", "AggregatorSettings", "AggregatorStats"]

log = logging.getLogger("edge.lab.fleet.aggregator")

CONTROL_TOPIC = "edge-fleet/v1/control"


@dataclass(frozen=True, slots=True)
class AggregatorSettings:
    link: ConnectionSettings
    group: str = "edge-aggregators"
    name: str = ""
    db: str = "var/fleet/aggregator.sqlite3"
    postgres: str = ""
    key_file: str = "var/fleet/release.key"
    budget: PrivacyBudget = field(default_factory=PrivacyBudget)
    release_interval_s: float = 0.0  # 0: release only when asked on the control topic
    batch_size: int = 200
    batch_wait_s: float = 0.05
    seed: int | None = None  # None: noise from the OS's CSPRNG (production); an int only for benchmarks

    def __post_init__(self) -> None:
        if not self.group or any(c in self.group for c in "/+#$"):
            raise EdgeError(f"group {self.group!r} is not a valid share name", hint="use letters and dashes")
        if self.batch_size < 1 or self.batch_wait_s < 0 or self.release_interval_s < 0:
            raise EdgeError("batch_size >= 1, batch_wait_s >= 0 and release_interval_s >= 0 are required")


@dataclass(slots=True)
class AggregatorStats:
    accepted: int = 0
    duplicates: int = 0  # a report seen before from the same key (resend, replay)
    rejected: int = 0  # a second, different report from one key in one period
    invalid: int = 0
    unsigned: int = 0
    unknown_key: int = 0
    revoked: int = 0
    bad_signature: int = 0
    releases: int = 0

    def add(self, r: IngestResult) -> None:
        self.accepted += r.accepted
        self.duplicates += r.duplicates
        self.rejected += r.rejected

    def add_refused(self, refused: dict[Verdict, int]) -> None:
        self.invalid += refused.get(Verdict.INVALID, 0)
        self.unsigned += refused.get(Verdict.UNSIGNED, 0)
        self.unknown_key += refused.get(Verdict.UNKNOWN_KEY, 0)
        self.revoked += refused.get(Verdict.REVOKED, 0)
        self.bad_signature += refused.get(Verdict.BAD_SIGNATURE, 0)

    def as_dict(self) -> dict[str, int]:
        return {k: int(v) for k, v in asdict(self).items()}


class Aggregator:
    def __init__(
        self, settings: AggregatorSettings, on_event: Callable[[dict[str, object]], None] | None = None
    ):
        self.settings = settings
        self.name = settings.name or f"{socket.gethostname()}-{os.getpid()}"
        self.stats = AggregatorStats()
        self._emit = on_event or (lambda _e: None)
        self._rng: random.Random = (
            random.Random(settings.seed) if settings.seed is not None else random.SystemRandom()
        )
        self._store: FleetStore | None = None
        self._dirty = False

    async def run(self, stop: asyncio.Event) -> AggregatorStats:
        s = self.settings
        self._store = await asyncio.to_thread(open_store, s.db, s.postgres)
        key = await asyncio.to_thread(load_or_create_key, s.key_file)
        link_settings = replace(
            s.link,
            client_id=s.link.client_id or f"edge-agg-{s.group}-{self.name}",
            session_expiry_s=s.link.session_expiry_s or 86_400,
        )
        try:
            async with AggregatorLink(link_settings, manual_ack=True) as link:
                await link.subscribe(f"$share/{s.group}/{REPORT_TOPIC}/#", qos=1)
                await link.subscribe(f"$share/{s.group}/{CONTROL_TOPIC}/#", qos=1)
                self._emit({"event": "ready", "name": self.name})
                last_release = time.monotonic()
                while not stop.is_set():
                    batch, controls = await self._collect(link)
                    if batch:
                        await self._ingest(link, batch)
                    due = s.release_interval_s and time.monotonic() - last_release >= s.release_interval_s
                    if controls or (due and self._dirty):
                        await self._release(link, key, controls)
                        last_release = time.monotonic()
        finally:
            await asyncio.to_thread(self._store.close)
        return self.stats

    async def _collect(self, link: AggregatorLink) -> tuple[list[LinkMessage], list[LinkMessage]]:
        batch: list[LinkMessage] = []
        controls: list[LinkMessage] = []
        first = await link.get(timeout_s=0.5)
        if first is None:
            return batch, controls
        deadline = time.monotonic() + self.settings.batch_wait_s
        msg: LinkMessage | None = first
        while msg is not None:
            (controls if msg.topic.startswith(CONTROL_TOPIC) else batch).append(msg)
            if len(batch) >= self.settings.batch_size or controls:
                break
            msg = await link.get(timeout_s=max(0.0, deadline - time.monotonic()))
        return batch, controls

    async def _ingest(self, link: AggregatorLink, batch: list[LinkMessage]) -> None:
        store = self._store
        assert store is not None
        admission = Admission()
        envelopes = parse_envelopes([(m.payload, m.prop("message-id")) for m in batch], admission)

        def admit_and_store() -> IngestResult:
            registry = store.devices(e.key_id for e in envelopes)
            admit(envelopes, registry, admission)
            return store.ingest(admission.admitted, self.name, time.time())

        result = await asyncio.to_thread(admit_and_store)
        self.stats.add(result)
        self.stats.add_refused(admission.rejected)
        self._dirty = self._dirty or result.accepted > 0
        for msg in batch:  # only now: the batch is committed
            link.ack(msg)
        for verdict, n in sorted(admission.rejected.items()):
            example = next(d for d in admission.detail if d.startswith(f"{verdict}:"))
            log.warning("refused %d report(s) (%s), e.g. %s", n, verdict, example)
        self._emit(
            {
                "event": "ingested",
                "accepted": result.accepted,
                "duplicates": result.duplicates,
                "rejected": result.rejected,
                "refused": {str(v): n for v, n in sorted(admission.rejected.items())},
            }
        )

    async def _release(
        self, link: AggregatorLink, key: Ed25519PrivateKey, controls: list[LinkMessage]
    ) -> None:
        assert self._store is not None
        period = None
        for msg in controls:
            try:
                request = json.loads(msg.payload or b"{}")
            except (UnicodeDecodeError, json.JSONDecodeError):
                request = None
            if isinstance(request, dict) and isinstance(request.get("period"), str):
                period = request["period"]
            elif request is None:
                log.warning("ignored a malformed control message")
        message = await asyncio.to_thread(
            make_release, self._store, self.settings.budget, key, self._rng, period=period
        )
        for msg in controls:
            link.ack(msg)
        if message is None:
            log.info("release requested but the store has no reports yet")
            return
        await link.publish(RELEASE_TOPIC, message, qos=1, retain=True)
        self._dirty = False
        self.stats.releases += 1
        version = json.loads(json.loads(message)["table"])["version"]
        self._emit({"event": "released", "version": version, "bytes": len(message)})
