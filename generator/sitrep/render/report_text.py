"""The reliability report as plain text for the terminal (``sitrep report``)."""

from __future__ import annotations

from typing import Any

from sitrep.derive.metrics import Metrics
from sitrep.model.formatting import format_seconds, pct, uptime_text
from sitrep.model.vocabulary import postmortem_status_label

_DURATIONS = (("time_to_detect", "Time to detect"), ("time_to_acknowledge", "Time to acknowledge"),
              ("time_to_mitigate", "Time to mitigate"), ("time_to_resolve", "Time to resolve"),
              ("time_to_first_update", "Detection to first public update"))


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def _duration_block(title: str, data: dict[str, Any]) -> list[str]:
    rows = [["", "n", "mean", "median", "p90", "max", "target", "met", "mean within target"]]
    for label, stats in [("all", data["overall"]), *data["by_severity"].items()]:
        rows.append([label, str(stats["n"]),
                     *(format_seconds(stats[key]) for key in ("mean", "median", "p90", "max", "target")),
                     pct(stats["share_met_target"]),
                     {None: "—", True: "met", False: "missed"}[stats["mean_met_target"]]])
    return [title, *("  " + r for r in _table(rows)), ""]


def _trend_value(figure: str, value: Any) -> str:
    if value is None:
        return "—"
    return str(value) if figure == "incidents" else format_seconds(value) if figure.startswith("time_") else pct(value)


def _trend_block(trend: dict[str, Any]) -> list[str]:
    """The key figures per month or quarter, and the last complete one against the one before."""
    unit = trend["granularity"]
    if not trend["periods"]:
        return [f"Trend by {unit}: no incidents"]
    severities = [k for k in trend["periods"][0]["time_to_resolve"]
                  if any(p["time_to_resolve"][k]["n"] for p in trend["periods"])]
    rows = [[unit, "incidents", "MTTD", *(f"MTTR {k}" for k in severities), "updates on time", "postmortems"]]
    for p in trend["periods"]:
        rows.append([p["period"] + ("*" if p["partial"] else ""), str(p["incidents"]),
                     format_seconds(p["time_to_detect"]["mean"]),
                     *(format_seconds(p["time_to_resolve"][k]["mean"]) for k in severities),
                     pct(p["update_cadence"]["share_within_cadence"]), pct(p["share_postmortems_published"])])
    lines = [f"Trend by {unit} (* covered in part; means; definitions in the report page)",
             *("  " + r for r in _table(rows))]
    if trend["latest"]:
        lines.append(f"  {trend['latest']} against {trend['before']}: " + "; ".join(
            f"{c['figure'].replace('_', ' ')}{' ' + c['severity'] if c['severity'] else ''} "
            f"{_trend_value(c['figure'], c['latest'])} against {_trend_value(c['figure'], c['before'])}"
            f" ({c['direction'] or 'not compared'})" for c in trend["changes"]))
    return lines


def _days(value: float | None) -> str:
    """A number of days as the reports print it ("—" when there is nothing to measure)."""
    return "—" if value is None else f"{value:g} day{'s' if value != 1 else ''}"


#: Most repeats and most incidents with open action items the terminal lists (the rest are counted).
REPEATS_LISTED = 10


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _repeats_block(rf: dict[str, Any]) -> list[str]:
    """Repeat outages (earlier -> later, gap) and incidents that began with earlier action items open."""
    pairs = [(c["component"], p) for c in rf["by_component"] for p in c["pairs"]]
    lines = [f"Repeat failures (within {format_seconds(rf['within'])}): {_plural(rf['repeats'], 'repeat outage')}; "
             f"{_plural(rf['incidents_with_open_action_items'], 'incident')} began with earlier action items open"]
    lines += [f"  {cid}: {p['earlier_incident']} -> {p['later_incident']} after {format_seconds(p['gap'])}"
              for cid, p in pairs[:REPEATS_LISTED]]
    if len(pairs) > REPEATS_LISTED:
        lines.append(f"  ... and {len(pairs) - REPEATS_LISTED} more repeats (--json lists them all)")
    found = rf["open_action_items"]
    lines += [f"  {x['incident_id']}: {x['postmortem_id']} had {_plural(len(x['open_items']), 'open action item')}"
              for x in found[:REPEATS_LISTED]]
    if len(found) > REPEATS_LISTED:
        lines.append(f"  ... and {len(found) - REPEATS_LISTED} more (--json lists them all)")
    return lines


def render_text(metrics: Metrics) -> str:
    """Every figure of the report, one section a metric, for a terminal."""
    j = metrics.to_json()
    window = f"{j['window_start'] or 'first record'} to {j['window_end']}"
    lines = [f"Reliability report ({window}; {len(j['incident_ids'])} incidents)", ""]
    for key, title in _DURATIONS:
        lines += _duration_block(title, j[key])
    cadence = j["update_cadence"]["overall"]
    lines += [f"Update cadence: {cadence['within_cadence']} of {cadence['intervals']} intervals within the "
              f"severity's cadence ({pct(cadence['share_within_cadence'])})", ""]
    lines.append("MTBF per component")
    lines += ["  " + r for r in _table([["component", "outages", "time in outage", "uptime", "MTBF"]] + [
        [m["name"], str(m["failures"]), format_seconds(m["downtime"]), uptime_text(m["uptime_percent"]), m["display"]]
        for m in j["mtbf"]])]
    pc = j["postmortem_completion"]
    required = ", ".join(pc["required_severities"])
    lines += ["", f"Postmortems: {pc['published']} of {pc['required']} required ({required}) "
              f"published ({pct(pc['share_published'])}); within 7 days: {pc['published_within_7_days']} of "
              f"{pc['due']} due ({pct(pc['share_within_7_days_of_due'])}), {pct(pc['share_within_7_days'])} of "
              "those published"]
    # Not published yet: "in review" or "draft" when a postmortem exists, "missing" when none does.
    lines += [f"  {postmortem_status_label(m['postmortem_status']).lower() if m['postmortem_status'] else 'missing'}: "
              f"{m['incident_id']} ({m['severity']}, resolved {m['days_since_resolution']} days ago)"
              for m in pc["missing"]]
    ai = j["action_items"]
    lines += ["", f"Action items: {ai['open']} open ({ai['overdue']} overdue), {ai['done']} done, {ai['wont_do']} "
              f"won't do; completion {pct(ai['completion_rate'])}; median age of open items "
              + (f"{ai['median_open_age_days']:g} days" if ai["median_open_age_days"] is not None else "—")]
    closing = ai["closing"]
    lines += [f"  closed on time {pct(closing['on_time_share'])} ({closing['on_time']} of {closing['with_due']} "
              f"with a closing and a due date); time to close median {_days(closing['median_days_to_close'])}, "
              f"p90 {_days(closing['p90_days_to_close'])} ({closing['dated']} with a closing date); "
              f"no closing date: {closing['undated']} of {closing['done']} done"]
    lines += ["", *_trend_block(j["trend"])]
    lines += ["", *_repeats_block(j["repeat_failures"])]
    bands = j["resolve_time_bands"]
    lines += ["", "Time to resolve bands: " + ", ".join(
        f"{b['name'].replace('_', ' ')} {b['count']} ({pct(b['share'])})" for b in bands["bands"])]
    lines += ["", "Definitions are in the report page and `sitrep report --json` (definitions)."]
    return "\n".join(lines) + "\n"
