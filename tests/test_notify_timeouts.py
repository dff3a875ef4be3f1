"""A dead receiver cannot stall ``sitrep notify``: every delivery has time limits.

A real receiver on loopback that accepts the connection and never says a word
(:class:`~tests.support.receivers.Silent`) stands for a hung webhook and a mail
server that never greets; a live HTTP receiver is the channel that works. The run
is the real command in its own process, as the workflow runs it, so a delivery
thread left waiting would show as a process that does not end.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.support.receivers import Silent, http_receiver, json_bodies, loopback_only  # noqa: F401 - fixtures

SITREP = Path(sys.executable).with_name("sitrep")
MKDOCS = """\
site_name: SmartBeak Status
site_url: https://status.smartbeak.example/
plugins:
  - sitrep:
      components:
        - id: payments
          name: Billing & payments
      notify:
{timeout}        channels:
          - name: hung-hook
            audience: internal
            url_env: HUNG_HOOK_URL
          - name: hung-mail
            audience: public
            style: email
            url_env: HUNG_MAIL_URL
          - name: team
            audience: internal
            url_env: TEAM_URL
"""
INCIDENT = """\
---
title: Checkout payments failing
severity: SEV1
started: 2026-03-10T10:00:00Z
components:
  payments: major_outage
updates:
  - at: 2026-03-10T10:00:00Z
    status: investigating
    message: Card payments fail at checkout. We are investigating.
---
"""
TOKEN = "T0k3nOfTheHungHook"
PASSWORD = "pa55wordOfTheMailbox"


def portal(root: Path, timeout: str = "") -> None:
    (root / "mkdocs.yml").write_text(MKDOCS.format(timeout=timeout), encoding="utf-8")
    (root / "incidents" / "2026").mkdir(parents=True)
    (root / "incidents" / "2026" / "2026-03-10-checkout.md").write_text(INCIDENT, encoding="utf-8")


def notify(root: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], float]:
    """``sitrep notify`` in its own process, as the workflow runs it; what it said, and how long it took."""
    started = time.monotonic()
    try:
        done = subprocess.run([str(SITREP), "notify", "-f", str(root / "mkdocs.yml"), "--now",
                               "2026-03-10T10:02:00Z"], env={**os.environ, **env}, capture_output=True, text=True,
                              timeout=60)
    except subprocess.TimeoutExpired as stalled:
        pytest.fail(f"sitrep notify was still running after 60 s: {stalled.stderr!r}")
    return done, time.monotonic() - started


@pytest.mark.usefixtures("loopback_only")
def test_a_receiver_that_never_answers_fails_its_channel_in_bounded_time_and_the_others_get_their_message(
        tmp_path: Path, http_receiver: HTTPServer) -> None:  # noqa: F811
    """Two dead receivers, a webhook that accepts the connection and drips a byte a second without ever finishing
    its status line, and a mail server that accepts and never greets, cost at most ``notify.delivery_timeout``
    each: the process ends, each is named in one line without its secret, and the working channel, configured
    after them, has its message. Before, Apprise stopped waiting for the hook after its own 60 s, then the process
    waited at exit for the thread still reading it: the job stalled until the receiver let go, or GitHub's
    timeout killed it."""
    portal(tmp_path, timeout="        delivery_timeout: 2s\n")
    http_receiver.expect_request("/team").respond_with_data("ok")
    with Silent(drip=True) as dripping, Silent() as silent:
        env = {"HUNG_HOOK_URL": f"json://127.0.0.1:{dripping.port}/hooks/{TOKEN}",
               "HUNG_MAIL_URL": f"mailto://status:{PASSWORD}@127.0.0.1:{silent.port}?from=status@smartbeak.example"
                                "&to=customers@smartbeak.example&mode=insecure",
               "TEAM_URL": f"json://127.0.0.1:{http_receiver.port}/team"}
        done, took = notify(tmp_path, env)
        assert dripping.connections and silent.connections, "a dead receiver was not reached"

    assert done.returncode == 1, done.stderr
    assert took < 15, f"the run took {took:.1f} s with two 2 s limits"
    output = done.stdout + done.stderr
    assert "Traceback" not in output and TOKEN not in output and PASSWORD not in output, output
    failures = [line for line in done.stderr.splitlines() if ": failed incident/" in line]
    assert len(failures) == 2, done.stderr
    assert failures[0].startswith("sitrep: notify: hung-hook: failed incident/2026-03-10-checkout/declared: JSON: "
                                  "no answer within 2 s (notify.delivery_timeout), given up."), failures[0]
    assert failures[1].startswith("sitrep: notify: hung-mail: failed incident/2026-03-10-checkout/declared: "
                                  "E-Mail: no answer within 2 s (notify.delivery_timeout), given up."), failures[1]
    assert [b["title"] for b in json_bodies(http_receiver, "/team")] == [
        "🚨 SEV1 INCIDENT: Checkout payments failing"]
    ledger = json.loads((tmp_path / ".sitrep-notify" / "ledger.json").read_text(encoding="utf-8"))
    assert ledger["channels"]["team"]["incident/2026-03-10-checkout/declared"]["outcome"] == "sent"
    assert set(ledger["failing"]) == {"hung-hook", "hung-mail"}  # the next run retries them
    # The advice fits a receiver that is down: wait (or give it more time), not skip the message for good.
    advice = [line for line in done.stderr.splitlines() if "the next run retries it" in line]
    assert len(advice) == 2 and all("did not answer in time" in line and "--skip" not in line for line in advice), (
        done.stderr)


@pytest.mark.usefixtures("loopback_only")
def test_the_time_limits_a_channel_url_sets_are_kept_and_named_when_they_run_out(
        tmp_path: Path, http_receiver: HTTPServer) -> None:  # noqa: F811
    """Apprise's per-step limits (``?cto=`` to connect, ``?rto=`` for the answer; a mail server's every reply
    under ``cto``) written in a channel's URL are the ones used, within the default ``delivery_timeout``, and
    the failure says which limit ran out and how to change it."""
    portal(tmp_path)
    http_receiver.expect_request("/team").respond_with_data("ok")
    with Silent() as dead:
        env = {"HUNG_HOOK_URL": f"json://127.0.0.1:{dead.port}/hooks/{TOKEN}?cto=1&rto=1",
               "HUNG_MAIL_URL": f"mailto://status:{PASSWORD}@127.0.0.1:{dead.port}?from=status@smartbeak.example"
                                "&to=customers@smartbeak.example&mode=insecure&cto=1",
               "TEAM_URL": f"json://127.0.0.1:{http_receiver.port}/team"}
        done, took = notify(tmp_path, env)

    assert done.returncode == 1, done.stderr
    assert took < 15, f"the run took {took:.1f} s with 1 s limits"
    output = done.stdout + done.stderr
    assert "Traceback" not in output and TOKEN not in output and PASSWORD not in output, output
    failures = [line for line in done.stderr.splitlines() if ": failed incident/" in line]
    assert len(failures) == 2, done.stderr
    assert ("hung-hook: failed incident/2026-03-10-checkout/declared: JSON: no answer in time (1 s to connect, 1 s "
            "for the answer; ?cto= and ?rto= on the channel's URL change them).") in failures[0]
    assert "Read timed out. (read timeout=1.0)" in failures[0]
    assert ("hung-mail: failed incident/2026-03-10-checkout/declared: E-Mail: no answer in time (1 s for each reply "
            "of the mail server; ?cto= and ?rto= on the channel's URL change them).") in failures[1]
    assert len(json_bodies(http_receiver, "/team")) == 1


def test_every_destination_gets_explicit_time_limits_unless_its_url_sets_them() -> None:
    """Without ``?cto=``/``?rto=``, a web service gets 5 s to connect and 10 s for the answer, a mail server 15 s
    for each reply (not Apprise's 4 s, which a busy hook overruns, so its message would be sent twice)."""
    from sitrep.edit.notify import CONNECT_TIMEOUT, MAIL_TIMEOUT, READ_TIMEOUT, _destinations

    value = ("json://hooks.example.com/a slack://T000/B000/XXXXXXXX?rto=30 "
             "mailtos://user:pw@smtp.example.com?to=list@example.com")
    limits = [(plugin.service_name, plugin.socket_connect_timeout, plugin.socket_read_timeout)
              for _, plugin in _destinations(value) or []]
    assert limits == [("JSON", CONNECT_TIMEOUT, READ_TIMEOUT), ("Slack", CONNECT_TIMEOUT, 30.0),
                      ("E-Mail", MAIL_TIMEOUT, READ_TIMEOUT)]
    assert (CONNECT_TIMEOUT, READ_TIMEOUT, MAIL_TIMEOUT) == (5.0, 10.0, 15.0)  # the figures the README gives
