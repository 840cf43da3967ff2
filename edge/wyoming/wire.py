"""Reading Wyoming events with bounds: a header line, then its data and payload, each size checked."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from wyoming.event import Event

__all__ = ["MAX_DATA", "MAX_HEADER", "MAX_PAYLOAD", "BadEvent", "read_event"]

MAX_HEADER = 64 * 1024  # one JSON line (the StreamReader's limit)
MAX_DATA = 256 * 1024  # the JSON data block of one event
MAX_PAYLOAD = 1024 * 1024  # one audio chunk (a second of 48 kHz stereo 32-bit is 384 KB)


class BadEvent(ValueError):
    """An event we cannot read; the connection gets an ``error`` event and is closed."""


def _length(header: dict[str, Any], key: str, limit: int) -> int:
    value = header.get(key) or 0
    if not isinstance(value, int) or value < 0:
        raise BadEvent(f"{key} must be a non-negative integer, not {value!r}")
    if value > limit:
        raise BadEvent(f"{key} {value} is over the limit of {limit} bytes")
    return value


async def read_event(reader: asyncio.StreamReader) -> Event | None:
    """The next event, None at the end of the stream; :class:`BadEvent` for what is not a Wyoming event."""
    try:
        line = await reader.readline()
    except (ValueError, asyncio.LimitOverrunError) as err:
        raise BadEvent(f"an event header longer than {MAX_HEADER} bytes") from err
    if not line:
        return None
    try:
        header = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise BadEvent(f"the header is not JSON: {err}") from err
    if not isinstance(header, dict) or not isinstance(header.get("type"), str):
        raise BadEvent('the header must be a JSON object with a string "type"')
    data = header.get("data") or {}
    if not isinstance(data, dict):
        raise BadEvent('"data" must be a JSON object')
    if size := _length(header, "data_length", MAX_DATA):
        try:
            extra = json.loads(await reader.readexactly(size))
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise BadEvent(f"the data block is not JSON: {err}") from err
        if not isinstance(extra, dict):
            raise BadEvent("the data block must be a JSON object")
        data.update(extra)
    payload = None
    if size := _length(header, "payload_length", MAX_PAYLOAD):
        payload = await reader.readexactly(size)
    return Event(type=header["type"], data=data, payload=payload)
