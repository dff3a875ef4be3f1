"""Time is instants, not wall clocks: UTC offsets and daylight-saving changes don't leak.

* a portal whose timestamps are written with +05:30 or -08:00 offsets publishes
  exactly the same bytes (every page and file) as the same instants written in
  UTC; the times sit around midnight UTC, where a local date would differ;
* an incident across a daylight-saving change (00:30+01:00 to 03:30+02:00) lasts
  2 hours everywhere it is shown, not 3.
"""

from __future__ import annotations

import difflib
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from sitrep.derive.status import duration
from tests.support.helpers_build import PM, POSTMORTEM, RB, RUNBOOK, SMALL_NOW, load, site_bytes, write_portal

CROSSING = "incidents/2026/2026-02-10-midnight-errors.md"
CROSSING_INCIDENT = """\
---
title: Errors around midnight
severity: SEV2
started: 2026-02-10T23:30:00Z
detected: 2026-02-10T23:35:00Z
acknowledged: 2026-02-10T23:40:00Z
mitigated: 2026-02-11T00:20:00Z
components:
  publishing-api: partial_outage
  web-app: degraded_performance
runbooks: [rollback]
commander: Ana Lima
updates:
  - at: 2026-02-10T23:45:00Z
    status: investigating
    message: We are investigating errors.
  - at: 2026-02-11T00:10:00Z
    status: identified
    message: A bad deploy; rolling back.
  - at: 2026-02-11T00:40:00Z
    status: resolved
    message: Resolved.
---
Errors for an hour around midnight UTC.
"""
OPEN = "incidents/2026/2026-02-28-late-night-slowness.md"
OPEN_INCIDENT = """\
---
title: Late-night slowness
severity: SEV3
started: 2026-02-28T23:50:00Z
components:
  web-app: degraded_performance
updates:
  - at: 2026-02-28T23:55:00Z
    status: investigating
    message: Pages load slowly.
  - at: 2026-03-01T00:30:00Z
    status: identified
    message: A cache node is overloaded.
---
"""
MNT = "incidents/2026/2026-03-04-night-maintenance.md"
MAINTENANCE = """\
---
kind: maintenance
title: Night maintenance
scheduled_start: 2026-03-04T23:00:00Z
scheduled_end: 2026-03-05T01:00:00Z
components:
  database: under_maintenance
updates:
  - at: 2026-02-20T23:59:00Z
    status: scheduled
    message: We will upgrade the database overnight.
---
"""
TIME_PORTAL = {
    CROSSING: CROSSING_INCIDENT, OPEN: OPEN_INCIDENT, MNT: MAINTENANCE, RB: RUNBOOK,
    PM: POSTMORTEM.replace("incidents: [2026-02-10-api-errors]", "incidents: [2026-02-10-midnight-errors]"),
}
_TIMESTAMP = re.compile(r"(?m)^(\s*(?:- )?[a-z_]+: )(\d{4}-\d{2}-\d{2}T[0-9:]+(?:Z|[+-]\d{2}:\d{2}))$")


def with_offset(text: str, tz: timezone) -> str:
    """The same instants written with another UTC offset."""
    def rewrite(m: re.Match[str]) -> str:
        return m.group(1) + datetime.fromisoformat(m.group(2)).astimezone(tz).isoformat()

    out, n = _TIMESTAMP.subn(rewrite, text)
    assert n or "T" not in text.split("---")[1], "the records have timestamps to rewrite"
    return out


def _diff(a: dict[str, bytes], b: dict[str, bytes]) -> str:
    lines = []
    for path in sorted(set(a) | set(b)):
        if a.get(path) != b.get(path):
            lines.append(f"--- {path}")
            lines += list(difflib.unified_diff(a.get(path, b"").decode(errors="replace").splitlines(),
                                               b.get(path, b"").decode(errors="replace").splitlines(),
                                               lineterm="", n=0))[2:8]
    return "\n".join(lines)


@pytest.mark.parametrize("audience", ["public", "internal"])
@pytest.mark.parametrize("offset", [timedelta(hours=5, minutes=30), timedelta(hours=-8), timedelta(hours=14)])
def test_any_utc_offset_publishes_the_same_bytes(tmp_path: Path, offset: timedelta, audience: str) -> None:
    options = {"audience": audience}
    utc = site_bytes(write_portal(tmp_path / "utc", TIME_PORTAL, options=options))
    tz = timezone(offset)
    shifted_records = {path: with_offset(text, tz) for path, text in TIME_PORTAL.items()}
    assert shifted_records[CROSSING] != CROSSING_INCIDENT
    shifted = site_bytes(write_portal(tmp_path / "shifted", shifted_records, options=options))
    assert sorted(shifted) == sorted(utc)
    assert shifted == utc, "\n" + _diff(utc, shifted)


# --------------------------------------------------------------------------- daylight saving
DST = "incidents/2026/2026-03-29-dst-outage.md"
DST_INCIDENT = """\
---
title: Outage across the clock change
severity: SEV2
started: 2026-03-29T00:30:00+01:00
detected: 2026-03-29T00:40:00+01:00
mitigated: 2026-03-29T03:30:00+02:00
components:
  publishing-api: major_outage
updates:
  - at: 2026-03-29T00:45:00+01:00
    status: investigating
    message: The Publishing API is down.
  - at: 2026-03-29T03:30:00+02:00
    status: resolved
    message: The Publishing API is back.
---
In Paris the clocks went from 02:00 to 03:00 during the outage.
"""
DST_NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
#: The public edition has reports (metrics.json) only when it publishes them.
WITH_REPORTS = {"public_pages": ["reports"]}


def test_daylight_saving_change_inside_an_incident_lasts_two_hours(tmp_path: Path) -> None:
    root = write_portal(tmp_path, {DST: DST_INCIDENT, RB: RUNBOOK}, options=WITH_REPORTS)
    portal, diags = load(root)
    assert not diags.has_errors, diags.render()
    inc = portal.incident("2026-03-29-dst-outage")
    assert inc is not None
    assert duration(inc, DST_NOW) == timedelta(hours=2)
    assert inc.impact_end - inc.start == timedelta(hours=2)

    files = site_bytes(root, DST_NOW)
    page = files["incidents/2026-03-29-dst-outage.md"].decode()
    assert "<dt>Duration</dt><dd>2 h</dd>" in page
    assert '<time datetime="2026-03-28T23:30:00Z">' in page and '<time datetime="2026-03-29T01:30:00Z">' in page
    assert "<dd>3 h</dd>" not in page
    metrics = json.loads(files["reports/metrics.json"])
    assert metrics["time_to_resolve"]["by_severity"]["SEV2"]["max"] == 7200
    assert metrics["time_to_mitigate"]["by_severity"]["SEV2"]["max"] == 7200
    # The same incident written in UTC publishes the same bytes.
    utc = write_portal(tmp_path / "utc", {DST: with_offset(DST_INCIDENT, UTC), RB: RUNBOOK}, options=WITH_REPORTS)
    assert site_bytes(utc, DST_NOW) == files


def test_clock_change_in_the_other_direction(tmp_path: Path) -> None:
    """October: 02:30+02:00 to 02:30+01:00 is one hour, though the wall clock shows none."""
    text = (DST_INCIDENT.replace("2026-03-29T00:30:00+01:00", "2026-10-25T02:30:00+02:00")
            .replace("2026-03-29T00:40:00+01:00", "2026-10-25T02:35:00+02:00")
            .replace("2026-03-29T00:45:00+01:00", "2026-10-25T02:40:00+02:00")
            .replace("2026-03-29T03:30:00+02:00", "2026-10-25T02:30:00+01:00"))
    root = write_portal(tmp_path, {DST.replace("03-29", "10-25"): text, RB: RUNBOOK})
    portal, diags = load(root)
    assert not diags.has_errors, diags.render()
    (inc,) = portal.incidents
    assert duration(inc, SMALL_NOW + timedelta(days=300)) == timedelta(hours=1)


def test_timestamps_with_one_offset_share_one_time_zone_object(tmp_path: Path) -> None:
    """Memory: pydantic makes a tzinfo per timestamp; the loader keeps one per offset, values unchanged."""
    root = write_portal(tmp_path, {DST: DST_INCIDENT, CROSSING: CROSSING_INCIDENT, RB: RUNBOOK})
    portal, diags = load(root)
    assert not diags.has_errors, diags.render()
    crossing = portal.incident("2026-02-10-midnight-errors")
    dst = portal.incident("2026-03-29-dst-outage")
    assert crossing is not None and dst is not None
    instants = [crossing.started, crossing.detected, crossing.acknowledged, crossing.mitigated,
                *(u.at for u in crossing.updates)]
    assert len({id(t.tzinfo) for t in instants}) == 1  # every "Z" of the record: one object
    assert dst.started.utcoffset() == timedelta(hours=1) and dst.mitigated.utcoffset() == timedelta(hours=2)
    assert dst.started.tzinfo is dst.updates[0].at.tzinfo  # +01:00 in the record and in its update
    assert dst.started.tzinfo is not dst.mitigated.tzinfo
    assert dst.mitigated - dst.started == timedelta(hours=2)
