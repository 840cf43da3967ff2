"""The tooling around the device runtime: never imported by it (an import-linter contract, ``make test``).

``sim`` (device and household simulators), ``session`` (scripted sessions on a simulated clock), ``bench``
(the ``make bench*`` figures), ``training`` (data generation and torch training; the ``train`` extra) and
``fleet`` (the upstream aggregator, which runs off the device). ``commands`` holds their ``edge``
subcommands. The tooling may import the runtime; the runtime may not import the tooling.
"""
