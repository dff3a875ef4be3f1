"""The ``sitrep`` command: a thin adapter that turns library errors into exit codes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .config import ConfigError, SitrepConfig, load_config
from .diagnostics import Diagnostics

EXIT_INVALID = 1
EXIT_USAGE = 2


def _config(mkdocs_yml: str) -> tuple[Path, SitrepConfig]:
    path = Path(mkdocs_yml)
    try:
        config = load_config(path)
    except ConfigError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_USAGE)
    return (path.parent / config.records_dir).resolve(), config


def _report(diags: Diagnostics, fmt: str) -> None:
    if fmt == "auto":
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    out = diags.render(fmt)  # type: ignore[arg-type]
    if out:
        click.echo(out)


config_option = click.option(
    "--config", "-f", "mkdocs_yml", default="mkdocs.yml", show_default=True,
    type=click.Path(dir_okay=False), help="The portal's mkdocs.yml (holds the sitrep settings).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sitrep")
def main() -> None:
    """Sitrep: incidents, status pages and postmortems as code."""


@main.command()
@config_option
@click.option("--format", "fmt", type=click.Choice(["auto", "text", "github", "json"]), default="auto",
              show_default=True, help="auto = github annotations too when GITHUB_ACTIONS=true.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--jobs", "-j", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--no-cache", is_flag=True,
              help="Ignore and don't write .sitrep-cache/ (findings of unchanged files).")
def validate(mkdocs_yml: str, fmt: str, strict: bool, jobs: int | None, no_cache: bool) -> None:
    """Check every record; print each problem as path:line: level: message.

    Exits 1 when there is an error (or a warning with --strict), 0 otherwise.
    Never writes to the records.
    """
    from .portal import validate_portal

    root, config = _config(mkdocs_yml)
    cache = None if no_cache else Path(mkdocs_yml).parent / ".sitrep-cache"
    counted, diags = validate_portal(root, config, jobs=jobs, cache_dir=cache)
    _report(diags, fmt)
    counts = (f"{counted['incident']} incidents, {counted['postmortem']} postmortems, "
              f"{counted['runbook']} runbooks")
    if fmt != "json":
        click.echo(f"sitrep: {counts}; {diags.summary_line()}", err=True)
    if diags.has_errors or (strict and diags.warnings):
        sys.exit(EXIT_INVALID)
