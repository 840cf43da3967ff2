"""The household's decisions as the runtime reads them: every layer's rewrite vetoed by its canonical form,
an unreadable decisions file switching learned rewrites off (never silently back on), the change log."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_home import BAD, DAY, GOOD, T0, make_home, snapshot, turn

from edge.errors import ConfigError
from edge.feedback.record import Rewrite
from edge.feedback.store import TurnStore
from edge.learning.household import Household, RewritePair, approve, veto
from edge.learning.loop import TableVersions
from edge.learning.rewriter import RewriteResult
from edge.learning.vetoed import VetoedRewriter
from edge.wiring import learned_rewriter, rebuild_tables


class Always:
    """A rewriter that rewrites everything to one target (the layer under test does not matter)."""

    def __init__(self, target: str, layer: str) -> None:
        self.target, self.layer = target, layer

    def rewrite(self, text: str, snap: object, asr_confidence: float, turn_id: str = "") -> RewriteResult:
        return RewriteResult(text, self.target, self.layer, 0.9)


@pytest.mark.parametrize("layer", ["personal", "retrieval", "global", "sound"])
def test_a_veto_holds_whatever_the_wording_around_the_request(layer: str) -> None:
    pair = RewritePair.of("Hey Jarvis, um, switch of the hall lamp please", "switch off the hall lamp")
    assert pair == RewritePair("switch of the hall lamp", "switch off the hall lamp")
    wrapped = VetoedRewriter(Always("Switch off the hall lamp.", layer), {pair})
    assert wrapped.rewrite("switch of the HALL lamp", snapshot(), 0.5) is None
    kept = wrapped.rewrite("switch of the porch lamp", snapshot(), 0.5)
    assert kept is not None and kept.layer == layer  # another request is still rewritten


def test_an_unreadable_decisions_file_turns_learned_rewrites_off(tmp_path: Path) -> None:
    home = make_home(tmp_path)
    household = Household(home.tables)
    household.path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"household\.json") as err:
        household.load()
    assert "household-log.jsonl" in (err.value.hint or "")
    assert learned_rewriter(home.settings, home.db) is None  # the household's vetoes are never dropped


def test_every_change_is_recorded_newest_first(tmp_path: Path) -> None:
    household = Household(tmp_path / "learning")
    pair = RewritePair.of(BAD, GOOD)
    household.change("disable rewrite", {"original": BAD}, lambda c: veto(c, pair, "personal"))
    household.record("roll back learning", {"from": 2, "to": 1})
    with household.log_path.open("a", encoding="utf-8") as out:
        out.write("not a change\n")
    history = household.history()
    assert [c.action for c in history] == ["roll back learning", "disable rewrite"]
    assert Household(tmp_path / "learning").load().is_vetoed(BAD, GOOD)


def test_a_rewrite_the_household_kept_is_not_retracted_by_the_learner(tmp_path: Path) -> None:
    """After the rule goes live its rewritten requests keep failing while the request left alone works: the
    learner's live check retracts it, unless the household kept it on the page."""

    def failing_after(home_db: Path) -> None:
        with TurnStore(home_db) as store, store.transaction():
            for k in range(8):
                t = T0 + 6 * DAY + k * 3600.0
                store.add_turn(turn(f"x{k}", t, BAD, False, rewrite=Rewrite(BAD, GOOD, "personal", 1.0)))
                store.add_turn(turn(f"o{k}", t + 1800, BAD, True))  # the holdout, left alone, works

    kept, dropped = make_home(tmp_path / "kept"), make_home(tmp_path / "dropped")
    pair = RewritePair.of(BAD, GOOD)
    Household(kept.tables).change("approve rewrite", {}, lambda c: approve(c, pair))
    for home in (kept, dropped):
        failing_after(home.db)
        report = rebuild_tables(home.settings, home.db).report
        assert ((BAD, GOOD) in report.retracted) is (home is dropped)
    assert (BAD, GOOD) in TableVersions(dropped.tables).active().quarantine
    assert (BAD, GOOD) not in TableVersions(kept.tables).active().quarantine
