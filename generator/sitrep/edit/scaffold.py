"""Text of new records: incidents, postmortem drafts and runbook skeletons.

Pure functions (no clock, no disk) that return the whole file text; the CLI
chooses the path, the time and writes the file. Every value goes through
:func:`sitrep.edit.yaml_text.yaml_scalar` or :func:`~sitrep.edit.yaml_text.yaml_flow_list`,
so a title such as ``API: errors`` or ``yes`` is quoted and reads back
unchanged. The documents are Jinja templates in ``edit/templates/``; they
follow the team's incident-response procedures: the first public message,
the postmortem template (Summary … Lessons Learned, action items as
``- [ ] Action - Owner - YYYY-MM-DD``) and the runbook sections.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import jinja2

from sitrep.derive.status import update_changes
from sitrep.edit.yaml_text import format_timestamp, message_lines, yaml_flow_list, yaml_scalar
from sitrep.model.config import Severity, SitrepConfig
from sitrep.model.files import write_atomically
from sitrep.model.formatting import clock_time, format_duration, long_date, slugify, window_text
from sitrep.model.records import Incident
from sitrep.model.vocabulary import CLOSING_STATUS, closing_label, status_label, update_label

_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("sitrep.edit", "templates"),
    autoescape=False,  # YAML and Markdown, not HTML: values are quoted by the yaml_* filters
    keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
)
_TEMPLATES.filters.update(yaml_scalar=yaml_scalar, yaml_list=yaml_flow_list, timestamp=format_timestamp)


def render_document(template: str, **values: object) -> str:
    """Render one of the write side's document templates (``edit/templates/``: YAML and Markdown)."""
    return _TEMPLATES.get_template(template).render(**values)


def unique_stem(stem: str, taken: Iterable[str]) -> str:
    """``stem``, or ``stem-2``, ``stem-3``… whichever is not in ``taken``."""
    used = set(taken)
    if stem not in used:
        return stem
    n = 2
    while f"{stem}-{n}" in used:
        n += 1
    return f"{stem}-{n}"


def create_file(path: Path, text: str) -> None:
    """Write a new file; never overwrites (raises FileExistsError if it appeared meanwhile).

    The record is never seen half-written (:func:`sitrep.model.files.write_atomically`).
    """
    write_atomically(path, text.encode("utf-8"), exclusive=True)


# --------------------------------------------------------------------------- incidents


def default_message(title: str, severity: Severity | None = None) -> str:
    """The procedures' first status-page message, built from the title.

    ``We are currently investigating elevated error rates on the Publishing API.``
    plus when the next update comes, from the severity's update cadence.
    """
    text = title.strip().rstrip(".")
    first = text.split(" ", 1)[0]
    # Lowercase "Elevated" but keep "API", "SSO" or "iOS" as written.
    if first[:1].isupper() and first[1:] == first[1:].lower():
        text = text[:1].lower() + text[1:]
    message = f"We are currently investigating {text}."
    if severity is not None and severity.update_every is not None:
        message += f" We will post an update within {_spoken_duration(severity.update_every.total_seconds())}."
    return message


def _spoken_duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes % 1440 == 0:
        days = minutes // 1440
        return "a day" if days == 1 else f"{days} days"
    if minutes % 60 == 0:
        hours = minutes // 60
        return "an hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


@dataclass(frozen=True)
class IncidentDraft:
    """Everything ``sitrep new incident`` writes into a new incident record."""

    title: str
    severity: str
    components: Mapping[str, str]
    message: str
    started: datetime
    detected: datetime | None
    acknowledged: datetime | None
    at: datetime
    type: str | None = None
    detection: str | None = None
    roles: Mapping[str, str] | None = None  # commander, tech_lead, comms_lead, scribe
    visibility: str = "public"


def render_incident(draft: IncidentDraft) -> str:
    """The text of a new incident record with its first ``investigating`` update."""
    roles = {role: (draft.roles or {}).get(role) for role in ("commander", "tech_lead", "comms_lead", "scribe")}
    return render_document("incident.md.j2", title=draft.title, severity=draft.severity, type=draft.type,
                   detection=draft.detection, started=draft.started, detected=draft.detected,
                   acknowledged=draft.acknowledged, components=draft.components, roles=roles,
                   visibility=draft.visibility, at=draft.at,
                   message_lines=message_lines("message", draft.message, 4))


def render_maintenance(title: str, start: datetime, end: datetime, components: list[str], message: str,
                       at: datetime, visibility: str = "public") -> str:
    """The text of a new scheduled maintenance with its first ``scheduled`` update."""
    return render_document("maintenance.md.j2", title=title, start=start, end=end, components=components,
                   visibility=visibility, at=at, message_lines=message_lines("message", message, 4))


def default_maintenance_message(title: str, start: datetime, end: datetime) -> str:
    """The first notice of a maintenance, in the status-page style (times in UTC)."""
    return (f"{title} is scheduled for {window_text(start, end)}. "
            "We will post an update when the work starts and when it is done.")


def incident_stem(day: date | None, title: str, kind: str) -> str:
    """``YYYY-MM-DD-<title slug>``, the name (id) of a new incident or maintenance whose impact or
    window starts on ``day`` (UTC); ``undated-<title slug>`` without a day."""
    return f"{day.isoformat() if day else 'undated'}-{slugify(title, fallback=kind)}"


# --------------------------------------------------------------------------- postmortems


def postmortem_stem(incident_id: str, today: date) -> str:
    """``YYYY-MM-DD-<incident slug without its date>`` for a postmortem written ``today``."""
    return f"{today.isoformat()}-{_DATE_PREFIX.sub('', incident_id) or incident_id}"


def timeline(incident: Incident, config: SitrepConfig) -> list[tuple[datetime, str]]:
    """(time, text) of every lifecycle timestamp and every update, oldest first.

    Lifecycle events sort before updates posted at the same minute. The resolution is
    said once: by the closing update ("Resolved: <message>") when one was posted at the
    ``resolved`` time, else by its own line. An update that escalated or changed an
    impact says so first ("Severity raised to SEV1."), as the page does.
    """
    events: list[tuple[datetime, int, str]] = []
    how = f" ({incident.detection})" if incident.detection else ""
    lifecycle = (
        ("scheduled_start", "Maintenance window planned to start"),
        ("scheduled_end", "Maintenance window planned to end"),
        ("started", "Customer impact started" if not incident.is_maintenance else "Maintenance started"),
        ("detected", f"Detected{how}"),
        ("acknowledged", "Acknowledged by the responder"),
        ("mitigated", "Mitigated: customer impact ended"),
        ("resolved", closing_label(incident.kind)),
    )
    closing = CLOSING_STATUS.get(incident.kind, CLOSING_STATUS["incident"])
    said = {update.at for update in incident.updates if update.status == closing}
    for key, text in lifecycle:
        moment = getattr(incident, key)
        if moment is not None and not (key == "resolved" and moment in said):
            events.append((moment, 0, text))
    for update, changes in zip(incident.updates, update_changes(incident, config), strict=True):
        label = update_label(update.status)
        changed = "".join(f"{c[:1].upper()}{c[1:]}. " for c in changes)
        events.append((update.at, 1, f"{label}: {changed}{' '.join(update.message.split())}"))
    events.sort(key=lambda e: (e[0], e[1]))
    return [(moment, text) for moment, _, text in events]


def _timeline_lines(incidents: Sequence[Incident], config: SitrepConfig) -> list[str]:
    labelled = len(incidents) > 1
    events = sorted(
        ((moment, f"[{inc.title}] {text}" if labelled else text)
         for inc in incidents for moment, text in timeline(inc, config)),
        key=lambda e: e[0],
    )
    days = {format_timestamp(moment)[:10] for moment, _ in events}
    if len(days) == 1:
        moment = events[0][0]
        head = f"All times UTC, {long_date(date.fromisoformat(format_timestamp(moment)[:10]))}."
        return [head, "", *(f"- {clock_time(m)} UTC — {text}" for m, text in events)]
    return ["All times UTC.", "",
            *(f"- {format_timestamp(m)[:10]} {clock_time(m)} UTC — {text}" for m, text in events)]


def _impact_lines(incident: Incident, config: SitrepConfig) -> list[str]:
    start, end = incident.start, incident.impact_end
    if end is None:
        duration = f"ongoing since {format_timestamp(start)} (not resolved when this draft was written)"
    else:
        span = f"{format_timestamp(start)[:10]} {clock_time(start)}–{clock_time(end)} UTC"
        if format_timestamp(start)[:10] != format_timestamp(end)[:10]:
            span = (f"{format_timestamp(start)[:10]} {clock_time(start)} UTC – "
                    f"{format_timestamp(end)[:10]} {clock_time(end)} UTC")
        ended = "mitigated" if incident.mitigated else "resolved"
        duration = f"{format_duration(end - start)} ({span}, until {ended})"
    # What the incident came to, as its page shows once resolved: the severity after the last
    # escalation and the worst impact each component had, not what the declaration said.
    parts = [f"{config.component_name(cid)} ({status_label(impact).lower()})"
             for cid, impact in incident.worst_components.items()]
    lines = [f"- Duration: {duration}"]
    latest = incident.latest_severity
    severity = config.severity(latest)
    if latest:
        declared = f"; declared {incident.severity}" if incident.severity and incident.severity != latest else ""
        lines.append(f"- Severity: {latest}" + (f" ({severity.name}{declared})" if severity else
                                                 f" ({declared[2:]})" if declared else ""))
    lines.append(f"- Components: {', '.join(parts)}")
    users = f"{incident.users_affected:,}" if incident.users_affected is not None else "[number or percentage]"
    lines.append(f"- Users affected: {users}")
    return lines


def _detection_lines(incident: Incident) -> list[str]:
    if incident.detected is None:
        return ["[How we found out: alert, customer report, employee…]"]
    how = f" by {incident.detection}" if incident.detection else ""
    line = f"- Detected{how} at {clock_time(incident.detected)} UTC"
    if incident.started is not None:
        line += f", {_after(incident.detected - incident.started)} impact started"
    lines = [line + "."]
    if incident.acknowledged is not None:
        lines.append(f"- Acknowledged at {clock_time(incident.acknowledged)} UTC, "
                     f"{_after(incident.acknowledged - incident.detected)} detection.")
    lines.append("- [Could we have detected it sooner? Which alert fired, or why none did.]")
    return lines


def _after(delta: timedelta) -> str:
    return f"{format_duration(delta)} after" if delta.total_seconds() >= 60 else "within a minute of"


def render_postmortem(incidents: Sequence[Incident], config: SitrepConfig, *, title: str,
                      authors: Sequence[str], today: date, visibility: str = "internal") -> str:
    """A draft postmortem (status: draft) prefilled with the incidents' facts and timeline."""
    impact: list[str] = []
    detection: list[str] = []
    for inc in incidents:
        if len(incidents) > 1:  # one block per incident, headed by its title
            impact += [*([""] if impact else []), f"**{inc.title}** (`{inc.id}`)", ""]
            detection += [*([""] if detection else []), f"**{inc.title}**", ""]
        impact += _impact_lines(inc, config)
        detection += _detection_lines(inc)
    impact.append("- [Revenue impact, SLA credits, support tickets, data impact — if any]")
    return render_document("postmortem.md.j2", title=title, incident_ids=[i.id for i in incidents], today=today,
                   authors=list(authors), visibility=visibility, impact=impact,
                   timeline=_timeline_lines(incidents, config), detection=detection)


# --------------------------------------------------------------------------- runbooks


def render_runbook(*, title: str, components: Sequence[str], owner: str | None, today: date,
                   visibility: str = "internal", review_every: int = 90) -> str:
    """A runbook skeleton: when to use, prerequisites, steps, verification, rollback, escalation."""
    return render_document("runbook.md.j2", title=title, components=list(components), owner=owner, today=today,
                   review_every=review_every, visibility=visibility)
