"""The global rewrite layer as released by the fleet: the table, its privacy parameters, its signature.

Wire form (retained on ``edge-fleet/v1/release``)::

    {"v": 1, "table": "<canonical table JSON text>", "signature": "<Ed25519 hex>", "key_id": "<hex>"}

The signature covers the exact UTF-8 bytes of ``table``, so a single changed byte anywhere fails. The table
text is the file the learning rewriter loads as its global layer: ``{"version", "created", "entries":
[{"original", "rewritten", "homes", "score"[, "intent"]}], "priors": {original: {rewritten: p}}, "privacy":
{...}}``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from edge.errors import ErrorCode
from edge.sync.payloads import PayloadError, parse_json

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "RELEASE_TOPIC",
    "RELEASE_VERSION",
    "GlobalEntry",
    "GlobalTable",
    "SignatureError",
    "public_key_hex",
    "sign_table",
    "verify_release",
]

RELEASE_TOPIC = "edge-fleet/v1/release"
RELEASE_VERSION = 1
_MAX_ENTRIES = 50_000
_MAX_RELEASE_BYTES = 8_000_000
_HINT = "the release is malformed; keep the current one"


class SignatureError(PayloadError):
    code = ErrorCode.SIGNATURE_INVALID


def _bad(what: str) -> PayloadError:
    return PayloadError(f"invalid global layer: {what}", hint=_HINT)


@dataclass(frozen=True, slots=True)
class GlobalEntry:
    original: str
    rewritten: str
    homes: int  # noisy count of distinct homes (rounded), >= the release threshold
    score: float  # share of the released noisy votes for this original that go to a rewrite meaning the same
    intent: str = ""  # the catalogue intent of the rewrite ("" when the homes' fix had none)

    def __post_init__(self) -> None:
        if not isinstance(self.intent, str) or len(self.intent) > 64:
            raise _bad("intent must be a short string")
        if not (isinstance(self.original, str) and isinstance(self.rewritten, str)):
            raise _bad("entry texts must be strings")
        if not 0 < len(self.original) <= 200 or not 0 < len(self.rewritten) <= 200:
            raise _bad("entry texts must be 1..200 characters")
        if isinstance(self.homes, bool) or not isinstance(self.homes, int) or self.homes < 0:
            raise _bad("homes must be a whole number >= 0")
        if not isinstance(self.score, int | float) or not 0.0 <= self.score <= 1.0:
            raise _bad("score must be in [0, 1]")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "original": self.original,
            "rewritten": self.rewritten,
            "homes": self.homes,
            "score": self.score,
        }
        if self.intent:
            out["intent"] = self.intent
        return out


@dataclass(frozen=True, slots=True)
class GlobalTable:
    version: int
    created: str  # ISO 8601 UTC
    entries: tuple[GlobalEntry, ...]
    priors: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    privacy: Mapping[str, float | int | str] = field(default_factory=dict)
    period: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise _bad("version must be a whole number >= 1")
        if len(self.entries) > _MAX_ENTRIES:
            raise _bad(f"more than {_MAX_ENTRIES} entries")
        for row in self.priors.values():
            for p in row.values():
                if not isinstance(p, int | float) or not 0.0 <= p <= 1.0 or math.isnan(p):
                    raise _bad("priors must be probabilities")

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "created": self.created,
            "period": self.period,
            "entries": [e.to_json() for e in self.entries],
            "priors": {k: dict(v) for k, v in self.priors.items()},
            "privacy": dict(self.privacy),
        }

    def canonical(self) -> str:
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    @classmethod
    def from_json(cls, obj: Any) -> GlobalTable:
        if not isinstance(obj, dict):
            raise _bad("the table must be an object")
        entries_raw, priors_raw, privacy_raw = (
            obj.get("entries"),
            obj.get("priors", {}),
            obj.get("privacy", {}),
        )
        if not isinstance(entries_raw, list) or not all(isinstance(e, dict) for e in entries_raw):
            raise _bad("entries must be a list of objects")
        if not isinstance(priors_raw, dict) or not all(isinstance(v, dict) for v in priors_raw.values()):
            raise _bad("priors must map each original to an object")
        if not isinstance(privacy_raw, dict) or not all(
            isinstance(v, int | float | str) and not isinstance(v, bool) for v in privacy_raw.values()
        ):
            raise _bad("privacy must map names to numbers or text")
        if not isinstance(obj.get("created", ""), str) or not isinstance(obj.get("period", ""), str):
            raise _bad("created and period must be text")
        try:
            entries = tuple(
                GlobalEntry(e["original"], e["rewritten"], e["homes"], e["score"], e.get("intent", ""))
                for e in obj["entries"]
            )
            priors = {
                str(k): {str(j): float(p) for j, p in v.items()} for k, v in obj.get("priors", {}).items()
            }
            return cls(
                version=obj["version"],
                created=str(obj.get("created", "")),
                entries=entries,
                priors=priors,
                privacy=dict(obj.get("privacy", {})),
                period=str(obj.get("period", "")),
            )
        except (KeyError, TypeError, AttributeError, ValueError, OverflowError) as err:
            raise _bad(f"missing or mistyped field: {err}") from err


def public_key_hex(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: PLC0415 - lazy: ~6 MB, fleet sync only

    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes_raw().hex()


def sign_table(table: GlobalTable, key: Ed25519PrivateKey) -> bytes:
    """The signed release message for ``table``."""
    text = table.canonical()
    signature = key.sign(text.encode())
    key_id = hashlib.sha256(key.public_key().public_bytes_raw()).hexdigest()[:16]
    msg = {"v": RELEASE_VERSION, "table": text, "signature": signature.hex(), "key_id": key_id}
    return json.dumps(msg, sort_keys=True, separators=(",", ":")).encode()


def verify_release(raw: bytes, public_key: str) -> tuple[GlobalTable, str]:
    """Check a release message against the hex Ed25519 public key; return (table, table text).

    Raises :class:`SignatureError` for unsigned or badly signed releases, :class:`PayloadError` otherwise.
    """
    msg = parse_json(raw, "invalid global layer", _MAX_RELEASE_BYTES, _HINT)
    if not isinstance(msg, dict) or msg.get("v") != RELEASE_VERSION:
        got = msg.get("v") if isinstance(msg, dict) else None
        raise _bad(f"release format {got!r} is not supported (expected {RELEASE_VERSION})")
    text, sig_hex = msg.get("table"), msg.get("signature")
    if not isinstance(text, str):
        raise _bad("no table text")
    if not isinstance(sig_hex, str) or not sig_hex:
        raise SignatureError("the global layer is unsigned", hint="only signed releases are used")
    from cryptography.exceptions import InvalidSignature  # noqa: PLC0415 - lazy: ~6 MB, fleet sync only
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey  # noqa: PLC0415 - lazy: ~6 MB, fleet sync only

    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key))
    except ValueError as err:
        raise SignatureError(
            "sync.public_key is not a valid Ed25519 public key (hex)",
            hint="copy the key printed by `edge aggregator --print-public-key`",
        ) from err
    try:
        key.verify(bytes.fromhex(sig_hex), text.encode())
    except (InvalidSignature, ValueError) as err:
        raise SignatureError(
            "the global layer signature does not verify (tampered, or signed by another key)",
            hint="check sync.public_key; the current layer stays in use",
        ) from err
    obj = parse_json(text, "invalid global layer (signed table)", _MAX_RELEASE_BYTES, _HINT)
    return GlobalTable.from_json(obj), text
