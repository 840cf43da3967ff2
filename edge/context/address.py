"""``HOST:PORT`` broker addresses from the command line (``--broker``), shared by every command."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from edge.config import Settings
from edge.errors import ConfigError

__all__ = ["BrokerAddress", "parse_broker", "with_broker"]


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    host: str
    port: int


def parse_broker(text: str, default_port: int = 1883) -> BrokerAddress:
    """``host``, ``host:port``, ``:port`` or ``[ipv6]:port``."""
    raw = text.strip()
    hint = "use HOST:PORT, e.g. --broker 127.0.0.1:1883"
    if not raw:
        raise ConfigError("empty broker address", hint=hint)
    if raw.startswith("["):
        host, _, rest = raw[1:].partition("]")
        port_text = rest.removeprefix(":")
    elif raw.count(":") == 1:
        host, port_text = raw.split(":")
    else:
        host, port_text = raw, ""
    host = host or "127.0.0.1"
    if not port_text:
        return BrokerAddress(host, default_port)
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConfigError(f"broker port {port_text!r} in {text!r} is not 1..65535", hint=hint)
    return BrokerAddress(host, int(port_text))


def with_broker(settings: Settings, text: str | None) -> Settings:
    """``settings`` with mqtt.host/port taken from ``text`` when given."""
    if not text:
        return settings
    address = parse_broker(text, settings.mqtt.port)
    mqtt = dataclasses.replace(settings.mqtt, host=address.host, port=address.port)
    return dataclasses.replace(settings, mqtt=mqtt)
