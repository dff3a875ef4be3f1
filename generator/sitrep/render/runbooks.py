"""The runbook site: runbooks grouped by component with their review status, one page per runbook."""

from __future__ import annotations

import functools
from typing import Any

from sitrep.model.records import Runbook
from sitrep.render import urls
from sitrep.render.context import RenderContext
from sitrep.render.page import Page, embed_body, front_matter
from sitrep.render.templating import render


def _rb_view(rb: Runbook, ctx: RenderContext, root: str) -> dict[str, Any]:
    config = ctx.config
    due = rb.next_review
    return {
        "id": rb.id,
        "title": rb.title,
        "url": urls.link(urls.runbook_page(rb.id), root),
        "owner": rb.owner,
        "last_reviewed": rb.last_reviewed,
        "review_every": rb.review_every,
        "next_review": due,
        "stale": rb.is_stale(ctx.now.date()),
        "days_overdue": (ctx.now.date() - due).days,
        "components": [{"id": c, "name": config.component_name(c)} for c in rb.components],
        "visibility": rb.visibility,
    }


def runbook_index_page(ctx: RenderContext) -> Page:
    """Runbooks grouped by component (in the configured order), each listed once, with review status.

    A runbook for one component sits under it; one for several under "Several components", with their names.
    """
    path = urls.RUNBOOK_INDEX_PAGE
    root = urls.root_of(path)
    config = ctx.config
    views = {rb.id: _rb_view(rb, ctx, root) for rb in ctx.portal.runbooks}
    groups: list[dict[str, Any]] = []
    used = {c for rb in ctx.portal.runbooks for c in rb.components}
    for cid in [*config.component_ids, *sorted(used - set(config.component_ids))]:
        members = [views[rb.id] for rb in ctx.portal.runbooks if list(rb.components) == [cid]]
        if members:
            groups.append({"id": cid, "name": config.component_name(cid),
                           "runbooks": sorted(members, key=lambda v: (v["title"].casefold(), v["id"]))})
    several = [views[rb.id] for rb in ctx.portal.runbooks if len(rb.components) > 1]
    if several:
        groups.append({"id": "several", "name": "Several components",
                       "runbooks": sorted(several, key=lambda v: (v["title"].casefold(), v["id"]))})
    general = [views[rb.id] for rb in ctx.portal.runbooks if not rb.components]
    if general:
        groups.append({"id": "general", "name": "Not specific to a component",
                       "runbooks": sorted(general, key=lambda v: (v["title"].casefold(), v["id"]))})
    stale = sorted((v for v in views.values() if v["stale"]), key=lambda v: (v["next_review"], v["id"]))
    text = front_matter(title="Runbooks", hide=["toc"])
    text += render("runbooks/index.md.j2", groups=groups, stale=stale, total=len(views), root=root,
                    today=ctx.now.date())
    return Page(path, text, in_nav=True)


def runbook_pages(ctx: RenderContext) -> list[Page]:
    """One page per runbook: review status, the body, incidents that used it, related runbooks."""
    return [Page(urls.runbook_page(rb.id), functools.partial(_runbook_page_text, ctx, rb))
            for rb in ctx.portal.runbooks]


def _runbook_page_text(ctx: RenderContext, rb: Runbook) -> str:
    path = urls.runbook_page(rb.id)
    root = urls.root_of(path)
    view = _rb_view(rb, ctx, root)
    used = sorted(ctx.portal.incidents_using(rb.id), key=lambda i: (i.start, i.id), reverse=True)
    incidents = [{"id": i.id, "title": i.title, "url": urls.link(urls.incident_page(i.id), root), "start": i.start,
                  "severity": ctx.config.severity(i.latest_severity), "kind": i.kind} for i in used]
    related = [_rb_view(r, ctx, root) for r in (ctx.portal.runbook(x) for x in rb.related) if r is not None]
    text = front_matter(title=rb.title, hide=["navigation", "toc"])
    text += render("runbooks/head.md.j2", r=view, root=root, today=ctx.now.date())
    text += embed_body(ctx.body(rb, path))
    return text + render("runbooks/tail.md.j2", r=view, incidents=incidents, related=related, root=root)
