"""Reliability metrics: how fast incidents are detected, handled and learnt from.

Everything here is a pure function of a :class:`~sitrep.model.portal.Portal` and a
reference time ``now`` (always passed in, never read from the clock), so a
report can be rebuilt for any past moment and tests need no freezing.
:func:`compute_metrics` is the entry point; it returns a frozen
:class:`Metrics` tree whose :meth:`Metrics.to_json` is ready for
``json.dumps``.  :func:`definitions` gives the plain-words definition of every
metric, with the portal's own targets, for the page and the JSON; the same keys
name the metrics in the JSON.

Only incidents count (``kind: incident``); scheduled maintenance never does.
All calendar arithmetic (months, quarters, dates) is done in UTC.

Choices made where the incident process leaves room:

* **Selection.**  An incident belongs to a report when its ``start`` lies in
  ``[window_start, now]`` (without a window: any start up to ``now``; records
  starting after ``now`` are ignored so that a report "as of" a past moment does
  not see the future) and, with a component filter, when it lists that
  component under any impact.  MTBF is the exception: it looks at every
  incident whose outage overlaps its observation window, so an outage that began
  before the window still counts, clipped to the window.
* **Durations** (detect, acknowledge, mitigate, resolve) come from *resolved*
  incidents only: the numbers of an incident change until it is closed.  An
  incident without the timestamps a duration needs is left out of that duration
  and counted in :class:`Coverage` with the reason.  A duration of exactly zero
  is kept (it is a real, if coarse, measurement) and counted separately; an end
  before its start is left out (the validator normally rejects it).
* **Statistics.**  Mean is the arithmetic mean; median is the middle value (the
  mean of the two middle values for an even count); p90 uses the nearest-rank
  method: the smallest value with at least 90% of the values at or below it,
  i.e. the value at rank ``ceil(0.9 * n)`` of the sorted list.  A target of time
  to detect or to resolve is met when the value is *under* it (the incident process
  writes "MTTD < 5 minutes", "MTTR SEV-1: < 1 hour"); the others (acknowledge,
  first update, cadence: promises "within" a time) when it is *at most* the target.
* **Targets.**  Detect: 5 minutes for every severity (the MTTD target of the
  incident process).  Acknowledge: the severity's ``respond_within``.
  Resolve: its ``resolve_within``.  Mitigate: none.  The overall share
  compares each incident with its own severity's target and counts only
  incidents whose severity has one.  Detect and resolve take the latest
  severity; acknowledge and first update the one in force while their clock
  ran (:mod:`sitrep.derive.targets`: a SEV3 raised to SEV1 after its
  acknowledgement met or missed SEV3's target, and counts as a SEV3 there).
* **Communication.**  The first update is measured for every selected incident,
  open or not, from ``detected`` (else ``started``).  Cadence intervals run
  between consecutive updates from the first to the resolving update; while an
  incident is open the time since its last update counts as an interval too.
  An interval that begins at a ``resolved`` update (an incident reopened later)
  is skipped: nobody owed an update while it was closed.
* **MTBF.**  Observation window: from the latest of ``window_start`` and
  ``since`` (00:00 UTC), else the earliest incident start, to
  ``now``.  Outage intervals (partial or major outage, from start to impact end
  or ``now``) of one component are merged first (overlapping or touching
  intervals become one), then clipped to the window.  Each merged period that
  overlaps the window is one failure: two overlapping incidents on one
  component are one failure and their shared time is downtime once.
  MTBF = (observation time - downtime) / failures.
* **Postmortems required** for resolved incidents whose severity has a
  ``resolve_within`` target (SEV1 and SEV2 in the default scheme).  "Within 7
  days" (the process's week) is measured against those whose postmortem is due:
  published (the earliest published one counts), or resolved more than 7 days
  ago; one resolved since without a postmortem is not yet due.  The share of the
  published ones on time is given too.
* **Action items** come from every postmortem, whatever its status (a draft's
  actions are already real work).  With a window or component filter, only
  postmortems covering a selected incident count.  Overdue, the completion
  rate, closed on time and time to close follow :mod:`sitrep.derive.action_items`
  (the rules the action-items page states): won't-do items are decisions, not
  unfinished work; done items without a closing date are counted, not timed.
* **Trend.**  The report's own per-incident measurements regrouped by the month (rolling
  reports) or quarter (all time, per component) in which each incident started, UTC; the last
  complete period is compared with the one before it at the precision the page shows.
* **Repeat failures.**  Outages of one component are merged as for MTBF; one that begins within
  :data:`REPEAT_WITHIN` after the previous one ended, in another incident, is a repeat (the earlier
  outage may lie before the window).  An incident is "with open action items" when an earlier
  incident on one of its components has a postmortem dated before the day it began with items open
  then: open today, or closed on a later day (a done item without a closing date never counts).
* **Retired components** (:data:`RETIRED_END`).  A component's report, its MTBF
  and uptime end at 00:00 UTC of its retirement day (``window_end``), so no
  month or quarter after it is listed; one retired before a report's period
  starts has no MTBF row and no incident-count row in it.
* **Resolve-time bands** are exclusive: <= 1 h, (1 h, 1 d], (1 d, 1 w], > 1 w;
  exactly one hour is "within 1 hour".
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from sitrep.derive.action_items import (
    CLOSING_DATE_DEFINITION,
    COMPLETION_RATE_DEFINITION,
    ON_TIME_DEFINITION,
    OVERDUE_DEFINITION,
    TIME_TO_CLOSE_DEFINITION,
    ActionItemRow,
    ActionItemSummary,
    OwnerCounts,
    action_rows,
    summarize,
)
from sitrep.derive.stats import median, percentile
from sitrep.derive.targets import FIRST_UPDATE_RULE, IN_FORCE_RULE, judged_deadline
from sitrep.derive.uptime import Interval, clipped, intervals_by_component, uptime_percent
from sitrep.model.config import Severity, SitrepConfig
from sitrep.model.formatting import format_duration, iso_z, pct
from sitrep.model.portal import Portal
from sitrep.model.records import Incident, Postmortem
from sitrep.model.vocabulary import IMPACTS, OUTAGE_IMPACTS

__all__ = [
    "MTTD_TARGET",
    "REPEAT_WITHIN",
    "ActionItemRow",
    "ActionItemSummary",
    "Band",
    "CadenceMetric",
    "CadenceStats",
    "ComponentCount",
    "ComponentReliability",
    "ComponentRepeats",
    "Coverage",
    "DataQuality",
    "DurationMetric",
    "DurationStats",
    "Gap",
    "IncidentDuration",
    "Metrics",
    "MissingPostmortem",
    "MonthCount",
    "OpenActionsAtIncident",
    "OwnerCounts",
    "PostmortemCompletion",
    "PreviousPeriod",
    "QuarterStats",
    "RepeatFailures",
    "RepeatOutage",
    "ResolveTimeBands",
    "Trend",
    "TrendChange",
    "TrendPeriod",
    "component_impacts",
    "compute_metrics",
    "definitions",
    "duration_stats",
    "median",
    "outage_periods",
    "percentile",
]

#: MTTD target of the incident process ("Metrics and Improvement": < 5 minutes).
MTTD_TARGET = timedelta(minutes=5)
#: The durations whose target is met only *under* it: the incident process writes its metric targets as
#: "MTTD < 5 minutes" and "MTTR SEV-1: < 1 hour, SEV-2: < 4 hours", so detecting in exactly 5 minutes or
#: resolving a SEV1 in exactly an hour misses them. The others are promises "within" a time (respond within
#: 15 minutes, a status-page update within 30, one every 30 minutes): at most the target keeps them.
UNDER_TARGET = frozenset({"time_to_detect", "time_to_resolve"})
#: The postmortem meeting of an incident that requires one is held within this long of resolution
#: (the incident process: "Post-mortem will be scheduled within 48 hours", "LEARN (Within 48 hours)").
POSTMORTEM_MEETING_WITHIN = timedelta(hours=48)
#: A postmortem is on time when dated at most this long after resolution (the incident process:
#: "Short-term (within 1 week): Complete post-mortem").
POSTMORTEM_WITHIN = timedelta(days=7)
#: An outage is a repeat when it begins at most this long after the previous outage of the same component
#: ended. 30 days because the incident process reviews incidents monthly ("Monthly incident review meetings")
#: and gives short-term fixes a week ("Short-term (within 1 week)"): an outage back within a month came
#: after the fix and before the next review caught it. Longer gaps are the plain failure rate MTBF shows.
REPEAT_WITHIN = timedelta(days=30)
#: How a retired component's figures end, in words (the MTBF definition and the component's own report).
RETIRED_END = ("A retired component is reported up to 00:00 UTC of its retirement day: time after it is not "
               "uptime, and no month or quarter after it is listed.")
#: How many cadence breaches the report lists.
WORST_GAPS = 10
#: Group name for incidents without a (known) severity.
UNRATED = "unrated"

# Reasons a resolved incident is left out of a duration metric.
STILL_OPEN = "still open"
END_BEFORE_START = "end before start"
UPDATE_BEFORE_DETECTION = "first update before detection"
FROM_STARTED = "no detected: measured from started"

def _targets(config: SitrepConfig, target: Callable[[Severity], timedelta | None]) -> str:
    """The configured targets of one measure in words: 'SEV1 5 min, SEV2 15 min; SEV3 and SEV4 have none'."""
    with_target = [f"{s.id} {format_duration(t)}" for s in config.severities if (t := target(s)) is not None]
    without = [s.id for s in config.severities if target(s) is None]
    if not with_target:
        return "no severity has one"
    text = ", ".join(with_target)
    if without:
        text += f"; {_and(without)} {'has' if len(without) == 1 else 'have'} none"
    return text


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def definitions(config: SitrepConfig) -> dict[str, str]:
    """The plain-words definition of every metric, keyed as in the JSON, with this portal's targets.

    The targets are read from the severity scheme the report measures against, so the words on the
    page always agree with the figures in its tables.
    """
    required = [s.id for s in config.severities if s.requires_postmortem]
    _days = f"{POSTMORTEM_WITHIN.days} days"
    return {
        "statistics": (
            "How the summary figures are computed. n is the number of incidents measured. Mean is "
            "the average. Median is the middle value (the average of the two middle values when n is "
            "even). p90 uses the nearest-rank method: the smallest measured value such that at least "
            "90% of the values are at or below it. Max is the longest. A target is met when the value "
            "is under it for time to detect and time to resolve (the incident process writes those targets as "
            "\"MTTD < 5 minutes\" and \"MTTR < 1 hour\", so exactly 5 min misses the first) and at most it for "
            "time to acknowledge and to first update (promises to respond or post \"within\" a time); the "
            "share is the fraction of measured incidents that met it, and \"Mean within target\" says "
            "whether the mean itself meets the target (the incident process sets its targets on the means: "
            "MTTD, MTTA, MTTR). Each incident counts under its "
            "latest severity, after any escalation or de-escalation, except in time to acknowledge and to first "
            "update (under the severity in force while the clock ran, as their sections say) and in update "
            "cadence (each gap under the severity in force when it began). Durations are cut to the minute (to the "
            "hour from one day on), never rounded up: 4 min 59 s reads 4 min. Percentages are rounded "
            "to the nearest whole number, but read 100% only when all and 0% only when none."
        ),
        "time_to_detect": (
            "Time to detect (MTTD): from when customer impact started to when the team learnt of it, "
            "for resolved incidents that record both times. The target is under "
            f"{format_duration(MTTD_TARGET)} for every severity, from the incident process (MTTD < "
            f"{format_duration(MTTD_TARGET)}): detecting in exactly {format_duration(MTTD_TARGET)} misses it."
        ),
        "time_to_acknowledge": (
            "Time to acknowledge (MTTA): from detection to a responder acknowledging the incident, "
            "for resolved incidents that record both times. The target is the severity's response "
            f"time: {_targets(config, lambda s: s.respond_within)}. "
            + IN_FORCE_RULE.format(stop="the acknowledgement")
        ),
        "time_to_mitigate": (
            "Time to mitigate: from when impact started to when service was restored for customers, "
            "for resolved incidents that record a mitigation time. There is no target: it shows how "
            "much of the time to resolve customers actually felt."
        ),
        "time_to_resolve": (
            "Time to resolve (MTTR): from when impact started to when the incident was marked "
            "resolved, for resolved incidents. Targets: "
            f"{_targets(config, lambda s: s.resolve_within)}. A target is met only under it (the "
            "incident process: MTTR < the target), so resolving in exactly the target misses it. The target "
            "is the one of the incident's latest severity, which classifies the whole incident. Open "
            "incidents are not included until they are resolved."
        ),
        "time_to_first_update": (
            "Time to first update: from detection (or from the start of impact if detection was not "
            "recorded) to the first public status-page update, for every incident, open or resolved. "
            f"The target is the severity's first-update time: {_targets(config, lambda s: s.first_update_within)}. "
            + FIRST_UPDATE_RULE
        ),
        "update_cadence": (
            "Update cadence: every gap between consecutive status updates while an incident was open "
            "(for an open incident, also the time since its last update) compared with the update "
            "interval promised by the severity in force when the gap began (after an escalation, the "
            f"new severity's): {_targets(config, lambda s: s.update_every)}. The share is the fraction "
            "of gaps that were on time; the worst gaps list the longest overruns relative to the promise."
        ),
        "mtbf": (
            "Mean time between failures, per component: the time the component was up during the "
            "observation window divided by the number of outages (partial or major). Overlapping "
            "incidents on one component are one outage, and their shared time is counted once. "
            "A component without outages shows how many days it has gone without one. It should "
            "increase over time. The observation window runs from the report's start (at the "
            f"earliest, 00:00 UTC of the portal's first day) to now. {RETIRED_END} One retired before the "
            "window starts is left out."
        ),
        "downtime": (
            "Time in outage, per component: time under partial or major outage inside the "
            "observation window, from the start of impact to its end (or to now while it lasts), with "
            "overlapping incidents counted once; maintenance and degraded performance are not outages. "
            "Uptime is the status page's figure over the same window: downtime counts a major outage "
            "in full and a partial outage at 0.3 of its time, uptime = 100 × (1 − downtime ÷ window), "
            "shown with two decimals rounded down."
        ),
        "incidents_per_month": (
            "Incidents per month: how many incidents started in each calendar month (UTC), by "
            "latest severity; an incident that runs into the next month counts in the month it "
            "started. A month the report's period covers only in part is marked with the days it "
            "covers. Incident frequency should decrease."
        ),
        "incidents_per_component": (
            "Incidents per component: how many incidents affected each component, by the worst "
            "impact recorded for it (degraded performance, partial outage, major outage)."
        ),
        "postmortem_completion": (
            "Postmortem completion: of the resolved incidents that require a postmortem (severities "
            f"with a resolution target: {_and(required) if required else 'none'}), the share with a "
            f"published postmortem (target 100%). Within {_days}: the incident process asks for the "
            f"postmortem within a week, so it is on time when its date is at most {_days} after the day of "
            "resolution (UTC). Of the incidents whose postmortem is due (published, or resolved more than "
            f"{_days} ago), the share published on time; an incident resolved in the last {_days} without "
            "one is not yet due and left out of that share, as it can still be on time. Also given: the share "
            "of the published ones that were on time. Incidents still missing one are listed with the day "
            "it is due."
        ),
        "action_items": (
            "Action items of the postmortems of the incidents in this report (every postmortem in the "
            "all-time report; drafts too, their actions are already work): open, done, won't do and overdue. "
            f"{OVERDUE_DEFINITION} {COMPLETION_RATE_DEFINITION} Age of an open item counts days since "
            f"the postmortem's date. {ON_TIME_DEFINITION} {TIME_TO_CLOSE_DEFINITION} {CLOSING_DATE_DEFINITION}"
        ),
        "data_quality": (
            "Data quality: for each duration, how many incidents were measured and how many were "
            "left out and why (still open, a missing timestamp, an end before its start). Zero "
            "durations are measured but counted here, since they often mean a copied timestamp."
        ),
        "resolve_time_bands": (
            "Resolve-time bands (DORA style): the share of resolved incidents resolved within 1 hour, "
            "within 1 day (more than 1 hour), within 1 week (more than 1 day) and after longer. "
            "Exactly 1 hour counts as within 1 hour."
        ),
        "resolve_time_by_quarter": (
            "Time to resolve per quarter in which incidents started: number resolved, median and p90 "
            "(nearest rank). Shows whether recovery is getting faster."
        ),
        "trend": (
            "Trend: the key figures of the incidents that started in each month (in the rolling reports: "
            "last 90 days, last 12 months) or quarter (all time and per component), UTC: how many "
            f"incidents; mean time to detect (met under {format_duration(MTTD_TARGET)}); mean time to resolve "
            f"per severity (met under the targets: {_targets(config, lambda s: s.resolve_within)}); the share of gaps "
            "between updates within the promised cadence; and the share of incidents that require a "
            "postmortem that have a published one (target 100%; one resolved in the last "
            f"{POSTMORTEM_WITHIN.days} days without one is not yet due and left out). Each is measured as "
            "in its own section "
            "below, so an incident counts in the period it started even when resolved in a later one, "
            "and is in the durations once resolved. A period the report covers only in part is marked "
            "with the days it covers. Better or worse compares the last complete period with the one "
            "before it, as the figures are shown (durations cut to the minute, percentages whole): fewer "
            "incidents, shorter means and larger shares are better; a figure missing in either period "
            "is not compared."
        ),
        "repeat_failures": (
            f"Repeat failures: an outage (partial or major) of a component that began at most "
            f"{REPEAT_WITHIN.days} days after the previous outage of the same component ended, in another "
            "incident; outages are merged as for MTBF, so overlapping incidents are one outage, and the "
            "earlier one may lie before this report's period. Each is listed as earlier incident → later "
            "incident with the gap between the end of one and the start of the other. Open action items: "
            "an incident that began while a postmortem of an earlier incident on the same component (any "
            "impact) had open action items, dated before the day the incident began, with those items. An "
            "item counts when it is open today or was closed (done or dropped) on a later day than the "
            "incident began; one closed that same day, or done without a closing date, is left out, as "
            "its order cannot be told. Both ask whether the incident could have been prevented."
        ),
        "previous_period": (
            "Previous period (rolling reports only): the same length of time just before this report's "
            "period, for the trend: how many incidents started in it, and the mean and median time to "
            "resolve of those resolved by now (measured as in Time to resolve below). Nothing is known "
            "before the portal's first day: a previous period wholly before it has no figures (not zero "
            "incidents), and one partly before it counts from that day."
        ),
    }


# --------------------------------------------------------------------------- result types


@dataclass(frozen=True)
class DurationStats:
    """Summary of one duration over a group of incidents (see ``definitions()['statistics']``)."""

    n: int
    mean: timedelta | None
    median: timedelta | None
    p90: timedelta | None
    max: timedelta | None
    #: The target shown for the group; None when there is none or it differs per severity.
    target: timedelta | None
    #: Measured incidents that have a target to compare with.
    with_target: int
    met_target: int
    share_met_target: float | None
    #: Whether the mean is within the target (the process sets MTTD/MTTA/MTTR targets on means);
    #: None without a single target or without a measurement.
    mean_met_target: bool | None = None


@dataclass(frozen=True)
class DurationMetric:
    """One duration (e.g. time to resolve), overall and per severity."""

    overall: DurationStats
    #: Every configured severity in scheme order (n may be 0), then any others found.
    by_severity: Mapping[str, DurationStats]


@dataclass(frozen=True)
class CadenceStats:
    """How many update intervals kept to the promised cadence."""

    intervals: int
    within_cadence: int
    share_within_cadence: float | None
    #: The severity's ``update_every``; None for the overall row.
    allowed: timedelta | None


@dataclass(frozen=True)
class Gap:
    """An interval between updates that was longer than the cadence allows."""

    incident_id: str
    severity: str
    from_: datetime = field(metadata={"json": "from"})  # "from" is a keyword
    to: datetime
    gap: timedelta
    allowed: timedelta
    #: True when ``to`` is ``now``: the incident is open and the next update is overdue.
    ongoing: bool = False


@dataclass(frozen=True)
class CadenceMetric:
    """Update cadence adherence and the worst breaches."""

    overall: CadenceStats
    by_severity: Mapping[str, CadenceStats]
    worst_gaps: tuple[Gap, ...]


@dataclass(frozen=True)
class ComponentReliability:
    """Downtime and MTBF of one component over the observation window."""

    component: str
    name: str
    observation_start: datetime
    observation_end: datetime
    observed: timedelta
    downtime: timedelta
    uptime: timedelta
    #: Uptime % over the window by the status page's rule (major outage x1, partial x0.3).
    uptime_percent: float
    #: Merged outage periods overlapping the window.
    failures: int
    #: Ids of the outage incidents behind those periods.
    outage_incidents: tuple[str, ...]
    mtbf: timedelta | None
    #: Whole days of the window, set only when there was no failure.
    days_without_failure: int | None
    #: What the page shows: the MTBF, or "no failures in N days".
    display: str


@dataclass(frozen=True)
class MonthCount:
    """Incidents that started in one calendar month."""

    month: str
    total: int
    by_severity: Mapping[str, int]
    #: The first and last UTC day of the month the report's period covers.
    covered_from: date
    covered_to: date
    #: True when the period covers only part of the month (its first or its current month).
    partial: bool


@dataclass(frozen=True)
class ComponentCount:
    """Incidents that affected one component, by impact."""

    component: str
    name: str
    total: int
    by_impact: Mapping[str, int]


@dataclass(frozen=True)
class MissingPostmortem:
    """A resolved incident that needs a published postmortem and has none."""

    incident_id: str
    title: str
    severity: str
    resolved_at: datetime
    days_since_resolution: int
    #: Status of an unpublished postmortem (draft, in-review), if one exists.
    postmortem_status: str | None
    #: The last day a postmortem is on time: 7 days after the UTC day of resolution.
    due_on: date
    #: True while today (UTC) is at most ``due_on``: it can still be published on time.
    not_yet_due: bool


@dataclass(frozen=True)
class PostmortemCompletion:
    """Postmortem coverage of the incidents that require one."""

    required_severities: tuple[str, ...]
    required: int
    published: int
    published_within_7_days: int
    share_published: float | None
    #: Of the incidents with a published postmortem.
    share_within_7_days: float | None
    published_late: tuple[str, ...]
    missing: tuple[MissingPostmortem, ...]
    #: Incidents whose postmortem is due: published, or resolved more than 7 days ago (by UTC day) without one.
    #: Those resolved since, still without one, are not yet due (``not_yet_due``): they can still be on time.
    due: int
    not_yet_due: int
    #: The process's "complete the postmortem within 1 week", kept: published within 7 days, of those due.
    share_within_7_days_of_due: float | None


@dataclass(frozen=True)
class Coverage:
    """How many selected incidents one duration metric could measure, and why not the rest."""

    considered: int
    measured: int
    zero_duration: int
    #: Reason -> incidents left out; the fixed reasons of the metric always appear.
    left_out: Mapping[str, int]
    #: Measured but worth knowing, e.g. first update measured from ``started``.
    notes: Mapping[str, int]


@dataclass(frozen=True)
class DataQuality:
    """Coverage of every duration metric."""

    by_metric: Mapping[str, Coverage]
    open_incidents: tuple[str, ...]


@dataclass(frozen=True)
class Band:
    """One exclusive band of time to resolve."""

    name: str
    #: Upper bound (inclusive); None for the open-ended last band.
    up_to: timedelta | None
    count: int
    share: float | None


@dataclass(frozen=True)
class ResolveTimeBands:
    """Resolved incidents by band of time to resolve."""

    n: int
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class PreviousPeriod:
    """The same length of time just before a windowed report's period, for the trend."""

    start: datetime
    end: datetime
    #: When the portal's records begin in the period (its first day, 00:00 UTC, if later than ``start``);
    #: None when the whole period lies before it: nothing is known about it, so it has no figures.
    covered_from: datetime | None
    #: Incidents that started in the period; None without data.
    incidents: int | None
    #: Of those incidents, how many are resolved now, and their mean and median time to resolve.
    resolved: int | None
    mean_time_to_resolve: timedelta | None
    median_time_to_resolve: timedelta | None


@dataclass(frozen=True)
class IncidentDuration:
    """One measured incident of a duration metric (the strip chart's dot and its table row)."""

    incident_id: str
    severity: str
    value: timedelta


@dataclass(frozen=True)
class QuarterStats:
    """Time to resolve of incidents that started in one quarter."""

    quarter: str
    n: int
    median: timedelta | None
    p90: timedelta | None


@dataclass(frozen=True)
class TrendPeriod:
    """The key figures of the incidents that started in one month or quarter of a report's period."""

    #: ``2026-03`` (a month) or ``2026-Q1`` (a quarter), UTC.
    period: str
    #: The first and last UTC day of the period the report covers (the report's start and ``now`` cut it).
    covered_from: date
    covered_to: date
    #: True when the report covers only part of the period (its first or its current one).
    partial: bool
    incidents: int
    time_to_detect: DurationStats
    #: Every configured severity in scheme order (n may be 0), then any others found.
    time_to_resolve: Mapping[str, DurationStats]
    update_cadence: CadenceStats
    postmortems_required: int
    postmortems_published: int
    share_postmortems_published: float | None


@dataclass(frozen=True)
class TrendChange:
    """One key figure of the latest complete period against the complete period before it."""

    #: ``incidents``, ``time_to_detect``, ``time_to_resolve``, ``update_cadence`` or ``postmortems_published``.
    figure: str
    #: The severity of a time-to-resolve figure; None for the others.
    severity: str | None
    #: The figure in each period (a count, a mean duration or a share 0..1); None without a measurement.
    before: int | float | timedelta | None
    latest: int | float | timedelta | None
    #: ``better``, ``worse`` or ``same`` as the page shows the figures; None when either is missing.
    direction: str | None


@dataclass(frozen=True)
class Trend:
    """The key figures month by month (rolling reports) or quarter by quarter (all time, per component)."""

    #: ``month`` or ``quarter``.
    granularity: str
    periods: tuple[TrendPeriod, ...]
    #: The last complete period and the one before it (None with fewer than two complete periods).
    latest: str | None
    before: str | None
    changes: tuple[TrendChange, ...]


@dataclass(frozen=True)
class RepeatOutage:
    """An outage of a component that began soon after the previous outage of that component ended."""

    component: str
    #: The incident whose outage ended the previous outage last, and when that outage ended.
    earlier_incident: str
    earlier_ended: datetime
    #: The incident whose outage began this one, and when.
    later_incident: str
    later_started: datetime
    gap: timedelta


@dataclass(frozen=True)
class ComponentRepeats:
    """The outages of one component that began in a report's period, and which of them were repeats."""

    component: str
    name: str
    #: Outages (merged as for MTBF) that began in the period.
    outages: int
    repeats: int
    pairs: tuple[RepeatOutage, ...]


@dataclass(frozen=True)
class OpenActionsAtIncident:
    """An incident that began while an earlier postmortem on one of its components had open action items."""

    incident_id: str
    started: datetime
    postmortem_id: str
    #: The incident's components that the postmortem's earlier incidents also affected.
    components: tuple[str, ...]
    #: The postmortem's incidents that affected those components and began before this one.
    earlier_incidents: tuple[str, ...]
    #: The postmortem's action items open when the incident began (open today, or closed on a later day),
    #: in file order.
    open_items: tuple[ActionItemRow, ...]


@dataclass(frozen=True)
class RepeatFailures:
    """Repeat outages per component and incidents that began while earlier action items were open."""

    #: :data:`REPEAT_WITHIN`: how soon after the previous outage a later one is a repeat.
    within: timedelta
    repeats: int
    #: Components with an outage that began in the period, in the order of the configuration.
    by_component: tuple[ComponentRepeats, ...]
    incidents_with_open_action_items: int
    open_action_items: tuple[OpenActionsAtIncident, ...]


@dataclass(frozen=True)
class Metrics:
    """All reliability metrics of one report. Field names match the keys of :func:`definitions`."""

    generated_at: datetime
    window_start: datetime | None
    #: The end of the report's period: ``now``, or a retired component's retirement (:data:`RETIRED_END`).
    window_end: datetime
    component: str | None
    incident_ids: tuple[str, ...]
    time_to_detect: DurationMetric
    time_to_acknowledge: DurationMetric
    time_to_mitigate: DurationMetric
    time_to_resolve: DurationMetric
    time_to_first_update: DurationMetric
    update_cadence: CadenceMetric
    mtbf: tuple[ComponentReliability, ...]
    incidents_per_month: tuple[MonthCount, ...]
    incidents_per_component: tuple[ComponentCount, ...]
    postmortem_completion: PostmortemCompletion
    action_items: ActionItemSummary
    data_quality: DataQuality
    resolve_time_bands: ResolveTimeBands
    resolve_time_by_quarter: tuple[QuarterStats, ...]
    #: The period of the same length just before this one (windowed reports only).
    previous_period: PreviousPeriod | None
    #: The key figures per month or quarter, and whether the latest complete period did better.
    trend: Trend
    #: Outages soon after the previous one on a component, and incidents that began with earlier action items open.
    repeat_failures: RepeatFailures
    #: Metric key -> its plain-words definition with this portal's targets (see :func:`definitions`);
    #: the JSON carries it last, after the units.
    definitions: Mapping[str, str] = field(default_factory=dict, metadata={"json": None})
    #: Time to resolve of each measured incident, by start: what the per-severity figures summarise
    #: (pages only; the JSON keeps to the summaries, so its size does not grow with the archive).
    resolve_times: tuple[IncidentDuration, ...] = field(default=(), metadata={"json": None})

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict: durations in seconds, datetimes ISO 8601 UTC with 'Z', dates
        YYYY-MM-DD, shares as fractions 0..1.  Keys follow the field order, so the same
        metrics always give the same ``json.dumps`` output."""
        data = _jsonable(self)
        data["units"] = {"durations": "seconds", "shares": "fraction from 0 to 1",
                         "uptime_percent": "percent from 0 to 100, unrounded", "datetimes": "ISO 8601, UTC"}
        data["definitions"] = dict(self.definitions)
        return data


# --------------------------------------------------------------------------- statistics


def _mean(values: Sequence[timedelta]) -> timedelta | None:
    return sum(values, timedelta(0)) / len(values) if values else None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


class _Sample(NamedTuple):
    incident_id: str
    severity: str
    value: timedelta
    target: timedelta | None


def _meets(value: timedelta, target: timedelta, under: bool) -> bool:
    """Whether a duration meets its target: under it (:data:`UNDER_TARGET`), else at most it."""
    return value < target if under else value <= target


def _stats(samples: Sequence[_Sample], shown_target: timedelta | None, under: bool = False) -> DurationStats:
    values = [s.value for s in samples]
    judged = [s for s in samples if s.target is not None]
    met = sum(1 for s in judged if s.target is not None and _meets(s.value, s.target, under))
    average = _mean(values)
    return DurationStats(
        n=len(values), mean=average, median=median(values), p90=percentile(values, 90),
        max=max(values, default=None), target=shown_target, with_target=len(judged),
        met_target=met, share_met_target=_share(met, len(judged)),
        mean_met_target=None if shown_target is None or average is None else _meets(average, shown_target, under),
    )


def duration_stats(values: Sequence[timedelta], target: timedelta | None = None,
                   under: bool = False) -> DurationStats:
    """n, mean, median, p90 (nearest rank), max and the share of values meeting ``target``: at most it, or
    under it with ``under`` (as the incident process sets MTTD and MTTR, :data:`UNDER_TARGET`)."""
    return _stats([_Sample("", "", v, target) for v in values], target, under)


# --------------------------------------------------------------------------- helpers


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _require_aware(name: str, value: datetime | None) -> None:
    if value is not None and value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (e.g. datetime(..., tzinfo=UTC))")


def _severity_id(inc: Incident, config: SitrepConfig) -> str:
    # Records loaded by the portal are normalised already; fixtures built in code may not be.
    return config.normalise_severity(inc.latest_severity) or inc.latest_severity or UNRATED


def _severity_keys(config: SitrepConfig, seen: Iterable[str]) -> list[str]:
    """Configured severities in scheme order, then any others found, sorted."""
    configured = [s.id for s in config.severities]
    return configured + sorted(set(seen) - set(configured))


def _utc_month(moment: datetime) -> tuple[int, int]:
    """(year, month) of ``moment`` in UTC; most record times are written in UTC, so no conversion is made
    for them (this runs for every incident of every report window)."""
    if moment.utcoffset():
        moment = _utc(moment)
    return moment.year, moment.month


def _month(moment: datetime) -> str:
    year, month = _utc_month(moment)
    return f"{year:04d}-{month:02d}"


def _quarter(moment: datetime) -> str:
    year, month = _utc_month(moment)
    return f"{year:04d}-Q{(month - 1) // 3 + 1}"


def _month_range(first: datetime, last: datetime) -> list[str]:
    first, last = _utc(first), _utc(last)
    index, end = first.year * 12 + first.month - 1, last.year * 12 + last.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index, end + 1)]


def _quarter_range(first: datetime, last: datetime) -> list[str]:
    first, last = _utc(first), _utc(last)
    index = first.year * 4 + (first.month - 1) // 3
    end = last.year * 4 + (last.month - 1) // 3
    return [f"{i // 4:04d}-Q{i % 4 + 1}" for i in range(index, end + 1)]


def _component_name(config: SitrepConfig, component_id: str) -> str:
    component = config.component(component_id)
    return component.name if component else component_id


def reported_until(config: SitrepConfig, component: str | None, now: datetime) -> datetime:
    """Where a report's period ends: ``now``, or for a component retired by then 00:00 UTC of its retirement
    day (:data:`RETIRED_END`); ``component`` None (every component together) ends at ``now``."""
    configured = config.component(component) if component is not None else None
    if configured is None or configured.retired is None:
        return now
    return min(now, datetime.combine(configured.retired, time(0), UTC))


def _last_covered(end: datetime, now: datetime) -> datetime:
    """The last moment a period ending at ``end`` covers, for listing its months and quarters: ``now`` itself
    (an incident may start at it), or the instant before a retirement (its day belongs to no month of the
    component's)."""
    return end if end >= now else end - timedelta(microseconds=1)


def _component_ids(config: SitrepConfig, incidents: Iterable[Incident], only: str | None) -> list[str]:
    if only is not None:
        return [only]
    configured = config.component_ids
    extra = {cid for inc in incidents for cid in inc.worst_components} - set(configured)
    return configured + sorted(extra)


# --------------------------------------------------------------------------- durations


@dataclass(frozen=True)
class _Spec:
    """How to measure one duration metric."""

    name: str
    start: Callable[[Incident], datetime | None]
    start_missing: str
    end: Callable[[Incident], datetime | None]
    end_missing: str
    target: Callable[[Severity | None], timedelta | None]
    #: Judged by the severity in force while the clock ran (:mod:`sitrep.derive.targets`), not the latest.
    in_force: bool = False

    @property
    def reasons(self) -> tuple[str, ...]:
        return (STILL_OPEN, *dict.fromkeys((self.start_missing, self.end_missing)), END_BEFORE_START)


SPECS: tuple[_Spec, ...] = (
    _Spec("time_to_detect", lambda i: i.started, "missing started",
          lambda i: i.detected, "missing detected", lambda s: MTTD_TARGET),
    _Spec("time_to_acknowledge", lambda i: i.detected, "missing detected",
          lambda i: i.acknowledged, "missing acknowledged", lambda s: s.respond_within if s else None, True),
    _Spec("time_to_mitigate", lambda i: i.started, "missing started",
          lambda i: i.mitigated, "missing mitigated", lambda s: None),
    _Spec("time_to_resolve", lambda i: i.started, "missing started",
          lambda i: i.resolved_at, "missing resolved", lambda s: s.resolve_within if s else None),
)


def _measure(inc: Incident, spec: _Spec) -> tuple[timedelta | None, str | None]:
    """The duration, or None and the reason it cannot be measured."""
    if not inc.is_resolved:
        return None, STILL_OPEN
    start, end = spec.start(inc), spec.end(inc)
    if start is None:
        return None, spec.start_missing
    if end is None:
        return None, spec.end_missing
    if end < start:
        return None, END_BEFORE_START
    return end - start, None


def _first_update_clock(inc: Incident) -> datetime:
    """Where time to first update starts: detection, else ``start`` (``started``, else the first update)."""
    return inc.detected or inc.start


def _first_update(inc: Incident) -> tuple[timedelta | None, str | None]:
    reference = _first_update_clock(inc)
    first = min(u.at for u in inc.updates)
    if first < reference:
        return None, UPDATE_BEFORE_DETECTION
    return first - reference, None


def _overall_target(config: SitrepConfig, target: Callable[[Severity | None], timedelta | None]
                    ) -> timedelta | None:
    """The target when every severity shares one (time to detect); else None."""
    targets = {target(s) for s in (*config.severities, None)}
    return targets.pop() if len(targets) == 1 else None


def _duration_metric(samples: list[_Sample], config: SitrepConfig,
                     target: Callable[[Severity | None], timedelta | None], under: bool = False) -> DurationMetric:
    by_sev: dict[str, list[_Sample]] = defaultdict(list)
    for sample in samples:
        by_sev[sample.severity].append(sample)
    return DurationMetric(
        overall=_stats(samples, _overall_target(config, target), under),
        by_severity={key: _stats(by_sev.get(key, []), target(config.severity(key)), under)
                     for key in _severity_keys(config, by_sev)},
    )


def _coverage(considered: int, samples: list[_Sample], reasons: Sequence[str],
              left_out: Counter[str], notes: Mapping[str, int] | None = None) -> Coverage:
    counts = {reason: left_out.get(reason, 0) for reason in reasons}
    counts.update({r: n for r, n in sorted(left_out.items()) if r not in counts})
    return Coverage(
        considered=considered, measured=len(samples),
        zero_duration=sum(1 for s in samples if s.value == timedelta(0)),
        left_out=counts, notes=dict(notes or {}),
    )


def _collect(incidents: Sequence[Incident], config: SitrepConfig,
             measure: Callable[[Incident], tuple[timedelta | None, str | None]],
             target: Callable[[Severity | None], timedelta | None],
             clock: Callable[[Incident], datetime | None] | None = None) -> tuple[list[_Sample], Counter[str]]:
    """Each incident's measurement, under its latest severity and that severity's target; with ``clock`` (where
    the measurement starts), under the severity in force while it ran and the time that left
    (:func:`~sitrep.derive.targets.judged_deadline`)."""
    samples: list[_Sample] = []
    left_out: Counter[str] = Counter()
    for inc in incidents:
        value, reason = measure(inc)
        if value is None:
            left_out[reason or "unknown"] += 1
            continue
        start = clock(inc) if clock is not None else None
        if start is None:
            sev = _severity_id(inc, config)
            samples.append(_Sample(inc.id, sev, value, target(config.severity(sev))))
            continue
        judged = judged_deadline(inc, config, start, start + value, target)
        # The deadline as an allowance from the clock's start: met when the value is at most it.
        allowed = judged.deadline - start if judged.deadline is not None else None
        samples.append(_Sample(inc.id, judged.severity or UNRATED, value, allowed))
    return samples, left_out


def _durations(incidents: Sequence[Incident], config: SitrepConfig
               ) -> tuple[dict[str, DurationMetric], dict[str, Coverage], dict[str, list[_Sample]]]:
    """The four lifecycle durations, their coverage and each one's samples (the trend regroups them)."""
    metrics: dict[str, DurationMetric] = {}
    coverage: dict[str, Coverage] = {}
    samples_of: dict[str, list[_Sample]] = {}
    for spec in SPECS:
        samples, left_out = _collect(incidents, config, lambda i, s=spec: _measure(i, s), spec.target,
                                     spec.start if spec.in_force else None)
        metrics[spec.name] = _duration_metric(samples, config, spec.target, spec.name in UNDER_TARGET)
        coverage[spec.name] = _coverage(len(incidents), samples, spec.reasons, left_out)
        samples_of[spec.name] = samples
    return metrics, coverage, samples_of


def _first_updates(incidents: Sequence[Incident], config: SitrepConfig
                   ) -> tuple[DurationMetric, Coverage]:
    def target(sev: Severity | None) -> timedelta | None:
        return sev.first_update_within if sev else None

    samples, left_out = _collect(incidents, config, _first_update, target, _first_update_clock)
    from_started = sum(1 for inc in incidents if inc.detected is None)
    coverage = _coverage(len(incidents), samples, (UPDATE_BEFORE_DETECTION,), left_out,
                         {FROM_STARTED: from_started})
    return _duration_metric(samples, config, target), coverage


# --------------------------------------------------------------------------- cadence


class _Interval(NamedTuple):
    """A stretch between two updates (or from the last update to ``now``) in which an update was owed."""

    start: datetime
    end: datetime
    #: The severity in force from the update that opens the interval: its cadence is the promise.
    severity: str | None
    #: True when ``end`` is ``now``: the incident is open and the next update is overdue.
    ongoing: bool


def _update_intervals(inc: Incident, now: datetime) -> list[_Interval]:
    """Each interval in which an update was owed, with the severity in force at its start.

    The severity in force after an update is the last one set on it or an earlier update (the
    declared one if none): the status page promised the next update by that severity's cadence.
    """
    updates = sorted(inc.updates, key=lambda u: u.at)
    in_force: list[str | None] = []
    severity = inc.severity
    for update in updates:
        severity = update.severity or severity
        in_force.append(severity)
    intervals = [_Interval(a.at, b.at, sev, False)
                 for (a, b), sev in zip(itertools.pairwise(updates), in_force, strict=False)
                 if a.status != "resolved"]  # closed during this interval (reopened later)
    if not inc.is_resolved and now > updates[-1].at:
        intervals.append(_Interval(updates[-1].at, now, in_force[-1], True))
    return intervals


def _cadence(incidents: Sequence[Incident], config: SitrepConfig, now: datetime
             ) -> tuple[CadenceMetric, dict[str, list[bool]]]:
    """Cadence adherence, and each incident's judged gaps (on time or not; the trend regroups them)."""
    judged: dict[str, list[bool]] = defaultdict(list)
    per_incident: dict[str, list[bool]] = defaultdict(list)
    breaches: list[Gap] = []
    for inc in incidents:
        for interval in _update_intervals(inc, now):
            sev = config.normalise_severity(interval.severity) or interval.severity or UNRATED
            severity = config.severity(sev)
            allowed = severity.update_every if severity else None
            if allowed is None:
                continue  # no promise to keep
            gap = interval.end - interval.start
            judged[sev].append(gap <= allowed)
            per_incident[inc.id].append(gap <= allowed)
            if gap > allowed:
                breaches.append(Gap(inc.id, sev, interval.start, interval.end, gap, allowed, interval.ongoing))
    every = [ok for oks in judged.values() for ok in oks]
    by_sev: dict[str, CadenceStats] = {}
    for key in _severity_keys(config, judged):
        severity = config.severity(key)
        by_sev[key] = _cadence_stats(judged.get(key, []), severity.update_every if severity else None)
    # Worst relative to the promise: 2 h late on a 15-minute cadence beats 5 h on a 4-hour one.
    breaches.sort(key=lambda g: (-(g.gap / g.allowed), -g.gap, g.incident_id, g.from_))
    return CadenceMetric(_cadence_stats(every, None), by_sev, tuple(breaches[:WORST_GAPS])), per_incident


def _cadence_stats(oks: Sequence[bool], allowed: timedelta | None) -> CadenceStats:
    within = sum(oks)
    return CadenceStats(len(oks), within, _share(within, len(oks)), allowed)


# --------------------------------------------------------------------------- MTBF


def _observation_start(portal: Portal, incidents: Sequence[Incident], now: datetime,
                       window_start: datetime | None) -> datetime:
    first_day = portal.since  # the status page's first day: uptime and MTBF start together
    candidates = [moment for moment in (
        window_start,
        datetime.combine(first_day, time(0), tzinfo=UTC) if first_day else None,
    ) if moment is not None]
    if candidates:
        return _utc(max(candidates))
    return _utc(min((inc.start for inc in incidents), default=now))


def _merge(intervals: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Merge overlapping or touching intervals (one continuous outage is one failure)."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlaps(start: datetime, end: datetime, lo: datetime, hi: datetime) -> bool:
    # An outage ending exactly at the window start belongs to the previous window.
    return start <= hi and end >= lo and (end > lo or start == lo)


def _reliability(component: str, config: SitrepConfig, found: Sequence[Interval], now: datetime,
                 lo: datetime, hi: datetime) -> ComponentReliability:
    """Outages, downtime, uptime and MTBF of one component over [lo, hi], from its impact intervals up to
    ``now`` (found once per build for every window: :func:`component_impacts`)."""
    impacts = list(found) if hi >= now else clipped(found, hi)  # a retired component's end before now
    outages = [iv for iv in impacts if iv.impact in OUTAGE_IMPACTS]
    merged = _merge((iv.start, iv.end) for iv in outages)
    kept = [_overlaps(*p, lo, hi) for p in merged]
    periods = [p for p, keep in zip(merged, kept, strict=True) if keep]
    downtime = sum((min(e, hi) - max(s, lo) for s, e in periods), timedelta(0))
    # Each outage lies in exactly one merged period: the last one starting at or before it.
    starts = [s for s, _ in merged]
    ids = sorted({iv.incident_id for iv in outages if kept[bisect.bisect_right(starts, iv.start) - 1]})
    observed = max(hi - lo, timedelta(0))
    uptime = observed - downtime
    mtbf = uptime / len(periods) if periods else None
    days = None if periods else observed // timedelta(days=1)
    return ComponentReliability(
        component=component, name=_component_name(config, component), observation_start=lo,
        observation_end=hi, observed=observed, downtime=downtime, uptime=uptime,
        uptime_percent=uptime_percent(impacts, lo, hi),
        failures=len(periods), outage_incidents=tuple(ids), mtbf=mtbf, days_without_failure=days,
        display=format_duration(mtbf) if mtbf is not None else f"no failures in {days} days",
    )


def _mtbf(portal: Portal, incidents: Sequence[Incident], now: datetime, window_start: datetime | None,
          component: str | None, impacts: Mapping[str, Sequence[Interval]]) -> tuple[ComponentReliability, ...]:
    lo = _observation_start(portal, incidents, now, window_start)
    config = portal.config
    found = []
    for cid in _component_ids(config, incidents, component):
        # A retired component is observed until its retirement day (UTC): time after it is not uptime,
        # and one retired before the window has nothing to report in it.
        hi = reported_until(config, cid, now)
        if hi > lo or hi == now:
            found.append(_reliability(cid, config, impacts.get(cid, ()), now, lo, hi))
    return tuple(found)


# --------------------------------------------------------------------------- counts


def _per_month(incidents: Sequence[Incident], config: SitrepConfig, end: datetime,
               period_start: datetime, last: datetime) -> tuple[MonthCount, ...]:
    """Incidents per calendar month (UTC) of the period from ``period_start`` to ``end`` (``now``, or a retired
    component's retirement), zero months too; ``last``: the period's last moment (:func:`_last_covered`)."""
    if not incidents and period_start >= end:
        return ()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for inc in incidents:
        counts[_month(inc.start)][_severity_id(inc, config)] += 1
    keys = _severity_keys(config, {sev for c in counts.values() for sev in c})
    rows = []
    starts = [inc.start for inc in incidents]
    for month in _month_range(min([period_start, *starts]), max([last, *starts])):
        year, number = int(month[:4]), int(month[5:])
        month_start = datetime(year, number, 1, tzinfo=UTC)
        month_end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
        lo, hi = max(month_start, period_start), min(month_end, end)
        rows.append(MonthCount(month, sum(counts[month].values()), {k: counts[month][k] for k in keys},
                               covered_from=min(lo, hi).date(), covered_to=(hi - timedelta(microseconds=1)).date()
                               if hi > lo else lo.date(), partial=lo > month_start or hi < month_end))
    return tuple(rows)


def _per_component(incidents: Sequence[Incident], config: SitrepConfig, only: str | None, now: datetime,
                   period_start: datetime) -> tuple[ComponentCount, ...]:
    rows = []
    for cid in _component_ids(config, incidents, only):
        impacts = Counter(inc.worst_components[cid] for inc in incidents if cid in inc.worst_components)
        if not impacts and reported_until(config, cid, now) <= period_start:
            continue  # retired before the period: nothing to report in it, as MTBF
        by_impact = {impact: impacts.get(impact, 0) for impact in IMPACTS}
        by_impact.update({k: v for k, v in sorted(impacts.items()) if k not in by_impact})
        rows.append(ComponentCount(cid, _component_name(config, cid), sum(impacts.values()), by_impact))
    return tuple(rows)


# --------------------------------------------------------------------------- postmortems


def _postmortem_index(portal: Portal) -> dict[str, list[Postmortem]]:
    # One pass instead of portal.postmortems_for() per incident (quadratic on large portals).
    index: dict[str, list[Postmortem]] = defaultdict(list)
    for pm in portal.postmortems:
        for incident_id in pm.incidents:
            index[incident_id].append(pm)
    return index


def _postmortem_completion(incidents: Sequence[Incident], portal: Portal,
                           now: datetime) -> tuple[PostmortemCompletion, dict[str, bool]]:
    """Postmortem completion, and for each incident whose postmortem is due whether it has a published one
    (one resolved in the last 7 days without one is not yet due: it is left out, as it can still be on time)."""
    config = portal.config
    required_sevs = tuple(s.id for s in config.severities if s.requires_postmortem)
    index = _postmortem_index(portal)
    required = [inc for inc in incidents
                if inc.is_resolved and _severity_id(inc, config) in required_sevs]
    on_time: list[str] = []
    late: list[str] = []
    missing: list[MissingPostmortem] = []
    for inc in required:
        resolved = _utc(inc.resolved_at or inc.start)
        pms = index.get(inc.id, [])
        published = [pm.date for pm in pms if pm.status == "published"]
        if not published:
            missing.append(_missing(inc, config, resolved, pms, now))
        elif min(published) <= resolved.date() + POSTMORTEM_WITHIN:
            on_time.append(inc.id)
        else:
            late.append(inc.id)
    done = len(on_time) + len(late)
    published_for = {inc.id: True for inc in required} | {x.incident_id: False for x in missing}
    for x in missing:
        if x.not_yet_due:
            del published_for[x.incident_id]
    waiting = sum(x.not_yet_due for x in missing)
    return PostmortemCompletion(
        required_severities=required_sevs, required=len(required), published=done,
        published_within_7_days=len(on_time), share_published=_share(done, len(required)),
        share_within_7_days=_share(len(on_time), done), published_late=tuple(late),
        missing=tuple(missing), due=len(required) - waiting, not_yet_due=waiting,
        share_within_7_days_of_due=_share(len(on_time), len(required) - waiting),
    ), published_for


def _missing(inc: Incident, config: SitrepConfig, resolved: datetime, pms: Sequence[Postmortem],
             now: datetime) -> MissingPostmortem:
    # Show the most advanced unpublished status, so "in review" is told apart from "nothing yet".
    statuses = {pm.status for pm in pms}
    status = next((s for s in ("in-review", "draft") if s in statuses), None)
    due_on = resolved.date() + POSTMORTEM_WITHIN
    return MissingPostmortem(
        incident_id=inc.id, title=inc.title, severity=_severity_id(inc, config),
        resolved_at=resolved, days_since_resolution=(now.date() - resolved.date()).days,
        postmortem_status=status, due_on=due_on, not_yet_due=now.date() <= due_on,
    )


# --------------------------------------------------------------------------- action items










def _action_items(postmortems: Iterable[Postmortem], today: date,
                  person: Callable[[str | None], str | None],
                  parsed: Mapping[str, Sequence[ActionItemRow]] | None) -> ActionItemSummary:
    if parsed is None:
        rows = action_rows(postmortems, today, person)
    else:  # the same rows and order, from items parsed once per build
        rows = [row for pm in sorted(postmortems, key=lambda p: (p.date, p.id)) for row in parsed[pm.id]]
    return summarize(rows)


def _postmortems_in_scope(portal: Portal, selected: Sequence[Incident], filtered: bool
                          ) -> list[Postmortem]:
    if not filtered:
        return list(portal.postmortems)
    ids = {inc.id for inc in selected}
    return [pm for pm in portal.postmortems if ids.intersection(pm.incidents)]


# --------------------------------------------------------------------------- resolve time


_BANDS: tuple[tuple[str, timedelta | None], ...] = (
    ("within_1_hour", timedelta(hours=1)),
    ("within_1_day", timedelta(days=1)),
    ("within_1_week", timedelta(weeks=1)),
    ("longer", None),
)


def _band_of(value: timedelta) -> str:
    return next(name for name, upper in _BANDS if upper is None or value <= upper)


def _resolve_bands(samples: Sequence[_Sample]) -> ResolveTimeBands:
    counts = Counter(_band_of(s.value) for s in samples)
    bands = tuple(Band(name, upper, counts[name], _share(counts[name], len(samples)))
                  for name, upper in _BANDS)
    return ResolveTimeBands(len(samples), bands)


def _by_quarter(samples: Sequence[_Sample], starts: Mapping[str, datetime], end: datetime,
                period_start: datetime, last: datetime) -> tuple[QuarterStats, ...]:
    """Time to resolve per quarter from the one ``period_start`` (the report's start, never before the portal's
    first day: quarters before it have no data, not zero incidents) or the first incident's, to the one of
    ``last``, the period's last moment (:func:`_last_covered`; the period ends at ``end``)."""
    if not starts and period_start >= end:
        return ()
    first = min([period_start, *starts.values()])
    last = max([last, *starts.values()])
    values: dict[str, list[timedelta]] = defaultdict(list)
    for sample in samples:
        values[_quarter(starts[sample.incident_id])].append(sample.value)
    return tuple(
        QuarterStats(q, len(values.get(q, [])), median(values.get(q, [])), percentile(values.get(q, []), 90))
        for q in _quarter_range(first, last)
    )


def _previous_period(portal: Portal, every: Sequence[Incident], now: datetime,
                     window_start: datetime | None, component: str | None) -> PreviousPeriod | None:
    """The period of the same length before the window; without figures when it lies wholly before the portal's
    records begin (its first day, or an earlier incident), and counted from there when partly."""
    if window_start is None:
        return None
    start = window_start - (now - window_start)
    records_begin = min([_observation_start(portal, every, now, None), *(inc.start for inc in every)])
    covered_from = _utc(max(start, records_begin))
    if covered_from >= window_start:
        return PreviousPeriod(start, window_start, None, None, None, None, None)
    before = [inc for inc in _select(every, now, start, component) if inc.start < window_start]
    spec = next(spec for spec in SPECS if spec.name == "time_to_resolve")
    samples, _ = _collect(before, portal.config, lambda i: _measure(i, spec), spec.target)
    values = [sample.value for sample in samples]
    return PreviousPeriod(start, window_start, covered_from, len(before), len(values), _mean(values),
                          median(values))


# --------------------------------------------------------------------------- trend

#: Trend figures where a smaller value is better (the others are shares, where larger is better).
_LOWER_IS_BETTER = frozenset({"incidents", "time_to_detect", "time_to_resolve"})


def _period_key(moment: datetime, granularity: str) -> str:
    return _month(moment) if granularity == "month" else _quarter(moment)


def _period_bounds(key: str, granularity: str) -> tuple[datetime, datetime]:
    """The UTC start of a month (``2026-03``) or quarter (``2026-Q1``) and the start of the next one."""
    year = int(key[:4])
    first, length = (int(key[5:]), 1) if granularity == "month" else (3 * int(key[6:]) - 2, 3)
    index = year * 12 + first - 1
    return (datetime(year, first, 1, tzinfo=UTC),
            datetime((index + length) // 12, (index + length) % 12 + 1, 1, tzinfo=UTC))


def _as_shown(value: int | float | timedelta) -> int:
    """A trend figure at the precision the page shows it, so "better" never rests on a hidden digit.

    Durations are cut as :func:`format_duration` cuts them (seconds under a minute, minutes under a
    day, hours from a day on); shares are the whole percentage :func:`pct` prints; counts are exact.
    """
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        step = 1 if seconds < 60 else 60 if seconds < 86400 else 3600
        return seconds // step * step
    if isinstance(value, float):
        return int(pct(value).rstrip("%"))
    return value


def _direction(figure: str, before: int | float | timedelta | None,
               latest: int | float | timedelta | None) -> str | None:
    if before is None or latest is None:
        return None
    shown_before, shown_latest = _as_shown(before), _as_shown(latest)
    if shown_before == shown_latest:
        return "same"
    improved = shown_latest < shown_before if figure in _LOWER_IS_BETTER else shown_latest > shown_before
    return "better" if improved else "worse"


def _trend_changes(before: TrendPeriod, latest: TrendPeriod) -> tuple[TrendChange, ...]:
    pairs: list[tuple[str, str | None, Any, Any]] = [
        ("incidents", None, before.incidents, latest.incidents),
        ("time_to_detect", None, before.time_to_detect.mean, latest.time_to_detect.mean),
    ]
    pairs += [("time_to_resolve", sev, before.time_to_resolve[sev].mean, latest.time_to_resolve[sev].mean)
              for sev in latest.time_to_resolve
              if before.time_to_resolve[sev].n or latest.time_to_resolve[sev].n]
    pairs += [("update_cadence", None, before.update_cadence.share_within_cadence,
               latest.update_cadence.share_within_cadence),
              ("postmortems_published", None, before.share_postmortems_published,
               latest.share_postmortems_published)]
    return tuple(TrendChange(figure, sev, b, a, _direction(figure, b, a)) for figure, sev, b, a in pairs)


def _trend(incidents: Sequence[Incident], config: SitrepConfig, end: datetime, last: datetime,
           period_start: datetime, granularity: str, samples_of: Mapping[str, Sequence[_Sample]],
           severities: Sequence[str], cadence_of: Mapping[str, Sequence[bool]],
           published_for: Mapping[str, bool]) -> Trend:
    """The key figures per month or quarter, regrouped from the per-incident measurements of the report.

    Each incident counts in the period it started (UTC), as in "Incidents per month"; its durations,
    gaps between updates and postmortem are the ones the report measured, so the periods add up to
    the report's own figures. The periods run to the one of ``last`` (:func:`_last_covered`); ``end`` (``now``,
    or a retired component's retirement) cuts the last one.
    """
    if not incidents and period_start >= end:
        return Trend(granularity, (), None, None, ())
    period_of = {inc.id: _period_key(inc.start, granularity) for inc in incidents}
    by_period: dict[str, list[Incident]] = defaultdict(list)
    for inc in incidents:
        by_period[period_of[inc.id]].append(inc)
    grouped: dict[str, dict[str, list[_Sample]]] = {name: defaultdict(list) for name in samples_of}
    for name, samples in samples_of.items():
        for sample in samples:
            grouped[name][period_of[sample.incident_id]].append(sample)
    specs = {spec.name: spec for spec in SPECS}
    detect_target = _overall_target(config, specs["time_to_detect"].target)
    resolve_target = specs["time_to_resolve"].target
    starts = [inc.start for inc in incidents]
    keys = (_month_range if granularity == "month" else _quarter_range)(min([period_start, *starts]),
                                                                         max([last, *starts]))
    periods = []
    for key in keys:
        start, stop = _period_bounds(key, granularity)
        lo, hi = max(start, period_start), min(stop, end)
        members = by_period.get(key, [])
        resolve_by_sev: dict[str, list[_Sample]] = defaultdict(list)
        for sample in grouped["time_to_resolve"].get(key, []):
            resolve_by_sev[sample.severity].append(sample)
        required = [published_for[inc.id] for inc in members if inc.id in published_for]
        periods.append(TrendPeriod(
            period=key, covered_from=min(lo, hi).date(),
            covered_to=(hi - timedelta(microseconds=1)).date() if hi > lo else lo.date(),
            partial=lo > start or hi < stop, incidents=len(members),
            time_to_detect=_stats(grouped["time_to_detect"].get(key, []), detect_target, under=True),
            time_to_resolve={sev: _stats(resolve_by_sev.get(sev, []), resolve_target(config.severity(sev)),
                                         under=True)
                             for sev in severities},
            update_cadence=_cadence_stats([ok for inc in members for ok in cadence_of.get(inc.id, ())], None),
            postmortems_required=len(required), postmortems_published=sum(required),
            share_postmortems_published=_share(sum(required), len(required)),
        ))
    complete = [period for period in periods if not period.partial]
    if len(complete) < 2:
        return Trend(granularity, tuple(periods), None, None, ())
    before, latest = complete[-2], complete[-1]
    return Trend(granularity, tuple(periods), latest.period, before.period, _trend_changes(before, latest))


# --------------------------------------------------------------------------- repeat failures


def _outages_with_incidents(found: Iterable[Interval]) -> list[tuple[datetime, datetime, str, str]]:
    """The outages among one component's impact intervals merged as for MTBF (:func:`_merge`), each with the
    incident that began it and the one whose outage ended it (the later-starting one on a tie)."""
    outages = sorted((iv for iv in found if iv.impact in OUTAGE_IMPACTS), key=lambda iv: (iv.start, iv.incident_id))
    merged = _merge((iv.start, iv.end) for iv in outages)
    starts = [start for start, _ in merged]
    first: dict[int, str] = {}
    last: dict[int, tuple[datetime, str]] = {}
    for iv in outages:
        k = bisect.bisect_right(starts, iv.start) - 1
        first.setdefault(k, iv.incident_id)
        if k not in last or iv.end >= last[k][0]:
            last[k] = (iv.end, iv.incident_id)
    return [(start, end, first[k], last[k][1]) for k, (start, end) in enumerate(merged)]


def component_impacts(portal: Portal, now: datetime) -> dict[str, list[Interval]]:
    """Component id -> every impact interval of it up to ``now``, from the incidents the metrics count: the same
    for every report window (MTBF, time in outage and uptime clip them to the window), so a build finds them
    once, in one pass over the archive, not once per component and window."""
    return intervals_by_component(_counted(portal, now), now)


def outage_periods(portal: Portal, now: datetime, impacts: Mapping[str, Sequence[Interval]] | None = None
                   ) -> dict[str, list[tuple[datetime, datetime, str, str]]]:
    """Component id -> its outages up to ``now`` (:func:`_outages_with_incidents`), every component an
    incident names: the same for every report window, so a build finds them once, not once per window.
    ``impacts``: :func:`component_impacts` at the same ``now``, if already found."""
    every = _counted(portal, now)
    found = impacts if impacts is not None else intervals_by_component(every, now)
    return {cid: _outages_with_incidents(found.get(cid, ())) for cid in _component_ids(portal.config, every, None)}


def _repeat_outages(config: SitrepConfig, incidents: Sequence[Incident], window_start: datetime | None,
                    component: str | None, outages: Mapping[str, list[tuple[datetime, datetime, str, str]]]
                    ) -> tuple[ComponentRepeats, ...]:
    found = []
    for cid in _component_ids(config, incidents, component):
        periods = outages.get(cid, [])
        in_window = [k for k, (start, *_) in enumerate(periods) if window_start is None or start >= window_start]
        pairs = []
        for k in in_window:
            if k == 0:
                continue
            _, earlier_end, _, earlier = periods[k - 1]
            later_start, _, later, _ = periods[k]
            # An outage that comes back within one incident is that incident, not a repeat of it.
            if later != earlier and later_start - earlier_end <= REPEAT_WITHIN:
                pairs.append(RepeatOutage(cid, earlier, earlier_end, later, later_start, later_start - earlier_end))
        if in_window:
            found.append(ComponentRepeats(cid, _component_name(config, cid), len(in_window), len(pairs),
                                          tuple(pairs)))
    return tuple(found)


def _open_then(row: ActionItemRow, day: date) -> bool:
    """Whether an item of a postmortem dated before ``day`` (the UTC day a later incident began) was open then.

    Open today, or closed (done or dropped) on a later day than ``day``. One closed that very day may
    have been closed before or after the incident began, and a done item without a closing date at
    any time: neither counts (never a guessed date).
    """
    return row.state == "open" or (row.closed is not None and row.closed > day)


def _open_actions_at_incidents(portal: Portal, selected: Sequence[Incident], component: str | None,
                               rows_of: Callable[[Postmortem], Sequence[ActionItemRow]]
                               ) -> tuple[OpenActionsAtIncident, ...]:
    # Component -> (postmortem, its incident on that component, its items that may have been open later)
    # for postmortems with such an item: open today, or closed on a known day.
    linked: dict[str, list[tuple[Postmortem, Incident, tuple[ActionItemRow, ...]]]] = defaultdict(list)
    for pm in sorted(portal.postmortems, key=lambda p: (p.date, p.id)):
        open_items = tuple(row for row in rows_of(pm) if row.state == "open" or row.closed is not None)
        if not open_items:
            continue
        for inc_id in pm.incidents:
            inc = portal.incident(inc_id)
            if inc is not None and not inc.is_maintenance:
                for cid in inc.worst_components:
                    linked[cid].append((pm, inc, open_items))
    found = []
    for later in selected:
        day = _utc(later.start).date()
        hits: dict[str, tuple[Postmortem, dict[str, None], dict[str, None], tuple[ActionItemRow, ...]]] = {}
        for cid in later.worst_components:
            if component is not None and cid != component:
                continue
            for pm, earlier, items in linked.get(cid, ()):
                # Dated before the day the incident began: its items existed then.
                if pm.date < day and earlier.id != later.id and earlier.start < later.start:
                    open_then = tuple(row for row in items if _open_then(row, day))
                    if not open_then:
                        continue
                    _, comps, earliers, _ = hits.setdefault(pm.id, (pm, {}, {}, open_then))
                    comps[cid] = None
                    earliers[earlier.id] = None
        for pm, comps, earliers, items in sorted(hits.values(), key=lambda h: (h[0].date, h[0].id)):
            found.append(OpenActionsAtIncident(later.id, later.start, pm.id, tuple(comps), tuple(earliers), items))
    return tuple(found)


def _repeat_failures(portal: Portal, every: Sequence[Incident], selected: Sequence[Incident], now: datetime,
                     window_start: datetime | None, component: str | None,
                     parsed: Mapping[str, Sequence[ActionItemRow]] | None,
                     outages: Mapping[str, list[tuple[datetime, datetime, str, str]]]) -> RepeatFailures:
    """Repeat outages that began in the period and the period's incidents that began with action items of an
    earlier postmortem on the same component still open (see ``definitions()['repeat_failures']``)."""
    config = portal.config

    def rows_of(pm: Postmortem) -> Sequence[ActionItemRow]:
        return parsed[pm.id] if parsed is not None else action_rows([pm], now.date(), config.person)

    by_component = _repeat_outages(config, every, window_start, component, outages)
    open_actions = _open_actions_at_incidents(portal, selected, component, rows_of)
    return RepeatFailures(
        within=REPEAT_WITHIN, repeats=sum(c.repeats for c in by_component), by_component=by_component,
        incidents_with_open_action_items=len({x.incident_id for x in open_actions}),
        open_action_items=open_actions,
    )


# --------------------------------------------------------------------------- entry point


def _select(incidents: Iterable[Incident], now: datetime, window_start: datetime | None,
            component: str | None) -> list[Incident]:
    chosen = [
        inc for inc in incidents
        if not inc.is_maintenance
        and inc.start <= now
        and (window_start is None or inc.start >= window_start)
        and (component is None or component in inc.worst_components)
    ]
    return sorted(chosen, key=lambda inc: (inc.start, inc.id))


def _counted(portal: Portal, now: datetime) -> list[Incident]:
    """The records the metrics count: incidents (never maintenance) that started by ``now``."""
    return [inc for inc in portal.incidents if not inc.is_maintenance and inc.start <= now]


def compute_metrics(portal: Portal, now: datetime, window_start: datetime | None = None,
                    component: str | None = None,
                    action_items: Mapping[str, Sequence[ActionItemRow]] | None = None,
                    outages: Mapping[str, list[tuple[datetime, datetime, str, str]]] | None = None,
                    impacts: Mapping[str, Sequence[Interval]] | None = None) -> Metrics:
    """Compute every reliability metric of ``portal`` as of ``now``.

    ``now`` (timezone-aware) ends the report window and stands in for "still
    ongoing" times.  ``window_start`` keeps incidents whose start lies in
    ``[window_start, now]``; ``component`` keeps incidents that list it.  See the
    module docstring for the choices behind each metric and :func:`definitions`
    for their plain-words definitions. ``action_items`` (postmortem id -> its rows as of
    ``now``) saves parsing every postmortem body again for each report; ``impacts`` (:func:`component_impacts`
    at the same ``now``) and ``outages`` (:func:`outage_periods` from them) finding every component's impacts
    and outages again: without them, a report finds both itself, once for all its components.
    """
    _require_aware("now", now)
    _require_aware("window_start", window_start)
    now = _utc(now)
    window_start = _utc(window_start) if window_start is not None else None
    config = portal.config
    every = _counted(portal, now)
    if impacts is None:
        impacts = intervals_by_component(every, now)
    if outages is None:
        outages = outage_periods(portal, now, impacts)
    selected = _select(every, now, window_start, component)
    durations, coverage, samples_of = _durations(selected, config)
    resolve = samples_of["time_to_resolve"]
    first_update, first_coverage = _first_updates(selected, config)
    coverage["time_to_first_update"] = first_coverage
    in_scope = _postmortems_in_scope(portal, selected, window_start is not None or component is not None)
    cadence, cadence_of = _cadence(selected, config, now)
    completion, published_for = _postmortem_completion(selected, portal, now)
    observation_start = _observation_start(portal, every, now, window_start)
    # A retired component's report ends at its retirement: no month or quarter after it.
    end = reported_until(config, component, now)
    last = _last_covered(end, now)
    return Metrics(
        generated_at=now, window_start=window_start, window_end=end, component=component,
        incident_ids=tuple(inc.id for inc in selected),
        time_to_detect=durations["time_to_detect"],
        time_to_acknowledge=durations["time_to_acknowledge"],
        time_to_mitigate=durations["time_to_mitigate"],
        time_to_resolve=durations["time_to_resolve"],
        time_to_first_update=first_update,
        update_cadence=cadence,
        mtbf=_mtbf(portal, every, now, window_start, component, impacts),
        incidents_per_month=_per_month(selected, config, end, observation_start, last),
        incidents_per_component=_per_component(selected, config, component, now, observation_start),
        postmortem_completion=completion,
        action_items=_action_items(in_scope, now.date(), config.person, action_items),
        data_quality=DataQuality(coverage, tuple(inc.id for inc in selected if not inc.is_resolved)),
        resolve_time_bands=_resolve_bands(resolve),
        resolve_time_by_quarter=_by_quarter(resolve, {inc.id: inc.start for inc in selected}, end,
                                            observation_start, last),
        definitions=definitions(config),
        previous_period=_previous_period(portal, every, now, window_start, component),
        # Month by month in a rolling report; quarter by quarter over all time.
        trend=_trend(selected, config, end, last, observation_start, "month" if window_start else "quarter",
                     {name: samples_of[name] for name in ("time_to_detect", "time_to_resolve")},
                     list(durations["time_to_resolve"].by_severity), cadence_of, published_for),
        resolve_times=tuple(IncidentDuration(s.incident_id, s.severity, s.value) for s in resolve),
        repeat_failures=_repeat_failures(portal, every, selected, now, window_start, component, action_items,
                                         outages),
    )


# --------------------------------------------------------------------------- JSON


def _seconds(delta: timedelta) -> int | float:
    seconds = delta.total_seconds()
    return int(seconds) if seconds.is_integer() else seconds


def _jsonable(value: Any) -> Any:
    """Convert a result tree to JSON types, keeping field and mapping order."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.metadata.get("json", f.name): _jsonable(getattr(value, f.name)) for f in fields(value)
                if f.metadata.get("json", f.name) is not None}
    if isinstance(value, timedelta):
        return _seconds(value)
    if isinstance(value, datetime):  # before date: datetime is a date
        return iso_z(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
