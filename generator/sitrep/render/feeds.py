"""RSS 2.0 and Atom feeds of incidents and status updates, built with feedgen.

Four files, all pure functions of the portal's state at ``now``:

* ``history.rss`` / ``history.atom``: one entry per incident or maintenance. The
  content is the whole update timeline (newest first); the title carries the
  current status while the record is open ("[Investigating] API errors").
* ``updates.rss`` / ``updates.atom``: one entry per status update, for readers
  that only notify on new entries.
* ``components/<id>/history.rss`` / ``.atom``: the history feeds of one component.

Identifiers never change once published, because feed readers deduplicate on them:

* a history entry's id is the incident page URL, ``{site_url}incidents/{id}/``
  (an RSS ``guid`` with ``isPermaLink="true"``);
* an update entry's id is a tag URI (RFC 4151) built from the site host, the
  update's year, the incident id and the update's id in its record (its UTC time
  and status, ``-2``… for a second one at the same second and status, see
  :func:`sitrep.model.records.update_ids`):
  ``tag:status.example.com,2026:incident/<id>/update/20260210T144000Z-investigating``
  (a site served under a path, e.g. ``https://example.github.io/status/``, puts
  that path before ``incident/`` so two sites on one host never collide). The
  update's position is deliberately not part of it: inserting a forgotten update
  would renumber every later one. Its link is the incident page with the same
  update id as the fragment (``#update-20260210T144000Z-investigating``).

No build time appears anywhere: feed-level ``updated``/``lastBuildDate`` is the
latest update time among the entries, so the files change only when data does.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from sitrep.derive.state import IncidentState, PortalState
from sitrep.model.config import SitrepConfig
from sitrep.model.formatting import safe_text, to_utc
from sitrep.model.records import Incident, Update, newest_first
from sitrep.model.vocabulary import CLOSING_STATUSES, update_label
from sitrep.render.templating import render_macro
from sitrep.render.urls import FEED_FILES, HISTORY_FEEDS, UPDATE_FEEDS, component_file, update_anchor, urls_for

__all__ = ["FEED_FILES", "build_feeds"]

GENERATOR = "Sitrep"
ENTRY_TEMPLATE = "feeds/entry.html.j2"



# --- selection -------------------------------------------------------------------
def select_records(state: PortalState, incidents: Iterable[Incident] | None = None) -> list[Incident]:
    """Records the history feeds carry (of ``incidents``, default all), most recently updated first.

    At most ``feed_max_entries``, updated within ``feed_days`` of ``now``; open
    records are kept whatever their age and take precedence when trimming.
    """
    config = state.portal.config
    horizon = state.now - timedelta(days=config.feed_days)
    pool = state.portal.incidents if incidents is None else incidents
    candidates = [i for i in pool if state.of(i).open or state.of(i).last_updated >= horizon]
    ranked = sorted(candidates,
                    key=lambda i: (not state.of(i).open, -to_utc(state.of(i).last_updated).timestamp(), i.id))
    kept = ranked[: config.feed_max_entries]
    return sorted(kept, key=lambda i: (-to_utc(state.of(i).last_updated).timestamp(), i.id))


def select_updates(state: PortalState) -> list[tuple[Incident, Update]]:
    """(record, update) pairs for the updates feeds, newest first, bounded like the history feeds."""
    portal, config = state.portal, state.portal.config
    horizon = state.now - timedelta(days=config.feed_days)
    pairs = [(inc, u) for inc in portal.incidents for u in inc.updates
             if u.at >= horizon or state.of(inc).open]
    pairs.sort(key=lambda p: (-to_utc(p[1].at).timestamp(), p[0].id, p[1].status))
    return pairs[: config.feed_max_entries]


# --- ids -------------------------------------------------------------------------
def update_entry_id(config: SitrepConfig, inc: Incident, update: Update, update_id: str) -> str:
    """Stable tag URI of one update whose id in its record is ``update_id`` (see the module docstring)."""
    site = urls_for(config.site_url)
    year = to_utc(update.at).year
    return f"tag:{site.host},{year}:{site.path_prefix}incident/{inc.id}/update/{update_id}"


# --- HTML content ----------------------------------------------------------------
def _components_view(config: SitrepConfig, components: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"name": config.component_name(cid), "impact": impact} for cid, impact in components.items()]


def feed_view(config: SitrepConfig, inc: Incident, derived: IncidentState) -> dict[str, Any]:
    """What a feed entry's content shows of a record: window, components, updates newest first.

    Each update carries what it changed (escalations, impact) and the impact on
    the components as of that update.
    """
    changes = derived.changes
    index = {id(u): n for n, u in enumerate(inc.updates)}  # position in the file, whatever the sort
    return {
        "kind": inc.kind, "scheduled_start": inc.scheduled_start, "scheduled_end": inc.scheduled_end,
        "state": derived.maintenance_state, "components": _components_view(config, derived.affected),
        "updates": [{"index": index[id(u)], "at": u.at, "status": u.status, "message": u.message,
                     "changes": changes[index[id(u)]],
                     "components": _components_view(config, derived.update_components[index[id(u)]])}
                    for u in newest_first(inc.updates)],
        "absolute_url": urls_for(config.site_url).incident(inc.id),
    }


def timeline_html(config: SitrepConfig, inc: Incident, derived: IncidentState) -> str:
    """The whole record as HTML: window, affected components, updates newest first."""
    return render_macro(ENTRY_TEMPLATE, "timeline", feed_view(config, inc, derived))


def esc(text: str) -> str:
    """HTML-escape record text (quotes included) after making it XML-safe."""
    return html.escape(safe_text(text), quote=True)


# --- feeds -----------------------------------------------------------------------
def _new_feed(config: SitrepConfig, title: str, subtitle: str, updated: datetime) -> FeedGenerator:
    """A feed with its channel data; :func:`_serialise` gives it its address in each format."""
    fg = FeedGenerator()
    fg.title(safe_text(title))
    fg.subtitle(safe_text(subtitle))  # also RSS <description>, which RSS requires
    fg.author({"name": safe_text(config.site_name)})
    fg.language("en")
    fg.generator(GENERATOR)
    # feedgen would stamp the build time; the data's latest time keeps builds reproducible.
    fg.updated(updated)
    return fg


def _serialise(fg: FeedGenerator, config: SitrepConfig, paths: Mapping[str, str]) -> dict[str, bytes]:
    """The feed in each format of ``paths`` (format -> path); only its id and self link differ.

    The entries are made once for both formats.
    """
    root = urls_for(config.site_url).root
    out: dict[str, bytes] = {}
    for fmt, path in paths.items():
        fg.id(root + path)
        # The alternate link last: feedgen uses the last link as RSS <link>.
        fg.link([{"href": root + path, "rel": "self"}, {"href": root, "rel": "alternate"}], replace=True)
        out[path] = fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)
    return out


def _history_entry(config: SitrepConfig, inc: Incident, derived: IncidentState) -> FeedEntry:
    """An incident's entry in the history feeds: the same object in the site's feed and its components'."""
    status = derived.current_status
    latest = newest_first(inc.updates)[0]
    title = safe_text(inc.title)
    if status not in CLOSING_STATUSES:
        title = f"[{update_label(status)}] {title}"
    fe = FeedEntry()
    url = urls_for(config.site_url).incident(inc.id)
    fe.guid(url, permalink=True)
    fe.title(title)
    fe.link(href=url, rel="alternate")
    # Escaped once more: RSS <description> and Atom summary type="html" are HTML.
    fe.summary(esc(f"{update_label(latest.status)}: {latest.message}"), type="html")
    fe.content(timeline_html(config, inc, derived), type="html")
    fe.published(to_utc(min(u.at for u in inc.updates)))
    fe.updated(to_utc(inc.last_updated))
    return fe


def _update_entry(fg: FeedGenerator, config: SitrepConfig, inc: Incident, derived: IncidentState,
                  update: Update, views: dict[str, tuple[dict[str, Any], dict[int, dict[str, Any]]]]) -> None:
    """Add ``update``'s entry to ``fg``. ``views`` (incident id -> its feed view and that view's
    updates by the update they show) keeps each record's view for its other updates' entries: made
    once per record, not once per update (a record of 1,000 updates made the feed quadratic)."""
    if inc.id not in views:
        view = feed_view(config, inc, derived)
        views[inc.id] = view, {id(inc.updates[shown["index"]]): shown for shown in view["updates"]}
    view, shown_by_update = views[inc.id]
    shown = shown_by_update[id(update)]
    position = shown["index"]
    update_id = derived.update_ids[position]
    fe = fg.add_entry(order="append")
    fe.guid(update_entry_id(config, inc, update, update_id), permalink=False)
    title = f"{safe_text(inc.title)} — {update_label(update.status)}"
    fe.title(f"{title}: {safe_text(', '.join(shown['changes']))}" if shown["changes"] else title)
    fe.link(href=f"{urls_for(config.site_url).incident(inc.id)}#{update_anchor(update_id)}",
            rel="alternate")
    fe.content(render_macro(ENTRY_TEMPLATE, "update", view, shown), type="html")
    fe.published(to_utc(update.at))
    fe.updated(to_utc(update.at))


def _feed_updated(state: PortalState, times: Iterable[datetime], latest: datetime | None) -> datetime:
    """Latest entry time; else ``latest``, the latest time in the data; ``now`` only for no data."""
    return max((to_utc(t) for t in times), default=None) or latest or to_utc(state.now)


def build_history_feeds(state: PortalState, entries: dict[str, FeedEntry] | None = None) -> dict[str, bytes]:
    """``history.rss`` and ``history.atom``: one entry per incident or maintenance.

    ``entries`` (incident id -> entry) keeps the entries made for other feeds.
    """
    config = state.portal.config
    return _history_feeds(state, state.portal.incidents, state.latest_update, HISTORY_FEEDS,
                          f"{config.site_name} — incident history",
                          f"Incidents and scheduled maintenance of {config.site_name}",
                          {} if entries is None else entries)


def build_component_feeds(state: PortalState, entries: dict[str, FeedEntry] | None = None) -> dict[str, bytes]:
    """``components/<id>/history.rss`` and ``.atom``: the history feeds of one component each.

    Same entries (and entry ids) as the site-wide history feed, only those whose
    record affects the component, so a subscriber follows just what they use.
    """
    portal, config = state.portal, state.portal.config
    entries = {} if entries is None else entries
    out: dict[str, bytes] = {}
    for comp in config.components:
        touching = [i for i in portal.incidents if comp.id in state.of(i).worst_components]
        out.update(_history_feeds(state, touching, state.component_updated[comp.id],
                                  {fmt: component_file(comp.id, name) for fmt, name in HISTORY_FEEDS.items()},
                                  f"{config.site_name} — {comp.name}",
                                  f"Incidents and scheduled maintenance affecting {comp.name}", entries))
    return out


EMPTY_SITEMAP = b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>\n'


def build_feed_sitemaps(state: PortalState) -> dict[str, bytes]:
    """``components/<id>/sitemap.xml``: an empty sitemap beside each component's feeds.

    The component's history pages announce its feeds in ``<head>`` (``<link rel="alternate">``),
    and the theme's script (Material's, for pages in other languages) fetches ``sitemap.xml`` from
    the folder of every such link: without one, each visit logged a 404.
    """
    return {component_file(comp.id, "sitemap.xml"): EMPTY_SITEMAP for comp in state.portal.config.components}


def _history_feeds(state: PortalState, incidents: Iterable[Incident], latest: datetime | None,
                   paths: Mapping[str, str], title: str, subtitle: str,
                   entries: dict[str, FeedEntry]) -> dict[str, bytes]:
    config = state.portal.config
    records = select_records(state, incidents)
    updated = _feed_updated(state, (state.of(i).last_updated for i in records), latest)
    fg = _new_feed(config, title, subtitle, updated)
    for inc in records:
        if inc.id not in entries:
            entries[inc.id] = _history_entry(config, inc, state.of(inc))
        fg.add_entry(entries[inc.id], order="append")
    return _serialise(fg, config, paths)


def build_update_feeds(state: PortalState) -> dict[str, bytes]:
    """``updates.rss`` and ``updates.atom``: one entry per status update."""
    config = state.portal.config
    pairs = select_updates(state)
    updated = _feed_updated(state, (u.at for _, u in pairs), state.latest_update)
    fg = _new_feed(config, f"{config.site_name} — status updates",
                   f"Every status update posted on {config.site_name}", updated)
    views: dict[str, tuple[dict[str, Any], dict[int, dict[str, Any]]]] = {}
    for inc, update in pairs:
        _update_entry(fg, config, inc, state.of(inc), update, views)
    return _serialise(fg, config, UPDATE_FEEDS)


def build_feeds(state: PortalState) -> dict[str, bytes]:
    """All four feeds and each component's two, keyed by site-relative path (see :data:`FEED_FILES`)."""
    entries: dict[str, FeedEntry] = {}
    return {**build_history_feeds(state, entries), **build_update_feeds(state),
            **build_component_feeds(state, entries)}
