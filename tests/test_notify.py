"""`sitrep notify` delivering real messages over real protocols on loopback.

SMTP (aiosmtpd) receives the customer emails; an HTTP receiver gets Apprise's
Slack-, Discord- and generic JSON payloads, an HTTPS one the Teams (Workflows)
Adaptive Card. Nothing may connect anywhere else (``loopback_only``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from sitrep.cli import main
from tests.support.receivers import (  # noqa: F401 - fixtures
    Mailbox,
    http_receiver,
    https_receiver,
    json_bodies,
    loopback_only,
    point_slack_and_discord_at,
    text_of,
)

MKDOCS = """\
site_name: SmartBeak Status
site_url: https://status.smartbeak.example/
plugins:
  - sitrep:
      components:
        - id: payments
          name: Billing & payments
        - id: web-app
          name: Web application
        - id: database
          name: Primary database
      notify:
        channels:
{channels}
"""

SEV1 = """\
---
title: Payment processing failures
severity: SEV1
started: 2026-02-13T14:30:00Z
detected: 2026-02-13T14:31:00Z
components:
  payments: major_outage
commander: Alice Commander
tech_lead: Bob Techlead
comms_lead: Charlie Comms
channel: "#incident-2026-02-13-payments"
war_room: https://zoom.example/j/incident
users_affected: 1200
updates:
  - at: 2026-02-13T14:40:00Z
    status: investigating
    message: We are currently investigating reports of payment processing failures.
{more}---
{body}"""

RESOLVED = """\
  - at: 2026-02-13T17:00:00Z
    status: resolved
    message: Payment processing is operating normally again. We apologize for any inconvenience.
"""

POSTMORTEM = """\
---
title: Payment processing failures after a configuration change
incidents: [2026-02-13-payments]
date: 2026-02-14
authors: [Alice Commander]
status: {status}
visibility: {visibility}
---
## Summary

A configuration issue caused payment processing delays and failures.

## Impact

Payments failed for 2.5 hours.

## Timeline

- 14:30 UTC impact started

## Root Cause

A configuration change lowered the payment gateway's connection limit.

## Resolution

We restored the previous configuration and added a check that rejects such limits.

## Action Items

- [ ] Alert when payment failures exceed 1% - Alice Commander - 2026-03-01
- [ ] Test configuration changes against production limits - Bob Techlead - 2026-03-15

## Lessons Learned

Limits need tests.
"""


def channel(name: str, audience: str, env: str, **extra: str) -> str:
    lines = [f"          - name: {name}", f"            audience: {audience}", f"            url_env: {env}"]
    lines += [f"            {key}: {value}" for key, value in extra.items()]
    return "\n".join(lines)


def write_portal(root: Path, channels: list[str], files: dict[str, str]) -> Path:
    (root / "mkdocs.yml").write_text(MKDOCS.format(channels="\n".join(channels)), encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def notify(root: Path, now: str, env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(main, ["notify", "-f", str(root / "mkdocs.yml"), "--now", now, *args], env=env)


def sev1(resolved: bool = False, body: str = "") -> str:
    return SEV1.format(more=RESOLVED if resolved else "", body=body)


# --------------------------------------------------------------------------- SMTP

@pytest.mark.usefixtures("loopback_only")
def test_the_sev1_customer_email_arrives_over_smtp_with_the_postmortem(tmp_path: Path) -> None:
    root = write_portal(tmp_path, [channel("customers", "public", "CUSTOMERS_URL", style="email")], {
        "incidents/2026/2026-02-13-payments.md": sev1(),
        "incidents/2026/2026-02-13-sev2-slow.md": sev1().replace("severity: SEV1", "severity: SEV2")
        .replace("Payment processing failures", "Slow dashboards"),
    })
    with Mailbox() as box:
        env = {"CUSTOMERS_URL": box.url()}
        first = notify(root, "2026-02-13T14:45:00Z", env)
        assert first.exit_code == 0, first.output
        # SEV1: a proactive email; SEV2 is opt-in, so the default channel stays quiet about it.
        assert [m["Subject"] for m in box.messages] == [
            "[Investigating] Payment processing failures - SmartBeak Status"]
        assert "We are currently investigating reports of payment processing failures." in text_of(box.messages[0])
        assert box.envelopes[0] == ("status@smartbeak.example", ["customers@smartbeak.example"])

        (root / "incidents/2026/2026-02-13-payments.md").write_text(
            sev1(resolved=True, body="Payments failed for some customers.\n"), encoding="utf-8")
        (root / "postmortems").mkdir()
        (root / "postmortems/2026-02-14-payments.md").write_text(
            POSTMORTEM.format(status="published", visibility="public"), encoding="utf-8")
        second = notify(root, "2026-02-13T17:05:00Z", env)
        assert second.exit_code == 0, second.output

    subjects = [m["Subject"] for m in box.messages]
    assert subjects[1:] == ["Service Restoration - Payment processing failures",
                            "What happened: Payment processing failures - SmartBeak Status"]
    letter = text_of(box.messages[1])
    assert letter.startswith("Dear Valued Customer,")
    assert "between Feb 13, 2026 14:30 UTC and Feb 13, 2026 17:00 UTC, Billing & payments experienced " \
           "major outage. This has been fully resolved as of Feb 13, 2026 17:00 UTC." in " ".join(letter.split())
    assert "What happened:\nA configuration issue caused payment processing delays and failures." in letter
    assert "What we did:\nWe restored the previous configuration" in letter
    # The action items stay out of a public channel as out of the public postmortem page (public_pages
    # does not list action_items): the letter points to the postmortem instead.
    assert ("What we're doing to prevent this:\nOur postmortem, linked below, describes what we are "
            "changing.") in letter
    assert "Alert when payment failures exceed 1%" not in letter
    # The postmortem's address once, not twice in a few lines.
    assert letter.count("https://status.smartbeak.example/postmortems/2026-02-14-payments/") == 1
    assert "The full postmortem: https://status.smartbeak.example/postmortems/2026-02-14-payments/" in letter
    for message in box.messages:  # public channel: no internal field ever
        assert "Alice" not in text_of(message) and "zoom.example" not in text_of(message)


def test_a_public_channel_lists_the_action_items_only_where_the_public_edition_shows_them(tmp_path: Path) -> None:
    files = {"incidents/2026/2026-02-13-payments.md": sev1(resolved=True),
             "postmortems/2026-02-14-payments.md": POSTMORTEM.format(status="published", visibility="public")}
    customers = channel("customers", "public", "CUSTOMERS_URL", style="email")
    for listed, expected in ((False, "Our postmortem, linked below, describes what we are changing"),
                             (True, "- Alert when payment failures exceed 1%\n- Test configuration changes")):
        (tmp_path / str(listed)).mkdir()
        root = write_portal(tmp_path / str(listed), [customers], files)
        if listed:
            config = root / "mkdocs.yml"
            config.write_text(config.read_text(encoding="utf-8").replace(
                "      notify:\n", "      public_pages: [action_items]\n      notify:\n"), encoding="utf-8")
        result = notify(root, "2026-02-13T17:05:00Z", {}, "--dry-run")
        assert result.exit_code == 0, result.output
        letter = result.output.split("Service Restoration - Payment processing failures", 1)[1]
        assert expected in letter
        assert "Alice" not in letter and "Bob" not in letter  # owners never, either way


# --------------------------------------------------------------------------- webhooks

@pytest.mark.usefixtures("loopback_only")
def test_slack_discord_teams_and_json_receivers_get_their_payload_shapes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, http_receiver: HTTPServer,  # noqa: F811
        https_receiver: HTTPServer) -> None:  # noqa: F811
    point_slack_and_discord_at(monkeypatch, http_receiver)
    for path in ("/services/T000/B000/XXXX", "/hook"):
        http_receiver.expect_request(path, method="POST").respond_with_data("ok")
    http_receiver.expect_request("/api/webhooks/1234/abcd", method="POST").respond_with_data("", status=204)
    https_receiver.expect_request("/workflows/wf1/triggers/manual/paths/invoke", method="POST") \
        .respond_with_data("", status=202)
    root = write_portal(tmp_path, [
        channel("slack", "internal", "SLACK_URL"), channel("discord", "internal", "DISCORD_URL"),
        channel("teams", "internal", "TEAMS_URL"), channel("hook", "internal", "HOOK_URL"),
    ], {"incidents/2026/2026-02-13-payments.md": sev1()})
    env = {"SLACK_URL": "slack://T000/B000/XXXX", "DISCORD_URL": "discord://1234/abcd",
           "TEAMS_URL": f"workflows://127.0.0.1:{https_receiver.port}/wf1/sig1?verify=no",
           "HOOK_URL": f"json://127.0.0.1:{http_receiver.port}/hook"}
    result = notify(root, "2026-02-13T14:45:00Z", env)
    assert result.exit_code == 0, result.output

    [slack] = json_bodies(http_receiver, "/services/T000/B000/XXXX")
    attachment = slack["attachments"][0]
    assert attachment["title"] == "🚨 SEV1 INCIDENT: Payment processing failures"
    assert "Incident Commander: Alice Commander" in attachment["text"]
    assert "Channel: #incident-2026-02-13-payments" in attachment["text"]
    [discord] = json_bodies(http_receiver, "/api/webhooks/1234/abcd")
    assert discord["content"].startswith("🚨 SEV1 INCIDENT: Payment processing failures")
    assert "Users Affected: 1200" in discord["content"]
    [teams] = [json.loads(req.get_data(as_text=True)) for req, _ in https_receiver.log]
    card = teams["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    # Apprise escapes Markdown for Teams (zoom\\.example); the reader sees the plain text.
    texts = [block.get("text", "").replace("\\", "") for block in card["content"]["body"]]
    assert "🚨 SEV1 INCIDENT: Payment processing failures" in texts
    assert any("War Room" in t and "zoom.example/j/incident" in t for t in texts), texts
    [generic] = json_bodies(http_receiver, "/hook")
    assert generic["title"] == "🚨 SEV1 INCIDENT: Payment processing failures"
    assert "Tech Lead: Bob Techlead" in generic["message"]

    again = notify(root, "2026-02-13T14:50:00Z", env)  # nothing new: nothing sent
    assert again.exit_code == 0 and len(http_receiver.log) == 3 and len(https_receiver.log) == 1


@pytest.mark.usefixtures("loopback_only")
def test_a_failed_delivery_is_not_recorded_and_goes_out_on_the_next_run(
        tmp_path: Path, http_receiver: HTTPServer) -> None:  # noqa: F811
    root = write_portal(tmp_path, [channel("hook", "internal", "HOOK_URL")],
                        {"incidents/2026/2026-02-13-payments.md": sev1()})
    env = {"HOOK_URL": f"json://127.0.0.1:{http_receiver.port}/hook"}
    http_receiver.expect_oneshot_request("/hook").respond_with_data("busy", status=503)
    failed = notify(root, "2026-02-13T14:45:00Z", env)
    assert failed.exit_code == 1
    assert "failed incident/2026-02-13-payments/declared" in failed.output
    # The severity and impact it declares are said by it, not messages waiting behind it.
    assert "deferred" not in failed.output and "holds back" not in failed.output
    assert "hook: incident/2026-02-13-payments/declared failed; the next run retries it." in failed.output
    # A second incident waits behind it: its declaration does, not the severity and impact that one says.
    second = root / "incidents/2026/2026-02-13-web.md"
    second.write_text(sev1().replace("Payment processing failures", "Web app down").replace("payments:", "web-app:"),
                      encoding="utf-8")
    http_receiver.expect_oneshot_request("/hook").respond_with_data("busy", status=503)
    failed = notify(root, "2026-02-13T14:46:00Z", env)
    deferred = [line.split(": ")[3] for line in failed.output.splitlines() if ": deferred " in line]
    assert deferred == ["deferred incident/2026-02-13-web/declared"], failed.output
    assert "declared holds back 1 later event(s)" in failed.output
    second.unlink()
    ledger = json.loads((root / ".sitrep-notify/ledger.json").read_text())
    assert "incident/2026-02-13-payments/declared" not in ledger["channels"].get("hook", {})
    http_receiver.expect_request("/hook").respond_with_data("ok")
    retried = notify(root, "2026-02-13T14:50:00Z", env)
    assert retried.exit_code == 0, retried.output
    bodies = json_bodies(http_receiver, "/hook")
    assert len(bodies) == 3 and bodies[0] == bodies[1] == bodies[2]  # the same alert, delivered on the retry


# --------------------------------------------------------------------------- canary

CANARIES = ("CANARY-INTERNAL-TITLE", "CANARY-COMMANDER", "CANARY-CHANNEL", "canary-war-room", "CANARY-PM",
            "987654")


@pytest.mark.usefixtures("loopback_only")
def test_internal_incidents_and_fields_never_reach_a_public_channel(
        tmp_path: Path, http_receiver: HTTPServer) -> None:  # noqa: F811
    http_receiver.expect_request("/public").respond_with_data("ok")
    http_receiver.expect_request("/team").respond_with_data("ok")
    public_incident = (sev1(resolved=True).replace("Alice Commander", "CANARY-COMMANDER")
                       .replace("#incident-2026-02-13-payments", "CANARY-CHANNEL")
                       .replace("zoom.example/j/incident", "canary-war-room.example/")
                       .replace("users_affected: 1200", "users_affected: 987654"))
    internal_incident = (sev1().replace("Payment processing failures", "CANARY-INTERNAL-TITLE")
                         .replace("commander: Alice Commander", "visibility: internal"))
    files = {
        "incidents/2026/2026-02-13-payments.md": public_incident.replace(RESOLVED, ""),
        "incidents/2026/2026-02-13-internal.md": internal_incident,
    }
    every_event = ("[incident.declared, incident.updated, incident.severity_changed, incident.impact_changed, "
                   "incident.resolved, postmortem.published]")
    root = write_portal(tmp_path, [
        channel("public", "public", "PUBLIC_URL", events=every_event, severities="[SEV1, SEV2, SEV3, SEV4]"),
        channel("team", "internal", "TEAM_URL"),
    ], files)
    env = {"PUBLIC_URL": f"json://127.0.0.1:{http_receiver.port}/public",
           "TEAM_URL": f"json://127.0.0.1:{http_receiver.port}/team"}
    declared = notify(root, "2026-02-13T14:45:00Z", env)
    assert declared.exit_code == 0, declared.output
    (root / "incidents/2026/2026-02-13-payments.md").write_text(public_incident, encoding="utf-8")
    (root / "postmortems").mkdir()
    (root / "postmortems/2026-02-14-payments.md").write_text(
        POSTMORTEM.format(status="published", visibility="internal")
        .replace("Payment processing failures after", "CANARY-PM after"), encoding="utf-8")
    result = notify(root, "2026-02-13T17:05:00Z", env)
    assert result.exit_code == 0, result.output
    public = json.dumps(json_bodies(http_receiver, "/public"), ensure_ascii=False)
    team = json.dumps(json_bodies(http_receiver, "/team"), ensure_ascii=False)
    assert "Payment processing failures" in public  # the public incident did go out
    for canary in CANARIES:
        assert canary not in public, f"{canary} reached a public channel"
    # The same run tells the team everything, so the canaries are really in the data.
    for canary in CANARIES:
        assert canary in team, f"{canary} missing from the internal channel: the canary test proves nothing"


# --------------------------------------------------------------------------- settings and dry run

def test_an_escalation_is_one_message_and_an_escalations_only_channel_still_hears_it(tmp_path: Path) -> None:
    sev2 = sev1().replace("severity: SEV1", "severity: SEV2").replace("payments: major_outage",
                                                                       "payments: partial_outage")
    escalation = ("  - at: 2026-02-13T15:00:00Z\n    status: identified\n    severity: SEV1\n"
                  "    components:\n      payments: major_outage\n"
                  "    message: All card payments fail now; we are rolling back.\n")
    root = write_portal(tmp_path, [
        channel("team", "internal", "TEAM_URL"),
        channel("pager", "internal", "PAGER_URL", events="[incident.severity_changed]"),
    ], {"incidents/2026/2026-02-13-payments.md": sev2})
    path = root / "incidents/2026/2026-02-13-payments.md"
    text = path.read_text(encoding="utf-8")
    first = notify(root, "2026-02-13T14:45:00Z", {}, "--dry-run")
    assert first.exit_code == 0, first.output
    head, sep, rest = text.partition("---\n")
    front, _, body = rest.partition("---\n")
    path.write_text(head + sep + front + escalation + "---\n" + body, encoding="utf-8")
    result = notify(root, "2026-02-13T15:05:00Z", {}, "--dry-run")
    assert result.exit_code == 0, result.output
    team = [line for line in result.output.splitlines() if line.startswith("--- team: ")]
    assert team == ["--- team: incident/2026-02-13-payments/declared",
                    "--- team: incident/2026-02-13-payments/update/20260213T150000Z-identified"], result.output
    assert ("⚠️ Payment processing failures: Severity raised to SEV1. Billing & payments now major outage."
            in result.output)
    # The pager listens only for severity changes: the update is not its to get, so it does not cover them.
    pager = [line for line in result.output.splitlines() if line.startswith("--- pager: ")]
    assert pager == ["--- pager: incident/2026-02-13-payments/severity/SEV1"], result.output


def test_dry_run_prints_the_messages_and_records_nothing(tmp_path: Path) -> None:
    root = write_portal(tmp_path, [channel("team", "internal", "TEAM_URL")],
                        {"incidents/2026/2026-02-13-payments.md": sev1()})
    result = notify(root, "2026-02-13T14:45:00Z", {}, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "--- team: incident/2026-02-13-payments/declared" in result.output
    assert "🚨 SEV1 INCIDENT: Payment processing failures" in result.output
    assert "Incident Commander: Alice Commander" in result.output
    assert not (root / ".sitrep-notify").exists()  # no ledger, no lock: a dry run writes nothing
    # A real run here would send nothing to the channel: the dry run says so, beside what it would send with it.
    assert ("sitrep: warning: channel 'team': the environment variable TEAM_URL is not set here, so a real run "
            "would send it nothing; shown is what it would send with it") in result.output


def test_a_declaration_first_sent_after_an_escalation_says_it_once(tmp_path: Path) -> None:
    """The alert shows the incident as it is now, so the escalation is not announced again beside it."""
    escalated = sev1().replace("severity: SEV1", "severity: SEV2").replace("payments: major_outage",
                                                                          "payments: partial_outage")
    escalated = escalated.replace("{more}", "").replace(
        "    message: We are currently investigating reports of payment processing failures.\n",
        "    message: We are currently investigating reports of payment processing failures.\n"
        "  - at: 2026-02-13T14:50:00Z\n    status: identified\n    severity: SEV1\n"
        "    components:\n      payments: major_outage\n    message: All card payments are failing.\n")
    root = write_portal(tmp_path, [channel("team", "internal", "TEAM_URL")],
                        {"incidents/2026/2026-02-13-payments.md": escalated})
    result = notify(root, "2026-02-13T14:55:00Z", {}, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "🚨 SEV1 INCIDENT: Payment processing failures" in result.output
    assert "SEVERITY NOW" not in result.output and "IMPACT CHANGED" not in result.output
    assert "--- team: incident/2026-02-13-payments/update/20260213T145000Z-identified" in result.output


def test_a_channel_without_its_variable_is_reported_and_nothing_is_recorded(tmp_path: Path) -> None:
    root = write_portal(tmp_path, [channel("team", "internal", "TEAM_URL")],
                        {"incidents/2026/2026-02-13-payments.md": sev1()})
    result = notify(root, "2026-02-13T14:45:00Z", {"TEAM_URL": ""})
    assert result.exit_code == 0
    assert "TEAM_URL is not set" in result.output
    ledger = json.loads((root / ".sitrep-notify/ledger.json").read_text())
    assert ledger["channels"] == {}


@pytest.mark.parametrize(("extra", "message"), [
    ({"events": "[incident.update_overdue]"}, "incident.update_overdue is internal-only"),
    ({"severities": "[SEV9]"}, "'SEV9' is not a known severity"),
    ({"severities": "[P0]"}, "write the severity id SEV1 instead of 'P0'"),
    ({"components": "[nope]"}, "'nope' is not a configured component"),
])
def test_invalid_channel_settings_are_refused_with_a_reason(tmp_path: Path, extra: dict[str, str],
                                                            message: str) -> None:
    root = write_portal(tmp_path, [channel("customers", "public", "CUSTOMERS_URL", **extra)], {})
    result = notify(root, "2026-02-13T14:45:00Z", {})
    assert result.exit_code == 2
    assert message in result.output


def test_a_url_in_place_of_a_variable_name_is_refused_without_repeating_it(tmp_path: Path) -> None:
    """The value is probably the secret itself: the message (read in public CI logs) never repeats it."""
    secret = "https://hooks.slack.com/services/T0SECRET/B0SECRET/TOKENX0SECRET"
    root = write_portal(tmp_path, [channel("team", "internal", secret)], {})
    for command in (["notify", "--now", "2026-02-13T14:45:00Z"], ["validate"]):
        result = CliRunner().invoke(main, [command[0], "-f", str(root / "mkdocs.yml"), *command[1:]])
        assert result.exit_code == 2, result.output
        assert "mkdocs.yml:16: error: plugins.sitrep.notify.channels[0].url_env: this is not the name of an " \
               "environment variable" in result.output
        assert "write the NAME of the variable that holds the Apprise URL (e.g. SITREP_NOTIFY_TEAM)" in result.output
        assert "SECRET" not in result.output and "hooks.slack.com" not in result.output
        assert "Traceback" not in result.output


@pytest.mark.usefixtures("loopback_only")
def test_a_channel_added_later_gets_new_events_not_the_history(tmp_path: Path, http_receiver: HTTPServer) -> None:  # noqa: F811
    http_receiver.expect_request("/team").respond_with_data("ok")
    http_receiver.expect_request("/new").respond_with_data("ok")
    env = {"TEAM_URL": f"json://127.0.0.1:{http_receiver.port}/team",
           "NEW_URL": f"json://127.0.0.1:{http_receiver.port}/new"}
    root = write_portal(tmp_path, [channel("team", "internal", "TEAM_URL")], {})
    assert notify(root, "2026-02-13T14:00:00Z", env).exit_code == 0  # the ledger exists from here on
    write_portal(root, [channel("team", "internal", "TEAM_URL")], {
        "incidents/2026/2026-02-13-payments.md": sev1(resolved=True),
        "postmortems/2026-02-14-payments.md": POSTMORTEM.format(status="published", visibility="public")})
    assert notify(root, "2026-02-14T10:00:00Z", env).exit_code == 0
    assert any("POSTMORTEM" in b["title"] for b in json_bodies(http_receiver, "/team"))
    # Weeks later a second channel is configured: it must not receive the old postmortem or incident.
    write_portal(root, [channel("team", "internal", "TEAM_URL"), channel("new", "internal", "NEW_URL")], {
        "incidents/2026/2026-03-10-later.md": sev1().replace("2026-02-13T14:", "2026-03-10T14:")
        .replace("Payment processing failures", "Later outage")})
    assert notify(root, "2026-03-10T14:45:00Z", env).exit_code == 0
    assert [b["title"] for b in json_bodies(http_receiver, "/new")] == ["🚨 SEV1 INCIDENT: Later outage"]


def test_a_portal_template_overrides_a_message_and_its_mistakes_are_reported(tmp_path: Path) -> None:
    root = write_portal(tmp_path, [channel("team", "internal", "TEAM_URL")],
                        {"incidents/2026/2026-02-13-payments.md": sev1(),
                         "templates/messages/internal_alert.txt.j2":
                             "ALERT {{ incident.title }}\n\nIC {{ incident.commander }}\n"})
    result = notify(root, "2026-02-13T14:45:00Z", {}, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "ALERT Payment processing failures\n\nIC Alice Commander" in result.output
    (root / "templates/messages/internal_alert.txt.j2").write_text("{{ incident.title ", encoding="utf-8")
    broken = notify(root, "2026-02-13T14:45:00Z", {}, "--dry-run")
    assert broken.exit_code == 2
    assert "templates/messages/internal_alert.txt.j2:1: error: template syntax error" in broken.output


def test_a_damaged_ledger_stops_the_run_with_a_way_out(tmp_path: Path) -> None:
    root = write_portal(tmp_path, [channel("team", "internal", "TEAM_URL")],
                        {"incidents/2026/2026-02-13-payments.md": sev1()})
    (root / ".sitrep-notify").mkdir()
    (root / ".sitrep-notify/ledger.json").write_text("{not json", encoding="utf-8")
    result = notify(root, "2026-02-13T14:45:00Z", {"TEAM_URL": "json://127.0.0.1:9/never"})
    assert result.exit_code == 2
    assert "ledger.json: not a Sitrep notification ledger (version 1); move it away" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("setting", "message"), [
    ("max_age: soon", "notify.max_age: 'soon' is not a duration: write it like 15m, 4h, 1d or 90 minutes"),
    ("maintenance_notice: -1h", "notify.maintenance_notice: '-1h' is not a duration: write it like 15m"),
    ("internal_site_url: status-internal", "notify.internal_site_url: 'status-internal' is not a web address: "
     "write it with https://"),
])
def test_a_mistyped_notify_setting_names_its_line_and_the_fix(tmp_path: Path, setting: str, message: str) -> None:
    root = write_portal(tmp_path, [channel("team", "internal", "TEAM_URL")], {})
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "      notify:\n", f"      notify:\n        {setting}\n"), encoding="utf-8")
    result = notify(root, "2026-02-13T14:45:00Z", {}, "--dry-run")
    assert result.exit_code == 2
    assert f"mkdocs.yml:13: error: plugins.sitrep.{message}" in result.output
    assert "Traceback" not in result.output and "Input should be" not in result.output


def test_a_duration_may_be_written_in_words(tmp_path: Path) -> None:
    root = write_portal(tmp_path, [channel("team", "internal", "TEAM_URL")],
                        {"incidents/2026/2026-02-13-payments.md": sev1()})
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "      notify:\n", "      notify:\n        max_age: 90 minutes\n"), encoding="utf-8")
    # The alert is 2 h old: beyond 90 minutes, so a first run records it without sending.
    result = notify(root, "2026-02-13T16:40:00Z", {}, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would send 0" in result.output
