"""Current state derived from records at a given instant: pure functions of (portal, now).

Definitions (also shown on the site):

* An incident's impact on its components lasts from ``started`` until
  ``mitigated`` (service restored) or, when no mitigation time is recorded,
  ``resolved``. An open incident with no end is still impacting.
* A maintenance is in progress from ``scheduled_start`` to ``scheduled_end``, or
  while its latest update says in_progress/verifying, until it is completed.
* A component's status is the worst impact of the incidents and maintenances
  acting on it now; a group's status is the worst of its components'; the overall
  status is the worst over all components.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sitrep.model.config import Component, SitrepConfig
from sitrep.model.formatting import to_utc
from sitrep.model.portal import Portal
from sitrep.model.records import Incident
from sitrep.model.vocabulary import OVERALL, status_label, worst


def maintenance_state(m: Incident, now: datetime) -> str:
    """'scheduled', 'in_progress' or 'completed' for a maintenance at ``now``."""
    if m.is_resolved:
        return "completed"
    if m.status in ("in_progress", "verifying"):
        return "in_progress"
    start, end = m.scheduled_start, m.scheduled_end
    if start and now < start:
        return "scheduled"
    if start and end and start <= now < end:
        return "in_progress"
    return "completed"  # the scheduled window has passed without a closing update


def is_impacting(inc: Incident, now: datetime) -> bool:
    """Whether the record acts on its components at ``now``."""
    if inc.is_maintenance:
        return maintenance_state(inc, now) == "in_progress"
    if inc.start > now:
        return False
    end = inc.impact_end
    return end is None or end > now


def is_active(inc: Incident, now: datetime) -> bool:
    """An unresolved incident that has started (shown under 'Active incidents')."""
    return not inc.is_maintenance and not inc.is_resolved and inc.start <= now


def component_statuses(portal: Portal, now: datetime) -> dict[str, str]:
    """Current status of every configured component, in configured order."""
    acting: dict[str, list[str]] = {c.id: [] for c in portal.config.components}
    for inc in portal.incidents:
        if is_impacting(inc, now):
            for cid, impact in inc.components_at(now).items():
                if cid in acting:
                    acting[cid].append(impact)
    return {cid: worst(impacts) for cid, impacts in acting.items()}


def group_statuses(components: Iterable[Component], statuses: Mapping[str, str]) -> dict[str, str]:
    """Current status of every group of ``components`` (those listed now), in their order: the worst of its
    components'. A group whose components are all retired is no longer a group on the page."""
    members: dict[str, list[str]] = {}
    for comp in components:
        if comp.group:
            members.setdefault(comp.group, []).append(statuses.get(comp.id, "operational"))
    return {name: worst(group) for name, group in members.items()}


@dataclass(frozen=True)
class Overall:
    """The banner: Statuspage indicator, its text, and the worst component status."""

    indicator: str
    description: str
    worst: str


def overall_status(statuses: dict[str, str]) -> Overall:
    """Overall status from the components' statuses."""
    w = worst(list(statuses.values()))
    indicator, description = OVERALL[w]
    return Overall(indicator, description, w)


def next_update_due(inc: Incident, config: SitrepConfig) -> datetime | None:
    """When the next public update is due by the severity's cadence; None if resolved."""
    if inc.is_resolved or inc.is_maintenance:
        return None
    severity = config.severity(inc.latest_severity)
    if severity is None or severity.update_every is None:
        return None
    return inc.last_updated + severity.update_every


def is_update_overdue(due: datetime | None, now: datetime) -> bool:
    """Whether an update due at ``due`` (:func:`next_update_due`) is overdue at ``now``: only once
    ``now`` is past it, so an update posted at the minute it is due is on time."""
    return due is not None and now > due


def incident_impact(inc: Incident, config: SitrepConfig) -> str:
    """Statuspage's incident impact: none/minor/major/critical, or maintenance."""
    if inc.is_maintenance:
        return "maintenance"
    rank = config.severity_rank(inc.latest_severity)
    return ("critical", "major", "minor", "none")[min(rank, 3)]


def duration(inc: Incident, now: datetime) -> timedelta:
    """From start to resolution (or to ``now`` while open)."""
    end = inc.resolved_at or now
    return max(end - inc.start, timedelta(0))


def combined_duration(incidents: Iterable[Incident], now: datetime) -> timedelta | None:
    """How long at least one of some incidents was open (maintenance aside); None for none.

    Each incident counts from its start to its resolution (to ``now`` while open), as
    :func:`duration`; overlapping stretches count once, gaps between incidents not at all.
    """
    spans = sorted((inc.start, max(inc.resolved_at or now, inc.start)) for inc in incidents
                   if not inc.is_maintenance)
    if not spans:
        return None
    total = timedelta(0)
    start, end = spans[0]
    for s, e in spans[1:]:
        if s > end:
            total += end - start
            start, end = s, e
        else:
            end = max(end, e)
    return total + (end - start)


def latest_time(times: Iterable[datetime]) -> datetime | None:
    """The latest of some records' update times (:attr:`Incident.last_updated`) in UTC, None for none."""
    return max((to_utc(t) for t in times), default=None)


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


def affected_components(inc: Incident) -> dict[str, str]:
    """The impact to show per affected component: the latest while open (``operational`` for one that
    has recovered), the worst it reached once resolved (the incident's summary)."""
    return inc.worst_components if inc.is_resolved else inc.latest_components


def as_of_updates(inc: Incident) -> tuple[tuple[str | None, Mapping[str, str]], ...]:
    """For each update (file order), the severity id and the impact on every component the incident has
    affected so far (``operational`` once recovered) as that update left it. One pass: an update that
    changes no component shares the mapping of the one before it."""
    severity, impact = inc.severity, dict(inc.components)
    out: list[tuple[str | None, Mapping[str, str]]] = []
    for update in inc.updates:
        severity = update.severity or severity
        if update.components:
            impact = {**impact, **update.components}
        out.append((severity, impact))
    return tuple(out)


def update_changes(inc: Incident, config: SitrepConfig) -> tuple[tuple[str, ...], ...]:
    """What each update (in file order) changed, in plain words for the page and the feeds.

    ``("severity raised to SEV1", "Publishing API now major outage")`` (phrases,
    to be joined into a title or capitalised as sentences); empty for an update
    that changed neither the severity nor the impact. A value restated unchanged
    is not a change.
    """
    severity, impact = inc.severity, dict(inc.components)
    out: list[tuple[str, ...]] = []
    for update in inc.updates:
        said: list[str] = []
        if update.severity and update.severity != severity:
            raised = config.severity_rank(update.severity) < config.severity_rank(severity)
            said.append(f"severity {'raised' if raised else 'lowered'} to {update.severity}")
            severity = update.severity
        for cid, new in (update.components or {}).items():
            if impact.get(cid, "operational") != new:
                said.append(f"{config.component_name(cid)} now {status_label(new).lower()}")
                impact[cid] = new
        out.append(tuple(said))
    return tuple(out)
