"""Escalation and de-escalation during an incident, recorded with `sitrep update`.

One incident on 2026-02-10, written through the real CLI:

* 10:00 impact starts (declared 10:05 as SEV2, Publishing API partial outage);
* 10:30 escalated to SEV1: Publishing API major outage, Database degraded;
* 11:00 de-escalated to SEV2: Publishing API partial outage, Database recovered;
* 12:00 mitigated, 12:30 resolved.

Hand-computed figures below (downtime = major x1 + partial x0.3, each impact for the
time it held): Publishing API 30 min x 0.3 + 30 min + 60 min x 0.3 = 57 min, so the
day's uptime is 100 x (1 - 57/1440) = 96.0417 %. Counting the declared impact for the
whole incident would give 36 min, the worst one 120 min.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner, Result

from sitrep.cli import main
from sitrep.derive.metrics import compute_metrics
from sitrep.derive.status import component_statuses, next_update_due
from sitrep.derive.uptime import uptime_days
from tests.support.helpers_build import load, site_bytes, write_portal

ID = "2026-02-10-publishing-api-errors"
REL = f"incidents/2026/{ID}.md"


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 2, 10, hour, minute, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sitrep(root: Path, *args: str, now: datetime) -> Result:
    result = CliRunner().invoke(main, [*args, "-f", str(root / "mkdocs.yml"), "--now", iso(now)])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def portal_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_portal(tmp_path_factory.mktemp("escalation"))
    sitrep(root, "new", "incident", "--title", "Publishing API errors", "--severity", "SEV2",
           "--component", "publishing-api=partial", "--started", iso(at(10)), "--detected", iso(at(10, 2)),
           "--acknowledged", iso(at(10, 4)), "--at", iso(at(10, 5)), now=at(10, 5))
    sitrep(root, "update", ID, "--severity", "SEV1", "--component", "publishing-api=major",
           "--component", "database=degraded", "--message", "Publishing is failing for all customers.",
           "--at", iso(at(10, 30)), now=at(10, 30))
    sitrep(root, "update", ID, "--status", "identified", "--severity", "sev2", "--component",
           "publishing-api=partial", "--component", "database=operational", "--message",
           "A bad release is being rolled back; most requests succeed again.", "--at", iso(at(11)), now=at(11))
    sitrep(root, "resolve", ID, "--mitigated", iso(at(12)), "--at", iso(at(12, 30)), now=at(12, 30))
    return root


def test_the_cli_writes_each_change_as_an_update(portal_root: Path) -> None:
    portal, diags = load(portal_root)
    assert not diags.items, diags.render()
    inc = portal.incident(ID)
    assert inc is not None
    assert (inc.severity, inc.components) == ("SEV2", {"publishing-api": "partial_outage"})  # as declared
    assert [(u.severity, u.components) for u in inc.updates] == [
        (None, None),
        ("SEV1", {"publishing-api": "major_outage", "database": "degraded_performance"}),
        ("SEV2", {"publishing-api": "partial_outage", "database": "operational"}),  # normalised from sev2
        (None, None),
    ]
    text = (portal_root / REL).read_text(encoding="utf-8")
    assert "    severity: SEV1\n    components:\n      publishing-api: major_outage\n" in text


def test_status_follows_each_change(portal_root: Path) -> None:
    portal, _ = load(portal_root)
    before, during, after, restored = (component_statuses(portal, t)
                                       for t in (at(10, 15), at(10, 45), at(11, 30), at(12, 15)))
    assert (before["publishing-api"], before["database"]) == ("partial_outage", "operational")
    assert (during["publishing-api"], during["database"]) == ("major_outage", "degraded_performance")
    assert (after["publishing-api"], after["database"]) == ("partial_outage", "operational")
    assert restored["publishing-api"] == "operational"


def test_next_update_follows_the_escalated_cadence(portal_root: Path) -> None:
    portal, _ = load(portal_root)
    inc = portal.incident(ID)
    assert inc is not None
    open_at_1040 = inc.model_copy(update={"updates": inc.updates[:2], "mitigated": None, "resolved": None})
    # SEV1 promises an update every 15 min (SEV2: 30): 10:30 + 15 min.
    assert next_update_due(open_at_1040, portal.config) == at(10, 45)


def test_uptime_counts_each_impact_for_the_time_it_held(portal_root: Path) -> None:
    portal, _ = load(portal_root)
    midnight = datetime(2026, 2, 11, tzinfo=UTC)
    days, _ = uptime_days(portal, "publishing-api", midnight, 2)
    assert days[0].downtime == timedelta(minutes=57)
    assert days[0].uptime == pytest.approx(100 * (1 - 57 / 1440))
    assert days[0].impact == "major_outage"
    db_days, _ = uptime_days(portal, "database", midnight, 2)
    assert (db_days[0].impact, db_days[0].downtime, db_days[0].incident_ids) == (
        "degraded_performance", timedelta(0), (ID,))


def test_metrics_use_the_periods_and_the_final_severity(portal_root: Path) -> None:
    portal, _ = load(portal_root)
    metrics = compute_metrics(portal, datetime(2026, 2, 11, tzinfo=UTC))
    mtbf = {row.component: row for row in metrics.mtbf}
    # partial 10:00-10:30, major 10:30-11:00, partial 11:00-12:00: one continuous outage of 2 h.
    assert (mtbf["publishing-api"].failures, mtbf["publishing-api"].downtime) == (1, timedelta(hours=2))
    assert mtbf["database"].failures == 0  # degraded is not an outage
    per_component = {row.component: row for row in metrics.incidents_per_component}
    assert per_component["database"].by_impact["degraded_performance"] == 1  # it joined mid-incident
    assert per_component["publishing-api"].by_impact["major_outage"] == 1  # the worst it reached
    assert [sev for sev, stats in metrics.time_to_acknowledge.by_severity.items() if stats.n] == ["SEV2"]


def test_page_and_both_feeds_say_what_changed(portal_root: Path) -> None:
    out = site_bytes(portal_root, now=at(13))
    page = out[f"incidents/{ID}.md"].decode()
    assert ("Severity raised to SEV1. Publishing API now major outage. Primary database now degraded "
            "performance.") in page
    assert "Severity lowered to SEV2. Publishing API now partial outage. Primary database now operational." in page
    # Resolved: the affected components with the worst impact each reached.
    # (grouped by impact, worst first, as the status page lists them)
    assert ('Major outage: Publishing API</span>; <span class="sr-chip sr-degraded_performance">'
            "Degraded performance: Primary database") in page

    updates = feedparser.parse(out["updates.atom"])
    assert not updates.bozo
    titles = [e.title for e in updates.entries]
    assert ("Publishing API errors — Investigating: severity raised to SEV1, Publishing API now major outage, "
            "Primary database now degraded performance") in titles
    assert ("Publishing API errors — Identified: severity lowered to SEV2, Publishing API now partial outage, "
            "Primary database now operational") in titles
    escalation = next(e for e in updates.entries if "raised" in e.title)
    assert "Severity raised to SEV1." in escalation.content[0].value
    assert "Publishing API: Major outage" in escalation.content[0].value  # impact as of that update

    for name in ("history.rss", "history.atom"):
        history = feedparser.parse(out[name])
        assert not history.bozo
        body = history.entries[0].content[0].value
        assert "Severity raised to SEV1." in body and "Severity lowered to SEV2." in body


def test_statuspage_api_lists_old_and_new_component_status(portal_root: Path) -> None:
    out = site_bytes(portal_root, now=at(13))
    incident = json.loads(out["api/v2/incidents.json"])["incidents"][0]
    by_time = {u["display_at"][11:16]: u["affected_components"] for u in incident["incident_updates"]}
    changed = {c["name"]: (c["old_status"], c["new_status"]) for c in by_time["10:30"]}
    assert changed == {"Publishing API": ("partial_outage", "major_outage"),
                       "Primary database": ("operational", "degraded_performance")}
    changed = {c["name"]: (c["old_status"], c["new_status"]) for c in by_time["11:00"]}
    assert changed == {"Publishing API": ("major_outage", "partial_outage"),
                       "Primary database": ("degraded_performance", "operational")}
    assert {c["name"]: c["new_status"] for c in by_time["12:30"]} == {"Publishing API": "operational"}
    assert incident["impact"] == "major"  # SEV2 after de-escalation


def test_an_escalation_that_changes_nothing_is_refused(portal_root: Path, tmp_path: Path) -> None:
    root = write_portal(tmp_path / "p")
    sitrep(root, "new", "incident", "--title", "Publishing API errors", "--severity", "SEV2",
           "--component", "publishing-api=partial", "--at", iso(at(10)), now=at(10))
    before = (root / REL).read_bytes()
    for args in (["--severity", "SEV2"], ["--component", "publishing-api=partial_outage"]):
        result = CliRunner().invoke(main, ["update", ID, *args, "--message", "x", "-f", str(root / "mkdocs.yml"),
                                           "--now", iso(at(10, 10))])
        assert result.exit_code == 2 and "already" in result.output
    assert (root / REL).read_bytes() == before


def test_invalid_changes_in_a_hand_written_update_are_errors(tmp_path: Path) -> None:
    root = write_portal(tmp_path, {REL: """\
---
title: Publishing API errors
severity: SEV2
started: 2026-02-10T10:00:00Z
components:
  publishing-api: partial_outage
updates:
  - at: 2026-02-10T10:05:00Z
    status: investigating
    message: We are investigating.
  - at: 2026-02-10T10:30:00Z
    status: investigating
    message: Worse.
    severity: SEV9
    components:
      publishng-api: major_outage
      database: broken
---
"""})
    _, diags = load(root)
    messages = {(d.line, d.code): d.message for d in diags.errors}
    assert "SEV9" in messages[(14, "bad-value")] and "SEV1" in messages[(14, "bad-value")]
    assert "did you mean 'publishing-api'" in messages[(16, "unknown-component")]
    assert "operational" in messages[(17, "bad-value")]


def test_an_open_incident_shows_the_latest_impact(portal_root: Path, tmp_path: Path) -> None:
    # The same incident read at 11:30, before it was mitigated and resolved.
    root = tmp_path / "open"
    shutil.copytree(portal_root, root)
    text = (root / REL).read_text(encoding="utf-8")
    (root / REL).write_text(text[: text.index("  - at: 2026-02-10T12:30:00Z")].replace(
        "mitigated: 2026-02-10T12:00:00Z\n", "").replace("resolved: 2026-02-10T12:30:00Z\n", "") + "---\n",
        encoding="utf-8")
    page = site_bytes(root, now=at(11, 30))[f"incidents/{ID}.md"].decode()
    assert "Partial outage: Publishing API" in page and "Operational: Primary database" in page
    assert "SEV2 · High" in page


def test_a_change_in_the_same_second_as_the_declaration_follows_it(tmp_path: Path) -> None:
    # Declared major outage at 10:00; an update in the same second already says partial outage.
    root = write_portal(tmp_path / "p")
    sitrep(root, "new", "incident", "--title", "Publishing API errors", "--severity", "SEV2",
           "--component", "publishing-api=major", "--at", iso(at(10)), now=at(10))
    sitrep(root, "update", ID, "--component", "publishing-api=partial", "--message", "Most requests succeed.",
           "--at", iso(at(10)), now=at(10))
    # What the page shows in that second is the update's (later in the file).
    out = site_bytes(root, now=at(10))
    page = out[f"incidents/{ID}.md"].decode()
    assert "Partial outage: Publishing API" in page and "Major outage: Publishing API" not in page
    # Each feed entry shows the impact as of its update: the declaration's the declared one.
    entries = {e.title: e.content[0].value for e in feedparser.parse(out["updates.atom"]).entries}
    assert "<li>Publishing API: Major outage</li>" in entries["Publishing API errors — Investigating"]
    assert "<li>Publishing API: Partial outage</li>" in entries[
        "Publishing API errors — Investigating: Publishing API now partial outage"]
    sitrep(root, "resolve", ID, "--at", iso(at(11)), now=at(11))
    # The worst impact counts the declared one: the postmortem draft, the resolved page, the reports.
    result = sitrep(root, "new", "postmortem", "--incident", ID, now=at(12))
    draft = (root / result.output.strip().splitlines()[-1]).read_text(encoding="utf-8")
    assert "- Components: Publishing API (major outage)" in draft
    page = site_bytes(root, now=at(12))[f"incidents/{ID}.md"].decode()
    assert "Major outage: Publishing API" in page
    portal, _ = load(root)
    metrics = compute_metrics(portal, at(12))
    by_component = {row.component: row for row in metrics.incidents_per_component}
    assert by_component["publishing-api"].by_impact["major_outage"] == 1
    # Uptime counts the hour at the impact that held it: partial outage, not an instant of major.
    days, _ = uptime_days(portal, "publishing-api", datetime(2026, 2, 11, tzinfo=UTC), 2)
    assert days[0].downtime == timedelta(minutes=18)  # 60 min x 0.3
