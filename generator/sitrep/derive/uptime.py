"""Uptime and downtime per component, from incident impact intervals.

Definition (shown on the status page): over a window, a component's downtime is
the time it spent under ``major_outage`` plus 0.3 x the time under
``partial_outage`` — the weighting Atlassian Statuspage uses. Degraded
performance is not downtime, and neither is maintenance. When incidents overlap
on one component, each instant counts once, at the worst impact. Uptime % is
``100 x (1 - downtime / window length)``.

Days before the portal's first day (``Portal.since``) have no data: they are not
counted as uptime, and a window with no day of data has no uptime figure at all.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sitrep.model.portal import Portal
from sitrep.model.records import Incident
from sitrep.model.vocabulary import worst

PARTIAL_WEIGHT = 0.3
#: The shorter windows the status page's bars show on narrower screens (sitrep.css: 60 days
#: below 960 px, 30 below 600 px), each with its own uptime figure.
SHORTER_WINDOWS: tuple[int, ...] = (60, 30)
#: Impact of a day before the portal's first day: nothing is known about it.
NO_DATA = "no_data"
DOWNTIME_WEIGHT = {"major_outage": 1.0, "partial_outage": PARTIAL_WEIGHT}


@dataclass(frozen=True)
class Interval:
    """A time one incident held one impact (an outage or degradation) on a component."""

    start: datetime
    end: datetime
    impact: str
    incident_id: str


def intervals_for(incidents: Iterable[Incident], component: str, now: datetime,
                  impacts: Collection[str] | None = None) -> list[Interval]:
    """Impact intervals of (non-maintenance) incidents on one component, up to ``now``.

    Each impact counts for the time it held: an incident escalated from partial to
    major outage gives one interval of each (:attr:`Incident.impact_periods`), and
    a component that recovered before the incident ended stops there. The last
    period ends when the incident's impact ended (``mitigated``, else
    ``resolved``) or at ``now``. ``impacts`` keeps only intervals of those impacts.
    """
    out = []
    for inc in incidents:
        for start, end, components in _held_periods(inc, now):
            impact = components.get(component)
            if impact is None or (impacts is not None and impact not in impacts):
                continue
            if end > start:
                out.append(Interval(start, end, impact, inc.id))
    return out


def intervals_by_component(incidents: Iterable[Incident], now: datetime) -> dict[str, list[Interval]]:
    """Component id -> :func:`intervals_for` of it (every impact), for every component at once: one pass over
    the incidents instead of one per component, each list in the same order."""
    out: dict[str, list[Interval]] = defaultdict(list)
    for inc in incidents:
        for start, end, components in _held_periods(inc, now):
            if end > start:
                for component, impact in components.items():
                    out[component].append(Interval(start, end, impact, inc.id))
    return dict(out)


def clipped(intervals: Iterable[Interval], end: datetime) -> list[Interval]:
    """Intervals as :func:`intervals_for` gives them up to an earlier ``end`` than they were found up to:
    cut there, and those beginning at or after it left out."""
    return [iv if iv.end <= end else Interval(iv.start, end, iv.impact, iv.incident_id)
            for iv in intervals if iv.start < end]


def _held_periods(inc: Incident, now: datetime) -> Iterable[tuple[datetime, datetime, Mapping[str, str]]]:
    """Each impact period of an incident (none for maintenance or one starting at or after ``now``) with when it
    ended: at the next period's start, else when the incident's impact ended (or ``now``)."""
    if inc.is_maintenance or inc.start >= now:
        return
    periods = inc.impact_periods
    incident_end = min(inc.impact_end or now, now)
    for period, following in itertools.zip_longest(periods, periods[1:]):
        end = min(following.start, incident_end) if following is not None else incident_end
        yield period.start, end, period.components


def worst_segments(intervals: list[Interval], start: datetime, end: datetime) -> list[tuple[datetime, datetime, str]]:
    """Split [start, end) into segments with the worst impact acting in each (gaps omitted).

    One sweep over the interval boundaries (n log n), so a report over years of incidents stays fast.
    """
    changes: dict[datetime, Counter[str]] = defaultdict(Counter)
    for iv in intervals:
        s, e = max(iv.start, start), min(iv.end, end)
        if s < e:
            changes[s][iv.impact] += 1
            changes[e][iv.impact] -= 1
    acting: Counter[str] = Counter()
    segments = []
    ordered = sorted(changes)
    for a, b in itertools.pairwise(ordered):
        acting.update(changes[a])
        impacts = [impact for impact, count in acting.items() if count > 0]
        if impacts:
            segments.append((a, b, worst(impacts)))
    return segments


def downtime(intervals: list[Interval], start: datetime, end: datetime) -> timedelta:
    """Weighted downtime in [start, end): major outage x1, partial outage x0.3."""
    seconds = sum((b - a).total_seconds() * DOWNTIME_WEIGHT.get(imp, 0.0)
                  for a, b, imp in worst_segments(intervals, start, end))
    return timedelta(seconds=seconds)


def uptime_percent(intervals: list[Interval], start: datetime, end: datetime) -> float:
    """Uptime % over [start, end) (100.0 for an empty window)."""
    total = (end - start).total_seconds()
    if total <= 0:
        return 100.0
    return max(0.0, 100.0 * (1 - downtime(intervals, start, end).total_seconds() / total))


@dataclass(frozen=True)
class Day:
    """One cell of the uptime bar."""

    day: date
    impact: str  # worst impact that day, 'operational' if none, NO_DATA before the portal's first day
    incident_ids: tuple[str, ...]
    downtime: timedelta
    uptime: float


@dataclass(frozen=True)
class Bar:
    """A component's uptime bar: its days, oldest first, and the uptime % of each window it is shown over."""

    days: list[Day]
    #: Window length in days (the bar's own, then each shorter one of :data:`SHORTER_WINDOWS`) -> uptime %
    #: over the last that many days, None when none of them has data.
    percent: dict[int, float | None]


def day_start(d: date) -> datetime:
    """Midnight UTC at the start of the day ``d``: uptime days are UTC days."""
    return datetime.combine(d, time.min, tzinfo=UTC)


def uptime_days(portal: Portal, component: str, now: datetime, days: int) -> tuple[list[Day], float | None]:
    """The last ``days`` UTC days for one component (oldest first) and the window's uptime %.

    Days before ``portal.since`` are :data:`NO_DATA` cells; the uptime % covers only the
    days from ``since`` on, and is None when none of the window's days has data.
    """
    bar = uptime_bars(portal, (component,), now, days)[component]
    return bar.days, bar.percent[days]


def bar_windows(days: int) -> tuple[int, ...]:
    """The windows a bar of ``days`` days has a figure for, longest first: all its days, then each of
    :data:`SHORTER_WINDOWS` shorter than it (what a narrower screen shows)."""
    return (days, *(n for n in SHORTER_WINDOWS if n < days))


def uptime_bars(portal: Portal, components: Iterable[str], now: datetime, days: int) -> dict[str, Bar]:
    """The uptime bars of several components over the last ``days`` days, the records acting in it selected once.

    Each carries the uptime % over the whole window and over each of :data:`SHORTER_WINDOWS`
    shorter than it, so a narrow screen showing fewer days shows their figure.
    """
    today = now.astimezone(UTC).date()
    first = today - timedelta(days=days - 1)
    since = portal.since
    window_start = day_start(first)
    relevant = [i for i in portal.incidents if i.start < now and (i.impact_end or now) > window_start]
    return {component: _component_days(intervals_for(relevant, component, now), since, first, today, now, days)
            for component in components}


def _component_days(intervals: list[Interval], since: date | None, first: date, today: date, now: datetime,
                    days: int) -> Bar:
    cells = []
    for n in range(days):
        d = first + timedelta(days=n)
        if since is None or d < since:
            cells.append(Day(d, NO_DATA, (), timedelta(0), 0.0))
            continue
        s, e = day_start(d), min(day_start(d) + timedelta(days=1), now)
        todays = [iv for iv in intervals if iv.start < e and iv.end > s]
        impact = worst(iv.impact for iv in todays)
        ids = tuple(dict.fromkeys(iv.incident_id for iv in sorted(todays, key=lambda iv: iv.start)))
        cells.append(Day(d, impact, ids, downtime(todays, s, e), uptime_percent(todays, s, e)))
    return Bar(cells, {n: _window_percent(intervals, since, today - timedelta(days=n - 1), today, now)
                       for n in bar_windows(days)})


def _window_percent(intervals: list[Interval], since: date | None, first: date, today: date,
                    now: datetime) -> float | None:
    """Uptime % from the start of day ``first`` (or ``since``, if later) to ``now``; None without a day of data."""
    if since is None or since > today:
        return None
    return uptime_percent(intervals, max(day_start(first), day_start(since)), now)
