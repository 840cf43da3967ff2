"""The device's one backoff policy (edge/context/backoff.py): pure, with the attempt, the draw and the clock
as inputs; the reconnect settings of both MQTT clients are derived from the config through it."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edge.config import MQTTSettings, SyncSettings, load_settings
from edge.context.backoff import Backoff
from edge.context.connection import FLEET_RECONNECT, RECONNECT_CAP_S, ConnectionSettings
from edge.context.mqtt import SessionSettings
from edge.errors import ConfigError, EdgeError
from edge.sync.uploader import RETRY


def test_full_jitter_doubles_its_ceiling_up_to_the_cap_and_never_waits_less_than_min() -> None:
    b = Backoff(min_s=0.5, max_s=5.0)
    assert [b.ceiling(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    assert [b.delay(n, 0.0) for n in range(6)] == [0.5] * 6  # the lowest draw: min_s, every attempt
    assert [b.delay(n, 1.0) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]  # the highest: the ceiling
    assert b.delay(3, 0.5) == pytest.approx(0.5 + (4.0 - 0.5) / 2)


def test_half_jitter_keeps_the_delay_in_the_upper_half_and_the_first_retry_at_min() -> None:
    assert (RETRY.min_s, RETRY.max_s, RETRY.jitter) == (1.0, 900.0, 0.5)
    assert RETRY.delay(0, 0.0) == RETRY.delay(0, 1.0) == 1.0
    assert (RETRY.delay(4, 0.0), RETRY.delay(4, 1.0)) == (8.0, 16.0)
    assert (RETRY.delay(10, 0.0), RETRY.delay(10, 1.0)) == (450.0, 900.0)
    fixed = Backoff(min_s=1.0, max_s=8.0, jitter=0.0)
    assert [fixed.delay(n, 0.7) for n in range(5)] == [1.0, 2.0, 4.0, 8.0, 8.0]


def test_retry_at_is_the_clock_plus_the_delay() -> None:
    b = Backoff(min_s=2.0, max_s=60.0, jitter=0.5)
    now = 1_741_000_000.0
    assert b.retry_at(now, 3, 0.25) == now + b.delay(3, 0.25) == now + 8.0 + 8.0 * 0.25


def test_a_huge_attempt_count_or_a_negative_one_stays_in_range() -> None:
    b = Backoff(min_s=1e-3, max_s=900.0)
    assert b.ceiling(10**9) == 900.0
    assert b.ceiling(-5) == b.ceiling(0) == 1e-3


@given(
    min_s=st.floats(1e-3, 60.0),
    span=st.floats(1.0, 100.0),
    jitter=st.floats(0.0, 1.0),
    attempt=st.integers(0, 200),
    draw=st.floats(0.0, 1.0),
)
def test_every_delay_lies_between_min_and_the_ceiling(
    min_s: float, span: float, jitter: float, attempt: int, draw: float
) -> None:
    b = Backoff(min_s=min_s, max_s=min_s * span, jitter=jitter)
    delay = b.delay(attempt, draw)
    assert b.min_s <= delay <= b.ceiling(attempt) <= b.max_s
    assert b.ceiling(attempt) <= b.ceiling(attempt + 1)  # never shrinks while failures go on


def test_a_seeded_generator_gives_the_same_schedule() -> None:
    b = Backoff(min_s=0.5, max_s=5.0)

    def schedule(seed: int) -> list[float]:
        rng = random.Random(seed)
        return [b.delay(n, rng.random()) for n in range(8)]

    assert schedule(7) == schedule(7) != schedule(8)
    assert len(set(schedule(7))) == 8


@pytest.mark.parametrize(
    ("min_s", "max_s", "jitter"),
    [(0.0, 5.0, 1.0), (-1.0, 5.0, 1.0), (6.0, 5.0, 1.0), (1.0, float("inf"), 1.0), (1.0, 5.0, 1.5)],
)
def test_a_backoff_that_is_not_a_range_is_refused(min_s: float, max_s: float, jitter: float) -> None:
    with pytest.raises(EdgeError, match="backoff"):
        Backoff(min_s=min_s, max_s=max_s, jitter=jitter)


def test_a_draw_outside_zero_one_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="draw"):
        Backoff().delay(0, 1.5)


def test_the_home_broker_reconnects_within_the_cap_whatever_the_config_says() -> None:
    mqtt = MQTTSettings(host="hub.local", port=1884, reconnect_min_s=2.0, reconnect_max_s=30.0)
    connection = ConnectionSettings.from_mqtt(mqtt)
    assert connection.backoff == Backoff(min_s=2.0, max_s=RECONNECT_CAP_S)
    session = SessionSettings.from_mqtt(mqtt, "kitchen")
    assert isinstance(session, ConnectionSettings)
    assert session.backoff == connection.backoff and (session.host, session.port) == ("hub.local", 1884)
    assert session.health_topic == "edge/kitchen/health" and session.coalesce_by_topic
    slow = MQTTSettings(reconnect_min_s=9.0, reconnect_max_s=60.0)
    assert ConnectionSettings.from_mqtt(slow).backoff == Backoff(RECONNECT_CAP_S, RECONNECT_CAP_S)


def test_the_fleet_link_takes_everything_from_sync_and_the_fleet_backoff() -> None:
    sync = SyncSettings(
        host="fleet.example", port=8883, username="home-1", password="pw", tls=True, ca_file="/etc/ca.pem"
    )
    c = ConnectionSettings.from_sync(sync, client_id="home-1")
    assert (c.host, c.port, c.username, c.password, c.client_id) == (
        "fleet.example", 8883, "home-1", "pw", "home-1"
    )  # fmt: skip
    assert (c.tls, c.ca_file, c.keepalive_s, c.connect_timeout_s) == (True, "/etc/ca.pem", 30, 10.0)
    assert c.backoff == FLEET_RECONNECT == Backoff(min_s=1.0, max_s=8.0)
    assert not c.persistent  # the device's link keeps no session on the fleet broker


@pytest.mark.parametrize(
    "bad",
    [
        {"port": 0},
        {"port": 65536},
        {"reconnect_min_s": 0.0},
        {"reconnect_min_s": 6.0},
        {"keepalive_s": 0},
        {"connect_timeout_s": 0.0},
        {"session_expiry_s": -1},
    ],
)
def test_connection_settings_refuse_values_no_client_can_use(bad: dict[str, float]) -> None:
    with pytest.raises(EdgeError):
        ConnectionSettings(**bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("sync.port=0", "sync.port must be 1..65535"),
        ("mqtt.reconnect_min_s=2.0", "mqtt.reconnect_min_s must be > 0 and <= mqtt.reconnect_max_s"),
    ],
)
def test_the_config_refuses_a_connection_no_client_can_make(override: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings("x86_64-dev", overrides=[override, "mqtt.reconnect_max_s=1.0"])
