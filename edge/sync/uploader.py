"""The uploader: drains the outbox to the upstream broker, QoS 1, one PUBACK per item, jittered backoff.

Each message is a report signed by the device key (:mod:`edge.sync.envelope`) and carries its id twice: in
the JSON body and as the MQTT v5 user property ``message-id``. An item leaves the outbox only after its
PUBACK; a timeout or a lost connection leaves it there with a later ``next_try`` (exponential, jittered). A
resend after a lost PUBACK is harmless: the aggregator keeps the first copy of each message id per key.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge.errors import EdgeError
from edge.sync.envelope import SignedReport
from edge.sync.link import MqttLink
from edge.sync.outbox import Outbox
from edge.sync.payloads import WeeklyReport

__all__ = ["REPORT_TOPIC", "Backoff", "Uploader", "enqueue_report", "report_topic"]

log = logging.getLogger("edge.sync.uploader")

REPORT_TOPIC = "edge-fleet/v1/report"


def report_topic(report: WeeklyReport) -> str:
    return f"{REPORT_TOPIC}/{report.home[:16]}"


def enqueue_report(outbox: Outbox, report: WeeklyReport, key: Ed25519PrivateKey) -> bool:
    """Queue ``report`` signed by the device key (the aggregator counts only signed, enrolled reports)."""
    signed = SignedReport.sign(report, key)
    return outbox.put(report.message_id, report.period, report_topic(report), signed.to_bytes())


@dataclass(frozen=True, slots=True)
class Backoff:
    base_s: float = 1.0
    max_s: float = 900.0
    jitter: float = 0.5  # the delay is drawn from [(1 - jitter) * d, d]

    def delay(self, attempts: int, rng: random.Random) -> float:
        d = min(self.max_s, self.base_s * 2.0 ** min(attempts, 30))
        return d * (1.0 - self.jitter * rng.random())


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
        self.backoff = backoff or Backoff()
        self.puback_timeout_s = puback_timeout_s
        self._rng = random.Random(seed)
        self.sent = 0
        self.failures = 0

    async def send_due(self) -> int:
        """Try every due item once; returns how many were acknowledged."""
        items = await asyncio.to_thread(self.outbox.due, time.time())
        acked = 0
        for item in items:
            try:
                await self.link.publish(
                    item.topic,
                    item.payload,
                    qos=1,
                    user=(("message-id", item.message_id),),
                    timeout_s=self.puback_timeout_s,
                )
            except EdgeError as err:
                self.failures += 1
                at = time.time() + self.backoff.delay(item.attempts, self._rng)
                await asyncio.to_thread(self.outbox.retry_later, item.seq, at)
                log.info("upload of %s deferred: %s", item.message_id, err.message)
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
                        await asyncio.sleep(min(1.0, self.backoff.delay(0, self._rng)))
        except (TimeoutError, EdgeError):
            return False
        return True
