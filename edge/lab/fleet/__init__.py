"""The upstream fleet aggregator: shared-subscription consumers, privacy filter, signed releases."""

__all__: list[str] = []
