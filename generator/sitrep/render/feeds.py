"""RSS 2.0 and Atom feeds of incidents and status updates, built with feedgen.

Four files, all pure functions of ``(portal, now)``:

* ``history.rss`` / ``history.atom``: one entry per incident or maintenance. The
  content is the whole update timeline (newest first); the title carries the
  current status while the record is open ("[Investigating] API errors").
* ``updates.rss`` / ``updates.atom``: one entry per status update, for readers
  that only notify on new entries.

Identifiers never change once published, because feed readers deduplicate on them:

* a history entry's id is the incident page URL, ``{site_url}incidents/{id}/``
  (an RSS ``guid`` with ``isPermaLink="true"``);
* an update entry's id is a tag URI (RFC 4151) built from the site host, the
  update's year, the incident id, the update's UTC time and its status:
  ``tag:status.example.com,2026:incident/<id>/update/20260210T144000Z-investigating``
  (a site served under a path, e.g. ``https://example.github.io/status/``, puts
  that path before ``incident/`` so two sites on one host never collide). The
  update's position is deliberately not part of it: inserting a forgotten update
  would renumber every later one.

No build time appears anywhere: feed-level ``updated``/``lastBuildDate`` is the
latest update time among the entries, so the files change only when data does.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator

from sitrep.derive.status import is_active, maintenance_state
from sitrep.model.config import SitrepConfig
from sitrep.model.portal import Portal
from sitrep.model.records import Incident, Update
from sitrep.model.vocabulary import status_label, update_label
from sitrep.render.pages import update_anchor as page_update_anchor

FEED_FILES = ("history.rss", "history.atom", "updates.rss", "updates.atom")
GENERATOR = "Sitrep"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Characters XML 1.0 cannot carry at all (lxml refuses them): C0 controls except
# tab/newline/CR, lone surrogates and the two non-characters U+FFFE/U+FFFF.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Bidi embeddings, overrides and isolates: one unclosed U+202E in a title would
# reverse everything a reader shows after it.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_STATUS_SAFE = re.compile(r"[^a-z0-9_-]+")


# --- shared helpers (also used by statuspage_api, badges and ical) -----------------
def safe_text(text: str) -> str:
    """Text that is safe to embed in XML, iCalendar and plain-text titles.

    Drops characters XML cannot represent and, when the text contains bidi
    controls, wraps it in an isolate (U+2068 … U+2069) so an unterminated
    override cannot spill into the text around it. Escaping for the target
    format is still the caller's (or the library's) job.
    """
    text = _XML_INVALID.sub("", text)
    if any(ch in _BIDI_CONTROLS for ch in text):
        text = f"\u2068{text}\u2069"
    return text


def to_utc(at: datetime) -> datetime:
    """The same instant in UTC (records may carry any offset)."""
    return at.astimezone(UTC)


def utc_stamp(at: datetime) -> str:
    """Compact UTC form used in ids and anchors: ``20260210T144000Z``."""
    return to_utc(at).strftime("%Y%m%dT%H%M%SZ")


def update_anchor(update: Update) -> str:
    """The HTML id of an update on its incident page: ``update-20260210T144000Z-investigating``.

    The page renderer's scheme, so feed links land on the update.
    """
    return page_update_anchor(update.at, update.status)


def _status_slug(status: str) -> str:
    """The status as it may appear in ids (valid statuses are unchanged)."""
    return _STATUS_SAFE.sub("-", status.lower()) or "update"


def incident_url(config: SitrepConfig, incident_id: str) -> str:
    """Absolute URL of an incident's page (``site_url`` ends with a slash)."""
    return f"{site_root(config)}incidents/{incident_id}/"


def site_root(config: SitrepConfig) -> str:
    """``site_url`` with exactly one trailing slash."""
    return config.site_url.rstrip("/") + "/"


def site_host(config: SitrepConfig) -> str:
    """Host name of the site (lowercase), for tag URIs and iCalendar UIDs."""
    return (urlsplit(config.site_url).hostname or "localhost").lower()


def component_name(config: SitrepConfig, component_id: str) -> str:
    """Display name of a component; its id when it is not configured."""
    component = config.component(component_id)
    return component.name if component else component_id


def human_time(at: datetime) -> str:
    """``10 Feb 2026, 14:40 UTC`` (month names fixed, not locale-dependent)."""
    u = to_utc(at)
    return f"{u.day} {_MONTHS[u.month - 1]} {u.year}, {u:%H:%M} UTC"


def iso_z(at: datetime) -> str:
    """ISO 8601 in UTC with a Z: ``2026-02-10T14:40:00Z``."""
    return to_utc(at).strftime("%Y-%m-%dT%H:%M:%SZ")


def latest_time(incidents: Iterable[Incident]) -> datetime | None:
    """The latest update time over some records, or None when there are none."""
    return max((to_utc(i.last_updated) for i in incidents), default=None)


def current_status(inc: Incident, now: datetime) -> str:
    """The status to show at ``now``.

    An incident's status is its latest update's. A maintenance also follows its
    window: still 'scheduled' after its start means in progress, and a window
    that passed without a closing update counts as completed.
    """
    if not inc.is_maintenance or inc.status in ("in_progress", "verifying", "completed"):
        return inc.status
    return maintenance_state(inc, now)


def is_open(inc: Incident, now: datetime) -> bool:
    """An active incident, or a maintenance that is upcoming or under way."""
    if inc.is_maintenance:
        return maintenance_state(inc, now) != "completed"
    return is_active(inc, now)


# --- selection -------------------------------------------------------------------
def select_records(portal: Portal, now: datetime) -> list[Incident]:
    """Records the history feeds carry, most recently updated first.

    At most ``feed_max_entries``, updated within ``feed_days`` of ``now``; open
    records are kept whatever their age and take precedence when trimming.
    """
    config = portal.config
    horizon = now - timedelta(days=config.feed_days)
    candidates = [i for i in portal.incidents if is_open(i, now) or i.last_updated >= horizon]
    ranked = sorted(candidates, key=lambda i: (not is_open(i, now), -to_utc(i.last_updated).timestamp(), i.id))
    kept = ranked[: config.feed_max_entries]
    return sorted(kept, key=lambda i: (-to_utc(i.last_updated).timestamp(), i.id))


def select_updates(portal: Portal, now: datetime) -> list[tuple[Incident, Update]]:
    """(record, update) pairs for the updates feeds, newest first, bounded like the history feeds."""
    config = portal.config
    horizon = now - timedelta(days=config.feed_days)
    pairs = [(inc, u) for inc in portal.incidents for u in inc.updates
             if u.at >= horizon or is_open(inc, now)]
    pairs.sort(key=lambda p: (-to_utc(p[1].at).timestamp(), p[0].id, p[1].status))
    return pairs[: config.feed_max_entries]


# --- ids -------------------------------------------------------------------------
def update_entry_id(config: SitrepConfig, inc: Incident, update: Update) -> str:
    """Stable tag URI of one update (see the module docstring)."""
    path = urlsplit(config.site_url).path.strip("/")
    prefix = f"{path}/" if path else ""
    year = to_utc(update.at).year
    return (f"tag:{site_host(config)},{year}:{prefix}incident/{inc.id}/update/"
            f"{utc_stamp(update.at)}-{_status_slug(update.status)}")


# --- HTML content ----------------------------------------------------------------
def esc(text: str) -> str:
    """HTML-escape record text (quotes included) after making it XML-safe."""
    return html.escape(safe_text(text), quote=True)


def message_html(message: str) -> str:
    """A message as escaped HTML paragraphs (blank lines separate paragraphs)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", message.strip()) if p.strip()]
    return "".join(f"<p>{esc(p.strip()).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def components_html(config: SitrepConfig, inc: Incident) -> str:
    """Affected components and their impact as an HTML list."""
    items = "".join(
        f"<li>{esc(component_name(config, cid))}: {esc(status_label(impact))}</li>"
        for cid, impact in inc.components.items()
    )
    return f"<p><strong>Affected components</strong></p><ul>{items}</ul>"


def _time_html(at: datetime) -> str:
    return f'<time datetime="{iso_z(at)}">{human_time(at)}</time>'


def _window_html(inc: Incident) -> str:
    if not (inc.is_maintenance and inc.scheduled_start):
        return ""
    end = f" – {_time_html(inc.scheduled_end)}" if inc.scheduled_end else ""
    return f"<p><strong>Scheduled</strong> {_time_html(inc.scheduled_start)}{end}</p>"


def newest_first(updates: Iterable[Update]) -> list[Update]:
    """Updates by time, newest first; equal times keep their file order reversed."""
    return [u for _, u in sorted(enumerate(updates), key=lambda p: (to_utc(p[1].at), p[0]), reverse=True)]


def timeline_html(config: SitrepConfig, inc: Incident) -> str:
    """The whole record as HTML: window, affected components, updates newest first."""
    parts = [_window_html(inc), components_html(config, inc)]
    for u in newest_first(inc.updates):
        parts.append(f"<h3>{esc(update_label(u.status))}</h3><p>{_time_html(u.at)}</p>{message_html(u.message)}")
    url = esc(incident_url(config, inc.id))
    parts.append(f'<p><a href="{url}">{url}</a></p>')
    return "".join(parts)


# --- feeds -----------------------------------------------------------------------
def _new_feed(config: SitrepConfig, title: str, subtitle: str, path: str, updated: datetime) -> FeedGenerator:
    """A feed with its channel data; one generator per format since self links differ."""
    fg = FeedGenerator()
    root = site_root(config)
    fg.id(root + path)
    fg.title(safe_text(title))
    fg.subtitle(safe_text(subtitle))  # also RSS <description>, which RSS requires
    fg.author({"name": safe_text(config.site_name)})
    fg.link(href=root + path, rel="self")
    fg.link(href=root, rel="alternate")  # last: feedgen uses the last link as RSS <link>
    fg.language("en")
    fg.generator(GENERATOR)
    # feedgen would stamp the build time; the data's latest time keeps builds reproducible.
    fg.updated(updated)
    return fg


def _history_entry(fg: FeedGenerator, config: SitrepConfig, inc: Incident, now: datetime) -> None:
    status = current_status(inc, now)
    latest = newest_first(inc.updates)[0]
    title = safe_text(inc.title)
    if status not in ("resolved", "completed"):
        title = f"[{update_label(status)}] {title}"
    fe = fg.add_entry(order="append")
    fe.guid(incident_url(config, inc.id), permalink=True)
    fe.title(title)
    fe.link(href=incident_url(config, inc.id), rel="alternate")
    # Escaped once more: RSS <description> and Atom summary type="html" are HTML.
    fe.summary(esc(f"{update_label(latest.status)}: {latest.message}"), type="html")
    fe.content(timeline_html(config, inc), type="html")
    fe.published(to_utc(min(u.at for u in inc.updates)))
    fe.updated(to_utc(inc.last_updated))


def _update_entry(fg: FeedGenerator, config: SitrepConfig, inc: Incident, update: Update, entry_id: str) -> None:
    fe = fg.add_entry(order="append")
    fe.guid(entry_id, permalink=False)
    fe.title(f"{safe_text(inc.title)} — {update_label(update.status)}")
    fe.link(href=f"{incident_url(config, inc.id)}#{update_anchor(update)}", rel="alternate")
    fe.content(message_html(update.message) + components_html(config, inc), type="html")
    fe.published(to_utc(update.at))
    fe.updated(to_utc(update.at))


def _feed_updated(portal: Portal, times: Iterable[datetime], now: datetime) -> datetime:
    """Latest entry time; else the latest time in the data; ``now`` only for an empty portal."""
    return max((to_utc(t) for t in times), default=None) or latest_time(portal.incidents) or to_utc(now)


def _serialise(fg: FeedGenerator, fmt: str) -> bytes:
    return fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)


def build_history_feeds(portal: Portal, now: datetime) -> dict[str, bytes]:
    """``history.rss`` and ``history.atom``: one entry per incident or maintenance."""
    config = portal.config
    records = select_records(portal, now)
    updated = _feed_updated(portal, (i.last_updated for i in records), now)
    out: dict[str, bytes] = {}
    for fmt in ("rss", "atom"):
        path = f"history.{fmt}"
        fg = _new_feed(config, f"{config.site_name} — incident history",
                       f"Incidents and scheduled maintenance of {config.site_name}", path, updated)
        for inc in records:
            _history_entry(fg, config, inc, now)
        out[path] = _serialise(fg, fmt)
    return out


def build_update_feeds(portal: Portal, now: datetime) -> dict[str, bytes]:
    """``updates.rss`` and ``updates.atom``: one entry per status update."""
    config = portal.config
    pairs = select_updates(portal, now)
    ids = _unique_ids(config, pairs)
    updated = _feed_updated(portal, (u.at for _, u in pairs), now)
    out: dict[str, bytes] = {}
    for fmt in ("rss", "atom"):
        path = f"updates.{fmt}"
        fg = _new_feed(config, f"{config.site_name} — status updates",
                       f"Every status update posted on {config.site_name}", path, updated)
        for (inc, update), entry_id in zip(pairs, ids, strict=True):
            _update_entry(fg, config, inc, update, entry_id)
        out[path] = _serialise(fg, fmt)
    return out


def _unique_ids(config: SitrepConfig, pairs: list[tuple[Incident, Update]]) -> list[str]:
    """Entry ids; two updates with the same time and status (a data slip) get -2, -3…"""
    seen: dict[str, int] = {}
    ids = []
    for inc, update in pairs:
        base = update_entry_id(config, inc, update)
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def build_feeds(portal: Portal, now: datetime) -> dict[str, bytes]:
    """All four feeds, keyed by site-relative path (see :data:`FEED_FILES`)."""
    return {**build_history_feeds(portal, now), **build_update_feeds(portal, now)}
