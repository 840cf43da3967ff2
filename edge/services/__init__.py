"""The intents that need no device (timers, lists, broadcast, respond, time, date, weather, nevermind),
carried out on the device by :class:`HomeServices`; the turn engine calls it through
:class:`edge.turns.protocols.Services` (docs/services.md)."""

from edge.services.service import (
    DEFAULT_LISTS,
    SERVICE_INTENTS,
    Announcement,
    HomeServices,
    Publisher,
    ServiceReply,
)

__all__ = ["DEFAULT_LISTS", "SERVICE_INTENTS", "Announcement", "HomeServices", "Publisher", "ServiceReply"]
