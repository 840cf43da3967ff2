"""The household page (issue 19, docs/web.md): what the device heard, did and learned, and a veto over it."""

from edge.web.pages import WebContext
from edge.web.server import make_app, serve, web_token

__all__ = ["WebContext", "make_app", "serve", "web_token"]
