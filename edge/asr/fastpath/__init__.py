"""The fast path: a streaming recognizer held to what this home can be asked (docs/voice-pipeline.md)."""
