"""``sitrep init`` and ``sitrep sync``: set up a portal, and keep its files in step with mkdocs.yml."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import click

from sitrep.commands.boundary import EXIT_INVALID
from sitrep.commands.options import config_option, current_time, now_option, portal_config
from sitrep.commands.output import shown


def _ask_components() -> list[str]:
    """Components asked for one by one on a terminal (an empty id ends the list)."""
    click.echo("Components customers see on the status page; an empty id ends the list.")
    specs: list[str] = []
    while True:
        cid = click.prompt("Component id (e.g. api)", default="", show_default=False).strip()
        if not cid:
            return specs
        name = click.prompt("  Display name", default=cid.replace("-", " ").capitalize())
        specs.append(f"{cid}={name}")


def _print_outcome(root: Path, outcome: Any, action: str) -> None:
    for path in outcome.written:
        click.echo(f"wrote {shown(root / path)}")
    for path in outcome.updated:
        click.echo(f"{action} {shown(root / path)}")
    for path in outcome.kept:
        click.echo(f"kept {shown(root / path)}: it exists; not overwritten (`sitrep sync` refreshes its "
                   "generated parts, if it has them)")
    for path in outcome.unmarked:
        click.echo(f"skipped {shown(root / path)}: it has no sitrep:begin/sitrep:end regions, so nothing in it "
                   "is generated; keep it current by hand, or delete it and run `sitrep init` to get one")


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--component", "component_specs", multiple=True, metavar='ID="NAME"',
              help='A component customers see, e.g. --component api="Public API". Repeat for each; asked for '
                   "on a terminal when none is given.")
@click.option("--name", "site_name", default="Status", show_default=True, help="The site's name (site_name).")
@click.option("--url", "site_url", default="https://status.example.com/", show_default=True,
              help="Where the public edition will be published (site_url).")
@now_option
def init(directory: str, component_specs: tuple[str, ...], site_name: str, site_url: str,
         now_text: str | None) -> None:
    """Create a portal in DIRECTORY (default: here), empty or an existing repository.

    Writes mkdocs.yml with the components, empty incidents/, postmortems/ and
    runbooks/, requirements.txt, the PR, publish and declare workflows, the issue forms,
    the PR template and CONTRIBUTING.md for responders. Files that exist are
    kept and named, never overwritten.
    """
    from sitrep.edit.init import PortalSettings, advice_on_kept, init_portal, new_config, sitrep_requirement

    root = Path(directory)
    if not component_specs and sys.stdin.isatty():
        component_specs = tuple(_ask_components())
    config = new_config(component_specs, site_name, site_url)
    root.mkdir(parents=True, exist_ok=True)
    # The portal has the scenario templates: init writes them (or keeps the team's own).
    settings = dataclasses.replace(PortalSettings.of(config, since=current_time(now_text).date(), root=root),
                                   incident_templates=True)
    outcome = init_portal(root, settings)
    _print_outcome(root, outcome, "updated")
    todo = advice_on_kept(root, settings, outcome)
    if "requirements.txt" in outcome.written and sitrep_requirement() is None:
        todo.append("requirements.txt has no line installing Sitrep: this Sitrep was installed from a file on "
                    "this machine, which the workflows cannot reach. Add the line that installs it from where "
                    "your team keeps it (examples in the file)")
    for item in todo:
        click.echo(f"\nsitrep: to do: {item}", err=True)
    click.echo(f"\nNext: {'do the above, then ' if todo else ''}commit these files, then see CONTRIBUTING.md to "
               "declare an incident; `mkdocs serve` previews the site. After changing the components in "
               "mkdocs.yml, run `sitrep sync`.")


@click.command()
@config_option
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a generated part is out of date (for CI).")
def sync(mkdocs_yml: str, check: bool) -> None:
    """Regenerate the parts of the portal's files that repeat mkdocs.yml.

    The component ids and severity levels in the issue forms, the PR template and
    CONTRIBUTING.md sit between sitrep:begin/sitrep:end marker lines; this
    rewrites only those regions, from the settings in mkdocs.yml.
    """
    from sitrep.edit.init import PortalSettings, sync_portal

    path = Path(mkdocs_yml)
    _, config = portal_config(mkdocs_yml)
    root = path.parent
    outcome = sync_portal(root, PortalSettings.of(config, root=root), write=not check)
    _print_outcome(root, outcome, "out of date:" if check else "updated")
    if check and outcome.updated:
        click.echo("sitrep: the files above repeat an older mkdocs.yml: run `sitrep sync` and commit", err=True)
        sys.exit(EXIT_INVALID)
    if not outcome.updated:
        click.echo(f"sitrep: {len(outcome.current)} file(s) already match mkdocs.yml")
