"""What ``sitrep notify`` tells people: events derived from the records, each with a stable id.

A pure function of ``(portal, now)``. The same records at the same instant give
the same events with the same ids, so a ledger of sent ids makes delivery
exactly-once across re-runs (:mod:`sitrep.edit.notify`). Ids never contain a
position or a name that can change (titles, component names), only record ids,
update times and statuses:

=============================  =====================================================
``incident.declared``          ``incident/<id>/declared``
``incident.updated``           ``incident/<id>/update/<update id>`` (each update after the first; the id is
                               ``<UTC stamp>-<status>``, ``-2``… for a second one at the same second and
                               status, :func:`~sitrep.model.records.update_ids`)
``incident.severity_changed``  ``incident/<id>/severity/<SEV>``
``incident.impact_changed``    ``incident/<id>/impact/<component>=<impact>,…``
``incident.resolved``          ``incident/<id>/resolved``
``incident.update_overdue``    ``incident/<id>/overdue/<UTC stamp of the due time>`` (internal only)
``maintenance.scheduled``      ``maintenance/<id>/scheduled``
``maintenance.starting``       ``maintenance/<id>/starting`` (from ``maintenance_notice`` before the window)
``maintenance.started``        ``maintenance/<id>/started``
``maintenance.completed``      ``maintenance/<id>/completed``
``postmortem.published``       ``postmortem/<id>/published``
=============================  =====================================================

Severity and impact change through updates (``severity:`` and ``components:`` on
an update, see :attr:`~sitrep.model.records.Incident.impact_periods`), or by a
hand edit of the declared fields. Their ids name the state: the declaration
*covers* the state the incident was declared in, and a later state that no
channel has heard of is a change, dated by the update that made it. Going back
to an earlier state is not announced again.

An overdue reminder is keyed by the due time, which moves with every update:
one reminder per missed update, however often the scheduled run looks.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from sitrep.derive.status import is_update_overdue, maintenance_state, next_update_due
from sitrep.model.config import INTERNAL_ONLY_EVENTS
from sitrep.model.formatting import compact_stamp
from sitrep.model.portal import Portal
from sitrep.model.records import Incident, Postmortem, Update

#: Order of events that happen at the same instant.
#: An update (or the resolution) comes before the severity and impact changes it made, so its
#: message covers them.
_KIND_ORDER = (
    "maintenance.scheduled", "incident.declared", "incident.updated", "incident.resolved",
    "incident.severity_changed", "incident.impact_changed", "incident.update_overdue", "maintenance.starting",
    "maintenance.started", "maintenance.completed", "postmortem.published",
)


@dataclass(frozen=True)
class Event:
    """One thing to tell: what happened, to which record, when, and which ids it makes redundant."""

    id: str
    kind: str
    at: datetime | None  # None: the records do not say when (a postmortem's publication)
    incident: Incident | None = None
    update: Update | None = None
    postmortem: Postmortem | None = None
    covers: tuple[str, ...] = field(default=())
    #: Every severity the incident has had up to this event (the declared one first); () for maintenance.
    #: A channel that was told of an incident at one of them keeps hearing of it after a de-escalation,
    #: up to its resolution and postmortem: nobody is left with "next update by 10:50" and then silence.
    severities: tuple[str | None, ...] = ()
    #: Component ids the event concerns: every one the incident has affected (a postmortem's incident's).
    components: tuple[str, ...] = ()
    #: The position of ``update`` in the incident's updates (file order); None without an update.
    position: int | None = None

    @property
    def internal_only(self) -> bool:
        """Whether only internal channels may hear of this event (config's INTERNAL_ONLY_EVENTS)."""
        return self.kind in INTERNAL_ONLY_EVENTS

    @property
    def severity(self) -> str | None:
        """The incident's severity now (after any escalation); None for maintenance and postmortems."""
        inc = self.incident
        return inc.latest_severity if inc is not None and not inc.is_maintenance else None


def severity_id(incident_id: str, severity: str | None) -> str:
    """The id of an incident being at one severity."""
    return f"incident/{incident_id}/severity/{severity or 'none'}"


def impact_id(incident_id: str, components: Mapping[str, str]) -> str:
    """The id of an incident having one impact on its components."""
    state = ",".join(f"{cid}={impact}" for cid, impact in sorted(components.items()))
    return f"incident/{incident_id}/impact/{state}"


def _changed_at(inc: Incident, attribute: str) -> datetime:
    """When the current severity or impact began: the last update that changed it, else the last update."""
    changed = [u.at for u in inc.updates if getattr(u, attribute)]
    return changed[-1] if changed else inc.last_updated


def _states_made(inc: Incident) -> list[tuple[str, ...]]:
    """For each update (file order), the ids of the severity and impact it changed the incident to."""
    severity, impact = inc.severity, {cid: i for cid, i in inc.components.items() if i != "operational"}
    made: list[tuple[str, ...]] = []
    for update in inc.updates:
        ids = []
        if update.severity and update.severity != severity:
            severity = update.severity
            ids.append(severity_id(inc.id, severity))
        if update.components:
            after = {**impact, **update.components}
            after = {cid: i for cid, i in after.items() if i != "operational"}
            if after != impact:
                impact = after
                ids.append(impact_id(inc.id, impact))
        made.append(tuple(ids))
    return made


def _incident_events(portal: Portal, inc: Incident, now: datetime, declared: int = 0) -> list[Event]:
    """The incident's events, declared with its update at index ``declared`` (its first, unless the channel was
    sent a later one as the declaration before updates were written in ahead of it: :func:`declared_as`)."""
    first = inc.updates[declared]
    current = inc.impact_periods[-1]
    # The declaration's message shows the incident as it is now: sent in the same run as a later
    # escalation, it says that escalation too, so it covers both the declared and the current state.
    covers = dict.fromkeys((severity_id(inc.id, inc.severity), impact_id(inc.id, inc.components),
                            severity_id(inc.id, current.severity), impact_id(inc.id, current.components)))
    events = [Event(f"incident/{inc.id}/declared", "incident.declared", first.at, inc, first,
                    covers=tuple(covers))]
    events.append(Event(severity_id(inc.id, current.severity), "incident.severity_changed",
                        _changed_at(inc, "severity"), inc))
    events.append(Event(impact_id(inc.id, current.components), "incident.impact_changed",
                        _changed_at(inc, "components"), inc))
    made = _states_made(inc)
    for k, (update, update_id) in enumerate(zip(inc.updates, inc.update_ids, strict=True)):
        if k == declared or update.status == "resolved":
            continue
        # An update that escalated (or changed an impact) says so itself: one message, not three.
        events.append(Event(f"incident/{inc.id}/update/{update_id}", "incident.updated", update.at, inc, update,
                            covers=made[k]))
    if inc.is_resolved:
        last = inc.updates[-1]
        events.append(Event(f"incident/{inc.id}/resolved", "incident.resolved", inc.resolved_at or last.at,
                            inc, last, covers=made[-1]))
    due = next_update_due(inc, portal.config)
    if due is not None and is_update_overdue(due, now):
        events.append(Event(f"incident/{inc.id}/overdue/{compact_stamp(due)}", "incident.update_overdue", due, inc,
                            inc.updates[-1]))
    return events


def _maintenance_events(portal: Portal, inc: Incident, now: datetime) -> list[Event]:
    base = f"maintenance/{inc.id}"
    first = inc.updates[0]
    start = inc.scheduled_start
    notice = portal.config.notify.maintenance_notice
    # Announced within the notice period, the announcement is the "starts soon" notice: not a second one.
    late = start is not None and first.at >= start - notice
    events = [Event(f"{base}/scheduled", "maintenance.scheduled", first.at, inc, first,
                    covers=(f"{base}/starting",) if late else ())]
    state = maintenance_state(inc, now)
    if state == "scheduled" and start is not None and start - notice <= now < start:
        # Never dated before the announcement, so the announcement comes first (and covers it when late).
        events.append(Event(f"{base}/starting", "maintenance.starting", max(start - notice, first.at), inc,
                            inc.updates[-1]))
    started = next((u for u in inc.updates if u.status in ("in_progress", "verifying")), None)
    if started is not None or (start is not None and start <= now):
        at = started.at if started is not None else start
        events.append(Event(f"{base}/started", "maintenance.started", at, inc, started or inc.updates[-1],
                            covers=(f"{base}/starting",)))
    if state == "completed" and (inc.is_resolved or start is not None):
        at = inc.resolved_at or inc.scheduled_end or inc.last_updated
        events.append(Event(f"{base}/completed", "maintenance.completed", at, inc, inc.updates[-1],
                            covers=(f"{base}/starting", f"{base}/started")))
    return events


def _postmortem_events(portal: Portal, pm: Postmortem) -> list[Event]:
    if pm.status != "published":
        return []
    incidents = [i for i in (portal.incident(x) for x in pm.incidents) if i is not None]
    return [Event(f"postmortem/{pm.id}/published", "postmortem.published", None,
                  incidents[0] if incidents else None, postmortem=pm)]


def postmortem_date(pm: Postmortem) -> datetime:
    """The postmortem's date as an instant (its start, UTC), for ordering."""
    return datetime.combine(pm.date, time(), tzinfo=UTC)


def _severities_held(inc: Incident) -> Callable[[datetime | None], tuple[str | None, ...]]:
    """The severities ``inc`` has had up to a moment (None: ever), the declared one first, in the order it
    had them; () for maintenance. Read in O(log n) for each of an incident's events, not by a pass over its
    updates per event (a record of 1,000 updates made ``sitrep notify`` quadratic)."""
    if inc.is_maintenance:
        return lambda at: ()
    times = [u.at for u in inc.updates]
    if any(later < earlier for earlier, later in itertools.pairwise(times)):
        # Out of time order (validation refuses it; an edited portal in a test): read every update.
        def every(at: datetime | None) -> tuple[str | None, ...]:
            return tuple(dict.fromkeys([inc.severity] + [u.severity for u in inc.updates
                                                         if u.severity and (at is None or u.at <= at)]))
        return every
    seen: dict[str | None, None] = {inc.severity: None}
    held = [tuple(seen)]  # held[k]: after the first k updates
    for update in inc.updates:
        if update.severity and update.severity not in seen:
            seen[update.severity] = None
            held.append(tuple(seen))
        else:
            held.append(held[-1])
    return lambda at: held[len(times) if at is None else bisect.bisect_right(times, at)]


def _scoped(inc: Incident | None, events: list[Event]) -> list[Event]:
    """``events`` of one incident (or of a postmortem of it) with the severities, components and update
    positions each carries, worked out once for all of them."""
    if inc is None:
        return events
    held = _severities_held(inc)
    components = tuple(inc.latest_components)
    positions = {id(u): n for n, u in enumerate(inc.updates)}
    return [dataclasses.replace(e, severities=held(e.at), components=components,
                                position=positions.get(id(e.update)) if e.update is not None else None)
            for e in events]


def _in_order(events: list[Event], now: datetime) -> list[Event]:
    """``events`` without those dated after ``now`` (a record written ahead of time: not happened yet), oldest
    first (stable order)."""
    events = [e for e in events if e.at is None or e.at <= now]
    return sorted(events, key=lambda e: (
        (e.at or (postmortem_date(e.postmortem) if e.postmortem else now)).astimezone(UTC),
        _KIND_ORDER.index(e.kind), e.id))


def derive_events(portal: Portal, now: datetime) -> list[Event]:
    """Every event of the portal's records at ``now``, oldest first (stable order)."""
    events: list[Event] = []
    for inc in portal.incidents:
        builder = _maintenance_events if inc.is_maintenance else _incident_events
        events += _scoped(inc, builder(portal, inc, now))
    for pm in portal.postmortems:
        made = _postmortem_events(portal, pm)
        events += _scoped(made[0].incident if made else None, made)
    return _in_order(events, now)


def declared_as(portal: Portal, events: list[Event], declared: Mapping[str, str], now: datetime) -> list[Event]:
    """``events`` (:func:`derive_events` of ``portal``) with each incident of ``declared`` (incident id -> update
    id) declared with that update, not its first: the declaration was sent as that update before others were
    written in ahead of it (backfilled). Its id stays ``incident/<id>/declared`` and the update keeps no event of
    its own, so it is not sent again as an update; the updates written in before it are updates, with their ids.
    Incidents whose update is no longer in the record (edited, taken out) keep their first."""
    index = {}
    for inc in portal.incidents:
        update_id = declared.get(inc.id)
        if update_id is not None and not inc.is_maintenance and update_id in inc.update_ids[1:]:
            index[inc.id] = inc.update_ids.index(update_id)
    if not index:
        return events
    kept = [e for e in events if e.incident is None or e.incident.id not in index or e.kind.startswith("postmortem.")]
    for inc in portal.incidents:
        if inc.id in index:
            kept += _scoped(inc, _incident_events(portal, inc, now, index[inc.id]))
    return _in_order(kept, now)
