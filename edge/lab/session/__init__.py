"""Scripted sessions on a simulated clock, with the home in process or on a real broker."""
