"""Where Sitrep's errors become one-line messages and exit statuses: the only place, never a traceback."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from sitrep.model.diagnostics import Diagnostic
from sitrep.model.exceptions import ConfigError, SitrepError

#: The records (or what was asked of them) are invalid.
EXIT_INVALID = 1
#: The command cannot do what was asked, nothing written: a bad option, unknown id, unreadable file.
EXIT_USAGE = 2


class Boundary(click.Group):
    """The one place Sitrep's errors become messages and exit statuses, never tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:  # already "mkdocs.yml:LINE: error: ..."
            click.echo(str(exc), err=True)
            ctx.exit(EXIT_USAGE)
        except SitrepError as exc:
            raise Refused(exc.message, exc.diagnostics) from None
        except BrokenPipeError:  # the reader of the output went away (`sitrep ... | head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)
        except OSError as exc:  # a file or folder the command cannot read or write: what, and what to do
            from sitrep.model.files import describe_os_error

            raise Refused(describe_os_error(exc)) from None


class Refused(click.ClickException):
    """The command cannot do what was asked; nothing was written. Exit status 2."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...] = ()):
        details = "".join(f"\n  {d.as_text()}" for d in diagnostics)
        super().__init__(message + details)
