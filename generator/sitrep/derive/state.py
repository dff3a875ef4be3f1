"""The portal's state at ``now``, derived once per build: what every renderer reads.

:func:`portal_state` runs every derivation of the build (component statuses,
each record's state and next-update-due, uptime days per component, metrics per
report window, action items per postmortem) in one place; renderers take the
resulting :class:`PortalState` and only read it, so no figure is computed twice
and no renderer calls a derive function.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sitrep.derive.action_items import ActionItemRow, action_rows
from sitrep.derive.metrics import Metrics, component_impacts, compute_metrics, outage_periods
from sitrep.derive.status import (
    Overall,
    affected_components,
    as_of_updates,
    combined_duration,
    component_statuses,
    current_status,
    duration,
    group_statuses,
    incident_impact,
    is_active,
    is_impacting,
    is_open,
    is_update_overdue,
    latest_time,
    maintenance_state,
    next_update_due,
    overall_status,
    update_changes,
)
from sitrep.derive.uptime import Day, uptime_bars
from sitrep.model.config import Component, Severity
from sitrep.model.portal import Portal
from sitrep.model.records import Incident


@dataclass(frozen=True)
class IncidentState:
    """One incident or maintenance as it stands at ``now``."""

    #: Statuspage's incident impact (none/minor/major/critical, or maintenance).
    impact: str
    #: The record's latest status, or for a maintenance its state by its window.
    current_status: str
    #: 'scheduled', 'in_progress' or 'completed' for a maintenance; None for an incident.
    maintenance_state: str | None
    next_update_due: datetime | None
    update_overdue: bool
    #: From start to resolution, or to ``now`` while open.
    duration: timedelta
    #: An unresolved incident that has started.
    active: bool
    #: Active, or a maintenance that is upcoming or under way.
    open: bool
    #: Acting on its components at ``now``.
    impacting: bool
    #: Component id -> impact acting at ``now`` (empty when not impacting). A per-period
    #: impact (changing over the incident) is read here, never recomputed by a renderer.
    impacts_now: Mapping[str, str]
    #: The severity now (after any escalation recorded on an update).
    severity: Severity | None
    #: Component id -> the impact to show: the latest while open, the worst reached once resolved.
    affected: Mapping[str, str]
    #: What each update (in file order) changed, in plain words ("severity raised to SEV1").
    changes: tuple[tuple[str, ...], ...]
    #: The id of each update (in file order), unique within the record (:attr:`Incident.update_ids`):
    #: page anchors, feed entries and the JSON API all read it here.
    update_ids: tuple[str, ...]
    #: Component id -> the worst impact the record had on it (:attr:`Incident.worst_components`,
    #: read by every list and feed filtering by component, so computed once here).
    worst_components: Mapping[str, str]
    #: The severity id as last written (:attr:`Incident.latest_severity`), for filters by severity.
    latest_severity: str | None
    #: The latest update's time (:attr:`Incident.last_updated`), which orders feeds and dates them.
    last_updated: datetime
    #: The record itself, for the per-update views below.
    record: Incident = field(repr=False, compare=False)

    # The per-update views are made when first read, once: only the records a feed, the API or a
    # message shows need them, and holding them for every record of a 10,000-incident archive cost
    # 7-10 MiB of a build's peak memory.
    @functools.cached_property
    def update_components(self) -> tuple[Mapping[str, str], ...]:
        """For each update (file order), component id -> impact once it was posted
        (:attr:`Incident.components_by_update`): what the feeds show beside each update."""
        return self.record.components_by_update

    @functools.cached_property
    def as_of_updates(self) -> tuple[tuple[str | None, Mapping[str, str]], ...]:
        """For each update (file order), the severity id and component id -> impact (a recovered one
        ``operational``) as it left the incident (:func:`~sitrep.derive.status.as_of_updates`): what
        its notification says."""
        return as_of_updates(self.record)


@dataclass(frozen=True)
class ComponentUptime:
    """The uptime bar of one component: its days (oldest first) and the window's uptime %."""

    days: tuple[Day, ...]
    #: Uptime % over the bar's window; None when none of its days has data.
    percent: float | None
    #: Window length in days -> uptime % over the last that many days: the bar's own window and
    #: each shorter one a narrow screen shows (:data:`sitrep.derive.uptime.SHORTER_WINDOWS`).
    window_percent: Mapping[int, float | None]


@dataclass(frozen=True)
class MetricsWindow:
    """One reliability report: a name, a label, the start of its window and its component filter."""

    key: str
    label: str
    kind: str  # 'all', 'window' or 'component'
    window_start: datetime | None
    component: str | None


def metrics_windows(portal: Portal, now: datetime) -> tuple[MetricsWindow, ...]:
    """All time, the last 90 days, the last 12 months and each configured component."""
    windows = [
        MetricsWindow("all", "All time", "all", None, None),
        MetricsWindow("last-90-days", "Last 90 days", "window", now - timedelta(days=90), None),
        MetricsWindow("last-12-months", "Last 12 months", "window", now - timedelta(days=365), None),
    ]
    windows += [MetricsWindow(f"component/{c.id}", c.name, "component", None, c.id)
                for c in portal.config.components]
    return tuple(windows)


@dataclass(frozen=True)
class PortalState:
    """An (audience-filtered) portal at ``now``, with everything derived from it."""

    portal: Portal
    now: datetime
    #: The components listed at ``now`` (on the status page, in the API, the embed script, badges that
    #: show a status): the configured ones not retired by today (UTC), in configured order.
    components: tuple[Component, ...]
    #: Component id -> the day it was retired, for the components retired by today: off the status page,
    #: still named by their past incidents, their history page and feeds.
    retired: Mapping[str, date]
    #: Current status of every listed component, in configured order.
    statuses: Mapping[str, str]
    #: Current status of every group of the listed components (the worst of theirs), in configured order.
    group_statuses: Mapping[str, str]
    overall: Overall
    #: The overall status the public edition shows (the same as ``overall`` for a public portal).
    public_overall: Overall
    incidents: Mapping[str, IncidentState]
    #: The uptime bar of each listed component (a retired one has none: it is on no status page).
    uptime: Mapping[str, ComponentUptime]
    #: Latest update time over every record, and per component over the records touching it.
    latest_update: datetime | None
    component_updated: Mapping[str, datetime | None]
    windows: tuple[MetricsWindow, ...]
    #: Postmortem id -> its action items, parsed once.
    action_items: Mapping[str, tuple[ActionItemRow, ...]]
    #: Postmortem id -> how long its incidents (those of this edition, maintenance aside) were open:
    #: from the first start to the last resolution, overlaps once, gaps not at all (None: no incident).
    postmortem_durations: Mapping[str, timedelta | None]

    def of(self, inc: Incident) -> IncidentState:
        """The state of one record of this portal."""
        return self.incidents[inc.id]

    @functools.cached_property
    def metrics(self) -> Mapping[str, Metrics]:
        """Window key -> the metrics of that report (see :func:`metrics_windows`).

        Computed on first use, once: a build reads them, ``sitrep preview`` does not.
        """
        # Each component's impacts and outages, found once for every window (MTBF, uptime, repeat failures).
        impacts = component_impacts(self.portal, self.now)
        outages = outage_periods(self.portal, self.now, impacts)
        return {w.key: compute_metrics(self.portal, self.now, window_start=w.window_start,
                                       component=w.component, action_items=self.action_items, outages=outages,
                                       impacts=impacts)
                for w in self.windows}


def incident_state(inc: Incident, portal: Portal, now: datetime) -> IncidentState:
    """The state of one record at ``now``."""
    config = portal.config
    due = next_update_due(inc, config)
    impacting = is_impacting(inc, now)
    return IncidentState(
        impact=incident_impact(inc, config),
        current_status=current_status(inc, now),
        maintenance_state=maintenance_state(inc, now) if inc.is_maintenance else None,
        next_update_due=due,
        update_overdue=is_update_overdue(due, now),
        duration=duration(inc, now),
        active=is_active(inc, now),
        open=is_open(inc, now),
        impacting=impacting,
        impacts_now=dict(inc.components_at(now)) if impacting else {},
        severity=config.severity(inc.latest_severity),
        affected=affected_components(inc),
        changes=update_changes(inc, config),
        update_ids=inc.update_ids,
        worst_components=inc.worst_components,
        latest_severity=inc.latest_severity,
        last_updated=inc.last_updated,
        record=inc,
    )


def portal_state(portal: Portal, now: datetime) -> PortalState:
    """Derive everything the renderers show about ``portal`` at ``now`` (timezone-aware), once."""
    config = portal.config
    today = now.astimezone(UTC).date()
    listed = tuple(config.listed_components(today))
    retired = {c.id: c.retired for c in config.components if c.retired is not None and c.retired_by(today)}
    statuses = component_statuses(portal, now)
    public = portal.for_audience("public")
    public_statuses = statuses if public.incidents == portal.incidents else component_statuses(public, now)
    if retired:  # the banner speaks of what the page lists
        statuses = {cid: s for cid, s in statuses.items() if cid not in retired}
        public_statuses = {cid: s for cid, s in public_statuses.items() if cid not in retired}
    rows = {pm.id: tuple(action_rows([pm], now.astimezone(UTC).date(), config.person)) for pm in portal.postmortems}
    windows = metrics_windows(portal, now)
    incidents = {inc.id: incident_state(inc, portal, now) for inc in portal.incidents}
    touching: dict[str, list[Incident]] = {c.id: [] for c in config.components}
    for inc in portal.incidents:
        for cid in incidents[inc.id].worst_components:
            if cid in touching:
                touching[cid].append(inc)
    bars = uptime_bars(portal, [c.id for c in listed], now, config.uptime_days)

    def latest(records: list[Incident] | tuple[Incident, ...]) -> datetime | None:
        return latest_time(incidents[i.id].last_updated for i in records)

    return PortalState(
        portal=portal,
        now=now,
        components=listed,
        retired=retired,
        statuses=statuses,
        group_statuses=group_statuses(listed, statuses),
        overall=overall_status(statuses),
        public_overall=overall_status(public_statuses),
        incidents=incidents,
        uptime={cid: ComponentUptime(tuple(bar.days), bar.percent[config.uptime_days], bar.percent)
                for cid, bar in bars.items()},
        latest_update=latest(portal.incidents),
        component_updated={cid: latest(incs) for cid, incs in touching.items()},
        windows=windows,
        action_items=rows,
        postmortem_durations={pm.id: combined_duration(
            (inc for inc in (portal.incident(i) for i in pm.incidents) if inc is not None), now)
            for pm in portal.postmortems},
    )
