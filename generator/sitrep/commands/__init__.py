"""The ``sitrep`` command's subcommands, a module per command or group; :mod:`sitrep.cli` assembles them."""
