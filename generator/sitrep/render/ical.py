"""Scheduled maintenance as an iCalendar feed (RFC 5545): ``maintenance.ics``.

One VEVENT per maintenance record, built with the ``icalendar`` package, which
escapes text and folds long lines. Everything is derived from the data so the
file is byte-identical between builds:

* ``UID`` is ``<record id>@<site host>``: calendar clients update the event in
  place when the record changes, and never duplicate it;
* ``DTSTAMP`` and ``LAST-MODIFIED`` are the record's latest update, not the build time;
* ``SEQUENCE`` is the number of updates minus one, so it grows with every
  update and clients take the new version;
* ``STATUS`` is always ``CONFIRMED``: maintenance records have no cancelled state.
"""

from __future__ import annotations

from icalendar import Calendar, Event

from sitrep.derive.state import PortalState
from sitrep.model.formatting import safe_text, to_utc
from sitrep.model.portal import Portal
from sitrep.model.records import Incident, newest_first
from sitrep.render.urls import CALENDAR_FILE, component_file, urls_for

PRODID = "-//Sitrep//Sitrep status site//EN"
REFRESH = "PT1H"  # hint for subscribing clients; maintenance is announced days ahead


def event_uid(portal: Portal, inc: Incident) -> str:
    """Stable UID of a maintenance event: ``<id>@<site host>``."""
    return f"{inc.id}@{urls_for(portal.config.site_url).host}"


def _description(portal: Portal, inc: Incident) -> str:
    latest = newest_first(inc.updates)[0]
    names = ", ".join(portal.config.component_name(cid) for cid in inc.components)
    url = urls_for(portal.config.site_url).incident(inc.id)
    return safe_text(f"{latest.message}\n\nAffected components: {names}\n\n{url}")


def maintenance_event(portal: Portal, inc: Incident) -> Event:
    """The VEVENT of one maintenance record; times in UTC."""
    start = to_utc(inc.scheduled_start or inc.start)
    end = to_utc(inc.scheduled_end) if inc.scheduled_end else None
    event = Event()
    event.add("uid", event_uid(portal, inc))
    event.add("dtstamp", to_utc(inc.last_updated))
    event.add("created", to_utc(min(u.at for u in inc.updates)))
    event.add("last-modified", to_utc(inc.last_updated))
    event.add("sequence", len(inc.updates) - 1)
    event.add("dtstart", start)
    if end is not None and end > start:
        event.add("dtend", end)
    event.add("summary", safe_text(inc.title))
    event.add("description", _description(portal, inc))
    event.add("url", urls_for(portal.config.site_url).incident(inc.id))
    event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")  # informs; does not block the subscriber's time
    event.add("categories", ["Maintenance"])
    return event


def build_calendar(state: PortalState) -> dict[str, bytes]:
    """``maintenance.ics`` with every maintenance (past ones too), soonest window first, and one per component."""
    portal = state.portal
    config = portal.config
    files = {CALENDAR_FILE: _calendar(portal, f"{config.site_name} — scheduled maintenance",
                                      f"Planned maintenance windows announced on {config.site_name}", None)}
    for comp in config.components:  # one calendar per component: subscribe to what you use
        files[component_file(comp.id, CALENDAR_FILE)] = _calendar(
            portal, f"{config.site_name} — {comp.name} maintenance",
            f"Planned maintenance windows of {comp.name}", comp.id)
    return files


def _calendar(portal: Portal, name: str, description: str, component_id: str | None) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", safe_text(name))
    cal.add("x-wr-caldesc", safe_text(description))
    cal.add("x-published-ttl", REFRESH)
    maintenances = sorted((i for i in portal.incidents if i.is_maintenance
                           and (component_id is None or component_id in i.components)),
                          key=lambda m: (to_utc(m.scheduled_start or m.start), m.id))
    for inc in maintenances:
        cal.add_component(maintenance_event(portal, inc))
    return cal.to_ical()
