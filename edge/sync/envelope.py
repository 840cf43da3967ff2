"""A weekly report signed by the device's own Ed25519 key: what goes on the wire upstream.

Wire form (``edge-fleet/v1/report/<id>``)::

    {"v": 1, "report": "<the report's canonical JSON text>", "key_id": "<32 hex>", "signature": "<hex>"}

The signature covers the exact UTF-8 bytes of ``report`` (``WeeklyReport.to_bytes()``), so one changed
byte anywhere fails. ``key_id`` names the device key (:func:`edge.sync.keyfile.key_id`); the aggregator
looks the public key up in its registry of enrolled devices and counts homes by key, never by the
``home`` field inside the report. Parsing is bounded and never raises anything but :class:`PayloadError`;
:class:`UnsignedReport` is a bare report (an old device, or a client without a key).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from edge.sync.keyfile import key_id
from edge.sync.payloads import PayloadError, WeeklyReport, parse_json

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = ["ENVELOPE_VERSION", "MAX_ENVELOPE_BYTES", "SignedReport", "UnsignedReport"]

ENVELOPE_VERSION = 1
MAX_ENVELOPE_BYTES = 64_000
_KEY_ID = re.compile(r"^[0-9a-f]{32}$")
_SIGNATURE = re.compile(r"^[0-9a-f]{128}$")
_HINT = "the sender is not an enrolled device of this fleet, or runs an incompatible version"


class UnsignedReport(PayloadError):
    """A report without a device signature: never counted."""


def _bad(what: str) -> PayloadError:
    return PayloadError(f"invalid signed report: {what}", hint=_HINT)


@dataclass(frozen=True, slots=True)
class SignedReport:
    """A parsed envelope. ``report`` is parsed and schema-checked, but the signature is checked only by
    :meth:`verifies` against a public key from the registry."""

    report: WeeklyReport
    text: str  # the signed bytes, as received
    key_id: str
    signature: str

    @property
    def message_id(self) -> str:
        return self.report.message_id

    @classmethod
    def sign(cls, report: WeeklyReport, key: Ed25519PrivateKey) -> SignedReport:
        text = report.to_bytes().decode()
        return cls(report, text, key_id(key), key.sign(text.encode()).hex())

    def to_bytes(self) -> bytes:
        msg = {"v": ENVELOPE_VERSION, "report": self.text, "key_id": self.key_id, "signature": self.signature}
        return json.dumps(msg, sort_keys=True, separators=(",", ":")).encode()

    def verifies(self, public_key: str) -> bool:
        """True when ``public_key`` (64 hex) is the key named by ``key_id`` and signed ``text``."""
        from cryptography.exceptions import InvalidSignature  # noqa: PLC0415 - lazy: ~6 MB, fleet sync only
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey  # noqa: PLC0415 - lazy: ~6 MB, fleet sync only

        try:
            if key_id(public_key) != self.key_id:
                return False
            pub = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key))
            pub.verify(bytes.fromhex(self.signature), self.text.encode())
        except (InvalidSignature, ValueError):
            return False
        except PayloadError:
            return False
        return True

    @classmethod
    def from_bytes(cls, raw: bytes, max_bytes: int = MAX_ENVELOPE_BYTES) -> SignedReport:
        obj: Any = parse_json(raw, "invalid signed report", max_bytes, _HINT)
        if not isinstance(obj, dict):
            raise _bad("not an object")
        if "signature" not in obj and "report" not in obj and "period" in obj:
            raise UnsignedReport("an unsigned report", hint="devices sign their reports since enrollment")
        if set(obj) != {"v", "report", "key_id", "signature"} or obj["v"] != ENVELOPE_VERSION:
            raise _bad(f"expected v {ENVELOPE_VERSION} with report, key_id, signature; got {sorted(obj)[:8]}")
        text, kid, sig = obj["report"], obj["key_id"], obj["signature"]
        if not isinstance(sig, str) or not sig:
            raise UnsignedReport("an unsigned report", hint="devices sign their reports since enrollment")
        if not isinstance(text, str) or not isinstance(kid, str) or not _KEY_ID.match(kid):
            raise _bad("report must be text and key_id 32 hex digits")
        if not _SIGNATURE.match(sig):
            raise _bad("signature must be 128 hex digits")
        try:
            raw_report = text.encode()
        except UnicodeEncodeError as err:  # a lone surrogate from a \ud800 escape
            raise _bad("report text is not valid Unicode") from err
        report = WeeklyReport.from_bytes(raw_report, max_bytes)
        return cls(report, text, kid, sig)
