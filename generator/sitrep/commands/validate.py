"""``sitrep validate``: check every record and print each problem as path:line: level: message."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sitrep.commands.boundary import EXIT_INVALID
from sitrep.commands.options import config_option, current_time, now_option, portal_config
from sitrep.commands.output import print_diagnostics, resolved_format
from sitrep.model.diagnostics import Diagnostics
from sitrep.model.exceptions import ConfigError


@click.command()
@config_option
@click.option("--format", "fmt", type=click.Choice(["auto", "text", "github", "json"]), default="auto",
              show_default=True, help="auto = github annotations too when GITHUB_ACTIONS=true.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--jobs", "-j", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--no-cache", is_flag=True,
              help="Ignore and don't write .sitrep-cache/ (findings of unchanged files).")
@now_option
def validate(mkdocs_yml: str, fmt: str, strict: bool, jobs: int | None, no_cache: bool,
             now_text: str | None = None) -> None:
    """Check every record; print each problem as path:line: level: message.

    Exits 1 when there is an error (or a warning with --strict), 0 otherwise.
    Never writes to the records.
    """
    from sitrep.load.loader import validate_portal

    try:
        root, config = portal_config(mkdocs_yml)
    except ConfigError as exc:
        # The settings' problems in the format asked for: in a pull request, annotations on the lines
        # of mkdocs.yml; the plain lines go to stderr as for every command (exit 2).
        if resolved_format(fmt) == "json":
            click.echo(Diagnostics(exc.findings).render("json"))
        elif resolved_format(fmt) == "github":
            click.echo("\n".join(d.as_github() for d in Diagnostics(exc.findings)))
        raise
    cache = None if no_cache else Path(mkdocs_yml).parent / ".sitrep-cache"
    counted, diags = validate_portal(root, config, jobs=jobs, cache_dir=cache, now=current_time(now_text))
    print_diagnostics(diags, fmt, root)
    counts = ", ".join(f"{counted[kind]} {kind}{'' if counted[kind] == 1 else 's'}"
                       for kind in ("incident", "postmortem", "runbook"))
    if fmt != "json":
        click.echo(f"sitrep: {counts}; {diags.summary_line()}", err=True)
    if diags.has_errors or (strict and diags.warnings):
        sys.exit(EXIT_INVALID)
