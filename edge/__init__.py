"""ambient-edge: an offline, self-learning voice runtime for smart homes."""

__all__ = ["__version__"]
__version__ = "0.1.0"
