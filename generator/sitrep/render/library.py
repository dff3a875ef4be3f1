"""The team-facing pages: postmortem library, action items, runbooks and reliability reports.

:func:`build_team_pages` turns an (already audience-filtered) portal into
Markdown pages like :mod:`sitrep.pages` does for the status site, and
:func:`build_team_files` gives the ready-made files (``reports/metrics.json``).
Both are pure: the same records and ``now`` give the same bytes.

Postmortem and runbook bodies are embedded as Markdown between
:data:`~sitrep.pages.BODY_START` and :data:`~sitrep.pages.BODY_END`, so MkDocs
renders them with the site's extensions and the plugin can sanitise them.
Relative links in those bodies that point at records this edition does not
publish become plain text (:func:`drop_links_to_absent`): a strict build would
fail on them, and their titles are not ours to show.

Internal fields (authors, responders, users affected) appear only when
``portal.config.audience == "internal"``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

from sitrep.derive.metrics import DEFINITIONS, DurationStats, Metrics, compute_metrics, owner_counts, state_counts
from sitrep.derive.status import duration
from sitrep.model.config import Severity, SitrepConfig, format_duration
from sitrep.model.portal import Portal
from sitrep.model.records import Incident, Postmortem, Runbook
from sitrep.model.vocabulary import (
    ACTION_STATES,
    action_state_label,
    postmortem_status_label,
    status_label,
)
from sitrep.render import charts
from sitrep.render.pages import (
    Page,
    embed_body,
    front_matter,
    incident_view,
    template_env,
    url_of,
)
from sitrep.render.statuspage_api import dump_json
from sitrep.text.postmortem import action_items_in

__all__ = [
    "ActionRow",
    "action_rows",
    "build_team_files",
    "build_team_pages",
    "drop_links_to_absent",
    "next_review",
    "record_page_paths",
    "slug",
]



# --------------------------------------------------------------------------- templates


@cache
def _env() -> jinja2.Environment:
    env = template_env()
    env.filters["day"] = lambda d: d.strftime("%b %-d, %Y")
    env.filters["pct"] = pct
    env.filters["pm_status"] = postmortem_status_label
    env.filters["state_label"] = action_state_label
    env.filters["inline_code"] = inline_code
    return env


def inline_code(text: str) -> Markup:
    """Escape text and show its `code spans` as <code> (nothing else of Markdown)."""
    parts = re.split(r"`([^`]+)`", text)
    return Markup("").join(Markup("<code>{}</code>").format(p) if k % 2 else escape(p) for k, p in enumerate(parts))


def _render(template: str, **context: Any) -> str:
    return _env().get_template(template).render(**context)


def pct(share: float | None) -> str:
    """A fraction 0..1 as a whole percentage; an em dash when there is nothing to divide."""
    return "—" if share is None else f"{share * 100:.0f}%"


def _root(path: str) -> str:
    """Relative site root of a page: one ``../`` per folder of its directory URL."""
    return "../" * url_of(path).count("/")


def slug(text: str) -> str:
    """URL-safe form of a free-form tag: lowercase letters, digits and dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "tag"


# --------------------------------------------------------------------------- links in bodies

_MD_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]*)\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+[\"'][^\"'\n]*[\"'])?\s*\)")
_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
_EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^#|^/")


def drop_links_to_absent(body: str, present_paths: Iterable[str], source_path: str, *,
                         repo_path: str | None = None, moved: Mapping[str, str] | None = None) -> str:
    """Turn relative Markdown links to ``.md`` pages this edition lacks into their plain text.

    ``source_path`` is the docs-relative path of the generated page the body is
    embedded in; a link is resolved against it and kept when it lands on one of
    ``present_paths`` (docs-relative ``.md`` paths of the build). With
    ``repo_path`` (where the record lives in the repository) and ``moved``
    (repository path of a record -> docs path of its page), links written
    relative to the record file are first re-pointed at the generated page,
    e.g. ``../incidents/2026/x.md`` -> ``../incidents/x.md``. Links in code
    (fences, spans), images, absolute and external links are left alone.
    """
    present = set(present_paths)
    base = posixpath.dirname(source_path)

    def fix(match: re.Match[str]) -> str:
        target = match.group("target")
        if _EXTERNAL.match(target):
            return match.group(0)
        file_part, hash_, fragment = target.partition("#")
        if not file_part.endswith(".md"):
            return match.group(0)
        if repo_path is not None and moved:
            in_repo = posixpath.normpath(posixpath.join(posixpath.dirname(repo_path), file_part))
            page = moved.get(in_repo)
            if page is not None:
                if page not in present:
                    return match.group("text")
                new = posixpath.relpath(page, base or ".") + hash_ + fragment
                return match.group(0).replace(target, new, 1) if new != target else match.group(0)
        resolved = posixpath.normpath(posixpath.join(base, file_part))
        return match.group(0) if resolved in present else match.group("text")

    out: list[str] = []
    in_fence = False
    for line in body.splitlines(keepends=True):
        if _FENCE.match(line):
            in_fence = not in_fence
            out.append(line)
            continue
        if in_fence or "](" not in line:
            out.append(line)
            continue
        pieces: list[str] = []
        last = 0
        for span in _CODE_SPAN.finditer(line):
            pieces.append(_MD_LINK.sub(fix, line[last:span.start()]))
            pieces.append(span.group(0))
            last = span.end()
        pieces.append(_MD_LINK.sub(fix, line[last:]))
        out.append("".join(pieces))
    return "".join(out)


def _strip_title(body: str) -> str:
    """The body without a leading H1: the page header shows the record's title already."""
    lines = body.strip().splitlines()
    if lines and re.match(r"^#\s+\S", lines[0]):
        lines = lines[1:]
    return "\n".join(lines).strip()


@dataclass(frozen=True)
class _Context:
    """What every page builder needs: the edition, the clock and where records live."""

    portal: Portal
    now: datetime
    present: frozenset[str]
    moved: Mapping[str, str]
    _rows: dict[str, list[ActionRow]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def config(self) -> SitrepConfig:
        return self.portal.config

    @property
    def internal(self) -> bool:
        return self.portal.config.audience == "internal"

    def rows(self, pm: Postmortem) -> list[ActionRow]:
        """The postmortem's action items (parsed once per build)."""
        if pm.id not in self._rows:
            self._rows[pm.id] = action_rows(pm, self.now.date(), self.portal.config.person)
        return self._rows[pm.id]

    def body(self, record: Postmortem | Runbook, page_path: str) -> str:
        text = _strip_title(record.body)
        return drop_links_to_absent(text, self.present, page_path, repo_path=record.path or None, moved=self.moved)


def record_page_paths(portal: Portal) -> tuple[frozenset[str], dict[str, str]]:
    """(docs paths of every record page of this edition, repository path -> docs path of its page).

    Pass both to :func:`drop_links_to_absent` (``present_paths`` and ``moved``) for
    any record body embedded in a page, incidents included: an incident stored at
    ``incidents/2026/x.md`` is published at ``incidents/x.md``, so its body's
    relative links must be re-pointed.
    """
    groups = (("incidents", portal.incidents), ("postmortems", portal.postmortems), ("runbooks", portal.runbooks))
    present = frozenset(f"{kind}/{r.id}.md" for kind, records in groups for r in records)
    moved = {r.path: f"{kind}/{r.id}.md" for kind, records in groups for r in records if r.path}
    return present, moved


def _context(portal: Portal, now: datetime) -> _Context:
    present, moved = record_page_paths(portal)
    return _Context(portal, now, present, moved)


# --------------------------------------------------------------------------- action items


@dataclass(frozen=True)
class ActionRow:
    """One action item of a postmortem, as the pages show it."""

    postmortem: Postmortem
    text: str
    owner: str | None
    due: date | None
    state: str  # open, done, wont_do
    status: str
    overdue: bool
    line: int


def action_rows(pm: Postmortem, today: date,
                person: Callable[[str | None], str | None] = lambda name: name) -> list[ActionRow]:
    """The postmortem's action items in file order; open items due before ``today`` are overdue.

    ``person`` maps an owner as written to the name to show (``SitrepConfig.person``).
    """
    return [ActionRow(pm, item.text, person(item.owner), item.due, item.state, item.status,
                      item.state == "open" and item.due is not None and item.due < today, item.line)
            for item in action_items_in(pm.body, pm.body_line)]


def _action_sort_key(row: ActionRow) -> tuple[Any, ...]:
    """Open first (overdue first, then by due date, undated last); then done, then won't do."""
    return (ACTION_STATES.index(row.state), not row.overdue, row.due is None, row.due or date.max,
            -row.postmortem.date.toordinal(), row.postmortem.id, row.line)


def _row_view(row: ActionRow, root: str) -> dict[str, Any]:
    return {"text": row.text, "owner": row.owner, "due": row.due, "state": row.state,
            "status": row.status, "overdue": row.overdue,
            "pm": {"id": row.postmortem.id, "title": row.postmortem.title,
                   "url": f"{root}postmortems/{row.postmortem.id}/"}}


# --------------------------------------------------------------------------- postmortems


def _sev_sorted(config: SitrepConfig, ids: Iterable[str | None]) -> list[Severity]:
    found = {s.id: s for s in (config.severity(i) for i in ids) if s is not None}
    return sorted(found.values(), key=lambda s: config.severity_rank(s.id))


def _pm_incidents(pm: Postmortem, portal: Portal) -> list[Incident]:
    """The postmortem's incidents present in this edition (absent ones are not even named)."""
    return [inc for inc in (portal.incident(i) for i in pm.incidents) if inc is not None]


def _pm_view(pm: Postmortem, ctx: _Context, root: str) -> dict[str, Any]:
    config = ctx.config
    incidents = _pm_incidents(pm, ctx.portal)
    rows = ctx.rows(pm)
    severities = _sev_sorted(config, (i.severity for i in incidents))
    components: dict[str, str] = {}
    for inc in incidents:
        for cid in inc.components:
            comp = config.component(cid)
            components.setdefault(cid, comp.name if comp else cid)
    durations = [duration(i, ctx.now) for i in incidents if not i.is_maintenance]
    view = {
        "id": pm.id,
        "title": pm.title,
        "url": f"{root}postmortems/{pm.id}/",
        "date": pm.date,
        "year": f"{pm.date.year:04d}",
        "status": pm.status,
        "visibility": pm.visibility,
        "tags": [{"label": t, "slug": slug(t), "url": f"{root}postmortems/tag/{slug(t)}/"} for t in pm.tags],
        "authors": list(pm.authors) if ctx.internal else [],
        "incidents": [{"id": i.id, "title": i.title, "url": f"{root}incidents/{i.id}/", "start": i.start,
                       "resolved": i.is_resolved,
                       "severity": config.severity(i.severity)} for i in incidents],
        "severities": severities,
        "duration": max(durations) if durations else None,
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


def _pm_filters(portal: Portal) -> list[dict[str, Any]]:
    """Every filter list of the library: (folder, label, kind, postmortems newest first)."""
    config = portal.config
    newest = _newest_first(portal)
    incidents = {p.id: _pm_incidents(p, portal) for p in newest}
    lists: list[dict[str, Any]] = [{"folder": "postmortems", "label": "All postmortems", "kind": "all",
                                    "items": newest}]
    for year in sorted({p.date.year for p in newest}, reverse=True):
        lists.append({"folder": f"postmortems/year/{year:04d}", "label": f"{year:04d}", "kind": "year",
                      "items": [p for p in newest if p.date.year == year]})
    for sev in config.severities:
        items = [p for p in newest if any(i.severity == sev.id for i in incidents[p.id])]
        if items:
            lists.append({"folder": f"postmortems/severity/{sev.id.lower()}", "label": f"{sev.id} {sev.name}",
                          "kind": "severity", "items": items})
    used = {cid for p in newest for i in incidents[p.id] for cid in i.components}
    for cid in [*config.component_ids, *sorted(used - set(config.component_ids))]:
        items = [p for p in newest if any(cid in i.components for i in incidents[p.id])]
        if items:
            comp = config.component(cid)
            lists.append({"folder": f"postmortems/component/{cid}", "label": comp.name if comp else cid,
                          "kind": "component", "items": items})
    tags: dict[str, str] = {}
    for p in newest:
        for t in p.tags:
            tags.setdefault(slug(t), t)
    for tag_slug in sorted(tags):
        lists.append({"folder": f"postmortems/tag/{tag_slug}", "label": tags[tag_slug], "kind": "tag",
                      "items": [p for p in newest if tag_slug in {slug(t) for t in p.tags}]})
    return lists


def postmortem_index_pages(ctx: _Context) -> list[Page]:
    """The library (newest first) and one page per year, severity, component and tag."""
    lists = _pm_filters(ctx.portal)
    filters = [{"folder": x["folder"], "label": x["label"], "kind": x["kind"], "count": len(x["items"])}
               for x in lists]
    pages = []
    for entry in lists:
        path = f"{entry['folder']}/index.md"
        root = _root(path)
        kind, label = entry["kind"], entry["label"]
        title = "Postmortems" if kind == "all" else f"Postmortems — {label}"
        text = front_matter(title=title, hide=["toc"])
        text += _render("pm_index.md.j2", items=[_pm_view(p, ctx, root) for p in entry["items"]],
                        filters=filters, folder=entry["folder"], kind=kind, label=label, root=root,
                        internal=ctx.internal, now=ctx.now)
        pages.append(Page(path, text, in_nav=(kind == "all")))
    return pages


def postmortem_pages(ctx: _Context) -> list[Page]:
    """One page per postmortem: incidents with their timelines, the body, the action items."""
    pages = []
    for pm in ctx.portal.postmortems:
        path = f"postmortems/{pm.id}.md"
        root = _root(path)
        view = _pm_view(pm, ctx, root)
        incidents = [incident_view(i, ctx.portal, ctx.now, root) for i in _pm_incidents(pm, ctx.portal)]
        rows = [_row_view(r, root) for r in ctx.rows(pm)]
        text = front_matter(title=pm.title, hide=["navigation", "toc"])
        text += _render("pm_head.md.j2", p=view, incidents=incidents, root=root, internal=ctx.internal)
        text += embed_body(ctx.body(pm, path))
        text += _render("pm_tail.md.j2", p=view, rows=rows, root=root, today=ctx.now.date())
        pages.append(Page(path, text))
    return pages


def action_items_page(ctx: _Context) -> Page:
    """Every action item across the edition's postmortems, open and overdue first, with per-owner counts."""
    path = "postmortems/action-items.md"
    root = _root(path)
    today = ctx.now.date()
    rows = sorted((r for pm in ctx.portal.postmortems for r in ctx.rows(pm)), key=_action_sort_key)
    # most overdue, then most open first
    by_owner = sorted(owner_counts(rows), key=lambda o: (-o.overdue, -o.open))
    totals = dict(zip(("open", "overdue", "done", "wont_do"), state_counts(rows), strict=True))
    text = front_matter(title="Action items", hide=["toc"])
    text += _render("pm_actions.md.j2", rows=[_row_view(r, root) for r in rows], by_owner=by_owner,
                    totals=totals, root=root, today=today)
    return Page(path, text)


# --------------------------------------------------------------------------- runbooks


def next_review(rb: Runbook) -> date:
    """When the runbook is next due for review: last review plus its review interval."""
    return rb.last_reviewed + timedelta(days=rb.review_every)


def _rb_view(rb: Runbook, ctx: _Context, root: str) -> dict[str, Any]:
    config = ctx.config
    due = next_review(rb)
    return {
        "id": rb.id,
        "title": rb.title,
        "url": f"{root}runbooks/{rb.id}/",
        "owner": rb.owner,
        "last_reviewed": rb.last_reviewed,
        "review_every": rb.review_every,
        "next_review": due,
        "stale": due < ctx.now.date(),
        "days_overdue": (ctx.now.date() - due).days,
        "components": [{"id": c, "name": (config.component(c).name if config.component(c) else c)}
                       for c in rb.components],
        "visibility": rb.visibility,
    }


def runbook_index_page(ctx: _Context) -> Page:
    """Runbooks grouped by component (in the configured order), with review status."""
    path = "runbooks/index.md"
    root = _root(path)
    config = ctx.config
    views = {rb.id: _rb_view(rb, ctx, root) for rb in ctx.portal.runbooks}
    groups: list[dict[str, Any]] = []
    used = {c for rb in ctx.portal.runbooks for c in rb.components}
    for cid in [*config.component_ids, *sorted(used - set(config.component_ids))]:
        members = [views[rb.id] for rb in ctx.portal.runbooks if cid in rb.components]
        if members:
            comp = config.component(cid)
            groups.append({"id": cid, "name": comp.name if comp else cid,
                           "runbooks": sorted(members, key=lambda v: (v["title"].casefold(), v["id"]))})
    general = [views[rb.id] for rb in ctx.portal.runbooks if not rb.components]
    if general:
        groups.append({"id": "general", "name": "Not specific to a component",
                       "runbooks": sorted(general, key=lambda v: (v["title"].casefold(), v["id"]))})
    stale = sorted((v for v in views.values() if v["stale"]), key=lambda v: (v["next_review"], v["id"]))
    text = front_matter(title="Runbooks", hide=["toc"])
    text += _render("rb_index.md.j2", groups=groups, stale=stale, total=len(views), root=root,
                    today=ctx.now.date())
    return Page(path, text, in_nav=True)


def runbook_pages(ctx: _Context) -> list[Page]:
    """One page per runbook: review status, the body, incidents that used it, related runbooks."""
    pages = []
    for rb in ctx.portal.runbooks:
        path = f"runbooks/{rb.id}.md"
        root = _root(path)
        view = _rb_view(rb, ctx, root)
        used = sorted(ctx.portal.incidents_using(rb.id), key=lambda i: (i.start, i.id), reverse=True)
        incidents = [{"id": i.id, "title": i.title, "url": f"{root}incidents/{i.id}/", "start": i.start,
                      "severity": ctx.config.severity(i.severity), "kind": i.kind} for i in used]
        related = [_rb_view(r, ctx, root) for r in (ctx.portal.runbook(x) for x in rb.related) if r is not None]
        text = front_matter(title=rb.title, hide=["navigation", "toc"])
        text += _render("rb_head.md.j2", r=view, root=root, today=ctx.now.date())
        text += embed_body(ctx.body(rb, path))
        text += _render("rb_tail.md.j2", r=view, incidents=incidents, related=related, root=root)
        pages.append(Page(path, text))
    return pages


# --------------------------------------------------------------------------- reports


DURATION_SECTIONS: tuple[tuple[str, str], ...] = (
    ("time_to_detect", "Time to detect"),
    ("time_to_acknowledge", "Time to acknowledge"),
    ("time_to_mitigate", "Time to mitigate"),
    ("time_to_resolve", "Time to resolve"),
)
BAND_LABELS = {"within_1_hour": "Within 1 hour", "within_1_day": "Within 1 day",
               "within_1_week": "Within 1 week", "longer": "Longer than 1 week"}


def _fmt(delta: timedelta | None) -> str:
    return format_duration(delta) if delta is not None else "—"


def _sev_label(config: SitrepConfig, key: str) -> str:
    sev = config.severity(key)
    return f"{sev.id} {sev.name}" if sev else key.capitalize()


def _stats_row(label: str, s: DurationStats, sev_key: str | None = None) -> dict[str, Any]:
    return {"label": label, "sev": sev_key, "n": s.n, "mean": _fmt(s.mean), "median": _fmt(s.median),
            "p90": _fmt(s.p90), "max": _fmt(s.max), "target": _fmt(s.target) if s.target else "—",
            "met": s.met_target, "with_target": s.with_target, "share": pct(s.share_met_target)}


def _duration_table(config: SitrepConfig, metric: Any) -> list[dict[str, Any]]:
    rows = [_stats_row(_sev_label(config, key), s, key) for key, s in metric.by_severity.items()]
    rows.append(_stats_row("All severities", metric.overall))
    return rows


def _resolve_samples(portal: Portal, m: Metrics) -> list[tuple[str, list[tuple[str, Incident, timedelta]]]]:
    """Time to resolve of each measured incident, grouped by severity (same rule as the metric)."""
    config = portal.config
    groups: dict[str, list[tuple[str, Incident, timedelta]]] = {}
    for key in m.time_to_resolve.by_severity:
        groups[key] = []
    for inc_id in m.incident_ids:
        inc = portal.incident(inc_id)
        if inc is None or not inc.is_resolved or inc.started is None or inc.resolved_at is None:
            continue
        value = inc.resolved_at - inc.started
        if value < timedelta(0):
            continue
        key = config.normalise_severity(inc.severity) or inc.severity or "unrated"
        groups.setdefault(key, []).append((key, inc, value))
    return [(key, sorted(items, key=lambda x: (x[2], x[1].id))) for key, items in groups.items()]


#: Longest list of incidents a report page shows in one place (the rest are counted).
LIST_LIMIT = 25


def _report_view(portal: Portal, now: datetime, m: Metrics, root: str, chart_prefix: str) -> dict[str, Any]:
    config = portal.config
    sev_keys = list(m.time_to_resolve.by_severity)
    titles = {i.id: i.title for i in portal.incidents}

    def inc_link(inc_id: str) -> dict[str, str]:
        return {"id": inc_id, "title": titles.get(inc_id, inc_id), "url": f"{root}incidents/{inc_id}/"}

    durations = [{"key": key, "title": title, "definition": DEFINITIONS[key],
                  "rows": _duration_table(config, getattr(m, key))} for key, title in DURATION_SECTIONS]

    samples = _resolve_samples(portal, m)
    strip = charts.strip_plot_log(
        f"{chart_prefix}-ttr", "Time to resolve of each incident, by severity",
        "One dot per resolved incident on a logarithmic time axis (1 minute to 1 week); dashed marks are "
        "the severity's target. The same values are in the table below the chart.",
        [(_sev_label(config, key).split(" ")[0], [(inc.title, value.total_seconds()) for _, inc, value in items])
         for key, items in samples],
        targets=[(config.severity(key).resolve_within.total_seconds()
                  if config.severity(key) and config.severity(key).resolve_within else None)  # type: ignore[union-attr]
                 for key, _ in samples],
    )
    # The table lists the slowest incidents only: its size must not grow with the archive.
    slowest = sorted(((value, key, inc) for key, items in samples for _, inc, value in items),
                     key=lambda x: (-x[0], x[2].id))
    strip_rows = [{"severity": _sev_label(config, key), **inc_link(inc.id), "value": _fmt(value)}
                  for value, key, inc in slowest[:LIST_LIMIT]]

    cadence = m.update_cadence
    cadence_rows = [{"label": _sev_label(config, key), "intervals": c.intervals, "within": c.within_cadence,
                     "share": pct(c.share_within_cadence), "allowed": _fmt(c.allowed)}
                    for key, c in cadence.by_severity.items()]
    cadence_rows.append({"label": "All severities", "intervals": cadence.overall.intervals,
                         "within": cadence.overall.within_cadence,
                         "share": pct(cadence.overall.share_within_cadence), "allowed": "—"})
    gaps = [{**inc_link(g.incident_id), "severity": g.severity, "from": g.from_, "to": g.to,
             "gap": _fmt(g.gap), "allowed": _fmt(g.allowed), "ongoing": g.ongoing} for g in cadence.worst_gaps]

    months = m.incidents_per_month
    month_keys = [k for k in (months[0].by_severity if months else {}) if any(mc.by_severity[k] for mc in months)]
    month_chart = charts.bar_chart(
        f"{chart_prefix}-months", "Incidents per month by severity",
        "Stacked bars: incidents that started in each month (UTC), one colour per severity. "
        "The same counts are in the table below the chart.",
        [mc.month for mc in months],
        [(k, [mc.by_severity.get(k, 0) for mc in months]) for k in month_keys] or [("Incidents", [0] * len(months))],
    ) if months else ""
    comps = m.incidents_per_component
    impact_keys = [k for k in (comps[0].by_impact if comps else {}) if any(c.by_impact.get(k) for c in comps)]
    comp_chart = charts.bar_chart(
        f"{chart_prefix}-components", "Incidents per component by impact",
        "Stacked bars: incidents that affected each component, by the impact recorded for it. "
        "The same counts are in the table below the chart.",
        [c.name for c in comps],
        [(status_label(k), [c.by_impact.get(k, 0) for c in comps]) for k in impact_keys]
        or [("Incidents", [0] * len(comps))],
    ) if comps else ""

    bands = m.resolve_time_bands
    band_chart = charts.bar_chart(
        f"{chart_prefix}-bands", "Resolved incidents by time to resolve",
        "Bars: how many resolved incidents fall in each resolve-time band. The same counts and shares are in "
        "the table below the chart.",
        [BAND_LABELS.get(b.name, b.name) for b in bands.bands], [("Incidents", [b.count for b in bands.bands])],
    )
    quarters = m.resolve_time_by_quarter
    quarter_chart = charts.line_chart(
        f"{chart_prefix}-quarters", "Time to resolve per quarter: median and p90",
        "Lines on a logarithmic time axis: median (solid) and p90 (dashed) time to resolve of the incidents "
        "that started in each quarter; quarters without resolved incidents leave a gap. The same values are in "
        "the table below the chart.",
        [q.quarter for q in quarters],
        [("Median", [q.median.total_seconds() if q.median is not None else None for q in quarters]),
         ("p90", [q.p90.total_seconds() if q.p90 is not None else None for q in quarters])],
    ) if quarters else ""

    completion = m.postmortem_completion
    quality = [{"key": key, "title": _metric_title(key), "considered": c.considered, "measured": c.measured,
                "zero": c.zero_duration, "left_out": dict(c.left_out), "notes": dict(c.notes)}
               for key, c in m.data_quality.by_metric.items()]
    return {
        "m": m,
        "n_incidents": len(m.incident_ids),
        "sev_keys": sev_keys,
        "sev_labels": {k: _sev_label(config, k) for k in {*sev_keys, *month_keys}},
        "durations": durations,
        "strip_chart": strip,
        "strip_rows": strip_rows,
        "strip_total": len(slowest),
        "first_update": _duration_table(config, m.time_to_first_update),
        "cadence_rows": cadence_rows,
        "gaps": gaps,
        "mtbf": m.mtbf,
        "months": months,
        "month_keys": month_keys,
        "month_chart": month_chart,
        "components": comps,
        "impact_keys": impact_keys,
        "impact_labels": {k: status_label(k) for k in impact_keys},
        "comp_chart": comp_chart,
        "completion": completion,
        "missing": [{**inc_link(x.incident_id), "severity": x.severity, "resolved_at": x.resolved_at,
                     "days": x.days_since_resolution, "status": x.postmortem_status}
                    for x in sorted(completion.missing, key=lambda x: x.days_since_resolution)[:LIST_LIMIT]],
        "missing_total": len(completion.missing),
        "late": [inc_link(i) for i in completion.published_late[-LIST_LIMIT:]],
        "late_total": len(completion.published_late),
        "actions": m.action_items,
        "quality": quality,
        "open_incidents": [inc_link(i) for i in m.data_quality.open_incidents[-LIST_LIMIT:]],
        "open_total": len(m.data_quality.open_incidents),
        "bands": [{"label": BAND_LABELS.get(b.name, b.name), "count": b.count, "share": pct(b.share)}
                  for b in bands.bands],
        "bands_n": bands.n,
        "band_chart": band_chart,
        "quarters": [{"quarter": q.quarter, "n": q.n, "median": _fmt(q.median), "p90": _fmt(q.p90)}
                     for q in quarters],
        "quarter_chart": quarter_chart,
        "definitions": DEFINITIONS,
    }


def _metric_title(key: str) -> str:
    return dict(DURATION_SECTIONS).get(key) or key.replace("_", " ").capitalize()


def _report_specs(portal: Portal, now: datetime) -> list[dict[str, Any]]:
    specs: list[dict[str, Any]] = [
        {"path": "reports/index.md", "label": "All time", "kind": "all", "window_start": None, "component": None},
        {"path": "reports/last-90-days/index.md", "label": "Last 90 days", "kind": "window",
         "window_start": now - timedelta(days=90), "component": None},
        {"path": "reports/last-12-months/index.md", "label": "Last 12 months", "kind": "window",
         "window_start": now - timedelta(days=365), "component": None},
    ]
    for comp in portal.config.components:
        specs.append({"path": f"reports/component/{comp.id}/index.md", "label": comp.name, "kind": "component",
                      "window_start": None, "component": comp.id})
    return specs


def report_pages(ctx: _Context) -> list[Page]:
    """The reliability report for all time, two rolling windows and each component."""
    specs = _report_specs(ctx.portal, ctx.now)
    filters = [{"url": url_of(s["path"]), "label": s["label"], "kind": s["kind"]} for s in specs]
    pages = []
    for spec in specs:
        path = spec["path"]
        root = _root(path)
        m = compute_metrics(ctx.portal, ctx.now, window_start=spec["window_start"], component=spec["component"])
        prefix = "sr-chart-" + (url_of(path).strip("/").replace("/", "-") or "all")
        view = _report_view(ctx.portal, ctx.now, m, root, prefix)
        title = "Reliability report" if spec["kind"] == "all" else f"Reliability report — {spec['label']}"
        text = front_matter(title=title, hide=["toc"])
        text += _render("rep_report.md.j2", r=view, spec=spec, filters=filters, current=url_of(path),
                        root=root, now=ctx.now, title=title)
        pages.append(Page(path, text, in_nav=(spec["kind"] == "all")))
    return pages


# --------------------------------------------------------------------------- entry points


def build_team_pages(portal: Portal, now: datetime) -> list[Page]:
    """Postmortem library, action items, runbooks and reports for an audience-filtered portal."""
    ctx = _context(portal, now.astimezone(UTC))
    pages = postmortem_index_pages(ctx)
    pages.append(action_items_page(ctx))
    pages += postmortem_pages(ctx)
    pages.append(runbook_index_page(ctx))
    pages += runbook_pages(ctx)
    pages += report_pages(ctx)
    return pages


def build_team_files(portal: Portal, now: datetime) -> dict[str, bytes]:
    """``reports/metrics.json``: every reliability metric of the edition, for all time."""
    data = compute_metrics(portal, now).to_json()
    return {"reports/metrics.json": dump_json(data, indent=2, sort_keys=True)}

