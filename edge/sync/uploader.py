"""The uploader: drains the outbox to the upstream broker, QoS 1, one PUBACK per item, jittered backoff.

Each message is a report signed by the device key (:mod:`edge.sync.envelope`) and carries its id twice: in
the JSON body and as the MQTT v5 user property ``message-id``. An item leaves the outbox only after a PUBACK
that says a subscription took it (not "no matching subscribers"); a refusal, a timeout or a lost connection
leaves it there with a later ``next_try`` by the device's backoff policy (:data:`RETRY`: 1 s doubling to
15 min, jittered). A resend after a lost PUBACK is harmless: the
aggregator keeps the first copy of each message id per key.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from typing import TYPE_CHECKING

from edge.context.backoff import Backoff
from edge.errors import EdgeError
from edge.sync.envelope import SignedReport
from edge.sync.link import MqttLink
from edge.sync.outbox import Outbox
from edge.sync.payloads import WeeklyReport

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = ["REPORT_TOPIC", "RETRY", "Uploader", "enqueue_report", "report_topic"]

log = logging.getLogger("edge.sync.uploader")

REPORT_TOPIC = "edge-fleet/v1/report"


def report_topic(report: WeeklyReport) -> str:
    return f"{REPORT_TOPIC}/{report.home[:16]}"


def enqueue_report(outbox: Outbox, report: WeeklyReport, key: Ed25519PrivateKey) -> bool:
    """Queue ``report`` signed by the device key (the aggregator counts only signed, enrolled reports)."""
    signed = SignedReport.sign(report, key)
    return outbox.put(report.message_id, report.period, report_topic(report), signed.to_bytes())


RETRY = Backoff(min_s=1.0, max_s=900.0, jitter=0.5)
"""Between two tries of one report: half jitter keeps a report's retries growing (the first after 1 s, from
the eleventh on 7.5 .. 15 min apart) while homes that failed together spread out."""


class Uploader:
    """Owns no connection: give it a started :class:`MqttLink` (it reconnects on its own)."""

    def __init__(
        self,
        outbox: Outbox,
        link: MqttLink,
        backoff: Backoff | None = None,
        puback_timeout_s: float = 10.0,
        seed: int | None = None,
    ) -> None:
        self.outbox = outbox
        self.link = link
        self.backoff = backoff or RETRY
        self.puback_timeout_s = puback_timeout_s
        self._rng = random.Random(seed)
        self.sent = 0
        self.failures = 0

    async def send_due(self) -> int:
        """Try every due item once; returns how many were acknowledged by a broker that had a subscriber
        for them (an item no subscription took stays: a broker restart can forget the aggregators' shared
        subscription until they subscribe again, and a report published then would reach nobody)."""
        items = await asyncio.to_thread(self.outbox.due, time.time())
        acked = 0
        for item in items:
            try:
                delivered = await self.link.publish(
                    item.topic,
                    item.payload,
                    qos=1,
                    user=(("message-id", item.message_id),),
                    timeout_s=self.puback_timeout_s,
                )
                why = "" if delivered else "the upstream broker has no subscriber for it (no aggregator)"
            except EdgeError as err:
                why = err.message
            if why:
                self.failures += 1
                at = self.backoff.retry_at(time.time(), item.attempts, self._rng.random())
                await asyncio.to_thread(self.outbox.retry_later, item.seq, at)
                log.info("upload of %s deferred: %s", item.message_id, why)
                continue
            await asyncio.to_thread(self.outbox.done, item.seq)
            acked += 1
            self.sent += 1
        return acked

    async def run(self, idle_s: float = 5.0) -> None:
        """Upload forever: whenever connected, send what is due; sleep until the next item is due."""
        was_connected = False
        while True:
            if not self.link.connected:
                was_connected = False
                try:
                    await self.link.wait_connected(idle_s)
                except EdgeError:
                    continue
            if not was_connected:  # a fresh connection: no reason to keep waiting out old backoffs
                was_connected = True
                await asyncio.to_thread(self.outbox.reset_backoff)
            await self.send_due()
            nxt = await asyncio.to_thread(self.outbox.next_due)
            wait = idle_s if nxt is None else min(idle_s, max(0.05, nxt - time.time()))
            await asyncio.sleep(wait)

    async def drain(self, timeout_s: float) -> bool:
        """Upload until the outbox is empty or ``timeout_s`` passes (ignoring backoff); True if empty."""
        try:
            async with asyncio.timeout(timeout_s):
                while await asyncio.to_thread(len, self.outbox):
                    await self.link.wait_connected(timeout_s)
                    await asyncio.to_thread(self.outbox.reset_backoff)
                    if not await self.send_due():
                        await asyncio.sleep(min(1.0, self.backoff.delay(0, self._rng.random())))
        except (TimeoutError, EdgeError):
            return False
        return True
