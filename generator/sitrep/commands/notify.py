"""``sitrep notify``: send what changed to the configured channels, once each, recorded in a ledger."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from sitrep.commands.boundary import EXIT_INVALID, Refused
from sitrep.commands.options import config_option, current_time, now_option, portal_config
from sitrep.commands.output import load_or_exit


@click.command()
@config_option
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send and record nothing.")
@click.option("--ledger", "ledger_path", type=click.Path(dir_okay=False), default=None,
              help="The ledger of sent events. Default: notify.ledger in mkdocs.yml (.sitrep-notify/ledger.json).")
@click.option("--channel", "only", multiple=True, metavar="NAME", help="Only this channel; repeat for several.")
@click.option("--skip", "skip", multiple=True, metavar="EVENT_ID",
              help="Never send this event (one a channel cannot take: a bad address, a revoked webhook); record it "
                   "'dropped' on the channels it holds back (or those named with --channel), then send the rest.")
@click.option("--status", "status", is_flag=True, help="List the events holding back a channel; send nothing.")
@now_option
def notify(mkdocs_yml: str, dry_run: bool, ledger_path: str | None, only: tuple[str, ...],
           skip: tuple[str, ...], status: bool, now_text: str | None) -> None:
    """Tell the configured channels what changed: alerts, updates, reminders, customer emails.

    Derives the events of the records (declared, updated, severity or impact
    changed, resolved, maintenance, postmortem published, overdue updates), sends
    each new one once to every channel that wants it (Apprise URL from the
    channel's environment variable) and records it in the ledger. A failed
    delivery is retried by the next run, and the channel's later events wait for
    it (in order); one that can never be delivered is dropped with --skip.
    Exits 1 when a delivery failed.
    """
    import contextlib

    from sitrep.edit.notify import Ledger, locked, skip_command
    from sitrep.edit.notify import run as run_notify

    root, config = portal_config(mkdocs_yml)
    config = config.model_copy(update={"audience": "internal"})
    base = Path(mkdocs_yml).parent
    unknown = [name for name in only if name not in {c.name for c in config.notify.channels}]
    if unknown:
        raise Refused(f"no notify channel named {', '.join(map(repr, unknown))} in {mkdocs_yml}")
    if not config.notify.channels:
        click.echo(f"sitrep: no notify channels in {mkdocs_yml} (plugins → sitrep → notify → channels); "
                   "nothing to do", err=True)
        return
    path = Path(ledger_path) if ledger_path else base / config.notify.ledger
    if status:
        stuck = [s for s in Ledger.load(path).stuck() if not only or s.channel in only]
        for one in stuck:
            click.echo(f"{one.channel}: {one.event_id} failed {one.attempts} time(s) since {one.since}: {one.error}\n"
                       f"  the channel's later events wait for it; if it can never be delivered: "
                       f"{skip_command(one.event_id)}")
        if not stuck:
            click.echo("no channel is held back by a failed delivery")
        return
    now = current_time(now_text)
    portal = load_or_exit(root, config)
    with contextlib.nullcontext() if dry_run else locked(path):  # a dry run writes nothing, not even a lock
        ledger = Ledger.load(path)
        report = run_notify(portal, now, ledger, environ=os.environ, dry_run=dry_run, only=only, skip=skip,
                            templates_dir=base / config.notify.templates_dir)
    for outcome in report.outcomes:
        if dry_run and outcome.message is not None:
            click.echo(f"--- {outcome.channel}: {outcome.event.id}")
            click.echo(outcome.message.title)
            click.echo("")
            click.echo(outcome.message.body)
        elif outcome.action in ("sent", "failed", "deferred", "dropped"):
            detail = f": {outcome.detail}" if outcome.action in ("failed", "deferred", "dropped") else ""
            click.echo(f"sitrep: notify: {outcome.channel}: {outcome.action} {outcome.event.id}{detail}", err=True)
    for outcome in (o for o in report.outcomes if o.action == "failed"):
        waiting = sum(o.action == "deferred" and o.channel == outcome.channel for o in report.outcomes)
        held = (f" holds back {waiting} later event(s) of the channel (they go out in order, after it);" if waiting
                else " failed;")
        if outcome.unanswered:  # down or overloaded: waiting is the cure, not skipping the message
            advice = ("The receiver did not answer in time: it is down or overloaded. Nothing to change if it "
                      "recovers; if it is slow but working, raise its time limits (?cto= and ?rto= on the "
                      "channel's Apprise URL, notify.delivery_timeout in mkdocs.yml)")
        else:
            advice = ("A wrong destination (a bad address, a revoked webhook): correct the channel's Apprise URL. "
                      "A message that can never be delivered: skip it with "
                      f"{skip_command(outcome.event.id)} (GitHub: Actions → Send notifications → Run workflow, "
                      "skip: the event id); it is never sent")
        click.echo(f"sitrep: notify: {outcome.channel}: {outcome.event.id}{held} the next run retries it. {advice}",
                   err=True)
    for problem in report.problems:
        click.echo(f"sitrep: warning: {problem}", err=True)
    verb = "would send" if dry_run else "sent"
    counts = report.count("would-send" if dry_run else "sent")
    click.echo(f"sitrep: notify: {verb} {counts}, failed {report.count('failed')}, "
               f"not sent (filtered, covered or too old) "
               f"{report.count('skipped') + report.count('covered') + report.count('expired')}"
               + (f", dropped {report.count('dropped')}" if report.count("dropped") else ""), err=True)
    if report.failed:
        sys.exit(EXIT_INVALID)
