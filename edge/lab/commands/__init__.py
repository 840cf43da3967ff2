"""The ``edge`` subcommands of the tooling (simulators, sessions, benchmarks, training, aggregator)."""
