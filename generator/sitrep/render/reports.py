"""The reliability reports: all time, two rolling windows and one per component, with charts and tables.

Every figure comes from :mod:`sitrep.derive.metrics` and is defined on the page
(:func:`~sitrep.derive.metrics.definitions`, with the portal's targets); ``reports/metrics.json`` carries
the all-time figures for tools, and ``reports/<window>/metrics.json`` each rolling window's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sitrep.derive.metrics import RETIRED_END, DurationStats, Metrics, Trend, TrendChange
from sitrep.derive.state import MetricsWindow, PortalState
from sitrep.model.config import SitrepConfig
from sitrep.model.formatting import day_label, dump_json, format_duration, pct
from sitrep.model.portal import Portal
from sitrep.model.records import Incident
from sitrep.model.vocabulary import component_list_label, status_label
from sitrep.render import charts, urls
from sitrep.render.context import RenderContext
from sitrep.render.page import NOT_INDEXED, Page, front_matter
from sitrep.render.templating import render

DURATION_SECTIONS: tuple[tuple[str, str], ...] = (
    ("time_to_detect", "Time to detect"),
    ("time_to_acknowledge", "Time to acknowledge"),
    ("time_to_mitigate", "Time to mitigate"),
    ("time_to_resolve", "Time to resolve"),
)


BAND_LABELS = {"within_1_hour": "Within 1 hour", "within_1_day": "Within 1 day",
               "within_1_week": "Within 1 week", "longer": "Longer than 1 week"}


def _sev_label(config: SitrepConfig, key: str) -> str:
    sev = config.severity(key)
    return f"{sev.id} {sev.name}" if sev else key.capitalize()


def _stats_row(label: str, s: DurationStats, sev_key: str | None = None) -> dict[str, Any]:
    return {"label": label, "sev": sev_key, "n": s.n, "mean": format_duration(s.mean),
            "median": format_duration(s.median), "p90": format_duration(s.p90), "max": format_duration(s.max),
            "target": format_duration(s.target) if s.target else "—",
            "met": s.met_target, "with_target": s.with_target, "share": pct(s.share_met_target),
            "mean_met": s.mean_met_target}


def _duration_table(config: SitrepConfig, metric: Any) -> list[dict[str, Any]]:
    rows = [_stats_row(_sev_label(config, key), s, key) for key, s in metric.by_severity.items()]
    rows.append(_stats_row("All severities", metric.overall))
    return rows


def _resolve_samples(portal: Portal, m: Metrics) -> list[tuple[str, list[tuple[str, Incident, timedelta]]]]:
    """Time to resolve of each measured incident (as the metric measured it), grouped by severity."""
    groups: dict[str, list[tuple[str, Incident, timedelta]]] = {key: [] for key in m.time_to_resolve.by_severity}
    for sample in m.resolve_times:
        inc = portal.incident(sample.incident_id)
        if inc is not None:
            groups.setdefault(sample.severity, []).append((sample.severity, inc, sample.value))
    return [(key, sorted(items, key=lambda x: (x[2], x[1].id))) for key, items in groups.items()]


#: The trend's figures as the page names them.
TREND_FIGURES = {"incidents": "Incidents", "time_to_detect": "Mean time to detect",
                 "time_to_resolve": "Mean time to resolve", "update_cadence": "Updates on time",
                 "postmortems_published": "Postmortems published"}


def _trend_value(figure: str, value: Any) -> str:
    if value is None:
        return "—"
    if figure == "incidents":
        return str(value)
    return format_duration(value) if isinstance(value, timedelta) else pct(value)


def _mean_cell(s: DurationStats) -> dict[str, Any]:
    """A mean with how many incidents it is of and whether it kept the target."""
    return {"mean": format_duration(s.mean), "n": s.n, "met": s.mean_met_target,
            "target": format_duration(s.target) if s.target else None}


#: What a period without a value of the figure lacked, in words.
TREND_NONE = {"time_to_detect": "none measured", "time_to_resolve": "none resolved",
              "update_cadence": "no gap between updates", "postmortems_published": "none required"}


def _change_row(config: SitrepConfig, c: TrendChange, trend: Trend) -> dict[str, Any]:
    label = TREND_FIGURES[c.figure] + (f", {_sev_label(config, c.severity)}" if c.severity else "")
    row = {"figure": c.figure, "severity": c.severity, "label": label,
           "before": _trend_value(c.figure, c.before), "latest": _trend_value(c.figure, c.latest),
           "direction": c.direction}
    if c.direction is None:  # one period lacks the figure: say which, and the other's value
        missing_in, other_in, other = ((trend.latest, trend.before, row["before"]) if c.latest is None
                                       else (trend.before, trend.latest, row["latest"]))
        row["missing"] = f"{TREND_NONE.get(c.figure, 'none')} in {missing_in}"
        row["other"] = "" if other == "—" else f"{other} in {other_in}"
    return row


def _trend_view(config: SitrepConfig, trend: Trend, chart_prefix: str) -> dict[str, Any]:
    """The trend table, its chart and the latest complete period against the one before."""
    unit = trend.granularity
    severities = [key for key in (trend.periods[0].time_to_resolve if trend.periods else {})
                  if any(p.time_to_resolve[key].n for p in trend.periods)
                  or (config.severity(key) and config.severity(key).resolve_within)]  # type: ignore[union-attr]
    rows = []
    for p in trend.periods:
        if not p.partial:
            covered = ""
        elif unit == "month":
            covered = f"days {p.covered_from.day}–{p.covered_to.day} only"
        else:
            covered = f"{day_label(p.covered_from)} – {day_label(p.covered_to)} only"
        cadence = p.update_cadence
        rows.append({
            "period": p.period, "partial": p.partial, "covered": covered, "incidents": p.incidents,
            "detect": _mean_cell(p.time_to_detect),
            "resolve": {key: _mean_cell(p.time_to_resolve[key]) for key in severities},
            "cadence": {"share": pct(cadence.share_within_cadence), "within": cadence.within_cadence,
                        "intervals": cadence.intervals},
            "postmortems": {"share": pct(p.share_postmortems_published), "published": p.postmortems_published,
                            "required": p.postmortems_required},
        })
    labels = [p.period + ("*" if p.partial else "") for p in trend.periods]
    # Short names (the definition above the chart spells them out), so every legend entry fits.
    series = [("MTTD", [_seconds_or_none(p.time_to_detect.mean) for p in trend.periods])]
    series += [(f"MTTR {key}", [_seconds_or_none(p.time_to_resolve[key].mean) for p in trend.periods])
               for key in severities if any(p.time_to_resolve[key].n for p in trend.periods)]
    has_values = any(v is not None for _, values in series for v in values)
    chart = charts.line_chart(
        f"{chart_prefix}-trend", f"Mean time to detect and to resolve per {unit}",
        f"Lines on a logarithmic time axis: the mean time to detect (solid) and the mean time to resolve of "
        f"each severity (dashed) of the incidents that started in each {unit}; a {unit} without a measurement "
        f"leaves a gap, and one marked * is covered only in part. The same values are in the table below.",
        labels, series,
    ) if trend.periods and has_values else ""
    return {
        "unit": unit, "rows": rows, "severities": severities,
        "sev_labels": {key: _sev_label(config, key) for key in severities},
        "chart": chart, "latest": trend.latest, "before": trend.before,
        "changes": [_change_row(config, c, trend) for c in trend.changes],
    }


def _seconds_or_none(value: timedelta | None) -> float | None:
    return value.total_seconds() if value is not None else None


#: Longest list of incidents a report page shows in one place (the rest are counted).
LIST_LIMIT = 25


def _repeats_view(portal: Portal, m: Metrics, root: str,
                  inc_link: Callable[[str], dict[str, str]]) -> dict[str, Any]:
    """Repeat outages (most recent first) and incidents that began with earlier action items open."""
    rf = m.repeat_failures
    # Every component by name, not only those with an outage in the period: an incident with earlier action
    # items open may be on a component that had none.
    names = {c.id: c.name for c in portal.config.components} | {c.component: c.name for c in rf.by_component}
    pairs = sorted((p for c in rf.by_component for p in c.pairs),
                   key=lambda p: (p.later_started, p.component), reverse=True)
    pm_titles = {pm.id: pm.title for pm in portal.postmortems}
    found = sorted(rf.open_action_items, key=lambda x: (x.started, x.incident_id), reverse=True)
    return {
        "within": f"{rf.within.days} days",
        "repeats": rf.repeats,
        "outages": sum(c.outages for c in rf.by_component),
        "components": [{"component": c.component, "name": c.name, "outages": c.outages, "repeats": c.repeats}
                       for c in rf.by_component],
        "pairs": [{"component": p.component, "name": names[p.component], "earlier": inc_link(p.earlier_incident),
                   "ended": p.earlier_ended, "later": inc_link(p.later_incident), "began": p.later_started,
                   "gap": format_duration(p.gap)} for p in pairs[:LIST_LIMIT]],
        "pairs_total": len(pairs),
        "incidents": rf.incidents_with_open_action_items,
        "open_actions": [{**inc_link(x.incident_id), "began": x.started,
                          "postmortem": {"title": pm_titles.get(x.postmortem_id, x.postmortem_id),
                                         "url": urls.link(urls.postmortem_page(x.postmortem_id), root)},
                          "earlier": [inc_link(i) for i in x.earlier_incidents],
                          "components": [names.get(c, c) for c in x.components],
                          "items": x.open_items} for x in found[:LIST_LIMIT]],
        "open_actions_total": len(found),
    }


def _report_view(portal: Portal, now: datetime, m: Metrics, root: str, chart_prefix: str) -> dict[str, Any]:
    config = portal.config
    sev_keys = list(m.time_to_resolve.by_severity)
    titles = {i.id: i.title for i in portal.incidents}

    def inc_link(inc_id: str) -> dict[str, str]:
        return {"id": inc_id, "title": titles.get(inc_id, inc_id), "url": urls.link(urls.incident_page(inc_id), root)}

    durations = [{"key": key, "title": title, "definition": m.definitions[key],
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
    strip_rows = [{"severity": _sev_label(config, key), **inc_link(inc.id), "value": format_duration(value)}
                  for value, key, inc in slowest[:LIST_LIMIT]]

    cadence = m.update_cadence
    cadence_rows = [{"label": _sev_label(config, key), "sev": key, "intervals": c.intervals, "within": c.within_cadence,
                     "share": pct(c.share_within_cadence), "allowed": format_duration(c.allowed)}
                    for key, c in cadence.by_severity.items()]
    cadence_rows.append({"label": "All severities", "sev": None, "intervals": cadence.overall.intervals,
                         "within": cadence.overall.within_cadence,
                         "share": pct(cadence.overall.share_within_cadence), "allowed": "—"})
    gaps = [{**inc_link(g.incident_id), "severity": g.severity, "from": g.from_, "to": g.to,
             "gap": format_duration(g.gap), "allowed": format_duration(g.allowed), "ongoing": g.ongoing}
            for g in cadence.worst_gaps]

    months = m.incidents_per_month
    month_keys = [k for k in (months[0].by_severity if months else {}) if any(mc.by_severity[k] for mc in months)]
    month_chart = charts.bar_chart(
        f"{chart_prefix}-months", "Incidents per month by severity",
        "Stacked bars: incidents that started in each month (UTC), one colour per severity; a month marked * is "
        "covered only in part by the period. The same counts are in the table below the chart.",
        [mc.month + ("*" if mc.partial else "") for mc in months],
        [(k, [mc.by_severity.get(k, 0) for mc in months]) for k in month_keys] or [("Incidents", [0] * len(months))],
        integer=True,
    ) if months else ""
    month_rows = [{"label": mc.month, "partial": mc.partial,
                   "covered": f"days {mc.covered_from.day}–{mc.covered_to.day} only" if mc.partial else "",
                   "by_severity": mc.by_severity, "total": mc.total} for mc in months]
    comps = m.incidents_per_component
    impact_keys = [k for k in (comps[0].by_impact if comps else {}) if any(c.by_impact.get(k) for c in comps)]
    comp_chart = charts.hbar_chart(
        f"{chart_prefix}-components", "Incidents per component by impact",
        "Stacked horizontal bars: incidents that affected each component, by the impact recorded for it, in "
        "the status page's colours. The same counts are in the table below the chart.",
        [c.name for c in comps],
        [(status_label(k), [c.by_impact.get(k, 0) for c in comps]) for k in impact_keys]
        or [("Incidents", [0] * len(comps))],
        colours=[charts.IMPACT_COLOURS.get(k, charts.PALETTE[0]) for k in impact_keys] or None,
    ) if comps else ""

    bands = m.resolve_time_bands
    band_chart = charts.bar_chart(
        f"{chart_prefix}-bands", "Resolved incidents by time to resolve",
        "Bars: how many resolved incidents fall in each resolve-time band. The same counts and shares are in "
        "the table below the chart.",
        [BAND_LABELS.get(b.name, b.name) for b in bands.bands], [("Incidents", [b.count for b in bands.bands])],
        integer=True,
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
    since = datetime.combine(portal.since, time(0), UTC) if portal.since else None
    component = config.component(m.component) if m.component is not None else None
    # A component's report cut short by its retirement says so where it says what it covers.
    retired = (component.retired if component is not None and component.retired is not None
               and m.window_end < m.generated_at else None)
    quality = [{"key": key, "title": _metric_title(key), "considered": c.considered, "measured": c.measured,
                "zero": c.zero_duration, "left_out": dict(c.left_out), "notes": dict(c.notes)}
               for key, c in m.data_quality.by_metric.items()]
    return {
        "m": m,
        "n_incidents": len(m.incident_ids),
        "first_day": day_label(portal.since) if portal.since else "—",
        "retired": {"day": day_label(retired), "rule": RETIRED_END} if retired is not None else None,
        # A rolling window reaching back before the portal's first day: its figures start there.
        "records_from": since if m.window_start is not None and since is not None and since > m.window_start
        else None,
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
        "months": month_rows,
        "month_keys": month_keys,
        "month_chart": month_chart,
        "components": comps,
        "impact_keys": impact_keys,
        "impact_labels": {k: status_label(k) for k in impact_keys},
        "comp_chart": comp_chart,
        "completion": completion,
        "missing": [{**inc_link(x.incident_id), "severity": x.severity, "resolved_at": x.resolved_at,
                     "days": x.days_since_resolution, "status": x.postmortem_status, "due_on": x.due_on,
                     "not_yet_due": x.not_yet_due}
                    for x in sorted(completion.missing, key=lambda x: x.days_since_resolution)[:LIST_LIMIT]],
        "missing_total": len(completion.missing),
        "late": [inc_link(i) for i in completion.published_late[-LIST_LIMIT:]],
        "late_total": len(completion.published_late),
        "actions": m.action_items,
        # The action-items page and the items' own words exist only where the edition shows action items
        # (a public edition: where public_pages lists them, as its postmortem pages).
        "show_action_items": config.publishes("action_items"),
        "quality": quality,
        "open_incidents": [inc_link(i) for i in m.data_quality.open_incidents[-LIST_LIMIT:]],
        "open_total": len(m.data_quality.open_incidents),
        "bands": [{"label": BAND_LABELS.get(b.name, b.name), "count": b.count, "share": pct(b.share)}
                  for b in bands.bands],
        "bands_n": bands.n,
        "band_chart": band_chart,
        "quarters": [{"quarter": q.quarter, "n": q.n, "median": format_duration(q.median),
                      "p90": format_duration(q.p90)}
                     for q in quarters],
        "quarter_chart": quarter_chart,
        "trend": _trend_view(config, m.trend, chart_prefix),
        "repeats": _repeats_view(portal, m, root, inc_link),
        "definitions": m.definitions,
    }


def _metric_title(key: str) -> str:
    return dict(DURATION_SECTIONS).get(key) or key.replace("_", " ").capitalize()


def _report_path(window: MetricsWindow) -> str:
    """Where one window's report lives: ``reports/``, ``reports/<window>/``, ``reports/component/<id>/``."""
    if window.kind == "all":
        return urls.listing_page(urls.REPORTS)
    return urls.listing_page(urls.folder(urls.REPORTS, *window.key.split("/")))


def _report_specs(state: PortalState) -> list[dict[str, Any]]:
    return [{"path": _report_path(w), "label": w.label, "kind": w.kind, "key": w.key,
             # Where the reports are chosen, a retired component is marked as in the history's filters.
             "choice": component_list_label(w.label, w.component in state.retired),
             "window_start": w.window_start, "component": w.component,
             "json": urls.report_metrics_file(w.key) if w.kind in JSON_KINDS else urls.METRICS_FILE}
            for w in state.windows]


def report_pages(ctx: RenderContext) -> list[Page]:
    """The reliability report for all time, two rolling windows and each component."""
    specs = _report_specs(ctx.state)
    filters = [{"url": urls.dir_url(s["path"]), "label": s["choice"], "kind": s["kind"]} for s in specs]
    pages = []
    for spec in specs:
        path = spec["path"]
        root = urls.root_of(path)
        m = ctx.state.metrics[spec["key"]]
        prefix = "sr-chart-" + (urls.dir_url(path).strip("/").replace("/", "-") or "all")
        view = _report_view(ctx.portal, ctx.now, m, root, prefix)
        title = "Reliability report" if spec["kind"] == "all" else f"Reliability report — {spec['label']}"
        # Only the all-time report is searchable: the others repeat its words with other figures.
        search = {} if spec["kind"] == "all" else {"search": NOT_INDEXED}
        text = front_matter(title=title, hide=["toc"], **search)
        text += render("reports/report.md.j2", r=view, spec=spec, filters=filters, current=urls.dir_url(path),
                        root=root, now=ctx.now, title=title)
        pages.append(Page(path, text, in_nav=(spec["kind"] == "all")))
    return pages


#: The reports whose figures are also written as JSON: all time and the rolling windows (a
#: component's figures are the all-time file's, filtered; its report links there).
JSON_KINDS = ("all", "window")


def metrics_file(state: PortalState) -> dict[str, bytes]:
    """``reports/metrics.json`` (all time) and each rolling window's ``metrics.json``: every figure of
    those reports, the trend included, as far as the edition publishes them (:func:`published_figures`)."""
    config = state.portal.config
    return {urls.report_metrics_file(w.key): dump_json(published_figures(state.metrics[w.key].to_json(), config),
                                                       indent=2, sort_keys=True)
            for w in state.windows if w.kind in JSON_KINDS}


def published_figures(figures: dict[str, Any], config: SitrepConfig) -> dict[str, Any]:
    """A report's JSON figures as the edition may publish them: where it shows no action items (a public
    edition whose ``public_pages`` lists ``reports`` but not ``action_items``), their counts stay and
    their own words, owners and per-owner figures go, as on the report's page."""
    if config.publishes("action_items"):
        return figures
    actions = figures.get("action_items") or {}
    for key in ("items", "by_owner"):
        actions.pop(key, None)
    for found in (figures.get("repeat_failures") or {}).get("open_action_items") or []:
        found["open_item_count"] = len(found.pop("open_items", None) or [])
    return figures
