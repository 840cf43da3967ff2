"""One module per ``edge`` subcommand (discovered by :mod:`edge.cli`)."""
