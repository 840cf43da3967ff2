"""The household page in a real browser: Debian's headless Chromium driven by Playwright (the system
binary through ``executable_path``; nothing is downloaded).

A scripted session on the real turn engine (NLU model, planner, simulated home, feedback recorder on SQLite)
teaches the device a rewrite; the learner builds it; the same request is rewritten. Then a person logs in,
reads the timeline, switches the rewrite off on "What it learned", and the same request, heard again by
the running engine, is no longer rewritten. Screenshots of every page at phone and desktop widths go to
``$EDGE_WEB_SCREENSHOTS`` (``docs/web`` keeps the committed ones), else to the test's temporary folder.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import pytest
from web_home import TOKEN, run

from edge.config import load_settings
from edge.context.model import ContextSnapshot, DeviceState
from edge.feedback.store import TurnQuery
from edge.lab.session.script import ScriptLine, run_session
from edge.lab.sim.local import LocalHome
from edge.learning.household import Household, RewritePair
from edge.web import WebContext, serve
from edge.wiring import build_turns, learned_rewriter, rebuild_tables, tables_dir

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "devices" / "homes" / "demo.toml"
ODD, PLAIN = "lights up in the cooking room", "turn on the kitchen light"
T0 = 1_760_000_000.0  # the session's clock: seconds since 1970, an October 2025 morning
DAY = 86_400.0
PAGES = ("/today", "/learned", "/home", "/doing", "/leaves")
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


class HomeDevices:
    """The simulated home as the page reads devices (the runtime passes its context store)."""

    def __init__(self, home: LocalHome) -> None:
        self.home = home

    def snapshot(self) -> ContextSnapshot:
        return self.home.snapshot()

    def state(self, entity_id: str) -> DeviceState | None:
        states: Mapping[str, DeviceState] = self.home.states
        return states.get(entity_id)

    def available(self, entity_id: str) -> bool | None:
        return None


def script() -> list[ScriptLine]:
    lines = []
    for day in range(3):
        for k in range(3):
            t = T0 + day * DAY + k * 3_600
            lines += [
                ScriptLine(t, "say", ODD),
                ScriptLine(t + 8, "say", PLAIN),
                ScriptLine(t + 400, "say", "turn off the kitchen light"),
            ]
    return lines


def test_the_household_switches_off_a_learned_rewrite_in_the_browser(tmp_path: Path) -> None:
    exe = chromium()
    if exe is None:
        pytest.skip("no Chromium here: `apt-get install chromium` (make test installs it on Debian)")
    playwright = pytest.importorskip("playwright.async_api", reason="playwright is in the [dev] extra")
    shots = Path(os.environ.get("EDGE_WEB_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    db = tmp_path / "turns.sqlite3"
    settings = load_settings(
        "x86_64-dev",
        None,
        [
            "learning.holdout=0.0",
            "web.port=0",
            f"web.token={TOKEN}",
            f"paths.state_dir={tmp_path / 'state'}",
            'satellite.area="kitchen"',
        ],
    )

    async def session() -> None:
        home = LocalHome.from_file(DEMO, settings, home_id="home")
        home.start = datetime.fromtimestamp(0)  # the turns' clock is wall time
        async with await build_turns(settings, home, db=db, home_id="home", speaker=None) as turns:
            await run_session(script(), turns.driver, "learning-days", home=home)
            devices = list(home.snapshot().devices.values())
            built = await asyncio.to_thread(rebuild_tables, settings, db, devices)
            # the whole request's rule ("lights up in the cooking room" -> "turn on the kitchen light"); the
            # household's own word for the kitchen may be learned beside it as a name (a span rule)
            assert built.summary().startswith("rewrite table version 1: "), built.summary()
            assert any(r.original == ODD and r.rewritten == PLAIN for r in built.report.table.rules.values())
            engine = turns.engine
            engine.rewriter = await asyncio.to_thread(learned_rewriter, settings, db)
            t = T0 + 4 * DAY
            await run_session([ScriptLine(t, "say", ODD)], turns.driver, "after-learning", home=home)
            (heard,) = await turns.store.turns(TurnQuery(session_id="after-learning"))
            assert heard.record.rewrite is not None and heard.record.rewrite.rewritten == PLAIN

            async def reload() -> None:
                engine.rewriter = await asyncio.to_thread(learned_rewriter, settings, db)

            ctx = WebContext(settings, db, tables_dir(settings, db), "home", HomeDevices(home), reload)
            ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
            server = asyncio.create_task(serve(ctx, ready=ready), name="web")
            try:
                await asyncio.wait([server, ready], timeout=10, return_when=asyncio.FIRST_COMPLETED)
                assert ready.done(), server.exception() if server.done() else "the page did not start in 10 s"
                port = ready.result()
                await browse(playwright, exe, f"http://127.0.0.1:{port}", shots)
            finally:
                server.cancel()
                await asyncio.gather(server, return_exceptions=True)
            assert RewritePair.of(ODD, PLAIN) in Household(tables_dir(settings, db)).load().vetoed
            await run_session([ScriptLine(t + 600, "say", ODD)], turns.driver, "after-veto", home=home)
            (again,) = await turns.store.turns(TurnQuery(session_id="after-veto"))
            assert again.record.rewrite is None, "the running engine still rewrites what the household vetoed"
            assert again.record.asr_text == ODD

    run(session())
    for page in PAGES:
        for width in WIDTHS:
            shot = shots / f"{page.strip('/')}-{width}.png"
            assert shot.stat().st_size > 5_000, shot


async def browse(playwright: object, exe: str, base: str, shots: Path) -> None:
    async with playwright.async_playwright() as p:  # type: ignore[attr-defined]
        browser = await p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        try:
            desktop = await browser.new_context(
                viewport={"width": WIDTHS["desktop"][0], "height": WIDTHS["desktop"][1]}
            )
            page = await desktop.new_page()
            await page.goto(f"{base}/today")
            assert page.url.endswith("/login")  # nothing without the household's token
            await page.fill("input[name=token]", TOKEN)
            await page.click("button[type=submit]")
            await page.wait_for_url(f"{base}/today")
            timeline = await page.inner_text("main")
            assert ODD in timeline and f"Read it as “{PLAIN}”" in timeline and "rephrased" in timeline
            await page.goto(f"{base}/learned")
            card = page.locator(f'li.rewrite-card[data-key="{RewritePair.of(ODD, PLAIN).key}"]').first
            assert PLAIN in await card.inner_text()
            await card.get_by_role("button", name="Switch off").click()
            await page.wait_for_selector("p.notice")
            assert "Switched off" in await page.inner_text("p.notice")
            for width, (w, h) in WIDTHS.items():
                await page.set_viewport_size({"width": w, "height": h})
                for path in PAGES:
                    await page.goto(f"{base}{path}")
                    shot = shots / f"{path.strip('/')}-{width}.png"
                    await page.screenshot(path=str(shot), full_page=width == "desktop")  # a phone: one screen
        finally:
            await browser.close()
