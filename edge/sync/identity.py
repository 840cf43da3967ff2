"""The home's rotating pseudonym: HMAC-SHA256(per-home secret, period), a new id every ISO week.

The secret never leaves the device (a 0600 file next to the turn store). The aggregator sees one id per
home per week and cannot link two weeks of the same home; only the device can.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from edge.errors import EdgeError, ErrorCode

__all__ = ["HomeIdentity", "period_bounds", "period_of"]

_PERIOD = re.compile(r"^(\d{4})-W(\d{2})$")
_SECRET_BYTES = 32


def period_of(t: float) -> str:
    """The ISO week (``2025-W14``) holding the wall-clock time ``t`` (seconds since the epoch, UTC)."""
    year, week, _ = dt.datetime.fromtimestamp(t, dt.UTC).isocalendar()
    return f"{year:04d}-W{week:02d}"


def period_bounds(period: str) -> tuple[float, float]:
    """[start, end) of an ISO week in epoch seconds (UTC)."""
    m = _PERIOD.match(period)
    if not m:
        raise EdgeError(f"period {period!r} is not an ISO week", hint="use YYYY-Www, e.g. 2025-W14")
    start = dt.datetime.fromisocalendar(int(m.group(1)), int(m.group(2)), 1).replace(tzinfo=dt.UTC)
    return start.timestamp(), (start + dt.timedelta(days=7)).timestamp()


class HomeIdentity:
    """Holds the per-home secret; :meth:`device_id` gives the keyed, per-period id."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise EdgeError("the home secret is too short", code=ErrorCode.CONFIG_INVALID)
        self._secret = secret

    @classmethod
    def load_or_create(cls, path: Path | str) -> HomeIdentity:
        """Read the secret file, creating it (0600, random) on first use."""
        path = Path(path)
        try:
            return cls(path.read_bytes())
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first
            return cls(path.read_bytes())
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(_SECRET_BYTES))
        return cls(path.read_bytes())

    def device_id(self, period: str) -> str:
        period_bounds(period)  # validates
        return hmac.new(self._secret, f"edge-fleet/v1/{period}".encode(), hashlib.sha256).hexdigest()
