"""Exactly once over a real git history, and the scheduled run's reminders.

The responders' flow is driven with the real commands (``sitrep new incident``,
``update``, an escalation (``update --severity --component``), ``resolve``, a published postmortem), committed
to git one step at a time, and ``sitrep notify`` runs after every commit as the
publish workflow does, once more with nothing new, and once with the receiver
down and then up again. The HTTP receiver on loopback counts what arrives.
"""

from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from sitrep.cli import main
from tests.support.receivers import http_receiver, json_bodies, loopback_only  # noqa: F401 - fixtures

MKDOCS = """\
site_name: SmartBeak Status
site_url: https://status.smartbeak.example/
plugins:
  - sitrep:
      components:
        - id: payments
          name: Billing & payments
        - id: database
          name: Primary database
      notify:
        channels:
          - name: team
            audience: internal
            url_env: TEAM_URL
          - name: status-subscribers
            audience: public
            url_env: PUBLIC_URL
"""
INCIDENT_ID = "2026-03-10-checkout-payments-failing"
INCIDENT = f"incidents/2026/{INCIDENT_ID}.md"
POSTMORTEM = f"""\
---
title: Checkout payments failing
incidents: [{INCIDENT_ID}]
date: 2026-03-11
authors: [Priya Raman]
status: published
visibility: public
---
## Summary

A certificate rotation broke the connection to the payment provider.

## Impact

Checkout failed for 50 minutes.

## Timeline

- 10:00 UTC declared

## Root Cause

The new certificate chain was incomplete.

## Resolution

We deployed the complete chain.

## Action Items

- [ ] Check certificate chains before rotation - Priya Raman - 2026-03-20

## Lessons Learned

Test the chain, not only the leaf.
"""


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Responder", "-c", "user.email=responder@example.com", *args],
                   cwd=root, check=True, capture_output=True)


def sitrep(root: Path, *args: str, now: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [*args, "-f", str(root / "mkdocs.yml"), "--now", now], env=env)


def commit(root: Path, message: str) -> None:
    git(root, "add", "mkdocs.yml", "incidents", *(["postmortems"] if (root / "postmortems").exists() else []))
    git(root, "commit", "-q", "-m", message)


def edit_commit_notify(repo: Path, env: dict[str, str], *args: str, now: str) -> None:
    """Run ``sitrep ARGS`` (an edit), commit it, then ``sitrep notify``, both succeeding, at ``now``."""
    result = sitrep(repo, *args, now=now)
    assert result.exit_code == 0, result.output
    commit(repo, " ".join(args[:2]))
    sent = sitrep(repo, "notify", now=now, env=env)
    assert sent.exit_code == 0, sent.output


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    (tmp_path / "incidents").mkdir()
    (tmp_path / "incidents" / ".keep").write_text("", encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    commit(tmp_path, "portal")
    return tmp_path


def receiving(server: HTTPServer) -> dict[str, str]:
    """The receiver accepts the team's and the public channel's messages; the channels' variables."""
    for path in ("/team", "/public"):
        server.expect_request(path).respond_with_data("ok")
    return {"TEAM_URL": f"json://127.0.0.1:{server.port}/team", "PUBLIC_URL": f"json://127.0.0.1:{server.port}/public"}


def received(server: HTTPServer, path: str) -> list[str]:
    """Title and first line of the body of every message posted to ``path``, in arrival order."""
    return [f"{b['title']} | {b['message'].splitlines()[0] if b['message'] else ''}"
            for b in json_bodies(server, path)]


@pytest.mark.usefixtures("loopback_only")
def test_every_event_arrives_exactly_once_through_declare_update_escalate_resolve_postmortem(
        repo: Path, http_receiver: HTTPServer) -> None:  # noqa: F811
    env = receiving(http_receiver)

    def publish_and_notify(now: str) -> Result:
        result = sitrep(repo, "notify", now=now, env=env)
        assert result.exit_code == 0, result.output
        return result

    publish_and_notify("2026-03-10T09:00:00Z")  # the workflow's first run: an empty ledger

    declared = sitrep(repo, "new", "incident", "--title", "Checkout payments failing", "--severity", "SEV2",
                      "--component", "payments=partial_outage", "--commander", "Priya Raman",
                      "--comms-lead", "Leo Martin", "--at", "2026-03-10T10:00:00Z",
                      "--message", "We are investigating failed card payments at checkout.",
                      now="2026-03-10T10:00:00Z")
    assert declared.exit_code == 0, declared.output
    commit(repo, "Declare SEV2: checkout payments")
    publish_and_notify("2026-03-10T10:02:00Z")

    updated = sitrep(repo, "update", INCIDENT_ID, "--status", "identified", "--message",
                     "We found the cause: a certificate rotation at our payment provider.",
                     "--at", "2026-03-10T10:20:00Z", now="2026-03-10T10:20:00Z")
    assert updated.exit_code == 0, updated.output
    commit(repo, "SEV2 payments: identified")
    publish_and_notify("2026-03-10T10:22:00Z")

    # Escalate as a responder does: an update that raises the severity and the impact.
    escalated = sitrep(repo, "update", INCIDENT_ID, "--status", "identified", "--message",
                       "All card payments are failing now. We are rolling back the certificate.",
                       "--severity", "SEV1", "--component", "payments=major",
                       "--at", "2026-03-10T10:40:00Z", now="2026-03-10T10:40:00Z")
    assert escalated.exit_code == 0, escalated.output
    commit(repo, "Escalate to SEV1")
    http_receiver.stop()  # the receiver is down for this run …
    down = sitrep(repo, "notify", now="2026-03-10T10:42:00Z", env=env)
    assert down.exit_code == 1, down.output
    assert "failed incident/" in down.output
    http_receiver.start()  # … and back for the next one, which delivers what failed
    publish_and_notify("2026-03-10T10:47:00Z")

    resolved = sitrep(repo, "resolve", INCIDENT_ID, "--message",
                      "Payments have worked normally since 10:50 UTC. We are sorry for the trouble.",
                      "--at", "2026-03-10T11:00:00Z", now="2026-03-10T11:00:00Z")
    assert resolved.exit_code == 0, resolved.output
    commit(repo, "Resolve")
    publish_and_notify("2026-03-10T11:02:00Z")

    (repo / "postmortems").mkdir()
    (repo / "postmortems" / "2026-03-11-checkout-payments-failing.md").write_text(POSTMORTEM, encoding="utf-8")
    commit(repo, "Postmortem published")
    publish_and_notify("2026-03-11T09:00:00Z")
    publish_and_notify("2026-03-11T09:30:00Z")  # a scheduled rebuild: nothing new

    team = received(http_receiver, "/team")
    assert team == [
        "🚨 SEV2 INCIDENT: Checkout payments failing | Detection: Mar 10, 2026 10:00 UTC",
        "⏳ UPDATE: Checkout payments failing | Time: Mar 10, 2026 10:20 UTC",
        # The escalating update is one message saying what changed, not three (update, severity, impact).
        "⚠️ Checkout payments failing: Severity raised to SEV1. Billing & payments now major outage. "
        "| Time: Mar 10, 2026 10:40 UTC",
        "✅ RESOLVED: Checkout payments failing | Duration: 1 h (started Mar 10, 2026 10:00 UTC, resolved "
        "Mar 10, 2026 11:00 UTC)",
        "📝 POSTMORTEM: Checkout payments failing | A certificate rotation broke the connection to the payment "
        "provider.",
    ]
    messages = [(b["title"], b["message"]) for b in json_bodies(http_receiver, "/team")]
    assert len(set(messages)) == len(messages), "a message arrived twice"
    bodies = [body for _, body in messages]
    assert "a certificate rotation at our payment provider" in bodies[1]
    assert "rolling back the certificate" in bodies[2]
    # Customers (public, SEV1 by default) hear nothing of the SEV2 phase and everything from the escalation.
    # The procedures' status-page updates, with what changed opening the escalation's text.
    assert received(http_receiver, "/public") == [
        "🟡 Identified - Checkout payments failing | Time: Mar 10, 2026 10:40 UTC",
        "🟢 Resolved - Checkout payments failing | Duration: 1 h (started Mar 10, 2026 10:00 UTC, resolved "
        "Mar 10, 2026 11:00 UTC)", team[4]]  # from the escalation on, in the same order
    escalation = json_bodies(http_receiver, "/public")[0]["message"]
    assert "\n\nSeverity raised to SEV1. Billing & payments now major outage.\nAll card payments" in escalation
    assert "Priya" not in json.dumps(json_bodies(http_receiver, "/public"))
    ledger = json.loads((repo / ".sitrep-notify" / "ledger.json").read_text(encoding="utf-8"))
    sent = sorted(k for k, v in ledger["channels"]["team"].items() if v["outcome"] == "sent")
    assert len(sent) == 5
    covered = {k for k, v in ledger["channels"]["team"].items() if v["outcome"] == "covered"}
    assert {f"incident/{INCIDENT_ID}/impact/payments=major_outage", f"incident/{INCIDENT_ID}/severity/SEV1"} <= covered
    status = subprocess.run(["git", "status", "--porcelain", "incidents", "postmortems", "mkdocs.yml"],
                            cwd=repo, capture_output=True, text=True, check=True).stdout
    assert status == "", "notify must not change the records"


# --------------------------------------------------------------------------- the scheduled run

SEV2_OPEN = """\
---
title: Slow dashboards
severity: SEV2
started: 2026-03-10T10:00:00Z
components:
  database: degraded_performance
comms_lead: Leo Martin
channel: "#incident-slow-dashboards"
updates:
  - at: 2026-03-10T10:00:00Z
    status: investigating
    message: Dashboards load slowly. We are investigating.
{more}---
"""
SECOND_UPDATE = """\
  - at: 2026-03-10T10:50:00Z
    status: identified
    message: A slow query is the cause; we are adding an index.
"""
MAINTENANCE = """\
---
kind: maintenance
title: Database upgrade
scheduled_start: 2026-03-10T14:00:00Z
scheduled_end: 2026-03-10T15:00:00Z
components:
  database: under_maintenance
updates:
  - at: 2026-03-09T09:00:00Z
    status: scheduled
    message: We will upgrade the database from 14:00 to 15:00 UTC.
---
"""


@pytest.mark.usefixtures("loopback_only")
def test_the_scheduled_run_sends_one_reminder_per_missed_update_and_one_maintenance_start_notice(
        tmp_path: Path, http_receiver: HTTPServer) -> None:  # noqa: F811
    env = receiving(http_receiver)
    (tmp_path / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    (tmp_path / "incidents" / "2026").mkdir(parents=True)
    incident = tmp_path / "incidents" / "2026" / "2026-03-10-slow-dashboards.md"
    incident.write_text(SEV2_OPEN.format(more=""), encoding="utf-8")
    (tmp_path / "incidents" / "2026" / "2026-03-10-database-upgrade.md").write_text(MAINTENANCE, encoding="utf-8")

    def scheduled(now: str) -> None:
        result = sitrep(tmp_path, "notify", now=now, env=env)
        assert result.exit_code == 0, result.output

    # Every 30 minutes, and some runs late or twice, as GitHub's scheduler does.
    for now in ("10:05", "10:30", "10:35", "10:45", "10:48"):
        scheduled(f"2026-03-10T{now}:00Z")
    incident.write_text(SEV2_OPEN.format(more=SECOND_UPDATE), encoding="utf-8")  # the update comes in late
    for now in ("10:50", "11:00", "11:25", "11:30", "12:00", "12:30", "12:59", "13:00", "13:01", "13:30",
                "13:59", "14:00", "14:30"):
        scheduled(f"2026-03-10T{now}:00Z")

    team = received(http_receiver, "/team")
    reminders = [t for t in team if t.startswith("⏰ UPDATE OVERDUE")]
    # Due 10:30 (missed), then 11:20 after the 10:50 update (missed, still nothing posted): two reminders.
    head = "⏰ UPDATE OVERDUE: Slow dashboards | The next status update of this SEV2 incident was due at"
    assert reminders == [f"{head} Mar 10, 2026 10:30 UTC (every 30 min).",
                         f"{head} Mar 10, 2026 11:20 UTC (every 30 min)."]
    starting = [t for t in team if t.startswith("🔧 MAINTENANCE STARTS")]
    # The status page's words for a maintenance before its window.
    assert starting == ["🔧 MAINTENANCE STARTS AT Mar 10, 2026 14:00 UTC: Database upgrade | Scheduled maintenance: "
                        "will affect Primary database, from Mar 10, 2026 14:00 UTC to Mar 10, 2026 15:00 UTC."]
    assert [t.split(":")[0] for t in team].count("🔧 MAINTENANCE IN PROGRESS") == 1
    overdue_text = next(b["message"] for b in json_bodies(http_receiver, "/team") if "OVERDUE" in b["title"])
    assert "Comms: Leo Martin · Channel: #incident-slow-dashboards" in overdue_text
    public = received(http_receiver, "/public")
    assert not any("OVERDUE" in t for t in public), "reminders are internal only"
    assert [t for t in public if t.startswith("🔧 MAINTENANCE STARTS")] == starting


# --------------------------------------------------------------------------- reopened incidents

@pytest.mark.usefixtures("loopback_only")
def test_an_incident_reopened_after_its_resolution_was_sent_is_resolved_again_in_every_channel(
        repo: Path, http_receiver: HTTPServer) -> None:  # noqa: F811
    """Customers told "resolved", then "failing again" (the resolving commit reverted, or the incident reopened
    by hand as `sitrep resolve` says), hear the second resolution too: it used to have the first one's event id,
    so the channels' last word stayed "failing again". Re-running, or reverting nothing new, sends nothing."""
    env = receiving(http_receiver)

    step = functools.partial(edit_commit_notify, repo, env)

    step("new", "incident", "--title", "Checkout payments failing", "--severity", "SEV1", "--component",
         "payments=major_outage", "--at", "2026-03-10T10:00:00Z", "--message", "Card payments fail.",
         now="2026-03-10T10:01:00Z")
    step("resolve", INCIDENT_ID, "--message", "Payments work again.", "--at", "2026-03-10T10:10:00Z",
         now="2026-03-10T10:11:00Z")
    git(repo, "revert", "--no-edit", "HEAD")  # the fix did not hold: the resolution is taken back
    step("update", INCIDENT_ID, "--status", "identified", "--message", "Payments fail again; we are rolling back.",
         "--at", "2026-03-10T10:20:00Z", now="2026-03-10T10:21:00Z")
    step("resolve", INCIDENT_ID, "--message", "Payments have worked since the rollback.",
         "--at", "2026-03-10T10:30:00Z", now="2026-03-10T10:31:00Z")
    # Reopened by hand (the way `sitrep resolve` names): the resolved update kept, one appended after it.
    record = repo / INCIDENT
    text = record.read_text(encoding="utf-8").replace("resolved: 2026-03-10T10:30:00Z\n", "")
    front, _, body = text.partition("\n---\n")
    record.write_text(f"{front}\n  - at: 2026-03-10T10:40:00Z\n    status: investigating\n"
                      f"    message: Some payments fail once more.\n---\n{body}", encoding="utf-8")
    commit(repo, "Reopen")
    assert sitrep(repo, "notify", now="2026-03-10T10:41:00Z", env=env).exit_code == 0
    step("resolve", INCIDENT_ID, "--message", "All payments succeed.", "--at", "2026-03-10T10:50:00Z",
         now="2026-03-10T10:51:00Z")
    assert sitrep(repo, "notify", now="2026-03-10T10:55:00Z", env=env).exit_code == 0  # nothing new

    for path in ("/team", "/public"):
        titles = [t.split(" | ")[0].split(" - ")[0] for t in received(http_receiver, path)]
        assert [t.split(":")[0] for t in titles if not t.startswith("⏰")] == (
            ["🚨 SEV1 INCIDENT", "✅ RESOLVED", "⏳ UPDATE", "✅ RESOLVED", "⏳ UPDATE", "✅ RESOLVED"]
            if path == "/team" else
            ["🔴 Investigating", "🟢 Resolved", "🟡 Identified", "🟢 Resolved", "🔴 Investigating",
             "🟢 Resolved"]), path
    resolutions = [b["message"] for b in json_bodies(http_receiver, "/public") if b["title"].startswith("🟢")]
    assert [r.split("Resolution: ")[1].splitlines()[0] for r in resolutions] == [
        "Payments work again.", "Payments have worked since the rollback.", "All payments succeed."]


@pytest.mark.usefixtures("loopback_only")
def test_an_update_whose_time_is_corrected_by_a_force_push_is_not_sent_again(
        repo: Path, http_receiver: HTTPServer) -> None:  # noqa: F811
    """An update posted with a wrong time, sent, then corrected (commit amended, force-pushed) has a new id; the
    channels already have its words and do not get them twice. A new update with the same words still goes."""
    env = receiving(http_receiver)
    declared = sitrep(repo, "new", "incident", "--title", "Checkout payments failing", "--severity", "SEV1",
                      "--component", "payments=major_outage", "--at", "2026-03-10T10:00:00Z",
                      "--message", "Card payments fail.", now="2026-03-10T10:01:00Z")
    assert declared.exit_code == 0, declared.output
    updated = sitrep(repo, "update", INCIDENT_ID, "--status", "identified", "--message", "We are rolling back.",
                     "--at", "2026-03-10T10:02:00Z", now="2026-03-10T10:12:00Z")
    assert updated.exit_code == 0, updated.output
    commit(repo, "Declare and update")
    assert sitrep(repo, "notify", now="2026-03-10T10:12:00Z", env=env).exit_code == 0
    record = repo / INCIDENT
    record.write_text(record.read_text(encoding="utf-8").replace("2026-03-10T10:02:00Z", "2026-03-10T10:12:00Z"),
                      encoding="utf-8")
    git(repo, "commit", "-q", "--amend", "-a", "--no-edit")  # the time fixed, then force-pushed
    assert sitrep(repo, "notify", now="2026-03-10T10:13:00Z", env=env).exit_code == 0
    again = sitrep(repo, "update", INCIDENT_ID, "--status", "identified", "--message", "We are rolling back.",
                   "--at", "2026-03-10T10:25:00Z", now="2026-03-10T10:25:00Z")
    assert again.exit_code == 0, again.output
    assert sitrep(repo, "notify", now="2026-03-10T10:26:00Z", env=env).exit_code == 0
    for path in ("/team", "/public"):
        updates = [t for t in received(http_receiver, path) if t.startswith(("⏳ UPDATE", "🟡 Identified"))]
        assert len(updates) == 2, (path, updates)  # the 10:02 one once (not again as 10:12), and the 10:25 one


# --------------------------------------------------------------------------- reverted, then posted again

def declared_and_updated(repo: Path, env: dict[str, str]) -> None:
    """A SEV1 declared at 10:00 and an update at 10:20 saying "We are rolling back the deploy.", each sent."""
    declared = sitrep(repo, "new", "incident", "--title", "Checkout payments failing", "--severity", "SEV1",
                      "--component", "payments=major_outage", "--at", "2026-03-10T10:00:00Z",
                      "--message", "Card payments fail.", now="2026-03-10T10:00:00Z")
    assert declared.exit_code == 0, declared.output
    commit(repo, "Declare")
    assert sitrep(repo, "notify", now="2026-03-10T10:01:00Z", env=env).exit_code == 0
    updated = sitrep(repo, "update", INCIDENT_ID, "--status", "identified", "--message",
                     "We are rolling back the deploy.", "--at", "2026-03-10T10:20:00Z", now="2026-03-10T10:20:00Z")
    assert updated.exit_code == 0, updated.output
    commit(repo, "Rolling back")
    assert sitrep(repo, "notify", now="2026-03-10T10:21:00Z", env=env).exit_code == 0
    git(repo, "revert", "--no-edit", "HEAD")  # posted too early: taken back, and the revert published
    assert sitrep(repo, "notify", now="2026-03-10T10:25:00Z", env=env).exit_code == 0


def rolling_back(server: HTTPServer, path: str) -> list[str]:
    """The times of the "rolling back" updates that reached ``path``."""
    return [body["message"].split("Time: ")[1].splitlines()[0] for body in json_bodies(server, path)
            if "We are rolling back the deploy." in body["message"]]


@pytest.mark.usefixtures("loopback_only")
def test_an_update_reverted_then_posted_again_at_a_new_time_is_sent_again(
        repo: Path, http_receiver: HTTPServer) -> None:  # noqa: F811
    """The words of a reverted update, posted again later as a new update (the rollback really starts at 10:40),
    are news: the channels heard the 10:20 one, then nothing (the revert), and now hear it is happening. It used to
    be taken for the 10:20 update with its time corrected, and recorded ``covered``: customers never heard it."""
    env = receiving(http_receiver)
    declared_and_updated(repo, env)
    again = sitrep(repo, "update", INCIDENT_ID, "--status", "identified", "--message",
                   "We are rolling back the deploy.", "--at", "2026-03-10T10:40:00Z", now="2026-03-10T10:40:00Z")
    assert again.exit_code == 0, again.output
    commit(repo, "Rolling back, for real")
    result = sitrep(repo, "notify", now="2026-03-10T10:41:00Z", env=env)
    assert result.exit_code == 0, result.output
    assert sitrep(repo, "notify", now="2026-03-10T10:45:00Z", env=env).exit_code == 0  # nothing new
    for path in ("/team", "/public"):
        assert rolling_back(http_receiver, path) == ["Mar 10, 2026 10:20 UTC", "Mar 10, 2026 10:40 UTC"], path


@pytest.mark.usefixtures("loopback_only")
def test_an_update_reverted_then_restored_with_its_time_is_not_sent_twice(
        repo: Path, http_receiver: HTTPServer) -> None:  # noqa: F811
    """The revert itself reverted (the same update, same words and time, back in the record) is the update the
    channels already have: not sent again. Its time corrected afterwards is still the same update."""
    env = receiving(http_receiver)
    declared_and_updated(repo, env)
    git(repo, "revert", "--no-edit", "HEAD")  # the revert was the mistake: the update is back as it was
    assert sitrep(repo, "notify", now="2026-03-10T10:30:00Z", env=env).exit_code == 0
    record = repo / INCIDENT
    record.write_text(record.read_text(encoding="utf-8").replace("2026-03-10T10:20:00Z", "2026-03-10T10:19:00Z"),
                      encoding="utf-8")
    commit(repo, "The rollback began at 10:19")
    assert sitrep(repo, "notify", now="2026-03-10T10:35:00Z", env=env).exit_code == 0
    for path in ("/team", "/public"):
        assert rolling_back(http_receiver, path) == ["Mar 10, 2026 10:20 UTC"], path


# --------------------------------------------------------------------------- backfilled after the resolution

BACKFILLED = """\
  - at: 2026-03-10T10:10:00Z
    status: investigating
    message: We have paged our payment provider.
    components:
      database: degraded_performance
"""


@pytest.mark.usefixtures("loopback_only")
def test_an_update_backfilled_after_the_resolution_is_not_sent_as_news(
        repo: Path, http_receiver: HTTPServer) -> None:  # noqa: F811
    """A responder adds the missed 10:10 update to an incident the channels were told was resolved at 11:00: it
    belongs to the record (the page's timeline shows it), but it is not news. Sent, customers read "Investigating"
    the morning after "Resolved", and the team channel, having been told the incident was open again, got the
    resolution a second time. The dry run says why it is not sent; the real run sends nothing, not even the
    impact the backfilled update gave."""
    env = receiving(http_receiver)

    step = functools.partial(edit_commit_notify, repo, env)

    step("new", "incident", "--title", "Checkout payments failing", "--severity", "SEV1", "--component",
         "payments=major_outage", "--at", "2026-03-10T10:00:00Z", "--message", "Card payments fail.",
         now="2026-03-10T10:01:00Z")
    step("update", INCIDENT_ID, "--status", "identified", "--message", "We are rolling back.",
         "--at", "2026-03-10T10:30:00Z", now="2026-03-10T10:31:00Z")
    step("resolve", INCIDENT_ID, "--message", "Payments work again.", "--at", "2026-03-10T11:00:00Z",
         now="2026-03-10T11:01:00Z")
    before = {path: len(received(http_receiver, path)) for path in ("/team", "/public")}

    record = repo / INCIDENT
    text = record.read_text(encoding="utf-8")
    marker = "  - at: 2026-03-10T10:30:00Z\n"
    record.write_text(text.replace(marker, BACKFILLED + marker), encoding="utf-8")
    commit(repo, "The 10:10 update we forgot to post")

    dry = sitrep(repo, "notify", "--dry-run", now="2026-03-11T09:00:00Z", env=env)
    assert dry.exit_code == 0, dry.output
    assert "would send 0," in dry.output
    update_id = f"incident/{INCIDENT_ID}/update/20260310T101000Z-investigating"
    lines = [line for line in dry.output.splitlines() if update_id in line]
    assert len(lines) == 1, dry.output  # one line for the update, naming every channel
    assert lines[0] == (
        f"sitrep: warning: {update_id}: in the record only since the resolution was sent to 'team', "
        "'status-subscribers', and dated before it (Mar 10, 2026 10:10 UTC; resolved Mar 10, 2026 11:00 UTC): a "
        "backfilled update, not news, so not sent; the incident's timeline on its page shows it")

    real = sitrep(repo, "notify", now="2026-03-11T09:00:00Z", env=env)
    assert real.exit_code == 0, real.output
    assert "sent 0," in real.output and update_id in real.output
    assert sitrep(repo, "notify", now="2026-03-11T09:05:00Z", env=env).exit_code == 0
    for path in ("/team", "/public"):
        assert received(http_receiver, path)[before[path]:] == [], path
    ledger = json.loads((repo / ".sitrep-notify" / "ledger.json").read_text(encoding="utf-8"))
    for name in ("team", "status-subscribers"):
        assert ledger["channels"][name][update_id]["outcome"] == "covered"


@pytest.mark.usefixtures("loopback_only")
def test_an_incident_reopened_and_resolved_again_between_two_runs_is_news_not_a_backfill(
        repo: Path, http_receiver: HTTPServer) -> None:  # noqa: F811
    """What is backfilled is judged by the time of the resolution the channel had, not by when it was sent: the
    10:10 resolution went out late (10:30), then the incident was reopened at 10:20 and resolved again at 10:40 in
    one commit. The 10:20 update came after the resolution the channels had: they hear it, and the new resolution."""
    env = receiving(http_receiver)
    declared = sitrep(repo, "new", "incident", "--title", "Checkout payments failing", "--severity", "SEV1",
                      "--component", "payments=major_outage", "--at", "2026-03-10T10:00:00Z",
                      "--message", "Card payments fail.", now="2026-03-10T10:00:00Z")
    assert declared.exit_code == 0, declared.output
    resolved = sitrep(repo, "resolve", INCIDENT_ID, "--message", "Payments work again.",
                      "--at", "2026-03-10T10:10:00Z", now="2026-03-10T10:10:00Z")
    assert resolved.exit_code == 0, resolved.output
    commit(repo, "Declare and resolve")
    assert sitrep(repo, "notify", now="2026-03-10T10:30:00Z", env=env).exit_code == 0  # a late run
    record = repo / INCIDENT
    text = record.read_text(encoding="utf-8").replace("resolved: 2026-03-10T10:10:00Z\n", "")
    front, _, body = text.partition("\n---\n")
    record.write_text(f"{front}\n  - at: 2026-03-10T10:20:00Z\n    status: investigating\n"
                      f"    message: Some payments fail once more.\n---\n{body}", encoding="utf-8")
    again = sitrep(repo, "resolve", INCIDENT_ID, "--message", "All payments succeed.",
                   "--at", "2026-03-10T10:40:00Z", now="2026-03-10T10:40:00Z")
    assert again.exit_code == 0, again.output
    commit(repo, "Reopened at 10:20, resolved again at 10:40")
    result = sitrep(repo, "notify", now="2026-03-10T10:45:00Z", env=env)
    assert result.exit_code == 0, result.output
    assert "backfilled" not in result.output
    for path in ("/team", "/public"):
        messages = [b["message"] for b in json_bodies(http_receiver, path)]
        assert sum("Some payments fail once more." in m for m in messages) == 1, path
        assert sum("All payments succeed." in m for m in messages) == 1, path
