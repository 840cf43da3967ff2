"""Pure units: scrubbing, payload schema, rotating ids, the privacy threshold."""

from __future__ import annotations

import dataclasses
import json
import math
import random
from pathlib import Path

import pytest

from edge.errors import EdgeError
from edge.feedback.observations import StoredTurn
from edge.feedback.record import FeedbackSignal, Label, SignalKind, TurnRecord
from edge.lab.fleet.privacy import PrivacyBudget, private_counts
from edge.sync.anonymize import build_reports
from edge.sync.identity import HomeIdentity, period_bounds, period_of
from edge.sync.payloads import PayloadError, RewritePair, WeeklyReport
from edge.sync.scrub import HomeDevice, ScrubPolicy, scrub_pair, scrub_text

DEVICES = [
    HomeDevice(("Alice's lamp", "reading light"), "light", "Bedroom"),
    HomeDevice(("kitchen light",), "light", "kitchen"),
    HomeDevice(("Bobby speaker",), "media_player", "Grandma's flat"),
]


@pytest.mark.parametrize(
    ("original", "rewritten", "expected"),
    [
        (
            "turn on the kitchen lite",
            "turn on the kitchen light",
            ("turn on the kitchen lite", "turn on the kitchen light"),
        ),
        (
            "turn on the kitten light",
            "turn on the kitchen light",
            ("turn on the kitten light", "turn on the kitchen light"),
        ),
        (
            "switch on Alice's lamp please",
            "turn on alice's lamp",
            ("switch on {light} please", "turn on {light}"),
        ),
        (  # a device named in vocabulary words is a slot too: the fleet counts it across homes and rooms
            "kill the kitchen light",
            "turn off the kitchen light",
            ("kill the {light}", "turn off the {light}"),
        ),
        (  # the same number on both sides leaves as {num}, without its value
            "dim the reading light to fifty",
            "set alice's lamp to 50 percent",
            ("dim the {light} to {num}", "set {light} to {num} percent"),
        ),
        (  # two lights: two slots, numbered in the order the rewritten side names them
            "turn on the kitchen light and alice's lamp",
            "switch on alice's lamp and the kitchen light",
            ("turn on the {light:2} and {light}", "switch on {light} and the {light:2}"),
        ),
        (  # a near miss in the command word keeps its slot
            "swich on the kitchen light",
            "switch on the kitchen light",
            ("swich on the {light}", "switch on the {light}"),
        ),
        (  # every number word is a number (edge.lang.NUMBER_WORDS), not only the ones a short table listed
            "dim the reading light to sixty",
            "set alice's lamp to 65 percent",
            ("dim the {light} to {num:60-69}", "set {light} to {num:60-69} percent"),
        ),
        (
            "set it to 21 degrees",
            "set the thermostat to 21.5 degrees",
            ("set it to {num:20-29} degrees", "set the thermostat to {num:20-29} degrees"),
        ),
        (
            "louder on bobby speaker",
            "volume up on bobby speaker",
            ("louder on {media_player}", "volume up on {media_player}"),
        ),
    ],
)
def test_scrub_keeps_only_closed_vocabulary(original: str, rewritten: str, expected: tuple[str, str]) -> None:
    assert scrub_pair(original, rewritten, DEVICES) == expected


@pytest.mark.parametrize(
    ("original", "rewritten"),
    [
        ("call sarah", "turn on the kitchen light"),  # a name on the original side
        ("turn on the kitchen light", "tell bob dinner is ready"),  # free text on the rewritten side
        ("play maj and dragons", "play imagine dragons"),  # media titles are free text
        ("turn on sarah light", "turn on the kitchen light"),  # a name is not a near miss of "kitchen"
        ("turn on the kitchen lite", "turn on the kitchen light please now"),  # near miss, lengths differ
        ("turn on the light", "turn on the light"),  # no change
        ("turn on the lights", "Turn on the lights!"),  # no change after normalizing
        ("turn on the lamp", "turn on alice's lamp"),  # a slot on one side only: this home's naming
        ("kill bobby speaker", "turn off alice's lamp"),  # two different devices, names outside vocabulary
    ],
)
def test_scrub_drops_pairs_with_anything_outside_the_vocabulary(original: str, rewritten: str) -> None:
    assert scrub_pair(original, rewritten, DEVICES) is None


def test_near_misses_can_be_turned_off() -> None:
    strict = ScrubPolicy(near_misses=False)
    assert scrub_pair("turn on the kitchen lite", "turn on the kitchen light", DEVICES, strict) is None
    assert scrub_text("turn on the kitchen light", DEVICES, strict) == "turn on the kitchen light"
    assert scrub_text("what did margaret say", DEVICES, strict) is None


def _report(**changes: object) -> WeeklyReport:
    fields: dict[str, object] = {
        "period": "2025-W10",
        "home": "ab" * 32,
        "turns": 12,
        "defects": (),
        "signals": (("rephrase", 3),),
        "latency_ms": (0,) * 11,
        "versions": (("edge", "0.1.0"),),
        "pairs": (RewritePair("turn on the kitchen lite", "turn on the kitchen light", "HassTurnOn"),),
    }
    fields.update(changes)
    return WeeklyReport(**fields)  # type: ignore[arg-type]


def test_report_round_trips_and_message_id_is_stable() -> None:
    report = _report()
    again = WeeklyReport.from_bytes(report.to_bytes())
    assert again == report
    assert again.message_id == report.message_id
    assert report.message_id.startswith("2025-W10:")
    assert _report(turns=13).message_id != report.message_id


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda d: d.update(v=2), "version 2"),
        (lambda d: d.update(extra="x"), "unknown keys"),
        (lambda d: d.update(turns=-1), "turns"),
        (lambda d: d.update(turns=True), "turns"),
        (lambda d: d.update(home="sarah"), "hex"),
        (
            lambda d: d["pairs"].append({"original": "call Sarah!", "rewritten": "x", "intent": ""}),
            "scrubbed",
        ),
        (lambda d: d["pairs"].extend([d["pairs"][0]] * 3), "at most 3"),
        (lambda d: d.update(latency_ms=[0, 1]), "buckets"),
        (lambda d: d["signals"].update(gossip=1), "signal kind"),
        (lambda d: d.update(message_id="2025-W10:" + "0" * 32), "message_id"),
    ],
)
def test_report_parsing_rejects_bad_input(mutate: object, needle: str) -> None:
    data = json.loads(_report().to_bytes())
    mutate(data)  # type: ignore[operator]
    with pytest.raises(PayloadError, match=needle):
        WeeklyReport.from_json(data)


def test_report_parsing_rejects_oversized_and_non_json() -> None:
    with pytest.raises(PayloadError, match="limit"):
        WeeklyReport.from_bytes(b"{" + b" " * 70_000 + b"}")
    with pytest.raises(PayloadError, match="not JSON"):
        WeeklyReport.from_bytes(b"\xff\xfe")


def test_device_id_is_keyed_and_rotates_every_week(tmp_path: object) -> None:
    secret = Path(str(tmp_path)) / "home.secret"
    a = HomeIdentity.load_or_create(secret)
    assert secret.stat().st_mode & 0o777 == 0o600
    b = HomeIdentity.load_or_create(secret)
    other = HomeIdentity(b"x" * 32)
    assert a.device_id("2025-W10") == b.device_id("2025-W10")
    assert a.device_id("2025-W10") != a.device_id("2025-W11")
    assert a.device_id("2025-W10") != other.device_id("2025-W10")
    start, end = period_bounds("2025-W10")
    assert period_of(start) == "2025-W10" and period_of(end) == "2025-W11"
    with pytest.raises(EdgeError, match="ISO week"):
        a.device_id("last week")


def test_privacy_threshold_matches_the_documented_formula() -> None:
    budget = PrivacyBudget(epsilon=1.0, delta=1e-6, k=20, m=3)
    assert budget.tau == pytest.approx(1 + 3 * math.log(3 / 2e-6))
    assert budget.threshold == budget.tau  # tau (43.7) is above k here
    counts = {"popular": 150, "rare": 19, "borderline": 30}
    released = private_counts(counts, budget, random.Random(1))
    assert "popular" in released and "rare" not in released and "borderline" not in released
    loose = PrivacyBudget(epsilon=math.inf, k=20)
    assert set(private_counts(counts, loose, random.Random(1))) == {"popular", "borderline"}
    with pytest.raises(EdgeError):
        PrivacyBudget(epsilon=0)


def _chain(failed_intent: str | None, t: float = 1_741_000_000.0) -> list[StoredTurn]:
    """A defective turn rephrased within seconds into a successful one, on the same light."""
    said = "kill the kitchen light"
    base = TurnRecord("t1", "s1", "h", t, t + 2, asr_text=said, text=said, targets=("light.kitchen",))
    bad = dataclasses.replace(
        base, label=Label.DEFECT.value, intent=failed_intent, result_ok=False, result_error="device-timeout"
    )
    fix = "turn off the kitchen light"
    good = dataclasses.replace(
        base, turn_id="t2", t_start=t + 6, t_end=t + 8, asr_text=fix, text=fix, label=Label.SUCCESS.value,
        intent="HassTurnOff", result_ok=True,
    )  # fmt: skip
    signal = FeedbackSignal("t1", SignalKind.REPHRASE, t + 6, 1.0, {}, "t2")
    return [StoredTurn(bad, (signal,)), StoredTurn(good)]


def test_a_retry_of_a_request_that_was_understood_teaches_nothing() -> None:
    devices = [HomeDevice.from_entity("light.kitchen", "kitchen light", "kitchen")]
    identity = HomeIdentity(b"k" * 32)
    understood = build_reports(_chain("HassTurnOff"), identity, devices=devices)  # the device timed out
    assert [r.pairs for r in understood] == [()]
    misread = build_reports(_chain(None), identity, devices=devices)  # the words were the problem
    assert [(p.original, p.rewritten) for r in misread for p in r.pairs] == [
        ("kill the {light}", "turn off the {light}")
    ]
