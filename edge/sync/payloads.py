"""What a home sends upstream: one versioned, schema-checked weekly report.

Wire form is JSON (``to_json``/``from_json``); parsing checks every type, range and size and rejects unknown
versions and unknown keys with :class:`PayloadError`. ``message_id`` is ``<period>:<content hash>``: the
same report always has the same id, so resending it is harmless (the aggregator keeps the first copy).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from edge.errors import EdgeError, ErrorCode
from edge.feedback.record import SignalKind
from edge.nlu.catalogue import current_name
from edge.sync.identity import period_bounds
from edge.sync.vocabulary import INTENTS

__all__ = [
    "FAILURE_POINTS",
    "LATENCY_BUCKETS_MS",
    "MAX_PAIRS",
    "REPORT_VERSION",
    "DefectCount",
    "PayloadError",
    "RewritePair",
    "WeeklyReport",
    "parse_json",
]

REPORT_VERSION = 1
MAX_PAIRS = 3  # the schema's hard cap; settings.sync.pairs_per_week may be lower
LATENCY_BUCKETS_MS = (100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000)  # upper bounds; one overflow
FAILURE_POINTS = frozenset({"false_wake", "asr", "nlu", "entity", "result", "unknown"})
VERSION_KEYS = frozenset({"edge", "nlu", "asr", "personal_tables", "global_layer"})
_MAX_COUNT = 1_000_000
_PAIR_TEXT = re.compile(r"^[a-z0-9{}:+_ -]{1,160}$")
_VERSION_VALUE = re.compile(r"^[A-Za-z0-9._+-]{0,40}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_MESSAGE_ID = re.compile(r"^\d{4}-W\d{2}:[0-9a-f]{32}$")


class PayloadError(EdgeError):
    code = ErrorCode.PAYLOAD_INVALID


def _fail(what: str) -> PayloadError:
    return PayloadError(f"invalid fleet report: {what}", hint="the sender runs an incompatible version")


def parse_json(raw: bytes | str, what: str, max_bytes: int, hint: str = "") -> Any:
    """JSON from an untrusted peer: the size checked before parsing, and any parse failure (bad UTF-8,
    bad JSON, numbers over the digit limit, nesting deep enough to exhaust the stack) one PayloadError."""
    if len(raw) > max_bytes:
        raise PayloadError(f"{what}: {len(raw)} bytes is over the {max_bytes}-byte limit", hint=hint)
    try:
        return json.loads(raw)
    except RecursionError as err:
        raise PayloadError(f"{what}: nested too deeply to be one", hint=hint) from err
    except (UnicodeDecodeError, ValueError) as err:  # JSONDecodeError and int-digit limits are ValueErrors
        raise PayloadError(f"{what}: not JSON ({str(err)[:120]})", hint=hint) from err


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_COUNT:
        raise _fail(f"{where} must be a whole number in 0..{_MAX_COUNT}")
    return value


def _keys(obj: Any, allowed: set[str], where: str) -> Mapping[str, Any]:
    if not isinstance(obj, dict):
        raise _fail(f"{where} must be an object")
    unknown = set(obj) - allowed
    missing = allowed - set(obj)
    if unknown or missing:
        raise _fail(f"{where}: unknown keys {sorted(unknown)} / missing keys {sorted(missing)}")
    return obj


def _intent(value: Any) -> Any:
    """An intent name as the catalogue calls it now (a layer written before a rename still loads)."""
    return current_name(value) if isinstance(value, str) else value


@dataclass(frozen=True, slots=True)
class RewritePair:
    """One scrubbed pair: both sides in closed vocabulary; ``intent`` of the rewritten side (or "")."""

    original: str
    rewritten: str
    intent: str = ""

    def __post_init__(self) -> None:
        for side in (self.original, self.rewritten):
            if not isinstance(side, str) or not _PAIR_TEXT.match(side):
                raise _fail(f"pair text {side!r} is not scrubbed vocabulary")
        if self.original == self.rewritten:
            raise _fail("a pair must change the utterance")
        if self.intent and self.intent not in INTENTS:
            raise _fail(f"unknown intent {self.intent!r}")

    def to_json(self) -> dict[str, Any]:
        return {"original": self.original, "rewritten": self.rewritten, "intent": self.intent}

    @classmethod
    def from_json(cls, obj: Any) -> RewritePair:
        d = _keys(obj, {"original", "rewritten", "intent"}, "pair")
        return cls(d["original"], d["rewritten"], _intent(d["intent"]))


@dataclass(frozen=True, slots=True)
class DefectCount:
    """Defective turns in the week at one failure point for one intent ("" when none was recognised)."""

    failure_point: str
    intent: str
    count: int

    def __post_init__(self) -> None:
        if self.failure_point not in FAILURE_POINTS:
            raise _fail(f"unknown failure point {self.failure_point!r}")
        if self.intent and self.intent not in INTENTS:
            raise _fail(f"unknown intent {self.intent!r}")
        _count(self.count, "defect count")

    def to_json(self) -> dict[str, Any]:
        return {"failure_point": self.failure_point, "intent": self.intent, "count": self.count}

    @classmethod
    def from_json(cls, obj: Any) -> DefectCount:
        d = _keys(obj, {"failure_point", "intent", "count"}, "defect")
        return cls(d["failure_point"], _intent(d["intent"]), d["count"])


@dataclass(frozen=True, slots=True)
class WeeklyReport:
    """One home's week: aggregates only, plus at most ``MAX_PAIRS`` scrubbed rewrite pairs."""

    period: str
    home: str  # HMAC-SHA256(home secret, period), hex
    turns: int
    defects: tuple[DefectCount, ...]
    signals: tuple[tuple[str, int], ...]  # (SignalKind, count), sorted
    latency_ms: tuple[int, ...]  # counts per LATENCY_BUCKETS_MS bucket, plus one overflow bucket
    versions: tuple[tuple[str, str], ...]  # (VERSION_KEYS member, value), sorted
    pairs: tuple[RewritePair, ...]
    version: int = REPORT_VERSION

    def __post_init__(self) -> None:
        if self.version != REPORT_VERSION:
            raise _fail(f"report version {self.version} is not supported (this side speaks {REPORT_VERSION})")
        try:
            period_bounds(self.period)
        except EdgeError as err:
            raise _fail(str(err)) from err
        if not _HEX64.match(self.home):
            raise _fail("home must be a 64-digit hex HMAC")
        _count(self.turns, "turns")
        if len(self.defects) > len(FAILURE_POINTS) * (len(INTENTS) + 1):
            raise _fail("too many defect rows")
        kinds = {str(k) for k in SignalKind}
        for kind, n in self.signals:
            if kind not in kinds:
                raise _fail(f"unknown signal kind {kind!r}")
            _count(n, f"signal {kind}")
        if len(self.latency_ms) != len(LATENCY_BUCKETS_MS) + 1:
            raise _fail(f"latency_ms must have {len(LATENCY_BUCKETS_MS) + 1} buckets")
        for n in self.latency_ms:
            _count(n, "latency bucket")
        for key, value in self.versions:
            if key not in VERSION_KEYS or not isinstance(value, str) or not _VERSION_VALUE.match(value):
                raise _fail(f"bad version entry {key!r}={value!r}")
        if len(self.pairs) > MAX_PAIRS:
            raise _fail(f"at most {MAX_PAIRS} pairs per report")
        if len({(p.original, p.rewritten) for p in self.pairs}) != len(self.pairs):
            raise _fail("duplicate pairs")

    @property
    def message_id(self) -> str:
        """``<period>:<sha256 of the canonical body>`` (first 128 bits): stable across resends."""
        body = json.dumps(self._body(), sort_keys=True, separators=(",", ":")).encode()
        return f"{self.period}:{hashlib.sha256(body).hexdigest()[:32]}"

    def _body(self) -> dict[str, Any]:
        return {
            "v": self.version,
            "period": self.period,
            "home": self.home,
            "turns": self.turns,
            "defects": [d.to_json() for d in self.defects],
            "signals": dict(self.signals),
            "latency_ms": list(self.latency_ms),
            "versions": dict(self.versions),
            "pairs": [p.to_json() for p in self.pairs],
        }

    def to_json(self) -> dict[str, Any]:
        return {**self._body(), "message_id": self.message_id}

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, obj: Any) -> WeeklyReport:
        if isinstance(obj, dict) and obj.get("v") != REPORT_VERSION:
            raise _fail(f"report version {obj.get('v')!r} is not supported (expected {REPORT_VERSION})")
        keys = {"v", "period", "home", "turns", "defects", "signals", "latency_ms", "versions", "pairs"}
        d = _keys(obj, keys | {"message_id"}, "report")
        for name in ("defects", "latency_ms", "pairs"):
            if not isinstance(d[name], list):
                raise _fail(f"{name} must be a list")
        for name in ("signals", "versions"):
            if not isinstance(d[name], dict):
                raise _fail(f"{name} must be an object")
        report = cls(
            period=d["period"],
            home=d["home"],
            turns=d["turns"],
            defects=tuple(DefectCount.from_json(x) for x in d["defects"]),
            signals=tuple(sorted(d["signals"].items())),
            latency_ms=tuple(d["latency_ms"]),
            versions=tuple(sorted(d["versions"].items())),
            pairs=tuple(RewritePair.from_json(x) for x in d["pairs"]),
            version=d["v"],
        )
        if d["message_id"] != report.message_id:
            raise _fail("message_id does not match the content")
        return report

    @classmethod
    def from_bytes(cls, raw: bytes, max_bytes: int = 64_000) -> WeeklyReport:
        hint = "the sender runs an incompatible version"
        return cls.from_json(parse_json(raw, "invalid fleet report", max_bytes, hint))
