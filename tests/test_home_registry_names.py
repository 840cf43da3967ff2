"""The registry compares device names the way the resolver reads them (``edge.lang.name_key``): a name that
differs only by case, punctuation, a possessive or a leading "the"/"my" is the same name to a request, so
the registry keeps the second device apart instead of letting one request reach both."""

from __future__ import annotations

import pytest

from edge.context.model import Device
from edge.context.registry import Registry
from edge.context.wire import PayloadError


def _lock(entity_id: str, name: str, area: str = "") -> Device:
    return Device(entity_id, name, "lock", area=area, command_topic=f"home/{entity_id}/set")


@pytest.mark.parametrize("second", ["the Front Door", "front-door", "My front door", "FRONT DOOR!"])
def test_a_name_a_request_cannot_tell_apart_is_kept_apart(second: str) -> None:
    registry = Registry()
    assert registry.register(_lock("lock.front_door", "Front door"), "homeassistant/lock/a/config")
    with pytest.raises(PayloadError, match=r"named like lock\.front_door"):
        registry.register(_lock("lock.front_door_2", second), "homeassistant/lock/b/config")
    assert set(registry.devices) == {"lock.front_door"}


def test_different_names_both_register() -> None:
    registry = Registry()
    registry.register(_lock("lock.front_door", "Front door"), "homeassistant/lock/a/config")
    registry.register(_lock("lock.back_door", "Back door"), "homeassistant/lock/b/config")
    assert set(registry.devices) == {"lock.front_door", "lock.back_door"}
