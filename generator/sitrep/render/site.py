"""The pure core of the site: validated records + now -> every generated page and file.

Nothing here imports MkDocs. The MkDocs plugin hands the result to MkDocs; the
``sitrep generate`` command writes it to a folder for other engines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sitrep.model.portal import Portal
from sitrep.render.badges import build_badges
from sitrep.render.feeds import build_feeds
from sitrep.render.ical import build_calendar
from sitrep.render.library import build_team_files, build_team_pages
from sitrep.render.pages import Page, build_pages
from sitrep.render.statuspage_api import build_api


@dataclass(frozen=True)
class SiteOutput:
    """Generated Markdown pages (rendered by the theme) and ready-made files."""

    pages: list[Page]
    files: dict[str, bytes]

    @property
    def nav(self) -> list[dict[str, str]]:
        """Section pages for the navigation: never the thousands of record pages."""
        titles = {"index.md": "Status", "history/index.md": "History", "postmortems/index.md": "Postmortems",
                  "runbooks/index.md": "Runbooks", "reports/index.md": "Reports",
                  "process/index.md": "Severity levels"}
        present = {p.path for p in self.pages if p.in_nav}
        return [{title: path} for path, title in titles.items() if path in present]


def build_site(portal: Portal, now: datetime) -> SiteOutput:
    """Everything the edition chosen by ``portal.config.audience`` publishes."""
    visible = portal.for_audience(portal.config.audience)
    pages = build_pages(visible, now) + build_team_pages(visible, now)
    files: dict[str, bytes] = build_team_files(visible, now)
    for builder in (build_feeds, build_api, build_badges, build_calendar):
        files.update(builder(visible, now))
    return SiteOutput(pages=pages, files=dict(sorted(files.items())))
