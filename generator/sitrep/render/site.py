"""The pure core of the site: validated records + now -> every generated page and file.

Nothing here imports MkDocs. The MkDocs plugin hands the result to MkDocs; the
``sitrep generate`` command writes it to a folder for other engines.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sitrep.derive.state import PortalState, portal_state
from sitrep.model.portal import Portal
from sitrep.render import urls
from sitrep.render.badges import build_badges
from sitrep.render.body_links import BodyLinks
from sitrep.render.context import RenderContext
from sitrep.render.embed import build_embed
from sitrep.render.feeds import build_feed_sitemaps, build_feeds
from sitrep.render.ical import build_calendar
from sitrep.render.page import Page
from sitrep.render.postmortems import action_items_page, postmortem_index_pages, postmortem_pages
from sitrep.render.reports import metrics_file, report_pages
from sitrep.render.runbooks import runbook_index_page, runbook_pages
from sitrep.render.status_site import build_pages
from sitrep.render.statuspage_api import build_api


@dataclass(frozen=True)
class SiteOutput:
    """Generated Markdown pages (rendered by the theme) and ready-made files."""

    pages: list[Page]
    files: dict[str, bytes]

    @property
    def nav(self) -> list[dict[str, str]]:
        """Section pages for the navigation: never the thousands of record pages."""
        titles = {urls.STATUS_PAGE: "Status", urls.listing_page(urls.HISTORY): "History",
                  urls.listing_page(urls.POSTMORTEMS): "Postmortems", urls.RUNBOOK_INDEX_PAGE: "Runbooks",
                  urls.listing_page(urls.REPORTS): "Reports", urls.PROCESS_PAGE: "Severity levels"}
        present = {p.path for p in self.pages if p.in_nav}
        return [{title: path} for path, title in titles.items() if path in present]

    def engine_config(self, inherit: str) -> str:
        """A configuration (YAML) that inherits the file ``inherit`` and sets the navigation of these pages.

        For engines that run no MkDocs plugin and read ``INHERIT`` as MkDocs does (Zensical): the
        plugin sets the same navigation itself. Only the sections this edition publishes are in it.
        """
        lines = ["# Written by `sitrep generate`: the navigation of the edition it generated, on top of",
                 f"# {inherit}, which holds the engine's settings. Written again on each run: do not edit.",
                 f"INHERIT: {json.dumps(inherit)}", "nav:"]
        lines += [f"  - {json.dumps(title)}: {json.dumps(path)}" for entry in self.nav for title, path in entry.items()]
        return "\n".join(lines) + "\n"


def build_site(portal: Portal, now: datetime) -> SiteOutput:
    """Everything the edition chosen by ``portal.config.audience`` publishes."""
    # Derive once: every renderer reads this state and none derives anything itself.
    state = portal_state(portal.for_audience(portal.config.audience), now)
    links = BodyLinks.of(state.portal)
    pages = build_pages(state, links) + build_team_pages(state, links)
    files: dict[str, bytes] = {}
    builders = (build_feeds, build_feed_sitemaps, build_api, build_badges, build_calendar, build_embed)
    if state.portal.config.publishes("reports"):
        builders = (metrics_file, *builders)
    for builder in builders:
        files.update(builder(state))
    return SiteOutput(pages=pages, files=dict(sorted(files.items())))


def build_team_pages(state: PortalState, links: BodyLinks | None = None) -> list[Page]:
    """Postmortem library, and the action items, runbooks and reports the edition publishes.

    The public edition has action items, runbooks and reports only when
    ``public_pages`` lists them (:meth:`SitrepConfig.publishes`).
    """
    ctx = RenderContext.of(state, links)
    config = state.portal.config
    pages = postmortem_index_pages(ctx)
    if config.publishes("action_items"):
        pages.append(action_items_page(ctx))
    pages += postmortem_pages(ctx)
    if config.publishes("runbooks"):
        pages.append(runbook_index_page(ctx))
        pages += runbook_pages(ctx)
    if config.publishes("reports"):
        pages += report_pages(ctx)
    return pages
