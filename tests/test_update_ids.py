"""Two updates of one incident in the same second (or minute, by hand) never share an id.

Each update's id is its UTC time and status, with ``-2``, ``-3``… for the second
and later updates of a record that would share one (file order). The page
anchors, the feeds, the JSON API, the notification events and the ledger all use
it, so an escalation posted in the same second as an update reaches every
channel, and every feed link lands on its own update.

Through the real parts: the CLI writes the updates, ``sitrep notify`` delivers to
an SMTP server (aiosmtpd) and an HTTP receiver (pytest-httpserver) on loopback,
``mkdocs build`` builds the site, feedparser and Beautiful Soup read it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from sitrep.cli import main
from sitrep.render.statuspage_api import statuspage_id
from tests.support.helpers_build import write_portal
from tests.support.receivers import Mailbox, http_receiver, json_bodies, loopback_only, text_of  # noqa: F401
from tests.support.sitebuild import mkdocs_build

INCIDENT_ID = "2026-12-01-api-errors"
NOTIFY = {"channels": [
    {"name": "team", "audience": "internal", "url_env": "TEAM_URL"},
    {"name": "customers", "audience": "public", "url_env": "CUSTOMERS_URL", "style": "email"},
]}
IDENTIFIED = "We found the cause: a bad cache node in front of the API."
ESCALATED = "Every API request is failing now. We are taking the cache out of service."


def sitrep(root: Path, *args: str, now: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, [*args, "-f", str(root / "mkdocs.yml"), "--now", now], env=env)
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.usefixtures("loopback_only")
def test_an_escalation_in_the_same_second_as_an_update_reaches_the_team_and_the_customers(
        tmp_path: Path, http_receiver: HTTPServer) -> None:  # noqa: F811
    root = write_portal(tmp_path / "portal", components=[("api", "Public API")], options={"notify": NOTIFY})
    http_receiver.expect_request("/team").respond_with_data("ok")
    with Mailbox() as box:
        env = {"TEAM_URL": f"json://127.0.0.1:{http_receiver.port}/team", "CUSTOMERS_URL": box.url()}
        sitrep(root, "new", "incident", "--title", "API errors", "--severity", "SEV2", "--component",
               "api=partial_outage", "--message", "We are investigating errors on the API.",
               now="2026-12-01T23:00:00Z")
        declared = sitrep(root, "notify", now="2026-12-01T23:01:00Z", env=env).output
        # The update and, within the same second, the escalation: both dated 23:03:15 by the CLI.
        sitrep(root, "update", INCIDENT_ID, "--status", "identified", "--message", IDENTIFIED,
               now="2026-12-01T23:03:15Z")
        sitrep(root, "update", INCIDENT_ID, "--severity", "SEV1", "--component", "api=major_outage",
               "--message", ESCALATED, now="2026-12-01T23:03:15Z")
        record = (root / f"incidents/2026/{INCIDENT_ID}.md").read_text(encoding="utf-8")
        assert record.count("at: 2026-12-01T23:03:15Z") == 2 and record.count("status: identified") == 2
        planned = sitrep(root, "notify", "--dry-run", now="2026-12-01T23:04:00Z", env=env).output
        sitrep(root, "notify", now="2026-12-01T23:04:00Z", env=env)
        sitrep(root, "notify", now="2026-12-01T23:10:00Z", env=env)  # a re-run sends nothing twice

    team = [b["message"] for b in json_bodies(http_receiver, "/team")]
    mails = [text_of(m) for m in box.messages]
    # Both updates reach both channels: the escalation is not lost behind the update of the same second.
    ledger = json.loads((root / ".sitrep-notify" / "ledger.json").read_text(encoding="utf-8"))
    sent = [(channel, event) for channel, events in ledger["channels"].items()
            for event, done in events.items() if done["outcome"] == "sent"]
    for channel in ("team", "customers"):
        assert sorted(event for name, event in sent if name == channel and "/update/" in event) == [
            f"incident/{INCIDENT_ID}/update/20261201T230315Z-identified",
            f"incident/{INCIDENT_ID}/update/20261201T230315Z-identified-2"], channel
    assert [sum(said in body for body in team) for said in (IDENTIFIED, ESCALATED)] == [1, 1], team
    # Customers: the escalation's severity and impact emails quote the latest update, then each update's own.
    assert sum(IDENTIFIED in body for body in mails) == 1 and ESCALATED in mails[-1], mails
    # What the dry run listed is what the run sent, and every sent event arrived.
    would_send, sent_first = (int(re.search(r"(?:would send|notify: sent) (\d+),", out)[1])
                              for out in (planned, declared))
    assert would_send + sent_first == len(sent)
    assert len(sent) == len(team) + len(box.messages)


REPEATED = """\
---
title: Slow publishing
severity: SEV2
started: 2026-02-10T14:30:00Z
components:
  api: degraded_performance
updates:
  - at: 2026-02-10T14:40:00Z
    status: investigating
    message: Publishing is slow. We are investigating.
  - at: 2026-02-10T14:52:00Z
    status: identified
    message: A slow database query is the cause.
  - at: 2026-02-10T14:52:00Z
    status: identified
    message: Publishing now fails for large documents too.
    severity: SEV1
  - at: 2026-02-10T14:52:00+00:00
    status: identified
    message: We are adding an index to the table.
  - at: 2026-02-10T14:52:00Z
    status: monitoring
    message: The index is in place; we are watching publishing times.
  - at: 2026-02-10T15:20:00Z
    status: resolved
    message: Publishing has been fast since 15:05 UTC.
---
"""


def test_same_minute_updates_have_distinct_anchors_and_the_feeds_and_api_agree(tmp_path: Path) -> None:
    root = write_portal(tmp_path / "portal", {"incidents/2026/2026-02-10-slow-publishing.md": REPEATED},
                        components=[("api", "Publishing API")])
    site = tmp_path / "site"
    built = mkdocs_build(root, site, epoch=1772366400)
    assert built.returncode == 0, built.stderr

    page = BeautifulSoup((site / "incidents/2026-02-10-slow-publishing/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    ids = Counter(tag["id"] for tag in page.find_all(id=True))
    assert [i for i, n in ids.items() if n > 1] == []
    updates = {li["id"]: li.select_one(".sr-u-msg").get_text() for li in page.select("li.sr-update")}
    assert updates == {
        "update-20260210T144000Z-investigating": "Publishing is slow. We are investigating.",
        "update-20260210T145200Z-identified": "A slow database query is the cause.",
        "update-20260210T145200Z-identified-2": "Publishing now fails for large documents too.",
        "update-20260210T145200Z-identified-3": "We are adding an index to the table.",
        "update-20260210T145200Z-monitoring": "The index is in place; we are watching publishing times.",
        "update-20260210T152000Z-resolved": "Publishing has been fast since 15:05 UTC.",
    }

    # Every feed entry links to the <li> of its own update, and no two entries share an id.
    for name in ("updates.atom", "updates.rss"):
        feed = feedparser.parse((site / name).read_bytes())
        assert len(feed.entries) == 6 and len({e.id for e in feed.entries}) == 6, name
        for entry in feed.entries:
            url, fragment = entry.link.split("#")
            assert url == "https://status.test.example/incidents/2026-02-10-slow-publishing/"
            assert fragment in updates, (name, entry.link)
            text = BeautifulSoup(entry.content[0].value if "content" in entry else entry.summary, "html.parser")
            assert updates[fragment] in text.get_text(" "), (name, fragment)
            assert entry.id.endswith(f"/update/{fragment.removeprefix('update-')}"), entry.id
    assert len({e.link for e in feedparser.parse((site / "updates.atom").read_bytes()).entries}) == 6

    # The JSON API: distinct ids; an update alone at its instant keeps its id, the same instant adds the status.
    api = json.loads((site / "api/v2/incidents.json").read_text(encoding="utf-8"))
    api_ids = [u["id"] for u in api["incidents"][0]["incident_updates"]]
    assert len(set(api_ids)) == 6
    assert statuspage_id("update", "2026-02-10-slow-publishing:2026-02-10T14:40:00.000Z") in api_ids
    assert statuspage_id("update", "2026-02-10-slow-publishing:2026-02-10T14:52:00.000Z:monitoring") in api_ids


def test_ids_follow_file_order_and_appending_changes_no_earlier_id() -> None:
    from sitrep.model.records import Incident

    def ids(*updates: tuple[str, str]) -> tuple[str, ...]:
        return Incident.model_validate({
            "id": "2026-02-10-x", "title": "X", "severity": "SEV2", "started": "2026-02-10T14:00:00Z",
            "components": {"api": "partial_outage"},
            "updates": [{"at": at, "status": status, "message": "m"} for at, status in updates]}).update_ids

    two = ids(("2026-02-10T14:40:00Z", "identified"), ("2026-02-10T16:40:00+02:00", "identified"))
    assert two == ("20260210T144000Z-identified", "20260210T144000Z-identified-2")  # the same instant in UTC
    three = ids(("2026-02-10T14:40:00Z", "identified"), ("2026-02-10T14:40:00Z", "identified"),
                ("2026-02-10T14:40:00Z", "identified"), ("2026-02-10T14:40:00Z", "monitoring"))
    assert three == ("20260210T144000Z-identified", "20260210T144000Z-identified-2",
                     "20260210T144000Z-identified-3", "20260210T144000Z-monitoring")
    assert three[:2] == two  # appending an update renames none of the earlier ones


def _record(title: str, day: str, status: str, *, resolved: bool) -> str:
    """An incident on ``day`` whose first update is at 09:00:00 UTC with ``status``, as another's is."""
    lines = ["---", f"title: {title}", "severity: SEV3", f"started: {day}T08:55:00Z",
             "components:", "  api: partial_outage", "updates:",
             f"  - at: {day}T09:00:00Z", f"    status: {status}", f"    message: {title}, first update."]
    if resolved:
        lines += [f"  - at: {day}T10:00:00Z", "    status: resolved", f"    message: {title}, resolved."]
    return "\n".join([*lines, "---", f"{title}.", ""])


POSTMORTEM_OF_TWO = """\
---
title: Two API incidents on one day
incidents: [2026-02-27-api-errors, 2026-02-27-api-timeouts]
date: 2026-02-28
authors: [Priya Raman]
status: published
visibility: public
---
## Summary
Two incidents, one cause.

## Impact
API requests failed.

## Timeline
- 09:00 UTC: both began.

## Root Cause
A bad deploy.

## Resolution
Rolled back.

## Action Items
- [ ] Add a canary.

## Lessons Learned
Deploy slower.
"""


def test_pages_listing_several_incidents_give_each_update_its_own_anchor(tmp_path: Path) -> None:
    """Two incidents' updates in the same second with the same status: the status page (two open
    incidents) and a postmortem covering two incidents show both, each under an id of its own; the
    incident pages keep the anchors the feeds link to."""
    records = {
        "incidents/2026/2026-03-01-api-errors.md": _record("API errors", "2026-03-01", "investigating",
                                                           resolved=False),
        "incidents/2026/2026-03-01-api-timeouts.md": _record("API timeouts", "2026-03-01", "investigating",
                                                             resolved=False),
        "incidents/2026/2026-02-27-api-errors.md": _record("Old API errors", "2026-02-27", "identified",
                                                           resolved=True),
        "incidents/2026/2026-02-27-api-timeouts.md": _record("Old API timeouts", "2026-02-27", "identified",
                                                             resolved=True),
        "postmortems/2026-02-28-two-api-incidents.md": POSTMORTEM_OF_TWO,
    }
    root = write_portal(tmp_path / "portal", records, components=[("api", "Public API")])
    sites = []
    for name in ("site", "again"):
        built = mkdocs_build(root, tmp_path / name, epoch=1772366400)  # 2026-03-01T12:00:00Z
        assert built.returncode == 0, built.stderr
        sites.append(tmp_path / name)
    site = sites[0]

    def soup(rel: str) -> BeautifulSoup:
        return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "lxml")

    # No page of the site has an id twice.
    for html in sorted(site.rglob("*.html")):
        ids = Counter(tag["id"] for tag in BeautifulSoup(html.read_text(encoding="utf-8"), "lxml").find_all(id=True))
        assert [i for i, n in ids.items() if n > 1] == [], html.relative_to(site)

    def anchored(rel: str) -> dict[str, str]:
        return {li["id"]: li.select_one(".sr-u-msg").get_text() for li in soup(rel).select("li.sr-update")}

    on_status = anchored("index.html")
    assert on_status == {
        "update-2026-03-01-api-errors-20260301T090000Z-investigating": "API errors, first update.",
        "update-2026-03-01-api-timeouts-20260301T090000Z-investigating": "API timeouts, first update.",
    }
    on_postmortem = anchored("postmortems/2026-02-28-two-api-incidents/index.html")
    assert on_postmortem["update-2026-02-27-api-errors-20260227T090000Z-identified"] == "Old API errors, first update."
    assert on_postmortem["update-2026-02-27-api-timeouts-20260227T090000Z-identified"] == (
        "Old API timeouts, first update.")
    assert len(on_postmortem) == 4
    # Same input, same anchors.
    assert (sites[1] / "index.html").read_bytes() == (site / "index.html").read_bytes()
    # Every feed entry still lands on its own update on the incident's page.
    for name in ("updates.atom", "updates.rss"):
        feed = feedparser.parse((site / name).read_bytes())
        assert len(feed.entries) == 6, name
        for entry in feed.entries:
            url, fragment = entry.link.split("#")
            page = anchored(url.removeprefix("https://status.test.example/") + "index.html")
            text = BeautifulSoup(entry.content[0].value if "content" in entry else entry.summary, "html.parser")
            assert page[fragment] in text.get_text(" "), (name, entry.link)
