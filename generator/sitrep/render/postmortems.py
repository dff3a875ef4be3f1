"""The postmortem library: index and filters, one page per postmortem, every action item.

Postmortem bodies are embedded as Markdown between the body markers, so MkDocs
renders them with the site's extensions and the plugin can sanitise them.
Authors appear only in the internal edition.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from sitrep.derive.action_items import (
    CLOSING_DATE_DEFINITION,
    COMPLETION_RATE_DEFINITION,
    ON_TIME_DEFINITION,
    OVERDUE_DEFINITION,
    TIME_TO_CLOSE_DEFINITION,
    ActionItemRow,
)
from sitrep.model.config import Severity, SitrepConfig
from sitrep.model.formatting import slugify
from sitrep.model.portal import Portal
from sitrep.model.records import Incident, Postmortem
from sitrep.model.vocabulary import ACTION_STATES, component_list_label
from sitrep.render import urls
from sitrep.render.context import RenderContext
from sitrep.render.page import NOT_INDEXED, Page, embed_body, front_matter
from sitrep.render.status_site import incident_view
from sitrep.render.templating import render
from sitrep.text.postmortem import parse_sections

#: Lines an action-items section may hold besides blank ones: list items, their indented continuations, table rows.
_ACTION_LINE = re.compile(r"^(?:[ \t]|[-*+][ \t]|\d{1,9}[.)][ \t]|\|)")


def without_action_items(body: str, *, keep_prose: bool = True) -> str:
    """The body without its action-items sections.

    With ``keep_prose`` (the editions that publish action items), only sections holding nothing but
    the items themselves go: the page shows those items once, as a task list with owner, due date
    and state (overdue marked); a section with any other text (a paragraph, a note) is kept as
    written. Without it (an edition that does not publish action items), every such section goes,
    its prose too: the items name their owners, and the prose is about them.
    """
    lines = body.splitlines(keepends=True)
    sections = parse_sections(body, 1)
    drop: list[tuple[int, int]] = []
    for k, section in enumerate(sections):
        if section.key != "action_items":
            continue
        content = [ln for ln in section.body.splitlines() if ln.strip()]
        if not keep_prose or (content and all(_ACTION_LINE.match(ln) for ln in content)):
            end = sections[k + 1].line - 1 if k + 1 < len(sections) else len(lines)
            drop.append((section.line - 1, end))
    for start, end in reversed(drop):
        del lines[start:end]
    return "".join(lines)


def tag_slug(tag: str) -> str:
    """URL form of a free-form tag."""
    return slugify(tag, fallback="tag")


def _pm_link(pm_id: str, portal: Portal, root: str) -> dict[str, str]:
    pm = portal.postmortem(pm_id)
    return {"id": pm_id, "title": pm.title if pm else pm_id, "url": urls.link(urls.postmortem_page(pm_id), root)}


def _row_view(row: ActionItemRow, portal: Portal, root: str) -> dict[str, Any]:
    return {"text": row.text, "owner": row.owner, "due": row.due, "state": row.state,
            "status": row.status, "overdue": row.overdue, "days_overdue": row.days_overdue,
            "closed": row.closed, "pm": _pm_link(row.postmortem_id, portal, root)}


def _sev_sorted(config: SitrepConfig, ids: Iterable[str | None]) -> list[Severity]:
    found = {s.id: s for s in (config.severity(i) for i in ids) if s is not None}
    return sorted(found.values(), key=lambda s: config.severity_rank(s.id))


def _pm_incidents(pm: Postmortem, portal: Portal) -> list[Incident]:
    """The postmortem's incidents present in this edition (absent ones are not even named)."""
    return [inc for inc in (portal.incident(i) for i in pm.incidents) if inc is not None]


def _pm_view(pm: Postmortem, ctx: RenderContext, root: str) -> dict[str, Any]:
    config = ctx.config
    incidents = _pm_incidents(pm, ctx.portal)
    rows = ctx.rows(pm)
    severities = _sev_sorted(config, (i.latest_severity for i in incidents))
    components: dict[str, str] = {}
    for inc in incidents:
        for cid in inc.worst_components:
            components.setdefault(cid, config.component_name(cid))
    view = {
        "id": pm.id,
        "title": pm.title,
        "url": urls.link(urls.postmortem_page(pm.id), root),
        "date": pm.date,
        "year": f"{pm.date.year:04d}",
        "status": pm.status,
        "visibility": pm.visibility,
        "tags": [{"label": t, "slug": tag_slug(t),
                  "url": urls.link(urls.listing_page(urls.folder(urls.POSTMORTEMS, "tag", tag_slug(t))), root)}
                 for t in pm.tags],
        "authors": list(pm.authors) if ctx.internal else [],
        "incidents": [{"id": i.id, "title": i.title, "url": urls.link(urls.incident_page(i.id), root),
                       "start": i.start,
                       "resolved": i.is_resolved,
                       "severity": config.severity(i.latest_severity)} for i in incidents],
        "severities": severities,
        "duration": ctx.state.postmortem_durations[pm.id],
        "components": [{"id": cid, "name": name} for cid, name in components.items()],
        "open_actions": sum(1 for r in rows if r.state == "open"),
        "overdue_actions": sum(1 for r in rows if r.overdue),
        "total_actions": len(rows),
    }
    view["text"] = " ".join([pm.title, *pm.tags, *(s.id for s in severities), *components.values(),
                             *(i.title for i in incidents), *view["authors"], pm.status])
    return view


def _newest_first(portal: Portal) -> list[Postmortem]:
    return sorted(portal.postmortems, key=lambda p: (p.date, p.id), reverse=True)


def _pm_filters(portal: Portal, retired: Collection[str]) -> list[dict[str, Any]]:
    """Every filter list of the library: (folder, label, kind, postmortems newest first); ``retired``: the
    ids of the components retired by now."""
    config = portal.config
    newest = _newest_first(portal)
    incidents = {p.id: _pm_incidents(p, portal) for p in newest}
    lists: list[dict[str, Any]] = [{"folder": urls.POSTMORTEMS, "label": "All postmortems", "kind": "all",
                                    "items": newest}]
    for year in sorted({p.date.year for p in newest}, reverse=True):
        lists.append({"folder": urls.folder(urls.POSTMORTEMS, "year", f"{year:04d}"), "label": f"{year:04d}",
                      "kind": "year", "items": [p for p in newest if p.date.year == year]})
    for sev in config.severities:
        items = [p for p in newest if any(i.latest_severity == sev.id for i in incidents[p.id])]
        if items:
            lists.append({"folder": urls.folder(urls.POSTMORTEMS, "severity", sev.id.lower()),
                          "label": f"{sev.id} {sev.name}", "kind": "severity", "items": items})
    used = {cid for p in newest for i in incidents[p.id] for cid in i.worst_components}
    for cid in [*config.component_ids, *sorted(used - set(config.component_ids))]:
        items = [p for p in newest if any(cid in i.worst_components for i in incidents[p.id])]
        if items:
            lists.append({"folder": urls.folder(urls.POSTMORTEMS, "component", cid),
                          "label": component_list_label(config.component_name(cid), cid in retired),
                          "kind": "component", "items": items})
    tags: dict[str, str] = {}
    for p in newest:
        for t in p.tags:
            tags.setdefault(tag_slug(t), t)
    for key in sorted(tags):
        lists.append({"folder": urls.folder(urls.POSTMORTEMS, "tag", key), "label": tags[key], "kind": "tag",
                      "items": [p for p in newest if key in {tag_slug(t) for t in p.tags}]})
    return lists


def postmortem_index_pages(ctx: RenderContext) -> list[Page]:
    """The library (newest first) and one page per year, severity, component and tag."""
    lists = _pm_filters(ctx.portal, ctx.state.retired)
    filters = [{"folder": x["folder"], "label": x["label"], "kind": x["kind"], "count": len(x["items"])}
               for x in lists]
    pages = []
    for entry in lists:
        path = urls.listing_page(entry["folder"])
        root = urls.root_of(path)
        kind, label = entry["kind"], entry["label"]
        title = "Postmortems" if kind == "all" else f"Postmortems — {label}"
        text = front_matter(title=title, hide=["toc"], search=NOT_INDEXED)
        text += render("postmortems/index.md.j2", items=[_pm_view(p, ctx, root) for p in entry["items"]],
                        filters=filters, folder=entry["folder"], kind=kind, label=label, root=root,
                        internal=ctx.internal, now=ctx.now, show_actions=ctx.config.publishes("action_items"),
                        show_reports=ctx.config.publishes("reports"))
        pages.append(Page(path, text, in_nav=(kind == "all")))
    return pages


def postmortem_pages(ctx: RenderContext) -> list[Page]:
    """One page per postmortem: incidents with their timelines, the body, the action items."""
    return [Page(urls.postmortem_page(pm.id), functools.partial(_postmortem_page_text, ctx, pm))
            for pm in ctx.portal.postmortems]


def _postmortem_page_text(ctx: RenderContext, pm: Postmortem) -> str:
    path = urls.postmortem_page(pm.id)
    root = urls.root_of(path)
    view = _pm_view(pm, ctx, root)
    incidents = [incident_view(i, ctx.state, root) for i in _pm_incidents(pm, ctx.portal)]
    rows = [_row_view(r, ctx.portal, root) for r in ctx.rows(pm)]
    text = front_matter(title=pm.title, hide=["navigation", "toc"])
    show_actions = ctx.config.publishes("action_items")
    text += render("postmortems/head.md.j2", p=view, incidents=incidents, root=root, internal=ctx.internal,
                   show_actions=show_actions)
    text += embed_body(without_action_items(ctx.body(pm, path), keep_prose=show_actions))
    if show_actions:
        text += render("postmortems/tail.md.j2", p=view, rows=rows, root=root, today=ctx.now.date())
    return text


def _page_order(row: ActionItemRow) -> tuple[Any, ...]:
    """Open first (overdue first, then by due date, undated last); then done, then won't do;
    newer postmortems first within a due date."""
    return (ACTION_STATES.index(row.state), not row.overdue, row.due is None, row.due or date.max,
            row.age_days, row.postmortem_id, row.line)


def action_items_page(ctx: RenderContext) -> Page:
    """Every action item across the edition's postmortems, open and overdue first: the overdue ones
    by days overdue, how done items were closed (on time, time to close; overall and per owner with
    done items), counts per owner and per postmortem, the completion rate (the reports' rule)."""
    path = urls.ACTION_ITEMS_PAGE
    root = urls.root_of(path)
    today = ctx.now.date()
    summary = ctx.state.metrics["all"].action_items  # every postmortem of the edition
    rows = sorted(summary.items, key=_page_order)
    # most overdue, then most open first
    by_owner = sorted(summary.by_owner, key=lambda o: (-o.overdue, -o.open))
    by_pm = [{"counts": c, "pm": _pm_link(c.postmortem_id, ctx.portal, root)}
             for c in sorted(summary.by_postmortem, key=lambda c: (-c.overdue, -c.open))]
    totals = {"open": summary.open, "overdue": summary.overdue, "done": summary.done, "wont_do": summary.wont_do,
              "completion_rate": summary.completion_rate}
    text = front_matter(title="Action items", hide=["toc"])
    text += render("postmortems/actions.md.j2", rows=[_row_view(r, ctx.portal, root) for r in rows], by_owner=by_owner,
                   overdue=[_row_view(r, ctx.portal, root) for r in summary.most_overdue],
                   by_pm=by_pm, totals=totals, root=root, today=today, closing=summary.closing,
                   # by name, as the owners' counts are sorted in derive
                   closing_by_owner=[o for o in summary.by_owner if o.closing.done],
                   definitions={"overdue": OVERDUE_DEFINITION, "completion_rate": COMPLETION_RATE_DEFINITION,
                                "on_time": ON_TIME_DEFINITION, "time_to_close": TIME_TO_CLOSE_DEFINITION,
                                "closing_date": CLOSING_DATE_DEFINITION})
    return Page(path, text)
