"""``edge sync --dry-run`` shows exactly what would leave the home: no names, no free text, no raw turns."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from edge.feedback.store import TurnStore
from edge.lab.fleet.synthetic import PRIVATE_WORDS, SyntheticPair, home_turns
from edge.sync.payloads import WeeklyReport

T0 = 1_741_000_000.0


def test_dry_run_prints_the_reports_without_raw_text(tmp_path: Path) -> None:
    db = tmp_path / "turns.sqlite3"
    pairs = [
        SyntheticPair("turn on the kitchen lite", "turn on the kitchen light"),
        SyntheticPair("play maj and dragons", "play imagine dragons", "HassMediaSearchAndPlay"),
    ]
    turns = home_turns("home-with-secrets", pairs, T0, random.Random(7))
    with TurnStore(db) as store:
        for st in turns:
            store.add_turn(st.record)
        for st in turns:
            for sig in st.signals:
                store.add_signal(sig)
    raw_texts = {st.record.asr_text for st in turns}
    assert any("sarah" in t or "bob" in t or "dentist" in t or "margaret" in t for t in raw_texts)

    out = subprocess.run(
        [
            sys.executable, "-m", "edge", "sync", "--dry-run", "--db", str(db),
            "--profile", "x86_64-dev", "--set", f"paths.state_dir={json.dumps(str(tmp_path / 'state'))}",
        ],
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    lowered = out.lower()
    for word in (
        *PRIVATE_WORDS,
        "maj",
        "dragons",
        "alice",
        "home-with-secrets",
        "remind",
        "happy",
        "saying",
    ):
        assert word not in lowered, f"{word!r} leaked into the dry run"
    body = "\n".join(line for line in out.splitlines() if not line.startswith("#"))
    report = WeeklyReport.from_json(json.loads(body))  # exactly one week, and it parses as a report
    assert report.turns == len(turns)
    sent = [(p.original, p.rewritten) for p in report.pairs]
    assert ("turn on the kitchen lite", "turn on the kitchen light") in sent
    assert len(sent) <= 3
    assert "user-property message-id=" + report.message_id in out
    assert "nothing was sent" in out
    assert (tmp_path / "state" / "sync" / "home.secret").stat().st_mode & 0o777 == 0o600
