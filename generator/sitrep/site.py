"""The pure core of the site: validated records + now -> every generated page and file.

Nothing here imports MkDocs. The MkDocs plugin hands the result to MkDocs; the
``sitrep generate`` command writes it to a folder for other engines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .pages import Page, build_pages
from .portal import Portal


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
    import importlib
    visible = portal.for_audience(portal.config.audience)
    pages = build_pages(visible, now)
    files: dict[str, bytes] = {}
    for mod, fn in (("feeds", "build_feeds"), ("statuspage_api", "build_api"), ("badges", "build_badges"), ("ical", "build_calendar")):
        try:
            builder = getattr(importlib.import_module(f"sitrep.{mod}"), fn)
        except (ImportError, AttributeError):
            continue
        files.update(builder(visible, now))
    return SiteOutput(pages=pages, files=dict(sorted(files.items())))
