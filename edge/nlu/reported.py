"""The one value some devices all report for an attribute (the blinds' ``current_position``, the thermostats'
set ``temperature``), for requests that move it by a step. Pure."""

from __future__ import annotations

from collections.abc import Iterable

from edge.context.model import ContextSnapshot

__all__ = ["one_value"]


def one_value(snapshot: ContextSnapshot, entity_ids: Iterable[str], attribute: str) -> float | None:
    """The number every device of ``entity_ids`` reports for ``attribute``; None when one reports none or
    they differ (one value would move them apart)."""
    values: set[float] = set()
    for entity_id in entity_ids:
        state = snapshot.states.get(entity_id)
        value = state.attributes.get(attribute) if state is not None else None
        if not isinstance(value, int | float) or isinstance(value, bool):
            return None
        values.add(float(value))
    return values.pop() if len(values) == 1 else None
