"""One device as ``edge devices`` and the household page list it: id, name, area, kind, state,
capabilities, source (``ha``, ``z2m`` or ``home`` for a home-file device nothing announced), availability."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from edge.context.kinds import kind_of
from edge.context.model import ContextSnapshot, DeviceState

__all__ = ["DeviceSource", "device_row", "summary"]


class DeviceSource(Protocol):
    """What the runtime knows of the home (:class:`edge.context.store.ContextStore`)."""

    def snapshot(self) -> ContextSnapshot: ...
    def state(self, entity_id: str) -> DeviceState | None: ...
    def available(self, entity_id: str) -> bool | None: ...


def device_row(source: DeviceSource, entity_id: str) -> dict[str, Any]:
    device = source.snapshot().devices[entity_id]
    state = source.state(entity_id)
    transport = device.extra.get("transport")
    row: dict[str, Any] = {
        "entity_id": entity_id,
        "name": device.name,
        "area": device.area,
        "kind": str(kind_of(device)),
        "state": state.state if state else None,
        "capabilities": sorted(c.value for c in device.capabilities),
        "source": transport if transport in {"ha", "z2m"} else "home",
        "available": source.available(entity_id),
    }
    for key in ("model", "vendor", "ieee_address", "unique_id"):
        if device.extra.get(key):
            row[key] = device.extra[key]
    return row


def summary(rows: Sequence[Mapping[str, Any]]) -> str:
    """One line: how many, from where, which are unavailable."""
    sources = Counter(str(r["source"]) for r in rows)
    by_source = ", ".join(f"{n} {s}" for s, n in sorted(sources.items())) or "none"
    down = [str(r["entity_id"]) for r in rows if r["available"] is False]
    shown = ", ".join(down[:5]) + (f" and {len(down) - 5} more" if len(down) > 5 else "")
    return f"{len(rows)} devices ({by_source}); " + (f"unavailable: {shown}" if down else "none unavailable")
