"""What a change does to the public status page, in plain words (PR job summary and CLI).

``compare`` is pure: two portals (the base commit's and the working tree's), the
working tree's diagnostics and ``now`` in, a :class:`Preview` out. ``render``
turns it into Markdown (GitHub job summary) or plain text. Reading the base
commit out of git is the CLI's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sitrep.derive.state import PortalState
from sitrep.model.diagnostics import Diagnostics
from sitrep.model.formatting import format_duration, human_time
from sitrep.model.portal import Portal
from sitrep.model.records import Incident
from sitrep.model.vocabulary import status_label, update_label
from sitrep.text.postmortem import parse_action_items, parse_sections

#: GitHub shows only this many annotations of a kind per step; the summary lists them all.
GITHUB_ANNOTATION_LIMIT = 10


@dataclass(frozen=True)
class Change:
    """One record the change touches, described for a reader of the status page."""

    kind: str  # declared | updated | resolved | removed | postmortem | postmortem-status
    record_id: str
    title: str
    detail: str
    public: bool


@dataclass
class Preview:
    """The whole summary: status before/after, changes, warnings, validation problems."""

    before: str
    after: str
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


def _impacts(inc: Incident) -> str:
    return ", ".join(f"{cid} {status_label(imp).lower()}" for cid, imp in inc.components.items())


def _incident_changes(base: Portal, head: Portal) -> list[Change]:
    changes = []
    for inc in head.incidents:
        old = base.incident(inc.id)
        public = inc.visibility == "public"
        label = update_label(inc.status)
        if old is None:
            what = "Maintenance scheduled" if inc.is_maintenance else f"Declared {inc.severity}"
            changes.append(Change("declared", inc.id, inc.title, f"{what} ({label}); {_impacts(inc)}", public))
        elif inc.is_resolved and not old.is_resolved:
            took = format_duration((inc.resolved_at or inc.last_updated) - inc.start)
            changes.append(Change("resolved", inc.id, inc.title, f"{label} after {took}", public))
        elif inc != old:
            new_updates = len(inc.updates) - len(old.updates)
            detail = (f"{new_updates} new update{'s' if new_updates != 1 else ''}, now {label}"
                      if new_updates > 0 else f"record edited, status {label}")
            changes.append(Change("updated", inc.id, inc.title, detail, public))
    changes += [Change("removed", old.id, old.title, "record deleted", old.visibility == "public")
                for old in base.incidents if head.incident(old.id) is None]
    return changes


def _postmortem_changes(base: Portal, head: Portal) -> list[Change]:
    changes = []
    for pm in head.postmortems:
        old = base.postmortem(pm.id)
        public = pm.visibility == "public"
        if old is None:
            changes.append(Change("postmortem", pm.id, pm.title, f"new postmortem ({pm.status}) for "
                                  f"{', '.join(pm.incidents)}", public))
        elif old.status != pm.status:
            changes.append(Change("postmortem-status", pm.id, pm.title, f"{old.status} → {pm.status}", public))
    return changes


def _warnings(state: PortalState) -> list[str]:
    head, now = state.portal, state.now
    out = []
    for inc in head.incidents:
        due = state.of(inc).next_update_due
        if due is not None and state.of(inc).update_overdue:
            out.append(f"Update overdue: **{inc.title}** (`{inc.id}`, {inc.severity}) was due an update at "
                       f"{human_time(due)} ({format_duration(now - due)} ago).")
    for pm in head.postmortems:
        if pm.status != "published":
            continue
        for section in parse_sections(pm.body, pm.body_line):
            if section.key != "action_items":
                continue
            items, _ = parse_action_items(section)
            unowned = [i for i in items if i.state == "open" and not i.owner]
            if unowned:
                out.append(f"Published postmortem `{pm.id}` has {len(unowned)} open action item(s) without "
                           f"an owner, e.g. \"{unowned[0].text[:60]}\".")
    today = now.date()
    for rb in head.runbooks:
        due_date = rb.next_review
        if due_date < today:
            out.append(f"Runbook `{rb.id}` is past its review date ({due_date.isoformat()}; last reviewed "
                       f"{rb.last_reviewed.isoformat()}).")
    return out


def compare(base: PortalState, head: PortalState, head_diagnostics: Diagnostics) -> Preview:
    """Everything the PR changes, as seen on the public status page at the states' ``now``."""
    return Preview(
        before=base.public_overall.description,
        after=head.public_overall.description,
        changes=_incident_changes(base.portal, head.portal) + _postmortem_changes(base.portal, head.portal),
        warnings=_warnings(head),
        diagnostics=head_diagnostics,
    )


_HEADINGS = {
    "declared": "Declared", "updated": "Updated", "resolved": "Resolved", "removed": "Removed",
    "postmortem": "New postmortems", "postmortem-status": "Postmortem status changes",
}


def render(preview: Preview, markdown: bool = True) -> str:
    """The summary as GitHub-flavoured Markdown (job summary) or plain text (terminal)."""
    h2, bullet = ("### ", "- ") if markdown else ("", "  - ")
    lines = [("## " if markdown else "") + "Sitrep preview: what this change does to the status page", ""]
    if preview.before == preview.after:
        lines.append(f"Overall status stays **{preview.after}**." if markdown else
                     f"Overall status stays: {preview.after}.")
    else:
        lines.append(f"Overall status: **{preview.before}** → **{preview.after}**." if markdown else
                     f"Overall status: {preview.before} -> {preview.after}.")
    lines.append("")
    if not preview.changes:
        lines += ["No incident, maintenance or postmortem changes.", ""]
    for kind, heading in _HEADINGS.items():
        items = [c for c in preview.changes if c.kind == kind]
        if not items:
            continue
        lines.append(f"{h2}{heading}")
        for c in items:
            where = "" if c.public else " (internal: not on the public page)"
            title = f"**{c.title}**" if markdown else c.title
            lines.append(f"{bullet}{title} (`{c.record_id}`): {c.detail}{where}")
        lines.append("")
    lines.append(f"{h2}Warnings")
    lines += [f"{bullet}{w}" for w in preview.warnings] or [f"{bullet}None."]
    lines.append("")
    errors, warnings = preview.diagnostics.errors, preview.diagnostics.warnings
    lines.append(f"{h2}Validation: {preview.diagnostics.summary_line()}")
    if errors or warnings:
        if markdown and len(errors) + len(warnings) > GITHUB_ANNOTATION_LIMIT:
            lines.append(f"GitHub shows only {GITHUB_ANNOTATION_LIMIT} annotations of each kind; all are listed here.")
        listing = [d.as_text() for d in preview.diagnostics]
        lines += ["```", *listing, "```"] if markdown else ["", *listing]
    else:
        lines.append("All records are valid.")
    text = "\n".join(lines).rstrip() + "\n"
    if not markdown:  # the terminal shows Markdown emphasis and code marks literally
        text = text.replace("**", "").replace("`", "")
    return text
