"""The aggregator's Ed25519 release-signing key: a PEM file created on first run with 0600 permissions
(the same key-file rules as the devices' report keys, :mod:`edge.sync.keyfile`)."""

from __future__ import annotations

from edge.sync.keyfile import load_or_create_key

__all__ = ["load_or_create_key"]
