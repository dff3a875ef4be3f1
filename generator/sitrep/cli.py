"""The ``sitrep`` command: a thin adapter assembling the commands of :mod:`sitrep.commands`.

Each command module parses its options and calls the library; :class:`~sitrep.commands.boundary.Boundary` is the
one place library errors become one-line messages and exit statuses.
"""

from __future__ import annotations

import click

from sitrep.commands.boundary import Boundary
from sitrep.commands.imports import import_
from sitrep.commands.init import init, sync
from sitrep.commands.new import new
from sitrep.commands.notify import notify
from sitrep.commands.preview import preview
from sitrep.commands.report import report
from sitrep.commands.schema import schema
from sitrep.commands.site import check_links, generate, sanitize
from sitrep.commands.update import resolve, update
from sitrep.commands.validate import validate


@click.group(cls=Boundary, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sitrep")
def main() -> None:
    """Sitrep: incidents, status pages and postmortems as code."""


for command in (validate, new, update, resolve, import_, schema, generate, sanitize, report, preview, notify, init,
                sync, check_links):
    main.add_command(command)

if __name__ == "__main__":
    main()
