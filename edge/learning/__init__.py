"""Self-learning on the device: canonical utterances and rephrase chains, absorbing-Markov rewrite tables,
the online retrieval rewriter (personal + global layers), failure-point isolation, the learning loop with
versions and rollback, and the safety policy every learned change goes through. See docs/learning.md."""

__all__: list[str] = []
