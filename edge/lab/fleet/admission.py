"""Admission of reports: only a report signed by an enrolled, unrevoked device key is counted.

Each raw message gets one :class:`Verdict`. Homes are counted by key (the store keeps one report per key
per period), so one MQTT client, however many reports or home ids it sends, stands for at most the keys it
holds, and a client without an enrolled key stands for none. Pure: the registry is passed in, the caller
does the store I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from edge.errors import EdgeError
from edge.lab.fleet.storage import AdmittedReport, EnrolledDevice
from edge.sync.envelope import SignedReport, UnsignedReport

__all__ = ["Admission", "Verdict", "admit", "parse_envelopes"]


class Verdict(StrEnum):
    ADMITTED = "admitted"
    INVALID = "invalid"  # not a well-formed signed report (size, JSON, schema, message-id property)
    UNSIGNED = "unsigned"
    UNKNOWN_KEY = "unknown-key"
    REVOKED = "revoked"
    BAD_SIGNATURE = "bad-signature"


@dataclass(slots=True)
class Admission:
    """The admitted reports of a batch and a count per rejection reason."""

    admitted: list[AdmittedReport] = field(default_factory=list)
    rejected: dict[Verdict, int] = field(default_factory=dict)
    detail: list[str] = field(default_factory=list)  # one short line per rejected message

    def reject(self, verdict: Verdict, why: str) -> None:
        self.rejected[verdict] = self.rejected.get(verdict, 0) + 1
        self.detail.append(f"{verdict}: {why}")


def parse_envelopes(messages: Sequence[tuple[bytes, str | None]], into: Admission) -> list[SignedReport]:
    """Parse ``(payload, message-id property)`` pairs; malformed and unsigned ones are counted in ``into``."""
    out: list[SignedReport] = []
    for payload, header in messages:
        try:
            env = SignedReport.from_bytes(payload)
        except UnsignedReport as err:
            into.reject(Verdict.UNSIGNED, err.message)
            continue
        except EdgeError as err:
            into.reject(Verdict.INVALID, err.message)
            continue
        if header is not None and header != env.message_id:
            into.reject(Verdict.INVALID, "the message-id property does not match the report")
            continue
        out.append(env)
    return out


def admit(
    envelopes: Sequence[SignedReport], registry: Mapping[str, EnrolledDevice], into: Admission
) -> Admission:
    """Check each envelope's key against the registry and its signature against that key."""
    for env in envelopes:
        device = registry.get(env.key_id)
        if device is None:
            into.reject(Verdict.UNKNOWN_KEY, f"key {env.key_id} is not enrolled")
        elif not device.active:
            into.reject(Verdict.REVOKED, f"key {env.key_id} was revoked")
        elif not env.verifies(device.public_key):
            into.reject(Verdict.BAD_SIGNATURE, f"the signature does not verify for key {env.key_id}")
        else:
            into.admitted.append(AdmittedReport(env.report, env.key_id))
    return into
