"""One writer at a time on a home's learned tables: the folder lock (threads and processes, re-entrant,
a timeout that names the folder), and a household change made while the idle rebuild runs is never undone
by the rebuild finishing after it."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from web_home import BAD, GOOD, make_home

from edge.errors import ConfigError
from edge.learning.folder_lock import LOCK_FILE, folder_lock
from edge.learning.household import RewritePair
from edge.learning.loop import Learner, TableVersions
from edge.web import changes
from edge.wiring import rebuild_tables


def _live_pairs(folder: Path) -> set[tuple[str, str]]:
    return {(r.original, r.rewritten) for r in TableVersions(folder).active().rules.values()}


def test_the_lock_is_reentrant_in_a_thread_and_excludes_other_threads(tmp_path: Path) -> None:
    order: list[str] = []

    def other() -> None:
        with folder_lock(tmp_path):
            order.append("other")

    with folder_lock(tmp_path), folder_lock(tmp_path):  # nested in one thread: no deadlock
        waiter = threading.Thread(target=other)
        waiter.start()
        time.sleep(0.2)
        order.append("first")
    waiter.join(timeout=5)
    assert order == ["first", "other"]


def test_a_writer_in_another_process_holds_it_until_the_timeout_names_the_folder(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys, time\n"
         f"fd = os.open({str(tmp_path / LOCK_FILE)!r}, os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(30)\n"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(ConfigError, match=str(tmp_path)) as err, folder_lock(tmp_path, timeout_s=0.3):
            pass
        assert "edge learn" in (err.value.hint or "")
    finally:
        holder.kill()
        holder.wait(timeout=10)
        assert holder.stdout is not None
        holder.stdout.close()
    with folder_lock(tmp_path, timeout_s=5):  # the other process is gone: free again
        pass


def test_a_rewrite_deleted_on_the_page_during_a_rebuild_stays_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = make_home(tmp_path)
    assert (BAD, GOOD) in _live_pairs(home.tables)
    real = Learner.rebuild

    def rebuild_while_the_household_deletes(self: Learner, *args: object, **kwargs: object) -> object:
        said = changes.rewrite(home.tables, home.db, "delete", RewritePair.of(BAD, GOOD).key)
        assert said.startswith("Deleted")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Learner, "rebuild", rebuild_while_the_household_deletes)
    built = rebuild_tables(home.settings, home.db)
    monkeypatch.undo()
    assert built.report.activated and built.superseded  # its candidate still had the rule
    assert "household changed" in built.summary()
    assert (BAD, GOOD) not in _live_pairs(home.tables)
    again = rebuild_tables(home.settings, home.db)  # the next rebuild starts from the household's change
    assert not again.superseded
    assert (BAD, GOOD) not in _live_pairs(home.tables)


def test_a_rebuild_with_no_change_meanwhile_saves_its_table(tmp_path: Path) -> None:
    home = make_home(tmp_path)
    before = TableVersions(home.tables).active_version()
    built = rebuild_tables(home.settings, home.db)
    assert not built.superseded
    assert built.version == (before + 1 if built.report.activated else before)
    assert TableVersions(home.tables).active_version() == built.version
