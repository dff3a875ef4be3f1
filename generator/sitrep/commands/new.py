"""``sitrep new``: declare an incident, schedule maintenance, draft a postmortem, start a runbook.

These commands never round-trip a file through a YAML dumper (see :mod:`sitrep.edit.yaml_text`), check the
result with the same validation as ``validate`` before anything reaches the disk, and exit 2 with a
message (and nothing written) when they cannot do what was asked.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click

from sitrep.commands.boundary import Refused
from sitrep.commands.options import (
    FUTURE_SLACK_SECONDS,
    component_impacts,
    config_option,
    current_time,
    filled_template,
    given_message,
    instant,
    known_component,
    known_severity,
    literal_choices,
    now_option,
    one_line,
    optional_instant,
    portal_config,
    template_options,
)
from sitrep.commands.output import print_notes, shown
from sitrep.model.config import SitrepConfig
from sitrep.model.diagnostics import Diagnostics
from sitrep.model.records import Incident


@click.group()
def new() -> None:
    """Create a record: an incident, a postmortem draft or a runbook."""


def _write_new(kind: str, root: Path, config: SitrepConfig, text: str, base_stem: str,
               day: date | None = None) -> tuple[str, Diagnostics]:
    """Write a new record under a free name (in ``day``'s folder for an incident); validate first;
    never overwrite a file.

    Returns the repository-relative path and the (warning-only) diagnostics.
    """
    from sitrep.edit.scaffold import create_file, unique_stem
    from sitrep.edit.updates import check_text
    from sitrep.load.discovery import discover, record_file

    taken = {Path(rel).stem for k, rel in discover(root) if k == kind}
    for _ in range(100):  # another declaration may take the name between the check and the write
        stem = unique_stem(base_stem, taken)
        rel = record_file(kind, stem, day)
        _record, _, diags = check_text(kind, rel, text, config)
        if diags.has_errors:
            raise Refused(f"the {kind} would not be valid; nothing written", diags.errors)
        try:
            create_file(root / rel, text)
            return rel, diags
        except FileExistsError:
            taken.add(stem)
    raise Refused("could not find a free file name; nothing written")  # pragma: no cover


@new.command("incident")
@config_option
@template_options
@click.option("--title", help="Short public title: what customers notice. Required without --template.")
@click.option("--severity", "severity_text", metavar="SEV",
              help="Severity id from mkdocs.yml, e.g. SEV2; aliases such as P1 or sev-2 are accepted.")
@click.option("--component", "component_specs", multiple=True, metavar="ID=IMPACT",
              help="Affected component and its impact (degraded_performance, partial_outage, "
              "major_outage); repeat for each component.")
@click.option("--message", "message_text", metavar="TEXT",
              help="First public update ('-' reads standard input). Default: \"We are currently "
              "investigating <title>.\" and when the next update comes.")
@click.option("--started", "started_text", metavar="ISO",
              help="When customer impact began. Default: the earliest of --detected/--acknowledged, else --at.")
@click.option("--detected", "detected_text", metavar="ISO",
              help="When the team learnt of it. Default: --at when no time is given, else left out.")
@click.option("--acknowledged", "acknowledged_text", metavar="ISO",
              help="When a responder acknowledged it. Default: --at when no time is given, else left out.")
@click.option("--at", "at_text", metavar="ISO", help="When the first update is posted. Default: now.")
@click.option("--type", "type_", type=click.Choice(literal_choices("type")), help="Kind of incident.")
@click.option("--detection", type=click.Choice(literal_choices("detection")), help="How it was detected.")
@click.option("--commander", metavar="NAME", help="Incident commander (internal).")
@click.option("--tech-lead", metavar="NAME", help="Technical lead (internal).")
@click.option("--comms-lead", metavar="NAME", help="Communications lead (internal).")
@click.option("--scribe", metavar="NAME", help="Scribe (internal).")
@click.option("--visibility", type=click.Choice(["public", "internal"]), default="public", show_default=True,
              help="internal keeps the incident off the public status page.")
@now_option
def new_incident(mkdocs_yml: str, template_name: str | None, variables: tuple[str, ...], title: str | None,
                 severity_text: str | None, component_specs: tuple[str, ...],
                 message_text: str | None, started_text: str | None, detected_text: str | None,
                 acknowledged_text: str | None, at_text: str | None, type_: str | None,
                 detection: str | None, commander: str | None, tech_lead: str | None,
                 comms_lead: str | None, scribe: str | None, visibility: str, now_text: str | None) -> None:
    """Declare an incident: write incidents/YYYY/YYYY-MM-DD-<slug>.md and print its path.

    The file holds the timestamps, the affected components and a first
    'investigating' update. Example:

    \b
        sitrep new incident --title "Elevated error rates on the Public API" \\
          --severity SEV2 --component api=partial_outage   (ids from mkdocs.yml)
    """
    from sitrep.edit.scaffold import IncidentDraft, default_message, incident_stem, render_incident

    root, config = portal_config(mkdocs_yml)
    if template_name:
        filled = filled_template(root, template_name, variables)
        title = title or filled.title
        severity_text = severity_text or filled.severity
        component_specs = component_specs or tuple(f"{cid}={impact}" for cid, impact in filled.components.items())
        message_text = message_text or filled.messages.get("investigating")
        type_ = type_ or filled.type  # type: ignore[assignment]
        detection = detection or filled.detection
    for option, given in (("--title", title), ("--severity", severity_text), ("--component", component_specs)):
        if not given:
            raise click.UsageError(f"Missing option '{option}' (or a --template that sets it).")
    assert title is not None and severity_text is not None
    now = current_time(now_text)
    title = one_line(title, "--title")
    severity = known_severity(config, severity_text)
    components = component_impacts(config, component_specs, today=now.astimezone(UTC).date())
    at = optional_instant(at_text, "--at") or now
    started, detected, acknowledged, missing = _lifecycle_times(
        at, optional_instant(started_text, "--started"), optional_instant(detected_text, "--detected"),
        optional_instant(acknowledged_text, "--acknowledged"))
    draft = IncidentDraft(
        title=title, severity=severity, components=components,
        message=given_message(message_text) or default_message(title, config.severity(severity)),
        started=started, detected=detected, acknowledged=acknowledged,
        at=at, type=type_, detection=detection, visibility=visibility,
        roles={"commander": commander or "", "tech_lead": tech_lead or "", "comms_lead": comms_lead or "",
               "scribe": scribe or ""},
    )
    text = render_incident(draft)
    day = draft.started.date()
    rel, diags = _write_new("incident", root, config, text, incident_stem(day, title, "incident"), day)
    print_notes(diags.warnings)
    if missing:
        click.echo(f"sitrep: note: {' and '.join(missing)} not recorded (only the times given are written); "
                   f"add {', '.join(f'{key}: YYYY-MM-DDTHH:MM:SSZ' for key in missing)} to the file when "
                   "known, so the reports can measure time to detect and acknowledge", err=True)
    if at.timestamp() > now.timestamp() + FUTURE_SLACK_SECONDS:
        click.echo(f"sitrep: warning: the first update is dated in the future ({at.isoformat()})", err=True)
    click.echo(shown(root / rel))


def _lifecycle_times(at: datetime, started: datetime | None, detected: datetime | None,
                     acknowledged: datetime | None) -> tuple[datetime, datetime | None, datetime | None, list[str]]:
    """started, detected, acknowledged for a new incident, and the names of those left out.

    With none given, the incident is declared as it happens: all three are
    ``at``. Otherwise only what is implied is filled in: ``started`` defaults to
    the earliest time given (impact began no later than it was noticed), and a
    detection or acknowledgement time not given is left out rather than guessed
    (a guess of "now" would put it after a mitigation that already happened).
    Raises ``click.BadParameter`` when the given times are out of order.
    """
    if started is None and detected is None and acknowledged is None:
        return at, at, at, []
    given = [(name, moment) for name, moment in (("--started", started), ("--detected", detected),
                                                  ("--acknowledged", acknowledged)) if moment is not None]
    for (a, ta), (b, tb) in itertools.pairwise(given):
        if tb < ta:
            raise click.BadParameter(f"{b} ({tb.isoformat()}) is before {a} ({ta.isoformat()}); the order is "
                                     "--started <= --detected <= --acknowledged", param_hint=f"'{b}'")
    if at < given[-1][1]:
        raise click.BadParameter(f"the first update (--at {at.isoformat()}) is before {given[-1][0]} "
                                 f"({given[-1][1].isoformat()}): pass --at with the time of the first "
                                 "public update", param_hint="'--at'")
    missing = [name for name, moment in (("detected", detected), ("acknowledged", acknowledged))
               if moment is None]
    return started or given[0][1], detected, acknowledged, missing


@new.command("from-issue")
@config_option
@click.argument("body_file", type=click.File("r", encoding="utf-8"), metavar="BODY_FILE")
@click.option("--at", "at_text", metavar="ISO", help="When the issue was filed (the first update). Default: now.")
@now_option
@click.pass_context
def new_from_issue(ctx: click.Context, mkdocs_yml: str, body_file: Any, at_text: str | None,
                   now_text: str | None) -> None:
    """Declare the incident a filed "Declare an incident" issue form describes (BODY_FILE, '-' for stdin).

    The declare workflow runs this on the issue body and opens a pull request with
    the record. A form with an empty field or a [placeholder] left in the message
    exits 2 with what to fix in the issue.
    """
    from sitrep.edit.issue_form import declared_incident

    form = declared_incident(body_file.read())
    ctx.invoke(new_incident, mkdocs_yml=mkdocs_yml, title=form.title, severity_text=form.severity,
               component_specs=tuple(f"{cid}={form.impact}" for cid in form.components),
               message_text=form.message, started_text=form.started, detected_text=None, acknowledged_text=None,
               at_text=at_text, type_=None, detection=None, commander=form.commander, tech_lead=None,
               comms_lead=None, scribe=None, visibility="public", now_text=now_text)


@new.command("maintenance")
@config_option
@click.option("--title", required=True, help="Short public title: what is being maintained.")
@click.option("--start", "start_text", required=True, metavar="ISO", help="Planned start, with a UTC offset.")
@click.option("--end", "end_text", required=True, metavar="ISO", help="Planned end, with a UTC offset.")
@click.option("--component", "component_ids", multiple=True, required=True, metavar="ID",
              help="Component under maintenance; repeat for each.")
@click.option("--message", "message_text", metavar="TEXT",
              help="First public notice ('-' reads standard input). Default: the window in words.")
@click.option("--at", "at_text", metavar="ISO", help="When the notice is posted. Default: now.")
@click.option("--visibility", type=click.Choice(["public", "internal"]), default="public", show_default=True,
              help="internal keeps it off the public status page.")
@now_option
def new_maintenance(mkdocs_yml: str, title: str, start_text: str, end_text: str, component_ids: tuple[str, ...],
                    message_text: str | None, at_text: str | None, visibility: str, now_text: str | None) -> None:
    """Schedule maintenance: write incidents/YYYY/YYYY-MM-DD-<slug>.md (kind: maintenance) and print its path.

    \b
        sitrep new maintenance --title "PostgreSQL 17 upgrade" --component database \\
          --start 2026-12-05T02:00:00Z --end 2026-12-05T04:00:00Z
    """
    from sitrep.edit.scaffold import default_maintenance_message, incident_stem, render_maintenance

    root, config = portal_config(mkdocs_yml)
    now = current_time(now_text)
    title = one_line(title, "--title")
    start, end = instant(start_text, "--start"), instant(end_text, "--end")
    if end <= start:
        raise Refused("--end must be after --start; nothing written")
    components = list(dict.fromkeys(known_component(config, cid.strip(), now.astimezone(UTC).date())
                                    for cid in component_ids))
    message = given_message(message_text) or default_maintenance_message(title, start, end)
    text = render_maintenance(title, start, end, components, message, optional_instant(at_text, "--at") or now,
                              visibility)
    day = start.date()  # UTC (see instant)
    rel, diags = _write_new("incident", root, config, text, incident_stem(day, title, "maintenance"), day)
    print_notes(diags.warnings)
    click.echo(shown(root / rel))


@new.command("postmortem")
@config_option
@click.option("--incident", "incident_ids", multiple=True, required=True, metavar="ID",
              help="Incident the postmortem covers (its file name without .md); repeat for several.")
@click.option("--author", "authors", multiple=True, metavar="NAME",
              help="Author; repeat for several. Default: the incident commander(s).")
@click.option("--title", metavar="TEXT", help="Default: \"Postmortem: <incident title>\".")
@click.option("--visibility", type=click.Choice(["internal", "public"]), default="internal", show_default=True,
              help="public shows it on the public incident page once published.")
@now_option
def new_postmortem(mkdocs_yml: str, incident_ids: tuple[str, ...], authors: tuple[str, ...],
                   title: str | None, visibility: str, now_text: str | None) -> None:
    """Draft a postmortem: write postmortems/YYYY-MM-DD-<slug>.md and print its path.

    The draft (status: draft) has the sections of the postmortem template, with
    the impact (duration, components, users affected), detection and a timeline
    of every lifecycle timestamp and status update prefilled from the incident.
    """
    from sitrep.edit.lookup import find_incident, postmortems_covering
    from sitrep.edit.scaffold import postmortem_stem, render_postmortem

    root, config = portal_config(mkdocs_yml)
    today: date = current_time(now_text).date()
    incidents: list[Incident] = []
    for incident_id in dict.fromkeys(incident_ids):
        incidents.append(find_incident(root, config, incident_id)[1])
    names = [one_line(a, "--author") for a in authors]
    if not names:
        names = list(dict.fromkeys(i.commander for i in incidents if i.commander))
    if not names:
        names = ["TBD"]
        click.echo("sitrep: note: no --author given and no incident commander known; wrote 'TBD'", err=True)
    title = one_line(title, "--title") if title else f"Postmortem: {incidents[0].title}"
    text = render_postmortem(incidents, config, title=title, authors=names, today=today, visibility=visibility)
    existing = postmortems_covering(root, [i.id for i in incidents])
    rel, _ = _write_new("postmortem", root, config, text, postmortem_stem(incidents[0].id, today))
    for other in existing:
        click.echo(f"sitrep: note: {other} already covers this incident", err=True)
    open_ones = [i.id for i in incidents if not i.is_resolved]
    if open_ones:
        click.echo(f"sitrep: note: {', '.join(open_ones)} is not resolved yet; the timeline stops at its "
                   "latest update", err=True)
    _say_placeholders(rel, text)
    click.echo(shown(root / rel))


def _say_placeholders(rel: str, text: str) -> None:
    """Tell, on stderr, where a new draft's [bracketed] placeholders are: ``sitrep validate`` lists them only
    once the postmortem is published (a draft may keep them), so the count must not send people there."""
    from sitrep.load.reader import read_record
    from sitrep.text.postmortem import template_placeholders

    record = read_record(rel, text.encode("utf-8"), Diagnostics())
    found = template_placeholders(record.body, record.body_line) if record is not None else []
    if found:
        lines = ", ".join(str(line) for line in dict.fromkeys(line for line, _ in found))
        click.echo(f"sitrep: {len(found)} [bracketed] placeholder(s) to fill in, on lines {lines} of {rel}; "
                   "a published postmortem may keep none (sitrep validate then lists any left)", err=True)


@new.command("runbook")
@config_option
@click.option("--title", required=True, help="What the runbook does, e.g. \"Restart the cache cluster\".")
@click.option("--component", "component_ids", multiple=True, metavar="ID",
              help="Component it applies to; repeat for several.")
@click.option("--owner", metavar="TEAM", help="Team or person who keeps it current. Default: TBD.")
@click.option("--review-every", type=click.IntRange(1, 3650), default=90, show_default=True,
              help="Days between reviews.")
@click.option("--visibility", type=click.Choice(["internal", "public"]), default="internal", show_default=True)
@now_option
def new_runbook(mkdocs_yml: str, title: str, component_ids: tuple[str, ...], owner: str | None,
                review_every: int, visibility: str, now_text: str | None) -> None:
    """Start a runbook: write runbooks/<slug>.md (reviewed today) and print its path.

    The skeleton has the sections every runbook needs: when to use, prerequisites,
    steps, verification, rollback and escalation.
    """
    from sitrep.edit.scaffold import render_runbook
    from sitrep.model.formatting import slugify

    root, config = portal_config(mkdocs_yml)
    today = current_time(now_text).date()
    title = one_line(title, "--title")
    components = list(dict.fromkeys(known_component(config, c.strip()) for c in component_ids))
    text = render_runbook(title=title, components=components, owner=one_line(owner, "--owner") if owner else None,
                          today=today, visibility=visibility, review_every=review_every)
    rel, _ = _write_new("runbook", root, config, text, slugify(title, fallback="runbook"))
    click.echo(shown(root / rel))
