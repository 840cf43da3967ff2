"""Who may use the household page, and that every change came from the page itself.

Auth on every route but the login form and the stylesheet: a session cookie (``HttpOnly``,
``SameSite=Strict``) given for the household's token on ``POST /login``, or ``Authorization: Bearer
<token>`` for a script. CSRF on every change: a POST made with the cookie must carry the session's own
``csrf`` form field, and a browser's ``Origin`` (when sent) must be this page's. A GET never changes
anything (only POST handlers write). Sessions live in memory (a restart asks to log in again), at most
:data:`MAX_SESSIONS`.
"""

from __future__ import annotations

import hmac
import os
import secrets
import stat
from collections import OrderedDict, deque
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from edge.errors import ConfigError

__all__ = [
    "COOKIE", "GUARD", "NOTICE", "OPEN_PATHS", "SESSION", "Guard", "Session", "load_or_create_token",
    "same_origin",
]  # fmt: skip

COOKIE = "edge_session"
MAX_SESSIONS = 64
SESSION_S = 30 * 86_400.0
MAX_FAILURES = 10  # wrong tokens within LOCK_S: then every try waits until the window has passed
LOCK_S = 60.0
OPEN_PATHS = frozenset({"/login", "/static/style.css"})


def load_or_create_token(path: Path) -> str:
    """The household's token in ``path`` (created 0600 on first use); a file others can read is refused."""
    try:
        if path.is_file():
            mode = path.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise ConfigError(
                    f"the web token {path} can be read by other users",
                    hint=f"chmod 600 {path}, or delete it to have a new one created",
                )
            token = path.read_text(encoding="utf-8").strip()
            if len(token) >= 8:
                return token
        path.parent.mkdir(parents=True, exist_ok=True)
        token = secrets.token_urlsafe(18)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(token + "\n")
        return token
    except OSError as err:
        raise ConfigError(
            f"cannot read or create the web token {path}: {err}",
            hint="set web.token in the config, or make paths.state_dir writable",
        ) from err


@dataclass(frozen=True, slots=True)
class Session:
    csrf: str
    expires: float


class Guard:
    """The token, the live sessions and the checks every request goes through."""

    def __init__(self, token: str) -> None:
        if len(token) < 8:
            raise ValueError("the web token must be at least 8 characters")
        self._token = token
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._flash: dict[str, str] = {}  # sid -> what the last change did, shown on the next page
        self._failures: deque[float] = deque(maxlen=MAX_FAILURES)

    def locked(self, now: float) -> bool:
        """Too many wrong tokens lately: no token is checked (so guessing goes no faster) until they age."""
        return len(self._failures) == MAX_FAILURES and now - self._failures[0] < LOCK_S

    def failed(self, now: float) -> None:
        self._failures.append(now)

    def token_ok(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self._token.encode())

    def open_session(self, now: float) -> tuple[str, Session]:
        sid = secrets.token_urlsafe(24)
        session = Session(secrets.token_urlsafe(24), now + SESSION_S)
        self._sessions[sid] = session
        while len(self._sessions) > MAX_SESSIONS:
            old, _ = self._sessions.popitem(last=False)
            self._flash.pop(old, None)
        return sid, session

    def close_session(self, sid: str) -> None:
        self._sessions.pop(sid, None)
        self._flash.pop(sid, None)

    def csrf_ok(self, session: Session, given: str) -> bool:
        return hmac.compare_digest(given.encode(), session.csrf.encode())

    def flash(self, sid: str, message: str) -> None:
        if sid in self._sessions:
            self._flash[sid] = message

    def take_flash(self, sid: str) -> str:
        return self._flash.pop(sid, "")

    def session(self, request: web.Request, now: float) -> Session | None:
        sid = request.cookies.get(COOKIE, "")
        session = self._sessions.get(sid)
        if session is None:
            return None
        if session.expires < now:
            self._sessions.pop(sid, None)
            return None
        return session

    def bearer(self, request: web.Request, now: float) -> bool:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given or self.locked(now):
            return False
        if self.token_ok(given.strip()):
            return True
        self.failed(now)
        return False


GUARD: web.AppKey[Guard] = web.AppKey("guard", Guard)
SESSION: web.RequestKey[Session | None] = web.RequestKey("session")
NOTICE: web.RequestKey[str] = web.RequestKey("notice", str)


def same_origin(request: web.Request) -> bool:
    """A browser's ``Origin`` (sent on every cross-site POST) must name this page; none is allowed (a
    script, an old browser): the CSRF token still holds."""
    origin = request.headers.get("Origin")
    if origin is None or (origin == "null" and request.headers.get("Sec-Fetch-Site") == "same-origin"):
        return True
    return origin == f"{request.scheme}://{request.host}"
