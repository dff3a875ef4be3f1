"""``sitrep import``: another status page's history (Statuspage, cState, Upptime) as records."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from sitrep.commands.boundary import Refused
from sitrep.commands.options import config_option, portal_config
from sitrep.model.config import SitrepConfig


@click.group("import")
def import_() -> None:
    """Import the history of another status page (Statuspage, cState, Upptime) as records."""


def _run_import(mkdocs_yml: str, source: str, read: Callable[[SitrepConfig], tuple[list[Any], Any]],
                table: str | None, dry_run: bool) -> None:
    """Shared by the importers: map components, write (or plan) the records, print the summary."""
    from sitrep.edit.importers.writing import component_mapping, write_imports

    root, config = portal_config(mkdocs_yml)
    found, incidents_for = read(config)
    mapping = component_mapping(source, found, config, Path(table) if table else None)
    if mapping is None:
        click.echo(f"sitrep: wrote the proposed component table to {table}: review it (and add the components "
                   "it marks to mkdocs.yml), then run the same command again", err=True)
        return
    summary = write_imports(root, config, source, incidents_for(mapping), dry_run=dry_run)
    click.echo(summary.render(dry_run), nl=False)


_TABLE_HELP = ("Component table (source component -> component id). If the file does not exist, the "
               "proposed table is written there for review and nothing else is done.")


@import_.command("statuspage")
@config_option
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--url", metavar="URL", help="Read the whole history from the Manage API: "
              "https://api.statuspage.io/v1/pages/PAGE_ID (key from STATUSPAGE_API_KEY).")
@click.option("--components", "table", metavar="FILE", help=_TABLE_HELP)
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
def import_statuspage(mkdocs_yml: str, paths: tuple[Path, ...], url: str | None, table: str | None,
                      dry_run: bool) -> None:
    """Import Statuspage incidents, maintenance and postmortems from JSON files (PATHS) or --url.

    PATHS are the public API's incidents.json / scheduled-maintenances.json, or
    pages of the Manage API's incidents list, or folders of them. Running it again
    adds what is new and never overwrites a record edited since.
    """
    from sitrep.edit.importers import statuspage

    if not paths and not url:
        raise Refused("give Statuspage JSON files or folders, or --url https://api.statuspage.io/v1/pages/PAGE_ID")

    def read(config: SitrepConfig) -> tuple[list[Any], Any]:
        objects, current = statuspage.read_source(list(paths), url)
        return (statuspage.source_components(objects, current),
                lambda mapping: statuspage.read_incidents(objects, mapping, config))

    _run_import(mkdocs_yml, "statuspage", read, table, dry_run)


@import_.command("cstate")
@config_option
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--timezone", "zone_name", default="UTC", show_default=True, metavar="ZONE",
              help="The time zone cState's times are written in (its Hugo site's timeZone).")
@click.option("--components", "table", metavar="FILE", help=_TABLE_HELP)
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
def import_cstate(mkdocs_yml: str, folder: Path, zone_name: str, table: str | None, dry_run: bool) -> None:
    """Import cState issues from its content/issues/ FOLDER."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from sitrep.edit.importers import cstate

    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"{zone_name!r} is not a time zone (e.g. UTC, Europe/Berlin)",
                                 param_hint="'--timezone'") from None

    def read(config: SitrepConfig) -> tuple[list[Any], Any]:
        pages = cstate.read_folder(folder)
        return (cstate.source_components(pages),
                lambda mapping: cstate.read_incidents(pages, mapping, config, zone))

    _run_import(mkdocs_yml, "cstate", read, table, dry_run)


@import_.command("upptime")
@config_option
@click.argument("upptimerc", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("issues", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", metavar="URL", help="Read the issues from GitHub instead: https://github.com/OWNER/REPO "
              "(token from GITHUB_TOKEN or GH_TOKEN).")
@click.option("--components", "table", metavar="FILE", help=_TABLE_HELP)
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
def import_upptime(mkdocs_yml: str, upptimerc: Path, issues: tuple[Path, ...], url: str | None, table: str | None,
                   dry_run: bool) -> None:
    """Import Upptime's incidents: its UPPTIMERC file's sites and the ISSUES its monitor opened.

    ISSUES are JSON files from `gh issue list --repo OWNER/REPO --state all --label
    status --limit 10000 --json number,title,body,labels,createdAt,closedAt,state,comments,url`
    (and the same with --label maintenance for scheduled maintenance), or --url.
    Each site becomes a component, each issue an incident (or maintenance). Running
    it again adds what is new and never overwrites a record edited since.
    """
    from sitrep.edit.importers import upptime

    if not issues and not url:
        raise Refused(f"give the issues: a JSON file from `{upptime.EXPORT_COMMAND}`, or --url "
                      "https://github.com/OWNER/REPO")

    def read(config: SitrepConfig) -> tuple[list[Any], Any]:
        sites = upptime.read_sites(upptimerc)
        found = upptime.read_files(list(issues)) + (upptime.fetch_issues(url) if url else [])
        upptime.check_sources(found, sites)
        return (upptime.source_components(sites),
                lambda mapping: upptime.read_incidents(found, sites, mapping, config))

    _run_import(mkdocs_yml, "upptime", read, table, dry_run)
