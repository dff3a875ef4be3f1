"""Every path and URL of the site, built in one place.

Three kinds of address, each with its own functions:

* **page paths**: docs-relative Markdown paths of generated pages, what MkDocs (or
  another engine) is given: ``incidents/<id>.md``;
* **page URLs**: directory URLs relative to the page a link appears on, written
  as ``root`` (``"../../"``, the way back to the site root) + the page's
  directory URL: ``../../incidents/<id>/``. Sites stay relocatable;
* **absolute URLs** (feeds, calendar, API, messages), from ``site_url`` through a
  :class:`Urls` object.

Templates receive page URLs ready-made in their view data; nothing else spells
out a path.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

# --------------------------------------------------------------------------- page paths

STATUS_PAGE = "index.md"
PROCESS_PAGE = "process/index.md"
HISTORY = "history"
POSTMORTEMS = "postmortems"
ACTION_ITEMS_PAGE = "postmortems/action-items.md"
RUNBOOK_INDEX_PAGE = "runbooks/index.md"
REPORTS = "reports"
HISTORY_PAGE = f"{HISTORY}/index.md"
POSTMORTEM_INDEX_PAGE = f"{POSTMORTEMS}/index.md"

#: The folder of each record kind's pages.
RECORD_FOLDERS = {"incident": "incidents", "postmortem": "postmortems", "runbook": "runbooks"}


def record_page(kind: str, record_id: str) -> str:
    """The page of one record: ``incidents/<id>.md``, ``postmortems/<id>.md``, ``runbooks/<id>.md``."""
    return f"{RECORD_FOLDERS[kind]}/{record_id}.md"


def incident_page(incident_id: str) -> str:
    """The page of one incident or maintenance."""
    return record_page("incident", incident_id)


def postmortem_page(postmortem_id: str) -> str:
    """The page of one postmortem."""
    return record_page("postmortem", postmortem_id)


def runbook_page(runbook_id: str) -> str:
    """The page of one runbook."""
    return record_page("runbook", runbook_id)


def day_page(day: str) -> str:
    """The incidents acting on one day of the uptime window (``YYYY-MM-DD``)."""
    return f"{HISTORY}/day/{day}.md"


def listing_page(folder: str, number: int = 1) -> str:
    """Page ``number`` (from 1) of a paginated or filtered list living in ``folder``."""
    return f"{folder}/index.md" if number == 1 else f"{folder}/page/{number}.md"


def folder(section: str, *parts: str) -> str:
    """A folder below a section: ``folder(HISTORY, "component", "api")`` -> ``history/component/api``.

    Filters and rolling windows of lists live in such folders: ``history/severity/sev1``,
    ``postmortems/tag/database``, ``reports/last-90-days``, ``reports/component/api``.
    """
    return "/".join((section, *parts))


# --------------------------------------------------------------------------- files

#: The site-wide feeds by format: one entry per incident (history) and one per update.
HISTORY_FEEDS = {"rss": "history.rss", "atom": "history.atom"}
UPDATE_FEEDS = {"rss": "updates.rss", "atom": "updates.atom"}
FEED_FILES = (*HISTORY_FEEDS.values(), *UPDATE_FEEDS.values())
CALENDAR_FILE = "maintenance.ics"
API_DIR = "api/v2/"
API_SUMMARY = f"{API_DIR}summary.json"
METRICS_FILE = "reports/metrics.json"
BADGE_FILES = ("badge.svg", "badge.json")
#: The status banner script for product pages (render/embed.py).
EMBED_SCRIPT = "embed.js"


def report_metrics_file(window_key: str) -> str:
    """The figures of one report window as JSON: :data:`METRICS_FILE` for all time, else in the
    window's folder (``reports/last-90-days/metrics.json``)."""
    return METRICS_FILE if window_key == "all" else f"{folder(REPORTS, *window_key.split('/'))}/metrics.json"


def component_file(component_id: str, name: str) -> str:
    """A file about one component (badge, feeds, calendar): ``components/<id>/badge.svg``."""
    return f"components/{component_id}/{name}"


# --------------------------------------------------------------------------- page URLs


def dir_url(path: str) -> str:
    """Directory URL (relative to the site root) of a docs-relative ``.md`` path."""
    stem = path.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def root_of(path: str) -> str:
    """Relative site root of a page: one ``../`` per folder of its directory URL."""
    return "../" * dir_url(path).count("/")


def href(path: str, root: str) -> str:
    """A template's link to a page (docs-relative ``.md`` path) or a generated file, from ``root``.

    Templates write ``{{ urls.HISTORY_PAGE|href(root) }}``: the path comes from this module.
    """
    return link(path, root) if path.endswith(".md") else root + path


def link(path: str, root: str) -> str:
    """URL of the page at ``path`` from a page whose relative site root is ``root``."""
    return root + dir_url(path)


def update_anchor(update_id: str, incident_id: str | None = None) -> str:
    """Fragment id of one update: ``update-<update id>`` on its incident page (the feeds link to it too).

    ``update_id`` is the update's id within its record (:func:`sitrep.model.records.update_ids`),
    unique there, so two updates posted in the same second never share an anchor. A page listing
    the updates of several incidents (the status page's open ones, a postmortem's) passes the
    ``incident_id`` too, ``update-<incident id>-<update id>``: two incidents' updates in the same
    second with the same status share an update id, never an anchor.
    """
    return f"update-{incident_id}-{update_id}" if incident_id else f"update-{update_id}"


# --------------------------------------------------------------------------- absolute URLs


@dataclass(frozen=True)
class Urls:
    """Absolute URLs of one site (``site_url``), for feeds, calendar, API and messages."""

    site_url: str

    @property
    def root(self) -> str:
        """``site_url`` with exactly one trailing slash."""
        return self.site_url.rstrip("/") + "/"

    @property
    def host(self) -> str:
        """Host name of the site (lowercase), for tag URIs and iCalendar UIDs."""
        return (urlsplit(self.site_url).hostname or "localhost").lower()

    @property
    def path_prefix(self) -> str:
        """The site's path below the host with a trailing slash (``status/``), or "" at the host's root."""
        path = urlsplit(self.site_url).path.strip("/")
        return f"{path}/" if path else ""

    def page(self, path: str) -> str:
        """Absolute URL of a page given by its docs-relative path."""
        return self.root + dir_url(path)

    def file(self, path: str) -> str:
        """Absolute URL of a generated file (feed, JSON, badge)."""
        return self.root + path

    def incident(self, incident_id: str) -> str:
        """Absolute URL of an incident's page."""
        return self.page(incident_page(incident_id))


@cache
def urls_for(site_url: str) -> Urls:
    """The :class:`Urls` of a site (one object per ``site_url``)."""
    return Urls(site_url)
