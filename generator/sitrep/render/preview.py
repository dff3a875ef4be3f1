"""What a change does to the public status page, in plain words (PR job summary and CLI).

``compare`` is pure: the derived states of two portals (the base commit's and the
working tree's, at one ``now``) and their diagnostics in, a :class:`Preview` out. ``render``
turns it into Markdown (GitHub job summary) or plain text. Reading the base
commit out of git is the CLI's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sitrep.derive.state import PortalState
from sitrep.model.config import SitrepConfig
from sitrep.model.diagnostics import Diagnostic, Diagnostics
from sitrep.model.formatting import format_duration, human_time, shorten
from sitrep.model.portal import Portal
from sitrep.model.records import Postmortem
from sitrep.model.vocabulary import status_label, update_label
from sitrep.text.postmortem import parse_action_items, parse_sections

#: Enough configuration to ask the portal's publication rule about one record.
_NO_CONFIG = SitrepConfig(components=[])

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
    #: Warnings about records this change touches (shown first) and about the rest of the portal.
    warnings: list[str] = field(default_factory=list)
    other_warnings: list[str] = field(default_factory=list)
    #: Every validation finding of the changed tree, and which of them the base already had.
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    old_findings: frozenset[tuple[str, str, str]] = frozenset()

    def findings(self, new: bool) -> list[Diagnostic]:
        """Validation findings this change brings (``new``) or that the base already had."""
        return [d for d in self.diagnostics if (_finding_key(d) not in self.old_findings) == new]


def _finding_key(d: Diagnostic) -> tuple[str, str, str]:
    return (d.path, d.code, d.message)  # not the line: an edit above a problem moves it


def _impacts(affected: Mapping[str, str]) -> str:
    return ", ".join(f"{cid} {status_label(imp).lower()}" for cid, imp in affected.items())


def _incident_changes(base: Portal, state: PortalState) -> list[Change]:
    head = state.portal
    changes = []
    for inc in head.incidents:
        old = base.incident(inc.id)
        public = inc.visibility == "public"
        label = update_label(inc.status)
        if old is None:
            what = "Maintenance scheduled" if inc.is_maintenance else f"Declared {inc.severity}"
            if not inc.is_maintenance and inc.latest_severity != inc.severity:  # escalated in the same change
                what += f", now {inc.latest_severity}"
            impacts = _impacts(state.of(inc).affected)
            changes.append(Change("declared", inc.id, inc.title, f"{what} ({label}); {impacts}", public))
        elif inc.is_resolved and not old.is_resolved:
            took = format_duration((inc.resolved_at or inc.last_updated) - inc.start)
            changes.append(Change("resolved", inc.id, inc.title, f"{label} after {took}", public))
        elif inc != old:
            new_updates = len(inc.updates) - len(old.updates)
            detail = (f"{new_updates} new update{'s' if new_updates != 1 else ''}, now {label}"
                      if new_updates > 0 else f"record edited, status {label}")
            escalated = [c for said in state.of(inc).changes[len(old.updates):] for c in said]
            if escalated:
                detail += "; " + ", ".join(escalated)
            changes.append(Change("updated", inc.id, inc.title, detail, public))
    changes += [Change("removed", old.id, old.title, "record deleted", old.visibility == "public")
                for old in base.incidents if head.incident(old.id) is None]
    return changes


def _is_public(pm: Postmortem | None) -> bool:
    """Whether the public edition shows the postmortem (the rule of ``Portal.for_audience``)."""
    return pm is not None and bool(Portal(config=_NO_CONFIG, postmortems=(pm,)).for_audience("public").postmortems)


def _publication(pm: Postmortem, old: Postmortem | None) -> str:
    """When the postmortem reaches the public site, in words; empty when nothing changes there."""
    if _is_public(pm) and not _is_public(old):
        return "; becomes public with this merge"
    if _is_public(old) and not _is_public(pm):
        return "; leaves the public site with this merge"
    if pm.visibility == "public" and pm.status != "published":
        return "; becomes public once its status is published"
    return ""


def _postmortem_changes(base: Portal, head: Portal) -> list[Change]:
    changes = []
    for pm in head.postmortems:
        old = base.postmortem(pm.id)
        public = _is_public(pm)
        if old is None:
            changes.append(Change("postmortem", pm.id, pm.title, f"new postmortem ({pm.status}) for "
                                  f"{', '.join(pm.incidents)}{_publication(pm, old)}", public))
        elif (old.status, old.visibility) != (pm.status, pm.visibility):
            moves = [f"{a} → {b}" for a, b in ((old.status, pm.status), (old.visibility, pm.visibility)) if a != b]
            changes.append(Change("postmortem-status", pm.id, pm.title,
                                  f"{', '.join(moves)}{_publication(pm, old)}", public))
    return changes


def _warnings(state: PortalState) -> list[tuple[str, str]]:
    """(record id, warning) for everything that needs a responder's attention in the state's portal."""
    head, now = state.portal, state.now
    out = []
    for inc in head.incidents:
        due = state.of(inc).next_update_due
        if due is not None and state.of(inc).update_overdue:
            out.append((inc.id, f"Update overdue: **{inc.title}** (`{inc.id}`, {inc.latest_severity}) was due "
                                f"an update at {human_time(due)} ({format_duration(now - due)} ago)."))
    for pm in head.postmortems:
        if pm.status != "published":
            continue
        for section in parse_sections(pm.body, pm.body_line):
            if section.key != "action_items":
                continue
            items, _ = parse_action_items(section)
            unowned = [i for i in items if i.state == "open" and not i.owner]
            if unowned:
                out.append((pm.id, f"Published postmortem `{pm.id}` has {len(unowned)} open action item(s) "
                                   f"without an owner, e.g. \"{shorten(unowned[0].text, 60)}\"."))
    today = now.date()
    for rb in head.runbooks:
        if rb.is_stale(today):
            due_date = rb.next_review
            out.append((rb.id, f"Runbook `{rb.id}` is past its review date ({due_date.isoformat()}; last "
                               f"reviewed {rb.last_reviewed.isoformat()})."))
    return out


def compare(base: PortalState, head: PortalState, head_diagnostics: Diagnostics,
            base_diagnostics: Diagnostics | None = None) -> Preview:
    """Everything the PR changes, as seen on the public status page at the states' ``now``.

    Warnings and validation findings are split: those about the records this
    change touches lead; what the base already had goes to the rest.
    """
    changes = _incident_changes(base.portal, head) + _postmortem_changes(base.portal, head.portal)
    touched = {c.record_id for c in changes}
    touched |= {rb.id for rb in head.portal.runbooks if base.portal.runbook(rb.id) != rb}
    touched |= {pm.id for pm in head.portal.postmortems if base.portal.postmortem(pm.id) != pm}
    warnings = _warnings(head)
    return Preview(
        before=base.public_overall.description,
        after=head.public_overall.description,
        changes=changes,
        warnings=[text for record_id, text in warnings if record_id in touched],
        other_warnings=[text for record_id, text in warnings if record_id not in touched],
        diagnostics=head_diagnostics,
        old_findings=frozenset(_finding_key(d) for d in (base_diagnostics or ())),
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
    lines.append(f"{h2}Needs attention in this change")
    lines += [f"{bullet}{w}" for w in preview.warnings] or [f"{bullet}None."]
    lines.append("")
    new, old = preview.findings(new=True), preview.findings(new=False)
    lines.append(f"{h2}Validation: {preview.diagnostics.summary_line()}")
    if new:
        if markdown and len(new) > GITHUB_ANNOTATION_LIMIT:
            lines.append(f"GitHub shows only {GITHUB_ANNOTATION_LIMIT} annotations of each kind; all are listed here.")
        listing = [d.as_text() for d in new]
        lines += ["```", *listing, "```"] if markdown else ["", *listing]
    elif old:
        lines.append("Nothing new in this change.")
    else:
        lines.append("All records are valid.")
    if preview.other_warnings or old:
        lines.append("")
        counts = (f"{len(preview.other_warnings)} warning{'s' if len(preview.other_warnings) != 1 else ''}, "
                  f"{len(old)} validation finding{'s' if len(old) != 1 else ''}")
        heading = f"Elsewhere in the portal, not changed here: {counts}"
        rest = [f"{bullet}{w}" for w in preview.other_warnings]
        listing = [d.as_text() for d in old]
        if markdown:  # collapsed: the PR's own changes stay on screen
            lines += [f"<details><summary>{heading}</summary>", "", *rest]
            lines += [*([""] if rest and listing else []), *(["```", *listing, "```"] if listing else []),
                      "", "</details>"]
        else:
            lines += [f"{heading}:", *rest, *listing]
    text = "\n".join(lines).rstrip() + "\n"
    if not markdown:  # the terminal shows Markdown emphasis and code marks literally
        text = text.replace("**", "").replace("`", "")
    return text
