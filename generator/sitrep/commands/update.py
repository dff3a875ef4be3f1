"""``sitrep update`` and ``sitrep resolve``: append one update to an incident, adding only its lines.

Checked with the same validation as ``validate`` before the file is replaced; exit 2 and the file
untouched when the update cannot be made.
"""

from __future__ import annotations

from datetime import UTC

import click

from sitrep.commands.options import (
    FUTURE_SLACK_SECONDS,
    component_impacts,
    config_option,
    current_time,
    given_message,
    known_severity,
    now_option,
    optional_instant,
    portal_config,
    require_template,
    template_message,
    template_options,
)
from sitrep.commands.output import print_notes, shown
from sitrep.model.vocabulary import CLOSING_STATUS, INCIDENT_STATUSES, MAINTENANCE_STATUSES, UPDATE_IMPACTS


def _post(mkdocs_yml: str, incident_id: str, status: str | None, message: str | None, at_text: str | None,
          mitigated_text: str | None, now_text: str | None, severity_text: str | None = None,
          component_specs: tuple[str, ...] = (), closing: bool = False) -> None:
    """Shared by update and resolve: append one update, print the file's path."""
    from sitrep.edit.lookup import find_incident
    from sitrep.edit.splice import NewUpdate
    from sitrep.edit.updates import post_update
    from sitrep.edit.yaml_text import format_timestamp

    root, config = portal_config(mkdocs_yml)
    now = current_time(now_text)
    at = optional_instant(at_text, "--at") or now
    mitigated = optional_instant(mitigated_text, "--mitigated")
    rel, incident = find_incident(root, config, incident_id)
    if closing:
        status = CLOSING_STATUS[incident.kind]
    elif status is None:
        status = incident.status  # an escalation alone keeps the status
    if message is None:
        message = ("The scheduled maintenance has been completed." if incident.is_maintenance
                   else "This incident has been resolved.")
    severity = known_severity(config, severity_text) if severity_text else None
    components = component_impacts(config, component_specs, UPDATE_IMPACTS, today=now.astimezone(UTC).date())
    new = NewUpdate(at, status, message, severity, components)
    notes = post_update(root, rel, config, incident, new, mitigated)
    print_notes(notes)
    if at.timestamp() > now.timestamp() + FUTURE_SLACK_SECONDS:
        click.echo(f"sitrep: warning: the update is dated in the future ({format_timestamp(at)})", err=True)
    click.echo(shown(root / rel))
    changed = [f"severity {severity}"] if severity else []
    changed += [f"{cid} {impact}" for cid, impact in components.items()]
    click.echo(f"sitrep: {incident.id}: {status} at {format_timestamp(at)}"
               + (f" ({', '.join(changed)})" if changed else ""), err=True)


@click.command()
@config_option
@click.argument("incident_id", metavar="ID")
@click.option("--status",
              type=click.Choice([*INCIDENT_STATUSES, *MAINTENANCE_STATUSES], case_sensitive=False),
              help="investigating, identified or monitoring (maintenance: scheduled, in_progress, "
              "verifying); resolved/completed work like 'sitrep resolve'. Default: the current status.")
@click.option("--message", "message_text", metavar="TEXT",
              help="The public message ('-' reads standard input). Required without --template.")
@click.option("--severity", "severity_text", metavar="SEV",
              help="Escalate or de-escalate: the severity from this update on (SEV1..SEV4).")
@click.option("--component", "component_specs", multiple=True, metavar="ID=IMPACT",
              help="Change the impact from this update on: degraded, partial, major, or operational once "
              "the component has recovered; a new component joins the incident. Repeatable.")
@click.option("--at", "at_text", metavar="ISO", help="When the update is posted. Default: now.")
@click.option("--mitigated", "mitigated_text", metavar="ISO",
              help="Also set mitigated: (when customer impact ended) if it is not set yet.")
@template_options
@now_option
def update(mkdocs_yml: str, incident_id: str, status: str | None, message_text: str | None,
           severity_text: str | None, component_specs: tuple[str, ...], at_text: str | None,
           mitigated_text: str | None, template_name: str | None, variables: tuple[str, ...],
           now_text: str | None) -> None:
    """Append a status update to incident ID (its file name without .md) and print the file's path.

    With --severity or --component the update also records an escalation, a
    de-escalation or a change of impact, shown on the incident page and in the
    feeds, and counted from then on by status, uptime and metrics. Only the new
    lines are added: comments, quoting, layout and the body stay as they are.
    Refuses (exit 2, file untouched) if the incident is already resolved or
    --at is earlier than the last update. With --template, the template's
    message for --status is used unless --message is given.
    """
    message = given_message(message_text)
    if message is not None and template_name:
        require_template(mkdocs_yml, template_name)
    if message is None and template_name:
        if status is None:
            raise click.UsageError("--template needs --status: the template holds one message per status.")
        message = template_message(mkdocs_yml, template_name, variables, status.lower())
    if message is None:
        raise click.UsageError("Missing option '--message' (or a --template with a message for this status).")
    _post(mkdocs_yml, incident_id, status, message, at_text, mitigated_text, now_text,
          severity_text, component_specs)


@click.command()
@config_option
@click.argument("incident_id", metavar="ID")
@click.option("--message", "message_text", metavar="TEXT",
              help="The final public message ('-' reads standard input). Default: \"This incident has "
              "been resolved.\"")
@click.option("--at", "at_text", metavar="ISO", help="When it was resolved. Default: now.")
@click.option("--mitigated", "mitigated_text", metavar="ISO",
              help="When customer impact ended, if earlier and not set yet.")
@template_options
@now_option
def resolve(mkdocs_yml: str, incident_id: str, message_text: str | None, at_text: str | None,
            mitigated_text: str | None, template_name: str | None, variables: tuple[str, ...],
            now_text: str | None) -> None:
    """Resolve incident ID: append a 'resolved' update and set resolved:, print the file's path.

    For a maintenance record the update is 'completed'. Refuses (exit 2, file
    untouched) if it is already resolved or --at is earlier than the last update.
    With --template, the template's 'resolved' message is used unless --message is given.
    """
    message = given_message(message_text)
    if message is not None and template_name:
        require_template(mkdocs_yml, template_name)
    message = message or template_message(mkdocs_yml, template_name, variables, "resolved")
    _post(mkdocs_yml, incident_id, None, message, at_text, mitigated_text, now_text, closing=True)
