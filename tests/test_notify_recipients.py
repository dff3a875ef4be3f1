"""What the people at the other end of ``sitrep notify`` read, through a whole incident and a maintenance.

The responders' commands (``sitrep new incident``, ``update`` with an escalation and a
de-escalation, ``resolve``, a published postmortem, ``new maintenance``) write the
records; ``sitrep notify`` runs after each step; aiosmtpd on loopback receives the
customers' letters and the on-call mailbox's messages, as a mail client would show them.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from sitrep.cli import main
from tests.support.helpers_build import CHROMIUM, chromium
from tests.support.receivers import Mailbox, free_port, json_bodies, loopback_only, text_of  # noqa: F401 - fixtures

MKDOCS = """\
site_name: Acme Status
site_url: https://status.acme.example/
plugins:
  - sitrep:
      components:
        - id: api
          name: Public API
        - id: web
          name: Web app
        - id: db
          name: Database
      notify:
        channels:
          - name: customers
            audience: public
            style: email
            url_env: CUSTOMERS_URL
          - name: oncall
            audience: internal
            style: email
            url_env: ONCALL_URL
"""
ID = "2026-12-01-api-requests-failing"


def sitrep(root: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, [args[0], *args[1:], "-f", str(root / "mkdocs.yml")]
                                if args[0] != "new" else [*args[:2], *args[2:], "-f", str(root / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def portal(tmp_path: Path) -> Path:
    (tmp_path / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    (tmp_path / "incidents").mkdir()
    return tmp_path


class Inboxes:
    """The customers' list and the on-call mailbox, each an SMTP server on loopback."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.customers, self.oncall = Mailbox(), Mailbox()

    def __enter__(self) -> Inboxes:
        self.customers.__enter__()
        self.oncall.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.customers.__exit__()
        self.oncall.__exit__()

    def notify(self, now: str) -> Result:
        env = {"CUSTOMERS_URL": self.customers.url("customers@acme.example"),
               "ONCALL_URL": self.oncall.url("oncall@acme.example")}
        result = CliRunner().invoke(main, ["notify", "-f", str(self.root / "mkdocs.yml"), "--now", now], env=env)
        assert result.exit_code == 0, result.output
        return result


def subjects(messages: list[EmailMessage]) -> list[str]:
    return [str(m["Subject"]) for m in messages]


def declare_sev2(root: Path) -> None:
    sitrep(root, "new", "incident", "--title", "API requests failing", "--severity", "SEV2",
           "--component", "api=partial_outage", "--message", "We are investigating elevated error rates on the API.",
           "--started", "2026-12-01T09:55:00Z", "--at", "2026-12-01T10:02:00Z",
           "--commander", "Alice Commander", "--comms-lead", "Carol Comms")


def escalate(root: Path) -> None:
    sitrep(root, "update", ID, "--status", "identified", "--severity", "SEV1", "--component", "api=major",
           "--component", "web=partial", "--message", "All API requests and the web app are affected.",
           "--at", "2026-12-01T10:35:00Z")


def deescalate(root: Path) -> None:
    sitrep(root, "update", ID, "--status", "identified", "--severity", "SEV2", "--component", "api=partial",
           "--component", "web=operational", "--message", "The web app has recovered; some API requests fail.",
           "--at", "2026-12-01T10:58:00Z")


POSTMORTEM = f"""\
---
title: 'Postmortem: API requests failing'
incidents: [{ID}]
date: 2026-12-02
authors: [Alice Commander]
status: published
visibility: public
---
## Summary

A load balancer change sent part of the API traffic to a pool without capacity.

## Impact

Some API requests failed for 90 minutes.

## Timeline

- 09:55 UTC impact started

## Root Cause

The pool's connection limit was lowered.

## Resolution

We restored the previous limit and now check such changes before they ship.

## Action Items

- [ ] Canary load balancer changes - Alice Commander - 2026-12-20

## Lessons Learned

Configuration needs the same care as code.
"""


@pytest.mark.usefixtures("loopback_only")
def test_customers_told_of_a_sev1_hear_its_de_escalation_resolution_and_postmortem(portal: Path) -> None:
    """The customer list gets SEV1 incidents: once told of one, it is told how it ends, also after the
    incident drops back to SEV2 (it used to hear "next update by 10:50", then nothing, ever)."""
    with Inboxes(portal) as inboxes:
        declare_sev2(portal)
        inboxes.notify("2026-12-01T10:05:00Z")
        assert inboxes.customers.messages == []  # SEV2: the status page only, by the procedures' policy
        escalate(portal)
        inboxes.notify("2026-12-01T10:40:00Z")
        deescalate(portal)
        inboxes.notify("2026-12-01T11:00:00Z")
        sitrep(portal, "update", ID, "--status", "monitoring", "--message", "A fix is deployed; we are watching.",
               "--at", "2026-12-01T11:30:00Z")
        inboxes.notify("2026-12-01T11:32:00Z")
        sitrep(portal, "resolve", ID, "--message", "API requests succeed normally again.",
               "--at", "2026-12-01T12:00:00Z")
        inboxes.notify("2026-12-01T12:05:00Z")
        (portal / "postmortems").mkdir()
        (portal / "postmortems/2026-12-02-api.md").write_text(POSTMORTEM, encoding="utf-8")
        inboxes.notify("2026-12-01T16:00:00Z")
        inboxes.notify("2026-12-01T16:30:00Z")  # nothing new: nothing sent twice

    assert subjects(inboxes.customers.messages) == [
        "[Identified] API requests failing - Acme Status",
        "[Identified] API requests failing - Acme Status",
        "[Monitoring] API requests failing - Acme Status",
        "Service Restoration - API requests failing",
        "What happened: API requests failing - Acme Status",
    ]
    deescalated = text_of(inboxes.customers.messages[1])
    assert "Severity lowered to SEV2. Public API now partial outage. Web app now operational." in deescalated
    # A recovered component is not listed as affected beside "Web app now operational".
    assert "Affected: Public API\nRecovered: Web app\n" in deescalated
    assert "Dear Valued Customer" not in "".join(text_of(m) for m in inboxes.oncall.messages)


@pytest.mark.usefixtures("loopback_only")
def test_an_internal_mailbox_gets_the_teams_alert_not_the_customer_letter(portal: Path) -> None:
    with Inboxes(portal) as inboxes:
        declare_sev2(portal)
        inboxes.notify("2026-12-01T10:05:00Z")
        sitrep(portal, "resolve", ID, "--message", "API requests succeed normally again.",
               "--at", "2026-12-01T10:30:00Z")
        inboxes.notify("2026-12-01T10:35:00Z")
    alert, resolution = inboxes.oncall.messages
    assert alert["Subject"] == "🚨 SEV2 INCIDENT: API requests failing"
    assert "Incident Commander: Alice Commander" in text_of(alert)
    assert "Comms: Carol Comms" in text_of(alert)
    assert resolution["Subject"] == "✅ RESOLVED: API requests failing"
    assert ("Postmortem required for SEV2: meeting within 48 hours, published within 7 days"
            in text_of(resolution))
    assert "Dear Valued Customer" not in text_of(resolution)


def test_a_late_update_message_tells_the_incident_as_that_update_left_it(portal: Path) -> None:
    """The escalation and the de-escalation first go out in the same run (a retry, or one merge): each
    message says its own severity and impact, as its entry on the incident page does."""
    declare_sev2(portal)
    escalate(portal)
    deescalate(portal)
    result = CliRunner().invoke(main, ["notify", "-f", str(portal / "mkdocs.yml"), "--now",
                                       "2026-12-01T11:00:00Z", "--dry-run", "--channel", "oncall"])
    assert result.exit_code == 0, result.output
    messages = result.output.split("--- oncall: ")
    escalation = next(m for m in messages if m.startswith(f"incident/{ID}/update/20261201T103500Z"))
    assert "Severity raised to SEV1" in escalation
    assert "Severity: SEV1 (Critical)" in escalation and "SEV2" not in escalation.split("Severity raised")[1]
    assert "Impact: Public API: Major outage, Web app: Partial outage" in escalation
    assert "Next update" not in escalation  # the 10:58 update has been posted since
    deescalation = next(m for m in messages if m.startswith(f"incident/{ID}/update/20261201T105800Z"))
    assert "Severity: SEV2 (High)" in deescalation
    assert "Next update: by Dec 1, 2026 11:28 UTC" in deescalation


@pytest.mark.usefixtures("loopback_only")
def test_maintenance_letters_use_the_status_pages_words(portal: Path) -> None:
    with Inboxes(portal) as inboxes:
        sitrep(portal, "new", "maintenance", "--title", "Database upgrade", "--component", "db",
               "--start", "2026-12-01T20:00:00Z", "--end", "2026-12-01T21:00:00Z",
               "--message", "Writes may be briefly unavailable.", "--at", "2026-12-01T16:05:00Z")
        inboxes.notify("2026-12-01T16:10:00Z")
        inboxes.notify("2026-12-01T19:10:00Z")
        sitrep(portal, "update", "2026-12-01-database-upgrade", "--status", "in_progress",
               "--message", "The upgrade has begun.", "--at", "2026-12-01T20:00:00Z")
        inboxes.notify("2026-12-01T20:02:00Z")
        sitrep(portal, "resolve", "2026-12-01-database-upgrade", "--message", "The upgrade is complete.",
               "--at", "2026-12-01T20:45:00Z")
        inboxes.notify("2026-12-01T20:50:00Z")
    assert subjects(inboxes.customers.messages) == [
        "[Scheduled maintenance] Database upgrade - Acme Status",
        "[Starts at Dec 1, 2026 20:00 UTC] Database upgrade - Acme Status",
        "[In progress] Database upgrade - Acme Status",
        "[Completed] Database upgrade - Acme Status",
    ]
    first, _, during, done = (text_of(m) for m in inboxes.customers.messages)
    window = "from Dec 1, 2026 20:00 UTC to Dec 1, 2026 21:00 UTC."
    assert f"Scheduled maintenance: will affect Database, {window}" in first
    assert f"Under maintenance: Database, {window}" in during
    # Done 15 minutes early: the letter says when it really ended, beside the window it had announced.
    assert ("Maintenance completed: affected Database, planned from Dec 1, 2026 20:00 UTC to Dec 1, 2026 21:00 UTC; "
            "completed Dec 1, 2026 20:45 UTC.") in done
    assert all(text_of(m).rstrip().endswith("Acme Status") for m in inboxes.customers.messages)


@pytest.mark.usefixtures("loopback_only")
def test_a_postmortem_notice_does_not_say_postmortem_twice(portal: Path) -> None:
    with Inboxes(portal) as inboxes:
        declare_sev2(portal)
        sitrep(portal, "resolve", ID, "--message", "Fixed.", "--at", "2026-12-01T10:30:00Z")
        inboxes.notify("2026-12-01T10:35:00Z")
        (portal / "postmortems").mkdir()
        (portal / "postmortems/2026-12-02-api.md").write_text(POSTMORTEM, encoding="utf-8")
        inboxes.notify("2026-12-01T16:00:00Z")
    # 'sitrep new postmortem' titles it "Postmortem: <incident title>"; the notice already says what it is.
    assert subjects(inboxes.oncall.messages)[-1] == "📝 POSTMORTEM: API requests failing"


def test_the_letter_without_a_postmortem_says_what_happened_not_what_was_being_investigated(portal: Path) -> None:
    declare_sev2(portal)
    escalate(portal)
    sitrep(portal, "resolve", ID, "--message", "API requests succeed normally again.", "--at", "2026-12-01T11:00:00Z")
    result = CliRunner().invoke(main, ["notify", "-f", str(portal / "mkdocs.yml"), "--now",
                                       "2026-12-01T11:05:00Z", "--dry-run", "--channel", "customers"])
    assert result.exit_code == 0, result.output
    letter = result.output.split("Service Restoration - API requests failing", 1)[1]
    assert "What happened:\nAPI requests failing.\n" in letter
    assert "We are investigating" not in letter


# --------------------------------------------------------------------------- the HTML letter, the tone

@pytest.mark.usefixtures("loopback_only")
def test_a_letter_has_an_html_part_saying_the_same_words_with_links(portal: Path) -> None:
    """Mail clients show the HTML part; text-only ones the plain part: both say the message as written."""
    with Inboxes(portal) as inboxes:
        sitrep(portal, "new", "incident", "--title", "Billing & <payments> failing", "--severity", "SEV1",
               "--component", "api=major_outage", "--message", "Card payments fail; we are on it.",
               "--at", "2026-12-01T10:02:00Z")
        inboxes.notify("2026-12-01T10:05:00Z")
    [letter] = inboxes.customers.messages
    assert letter.get_content_type() == "multipart/alternative"
    plain = letter.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    html = letter.get_body(preferencelist=("html",)).get_content()
    assert plain.startswith("Investigating - Billing & <payments> failing\nDec 1, 2026 10:02 UTC\n\n"
                            "Card payments fail; we are on it.\n")
    url = "https://status.acme.example/incidents/2026-12-01-billing-payments-failing/"
    assert f"Follow this incident: {url}\n\nAcme Status" in plain
    assert "Investigating - Billing &amp; &lt;payments&gt; failing<br>" in html  # escaped, never markup
    assert f'<a href="{url}"' in html
    assert "border-top:6px solid #c62828" in html  # an open incident's colour


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
@pytest.mark.usefixtures("loopback_only")
def test_the_html_letter_reads_on_a_phone_and_a_desktop(portal: Path, tmp_path: Path) -> None:
    with Inboxes(portal) as inboxes:
        declare_sev2(portal)
        escalate(portal)
        inboxes.notify("2026-12-01T10:40:00Z")
    [letter] = inboxes.customers.messages
    page_file = tmp_path / "letter.html"
    page_file.write_text(letter.get_body(preferencelist=("html",)).get_content(), encoding="utf-8")
    plain = text_of(letter)
    with chromium() as browser:
        for width in (390, 1280):
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.goto(page_file.as_uri())
            # No sideways scrolling, even with the incident's long address on a phone.
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            shown = page.inner_text("body")
            assert [line.strip() for line in shown.splitlines()] == [line.strip() for line in plain.splitlines()]
            href = page.get_attribute("a", "href")
            assert href == f"https://status.acme.example/incidents/{ID}/"
            page.close()


def test_chat_messages_carry_a_tone_a_chat_shows_as_a_colour(portal: Path) -> None:
    """Slack and Discord colour an attachment by Apprise's notify type: red while open, green once resolved."""
    text = MKDOCS.replace("""          - name: oncall
            audience: internal
            style: email
            url_env: ONCALL_URL""", """          - name: oncall
            audience: internal
            url_env: ONCALL_URL""")
    (portal / "mkdocs.yml").write_text(text, encoding="utf-8")
    server = HTTPServer(host="127.0.0.1", port=free_port())
    server.start()
    try:
        server.expect_request("/team").respond_with_data("ok")
        env = {"ONCALL_URL": f"json://127.0.0.1:{server.port}/team", "CUSTOMERS_URL": ""}
        declare_sev2(portal)
        run = ["notify", "-f", str(portal / "mkdocs.yml"), "--channel", "oncall", "--now"]
        assert CliRunner().invoke(main, [*run, "2026-12-01T10:05:00Z"], env=env).exit_code == 0
        sitrep(portal, "update", ID, "--status", "monitoring", "--message", "Watching.", "--at", "2026-12-01T10:20:00Z")
        assert CliRunner().invoke(main, [*run, "2026-12-01T10:21:00Z"], env=env).exit_code == 0
        assert CliRunner().invoke(main, [*run, "2026-12-01T10:55:00Z"], env=env).exit_code == 0  # overdue
        sitrep(portal, "resolve", ID, "--message", "Fixed.", "--at", "2026-12-01T11:00:00Z")
        assert CliRunner().invoke(main, [*run, "2026-12-01T11:01:00Z"], env=env).exit_code == 0
        bodies = json_bodies(server, "/team")
    finally:
        server.stop()
    assert [(b["title"].split(":")[0], b["type"]) for b in bodies] == [
        ("🚨 SEV2 INCIDENT", "failure"), ("⏳ UPDATE", "warning"), ("⏰ UPDATE OVERDUE", "warning"),
        ("✅ RESOLVED", "success")]


# --------------------------------------------------------------------------- partial failure

class Refusing(Mailbox):
    """An SMTP server that refuses the recipients in ``refused`` (550), then, once emptied, takes them."""

    def __init__(self) -> None:
        super().__init__()
        self.refused = {"b@acme.example"}

    async def handle_RCPT(self, server: object, session: object, envelope: Any, address: str,
                          rcpt_options: object) -> str:
        if address in self.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.mark.usefixtures("loopback_only")
def test_a_retry_after_one_address_refused_goes_only_to_that_address(portal: Path) -> None:
    """Two mailboxes (two URLs in the secret); b refuses the alert, a takes it. The next run sends it to b,
    and a never gets it twice."""
    declare_sev2(portal)
    with Refusing() as server:
        both = (f"mailto://127.0.0.1:{server.port}?from=status@acme.example&to=a@acme.example&mode=insecure "
                f"mailto://127.0.0.1:{server.port}?from=status@acme.example&to=b@acme.example&mode=insecure")
        env = {"ONCALL_URL": both, "CUSTOMERS_URL": ""}
        run = ["notify", "-f", str(portal / "mkdocs.yml"), "--channel", "oncall", "--now"]
        failed = CliRunner().invoke(main, [*run, "2026-12-01T10:05:00Z"], env=env)
        assert failed.exit_code == 1
        assert 'failed incident/2026-12-01-api-requests-failing/declared: Sending email to "b@acme.example" failed' \
            in failed.output
        server.refused.clear()
        retried = CliRunner().invoke(main, [*run, "2026-12-01T10:10:00Z"], env=env)
        assert retried.exit_code == 0, retried.output
        again = CliRunner().invoke(main, [*run, "2026-12-01T10:15:00Z"], env=env)
        assert again.exit_code == 0, again.output
    assert [rcpt for _, rcpt in server.envelopes] == [["a@acme.example"], ["b@acme.example"]]
    assert all(m["Subject"] == "🚨 SEV2 INCIDENT: API requests failing" for m in server.messages)
    assert "mode=insecure" not in failed.output + retried.output  # the URLs are secrets: never printed


def test_one_url_to_several_addresses_is_warned_about(portal: Path) -> None:
    declare_sev2(portal)
    with Mailbox() as box:
        env = {"ONCALL_URL": box.url("a@acme.example,b@acme.example"), "CUSTOMERS_URL": ""}
        result = CliRunner().invoke(main, ["notify", "-f", str(portal / "mkdocs.yml"), "--channel", "oncall",
                                           "--now", "2026-12-01T10:05:00Z"], env=env)
    assert result.exit_code == 0, result.output
    assert ("sitrep: warning: channel 'oncall': one URL in ONCALL_URL sends to 2 addresses; if one refuses a "
            "message, its retry goes to all of them again: write one URL per address") in result.output


# --------------------------------------------------------------------------- links in the team's messages

@pytest.mark.parametrize(("internal_site", "expected"), [
    (None, None),
    ("https://status-internal.acme.example/",
     "https://status-internal.acme.example/incidents/2026-12-01-api-requests-failing/"),
])
def test_an_internal_incident_is_never_linked_to_the_public_site(portal: Path, internal_site: str | None,
                                                                 expected: str | None) -> None:
    """The public site has no page for an internal incident: the team's alert links to the internal
    edition when notify.internal_site_url says where it is, and otherwise to nothing (not to a 404)."""
    if internal_site:
        config = portal / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            "      notify:\n", f"      notify:\n        internal_site_url: {internal_site}\n"), encoding="utf-8")
    sitrep(portal, "new", "incident", "--title", "API requests failing", "--severity", "SEV2",
           "--component", "api=partial_outage", "--message", "Investigating.", "--at", "2026-12-01T10:02:00Z",
           "--visibility", "internal")
    result = CliRunner().invoke(main, ["notify", "-f", str(portal / "mkdocs.yml"), "--dry-run", "--channel",
                                       "oncall", "--now", "2026-12-01T10:05:00Z"])
    assert result.exit_code == 0, result.output
    assert "Internal incident: not shown on the public status page." in result.output
    assert "https://status.acme.example/incidents/" not in result.output
    if expected:
        assert expected in result.output


@pytest.mark.usefixtures("loopback_only")
def test_an_incident_resolved_before_the_customers_heard_of_it_is_one_letter(portal: Path) -> None:
    """Declared and resolved in one pull request: customers get the resolution letter, not an
    "[Investigating]" email in the same minute; the team still gets its alert and the resolution."""
    with Inboxes(portal) as inboxes:
        inboxes.notify("2026-12-01T09:00:00Z")  # the channels have run before
        sitrep(portal, "new", "incident", "--title", "API requests failing", "--severity", "SEV1",
               "--component", "api=partial_outage", "--message", "Investigating.", "--at", "2026-12-01T10:02:00Z")
        sitrep(portal, "update", ID, "--status", "identified", "--component", "web=partial",
               "--message", "The web app is affected too.", "--at", "2026-12-01T10:20:00Z")
        sitrep(portal, "resolve", ID, "--message", "API requests succeed normally again.",
               "--at", "2026-12-01T10:40:00Z")
        inboxes.notify("2026-12-01T10:45:00Z")
    assert subjects(inboxes.customers.messages) == ["Service Restoration - API requests failing"]
    assert subjects(inboxes.oncall.messages) == [
        "🚨 SEV1 INCIDENT: API requests failing",
        "⚠️ API requests failing: Web app now partial outage.",
        "✅ RESOLVED: API requests failing"]


@pytest.mark.usefixtures("loopback_only")
def test_an_email_style_channel_on_a_webhook_gets_text_not_markup(portal: Path) -> None:
    server = HTTPServer(host="127.0.0.1", port=free_port())
    server.start()
    try:
        server.expect_request("/hook").respond_with_data("ok")
        declare_sev2(portal)
        env = {"ONCALL_URL": f"json://127.0.0.1:{server.port}/hook", "CUSTOMERS_URL": ""}
        result = CliRunner().invoke(main, ["notify", "-f", str(portal / "mkdocs.yml"), "--channel", "oncall",
                                           "--now", "2026-12-01T10:05:00Z"], env=env)
        assert result.exit_code == 0, result.output
        [body] = json_bodies(server, "/hook")
    finally:
        server.stop()
    assert body["title"] == "🚨 SEV2 INCIDENT: API requests failing"
    assert body["message"].startswith("Detection: ")
    assert "<" not in body["message"]


@pytest.mark.usefixtures("loopback_only")
def test_a_maintenance_announced_late_is_one_letter_then_the_next(portal: Path) -> None:
    """Announced 30 minutes ahead, inside the hour's "starts soon" notice: the announcement is the notice,
    not followed by a "Starts at" message in the same minute (customers and team alike)."""
    with Inboxes(portal) as inboxes:
        inboxes.notify("2026-12-01T19:00:00Z")  # the channels have run before
        sitrep(portal, "new", "maintenance", "--title", "Database upgrade", "--component", "db",
               "--start", "2026-12-01T20:00:00Z", "--end", "2026-12-01T21:00:00Z",
               "--message", "Writes may be briefly unavailable.", "--at", "2026-12-01T19:30:00Z")
        inboxes.notify("2026-12-01T19:32:00Z")
        inboxes.notify("2026-12-01T20:05:00Z")  # the window has begun
    assert subjects(inboxes.customers.messages) == [
        "[Scheduled maintenance] Database upgrade - Acme Status",
        "[In progress] Database upgrade - Acme Status"]
    assert [s.split(":")[0] for s in subjects(inboxes.oncall.messages)] == [
        "🗓️ SCHEDULED MAINTENANCE", "🔧 MAINTENANCE IN PROGRESS"]


# --------------------------------------------------------------------------- failures, explained

@pytest.mark.usefixtures("loopback_only")
def test_a_refused_letter_says_what_the_server_answered(portal: Path) -> None:
    declare_sev2(portal)
    with Refusing() as server:
        env = {"ONCALL_URL": f"mailto://127.0.0.1:{server.port}?from=status@acme.example&to=b@acme.example"
                             "&mode=insecure", "CUSTOMERS_URL": ""}
        result = CliRunner().invoke(main, ["notify", "-f", str(portal / "mkdocs.yml"), "--channel", "oncall",
                                           "--now", "2026-12-01T10:05:00Z"], env=env)
    assert result.exit_code == 1
    # Apprise's warning, then the server's own reply, which Apprise logs only for debugging.
    assert ('failed incident/2026-12-01-api-requests-failing/declared: Sending email to "b@acme.example" failed. '
            "({'b@acme.example': (550, b'5.1.1 mailbox unavailable')})") in result.output


@pytest.mark.usefixtures("loopback_only")
def test_the_reason_of_a_failure_never_shows_a_secret_of_the_url(portal: Path) -> None:
    """The connection error names the URL's path; its token and the query's are masked, as the password."""
    declare_sev2(portal)
    closed = free_port()
    env = {"ONCALL_URL": f"json://hookuser:Pa55word@127.0.0.1:{closed}/hooks/T0KEN%2Fsecret?token=QUERY-SECRET "
                         f"mailtos://mailer:M4ilPass@127.0.0.1:{closed}?from=status@acme.example&to=a@acme.example",
           "CUSTOMERS_URL": ""}
    result = CliRunner().invoke(main, ["notify", "-f", str(portal / "mkdocs.yml"), "--channel", "oncall",
                                       "--now", "2026-12-01T10:05:00Z"], env=env)
    assert result.exit_code == 1
    assert "Connection refused" in result.output  # the reason is given…
    assert f"port={closed}" in result.output and "/****/****" in result.output
    for secret in ("Pa55word", "T0KEN", "secret", "QUERY-SECRET", "hookuser", "M4ilPass", "mailer"):
        assert secret not in result.output  # …and nothing secret with it


def test_a_daily_reminder_reads_every_day(portal: Path) -> None:
    """SEV4 is updated daily (the procedures' cadence): its reminder says so in words, not "every 1 d"."""
    sitrep(portal, "new", "incident", "--title", "Slow search", "--severity", "SEV4",
           "--component", "api=degraded_performance", "--message", "Search is slow.", "--at", "2026-12-01T10:00:00Z")
    early = CliRunner().invoke(main, ["notify", "-f", str(portal / "mkdocs.yml"), "--dry-run", "--channel",
                                      "oncall", "--now", "2026-12-02T09:59:00Z"])
    assert "UPDATE OVERDUE" not in early.output  # not before the day is over
    result = CliRunner().invoke(main, ["notify", "-f", str(portal / "mkdocs.yml"), "--dry-run", "--channel",
                                       "oncall", "--now", "2026-12-02T10:05:00Z"])
    assert result.exit_code == 0, result.output
    assert ("The next status update of this SEV4 incident was due at Dec 2, 2026 10:00 UTC (every day)."
            in result.output)


@pytest.mark.usefixtures("loopback_only")
def test_a_token_in_the_host_part_of_the_url_is_masked_too(portal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Telegram's URL starts with the bot token (``tgram://TOKEN/CHAT``), Discord's with the webhook id: the
    failure line (the CI log, the ledger) names neither, while a real host name is still given."""
    from apprise.plugins.discord import NotifyDiscord
    from apprise.plugins.telegram import NotifyTelegram

    closed = free_port()
    monkeypatch.setattr(NotifyTelegram, "notify_url", f"http://127.0.0.1:{closed}/bot")
    monkeypatch.setattr(NotifyDiscord, "notify_url", f"http://127.0.0.1:{closed}/api/webhooks")
    declare_sev2(portal)
    env = {"ONCALL_URL": "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/987654321 "
                         "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", "CUSTOMERS_URL": ""}
    result = CliRunner().invoke(main, ["notify", "-f", str(portal / "mkdocs.yml"), "--channel", "oncall",
                                       "--now", "2026-12-01T10:05:00Z"], env=env)
    assert result.exit_code == 1
    assert "Connection refused" in result.output and f"port={closed}" in result.output
    ledger = (portal / ".sitrep-notify" / "ledger.json").read_text(encoding="utf-8")
    for secret in ("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "123456789", "4174216298", "JHMHI8qBe7bk2ZwO5U711o3dV_js"):
        assert secret not in result.output and secret not in ledger


def test_a_letter_once_every_component_recovered_does_not_say_affected_none(portal: Path) -> None:
    """Monitoring with every component back: the letter says what recovered, not "Affected: none"."""
    sitrep(portal, "new", "incident", "--title", "API requests failing", "--severity", "SEV1",
           "--component", "api=major_outage", "--message", "Investigating.", "--at", "2026-12-01T10:00:00Z")
    sitrep(portal, "update", ID, "--status", "monitoring", "--component", "api=operational",
           "--message", "A fix is deployed; we are watching.", "--at", "2026-12-01T10:20:00Z")
    result = CliRunner().invoke(main, ["notify", "-f", str(portal / "mkdocs.yml"), "--dry-run", "--channel",
                                       "customers", "--now", "2026-12-01T10:21:00Z"])
    assert result.exit_code == 0, result.output
    letter = result.output.split("[Monitoring] API requests failing - Acme Status", 1)[1]
    assert "Affected:" not in letter
    assert "A fix is deployed; we are watching.\n\nRecovered: Public API\nWe will post the next update by" in letter


def test_a_title_written_on_two_lines_is_one_subject_line(portal: Path) -> None:
    """YAML lets a title hold a line break ("…\\n…"); the page shows it as one line, and so does the subject
    (the first line of a message): not the title's first half as subject and the rest in the body."""
    (portal / "incidents/2026").mkdir(parents=True)
    (portal / "incidents/2026/2026-12-01-api.md").write_text(
        '---\ntitle: "API requests\\n  failing"\nseverity: SEV1\nstarted: 2026-12-01T10:00:00Z\n'
        "components:\n  api: major_outage\nupdates:\n  - at: 2026-12-01T10:00:00Z\n    status: investigating\n"
        "    message: Investigating.\n---\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["notify", "-f", str(portal / "mkdocs.yml"), "--dry-run",
                                       "--now", "2026-12-01T10:05:00Z"])
    assert result.exit_code == 0, result.output
    assert "--- customers: incident/2026-12-01-api/declared\n[Investigating] API requests failing - Acme Status\n" \
        in result.output
    assert "--- oncall: incident/2026-12-01-api/declared\n🚨 SEV1 INCIDENT: API requests failing\n" in result.output
