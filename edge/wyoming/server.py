"""The Wyoming server: ``tcp://HOST:PORT`` (or ``unix://PATH``), a bounded number of connections, each with
an idle timeout; a client's bad event costs that client an ``error`` event, never the device."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from urllib.parse import urlparse

from wyoming.error import Error
from wyoming.event import async_write_event

from edge.wyoming.backend import Backend, Limits
from edge.wyoming.handler import Connection
from edge.wyoming.wire import MAX_HEADER, BadEvent, read_event

__all__ = ["parse_uri", "serve"]

log = logging.getLogger(__name__)


def parse_uri(uri: str) -> tuple[str, int] | str:
    """``tcp://HOST:PORT`` -> (host, port); ``unix://PATH`` -> the path; ValueError naming the fix."""
    parsed = urlparse(uri)
    if parsed.scheme == "unix" and (parsed.netloc + parsed.path):
        return parsed.netloc + parsed.path
    if parsed.scheme == "tcp" and parsed.hostname and parsed.port:
        return parsed.hostname, parsed.port
    raise ValueError(f"wyoming uri {uri!r}: use tcp://HOST:PORT (e.g. tcp://0.0.0.0:10700) or unix://PATH")


async def _session(conn: Connection, reader: asyncio.StreamReader, limits: Limits) -> None:
    while True:
        try:
            async with asyncio.timeout(limits.timeout_s):
                event = await read_event(reader)
        except TimeoutError:
            log.info("wyoming %s: idle for %g s, closing", conn.peer, limits.timeout_s)
            return
        except BadEvent as err:
            await conn.refuse(f"{err}; closing the connection", "bad-event")
            return
        if event is None:
            return
        await conn.on_event(event)


async def serve(
    uri: str, backend: Backend, limits: Limits, *, ready: Callable[[str], None] | None = None
) -> None:
    """Serve until cancelled. ``ready`` is called with the address once the server listens."""
    slots = asyncio.Semaphore(limits.max_connections)

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = str(writer.get_extra_info("peername") or "client")
        if slots.locked():
            log.warning("wyoming %s: refused, %d connections already open", peer, limits.max_connections)
            with contextlib.suppress(Exception):
                msg = f"busy: {limits.max_connections} connections already (wyoming.max_connections)"
                await asyncio.wait_for(async_write_event(Error(text=msg, code="busy").event(), writer), 2.0)
            writer.close()
            return
        async with slots:
            conn = Connection(backend, limits, writer, peer)
            try:
                await _session(conn, reader, limits)
            except (ConnectionError, asyncio.IncompleteReadError, TimeoutError) as err:
                log.info("wyoming %s: connection ended (%s)", peer, type(err).__name__)
            except Exception:  # a bug answering one client must never stop the server or the device
                log.exception("wyoming %s: unexpected error; closing this connection", peer)
            finally:
                conn.closed()
                writer.close()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(writer.wait_closed(), 2.0)

    where = parse_uri(uri)
    if isinstance(where, str):
        server = await asyncio.start_unix_server(client, path=where, limit=MAX_HEADER)
    else:
        server = await asyncio.start_server(client, host=where[0], port=where[1], limit=MAX_HEADER)
    address = uri if isinstance(where, str) else _address(server, where[0])
    log.info("wyoming: serving on %s", address)
    if ready is not None:
        ready(address)
    async with server:
        await server.serve_forever()


def _address(server: asyncio.Server, host: str) -> str:
    port = server.sockets[0].getsockname()[1] if server.sockets else 0
    return f"tcp://{host}:{port}"
