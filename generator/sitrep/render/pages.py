"""Render the site's pages as Markdown documents (front matter + HTML + record bodies).

Each page is a :class:`Page`: a docs-relative ``.md`` path and its text. MkDocs
(through the plugin) or any other engine (through ``sitrep generate``) turns
them into HTML with the theme. Python builds view data; the Jinja templates in
``templates/`` hold all markup and escape every value from a record.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from sitrep.derive.status import (
    component_statuses,
    duration,
    incident_impact,
    is_active,
    is_update_overdue,
    maintenance_state,
    next_update_due,
    overall_status,
)
from sitrep.derive.uptime import uptime_days
from sitrep.model.config import SitrepConfig, format_duration
from sitrep.model.portal import Portal
from sitrep.model.records import Incident
from sitrep.model.vocabulary import status_label, update_label, worst

BODY_START = "<!-- sitrep:body -->"
BODY_END = "<!-- /sitrep:body -->"
HISTORY_PAGE_SIZE_DEFAULT = 25


@dataclass(frozen=True)
class Page:
    """A generated page: docs-relative Markdown path and its content."""

    path: str
    text: str
    in_nav: bool = False


# Greedy on purpose: a page has one body region, everything before its start marker and
# after its end marker is escaped template output, so the first start and the last end
# are ours even when a record body contains marker look-alikes.
_BODY_REGION = re.compile("(" + re.escape(BODY_START) + r".*" + re.escape(BODY_END) + ")", re.S)
_FRAGMENT = re.compile(r"<!-- sitrep:fragment:(\d+) -->")
_MARKER_LIKE = re.compile(r"<!--(\s*/?\s*)sitrep:", re.I)


def embed_body(body: str) -> str:
    """A record body between the body markers, ready to append to a page's Markdown.

    Marker look-alikes in the body (``<!-- /sitrep:body -->``, ``<!-- sitrep:fragment:N -->``)
    are defused: they would end the sanitised region early or pull in template HTML.
    """
    body = _MARKER_LIKE.sub(lambda m: f"<!--{m.group(1)}sitrep-", body)
    return f"\n{BODY_START}\n\n{body}\n\n{BODY_END}\n\n"


def split_fragments(text: str) -> tuple[str, list[str]]:
    """Move the generated HTML of a page out of the Markdown, leaving numbered placeholders.

    Only record bodies (between the body markers) need Markdown; the rest is HTML
    from our templates. Letting Python-Markdown re-parse that HTML was most of
    the build time, so an engine with a post-render hook (the MkDocs plugin)
    renders the placeholders' Markdown and puts the HTML back with
    :func:`join_fragments`.
    """
    head, sep, rest = text.partition("\n---\n") if text.startswith("---\n") else ("", "", text)
    fragments: list[str] = []
    out = []
    for i, part in enumerate(_BODY_REGION.split(rest)):
        if i % 2 or not part.strip():
            out.append(part)
        else:
            out.append(f"\n\n<!-- sitrep:fragment:{len(fragments)} -->\n\n")
            fragments.append(part)
    return head + sep + "".join(out), fragments


def join_fragments(html: str, fragments: list[str]) -> str:
    """Put the HTML moved out by :func:`split_fragments` back in place."""
    def fragment(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return fragments[n] if n < len(fragments) else ""  # a look-alike from a record body

    return _FRAGMENT.sub(fragment, html)


def url_of(path: str) -> str:
    """Directory URL (relative to the site root) of a docs-relative .md path."""
    stem = path.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def incident_path(incident_id: str) -> str:
    return f"incidents/{incident_id}.md"


@cache
def template_env() -> jinja2.Environment:
    """The one Jinja environment of all page templates (autoescaping, shared filters)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["iso"] = iso
    env.filters["utc"] = utc_text
    env.filters["duration"] = format_duration
    env.filters["status_label"] = status_label
    env.filters["update_label"] = update_label
    env.filters["anchor"] = update_anchor
    return env


def iso(t: datetime) -> str:
    """Machine timestamp for <time datetime>: UTC with Z."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_text(t: datetime, with_date: bool = True) -> str:
    """Human UTC time, e.g. 'Feb 10, 2026 14:40 UTC'."""
    t = t.astimezone(UTC)
    return t.strftime("%b %-d, %Y %H:%M UTC") if with_date else t.strftime("%H:%M UTC")


_STATUS_SAFE = re.compile(r"[^a-z0-9_-]+")


def update_anchor(at: datetime, status: str) -> str:
    """Stable fragment id of one update on its incident page (the feeds link to it too).

    The status is part of it so two updates posted in the same second stay distinct.
    """
    slug = _STATUS_SAFE.sub("-", status.lower()) or "update"
    return f"update-{at.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}-{slug}"


#: Characters YAML may not carry raw (controls, lone surrogates) or reads as line breaks
#: (U+0085, U+2028, U+2029): written as escapes.
_YAML_UNSAFE = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _yaml_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return "\\ufffd" if 0xD800 <= code <= 0xDFFF else f"\\u{code:04x}"


def front_matter(**fields: Any) -> str:
    """YAML front matter; values are JSON-encoded, which is valid YAML and always quoted.

    Not ASCII-only JSON: PyYAML (MkDocs) reads a JSON surrogate pair (an emoji) as two
    lone surrogates and then drops the whole front matter. ``title`` is HTML-escaped:
    Material inserts ``page.meta.title`` into ``<title>`` and the header unescaped.
    """
    if isinstance(fields.get("title"), str):
        fields["title"] = html.escape(fields["title"], quote=True)
    lines = ["---"] + [f"{key}: {_YAML_UNSAFE.sub(_yaml_char, json.dumps(value, ensure_ascii=False))}"
                       for key, value in fields.items()] + ["---", ""]
    return "\n".join(lines)


def render(template: str, **context: Any) -> str:
    return template_env().get_template(template).render(**context)


# --- view data ---------------------------------------------------------------

def incident_view(inc: Incident, portal: Portal, now: datetime, root: str) -> dict[str, Any]:
    """Everything a template shows about one incident; ``root`` is the relative site root."""
    config = portal.config
    severity = config.severity(inc.severity)
    due = next_update_due(inc, config)
    postmortems = [p for p in portal.postmortems_for(inc.id)]
    runbooks = [r for r in (portal.runbook(rid) for rid in inc.runbooks) if r is not None]
    return {
        "id": inc.id,
        "url": f"{root}incidents/{inc.id}/",
        "title": inc.title,
        "kind": inc.kind,
        "severity": severity,
        "impact": incident_impact(inc, config),
        "status": inc.status,
        "state": maintenance_state(inc, now) if inc.is_maintenance else inc.status,
        "resolved": inc.is_resolved,
        "start": inc.start,
        "resolved_at": inc.resolved_at,
        "scheduled_start": inc.scheduled_start,
        "scheduled_end": inc.scheduled_end,
        "duration": duration(inc, now),
        "components": [
            {"id": cid, "name": (config.component(cid).name if config.component(cid) else cid), "impact": imp}
            for cid, imp in inc.components.items()
        ],
        "updates": list(reversed(inc.updates)),
        "next_update_due": due,
        "update_overdue": is_update_overdue(inc, config, now),
        "postmortems": [{"title": p.title, "url": f"{root}postmortems/{p.id}/", "status": p.status}
                        for p in postmortems],
        "runbooks": [{"title": r.title, "url": f"{root}runbooks/{r.id}/"} for r in runbooks],
        "roles": inc.roles if config.audience == "internal" else {},
        "users_affected": inc.users_affected if config.audience == "internal" else None,
        "visibility": inc.visibility,
    }


def _groups(config: SitrepConfig, statuses: dict[str, str], bars: dict[str, Any]) -> list[dict[str, Any]]:
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for comp in config.components:
        groups.setdefault(comp.group, []).append(
            {"id": comp.id, "name": comp.name, "description": comp.description,
             "status": statuses[comp.id], **bars[comp.id]}
        )
    return [{"name": name, "components": comps, "status": worst(c["status"] for c in comps)}
            for name, comps in groups.items()]


#: Most uptime-bar days (over all components) rendered as links with a tooltip, so the status
#: page stays small however busy the archive is; older marked days are coloured cells only.
MAX_LINKED_DAYS = 150
#: Below this many linked days, tooltips also list incident titles.
MAX_DAYS_WITH_TITLES = 100


def _bars(portal: Portal, now: datetime, days: int) -> dict[str, dict[str, Any]]:
    """Uptime bar data per component, with a size budget shared by all components."""
    config = portal.config
    computed = {c.id: uptime_days(portal, c.id, now, days) for c in config.components}
    marked = sum(1 for cells, _ in computed.values() for cell in cells if cell.incident_ids)
    per_component = max(5, MAX_LINKED_DAYS // max(len(config.components), 1))
    titles_ok = marked <= MAX_DAYS_WITH_TITLES
    titles = {i.id: i.title for i in portal.incidents} if titles_ok else {}
    bars = {}
    for cid, (cells, percent) in computed.items():
        recent_marked = [c.day for c in reversed(cells) if c.incident_ids][:per_component]
        linked = set(recent_marked)
        bars[cid] = {
            "uptime": percent,
            "cells": [
                {"day": c.day.isoformat(), "label": c.day.strftime("%b %-d, %Y"), "impact": c.impact,
                 "count": len(c.incident_ids), "linked": c.day in linked,
                 "titles": [titles[i] for i in c.incident_ids if i in titles][:3]}
                for c in cells
            ],
        }
    return bars


def day_pages(portal: Portal, now: datetime, days: int) -> Iterable[Page]:
    """``history/day/<date>/``: the incidents acting on each day of the uptime window."""
    today = now.astimezone(UTC).date()
    first = today - timedelta(days=days - 1)
    by_day: dict[str, list[Incident]] = {}
    for inc in portal.incidents:
        if inc.is_maintenance or inc.start > now:
            continue
        end = (inc.impact_end or now).astimezone(UTC).date()
        d = max(inc.start.astimezone(UTC).date(), first)
        while d <= min(end, today):
            by_day.setdefault(d.isoformat(), []).append(inc)
            d += timedelta(days=1)
    root = "../../../"
    for day, incidents in sorted(by_day.items()):
        views = [incident_view(i, portal, now, root) for i in sorted(incidents, key=lambda i: (i.start, i.id))]
        text = front_matter(title=f"Incidents on {day}", hide=["toc"])
        text += render("day.md.j2", day=day, incidents=views, root=root)
        yield Page(f"history/day/{day}.md", text)


# --- pages ---------------------------------------------------------------------

def status_page(portal: Portal, now: datetime) -> Page:
    """The site root: banner, components with uptime bars, active incidents, maintenance, recent."""
    config = portal.config
    statuses = component_statuses(portal, now)
    overall = overall_status(statuses)
    bars = _bars(portal, now, config.uptime_days)
    active = [i for i in portal.incidents if is_active(i, now)]
    maintenance = [m for m in portal.incidents if m.is_maintenance and maintenance_state(m, now) != "completed"]
    recent_start = now - timedelta(days=config.recent_days)
    recent = [i for i in portal.incidents
              if not is_active(i, now) and not (i.is_maintenance and i in maintenance)
              and (i.resolved_at or i.start) >= recent_start and i.start <= now]
    recent.sort(key=lambda i: (i.start, i.id), reverse=True)
    shown = recent[:10]
    root = ""
    text = front_matter(title="Status", template="sitrep-status.html", hide=["navigation", "toc"],
                        search={"exclude": True})
    text += render(
        "status.md.j2",
        site_name=config.site_name,
        overall=overall,
        groups=_groups(config, statuses, bars),
        days=config.uptime_days,
        active=[incident_view(i, portal, now, root) for i in sorted(active, key=lambda i: i.start, reverse=True)],
        maintenance=[incident_view(m, portal, now, root)
                     for m in sorted(maintenance, key=lambda m: m.scheduled_start or m.start)],
        recent=[incident_view(i, portal, now, root) for i in shown],
        more_recent=len(recent) - len(shown),
        recent_days=config.recent_days,
        now=now,
        root=root,
    )
    return Page("index.md", text, in_nav=True)


def incident_pages(portal: Portal, now: datetime) -> Iterable[Page]:
    """One page per incident or maintenance at /incidents/<id>/."""
    from sitrep.render.library import drop_links_to_absent, record_page_paths

    present, moved = record_page_paths(portal)
    root = "../../"
    for inc in portal.incidents:
        view = incident_view(inc, portal, now, root)
        body = drop_links_to_absent(inc.body.strip(), present, incident_path(inc.id), repo_path=inc.path, moved=moved)
        text = front_matter(title=inc.title, hide=["navigation", "toc"])
        text += render("incident_head.md.j2", i=view, root=root)
        text += embed_body(body)
        text += render("incident_tail.md.j2", i=view, root=root)
        yield Page(incident_path(inc.id), text)


def _history_lists(portal: Portal) -> list[tuple[str, str, str, list[Incident]]]:
    """(folder, label, kind, incidents newest first) for the whole archive and each filter."""
    config = portal.config
    newest = sorted(portal.incidents, key=lambda i: (i.start, i.id), reverse=True)
    lists = [("history", "All incidents", "all", newest)]
    for comp in config.components:
        lists.append((f"history/component/{comp.id}", comp.name, "component",
                      [i for i in newest if comp.id in i.components]))
    for sev in config.severities:
        lists.append((f"history/severity/{sev.id.lower()}", f"{sev.id} {sev.name}", "severity",
                      [i for i in newest if i.severity == sev.id]))
    lists.append(("history/maintenance", "Maintenance", "maintenance", [i for i in newest if i.is_maintenance]))
    return lists


def history_pages(portal: Portal, now: datetime, page_size: int) -> Iterable[Page]:
    """Paginated archive, newest first, grouped by month; one list per filter so it works without JS."""
    config = portal.config
    lists = _history_lists(portal)
    filters = [{"folder": folder, "label": label, "kind": kind} for folder, label, kind, _ in lists]
    for folder, label, kind, incidents in lists:
        pages = max(1, -(-len(incidents) // page_size))
        for n in range(pages):
            chunk = incidents[n * page_size:(n + 1) * page_size]
            path = f"{folder}/index.md" if n == 0 else f"{folder}/page/{n + 1}.md"
            root = "../" * path.count("/") if n == 0 else "../" * (path.count("/") + 1)
            months: dict[str, list[dict[str, Any]]] = {}
            for inc in chunk:
                months.setdefault(inc.start.astimezone(UTC).strftime("%B %Y"), []).append(
                    incident_view(inc, portal, now, root))
            def page_url(k: int, folder: str = folder, root: str = root) -> str:
                return f"{root}{folder}/" if k == 1 else f"{root}{folder}/page/{k}/"
            text = front_matter(title="History" if kind == "all" else f"History — {label}",
                                hide=["toc"])
            text += render(
                "history.md.j2", label=label, kind=kind, folder=folder, months=months,
                filters=filters, root=root, page=n + 1, pages=pages, total=len(incidents),
                prev_url=page_url(n) if n > 0 else None,
                next_url=page_url(n + 2) if n + 1 < pages else None,
                severities=config.severities, components=config.components,
            )
            yield Page(path, text, in_nav=(kind == "all" and n == 0))


def process_page(config: SitrepConfig) -> Page:
    """The severity scheme as configured: the definitions the validator enforces."""
    text = front_matter(title="Severity levels", hide=["toc"])
    text += render("process.md.j2", severities=config.severities, components=config.components)
    return Page("process/index.md", text, in_nav=True)


def build_pages(portal: Portal, now: datetime) -> list[Page]:
    """All public-site pages for an (already audience-filtered) portal."""
    pages = [status_page(portal, now), process_page(portal.config)]
    pages += incident_pages(portal, now)
    pages += history_pages(portal, now, portal.config.history_page_size)
    pages += day_pages(portal, now, portal.config.uptime_days)
    return pages
