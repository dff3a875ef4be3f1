"""Messages of ``sitrep notify``: an event + a channel's audience and style -> title and body.

Plain-text Jinja templates under ``render/templates/messages/`` (the procedures'
Internal Alert, status update, resolution notice, customer email after
resolution, reminders, maintenance and postmortem notices). A portal overrides
any of them by putting a file with the same name in its ``notify.templates_dir``
(default ``templates/messages/`` next to mkdocs.yml).

A template's output is the message: its first line is the title (an email's
subject), the rest after a blank line the body.

What a template can see depends on the audience, decided here and nowhere else:
a public channel gets a view built from public fields only (title, severity,
components and impacts, status, the public messages and description, public
postmortems), so an override cannot leak what it is never given. The internal
view adds the roles, users affected, chat channel and war room.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2

from sitrep.derive.events import Event
from sitrep.derive.metrics import POSTMORTEM_MEETING_WITHIN, POSTMORTEM_WITHIN
from sitrep.derive.state import IncidentState
from sitrep.model.config import Severity, SitrepConfig
from sitrep.model.exceptions import MessageTemplateError
from sitrep.model.formatting import format_duration, human_time
from sitrep.model.portal import Portal
from sitrep.model.records import Incident, Postmortem
from sitrep.model.vocabulary import maintenance_affects, status_label, update_label
from sitrep.render.templating import linked
from sitrep.render.urls import incident_page, postmortem_page, urls_for
from sitrep.text.markdown import strip_html_comments
from sitrep.text.postmortem import action_items_in, parse_sections

BUILTIN_DIR = Path(__file__).parent / "templates" / "messages"

#: Template per event kind for chat channels; email channels use EMAIL_TEMPLATES where listed.
CHAT_TEMPLATES = {
    "incident.declared": ("internal_alert.txt.j2", "status_update.txt.j2"),  # (internal, public)
    "incident.updated": ("status_update.txt.j2", "status_update.txt.j2"),
    "incident.severity_changed": ("status_update.txt.j2", "status_update.txt.j2"),
    "incident.impact_changed": ("status_update.txt.j2", "status_update.txt.j2"),
    "incident.resolved": ("resolution.txt.j2", "resolution.txt.j2"),
    "incident.update_overdue": ("update_overdue.txt.j2", "update_overdue.txt.j2"),
    "maintenance.scheduled": ("maintenance.txt.j2", "maintenance.txt.j2"),
    "maintenance.starting": ("maintenance.txt.j2", "maintenance.txt.j2"),
    "maintenance.started": ("maintenance.txt.j2", "maintenance.txt.j2"),
    "maintenance.completed": ("maintenance.txt.j2", "maintenance.txt.j2"),
    "postmortem.published": ("postmortem.txt.j2", "postmortem.txt.j2"),
}
EMAIL_TEMPLATES = {
    "incident.declared": "customer_notice.txt.j2",
    "incident.updated": "customer_notice.txt.j2",
    "incident.severity_changed": "customer_notice.txt.j2",
    "incident.impact_changed": "customer_notice.txt.j2",
    "incident.resolved": "customer_email.txt.j2",
    "postmortem.published": "customer_email.txt.j2",
    "maintenance.scheduled": "maintenance_email.txt.j2",
    "maintenance.starting": "maintenance_email.txt.j2",
    "maintenance.started": "maintenance_email.txt.j2",
    "maintenance.completed": "maintenance_email.txt.j2",
}
#: The maintenance's state (as ``derive.status.maintenance_state`` names it) each maintenance event tells of.
MAINTENANCE_EVENT_STATE = {"maintenance.scheduled": "scheduled", "maintenance.starting": "scheduled",
                           "maintenance.started": "in_progress", "maintenance.completed": "completed"}


#: The mark before an incident's status in the customers' chat messages, as the procedures' status-page updates
#: write it: "🔴 Investigating - …", "🟡 Identified - …", "🟢 Resolved - …".
STATUS_MARKS = {"investigating": "🔴", "identified": "🟡", "monitoring": "🟡", "resolved": "🟢"}

#: How a message reads at a glance, Apprise's notify types: the colour of a Slack or Discord attachment,
#: the icon of a Teams card, the band of an HTML letter.
TONES = ("info", "success", "warning", "failure")
#: The colour of the top band of an HTML letter per tone (decoration: the text is dark grey on white).
TONE_COLOURS = {"info": "#1565c0", "success": "#2e7d32", "warning": "#b26a00", "failure": "#c62828"}


@dataclass(frozen=True)
class Message:
    """A rendered message: title (email subject), plain-text body and its tone (one of :data:`TONES`)."""

    title: str
    body: str
    tone: str = "info"
    #: The HTML alternative, for email channels (:func:`html_letter`); None for chat.
    html: str | None = None


def tone_of(event: Event, status: str | None) -> str:
    """Failure while an incident is open, warning while it is monitored or an update is overdue, success
    once it is resolved, a maintenance is done or a postmortem is out; maintenance otherwise is info."""
    if event.kind in ("incident.resolved", "maintenance.completed", "postmortem.published"):
        return "success"
    if event.kind == "incident.update_overdue" or status == "monitoring":
        return "warning"
    if event.kind.startswith("incident."):
        return "failure"
    return "info"


def html_letter(message: Message, env: jinja2.Environment) -> str:
    """The HTML alternative of an email: the same text, line for line, links clickable, in a card with the
    tone's colour. Apprise derives the plain-text part back from it, so both parts say the same words."""
    lines = [linked(line, style="color:#0d47a1") for line in message.body.split("\n")]
    template = env.get_template("_letter.html.j2")
    return template.render(title=message.title, lines=lines, colour=TONE_COLOURS.get(message.tone, "#1565c0"))


def message_env(override_dir: Path | None) -> jinja2.Environment:
    """Plain-text templates: the portal's folder first, then the built-in ones."""
    folders = [str(override_dir)] if override_dir is not None and override_dir.is_dir() else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*folders, str(BUILTIN_DIR)]),
        autoescape=False,  # plain text; every channel escapes for its own format (Apprise)
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["time"] = human_time
    env.filters["duration"] = format_duration
    env.filters["status_label"] = status_label
    env.filters["update_label"] = update_label
    env.filters["status_mark"] = lambda status: STATUS_MARKS.get(status, "🔵")
    env.filters["maintenance_affects"] = lambda kind: maintenance_affects(MAINTENANCE_EVENT_STATE.get(kind, kind))
    env.filters["postmortem_title"] = postmortem_title
    env.filters["every"] = every
    return env


def template_name(event: Event, style: str, audience: str) -> str:
    """Which template renders an event for a channel of this style and audience."""
    if event.incident is None:  # a postmortem whose incidents this edition does not show
        return "postmortem.txt.j2"
    # The letters are the customer's; an internal mailbox (on-call, leadership) gets the team's messages,
    # with their roles, war room and channel, its first line as the subject.
    if style == "email" and audience == "public" and event.kind in EMAIL_TEMPLATES:
        return EMAIL_TEMPLATES[event.kind]
    internal, public = CHAT_TEMPLATES[event.kind]
    return internal if audience == "internal" else public


def every(cadence: timedelta) -> str:
    """A cadence as people say it: "every 15 min", "every 4 h", "every hour", "every day"."""
    named = {timedelta(hours=1): "hour", timedelta(days=1): "day", timedelta(weeks=1): "week"}
    return f"every {named.get(cadence) or format_duration(cadence)}"


def postmortem_title(title: str) -> str:
    """A postmortem's title without the "Postmortem:" that ``sitrep new postmortem`` starts it with, for
    messages that already say it is one ("📝 POSTMORTEM: …", not "POSTMORTEM: Postmortem: …")."""
    return re.sub(r"^\s*post-?mortem\s*[:\-–—]\s*", "", title, flags=re.I) or title


# --------------------------------------------------------------------------- views

def one_line(text: str) -> str:
    """A title as a page shows it, on one line: a line break written in its YAML is a space, as in HTML (a
    message's first line is its title, an email's subject)."""
    return " ".join(text.split())


def _plain(markdown: str) -> str:
    """Markdown body -> readable plain text: comments dropped, blank lines collapsed."""
    text = strip_html_comments(markdown)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _sections(pm: Postmortem) -> dict[str, str]:
    found: dict[str, str] = {}
    for section in parse_sections(pm.body, pm.body_line):
        if section.key and section.key not in found:
            found[section.key] = _plain(section.body)
    return found


def link(config: SitrepConfig, audience: str, visibility: str, page: str) -> str:
    """The address of a record's page for a message: on the internal edition for internal channels when
    ``notify.internal_site_url`` is set; else on the public site, which has public records only ("" for an
    internal one: no link rather than one that ends in "page not found")."""
    internal = config.notify.internal_site_url
    if audience == "internal" and internal:
        return urls_for(internal).page(page)
    return urls_for(config.site_url).page(page) if visibility == "public" else ""


def postmortem_view(config: SitrepConfig, pm: Postmortem, audience: str) -> dict[str, Any]:
    """What a message may say about a postmortem (the portal decides which ones are visible).

    Its action items only where the edition shows them: internally, or publicly when ``public_pages``
    lists ``action_items`` (a public postmortem's page leaves them out otherwise).
    """
    sections = _sections(pm)
    items = audience == "internal" or "action_items" in config.public_pages
    return {
        "id": pm.id,
        "title": one_line(pm.title),
        "url": link(config, audience, pm.visibility, postmortem_page(pm.id)),
        "summary": sections.get("summary", ""),
        "impact": sections.get("impact", ""),
        "root_cause": sections.get("root_cause", ""),
        "resolution": sections.get("resolution", ""),
        "action_items": [item.text for item in action_items_in(pm.body, pm.body_line)] if items else [],
    }


def incident_view(portal: Portal, inc: Incident, derived: IncidentState, audience: str) -> dict[str, Any]:
    """The incident as a template sees it (``derived``: its state at ``now``); internal fields only
    for the internal audience."""
    config = portal.config
    severity = config.severity(derived.latest_severity)
    published = [p for p in portal.postmortems_for(inc.id) if p.status == "published"]
    view: dict[str, Any] = {
        "id": inc.id,
        "kind": inc.kind,
        "title": one_line(inc.title),
        "url": link(config, audience, inc.visibility, incident_page(inc.id)),
        "severity": _severity_view(severity),
        "status": inc.status,
        "components": [{"id": cid, "name": config.component_name(cid), "impact": impact}
                       for cid, impact in derived.affected.items()],
        "started": inc.start,
        "resolved_at": inc.resolved_at,
        "impact_end": inc.impact_end,
        "duration": derived.duration,
        "scheduled_start": inc.scheduled_start,
        "scheduled_end": inc.scheduled_end,
        "first_message": inc.updates[0].message,
        "latest": {"at": inc.updates[-1].at, "status": inc.updates[-1].status,
                   "message": inc.updates[-1].message},
        "next_update_due": derived.next_update_due,
        "update_every": severity.update_every if severity else None,
        "description": _plain(inc.body),
        "postmortem": postmortem_view(config, published[0], audience) if published else None,
    }
    if audience == "internal":
        view.update({
            "visibility": inc.visibility,
            "commander": inc.commander, "tech_lead": inc.tech_lead, "comms_lead": inc.comms_lead,
            "scribe": inc.scribe, "users_affected": inc.users_affected, "detected": inc.detected,
            "channel": inc.channel, "war_room": inc.war_room,
        })
    return view


def render_message(env: jinja2.Environment, portal: Portal, event: Event, style: str, audience: str,
                   now: datetime, derived: IncidentState | None = None, retrospective: bool = False) -> Message:
    """Render one event for one channel. ``portal`` must already be the audience's edition;
    ``derived`` is the state at ``now`` of the event's incident (required when it has one). ``retrospective``:
    the incident was recorded after it was resolved, and this resolution is all the channel hears of it
    (templates see it as ``retrospective``)."""
    config = portal.config
    context: dict[str, Any] = {
        "site_name": config.site_name,
        "site_url": urls_for(config.site_url).root,
        "audience": audience,
        "event": {"id": event.id, "kind": event.kind, "at": event.at},
        "update": ({"at": event.update.at, "status": event.update.status, "message": event.update.message,
                    "changes": _changes_of(event, derived)}
                   if event.update is not None else None),
        "incident": incident_view(portal, event.incident, _required(derived), audience) if event.incident else None,
        "postmortem": postmortem_view(config, event.postmortem, audience) if event.postmortem else None,
        "now": now,
        "retrospective": retrospective,
        # When a required postmortem is due, as the reports count it (templates say it, never restate it).
        "postmortem_due": (f"meeting within {POSTMORTEM_MEETING_WITHIN // timedelta(hours=1)} hours, "
                           f"published within {POSTMORTEM_WITHIN.days} days"),
    }
    if event.kind == "incident.updated" and context["incident"] is not None:
        context["incident"].update(_as_of_update(portal, event, _required(derived)))
    name = template_name(event, style, audience)
    try:
        template = env.get_template(name)
        text = template.render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise MessageTemplateError(exc.filename or name, exc.lineno, f"template syntax error: {exc.message}") from None
    except jinja2.TemplateNotFound:
        raise MessageTemplateError(name, 1, "message template not found") from None
    except jinja2.UndefinedError as exc:
        raise MessageTemplateError(template.filename or name, 1, f"{exc.message}; the {audience} view of "
                                   f"a {event.kind} event does not have it") from None
    title, _, body = text.strip().partition("\n")
    status = event.update.status if event.update is not None else (event.incident.status if event.incident else None)
    message = Message(title=title.strip(), body=body.strip(), tone=tone_of(event, status))
    if style == "email":
        message = dataclasses.replace(message, html=html_letter(message, env))
    return message


def _severity_view(severity: Severity | None) -> dict[str, Any] | None:
    """A severity level as message templates see it."""
    if severity is None:
        return None
    return {"id": severity.id, "name": severity.name, "requires_postmortem": severity.requires_postmortem}


def _as_of_update(portal: Portal, event: Event, derived: IncidentState) -> dict[str, Any]:
    """An update's message tells the incident as that update left it, as its entry on the incident page
    and in the updates feed does: sent late (a retry, or with a later de-escalation in the same run), a
    "Severity raised to SEV1" message never says "Severity: SEV2" beside it, nor promises a next update that
    a later one has already made."""
    inc, update, k = event.incident, event.update, event.position
    assert inc is not None and update is not None and k is not None
    severity_id, impact = derived.as_of_updates[k]
    severity = portal.config.severity(severity_id)
    view: dict[str, Any] = {
        "severity": _severity_view(severity),
        "status": update.status,
        "components": [{"id": cid, "name": portal.config.component_name(cid), "impact": i}
                       for cid, i in impact.items()],
    }
    if k != len(inc.updates) - 1:
        view["next_update_due"] = None  # a later update has been posted: no promise to repeat
    return view


def _changes_of(event: Event, derived: IncidentState | None) -> list[str]:
    """What the event's update changed, as sentences ("Severity raised to SEV1."), as its page says it."""
    if event.incident is None or derived is None or event.position is None:
        return []
    k = event.position
    return [f"{c[:1].upper()}{c[1:]}." for c in derived.changes[k]]


def _required(derived: IncidentState | None) -> IncidentState:
    if derived is None:
        raise ValueError("render_message: an incident event needs its incident's state (derive.state.incident_state)")
    return derived
