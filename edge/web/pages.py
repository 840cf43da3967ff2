"""The household page's routes: five pages to read (GET changes nothing) and the changes (POST only).

Every read and change runs in a thread under ``asyncio.timeout``; a change to what was learned calls the
runtime's ``on_learning_changed`` (it swaps in a rewriter that honours it) before the page answers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape

from edge.config import Settings
from edge.context.listing import DeviceSource, device_row, summary
from edge.nlu.catalogue import is_safety_critical
from edge.sync.payloads import WeeklyReport
from edge.sync.uploader import report_topic
from edge.web import changes, reads
from edge.web.doing import bar_chart, doing
from edge.web.security import COOKIE, GUARD, NOTICE, SESSION, Session

__all__ = ["NAV", "Pages", "WebContext"]

log = logging.getLogger(__name__)
T = TypeVar("T")

NAV = (
    ("/today", "Today"), ("/learned", "What it learned"), ("/home", "The home"),
    ("/doing", "How it is doing"), ("/leaves", "What leaves the home"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class WebContext:
    """What the page reads and whom it tells: the settings, the turn store, the home's id, the runtime's
    view of the devices (None: the page runs without the runtime), and the hook that makes a change to what
    was learned take effect in the running turn engine."""

    settings: Settings
    db: Path  # the turn store
    tables: Path  # the learned tables' folder (``edge.wiring.tables_dir`` of the db as the user gave it)
    home_id: str = "home"
    devices: DeviceSource | None = None
    on_learning_changed: Callable[[], Awaitable[None]] | None = None
    timeout_s: float = 15.0


def _fmt(t: float) -> str:
    return datetime.fromtimestamp(t).strftime("%d %b %H:%M")


# what each learned layer is, said to the household (edge.learning.rewriter's layers)
LAYER_NAMES = {
    "personal": "learned here",
    "span": "a name, inside any request",
    "retrieval": "like a request that works here",
    "global": "from other homes",
    "sound": "sounds like a request that works here",
    "did_you_mean": 'you said yes to "Did you mean ...?"',
}


def _layer_name(layer: str) -> str:
    return LAYER_NAMES.get(layer, layer)


class Pages:
    def __init__(self, ctx: WebContext) -> None:
        self.ctx = ctx
        self.env = Environment(
            loader=PackageLoader("edge.web", "templates"), autoescape=select_autoescape(["html"])
        )
        self.env.globals.update(fmt=_fmt, topic=report_topic, dump=_dump, layer_name=_layer_name)

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/", self.index),
            web.get("/today", self.today),
            web.get("/learned", self.learned),
            web.get("/home", self.home),
            web.get("/doing", self.doing),
            web.get("/leaves", self.leaves),
            web.post("/learned/rewrite", self.change_rewrite),
            web.post("/learned/taught", self.change_taught),
            web.post("/learned/rollback", self.rollback),
            web.post("/sync", self.change_sync),
        ]

    # -- helpers -----------------------------------------------------------------------------------
    async def _run(self, fn: Callable[[], T]) -> T:
        async with asyncio.timeout(self.ctx.timeout_s):
            return await asyncio.to_thread(fn)

    def render(
        self, request: web.Request, name: str, title: str, status: int = 200, **data: Any
    ) -> web.Response:
        session: Session | None = request.get(SESSION)
        notice = request.get(NOTICE, "")
        values: dict[str, Any] = {
            "title": title, "site": self.ctx.home_id, "nav": NAV, "here": request.path,
            "csrf": session.csrf if session else "", "notice": notice,
        }  # fmt: skip
        html = self.env.get_template(name).render({**values, **data})
        return web.Response(text=html, content_type="text/html", status=status)

    async def _after_change(
        self, request: web.Request, message: str, back: str, learning: bool
    ) -> web.Response:
        if learning and self.ctx.on_learning_changed is not None:
            async with asyncio.timeout(self.ctx.timeout_s):
                await self.ctx.on_learning_changed()
        log.info("household page: %s", message)
        request.app[GUARD].flash(request.cookies.get(COOKIE, ""), message)
        raise web.HTTPSeeOther(back)

    # -- pages -------------------------------------------------------------------------------------
    async def index(self, request: web.Request) -> web.Response:
        raise web.HTTPSeeOther("/today")

    async def today(self, request: web.Request) -> web.Response:
        before: float | None = None
        raw = request.query.get("before")
        if raw is not None:
            try:
                before = float(raw)
            except ValueError:
                before = math.nan
            if not math.isfinite(before):
                raise web.HTTPBadRequest(
                    text=f"before={raw!r} is not a time: give seconds, as the Older link"
                )
        limit = self.ctx.settings.web.turns_shown
        turns = await self._run(partial(reads.recent_turns, self.ctx.db, limit, before))
        days: dict[str, list[dict[str, Any]]] = {}
        for t in turns:
            r = t.record
            day = datetime.fromtimestamp(r.t_start).strftime("%A %d %B %Y")
            alternatives = [a for a in r.asr_nbest if a and a != r.asr_text][:3]
            days.setdefault(day, []).append(
                {"record": r, "time": datetime.fromtimestamp(r.t_start).strftime("%H:%M:%S"),
                 "alternatives": alternatives, "signals": reads.signal_names(t)}
            )  # fmt: skip
        older = turns[-1].record.t_start if len(turns) == limit else None
        return self.render(request, "today.html", "Today", days=list(days.items()), older=older)

    async def learned(self, request: web.Request) -> web.Response:
        ctx = self.ctx
        data = await self._run(partial(reads.learned, ctx.tables, ctx.db, ctx.home_id))
        return self.render(request, "learned.html", "What it learned", l=data)

    async def home(self, request: web.Request) -> web.Response:
        source = self.ctx.devices
        if source is None:
            return self.render(request, "home.html", "The home", rows=None, summary="")
        snapshot = source.snapshot()
        rows = []
        for entity_id in sorted(snapshot.devices):
            row = device_row(source, entity_id)
            row["safety_critical"] = is_safety_critical(snapshot.devices[entity_id])
            rows.append(row)
        return self.render(request, "home.html", "The home", rows=rows, summary=summary(rows))

    async def doing(self, request: web.Request) -> web.Response:
        figures = doing(await self._run(partial(reads.all_turns, self.ctx.db)))
        days = [(f.day[5:], f) for f in figures.days]  # MM-DD under each bar
        charts = {
            "defects": bar_chart(
                "Defect rate per day", [(d, 100 * (f.defect_rate or 0.0)) for d, f in days], unit="%", top=100
            ),
            "wakes": bar_chart("Wake words per day", [(d, f.wakes) for d, f in days]),
            "false_wakes": bar_chart("False wakes per day", [(d, f.false_wakes) for d, f in days]),
            "points": bar_chart("Failed turns per failure point", list(figures.failure_points))
            if figures.failure_points else "",
            "latency": bar_chart(
                "Median latency per stage", [(s, m) for s, m, _, _ in figures.latency], unit=" ms"
            ),
        }  # fmt: skip
        return self.render(request, "doing.html", "How it is doing", d=figures, charts=charts)

    async def leaves(self, request: web.Request) -> web.Response:
        content = await self._run(
            partial(reads.sync_content, self.ctx.settings, self.ctx.tables, self.ctx.db)
        )
        return self.render(request, "leaves.html", "What leaves the home", s=content)

    # -- changes -----------------------------------------------------------------------------------
    async def _form(self, request: web.Request, *names: str) -> list[str]:
        form = await request.post()
        values = []
        for name in names:
            value = form.get(name)
            if not isinstance(value, str) or not value:
                raise web.HTTPBadRequest(
                    text=f"the form field {name!r} is missing: use the buttons on the page"
                )
            values.append(value)
        return values

    async def change_rewrite(self, request: web.Request) -> web.Response:
        action, key = await self._form(request, "action", "key")
        message = await self._run(partial(changes.rewrite, self.ctx.tables, self.ctx.db, action, key))
        return await self._after_change(request, message, "/learned", learning=True)

    async def change_taught(self, request: web.Request) -> web.Response:
        action, kind, key = await self._form(request, "action", "kind", "key")
        ctx = self.ctx
        message = await self._run(
            partial(changes.taught, ctx.tables, ctx.db, ctx.home_id, action, kind=kind, key=key)
        )
        return await self._after_change(request, message, "/learned", learning=False)

    async def rollback(self, request: web.Request) -> web.Response:
        message = await self._run(partial(changes.roll_back, self.ctx.tables))
        return await self._after_change(request, message, "/learned", learning=True)

    async def change_sync(self, request: web.Request) -> web.Response:
        (value,) = await self._form(request, "sync")
        message = await self._run(partial(changes.set_sync, self.ctx.tables, value))
        return await self._after_change(request, message, "/leaves", learning=False)


def _dump(report: WeeklyReport) -> str:
    return json.dumps(report.to_json(), indent=2, sort_keys=True)
