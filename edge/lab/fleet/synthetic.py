"""Synthetic homes for tests and benchmarks: turn records with rephrase chains, names and free text.

Every home gets the rephrase chains it is assigned (a defective turn, rephrased within seconds into a
successful one), a few turns that mention people and free text, and a device with a personal name. The
reports are then built through the real anonymizer, exactly as a device would, and signed by each home's
own device key (:func:`signed_fleet`), which the test or benchmark enrolls with :func:`enroll_keys`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge.feedback.observations import StoredTurn
from edge.feedback.record import FeedbackSignal, Label, SignalKind, TurnRecord
from edge.lab.fleet.storage import open_store
from edge.sync.anonymize import build_reports
from edge.sync.envelope import SignedReport
from edge.sync.identity import HomeIdentity
from edge.sync.payloads import WeeklyReport
from edge.sync.release import public_key_hex

__all__ = [
    "PRIVATE_WORDS",
    "SyntheticPair",
    "device_keys",
    "enroll_keys",
    "fleet_reports",
    "home_turns",
    "signed_fleet",
]

PRIVATE_WORDS = ("alice", "bob", "sarah", "grandma", "dentist", "tuesday", "birthday", "margaret")
_FREE_TEXT = (
    "call sarah and tell her I am late",
    "remind me about the dentist on tuesday",
    "send a message to bob saying happy birthday",
    "what did margaret say about the party",
)


@dataclass(frozen=True, slots=True)
class SyntheticPair:
    original: str
    rewritten: str
    intent: str = "HassTurnOn"


def _turn(home: str, n: int, t: float, text: str, label: Label, **kw: object) -> TurnRecord:
    return TurnRecord(
        turn_id=f"{home}-t{n}",
        session_id=f"{home}-s{n // 4}",
        home_id=home,
        t_start=t,
        t_end=t + 1.2,
        asr_text=text,
        text=text,
        label=label.value,
        **kw,  # type: ignore[arg-type]
    )


def home_turns(home: str, pairs: Sequence[SyntheticPair], t0: float, rng: random.Random) -> list[StoredTurn]:
    """One home's week: its rephrase chains, private chatter, and a named device."""
    out: list[StoredTurn] = []
    t = t0
    n = 0
    for pair in pairs:
        for day in range(2):  # the same fix on two days: support 2
            t += 3600 * 24 * day + rng.uniform(60, 600)
            bad = _turn(home, n, t, pair.original, Label.DEFECT, failure_point="asr", intent=None)
            good = _turn(home, n + 1, t + 6, pair.rewritten, Label.SUCCESS, intent=pair.intent)
            sig = FeedbackSignal(bad.turn_id, SignalKind.REPHRASE, t + 6, 1.0, {}, good.turn_id)
            out += [StoredTurn(bad, (sig,)), StoredTurn(good)]
            n += 2
    for text in rng.sample(_FREE_TEXT, 2):
        t += rng.uniform(60, 600)
        bad = _turn(home, n, t, text, Label.DEFECT, failure_point="nlu")
        fix = _turn(home, n + 1, t + 5, text + " please", Label.SUCCESS, intent="HassTurnOn")
        sig = FeedbackSignal(bad.turn_id, SignalKind.REPHRASE, t + 5, 1.0, {}, fix.turn_id)
        out += [StoredTurn(bad, (sig,)), StoredTurn(fix)]
        n += 2
    t += 120
    named = _turn(
        home,
        n,
        t,
        "turn on alice's lamp",
        Label.DEFECT,
        failure_point="entity",
        targets=("light.alices_lamp",),
        area="bedroom",
    )
    fixed = _turn(
        home,
        n + 1,
        t + 4,
        "switch on alice's lamp",
        Label.SUCCESS,
        intent="HassTurnOn",
        targets=("light.alices_lamp",),
        area="bedroom",
    )
    sig = FeedbackSignal(named.turn_id, SignalKind.REPHRASE, t + 4, 1.0, {}, fixed.turn_id)
    out += [StoredTurn(named, (sig,)), StoredTurn(fixed)]
    return out


def fleet_reports(
    homes: int,
    assignment: Sequence[tuple[SyntheticPair, int]],
    t0: float,
    *,
    pairs_per_week: int = 3,
    seed: int = 0,
) -> list[WeeklyReport]:
    """One report per home: pair i goes to the first ``count_i`` homes (rotated so homes differ)."""
    rng = random.Random(seed)
    reports = []
    for h in range(homes):
        mine = [pair for i, (pair, count) in enumerate(assignment) if (h + i * 37) % homes < count]
        identity = HomeIdentity(rng.randbytes(32))
        turns = home_turns(f"home{h}", mine, t0, rng)
        reports += build_reports(turns, identity, pairs_per_week=pairs_per_week)
    return reports


def device_keys(n: int, seed: int = 0) -> list[Ed25519PrivateKey]:
    """``n`` device keys, the same for the same seed (tests and benchmarks only)."""
    rng = random.Random(f"device-keys-{seed}")
    return [Ed25519PrivateKey.from_private_bytes(rng.randbytes(32)) for _ in range(n)]


def signed_fleet(
    reports: Sequence[WeeklyReport], seed: int = 0
) -> tuple[list[SignedReport], list[Ed25519PrivateKey]]:
    """Each report signed by its own home's device key: (signed reports, the keys to enroll)."""
    keys = device_keys(len(reports), seed)
    return [SignedReport.sign(r, k) for r, k in zip(reports, keys, strict=True)], keys


def enroll_keys(db: str, keys: Sequence[Ed25519PrivateKey], now: float = 0.0) -> None:
    """Enroll device keys in the aggregator store at ``db`` (what ``edge aggregator enroll`` does)."""
    store = open_store(db)
    try:
        for key in keys:
            store.enroll(public_key_hex(key), now)
    finally:
        store.close()
