"""The status site's pages: status page, incident pages, history and its filters, day pages, severities.

Python builds view data; the Jinja templates in ``templates/status/`` hold all
markup and escape every value from a record.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from typing import Any

from markupsafe import Markup, escape

from sitrep.derive.state import PortalState
from sitrep.derive.uptime import NO_DATA, SHORTER_WINDOWS, Day
from sitrep.model.config import Component, SitrepConfig, by_group
from sitrep.model.formatting import day_label, month_label
from sitrep.model.records import Incident
from sitrep.model.vocabulary import (
    CLOSING_STATUSES,
    INDICATOR_RANK,
    STATUS_RANK,
    component_list_label,
    status_page_title,
    update_label,
)
from sitrep.render import urls
from sitrep.render.body_links import BodyLinks
from sitrep.render.page import NOT_INDEXED, Page, embed_body, front_matter
from sitrep.render.templating import page_part, render, template_macro

#: A history list of at most this many pages is filtered across all its pages (the script
#: fetches the others when a visitor types); a longer one is filtered page by page.
FILTER_ACROSS_PAGES = 20


def incident_view(inc: Incident, state: PortalState, root: str) -> dict[str, Any]:
    """Everything a template shows about one incident; ``root`` is the relative site root."""
    portal = state.portal
    config = portal.config
    derived = state.of(inc)
    postmortems = portal.postmortems_for(inc.id)
    runbooks = [r for r in (portal.runbook(rid) for rid in inc.runbooks) if r is not None]
    names = {cid: config.component_name(cid) for cid in derived.affected}
    return {
        "id": inc.id,
        "url": urls.link(urls.incident_page(inc.id), root),
        "title": inc.title,
        "kind": inc.kind,
        "severity": derived.severity,
        "impact": derived.impact,
        "status": inc.status,
        "state": derived.maintenance_state or inc.status,
        "resolved": inc.is_resolved,
        "start": inc.start,
        "resolved_at": inc.resolved_at,
        "scheduled_start": inc.scheduled_start,
        "scheduled_end": inc.scheduled_end,
        "duration": derived.duration,
        "components": [{"id": cid, "name": names[cid], "impact": imp} for cid, imp in derived.affected.items()],
        "impact_groups": _impact_groups(derived.affected, names),
        "updates": [{"id": uid, "at": u.at, "status": u.status, "message": u.message, "changes": changed}
                    for u, changed, uid in reversed(list(zip(inc.updates, derived.changes, derived.update_ids,
                                                              strict=True)))],
        "next_update_due": derived.next_update_due,
        "update_overdue": derived.update_overdue,
        "postmortems": [{"title": p.title, "url": urls.link(urls.postmortem_page(p.id), root), "status": p.status}
                        for p in postmortems],
        "runbooks": [{"title": r.title, "url": urls.link(urls.runbook_page(r.id), root)} for r in runbooks],
        "roles": inc.roles if config.audience == "internal" else {},
        "users_affected": inc.users_affected if config.audience == "internal" else None,
        "visibility": inc.visibility,
    }


def _impact_groups(components: Mapping[str, str], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """Components grouped by impact, worst impact first, components in the given order (``names``: their names)."""
    groups: dict[str, list[str]] = {}
    for cid, imp in components.items():
        groups.setdefault(imp, []).append(names[cid])
    return [{"impact": imp, "names": names}
            for imp, names in sorted(groups.items(), key=lambda kv: -STATUS_RANK.get(kv[0], 0))]


def _groups(state: PortalState, bars: dict[str, Any]) -> list[dict[str, Any]]:
    """The status page's components by group (None: those in no group), in configured order."""
    return [{"name": name, "components": [component_view(state, comp, bars) for comp in comps],
             "status": state.group_statuses[name] if name else None}
            for name, comps in by_group(state.components)]


def component_view(state: PortalState, comp: Component, bars: dict[str, Any]) -> dict[str, Any]:
    """One component as the status page and its history page show it: name, status, uptime bar."""
    return {"id": comp.id, "name": comp.name, "description": comp.description,
            "status": state.statuses[comp.id], **bars[comp.id]}


#: The status page shows this many of an open incident's latest updates; older ones are folded under
#: "N earlier updates", so a long incident does not push the others and the components off a phone's screen.
UPDATES_SHOWN = 3


#: Most uptime-bar days (over all components) rendered as links with a tooltip, so the status
#: page stays small however busy the archive is; older marked days are coloured cells only.
MAX_LINKED_DAYS = 150


#: Below this many linked days, tooltips also list incident titles.
MAX_DAYS_WITH_TITLES = 100


#: The screen widths of sitrep.css narrower than the widest, and the most days an uptime bar shows at
#: each: a bar's first day shown at such a width carries the width's name as a class (sitrep.css hides
#: the days before it); each window's figure is found by its place in the list (see :func:`bar_windows`).
NARROWER_WIDTHS: tuple[tuple[str, int], ...] = tuple(zip(("mid", "narrow"), SHORTER_WINDOWS, strict=True))

#: A day's class in an uptime bar (sitrep.js and sitrep.css read them): none for an operational day.
CELL_CLASS = {"operational": "", "degraded_performance": "d", "partial_outage": "p", "major_outage": "m",
              NO_DATA: "n"}


def windows_view(state: PortalState) -> list[dict[str, Any]]:
    """The bars' windows for the legend (the same for every component: those the state computed figures
    for), widest screen first: sitrep.css shows the first window on a wide screen, the second of three on
    a mid-sized one, the last on a narrow one."""
    bar = next(iter(state.uptime.values()), None)
    return [{"days": n} for n in (bar.window_percent if bar else (state.portal.config.uptime_days,))]


def bar_axis(days: int) -> list[tuple[str, int]]:
    """Each screen width (sitrep.css) and the days a bar of ``days`` days shows at it, widest first."""
    return [("wide", days), *((name, min(days, n)) for name, n in NARROWER_WIDTHS)]


def _bar_items(cells: list[Day], linked: set[date], titles: Mapping[str, str]) -> list[dict[str, Any]]:
    """An uptime bar's markup items, oldest first: each linked day on its own, other days of the same class
    in runs (``days``: how many; sitrep.js splits a run into its days, sitrep.css draws it as that many),
    a run never crossing the first day a narrower screen shows (``zone``: that screen's name)."""
    zones = {len(cells) - n: name for name, n in NARROWER_WIDTHS if n < len(cells)}
    items: list[dict[str, Any]] = []
    for k, c in enumerate(cells):
        cls = CELL_CLASS.get(c.impact, "")
        if c.day in linked:
            items.append({"cls": cls, "zone": zones.get(k), "days": 1, "day": c.day.isoformat(),
                          "label": day_label(c.day), "count": len(c.incident_ids), "uptime": c.uptime,
                          "titles": [titles[i] for i in c.incident_ids if i in titles][:3]})
        elif items and k not in zones and items[-1]["day"] is None and items[-1]["cls"] == cls:
            items[-1]["days"] += 1
        else:
            items.append({"cls": cls, "zone": zones.get(k), "days": 1, "day": None})
    return items


def _bars(state: PortalState) -> dict[str, dict[str, Any]]:
    """Uptime bar data per component, with a size budget shared by all components."""
    portal = state.portal
    computed = {cid: (bar.days, bar.window_percent) for cid, bar in state.uptime.items()}
    marked = sum(1 for cells, _ in computed.values() for cell in cells if cell.incident_ids)
    per_component = max(5, MAX_LINKED_DAYS // max(len(state.components), 1))
    titles_ok = marked <= MAX_DAYS_WITH_TITLES
    titles = {i.id: i.title for i in portal.incidents} if titles_ok else {}
    bars = {}
    for cid, (cells, windows) in computed.items():
        linked = set([c.day for c in reversed(cells) if c.incident_ids][:per_component])
        items = _bar_items(cells, linked, titles)
        bars[cid] = {
            # the whole bar's window, then each shorter one a narrower screen shows (bar_windows)
            "windows": [{"days": n, "uptime": percent} for n, percent in windows.items()],
            "start": cells[0].day.isoformat() if cells else None,
            "items": items,
            "linked": [i for i in items if i["day"]],
        }
    return bars


def title_index(components: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """The incident titles the linked days of the components' bars name, each once, in order of first use
    -> its place: a page lists them once and each linked day refers to its titles by place."""
    index: dict[str, int] = {}
    for comp in components:
        for day in comp["linked"]:
            for title in day["titles"]:
                index.setdefault(title, len(index))
    return index


def day_pages(state: PortalState, days: int) -> Iterable[Page]:
    """``history/day/<date>/``: the incidents acting on each day of the uptime window."""
    portal, now = state.portal, state.now
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
    for day, incidents in sorted(by_day.items()):
        yield Page(urls.day_page(day), functools.partial(_day_page_text, state, day, incidents))


def _day_page_text(state: PortalState, day: str, incidents: list[Incident]) -> str:
    root = urls.root_of(urls.day_page(day))
    views = [incident_view(i, state, root) for i in sorted(incidents, key=lambda i: (i.start, i.id))]
    label = day_label(date.fromisoformat(day))
    text = front_matter(title=f"Incidents on {label}", hide=["toc"], search=NOT_INDEXED)
    return text + render("status/day.md.j2", day=label, incidents=views, root=root)


def status_page(state: PortalState) -> Page:
    """The site root: banner, components with uptime bars, active incidents, maintenance, recent."""
    portal, now = state.portal, state.now
    config = portal.config
    overall = state.overall
    bars = _bars(state)
    active = [i for i in portal.incidents if state.of(i).active]
    maintenance = [m for m in portal.incidents if m.is_maintenance and state.of(m).maintenance_state != "completed"]
    by_start = sorted(maintenance, key=lambda m: m.scheduled_start or m.start)
    recent_start = now - timedelta(days=config.recent_days)
    recent = [i for i in portal.incidents
              if not state.of(i).active and not (i.is_maintenance and i in maintenance)
              and (i.resolved_at or i.start) >= recent_start and i.start <= now]
    recent.sort(key=lambda i: (i.start, i.id), reverse=True)
    shown = recent[:10]
    root = ""
    groups = _groups(state, bars)
    text = front_matter(title="Status", html_title=status_page_title(overall.worst, config.site_name),
                        template="sitrep-status.html", hide=["navigation", "toc"], search={"exclude": True})
    text += render(
        "status/status.md.j2",
        site_name=config.site_name,
        overall=overall,
        groups=groups,
        titles=title_index(c for g in groups for c in g["components"]),
        bar_start=next((b["start"] for b in bars.values()), None),
        axis=bar_axis(config.uptime_days),
        windows=windows_view(state),
        active=[incident_view(i, state, root) for i in most_severe_first(active, state)],
        # Under way (in progress, verifying) beside the incidents, as Statuspage shows it; ahead, below them.
        underway=[incident_view(m, state, root) for m in by_start if state.of(m).maintenance_state != "scheduled"],
        maintenance=[incident_view(m, state, root) for m in by_start if state.of(m).maintenance_state == "scheduled"],
        recent=[incident_view(i, state, root) for i in shown],
        more_recent=len(recent) - len(shown),
        recent_days=config.recent_days,
        updates_shown=UPDATES_SHOWN,
        subscriptions=subscriptions(state.components, root),
        embed_url=urls.urls_for(config.site_url).file(urls.EMBED_SCRIPT),
        since=portal.since,
        show_process=config.publishes("process"),
        now=now,
        root=root,
    )
    return Page(urls.STATUS_PAGE, text, in_nav=True)


def most_severe_first(incidents: Iterable[Incident], state: PortalState) -> list[Incident]:
    """Open incidents in the order the status page (and the embed script) lists them: the most severe first
    (by their impact, :data:`INDICATOR_RANK`), so the incident behind a "Major System Outage" banner heads
    the list however old it is, then the newest."""
    newest_first = sorted(incidents, key=lambda i: (i.start, i.id), reverse=True)
    return sorted(newest_first, key=lambda i: -INDICATOR_RANK.get(state.of(i).impact, 0))


def subscriptions(components: Iterable[Component], root: str) -> list[dict[str, str]]:
    """The listed ``components``' history pages, for the status page's Subscribe control: each page offers its
    component's own feeds and calendar (a list of three links for each of 40 components outweighed the rows)."""
    return [{"id": comp.id, "name": comp.name,
             "history": urls.link(urls.listing_page(urls.folder(urls.HISTORY, "component", comp.id)), root)}
            for comp in components]


def incident_pages(state: PortalState, links: BodyLinks) -> Iterable[Page]:
    """One page per incident or maintenance at /incidents/<id>/, rendered when it is written."""
    for inc in state.portal.incidents:
        yield Page(urls.incident_page(inc.id), functools.partial(_incident_page_text, state, links, inc),
                   search_entry=search_entry(inc, state))


def _incident_page_text(state: PortalState, links: BodyLinks, inc: Incident) -> str:
    path = urls.incident_page(inc.id)
    root = urls.root_of(path)
    view = incident_view(inc, state, root)
    body = links.fix(inc.body.strip(), path, inc.path)
    head, tail = _incident_parts()
    text = front_matter(title=inc.title, hide=["navigation", "toc"])
    text += head(view, root, state.now)
    text += embed_body(body)
    return text + tail(view)


@functools.cache
def _incident_parts() -> tuple[Callable[..., str], Callable[..., str]]:
    """The macros of an incident page before and after its body (looked up once, called per page)."""
    return page_part("status/incident.md.j2", "head"), page_part("status/incident.md.j2", "tail")


def search_entry(inc: Incident, state: PortalState) -> tuple[str, str]:
    """What search finds an incident page by: its title, severity, components, start date and status.

    Not its updates: at 10,000 incidents their near-identical texts made a 20 MB index that
    every visitor opening search downloads. Plain ASCII separators (the index escapes others as
    six bytes), and the status only while it is not the usual closing one.
    """
    derived = state.of(inc)
    severity = derived.severity
    status = derived.maintenance_state or inc.status
    start = inc.start.astimezone(UTC)
    words = [
        f"{severity.id} {severity.name}" if severity else inc.severity,
        ", ".join(state.portal.config.component_name(cid) for cid in derived.affected),
        f"{day_label(start.date())} ({start.date().isoformat()})",
        "Maintenance" if inc.is_maintenance else "",
        "" if status in CLOSING_STATUSES else update_label(status),
    ]
    return inc.title, "; ".join(w for w in words if w)


def _history_lists(state: PortalState) -> list[tuple[str, str, str, list[Incident]]]:
    """(folder, label, kind, incidents newest first) for the whole archive and each filter."""
    portal = state.portal
    config = portal.config
    newest = sorted(portal.incidents, key=lambda i: (i.start, i.id), reverse=True)
    lists = [(urls.HISTORY, "All incidents", "all", newest)]
    for comp in config.components:  # retired ones too: their past incidents stay findable, their links work
        label = component_list_label(comp.name, comp.id in state.retired)
        lists.append((urls.folder(urls.HISTORY, "component", comp.id), label, "component",
                      [i for i in newest if comp.id in state.of(i).worst_components]))
    for sev in config.severities:
        lists.append((urls.folder(urls.HISTORY, "severity", sev.id.lower()), f"{sev.id} {sev.name}", "severity",
                      [i for i in newest if state.of(i).latest_severity == sev.id]))
    lists.append((urls.folder(urls.HISTORY, "maintenance"), "Maintenance", "maintenance",
                  [i for i in newest if i.is_maintenance]))
    return lists


#: Stands in for an incident's page URL while its history row is rendered (see :func:`history_rows`).
_URL_SLOT = "\x00sitrep:url\x00"


def history_rows(state: PortalState) -> Callable[[Incident, str], Markup]:
    """``row(incident, root)``: the incident's row in a history list on a page whose site root is ``root``.

    An incident is listed on several history pages (all incidents, each of its components,
    its severity), which differ only in the link's root: each row is rendered once, with a
    slot for its link, when first asked for.
    """
    macro = template_macro("status/history_parts.html.j2", "row")
    parts: dict[str, list[str]] = {}

    def row(inc: Incident, root: str) -> Markup:
        split = parts.get(inc.id)
        if split is None:
            view = incident_view(inc, state, root)
            view["url"] = _URL_SLOT
            split = parts[inc.id] = str(macro(view)).split(_URL_SLOT)
        if len(split) != 2:  # the slot's text in a title: render this row as it is
            return macro(incident_view(inc, state, root))
        return Markup(split[0] + str(escape(urls.link(urls.incident_page(inc.id), root))) + split[1])

    return row


def history_pages(state: PortalState, page_size: int) -> Iterable[Page]:
    """Paginated archive, newest first, grouped by month; one list per filter so it works without JS."""
    lists = _history_lists(state)
    row = history_rows(state)
    filters = [{"folder": folder, "label": label, "kind": kind} for folder, label, kind, _ in lists]
    nav = _history_navs(filters)  # a list's filters are the same on each of its pages
    summaries = _component_summaries(state)
    feeds = _component_feeds(state)
    for folder, label, kind, incidents in lists:
        pages = max(1, -(-len(incidents) // page_size))
        for n in range(pages):
            listing = HistoryListing(folder, label, kind, incidents, n + 1, pages, page_size)
            yield Page(urls.listing_page(folder, n + 1),
                       functools.partial(_history_page_text, listing, row, nav, summaries.get(folder),
                                         feeds.get(folder, ())),
                       in_nav=(kind == "all" and n == 0))


#: The feed formats' media types, for ``<link rel="alternate">``.
FEED_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}


def _component_feeds(state: PortalState) -> dict[str, tuple[tuple[str, str, str], ...]]:
    """Component history folder -> its component's feeds (media type, title, site-relative path), which
    its pages announce in their ``<head>`` as the site's pages announce the site's (theme ``main.html``)."""
    config = state.portal.config
    return {urls.folder(urls.HISTORY, "component", comp.id): tuple(
                (FEED_TYPES[fmt], f"{config.site_name} — {comp.name} incident history ({label})",
                 urls.component_file(comp.id, name))
                for fmt, label, name in (("atom", "Atom", urls.HISTORY_FEEDS["atom"]),
                                         ("rss", "RSS", urls.HISTORY_FEEDS["rss"])))
            for comp in config.components}


def _component_summaries(state: PortalState) -> dict[str, Callable[[str], Markup]]:
    """Component history folder -> ``summary(root)``: its current status, uptime bar and feeds (the
    status page's component macro), for the top of each page of that component's history; for a retired
    component, the day it was retired and its feeds (it has no status or bar any more)."""
    macro = template_macro("status/history_parts.html.j2", "component_summary")
    retired_macro = template_macro("status/history_parts.html.j2", "retired_summary")
    config = state.portal.config
    bars = _bars(state)
    axis = bar_axis(config.uptime_days)
    summaries = {}
    for comp in config.components:
        if comp.id in state.retired:
            view = {"id": comp.id, "name": comp.name, "description": comp.description,
                    "retired": day_label(state.retired[comp.id])}
            summaries[urls.folder(urls.HISTORY, "component", comp.id)] = functools.partial(
                lambda view, root: retired_macro(view, root), view)
            continue
        view = component_view(state, comp, bars)
        summaries[urls.folder(urls.HISTORY, "component", comp.id)] = functools.partial(
            lambda view, root: macro(view, title_index([view]), axis, root, state.now), view)
    return summaries


@dataclass(frozen=True)
class HistoryListing:
    """One page of one history list: which list, which page of how many."""

    folder: str
    label: str
    kind: str
    incidents: list[Incident]
    page: int
    pages: int
    page_size: int


def _history_page_text(listing: HistoryListing, row: Callable[[Incident, str], Markup],
                       nav: Callable[[str, str, str], Markup], summary: Callable[[str], Markup] | None,
                       feeds: tuple[tuple[str, str, str], ...]) -> str:
    folder, n, size = listing.folder, listing.page - 1, listing.page_size
    chunk = listing.incidents[n * size:(n + 1) * size]
    path = urls.listing_page(folder, n + 1)
    root = urls.root_of(path)
    months: dict[str, list[Markup]] = {}
    for inc in chunk:
        months.setdefault(month_label(inc.start.astimezone(UTC).date()), []).append(row(inc, root))

    def page_url(k: int) -> str:
        return urls.link(urls.listing_page(folder, k), root)

    title = "History" if listing.kind == "all" else f"History — {listing.label}"
    if listing.pages > 1:
        title += f", page {n + 1} of {listing.pages}"
    head = {"feeds": [{"type": kind, "title": name, "href": urls.href(path, root)} for kind, name, path in feeds]}
    text = front_matter(title=title, hide=["toc"], search=NOT_INDEXED, **(head if feeds else {}))
    return text + render(
        "status/history.md.j2", label=listing.label, kind=listing.kind, nav=nav(folder, listing.kind, root),
        summary=summary(root) if summary else None,
        months=months, page=n + 1, pages=listing.pages, total=len(listing.incidents),
        other_pages=[page_url(k) for k in range(1, listing.pages + 1) if k != n + 1]
        if listing.pages <= FILTER_ACROSS_PAGES else [],
        prev_url=page_url(n) if n > 0 else None,
        next_url=page_url(n + 2) if n + 1 < listing.pages else None,
    )


def _history_navs(filters: list[dict[str, str]]) -> Callable[[str, str, str], Markup]:
    """``nav(folder, kind, root)``: a history list's filters, rendered once per list and depth."""
    macro = template_macro("status/history_parts.html.j2", "nav")
    navs: dict[tuple[str, str], Markup] = {}

    def nav(folder: str, kind: str, root: str) -> Markup:
        if (folder, root) not in navs:
            navs[folder, root] = macro(filters, folder, kind, root)
        return navs[folder, root]

    return nav


def process_page(config: SitrepConfig) -> Page:
    """The severity scheme as configured: the definitions the validator enforces."""
    text = front_matter(title="Severity levels", hide=["toc"])
    text += render("status/process.md.j2", severities=config.severities)
    return Page(urls.PROCESS_PAGE, text, in_nav=True)


def build_pages(state: PortalState, links: BodyLinks | None = None) -> list[Page]:
    """All status-site pages for an (already audience-filtered) portal at the state's ``now``."""
    config = state.portal.config
    pages = [status_page(state)]
    if config.publishes("process"):
        pages.append(process_page(config))
    pages += incident_pages(state, links or BodyLinks.of(state.portal))
    pages += history_pages(state, config.history_page_size)
    pages += day_pages(state, config.uptime_days)
    return pages
