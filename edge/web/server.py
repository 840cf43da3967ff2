"""The household page's aiohttp application and the task ``edge run --web`` runs in its TaskGroup.

aiohttp because the runtime is one asyncio process: the page is one more named task on the same event
loop, reading the runtime's own objects (the context store, the turn engine's rewriter hook) with no second
process, thread pool of its own or ASGI server; docs/web.md says more.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time
from importlib.resources import files
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Handler

from edge.config import Settings
from edge.errors import EdgeError
from edge.web.changes import BadChange
from edge.web.pages import Pages, WebContext
from edge.web.security import (
    COOKIE,
    GUARD,
    NOTICE,
    OPEN_PATHS,
    SESSION,
    SESSION_S,
    Guard,
    load_or_create_token,
    same_origin,
)  # fmt: skip

__all__ = ["make_app", "serve", "token_file", "web_token"]

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024  # the biggest form the page sends is a few hundred bytes


def web_token(settings: Settings) -> str:
    """``web.token``, else the one kept in ``<paths.state_dir>/web/token`` (created on first use)."""
    return settings.web.token or load_or_create_token(Path(settings.paths.state_dir) / "web" / "token")


def token_file(settings: Settings) -> str:
    """Where the household finds the token: the setting, or the file the page creates."""
    return "web.token" if settings.web.token else str(Path(settings.paths.state_dir) / "web" / "token")


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except BadChange as err:
        raise _status(err.status, str(err)) from err
    except TimeoutError as err:
        raise web.HTTPServiceUnavailable(text="the device is busy: try again in a moment") from err
    except EdgeError as err:
        log.warning("household page: %s", err)
        raise web.HTTPInternalServerError(text=f"{err} ({err.hint})" if err.hint else str(err)) from err


def _status(status: int, text: str) -> web.HTTPException:
    kinds: dict[int, type[web.HTTPException]] = {
        400: web.HTTPBadRequest, 403: web.HTTPForbidden, 404: web.HTTPNotFound, 409: web.HTTPConflict,
    }  # fmt: skip
    return kinds.get(status, web.HTTPBadRequest)(text=text)


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    guard = request.app[GUARD]
    changes = request.method not in ("GET", "HEAD", "OPTIONS")
    if changes and not same_origin(request):
        raise web.HTTPForbidden(
            text="this change did not come from the household page: open the page and use it"
        )
    if request.path in OPEN_PATHS or request.match_info.http_exception is not None:
        return await handler(request)  # the login form, the stylesheet, or a 404/405 that reads nothing
    now = time.time()
    bearer = guard.bearer(request, now)
    session = None if bearer else guard.session(request, now)
    if not bearer and session is None:
        if changes:
            raise web.HTTPUnauthorized(text="log in first: open /login")
        raise web.HTTPSeeOther("/login")
    if changes and session is not None:
        form = await request.post()
        given = form.get("csrf")
        if not isinstance(given, str) or not given or not guard.csrf_ok(session, given):
            raise web.HTTPForbidden(
                text="the page's CSRF token is missing or wrong: reload the page and try again"
            )
    request[SESSION] = session
    if session is not None and request.method == "GET":
        request[NOTICE] = guard.take_flash(request.cookies.get(COOKIE, ""))
    return await handler(request)


def make_app(ctx: WebContext, token: str) -> web.Application:
    """The page's application (its own routes, auth and CSRF); ``token`` is the household's."""
    guard = Guard(token)
    pages = Pages(ctx)
    app = web.Application(middlewares=[_errors, _guard], client_max_size=MAX_BODY)
    app[GUARD] = guard
    css = files("edge.web").joinpath("static", "style.css").read_text(encoding="utf-8")

    async def style(_request: web.Request) -> web.Response:
        return web.Response(text=css, content_type="text/css", headers={"Cache-Control": "max-age=3600"})

    async def login_form(request: web.Request) -> web.Response:
        return pages.render(request, "login.html", "Log in", token_file=token_file(ctx.settings), nav=())

    async def login(request: web.Request) -> web.Response:
        form = await request.post()
        given = form.get("token")
        now = time.time()
        if guard.locked(now):
            raise web.HTTPTooManyRequests(text="too many wrong tokens: wait a minute, then try again")
        if not isinstance(given, str) or not guard.token_ok(given.strip()):
            guard.failed(now)
            await asyncio.sleep(0.5)  # a guess costs time
            return pages.render(
                request, "login.html", "Log in", status=401, token_file=token_file(ctx.settings), nav=(),
                error="That token is not this home's: check web.token or the token file.",
            )  # fmt: skip
        sid, _session = guard.open_session(time.time())
        response = web.HTTPSeeOther("/today")
        response.set_cookie(
            COOKIE,
            sid,
            max_age=int(SESSION_S),
            httponly=True,
            samesite="Strict",
            secure=request.secure,
            path="/",
        )
        raise response

    async def logout(request: web.Request) -> web.Response:
        guard.close_session(request.cookies.get(COOKIE, ""))
        response = web.HTTPSeeOther("/login")
        response.del_cookie(COOKIE, path="/")
        raise response

    app.add_routes([
        web.get("/static/style.css", style), web.get("/login", login_form), web.post("/login", login),
        web.post("/logout", logout), *pages.routes(),
    ])  # fmt: skip
    app.on_response_prepare.append(_headers)
    return app


async def _headers(_request: web.Request, response: web.StreamResponse) -> None:
    """Nothing is loaded from anywhere else, and no other site may frame the page."""
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")


def _lan_warning(host: str) -> None:
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        log.warning("household page open to the network on %s: anyone there with the token can use it", host)


async def serve(ctx: WebContext, *, ready: asyncio.Future[int] | None = None) -> None:
    """Serve the page on ``web.host``:``web.port`` until cancelled; ``ready`` gets the bound port."""
    settings = ctx.settings.web
    token = await asyncio.to_thread(web_token, ctx.settings)
    runner = web.AppRunner(make_app(ctx, token), access_log=None, handle_signals=False, shutdown_timeout=2.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.host, settings.port)
        try:
            await site.start()
        except OSError as err:
            raise EdgeError(
                f"the household page cannot listen on {settings.host}:{settings.port}: {err}",
                hint="pick another web.port, or stop what uses it",
            ) from err
        port = runner.addresses[0][1] if runner.addresses else settings.port
        _lan_warning(settings.host)
        log.info("household page at http://%s:%d/ (token: %s)", settings.host, port, token_file(ctx.settings))
        if ready is not None and not ready.done():
            ready.set_result(int(port))
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
