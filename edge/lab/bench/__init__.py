"""Benchmarks behind ``make bench*``: each module exposes ``run(settings, args) -> int`` and prints a table.

Figures are medians with ratios against a baseline measured in the same run (shared, noisy machines).
"""
