"""The household page's routes against the real app and a real SQLite store: auth on every route, CSRF on
every change, a clear 4xx for bad input, nothing changed by a GET, and each change taking effect at once."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from web_home import BAD, GOOD, SEEN_FROM, SEEN_TO, TOKEN, Home, make_home, run

from edge.context.homes import load_home
from edge.context.store import ContextStore
from edge.feedback.taught import TaughtStore
from edge.learning.household import Household, RewritePair
from edge.learning.loop import TableVersions
from edge.web import make_app

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("/today", "/learned", "/home", "/doing", "/leaves")
CHANGES = ("/learned/rewrite", "/learned/taught", "/learned/rollback", "/sync", "/logout")


@asynccontextmanager
async def client(home: Home, *, devices: object = None, login: bool = True) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(make_app(home.context(devices), TOKEN))) as c:
        if login:
            r = await c.post("/login", data={"token": TOKEN}, allow_redirects=False)
            assert r.status == 303 and r.headers["Location"] == "/today"
        yield c


async def csrf(c: TestClient, page: str = "/learned") -> str:
    html = await (await c.get(page)).text()
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def fingerprint(home: Home) -> dict[str, str]:
    """Every file the page could write (tables, decisions, the store and its WAL), by content."""
    files = [*home.tables.rglob("*"), *home.db.parent.glob("turns.sqlite3*")]
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(files) if p.is_file()}


def test_every_route_needs_the_household_token(tmp_path: Path) -> None:
    home = make_home(tmp_path)

    async def go() -> None:
        async with client(home, login=False) as c:
            for page in (*PAGES, "/"):
                r = await c.get(page, allow_redirects=False)
                assert r.status == 303 and r.headers["Location"] == "/login", page
            for path in CHANGES:
                r = await c.post(path, data={"csrf": "x"}, allow_redirects=False)
                assert r.status == 401, path
                assert "log in" in await r.text()
            wrong = await c.post("/login", data={"token": "not-the-token"}, allow_redirects=False)
            assert wrong.status == 401 and "not this home" in await wrong.text()
            assert (await c.get("/today", allow_redirects=False)).status == 303
            login = await c.get("/login")
            assert login.status == 200 and 'name="token"' in await login.text()
            css = await c.get("/static/style.css")
            assert css.status == 200 and css.content_type == "text/css"
            bearer = {"Authorization": f"Bearer {TOKEN}"}
            assert (await c.get("/doing", headers=bearer)).status == 200
            r = await c.get("/doing", headers={"Authorization": "Bearer wrong-token"}, allow_redirects=False)
            assert r.status == 303

    run(go())


def test_guessing_the_token_locks_the_login_for_a_while(tmp_path: Path) -> None:
    home = make_home(tmp_path)

    async def go() -> None:
        async with client(home, login=False) as c:
            guesses = [c.post("/login", data={"token": f"guess-{i:04d}"}) for i in range(10)]
            assert [r.status for r in await asyncio.gather(*guesses)] == [401] * 10
            r = await c.post("/login", data={"token": TOKEN}, allow_redirects=False)
            assert r.status == 429 and "wait a minute" in await r.text()  # even the right one, for now
            r = await c.get("/today", headers={"Authorization": f"Bearer {TOKEN}"}, allow_redirects=False)
            assert r.status == 303

    run(go())


def test_pages_show_the_store_and_a_get_changes_nothing(tmp_path: Path) -> None:
    home = make_home(tmp_path)
    devices = ContextStore(home.settings, load_home(ROOT / "devices" / "homes" / "demo.toml"))
    before = fingerprint(home)

    async def go() -> None:
        async with client(home, devices=devices) as c:
            bodies = {}
            for page in PAGES:
                r = await c.get(page)
                assert r.status == 200, page
                assert "default-src 'none'" in r.headers["Content-Security-Policy"]
                bodies[page] = await r.text()
            today = bodies["/today"]
            assert BAD in today and GOOD in today and "kitten" in today  # heard, and the alternatives
            assert f"Read it as “{SEEN_TO}”" in today and "learned · like a request that works here" in today
            assert "rephrased" in today and "false wake" in today and "Woke, but heard nothing" in today
            assert "HassTurnOn" in today and "light.kitchen" in today and "defect" in today
            learned = bodies["/learned"]
            assert f"“{BAD}”" in learned and f"“{GOOD}”" in learned and "learned here ·" in learned
            assert f"“{SEEN_FROM}”" in learned and "like a request that works here · applied" in learned
            assert "movie time" in learned and "temperature_unit" in learned
            assert "Active version: <b>1</b>" in learned
            assert "safety-critical" in bodies["/home"] and "kitchen" in bodies["/home"]
            doing = bodies["/doing"]
            assert doing.count("<svg") >= 4 and "Defect rate per day" in doing and "asr" in doing
            leaves = bodies["/leaves"]
            assert "Sync is off in the device" in leaves
            assert "&#34;period&#34;" in leaves  # the report's JSON, escaped into the page
            older = await c.get("/today?before=1760000000")
            assert older.status == 200

    run(go())
    assert fingerprint(home) == before, "a GET changed a file"
    assert not Household(home.tables).path.exists()


def test_changes_need_the_page_csrf_token_and_origin(tmp_path: Path) -> None:
    home = make_home(tmp_path)
    key = RewritePair.of(BAD, GOOD).key

    async def go() -> None:
        async with client(home) as c:
            token = await csrf(c)
            for data in (
                {"action": "disable", "key": key},
                {"action": "disable", "key": key, "csrf": "forged"},
            ):
                r = await c.post("/learned/rewrite", data=data, allow_redirects=False)
                assert r.status == 403 and "CSRF" in await r.text()
            r = await c.post(
                "/learned/rewrite",
                data={"action": "disable", "key": key, "csrf": token},
                headers={"Origin": "http://evil.example"},
                allow_redirects=False,
            )
            assert r.status == 403 and "did not come from the household page" in await r.text()
            assert home.rewrites(BAD) == GOOD and not home.reloads  # nothing happened
            # a script with the token as a bearer needs no page token (no ambient credential to abuse)
            r = await c.post(
                "/sync",
                data={"sync": "off"},
                headers={"Authorization": f"Bearer {TOKEN}"},
                allow_redirects=False,
            )
            assert r.status == 303

    run(go())
    assert Household(home.tables).load().sync_off


def test_bad_input_is_a_clear_4xx(tmp_path: Path) -> None:
    home = make_home(tmp_path)
    key = RewritePair.of(BAD, GOOD).key

    async def go() -> None:
        async with client(home) as c:
            token = await csrf(c)
            cases = [
                ("/learned/rewrite", {"action": "explode", "key": key}, 400, "unknown action"),
                ("/learned/rewrite", {"action": "disable", "key": "no arrow here"}, 400, "not a rewrite"),
                (
                    "/learned/rewrite",
                    {"action": "disable", "key": "play jazz\u2192play blues"},
                    404,
                    "no learned",
                ),
                ("/learned/rewrite", {"action": "disable"}, 400, "'key' is missing"),
                (
                    "/learned/taught",
                    {"action": "delete", "kind": "macro", "key": "no such"},
                    404,
                    "no taught",
                ),
                ("/learned/taught", {"action": "delete", "kind": "alarm", "key": "x"}, 400, "unknown kind"),
                (
                    "/learned/taught",
                    {"action": "enable", "kind": "macro", "key": "movie time"},
                    404,
                    "switched-off",
                ),
                ("/learned/rollback", {}, 409, "no earlier rewrite table"),
                ("/sync", {"sync": "maybe"}, 400, "'on' or 'off'"),
            ]
            for path, data, status, words in cases:
                r = await c.post(path, data={**data, "csrf": token}, allow_redirects=False)
                assert r.status == status, (path, data, r.status)
                assert words in await r.text(), (path, data)
            r = await c.get("/today?before=nan")
            assert r.status == 400 and "not a time" in await r.text()
            r = await c.post(
                "/learned/rewrite", data={"csrf": token, "key": "x" * 70_000}, allow_redirects=False
            )
            assert r.status == 413
            assert (await c.put("/today")).status == 405
            assert (await c.get("/no-such-page")).status == 404

    run(go())
    assert home.rewrites(BAD) == GOOD


def test_disable_enable_delete_and_roll_back_take_effect_at_once(tmp_path: Path) -> None:
    home = make_home(tmp_path)
    versions = TableVersions(home.tables)

    async def post(c: TestClient, path: str, **data: str) -> str:
        r = await c.post(path, data={**data, "csrf": await csrf(c)})
        assert r.status == 200 and r.url.path in ("/learned", "/leaves"), r.url
        return await r.text()

    async def go() -> None:
        async with client(home) as c:
            key = RewritePair.of(BAD, GOOD).key
            page = await post(c, "/learned/rewrite", action="disable", key=key)
            assert "Switched off" in page and "not used, not learned again" in page
            assert home.rewrites(BAD) is None, "the running engine's rewriter still applies it"
            assert await post(c, "/learned/rewrite", action="enable", key=key)
            assert home.rewrites(BAD) == GOOD
            assert "Kept" in await post(c, "/learned/rewrite", action="approve", key=key)
            assert "kept by you" in await (await c.get("/learned")).text()
            # a retrieval rewrite seen in a turn is vetoed the same way
            seen = RewritePair.of(SEEN_FROM, SEEN_TO)
            await post(c, "/learned/rewrite", action="disable", key=seen.key)
            assert Household(home.tables).load().vetoed[seen] == "retrieval"
            page = await post(c, "/learned/rewrite", action="delete", key=key)
            assert "will not be learned again" in page
            left = {(r.original, r.rewritten) for r in versions.active().rules.values()}
            assert versions.active_version() == 2 and left == {("lite", "light")}  # the span rule stays
            assert (BAD, GOOD) in versions.active().quarantine
            assert home.rewrites(BAD) is None
            page = await post(c, "/learned/rollback")
            assert "rolled back from version 2 to version 1" in page
            assert versions.active_version() == 1
            assert home.rewrites(BAD) is None, "a deleted rewrite stays off across a rollback"
            history = await (await c.get("/learned")).text()
            for action in ("disable rewrite", "enable rewrite", "delete rewrite", "roll back learning"):
                assert action in history

    run(go())
    assert len(home.reloads) == 6  # every change to what was learned reached the running engine


def test_taught_items_and_the_sync_switch(tmp_path: Path) -> None:
    home = make_home(tmp_path)

    def macros() -> list[str]:
        store = TaughtStore(home.db, "home")
        try:
            return [m.phrase for m in store.macros()]
        finally:
            store.close()

    async def go() -> None:
        async with client(home) as c:

            async def post(path: str, **data: str) -> str:
                r = await c.post(path, data={**data, "csrf": await csrf(c)})
                assert r.status == 200
                return await r.text()

            await post("/learned/taught", action="approve", kind="macro", key="movie time")
            await post("/learned/taught", action="disable", kind="macro", key="movie time")
            assert macros() == []
            assert "switched off" in await (await c.get("/learned")).text()
            await post("/learned/taught", action="enable", kind="macro", key="movie time")
            assert macros() == ["movie time"]
            await post("/learned/taught", action="delete", kind="preference", key="temperature_unit")
            store = TaughtStore(home.db, "home")
            assert store.preferences() == {}
            store.close()
            page = await post("/sync", sync="off")
            assert "Sync is switched off here" in page and "Allow sync" in page
            page = await post("/sync", sync="on")
            assert "Turn sync off" in page

    run(go())
    assert not Household(home.tables).load().sync_off
    assert not home.reloads  # taught items and sync need no new rewriter
