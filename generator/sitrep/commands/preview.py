"""``sitrep preview``: what a pull request changes on the public status page, for its summary."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sitrep.commands.boundary import EXIT_INVALID
from sitrep.commands.options import config_option, current_time, now_option, portal_config


@click.command()
@config_option
@click.option("--base", required=True, metavar="REV", help="Git revision to compare with, e.g. origin/main.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "text"]), default="text", show_default=True,
              help="markdown for a GitHub job summary.")
@now_option
def preview(mkdocs_yml: str, base: str, fmt: str, now_text: str | None) -> None:
    """Summarise what the working tree changes on the public status page compared with REV.

    Lists incidents declared, updated and resolved, the overall status before
    and after, new postmortems, warnings and every validation problem. Exits 1
    when the working tree has invalid records (the summary is printed anyway).
    """
    import tempfile

    from sitrep.derive.state import portal_state
    from sitrep.load.git_revision import export_revision
    from sitrep.load.loader import load_portal
    from sitrep.render.preview import compare, render

    root, config = portal_config(mkdocs_yml)
    now = current_time(now_text)
    head, head_diags = load_portal(root, config, now=now)
    with tempfile.TemporaryDirectory(prefix="sitrep-base-") as tmp:
        export_revision(root, base, Path(tmp))
        base_portal, base_diags = load_portal(Path(tmp), config, now=now)
    summary = compare(portal_state(base_portal, now), portal_state(head, now), head_diags, base_diags)
    click.echo(render(summary, markdown=fmt == "markdown"), nl=False)
    if head_diags.has_errors:
        sys.exit(EXIT_INVALID)
