"""A message a channel can never take: the run names it and the way out, `--skip` drops it for good.

Apprise reports only success or failure, so a permanent rejection (a payload the
hook refuses, content the mail server rejects) looks like a passing outage: the
event is retried by every run, and the channel's later events wait behind it so
a "resolved" never arrives before its "investigating". The receivers here are
real: pytest-httpserver and aiosmtpd on loopback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.support.receivers import Mailbox, http_receiver, json_bodies, loopback_only  # noqa: F401 - fixtures
from tests.test_notify import channel, notify, write_portal

DECLARED = "incident/2026-02-13-payments/declared"
RECORD = """\
---
title: Payment processing failures
severity: SEV2
started: 2026-02-13T14:30:00Z
components:
  payments: major_outage
commander: Alice Commander
comms_lead: Charlie Comms
updates:
  - at: 2026-02-13T14:40:00Z
    status: investigating
    message: We are currently investigating reports of payment processing failures.
  - at: 2026-02-13T15:10:00Z
    status: identified
    message: A configuration change caused the failures; we are rolling it back.
  - at: 2026-02-13T15:40:00Z
    status: resolved
    message: Payment processing is operating normally again.
---
"""


def refuse_the_alert(request: Request) -> Response:
    """A hook that permanently refuses one payload (the declaration's alert) and takes every other."""
    if "INCIDENT" in json.loads(request.get_data(as_text=True))["title"]:
        return Response("invalid payload", status=400)
    return Response("ok")


def ledger_of(root: Path) -> dict[str, Any]:
    return json.loads((root / ".sitrep-notify/ledger.json").read_text(encoding="utf-8"))


@pytest.mark.usefixtures("loopback_only")
def test_a_permanently_refused_message_is_named_with_its_fix_and_skipping_it_lets_the_rest_through(
        tmp_path: Path, http_receiver: HTTPServer) -> None:  # noqa: F811
    root = write_portal(tmp_path, [channel("team", "internal", "TEAM_URL")],
                        {"incidents/2026/2026-02-13-payments.md": RECORD})
    env = {"TEAM_URL": f"json://127.0.0.1:{http_receiver.port}/hook"}
    http_receiver.expect_request("/hook").respond_with_handler(refuse_the_alert)

    # Every run retries it, and nothing later overtakes it.
    for attempt in (1, 2):
        failed = notify(root, "2026-02-13T15:45:00Z", env)
        assert failed.exit_code == 1
        assert f"team: failed {DECLARED}" in failed.output
        assert f"team: deferred incident/2026-02-13-payments/resolved: waits for {DECLARED}" in failed.output
        assert f"skip it with sitrep notify --skip {DECLARED}" in failed.output
        assert ledger_of(root)["failing"]["team"][DECLARED]["attempts"] == attempt
    assert [b["title"] for b in json_bodies(http_receiver, "/hook")] == [
        "🚨 SEV2 INCIDENT: Payment processing failures"] * 2

    status = notify(root, "2026-02-13T15:45:00Z", env, "--status")
    assert status.exit_code == 0
    assert f"team: {DECLARED} failed 2 time(s) since 2026-02-13T15:45:00Z" in status.output
    assert f"sitrep notify --skip {DECLARED}" in status.output
    assert len(http_receiver.log) == 2, "--status sends nothing"

    skipped = notify(root, "2026-02-13T15:50:00Z", env, "--skip", DECLARED)
    assert skipped.exit_code == 0, skipped.output
    assert f"team: dropped {DECLARED}: skipped by the on-call (--skip): never sent" in skipped.output
    assert "sent 2, failed 0" in skipped.output and "dropped 1" in skipped.output
    titles = [b["title"] for b in json_bodies(http_receiver, "/hook")][2:]
    assert len(titles) == 2 and titles[0].startswith("⏳") and titles[1].startswith("✅"), titles  # in order
    ledger = ledger_of(root)
    assert ledger["channels"]["team"][DECLARED]["outcome"] == "dropped"
    assert "failing" not in ledger
    assert "no channel is held back" in notify(root, "2026-02-13T15:50:00Z", env, "--status").output

    # Nothing twice: a plain run, and the same skip again (a re-run of the workflow), send nothing.
    for args in ((), ("--skip", DECLARED)):
        again = notify(root, "2026-02-13T15:55:00Z", env, *args)
        assert again.exit_code == 0, again.output
        assert "sent 0, failed 0" in again.output
    assert len(http_receiver.log) == 4


@pytest.mark.usefixtures("loopback_only")
def test_skip_refuses_an_id_that_holds_nothing_back(tmp_path: Path, http_receiver: HTTPServer) -> None:  # noqa: F811
    root = write_portal(tmp_path, [channel("team", "internal", "TEAM_URL")],
                        {"incidents/2026/2026-02-13-payments.md": RECORD})
    env = {"TEAM_URL": f"json://127.0.0.1:{http_receiver.port}/hook"}
    http_receiver.expect_request("/hook").respond_with_handler(refuse_the_alert)
    notify(root, "2026-02-13T15:45:00Z", env)
    typo = notify(root, "2026-02-13T15:50:00Z", env, "--skip", "incident/2026-02-13-payment/declared")
    assert typo.exit_code != 0
    assert ("--skip incident/2026-02-13-payment/declared: no channel is held back by this event "
            f"(stuck now: {DECLARED} (team))") in typo.output
    assert len(http_receiver.log) == 1, "a refused skip sends nothing"
    assert DECLARED not in ledger_of(root)["channels"]["team"]


class RejectingContent(Mailbox):
    """An SMTP server whose filter permanently rejects one letter (554) and takes the others."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if b"Investigating" in envelope.content:
            return "554 5.7.1 message content rejected"
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.usefixtures("loopback_only")
def test_a_letter_the_mail_server_rejects_is_skipped_for_one_channel_only(tmp_path: Path) -> None:
    """Named with --channel, the skip is recorded for that channel; another channel that took it is untouched."""
    record = RECORD.replace("severity: SEV2", "severity: SEV1").replace(
        "  - at: 2026-02-13T15:40:00Z\n    status: resolved\n    message: Payment processing is operating normally "
        "again.\n", "")
    root = write_portal(tmp_path, [channel("customers", "public", "CUSTOMERS_URL", style="email")],
                        {"incidents/2026/2026-02-13-payments.md": record})
    with RejectingContent() as box:
        env = {"CUSTOMERS_URL": box.url()}
        failed = notify(root, "2026-02-13T15:15:00Z", env)
        assert failed.exit_code == 1
        assert "554" in failed.output and f"customers: failed {DECLARED}" in failed.output
        assert box.messages == []
        skipped = notify(root, "2026-02-13T15:20:00Z", env, "--skip", DECLARED, "--channel", "customers")
        assert skipped.exit_code == 0, skipped.output
        assert [m["Subject"] for m in box.messages] == ["[Identified] Payment processing failures - SmartBeak Status"]
        assert ledger_of(root)["channels"]["customers"][DECLARED]["outcome"] == "dropped"
        assert "sent 0" in notify(root, "2026-02-13T15:25:00Z", env).output
        assert len(box.messages) == 1


def refuse_the_rollback(request: Request) -> Response:
    """A hook that refuses, for good, the payload of one update (its text trips a filter)."""
    if "rolling it back" in json.loads(request.get_data(as_text=True))["message"]:
        return Response("blocked by policy", status=403)
    return Response("ok")


@pytest.mark.usefixtures("loopback_only")
def test_an_update_edited_after_it_failed_holds_nothing_back(tmp_path: Path, http_receiver: HTTPServer) -> None:  # noqa: F811
    """The failed update is corrected in the record (a new update id): the old failure is forgotten, not stuck."""
    root = write_portal(tmp_path, [channel("team", "internal", "TEAM_URL")],
                        {"incidents/2026/2026-02-13-payments.md": RECORD})
    env = {"TEAM_URL": f"json://127.0.0.1:{http_receiver.port}/hook"}
    http_receiver.expect_request("/hook").respond_with_handler(refuse_the_rollback)
    failed = notify(root, "2026-02-13T15:45:00Z", env)
    stuck = "incident/2026-02-13-payments/update/20260213T151000Z-identified"
    assert failed.exit_code == 1 and f"team: failed {stuck}" in failed.output
    record = root / "incidents/2026/2026-02-13-payments.md"
    record.write_text(record.read_text(encoding="utf-8").replace("2026-02-13T15:10:00Z", "2026-02-13T15:11:00Z")
                      .replace("we are rolling it back", "the rollback is under way"), encoding="utf-8")
    fixed = notify(root, "2026-02-13T15:50:00Z", env)
    assert fixed.exit_code == 0, fixed.output
    # The refused update, then on the retry the corrected one and the resolution; the severity and impact the
    # declaration said in the first run are not sent after them.
    assert [b["title"][:1] for b in json_bodies(http_receiver, "/hook")] == ["🚨", "⏳", "⏳", "✅"]
    assert "no channel is held back" in notify(root, "2026-02-13T15:50:00Z", env, "--status").output
    assert "failing" not in ledger_of(root)
