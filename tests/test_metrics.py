"""Tests for sitrep.derive.metrics: every figure is checked against a hand computation.

Fixtures are built in code (no files): small portals whose numbers can be worked
out on paper; each test states that working in comments.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from sitrep.derive.metrics import (
    Metrics,
    compute_metrics,
    definitions,
    duration_stats,
    median,
    percentile,
)
from sitrep.model.config import Component, SitrepConfig
from sitrep.model.portal import Portal
from sitrep.model.records import Incident, Postmortem

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

COMPONENTS = [Component(id="api", name="API"), Component(id="web", name="Web app"),
              Component(id="db", name="Database")]


# --------------------------------------------------------------------------- builders


def t(day: int, hour: int = 0, minute: int = 0, month: int = 3) -> datetime:
    """A moment in 2026, UTC (March unless told)."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


NOW = t(31)  # 2026-03-31T00:00Z, "today" is 2026-03-31


def incident(id_: str, start: datetime, updates: list[tuple[datetime, str]], *,
             severity: str = "SEV2", components: dict[str, str] | None = None,
             **times: Any) -> Incident:
    """An incident record; ``times`` are detected/acknowledged/mitigated/resolved/kind/..."""
    data: dict[str, Any] = {
        "id": id_, "title": id_.replace("-", " "), "severity": severity, "started": start,
        "components": components or {"api": "major_outage"},
        "updates": [{"at": at, "status": status, "message": "Update."} for at, status in updates],
    }
    data.update({k: v for k, v in times.items() if v is not None})
    return Incident.model_validate(data)


def resolved(id_: str, start: datetime, to_resolve: timedelta, **kw: Any) -> Incident:
    """An incident with one investigating update at start and a resolving one later."""
    return incident(id_, start, [(start, "investigating"), (start + to_resolve, "resolved")], **kw)


def postmortem(id_: str, incidents: list[str], on: date, status: str = "published",
               body: str = "", body_line: int = 8) -> Postmortem:
    pm = Postmortem.model_validate({"id": id_, "title": f"Postmortem {id_}", "incidents": incidents,
                                    "date": on, "authors": ["Ana"], "status": status})
    # The reader sets these private attributes from the file; do the same here.
    pm._body, pm._body_line = body, body_line
    return pm


def portal(*incidents: Incident, postmortems: tuple[Postmortem, ...] = (),
           since: date | None = None) -> Portal:
    config = SitrepConfig(components=COMPONENTS, since=since)
    return Portal(config=config, incidents=tuple(incidents), postmortems=postmortems)


# --------------------------------------------------------------------------- statistics


def test_percentile_and_median_on_one_two_and_ten_values() -> None:
    # 1 value: everything is that value.
    assert percentile([7], 90) == 7 and median([7]) == 7
    # 2 values: p90 rank = ceil(0.9 * 2) = 2 -> the larger; median = (1 + 2) / 2.
    assert percentile([2, 1], 90) == 2 and median([2, 1]) == 1.5
    # 10 values 1..10: p90 rank = ceil(9.0) = 9 -> 9; p50 rank 5 -> 5; median (5 + 6) / 2.
    ten = list(range(10, 0, -1))
    assert percentile(ten, 90) == 9
    assert percentile(ten, 50) == 5
    assert percentile(ten, 100) == 10
    assert median(ten) == 5.5
    assert percentile([], 90) is None and median([]) is None


def test_percentile_rank_is_exact_integer_arithmetic() -> None:
    # 0.9 * 70 == 63.00000000000001 in floats; the nearest rank is 63, not 64.
    assert percentile(range(1, 71), 90) == 63
    with pytest.raises(ValueError):
        percentile([1], 0)


def test_duration_stats_with_target() -> None:
    # 10, 20, 30 min against 20 min: mean 20, median 20, p90 rank ceil(2.7)=3 -> 30; 2 of 3 <= 20.
    stats = duration_stats([10 * MIN, 30 * MIN, 20 * MIN], target=20 * MIN)
    assert (stats.n, stats.mean, stats.median, stats.p90, stats.max) == (3, 20 * MIN, 20 * MIN, 30 * MIN, 30 * MIN)
    assert (stats.with_target, stats.met_target) == (3, 2)
    assert stats.share_met_target == pytest.approx(2 / 3)
    empty = duration_stats([], None)
    assert (empty.n, empty.mean, empty.p90, empty.share_met_target) == (0, None, None, None)


# --------------------------------------------------------------------------- durations


def lifecycle_portal() -> Portal:
    """A, B (SEV1), C (SEV2, no acknowledged/mitigated), D (SEV3, open)."""
    a0, b0, c0, d0 = t(2, 10), t(3, 10), t(4, 10), t(5, 10)
    return portal(
        incident("a", a0, [(a0 + 4 * MIN, "investigating"), (a0 + 50 * MIN, "resolved")], severity="SEV1",
                 detected=a0 + 3 * MIN, acknowledged=a0 + 6 * MIN, mitigated=a0 + 30 * MIN),
        incident("b", b0, [(b0 + 15 * MIN, "investigating"), (b0 + 90 * MIN, "resolved")], severity="SEV1",
                 detected=b0 + 10 * MIN, acknowledged=b0 + 12 * MIN, mitigated=b0 + 60 * MIN),
        incident("c", c0, [(c0 + 20 * MIN, "investigating"), (c0 + 200 * MIN, "resolved")],
                 detected=c0 + 2 * MIN),
        incident("d", d0, [(d0 + 30 * MIN, "investigating")], severity="SEV3", detected=d0 + MIN),
    )


def test_time_to_detect_per_severity_and_overall() -> None:
    m = compute_metrics(lifecycle_portal(), NOW)
    # SEV1: a 3 min, b 10 min -> mean 6.5, median 6.5, p90 rank 2 -> 10; target 5 min: only a.
    sev1 = m.time_to_detect.by_severity["SEV1"]
    assert (sev1.n, sev1.mean, sev1.median, sev1.p90, sev1.max) == (2, 6.5 * MIN, 6.5 * MIN, 10 * MIN, 10 * MIN)
    assert (sev1.target, sev1.met_target, sev1.share_met_target) == (5 * MIN, 1, 0.5)
    # d is open: SEV3 has no measurement, but the row is there (every configured severity is).
    assert m.time_to_detect.by_severity["SEV3"].n == 0
    assert list(m.time_to_detect.by_severity) == ["SEV1", "SEV2", "SEV3", "SEV4"]
    # Overall 2, 3, 10 min: mean 5, median 3, p90 rank ceil(2.7)=3 -> 10; 5 min for all, 2 met.
    overall = m.time_to_detect.overall
    assert (overall.n, overall.mean, overall.median, overall.p90) == (3, 5 * MIN, 3 * MIN, 10 * MIN)
    assert (overall.target, overall.with_target, overall.met_target) == (5 * MIN, 3, 2)


def test_acknowledge_mitigate_resolve() -> None:
    m = compute_metrics(lifecycle_portal(), NOW)
    # Acknowledge: a 6-3 = 3 min, b 12-10 = 2 min, both within SEV1's 5 min; c has none.
    ack = m.time_to_acknowledge
    assert (ack.by_severity["SEV1"].n, ack.by_severity["SEV1"].met_target) == (2, 2)
    assert ack.by_severity["SEV2"].n == 0 and ack.by_severity["SEV2"].target == 15 * MIN
    assert ack.overall.target is None  # differs per severity
    # Mitigate: 30 and 60 min, no target at all.
    mit = m.time_to_mitigate.overall
    assert (mit.n, mit.mean, mit.target, mit.with_target, mit.share_met_target) == (2, 45 * MIN, None, 0, None)
    # Resolve: SEV1 50, 90 min vs 1 h -> 1 met; SEV2 200 min vs 4 h -> met. Overall mean 340/3 min.
    res = m.time_to_resolve
    assert (res.by_severity["SEV1"].met_target, res.by_severity["SEV1"].target) == (1, HOUR)
    assert (res.by_severity["SEV2"].met_target, res.by_severity["SEV2"].target) == (1, 4 * HOUR)
    assert res.by_severity["SEV3"].target is None
    assert (res.overall.n, res.overall.median, res.overall.p90) == (3, 90 * MIN, 200 * MIN)
    assert res.overall.mean == 340 * MIN / 3
    assert (res.overall.with_target, res.overall.met_target) == (3, 2)


def test_data_quality_open_and_missing_timestamps() -> None:
    m = compute_metrics(lifecycle_portal(), NOW)
    dq = m.data_quality.by_metric
    # 4 incidents; d is open (left out of every duration); c lacks acknowledged and mitigated.
    assert m.data_quality.open_incidents == ("d",)
    assert dq["time_to_detect"].measured == 3
    assert dq["time_to_detect"].left_out == {"still open": 1, "missing started": 0, "missing detected": 0,
                                             "end before start": 0}
    assert dq["time_to_acknowledge"].left_out["missing acknowledged"] == 1
    assert dq["time_to_mitigate"].left_out["missing mitigated"] == 1
    assert dq["time_to_resolve"].left_out["still open"] == 1
    assert dq["time_to_resolve"].measured == 3
    for cov in dq.values():  # every selected incident is either measured or accounted for
        assert cov.measured + sum(cov.left_out.values()) == cov.considered == 4


def test_detect_and_resolve_targets_are_met_only_under_them() -> None:
    # The incident process: "MTTD < 5 minutes", "MTTR SEV-1: < 1 hour"; acknowledging is "within" 5 min.
    m = compute_metrics(portal(
        resolved("exact", t(6, 10), HOUR, severity="SEV1", detected=t(6, 10, 5), acknowledged=t(6, 10, 10)),
        resolved("under", t(7, 10), 59 * MIN, severity="SEV1", detected=t(7, 10, 4), acknowledged=t(7, 10, 8)),
    ), NOW)
    sev1 = m.time_to_resolve.by_severity["SEV1"]
    assert (sev1.met_target, sev1.with_target) == (1, 2)  # 59 min meets the 1 h target, 1 h exactly does not
    assert sev1.mean_met_target is True  # the mean, 59 min 30 s, is under it
    assert m.time_to_detect.overall.met_target == 1  # 4 min meets the 5 min target, 5 min exactly does not
    # Acknowledged 5 min (10:05 -> 10:10) and 4 min after detection: both within SEV1's 5 min.
    assert m.time_to_acknowledge.by_severity["SEV1"].met_target == 2
    assert duration_stats([5 * MIN], 5 * MIN).met_target == 1
    assert duration_stats([5 * MIN], 5 * MIN, under=True).met_target == 0


def test_zero_duration_kept_and_end_before_start_left_out() -> None:
    e0, f0, g0 = t(6, 10), t(7, 10), t(8, 10)
    m = compute_metrics(portal(
        # e: detected == started -> time to detect 0, kept and counted.
        resolved("e", e0, 30 * MIN, detected=e0, acknowledged=e0 + 5 * MIN),
        # f: acknowledged 3 min after start but detected at 5 min -> acknowledge ends before it starts.
        resolved("f", f0, 30 * MIN, detected=f0 + 5 * MIN, acknowledged=f0 + 3 * MIN),
        # g: no detected -> missing for detect, and acknowledge has no start.
        resolved("g", g0, 30 * MIN, severity="SEV3", acknowledged=g0 + 10 * MIN),
    ), NOW)
    detect = m.data_quality.by_metric["time_to_detect"]
    assert (detect.measured, detect.zero_duration, detect.left_out["missing detected"]) == (2, 1, 1)
    # The zero is part of the statistics: (0 + 5) / 2 = 2.5 min. The process's "MTTD < 5 minutes": the zero
    # meets it, exactly 5 min does not.
    assert m.time_to_detect.overall.mean == 2.5 * MIN
    assert m.time_to_detect.overall.met_target == 1
    ack = m.data_quality.by_metric["time_to_acknowledge"]
    assert ack.measured == 1
    assert ack.left_out == {"still open": 0, "missing detected": 1, "missing acknowledged": 0,
                            "end before start": 1}


# --------------------------------------------------------------------------- communication


def communication_portal() -> Portal:
    h0, i0, j0, k0 = t(10, 9), t(30, 22), t(12, 9), t(14, 9)
    return portal(
        # h SEV1: first update 9:12 - detected 9:05 = 7 min; gaps 10, 30 (> 15), 10 min.
        incident("h", h0, [(t(10, 9, 12), "investigating"), (t(10, 9, 22), "identified"),
                           (t(10, 9, 52), "monitoring"), (t(10, 10, 2), "resolved")],
                 severity="SEV1", detected=t(10, 9, 5)),
        # i SEV2, open: first update 22:40 - 22:10 = 30 min (exactly the target); gaps 20 min, then
        # 23:00 -> now 00:30 = 90 min (> 30), ongoing.
        incident("i", i0, [(t(30, 22, 40), "investigating"), (t(30, 23), "identified")],
                 detected=t(30, 22, 10)),
        # j SEV3 without detected: first update from started, 90 min (> 1 h); gap 90 min (< 4 h).
        incident("j", j0, [(t(12, 10, 30), "investigating"), (t(12, 12), "resolved")], severity="SEV3"),
        # k SEV2 reopened: gaps 20 min, (closed 9:30-15:00: no update owed), 20 min.
        incident("k", k0, [(t(14, 9, 10), "investigating"), (t(14, 9, 30), "resolved"),
                           (t(14, 15), "investigating"), (t(14, 15, 20), "resolved")], detected=k0),
    )


def test_time_to_first_update() -> None:
    m = compute_metrics(communication_portal(), t(31, 0, 30))
    first = m.time_to_first_update
    # SEV1 [7 min] vs 15; SEV2 [30 (i, open counts), 10 (k)] vs 30 -> both; SEV3 [90] vs 60 -> missed.
    assert (first.by_severity["SEV1"].max, first.by_severity["SEV1"].met_target) == (7 * MIN, 1)
    assert (first.by_severity["SEV2"].n, first.by_severity["SEV2"].met_target) == (2, 2)
    assert (first.by_severity["SEV3"].median, first.by_severity["SEV3"].met_target) == (90 * MIN, 0)
    assert (first.overall.n, first.overall.with_target, first.overall.met_target) == (4, 4, 3)
    notes = m.data_quality.by_metric["time_to_first_update"].notes
    assert notes == {"no detected: measured from started": 1}


def test_update_cadence_and_worst_gaps() -> None:
    now = t(31, 0, 30)
    cadence = compute_metrics(communication_portal(), now).update_cadence
    # SEV1 h: 3 intervals, 2 within. SEV2 i: 20 ok, 90 late; k: 20, 20 -> 4 intervals, 3 within.
    # SEV3 j: 1 within. Overall 8 intervals, 6 within.
    assert (cadence.by_severity["SEV1"].intervals, cadence.by_severity["SEV1"].within_cadence) == (3, 2)
    assert (cadence.by_severity["SEV2"].intervals, cadence.by_severity["SEV2"].within_cadence) == (4, 3)
    assert cadence.by_severity["SEV2"].allowed == 30 * MIN
    assert (cadence.by_severity["SEV3"].intervals, cadence.by_severity["SEV3"].within_cadence) == (1, 1)
    assert (cadence.overall.intervals, cadence.overall.within_cadence) == (8, 6)
    assert cadence.overall.share_within_cadence == 0.75
    # Worst first by overrun ratio: i 90/30 = 3.0 (still open, up to now), then h 30/15 = 2.0.
    worst = [(g.incident_id, g.from_, g.to, g.gap, g.allowed, g.ongoing) for g in cadence.worst_gaps]
    assert worst == [("i", t(30, 23), now, 90 * MIN, 30 * MIN, True),
                     ("h", t(10, 9, 22), t(10, 9, 52), 30 * MIN, 15 * MIN, False)]


# --------------------------------------------------------------------------- MTBF


def reliability_portal(since: date | None = date(2026, 3, 1)) -> Portal:
    return portal(
        # api: x 10:00-12:00 (impact ends at mitigated) and y 11:00-14:00 overlap -> one
        # failure, 4 h. w 00:00-02:00 -> a second one, 2 h. z is only degraded.
        incident("x", t(10, 10), [(t(10, 10, 5), "investigating"), (t(10, 13), "resolved")],
                 severity="SEV1", mitigated=t(10, 12)),
        incident("y", t(10, 11), [(t(10, 11, 5), "investigating"), (t(10, 14), "resolved")],
                 components={"api": "partial_outage"}),
        incident("z", t(20, 10), [(t(20, 10, 5), "investigating"), (t(20, 11), "resolved")],
                 severity="SEV3", components={"api": "degraded_performance", "web": "degraded_performance"}),
        incident("w", t(25, 0), [(t(25, 0, 5), "investigating"), (t(25, 3), "resolved")],
                 mitigated=t(25, 2)),
        # db: bnd spans the window start (Feb 28 22:00 -> Mar 1 02:00): 2 h inside the window.
        incident("bnd", t(28, 22, month=2), [(t(28, 22, 10, month=2), "investigating"),
                                             (t(1, 3), "resolved")],
                 severity="SEV1", components={"db": "major_outage"}, mitigated=t(1, 2)),
        # db: still open since Mar 30 12:00 -> 12 h of downtime up to now.
        incident("open-db", t(30, 12), [(t(30, 12, 5), "investigating")],
                 components={"db": "partial_outage"}),
        # Maintenance never counts, even as an outage-looking component state.
        incident("maint", t(15, 1), [(t(15, 1), "in_progress"), (t(15, 5), "completed")], kind="maintenance",
                 severity=None, components={"web": "under_maintenance"},
                 scheduled_start=t(15, 1), scheduled_end=t(15, 5)),
        since=since,
    )


def test_mtbf_merges_overlaps_and_clips_to_window() -> None:
    m = compute_metrics(reliability_portal(), NOW)
    rows = {r.component: r for r in m.mtbf}
    assert list(rows) == ["api", "web", "db"]
    api = rows["api"]
    # Window Mar 1 00:00 -> Mar 31 00:00 = 30 d = 720 h; downtime 4 + 2 = 6 h; 2 failures.
    assert (api.observed, api.downtime, api.failures) == (30 * DAY, 6 * HOUR, 2)
    assert api.outage_incidents == ("w", "x", "y")
    assert api.mtbf == (720 - 6) * HOUR / 2  # 357 h
    assert api.display == "14 d 21 h"
    db = rows["db"]
    # bnd clipped to 00:00-02:00 (2 h) + open outage 12 h = 14 h; (720 - 14) / 2 = 353 h.
    assert (db.downtime, db.failures, db.mtbf) == (14 * HOUR, 2, 353 * HOUR)
    assert db.outage_incidents == ("bnd", "open-db")


def test_a_retired_component_is_observed_until_its_retirement_day() -> None:
    base = reliability_portal()
    # web retired on Mar 21: observed Mar 1 00:00 -> Mar 21 00:00 = 20 days, not 30 (the days after it
    # are not uptime); db retired on Feb 1, before the window: left out.
    retired = {"web": date(2026, 3, 21), "db": date(2026, 2, 1)}
    components = [c.model_copy(update={"retired": retired.get(c.id)}) for c in COMPONENTS]
    config = SitrepConfig(components=components, since=date(2026, 3, 1))
    p = Portal(config=config, incidents=tuple(inc for inc in base.incidents
                                               if "db" not in inc.worst_components),
               postmortems=())
    m = compute_metrics(p, NOW)
    rows = {r.component: r for r in m.mtbf}
    assert list(rows) == ["api", "web"]
    # Nor is it in the incident counts per component: it had nothing to count in the window.
    assert [c.component for c in m.incidents_per_component] == ["api", "web"]
    web = rows["web"]
    assert (web.observation_end, web.observed, web.display) == (t(21), 20 * DAY, "no failures in 20 days")
    assert rows["api"].observed == 30 * DAY  # in service: the whole window
    assert "retired component" in definitions(config)["mtbf"]


def test_component_without_outage_shows_days_without_failure() -> None:
    web = compute_metrics(reliability_portal(), NOW).mtbf[1]
    # Only a degraded incident and a maintenance: no failure in the 30-day window.
    assert (web.component, web.failures, web.mtbf, web.downtime) == ("web", 0, None, timedelta(0))
    assert web.days_without_failure == 30
    assert web.display == "no failures in 30 days"


def test_observation_window_defaults_to_the_first_day_of_the_first_incident() -> None:
    web = compute_metrics(reliability_portal(since=None), NOW).mtbf[1]
    # Earliest incident start Feb 28 22:00: the portal's first day is Feb 28 (as the status page's uptime),
    # so the window is Feb 28 00:00 -> Mar 31 00:00 = 31 days.
    assert web.observation_start == t(28, 0, month=2)
    assert web.observed == 31 * DAY
    assert web.display == "no failures in 31 days"


def test_window_boundary_incident_clipped_for_downtime_but_not_selected() -> None:
    m = compute_metrics(reliability_portal(), NOW, window_start=t(1))
    # bnd started before the window: not among the incidents measured ...
    assert "bnd" not in m.incident_ids
    assert m.time_to_resolve.by_severity["SEV1"].n == 1  # only x
    # ... but its 2 h inside the window are still db downtime, and one failure.
    db = m.mtbf[2]
    assert (db.observation_start, db.downtime, db.failures) == (t(1), 14 * HOUR, 2)


def test_window_is_inclusive_and_ignores_the_future() -> None:
    p = portal(resolved("on-start", t(10), HOUR), resolved("on-now", t(20), timedelta(0)),
               resolved("before", t(9, 23, 59), HOUR), resolved("future", t(20, 0, 1), HOUR))
    m = compute_metrics(p, t(20), window_start=t(10))
    assert m.incident_ids == ("on-start", "on-now")


# --------------------------------------------------------------------------- counts


def test_incident_counts_per_month_and_component() -> None:
    m = compute_metrics(reliability_portal(), NOW)
    months = {c.month: (c.total, dict(c.by_severity)) for c in m.incidents_per_month}
    # Feb: bnd (SEV1). Mar: x SEV1; y, w, open-db SEV2; z SEV3. Maintenance excluded.
    assert months == {"2026-02": (1, {"SEV1": 1, "SEV2": 0, "SEV3": 0, "SEV4": 0}),
                      "2026-03": (5, {"SEV1": 1, "SEV2": 3, "SEV3": 1, "SEV4": 0})}
    per = {c.component: (c.total, dict(c.by_impact)) for c in m.incidents_per_component}
    assert per["api"] == (4, {"degraded_performance": 1, "partial_outage": 1, "major_outage": 2})
    assert per["web"] == (1, {"degraded_performance": 1, "partial_outage": 0, "major_outage": 0})
    assert per["db"] == (2, {"degraded_performance": 0, "partial_outage": 1, "major_outage": 1})


def test_component_filter() -> None:
    m = compute_metrics(reliability_portal(), NOW, component="web")
    assert m.incident_ids == ("z",)  # the maintenance on web is not an incident
    assert [r.component for r in m.mtbf] == ["web"]
    assert [c.component for c in m.incidents_per_component] == ["web"]


# --------------------------------------------------------------------------- postmortems


def test_postmortem_completion_within_and_after_seven_days() -> None:
    incidents = (
        resolved("p1", t(10, 12), HOUR, severity="SEV1"),          # resolved Mar 10
        resolved("p2", t(10, 22), 90 * MIN),                       # resolved Mar 10 23:30
        resolved("p3", t(12, 9), HOUR, severity="SEV1"),           # resolved Mar 12
        resolved("p4", t(20, 9), HOUR),                            # resolved Mar 20
        resolved("p5", t(21, 9), HOUR, severity="SEV3"),           # SEV3: no postmortem required
        incident("p6", t(22, 9), [(t(22, 9), "investigating")], severity="SEV1"),  # open
        resolved("p7", t(1, 9), HOUR),                             # resolved Mar 1
        resolved("p8", t(25, 9), HOUR),                            # resolved Mar 25: due Apr 1, not yet
    )
    pms = (
        postmortem("pm-p1", ["p1"], date(2026, 3, 17)),             # 10 + 7 = 17: on time
        postmortem("pm-p2", ["p2"], date(2026, 3, 18)),             # 8 days: late
        postmortem("pm-p2-draft", ["p2"], date(2026, 3, 12), status="draft"),
        postmortem("pm-p3", ["p3"], date(2026, 3, 14), status="draft"),  # not published
        postmortem("pm-p7-late", ["p7"], date(2026, 3, 11)),        # 10 days ...
        postmortem("pm-p7", ["p7"], date(2026, 3, 4)),              # ... but this one after 3
    )
    m = compute_metrics(portal(*incidents, postmortems=pms), NOW)
    pc = m.postmortem_completion
    # Required: p1, p2, p3, p4, p7, p8 (resolved SEV1/SEV2). Published: p1, p2, p7. On time: p1, p7.
    assert pc.required_severities == ("SEV1", "SEV2")
    assert (pc.required, pc.published, pc.published_within_7_days) == (6, 3, 2)
    assert pc.share_published == 0.5
    assert pc.share_within_7_days == pytest.approx(2 / 3)
    # The week is the process's policy: p8, resolved 6 days ago, can still be on time. Of the 5 due, 2 were.
    assert (pc.due, pc.not_yet_due, pc.share_within_7_days_of_due) == (5, 1, 0.4)
    # The trend's "postmortems published" counts the due ones too: 3 of 5 in the quarter, p8 not yet.
    quarter = m.trend.periods[-1]
    assert (quarter.period, quarter.postmortems_published, quarter.postmortems_required) == ("2026-Q1", 3, 5)
    assert pc.published_late == ("p2",)
    missing = [(mp.incident_id, mp.severity, mp.resolved_at, mp.days_since_resolution, mp.postmortem_status,
                mp.due_on, mp.not_yet_due) for mp in pc.missing]
    # Days since resolution: Mar 31 - Mar 12 = 19, Mar 31 - Mar 20 = 11, Mar 31 - Mar 25 = 6.
    assert missing == [("p3", "SEV1", t(12, 10), 19, "draft", date(2026, 3, 19), False),
                       ("p4", "SEV2", t(20, 10), 11, None, date(2026, 3, 27), False),
                       ("p8", "SEV2", t(25, 10), 6, None, date(2026, 4, 1), True)]


ACTIONS_A = """\
# Postmortem

## Summary

Text.

## Action Items

- [ ] Add an alert on pool saturation - @ana - 2026-03-20
- [ ] Write the failover runbook - @ben - 2026-04-15
- [ ] Tune the pool size - @ana - 2026-03-31
- [x] Roll back the proxy config - @ana - 2026-03-11
- [-] Rewrite the proxy in Rust - @ben - 2026-06-01
- [ ] Review the dashboards

| Action | Owner | Due | Status |
|---|---|---|---|
| Add a canary | @cy | 2026-03-01 | Done |
"""

ACTIONS_B = """\
## Action Items

- [ ] Add a load test - @cy - 2026-03-30
"""


def action_portal() -> Portal:
    return portal(
        resolved("api-down", t(10), HOUR), resolved("db-slow", t(20), HOUR),
        postmortems=(postmortem("pm-b", ["db-slow"], date(2026, 3, 25), status="draft", body=ACTIONS_B),
                     postmortem("pm-a", ["api-down"], date(2026, 3, 12), body=ACTIONS_A)),
    )


def test_action_items_overdue_done_and_wont_do() -> None:
    ai = compute_metrics(action_portal(), NOW).action_items
    # Today is 2026-03-31. Open: pool alert (due 03-20, overdue), runbook (04-15), pool size
    # (due today: not overdue), dashboards (no due), load test (03-30, overdue) = 5 open, 2 overdue.
    # Done: proxy config, canary = 2. Won't do: Rust rewrite = 1.
    assert (ai.total, ai.open, ai.done, ai.wont_do, ai.overdue) == (8, 5, 2, 1, 2)
    # Completion = done / (open + done) = 2 / 7; the won't-do item is left out.
    assert ai.completion_rate == pytest.approx(2 / 7)
    # Open ages: 4 items of pm-a (03-12 -> 19 days) and 1 of pm-b (03-25 -> 6 days): median 19.
    assert ai.median_open_age_days == 19.0
    owners = {o.owner: (o.open, o.overdue, o.done, o.wont_do) for o in ai.by_owner}
    assert owners == {"(unassigned)": (1, 0, 0, 0), "ana": (2, 1, 1, 0), "ben": (1, 0, 0, 1),
                      "cy": (1, 1, 1, 0)}
    assert [o.owner for o in ai.by_owner] == ["(unassigned)", "ana", "ben", "cy"]
    # Items by postmortem date (pm-a first), then file line; lines are file lines.
    first = ai.items[0]
    assert (first.postmortem_id, first.line, first.owner, first.due, first.overdue) == (
        "pm-a", 16, "ana", date(2026, 3, 20), True)
    assert [i.postmortem_id for i in ai.items] == ["pm-a"] * 7 + ["pm-b"]
    assert [(i.state, i.overdue) for i in ai.items if i.text == "Tune the pool size"] == [("open", False)]


def test_people_aliases_merge_owners_in_the_internal_edition_only() -> None:
    base = action_portal()
    people = {"ana": "Ana Lima", "@Ben": "Ben Okoro"}
    internal = dataclasses.replace(base, config=base.config.model_copy(
        update={"people": people, "audience": "internal"}), _index={})
    owners = {o.owner: (o.open, o.overdue, o.done, o.wont_do)
              for o in compute_metrics(internal, NOW).action_items.by_owner}
    # "ana" and "ben" are written as handles in the postmortems; "cy" has no alias.
    assert owners == {"(unassigned)": (1, 0, 0, 0), "Ana Lima": (2, 1, 1, 0), "Ben Okoro": (1, 0, 0, 1),
                      "cy": (1, 1, 1, 0)}
    # The public edition shows owners as written: it never publishes a name the text does not.
    public = dataclasses.replace(internal, config=internal.config.model_copy(update={"audience": "public"}),
                                 _index={})
    assert {o.owner for o in compute_metrics(public, NOW).action_items.by_owner} == {
        "(unassigned)", "ana", "ben", "cy"}


def test_action_items_follow_the_filter() -> None:
    # With a component filter only postmortems of selected incidents count: none affect "web".
    assert compute_metrics(action_portal(), NOW, component="web").action_items.total == 0
    # A window from Mar 15 keeps db-slow and so pm-b only.
    assert compute_metrics(action_portal(), NOW, window_start=t(15)).action_items.total == 1


# --------------------------------------------------------------------------- resolve time


def test_resolve_time_bands_at_exact_boundaries_and_quarters() -> None:
    jan, feb, mar, apr = (datetime(2026, month, 2, tzinfo=UTC) for month in (1, 2, 3, 4))
    p = portal(
        resolved("q1-a", jan, HOUR),                    # exactly 1 h -> within 1 hour
        resolved("q1-b", feb, HOUR + MIN),              # -> within 1 day
        resolved("q1-c", mar, DAY),                     # exactly 1 d -> within 1 day
        resolved("q2-a", apr, DAY + MIN),               # -> within 1 week
        resolved("q2-b", apr + DAY, 7 * DAY),           # exactly 1 w -> within 1 week
        resolved("q2-c", apr + 2 * DAY, 7 * DAY + MIN),  # -> longer
    )
    m = compute_metrics(p, datetime(2026, 5, 1, tzinfo=UTC))
    bands = {b.name: (b.count, b.share) for b in m.resolve_time_bands.bands}
    assert m.resolve_time_bands.n == 6
    assert bands == {"within_1_hour": (1, 1 / 6), "within_1_day": (2, 2 / 6),
                     "within_1_week": (2, 2 / 6), "longer": (1, 1 / 6)}
    quarters = [(q.quarter, q.n, q.median, q.p90) for q in m.resolve_time_by_quarter]
    # Q1: 60 min, 61 min, 1 d -> median 61 min, p90 rank 3 -> 1 d. Q2: 1 d 1 min, 7 d, 7 d 1 min.
    assert quarters == [("2026-Q1", 3, HOUR + MIN, DAY), ("2026-Q2", 3, 7 * DAY, 7 * DAY + MIN)]


# --------------------------------------------------------------------------- JSON and API


def full_portal(reverse: bool = False) -> Portal:
    parts = [*lifecycle_portal().incidents, *communication_portal().incidents,
             *reliability_portal().incidents, *action_portal().incidents]
    pms = list(action_portal().postmortems)
    if reverse:
        parts.reverse()
        pms.reverse()
    return portal(*parts, postmortems=tuple(pms), since=date(2026, 3, 1))


def test_to_json_is_json_ready_and_stable() -> None:
    now = t(31, 0, 30)
    first = json.dumps(compute_metrics(full_portal(), now).to_json(), sort_keys=True)
    again = json.dumps(compute_metrics(full_portal(), now).to_json(), sort_keys=True)
    reordered = json.dumps(compute_metrics(full_portal(reverse=True), now).to_json(), sort_keys=True)
    assert first == again == reordered
    # Key order is part of the contract too (field order), not only sorted output.
    unsorted = [json.dumps(compute_metrics(full_portal(r), now).to_json()) for r in (False, True)]
    assert unsorted[0] == unsorted[1]
    data = json.loads(first)
    assert data["generated_at"] == "2026-03-31T00:30:00Z"
    assert data["time_to_detect"]["overall"]["target"] == 300  # seconds
    # Worst gap: open SEV3 incident d, silent since Mar 5 10:30 against a 4-hour cadence.
    assert data["update_cadence"]["worst_gaps"][0] == {
        "incident_id": "d", "severity": "SEV3", "from": "2026-03-05T10:30:00Z", "to": "2026-03-31T00:30:00Z",
        "gap": (25 * DAY + 14 * HOUR).total_seconds(), "allowed": 4 * 3600, "ongoing": True}
    assert data["action_items"]["items"][0]["due"] == "2026-03-20"
    assert data["definitions"] == definitions(full_portal().config)


def test_json_datetimes_are_utc_with_z() -> None:
    plus2 = timezone(timedelta(hours=2))
    start = datetime(2026, 3, 10, 12, 0, tzinfo=plus2)  # 10:00 UTC
    m = compute_metrics(portal(resolved("tz", start, HOUR)), datetime(2026, 3, 31, 2, tzinfo=plus2))
    data = m.to_json()
    assert data["generated_at"] == "2026-03-31T00:00:00Z"
    assert data["mtbf"][0]["observation_start"] == "2026-03-10T00:00:00Z"  # the UTC day of the first start


def test_top_level_keys_and_definitions() -> None:
    data = compute_metrics(lifecycle_portal(), NOW).to_json()
    meta = ["generated_at", "window_start", "window_end", "component", "incident_ids"]
    metric_keys = [f.name for f in dataclasses.fields(Metrics) if f.name not in (*meta, "definitions", "resolve_times")]
    assert list(data) == [*meta, *metric_keys, "units", "definitions"]
    # Every metric in the JSON has a plain-words definition under the same key.
    defined = data["definitions"]
    assert set(metric_keys) <= set(defined)
    assert set(defined) - set(metric_keys) == {"statistics", "downtime"}
    assert all(len(text) > 80 for text in defined.values())


def test_maintenance_and_naive_now() -> None:
    m = compute_metrics(reliability_portal(), NOW)
    assert "maint" not in m.incident_ids
    with pytest.raises(ValueError, match="timezone-aware"):
        compute_metrics(reliability_portal(), datetime(2026, 3, 31))


def test_empty_portal() -> None:
    m = compute_metrics(portal(), NOW)
    assert m.incident_ids == () and m.incidents_per_month == () and m.resolve_time_by_quarter == ()
    assert m.time_to_resolve.overall.n == 0 and m.postmortem_completion.share_published is None
    assert m.mtbf[0].display == "no failures in 0 days"
    json.dumps(m.to_json())


# --------------------------------------------------------------------------- trend


def test_trend_groups_the_reports_own_measurements_by_quarter_and_compares_complete_quarters() -> None:
    # Portal from 2025-07-01 (since); now 2026-03-31T00:00Z. All time -> quarters 2025-Q3, 2025-Q4
    # (complete) and 2026-Q1 (Jan 1 - Mar 30 covered, partial: it runs to Mar 31 24:00).
    # 2025-Q3: a SEV1 detected after 10 min, resolved in 2 h (target 1 h: missed); a SEV2 detected
    #   after 4 min 50 s, resolved in 3 h (4 h target: met). MTTD mean (10 min + 4 min 50 s) / 2 =
    #   7 min 25 s -> shown "7 min".
    # 2025-Q4: a SEV1 detected after 7 min 10 s (shown "7 min", as the Q3 mean: "same" though the
    #   seconds differ), resolved in 50 min (met). One incident against two: fewer, so "better".
    # 2026-Q1: one SEV2 still open: counted as an incident, in no duration.
    q3a = resolved("q3-sev1", datetime(2025, 8, 1, 9, 0, tzinfo=UTC), 2 * HOUR, severity="SEV1",
                   detected=datetime(2025, 8, 1, 9, 10, tzinfo=UTC))
    q3b = resolved("q3-sev2", datetime(2025, 9, 30, 20, 0, tzinfo=UTC), 3 * HOUR,
                   detected=datetime(2025, 9, 30, 20, 4, 50, tzinfo=UTC))
    q4 = resolved("q4-sev1", datetime(2025, 11, 5, 12, 0, tzinfo=UTC), 50 * MIN, severity="SEV1",
                  detected=datetime(2025, 11, 5, 12, 7, 10, tzinfo=UTC))
    q1 = incident("q1-open", t(20), [(t(20), "investigating")])
    m = compute_metrics(portal(q3a, q3b, q4, q1, since=date(2025, 7, 1)), NOW)
    trend = m.trend
    assert trend.granularity == "quarter"
    assert [(p.period, p.partial, p.incidents) for p in trend.periods] == [
        ("2025-Q3", False, 2), ("2025-Q4", False, 1), ("2026-Q1", True, 1)]
    assert (trend.periods[2].covered_from, trend.periods[2].covered_to) == (date(2026, 1, 1), date(2026, 3, 30))
    q3_period = trend.periods[0]
    assert q3_period.time_to_detect.mean == 7 * MIN + 25 * timedelta(seconds=1)
    assert q3_period.time_to_detect.mean_met_target is False  # 7 min 25 s > 5 min
    assert q3_period.time_to_resolve["SEV1"].mean == 2 * HOUR
    assert q3_period.time_to_resolve["SEV1"].mean_met_target is False
    assert q3_period.time_to_resolve["SEV2"].mean_met_target is True
    assert (trend.latest, trend.before) == ("2025-Q4", "2025-Q3")
    changes = {(c.figure, c.severity): (c.before, c.latest, c.direction) for c in trend.changes}
    assert changes[("incidents", None)] == (2, 1, "better")
    assert changes[("time_to_detect", None)][2] == "same"  # 7 min 25 s and 7 min 10 s both read "7 min"
    assert changes[("time_to_resolve", "SEV1")] == (2 * HOUR, 50 * MIN, "better")
    # SEV2 was resolved in Q3 only: listed, not compared. SEV3/SEV4 had none in either: not listed.
    assert changes[("time_to_resolve", "SEV2")] == (3 * HOUR, None, None)
    assert ("time_to_resolve", "SEV3") not in changes
    # Each period's incidents add up to the report's.
    assert sum(p.incidents for p in trend.periods) == len(m.incident_ids)
    # The JSON carries it, durations in seconds.
    data = json.loads(json.dumps(m.to_json()))
    assert data["trend"]["periods"][0]["time_to_detect"]["mean"] == 445
    assert data["trend"]["changes"][0] == {"figure": "incidents", "severity": None, "before": 2, "latest": 1,
                                           "direction": "better"}
    assert "trend" in data["definitions"]


def test_trend_of_a_rolling_report_is_monthly_and_shares_compare_as_whole_percentages() -> None:
    # Last 90 days from NOW (2026-03-31): 2025-12-31 00:00 -> months 2025-12 (day 31 only), 2026-01
    # and 2026-02 (complete), 2026-03 (days 1-30). Cadence of SEV2 is 30 min.
    # January: updates at 0, 20, 40 min, resolved at 70 min: gaps 20, 20 (on time), 30 (on time,
    #   "at most") -> 3 of 3 = 100%.
    # February: updates 0, 20, resolved at 60: gaps 20 (on time), 40 (late) -> 1 of 2 = 50%: worse.
    jan = incident("jan", t(10, 9, month=1), [(t(10, 9, month=1), "investigating"),
                                              (t(10, 9, 20, month=1), "identified"),
                                              (t(10, 9, 40, month=1), "monitoring"),
                                              (t(10, 10, 10, month=1), "resolved")])
    feb = incident("feb", t(10, 9, month=2), [(t(10, 9, month=2), "investigating"),
                                              (t(10, 9, 20, month=2), "identified"),
                                              (t(10, 10, 0, month=2), "resolved")])
    # With no since: the portal starts on its first incident's day (Jan 10): give it an earlier one.
    m = compute_metrics(portal(jan, feb, since=date(2025, 1, 1)), NOW, window_start=NOW - 90 * DAY)
    trend = m.trend
    assert trend.granularity == "month"
    assert [p.period for p in trend.periods] == ["2025-12", "2026-01", "2026-02", "2026-03"]
    assert [p.partial for p in trend.periods] == [True, False, False, True]
    assert [(p.update_cadence.within_cadence, p.update_cadence.intervals) for p in trend.periods] == [
        (0, 0), (3, 3), (1, 2), (0, 0)]
    changes = {c.figure: c for c in trend.changes}
    assert (changes["update_cadence"].before, changes["update_cadence"].latest) == (1.0, 0.5)
    assert changes["update_cadence"].direction == "worse"
    assert changes["incidents"].direction == "same"  # 1 and 1
    # SEV2 has a resolve target, so each resolved SEV2 requires a postmortem; none is published: 0% both.
    assert (changes["postmortems_published"].before, changes["postmortems_published"].latest) == (0.0, 0.0)
    assert changes["postmortems_published"].direction == "same"


def test_trend_compares_shares_as_the_page_shows_them() -> None:
    # January: one SEV2 with 201 updates: 199 gaps of 20 min (on time) and one of 40 min (late):
    #   199 of 200 = 99.5%, shown "99%" (never 100% unless all). February: 198 of 200 = 99%, shown
    #   "99%". The raw shares differ, the page shows the same figure: "same", not "worse".
    def long_incident(id_: str, month: int, late: int) -> Incident:
        start = t(1, month=month)
        gaps = [40 * MIN] * late + [20 * MIN] * (200 - late)
        moments = [start + sum(gaps[:k], timedelta(0)) for k in range(201)]
        return incident(id_, start, [(at, "investigating") for at in moments[:-1]] + [(moments[-1], "resolved")])

    m = compute_metrics(portal(long_incident("jan", 1, 1), long_incident("feb", 2, 2), since=date(2025, 1, 1)),
                        NOW, window_start=NOW - 90 * DAY)
    cadence = {p.period: p.update_cadence for p in m.trend.periods}
    assert (cadence["2026-01"].within_cadence, cadence["2026-02"].within_cadence) == (199, 198)
    change = next(c for c in m.trend.changes if c.figure == "update_cadence")
    assert (change.before, change.latest, change.direction) == (199 / 200, 198 / 200, "same")
