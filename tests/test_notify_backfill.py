"""What is written into the records after the fact is not news: a whole incident recorded retrospectively, and an
update backfilled into an incident that is still open.

As in ``test_notify_history.py``, the records are written by the responders' commands (or by hand, where a
responder would edit the file) and committed to git one step at a time, and ``sitrep notify`` runs as the
workflows run it. The customers' list is an SMTP server on loopback (aiosmtpd), the team's chat a JSON webhook
(pytest-httpserver): what arrives there is what the people at the other end would read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from pytest_httpserver import HTTPServer

from tests.support.receivers import Mailbox, http_receiver, json_bodies, loopback_only, text_of  # noqa: F401
from tests.test_notify_history import commit, git, sitrep

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
{settings}        channels:
          - name: team
            audience: internal
            url_env: TEAM_URL
          - name: customers
            audience: public
            style: email
            url_env: CUSTOMERS_URL
"""
INCIDENT_ID = "2026-03-10-checkout-payments-failing"
INCIDENT = f"incidents/2026/{INCIDENT_ID}.md"
LEDGER = ".sitrep-notify/ledger.json"


class Portal:
    """A portal in git with its two channels: the team's webhook and the customers' mailbox, both on loopback."""

    def __init__(self, root: Path, team: HTTPServer, customers: Mailbox) -> None:
        self.root, self.team, self.customers = root, team, customers
        team.expect_request("/team").respond_with_data("ok")
        self.env = {"TEAM_URL": f"json://127.0.0.1:{team.port}/team", "CUSTOMERS_URL": customers.url()}

    def notify(self, now: str, *args: str, exit_code: int = 0) -> Result:
        result = sitrep(self.root, "notify", *args, now=now, env=self.env)
        assert result.exit_code == exit_code, result.output
        return result

    def run(self, *args: str, now: str) -> None:
        """A responder's command (``new incident``, ``update``, ``resolve``), not yet committed."""
        result = sitrep(self.root, *args, now=now)
        assert result.exit_code == 0, result.output

    def team_titles(self) -> list[str]:
        return [body["title"] for body in json_bodies(self.team, "/team")]

    def team_messages(self) -> list[str]:
        return [body["message"] for body in json_bodies(self.team, "/team")]

    def letters(self) -> list[str]:
        return [str(message["Subject"]) for message in self.customers.messages]

    def ledger(self, channel: str) -> dict[str, Any]:
        entries = json.loads((self.root / LEDGER).read_text(encoding="utf-8"))["channels"][channel]
        return {k: v for k, v in entries.items() if k.startswith(f"incident/{INCIDENT_ID}/")}


def make_portal(tmp_path: Path, team: HTTPServer, customers: Mailbox, settings: str = "") -> Portal:
    (tmp_path / "mkdocs.yml").write_text(MKDOCS.format(settings=settings), encoding="utf-8")
    (tmp_path / "incidents").mkdir()
    (tmp_path / "incidents" / ".keep").write_text("", encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    commit(tmp_path, "portal")
    return Portal(tmp_path, team, customers)


@pytest.fixture
def portal(tmp_path: Path, http_receiver: HTTPServer, loopback_only: None) -> Iterator[Portal]:  # noqa: F811
    with Mailbox() as customers:
        yield make_portal(tmp_path, http_receiver, customers)


def last_nights_incident(portal: Portal, now: str) -> None:
    """Handled in chat at 02:00-02:40 (SEV1, payments down), written up in the morning with the real commands and
    committed in one commit, already resolved."""
    portal.run("new", "incident", "--title", "Checkout payments failing", "--severity", "SEV1", "--component",
               "payments=major_outage", "--commander", "Priya Raman", "--at", "2026-03-10T02:00:00Z",
               "--message", "Card payments fail at checkout.", now=now)
    portal.run("update", INCIDENT_ID, "--status", "identified", "--message",
               "A certificate rotation broke the connection to our payment provider; we are rolling it back.",
               "--at", "2026-03-10T02:15:00Z", now=now)
    portal.run("resolve", INCIDENT_ID, "--message", "Payments have worked normally since 02:35 UTC.",
               "--at", "2026-03-10T02:40:00Z", now=now)
    commit(portal.root, "Record last night's payments incident")


RETROSPECTIVE_LINE = (
    f"sitrep: warning: incident/{INCIDENT_ID}: already resolved when first in the records: resolved Mar 10, 2026 "
    "02:40 UTC, and a run at Mar 10, 2026 08:55 UTC (6 h 15 min later) did not have it yet, more than "
    "notify.retrospective_after (1 h): recorded retrospectively, not news, so not announced to 'customers'; "
    "'team' sent its resolution alone, marked so")


# --------------------------------------------------------------------------- a whole incident, after the fact

def test_an_incident_recorded_after_it_was_resolved_is_not_announced_to_customers(portal: Portal) -> None:
    """Written up at 09:00, resolved at 02:40: customers are not mailed about an outage that ended six hours ago
    and that nothing told them of (Statuspage's backfilled incidents and incident.io's retrospective ones notify
    nobody). The team gets one message, the resolution, saying it was recorded after the fact and that its
    postmortem is due, not a "🚨 SEV1 INCIDENT" alert in the morning. It used to send customers the resolution
    letter and the team the alert, the update and the resolution."""
    for now in ("01:55", "05:00", "08:55"):  # the schedule ran through the night, with nothing to send
        portal.notify(f"2026-03-10T{now}:00Z")
    last_nights_incident(portal, now="2026-03-10T09:00:00Z")

    dry = portal.notify("2026-03-10T09:02:00Z", "--dry-run")
    assert "would send 1," in dry.output
    assert [line for line in dry.output.splitlines() if "retrospective" in line and "warning" in line] == [
        RETROSPECTIVE_LINE], dry.output
    assert "--- team: incident/2026-03-10-checkout-payments-failing/resolved" in dry.output

    real = portal.notify("2026-03-10T09:02:00Z")
    assert RETROSPECTIVE_LINE in real.output.splitlines(), real.output
    assert "sent 1," in real.output
    portal.notify("2026-03-10T09:07:00Z")  # the next scheduled run: nothing new

    assert portal.letters() == []
    assert portal.team_titles() == ["✅ RESOLVED (recorded retrospectively): Checkout payments failing"]
    body = portal.team_messages()[0]
    assert "Duration: 40 min (started Mar 10, 2026 02:00 UTC, resolved Mar 10, 2026 02:40 UTC)" in body
    assert "Recorded after it was resolved: no alert or update went out while it was open, and customers are not " \
           "notified of it" in body
    assert "Postmortem required for SEV1: meeting within" in body
    customers = portal.ledger("customers")
    assert customers and all(v["outcome"] == "covered" and v["retrospective"] for v in customers.values())
    assert f"incident/{INCIDENT_ID}/declared" in customers and f"incident/{INCIDENT_ID}/resolved" in customers


def test_a_backfilled_update_of_an_incident_recorded_retrospectively_reaches_nobody(portal: Portal) -> None:
    """A 02:25 update remembered at 10:00, added to the incident recorded at 09:00: the customers heard nothing of
    the incident and hear nothing now; the team had its resolution (the post-resolution backfill rule)."""
    for now in ("05:00", "08:55"):
        portal.notify(f"2026-03-10T{now}:00Z")
    last_nights_incident(portal, now="2026-03-10T09:00:00Z")
    portal.notify("2026-03-10T09:02:00Z")
    record = portal.root / INCIDENT
    marker = "  - at: 2026-03-10T02:40:00Z\n"
    record.write_text(record.read_text(encoding="utf-8").replace(marker, (
        "  - at: 2026-03-10T02:25:00Z\n    status: monitoring\n    message: The rollback is out; we are watching "
        "payments.\n") + marker), encoding="utf-8")
    commit(portal.root, "The 02:25 update")
    result = portal.notify("2026-03-10T10:02:00Z")
    assert "sent 0," in result.output
    assert portal.letters() == []
    assert portal.team_titles() == ["✅ RESOLVED (recorded retrospectively): Checkout payments failing"]
    update_id = f"incident/{INCIDENT_ID}/update/20260310T022500Z-monitoring"
    assert portal.ledger("customers")[update_id]["outcome"] == "covered"
    assert portal.ledger("team")[update_id]["outcome"] == "covered"


def test_the_teams_retrospective_resolution_is_retried_as_such_after_a_failure(
        tmp_path: Path, http_receiver: HTTPServer, loopback_only: None) -> None:  # noqa: F811
    """The team's webhook is down when the incident is recorded: the next run retries the resolution, still marked
    retrospective (its failed run recorded the incident's other events, which must not make it look seen), and
    the customers are still not told."""
    with Mailbox() as customers:
        portal = make_portal(tmp_path, http_receiver, customers)
        portal.notify("2026-03-10T08:55:00Z")
        last_nights_incident(portal, now="2026-03-10T09:00:00Z")
        http_receiver.stop()
        down = portal.notify("2026-03-10T09:02:00Z", exit_code=1)
        assert f"failed incident/{INCIDENT_ID}/resolved" in down.output
        # The warning line says what happened in this run: the team was not sent its resolution (it used to say
        # it was, next to the failure line).
        assert RETROSPECTIVE_LINE not in down.output.splitlines(), down.output
        assert RETROSPECTIVE_LINE.replace(
            "'team' sent its resolution alone, marked so",
            "'team' is to get its resolution alone, marked so, which failed to go out (the next run retries it)"
        ) in down.output.splitlines(), down.output
        http_receiver.start()
        retry = portal.notify("2026-03-10T09:07:00Z")
        assert RETROSPECTIVE_LINE.replace("not announced to 'customers'; ", "") in retry.output.splitlines(), \
            retry.output  # the customers' channel recorded it in the failed run
        portal.notify("2026-03-10T09:12:00Z")
    assert portal.letters() == []
    assert portal.team_titles() == ["✅ RESOLVED (recorded retrospectively): Checkout payments failing"]


def test_an_incident_declared_and_resolved_between_two_runs_an_hour_apart_is_news(portal: Portal) -> None:
    """Guard (the old behaviour, kept): what tells an incident written after the fact is a run that did not have
    it though it was over by more than notify.retrospective_after, not its age when a run first sees it. Declared
    09:05 and resolved 09:20, its commit published after the 09:25 run (5 minutes after the resolution: being
    published) and sent by the next run, an hour later: customers get the resolution letter, the team every
    message, unmarked."""
    portal.notify("2026-03-10T09:00:00Z")
    portal.notify("2026-03-10T09:25:00Z")  # the commit is not live yet
    portal.run("new", "incident", "--title", "Checkout payments failing", "--severity", "SEV1", "--component",
               "payments=major_outage", "--at", "2026-03-10T09:05:00Z", "--message", "Card payments fail.",
               now="2026-03-10T09:26:00Z")
    portal.run("resolve", INCIDENT_ID, "--message", "Payments work again.", "--at", "2026-03-10T09:20:00Z",
               now="2026-03-10T09:26:00Z")
    commit(portal.root, "Declare and resolve")
    result = portal.notify("2026-03-10T10:25:00Z")  # 65 minutes after the resolution
    assert "retrospective" not in result.output
    assert portal.letters() == ["Service Restoration - Checkout payments failing"]
    assert portal.team_titles() == ["🚨 SEV1 INCIDENT: Checkout payments failing",
                                    "✅ RESOLVED: Checkout payments failing"]


def test_runs_held_back_by_a_failed_delivery_do_not_count_as_having_looked(
        tmp_path: Path, http_receiver: HTTPServer, loopback_only: None) -> None:  # noqa: F811
    """Guard: a run whose channel is held back by a failed delivery defers the incidents behind it without recording
    them, so it is not a run that "did not have" them. The team's webhook is down from 09:01 to 10:35; an incident
    declared at 09:10 and resolved at 09:20 goes to the customers at 09:25 and, once the webhook is back, to the
    team in full (alert, then resolution), not as an incident recorded retrospectively."""
    with Mailbox() as customers:
        portal = make_portal(tmp_path, http_receiver, customers)
        portal.notify("2026-03-10T08:55:00Z")
        portal.run("new", "incident", "--title", "Slow exports", "--severity", "SEV3", "--component",
                   "database=degraded", "--at", "2026-03-10T09:00:00Z", "--message", "Exports are slow.",
                   now="2026-03-10T09:00:00Z")
        commit(portal.root, "Slow exports")
        http_receiver.stop()
        portal.notify("2026-03-10T09:01:00Z", exit_code=1)
        portal.run("new", "incident", "--title", "Checkout payments failing", "--severity", "SEV1", "--component",
                   "payments=major_outage", "--at", "2026-03-10T09:10:00Z", "--message", "Card payments fail.",
                   now="2026-03-10T09:21:00Z")
        portal.run("resolve", INCIDENT_ID, "--message", "Payments work again.", "--at", "2026-03-10T09:20:00Z",
                   now="2026-03-10T09:21:00Z")
        commit(portal.root, "Declare and resolve")
        for now in ("09:25", "10:30"):
            result = portal.notify(f"2026-03-10T{now}:00Z", exit_code=1)
            assert "retrospective" not in result.output
        http_receiver.start()
        result = portal.notify("2026-03-10T10:35:00Z")
        assert "retrospective" not in result.output
    assert portal.letters() == ["Service Restoration - Checkout payments failing"]
    assert portal.team_titles() == ["🚨 SEV3 INCIDENT: Slow exports", "🚨 SEV1 INCIDENT: Checkout payments failing",
                                    "✅ RESOLVED: Checkout payments failing"]


def test_retrospective_after_is_the_teams_to_set(
        tmp_path: Path, http_receiver: HTTPServer, loopback_only: None) -> None:  # noqa: F811
    """A team whose write-ups go through a reviewed pull request that can take hours sets
    notify.retrospective_after: 12h, and last night's incident, written up six hours after it ended, is news: the
    customers get the letter, the team every message."""
    with Mailbox() as customers:
        portal = make_portal(tmp_path, http_receiver, customers, settings="        retrospective_after: 12h\n")
        portal.notify("2026-03-10T08:55:00Z")
        last_nights_incident(portal, now="2026-03-10T09:00:00Z")
        result = portal.notify("2026-03-10T09:02:00Z")
        assert "retrospective" not in result.output
    assert portal.letters() == ["Service Restoration - Checkout payments failing"]
    assert [t.split(":")[0] for t in portal.team_titles()] == ["🚨 SEV1 INCIDENT", "⏳ UPDATE",
                                                               "✅ RESOLVED"]


# --------------------------------------------------------------------------- an update, into an open incident

def declared_and_identified(portal: Portal) -> None:
    """A SEV1 declared at 02:00 and identified at 02:30, each sent to the team and the customers."""
    portal.notify("2026-03-10T01:55:00Z")
    portal.run("new", "incident", "--title", "Checkout payments failing", "--severity", "SEV1", "--component",
               "payments=major_outage", "--at", "2026-03-10T02:00:00Z", "--message", "Card payments fail.",
               now="2026-03-10T02:00:00Z")
    commit(portal.root, "Declare")
    portal.notify("2026-03-10T02:01:00Z")
    portal.run("update", INCIDENT_ID, "--status", "identified", "--message", "We are rolling back the certificate.",
               "--at", "2026-03-10T02:30:00Z", now="2026-03-10T02:30:00Z")
    commit(portal.root, "Identified")
    portal.notify("2026-03-10T02:31:00Z")


def backfill(portal: Portal, update: str) -> None:
    """The update the responder forgot to post at 02:10, written in before the 02:30 one and committed."""
    record = portal.root / INCIDENT
    marker = "  - at: 2026-03-10T02:30:00Z\n"
    record.write_text(record.read_text(encoding="utf-8").replace(marker, update + marker), encoding="utf-8")
    commit(portal.root, "The 02:10 update we forgot to post")


FORGOTTEN = """\
  - at: 2026-03-10T02:10:00Z
    status: investigating
    message: We have paged our payment provider.
"""
UPDATE_ID = f"incident/{INCIDENT_ID}/update/20260310T021000Z-investigating"
BACKFILL_LINE = (
    f"sitrep: warning: {UPDATE_ID}: in the record only since a later update was sent to 'team', 'customers', and "
    "dated before it (Mar 10, 2026 02:10 UTC; that update Mar 10, 2026 02:30 UTC): a backfilled update, not news, "
    "so not sent; the incident's timeline on its page shows it")


def test_an_update_backfilled_into_an_open_incident_is_not_sent_after_a_later_one(portal: Portal) -> None:
    """Customers told "Identified" at 02:30 are not mailed "Investigating" dated 02:10 at 02:45, nor is the team
    told it: the incident's state is the 02:30 update's, which still stands. The run says so in one line; later
    updates and the resolution go out as usual. It used to be sent, an older status after a newer one."""
    declared_and_identified(portal)
    before = (portal.letters(), portal.team_titles())
    assert before[0] == ["[Investigating] Checkout payments failing - SmartBeak Status",
                         "[Identified] Checkout payments failing - SmartBeak Status"]
    backfill(portal, FORGOTTEN)

    dry = portal.notify("2026-03-10T02:45:00Z", "--dry-run")
    assert "would send 0," in dry.output
    assert [line for line in dry.output.splitlines() if UPDATE_ID in line] == [BACKFILL_LINE], dry.output
    real = portal.notify("2026-03-10T02:45:00Z")
    assert BACKFILL_LINE in real.output.splitlines() and "sent 0," in real.output
    assert (portal.letters(), portal.team_titles()) == before
    for channel in ("team", "customers"):
        assert portal.ledger(channel)[UPDATE_ID]["outcome"] == "covered"

    portal.run("update", INCIDENT_ID, "--status", "monitoring", "--message", "The rollback is out.",
               "--at", "2026-03-10T02:50:00Z", now="2026-03-10T02:50:00Z")
    commit(portal.root, "Monitoring")
    assert "backfilled" not in portal.notify("2026-03-10T02:51:00Z").output
    portal.run("resolve", INCIDENT_ID, "--message", "Payments work again.", "--at", "2026-03-10T03:10:00Z",
               now="2026-03-10T03:10:00Z")
    commit(portal.root, "Resolved")
    assert "backfilled" not in portal.notify("2026-03-10T03:11:00Z").output
    assert portal.letters()[2:] == ["[Monitoring] Checkout payments failing - SmartBeak Status",
                                    "Service Restoration - Checkout payments failing"]
    assert [t.split(":")[0] for t in portal.team_titles()[2:]] == ["⏳ UPDATE", "✅ RESOLVED"]
    assert not any("We have paged our payment provider." in text_of(m) for m in portal.customers.messages)


def test_the_impact_a_backfilled_update_gave_is_told_by_the_next_update_not_on_its_own(portal: Portal) -> None:
    """The forgotten 02:10 update also says the database was degraded, and no later update changed that. It is
    not announced on its own, neither as the 02:10 update (an "Investigating" after "Identified") nor as an
    "impact changed" message (a status page notifies nobody of a component's status without an update): the page
    shows it, and the next update's message, as the incident then stands, says it. It used to be sent as the 02:10
    update, "⚠️ Checkout payments failing: Primary database now degraded performance." after the 02:30 one."""
    declared_and_identified(portal)
    backfill(portal, FORGOTTEN + "    components:\n      database: degraded_performance\n")
    result = portal.notify("2026-03-10T02:45:00Z")
    assert BACKFILL_LINE in result.output.splitlines(), result.output
    assert len(portal.team_titles()) == 2 and len(portal.letters()) == 2
    portal.run("update", INCIDENT_ID, "--status", "monitoring", "--message", "The rollback is out.",
               "--at", "2026-03-10T02:50:00Z", now="2026-03-10T02:50:00Z")
    commit(portal.root, "Monitoring")
    portal.notify("2026-03-10T02:51:00Z")
    assert portal.team_titles()[2:] == ["⏳ UPDATE: Checkout payments failing"]
    assert "Impact: Billing & payments: Major outage, Primary database: Degraded performance" in \
        portal.team_messages()[2]
    assert portal.letters()[2:] == ["[Monitoring] Checkout payments failing - SmartBeak Status"]
    letter = text_of(portal.customers.messages[2])
    assert "Primary database" in letter and "We have paged our payment provider." not in letter


# --------------------------------------------------------------------------- an update, before the first one

EARLIER = """\
  - at: 2026-03-10T01:50:00Z
    status: investigating
    message: Some card payments time out; we are looking into it.
"""
EARLIER_ID = f"incident/{INCIDENT_ID}/update/20260310T015000Z-investigating"
EARLIER_LINE = (
    f"sitrep: warning: {EARLIER_ID}: in the record only since a later update was sent to 'team', 'customers', and "
    "dated before it (Mar 10, 2026 01:50 UTC; that update Mar 10, 2026 02:00 UTC): a backfilled update, not news, "
    "so not sent; the incident's timeline on its page shows it")


def backfill_before_declaration(portal: Portal) -> None:
    """A 01:50 update written in before the 02:00 one the incident was declared with (and sent as), the incident's
    start moved back with it, committed."""
    record = portal.root / INCIDENT
    text = record.read_text(encoding="utf-8").replace("started: 2026-03-10T02:00:00Z", "started: 2026-03-10T01:50:00Z")
    marker = "  - at: 2026-03-10T02:00:00Z\n"
    record.write_text(text.replace(marker, EARLIER + marker, 1), encoding="utf-8")
    commit(portal.root, "The 01:50 report, before the declaration")


@pytest.mark.parametrize("older_ledger", [False, True], ids=["ledger", "ledger-before-declared-updates"])
def test_an_update_backfilled_before_the_declaration_does_not_send_the_declaration_again(
        portal: Portal, older_ledger: bool) -> None:
    """The declaration is the incident's first update. A 01:50 update written in before the 02:00 one the
    incident was declared with makes the 02:00 one the second update, whose event id is an update's: it used to be
    sent again (a second "Investigating" letter to the customers, a second message to the team). The declaration
    stays the update it was sent as (the ledger keeps which; one written before it kept that learns it from the
    next run); the 01:50 one is a backfilled update (covered, one warning line), and the incident's next update
    and resolution go out as usual."""
    portal.notify("2026-03-10T01:55:00Z")
    portal.run("new", "incident", "--title", "Checkout payments failing", "--severity", "SEV1", "--component",
               "payments=major_outage", "--at", "2026-03-10T02:00:00Z", "--message", "Card payments fail.",
               now="2026-03-10T02:00:00Z")
    commit(portal.root, "Declare")
    portal.notify("2026-03-10T02:01:00Z")
    before = (portal.letters(), portal.team_titles())
    assert before == (["[Investigating] Checkout payments failing - SmartBeak Status"],
                      ["🚨 SEV1 INCIDENT: Checkout payments failing"])
    declared = f"incident/{INCIDENT_ID}/declared"
    assert portal.ledger("customers")[declared]["update"] == "20260310T020000Z-investigating"
    if older_ledger:  # as a ledger of an earlier Sitrep has it; the next run (nothing to send) fills it in
        data = json.loads((portal.root / LEDGER).read_text(encoding="utf-8"))
        for entries in data["channels"].values():
            del entries[declared]["update"]
        (portal.root / LEDGER).write_text(json.dumps(data), encoding="utf-8")
        assert "sent 0," in portal.notify("2026-03-10T02:05:00Z").output
        assert portal.ledger("team")[declared]["update"] == "20260310T020000Z-investigating"
    backfill_before_declaration(portal)

    dry = portal.notify("2026-03-10T02:10:00Z", "--dry-run")
    assert "would send 0," in dry.output, dry.output
    assert [line for line in dry.output.splitlines() if "warning" in line] == [EARLIER_LINE], dry.output
    real = portal.notify("2026-03-10T02:10:00Z")
    assert "sent 0," in real.output and EARLIER_LINE in real.output.splitlines(), real.output
    assert (portal.letters(), portal.team_titles()) == before
    for channel in ("team", "customers"):
        assert portal.ledger(channel)[EARLIER_ID]["outcome"] == "covered"
    assert "sent 0," in portal.notify("2026-03-10T02:15:00Z").output  # and the next run: nothing either

    portal.run("update", INCIDENT_ID, "--status", "identified", "--message", "We are rolling back the certificate.",
               "--at", "2026-03-10T02:30:00Z", now="2026-03-10T02:30:00Z")
    commit(portal.root, "Identified")
    assert "warning" not in (result := portal.notify("2026-03-10T02:31:00Z")).output, result.output
    portal.run("resolve", INCIDENT_ID, "--message", "Payments work again.", "--at", "2026-03-10T02:40:00Z",
               now="2026-03-10T02:40:00Z")
    commit(portal.root, "Resolved")
    assert "warning" not in (result := portal.notify("2026-03-10T02:41:00Z")).output, result.output
    assert portal.letters()[1:] == ["[Identified] Checkout payments failing - SmartBeak Status",
                                    "Service Restoration - Checkout payments failing"]
    assert [t.split(":")[0] for t in portal.team_titles()[1:]] == ["⏳ UPDATE", "✅ RESOLVED"]
    assert not any("Some card payments time out" in text_of(m) for m in portal.customers.messages)


# --------------------------------------------------------------------------- a maintenance, after the fact

LAST_NIGHTS_MAINTENANCE = """\
---
kind: maintenance
title: Database upgrade
scheduled_start: 2026-03-10T02:00:00Z
scheduled_end: 2026-03-10T03:00:00Z
components:
  database: under_maintenance
updates:
  - at: 2026-03-10T02:00:00Z
    status: in_progress
    message: We are upgrading the database.
  - at: 2026-03-10T02:45:00Z
    status: completed
    message: The upgrade is done.
---
"""
MAINTENANCE_ID = "2026-03-10-database-upgrade"


def test_a_maintenance_recorded_after_it_was_completed_is_not_announced_to_customers(portal: Portal) -> None:
    """A database upgrade done at 02:00-02:45 under a change ticket and written into the records at 09:00: customers
    are not mailed "Maintenance completed" for work nobody told them of, six hours after it ended (the rule for an
    incident recorded retrospectively). The team gets its completion alone, marked so, not a "scheduled" notice for
    a window long past followed by "in progress" and "completed" in the same minute. Within notify.max_age, the
    completion used to be mailed to the customers and all three sent to the team."""
    for now in ("01:55", "05:00", "08:55"):
        portal.notify(f"2026-03-10T{now}:00Z")
    path = portal.root / "incidents" / "2026" / f"{MAINTENANCE_ID}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(LAST_NIGHTS_MAINTENANCE, encoding="utf-8")
    commit(portal.root, "Record last night's database upgrade")

    line = (f"sitrep: warning: maintenance/{MAINTENANCE_ID}: already completed when first in the records: completed "
            "Mar 10, 2026 02:45 UTC, and a run at Mar 10, 2026 08:55 UTC (6 h 10 min later) did not have it yet, more "
            "than notify.retrospective_after (1 h): recorded retrospectively, not news, so not announced to "
            "'customers'; 'team' sent its completion alone, marked so")
    dry = portal.notify("2026-03-10T09:02:00Z", "--dry-run")
    assert [text for text in dry.output.splitlines() if "warning" in text] == [line], dry.output
    real = portal.notify("2026-03-10T09:02:00Z")
    assert line in real.output.splitlines() and "sent 1," in real.output, real.output
    portal.notify("2026-03-10T09:07:00Z")

    assert portal.letters() == []
    assert portal.team_titles() == ["✅ MAINTENANCE COMPLETED (recorded retrospectively): Database upgrade"]
    body = portal.team_messages()[0]
    assert "completed Mar 10, 2026 02:45 UTC" in body
    assert "Recorded after it was completed: no notice went out before or during it, and customers are not " \
           "notified of it" in body
    entries = json.loads((portal.root / LEDGER).read_text(encoding="utf-8"))["channels"]["customers"]
    customers = {k: v for k, v in entries.items() if k.startswith(f"maintenance/{MAINTENANCE_ID}/")}
    assert f"maintenance/{MAINTENANCE_ID}/completed" in customers
    assert all(v["outcome"] == "covered" and v["retrospective"] for v in customers.values())


def test_a_maintenance_completed_between_two_runs_an_hour_apart_is_news(portal: Portal) -> None:
    """Guard, as for incidents: a maintenance a run did not have because it was not over yet is news. Announced
    at 01:30 for 02:00-03:00 and done early, by 02:45, the customers were told of it and hear it is completed."""
    portal.notify("2026-03-10T01:00:00Z")
    path = portal.root / "incidents" / "2026" / f"{MAINTENANCE_ID}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(LAST_NIGHTS_MAINTENANCE.replace("updates:\n", (
        "updates:\n  - at: 2026-03-10T01:30:00Z\n    status: scheduled\n    message: We will upgrade the database.\n"
    )), encoding="utf-8")
    commit(portal.root, "Database upgrade")
    result = portal.notify("2026-03-10T03:50:00Z")  # the records had it only by now; runs an hour apart
    assert "retrospective" not in result.output, result.output
    # One letter, its latest news: not "[In progress]" and "[Completed]" in the same minute.
    assert portal.letters() == ["[Completed] Database upgrade - SmartBeak Status"]
    assert [t.split(":")[0] for t in portal.team_titles()][-1] == "✅ MAINTENANCE COMPLETED"
