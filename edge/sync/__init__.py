"""Fleet sync on the device: anonymize, queue durably, upload, and install the signed global layer."""

__all__: list[str] = []
