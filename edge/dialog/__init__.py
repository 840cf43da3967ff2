"""Dialogue: reply text, speaking (TTS), confirmation and teaching dialogues, the preference profile."""
