"""The record format reference (reference/format.md), generated from the models' field docs.

``python -m sitrep.render.format_reference > reference/format.md`` regenerates it; a test fails when
the committed file differs, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import BeforeValidator
from pydantic_core import PydanticUndefined

from sitrep.model.config import Channel, Component, NotifySettings, Severity, SitrepConfig
from sitrep.model.formatting import format_duration
from sitrep.model.records import Incident, Postmortem, Runbook, Update

SECTIONS: list[tuple[str, type[Any], str]] = [  # models and validated dataclasses
    ("Incident and maintenance", Incident,
     "One file per incident: `incidents/YYYY/YYYY-MM-DD-short-slug.md`. The body is the public description."),
    ("Update (items of `updates`)", Update,
     "Updates are listed oldest first; the incident's status is the last one's. An escalation, a "
     "de-escalation or a change of impact is an update with `severity` and/or `components` (the "
     "values from that update on, e.g. `severity: SEV1` and `components: {publishing-api: major_outage}`); "
     "the top-level `severity` and `components` stay as declared. Status, uptime and metrics count each "
     "impact for the time it held (`sitrep update … --severity SEV1 --component publishing-api=major` "
     "writes such an update)."),
    ("Postmortem", Postmortem,
     "`postmortems/YYYY-MM-DD-short-slug.md`. A published postmortem needs the H2 sections Summary, Impact, "
     "Timeline, Root Cause, Resolution, Action Items and Lessons Learned."),
    ("Runbook", Runbook, "`runbooks/short-slug.md`. The body is the procedure."),
    ("Settings (`plugins: - sitrep:` in mkdocs.yml)", SitrepConfig,
     "Validated when the site builds and by `sitrep validate`."),
    ("Component (items of `components`)", Component, ""),
    ("Severity level (items of `severities`)", Severity, ""),
    ("Notifications (`notify`)", NotifySettings,
     "Read by `sitrep notify`; destinations are Apprise URLs in environment variables (secrets)."),
    ("Notification channel (items of `notify.channels`)", Channel,
     "Events: incident.declared, incident.updated, incident.severity_changed, incident.impact_changed, "
     "incident.resolved, incident.update_overdue (internal only), maintenance.scheduled, maintenance.starting, "
     "maintenance.started, maintenance.completed, postmortem.published."),
]


#: How a postmortem's action items are written (sitrep.text.postmortem reads them), after the Postmortem table.
ACTION_ITEMS = (
    "The Action Items section lists one item a line: `- [ ] Action - Owner - YYYY-MM-DD` (or "
    "`- [ ] Action - Owner: name - Due: YYYY-MM-DD`, `- [ ] (@owner, Due: YYYY-MM-DD) Action`, or a table "
    "with Action, Owner, Due Date and Status columns). `[x]` (or a status such as Done) marks an item done, "
    "`[-]`, `[~]` or `~~struck through~~` won't do. When an item is done, add the day it was done the same "
    "way as the due date: `- [x] Alert on queue lag - @ana - due 2026-11-30 - done 2026-11-28` (also "
    "`Done: 2026-11-28`, `closed on Nov 28, 2026`, `done 2026-11-28` inside the parenthesis, a `Closed on` "
    "table column, or a dated status such as `Done 2026-11-28`). It is optional: a done item without it "
    "counts as done, with no closing date, and is left out of the time to close and the share closed on "
    "time. Tables from older postmortems may have a Done, Closed or Completed column (or a Status one) "
    "saying how each item stands: a date there is its closing date; `yes`, `done`, `closed`, `✅`, `[x]` "
    "(also `x`, `true`, `complete`, `✔`, `:white_check_mark:`) close it with no closing date; `no`, "
    "`open`, `[ ]`, `❌` or an empty cell leave it open, and decide the item's state when neither a "
    "checkbox nor a status does; a line opening with `✅` instead of a checkbox is ticked (`⬜`, `❌`: "
    "not). `sitrep validate` reports, on the item's line, anything else there "
    "(naming the accepted forms), a closing date or mark on an item its box or status says is open (and "
    "`no` on one they say is done), one that is not a date (`2026-02-30`, an ambiguous `03/04/2026`), one "
    "before the incident the postmortem covers started, and (a warning) one after the day of the check."
)

#: What the reliability reports write for tools (their figures are defined on each report page and under
#: ``definitions`` in the file itself, with the portal's own targets).
REPORT_FIGURES = (
    "Not records, but read by tools: the internal edition (or a public one whose `public_pages` lists "
    "`reports`) writes the figures of the all-time report to `reports/metrics.json` and those of each "
    "rolling report to `reports/last-90-days/metrics.json` and `reports/last-12-months/metrics.json` "
    "(`sitrep report --json [--days N]` prints the same). Durations are seconds, shares fractions from 0 "
    "to 1, times ISO 8601 UTC (`units` says so); `definitions` holds the plain-words definition of every "
    "key with the portal's targets. `trend` has `granularity` (`month` in the rolling reports, `quarter` "
    "over all time), `periods` (per period: `period` such as `2026-03` or `2026-Q1`, `covered_from`, "
    "`covered_to`, `partial`, `incidents`, `time_to_detect` and `time_to_resolve` by severity with `n`, "
    "`mean`, `median`, `p90`, `max`, `target` and `mean_met_target`, `update_cadence` with "
    "`within_cadence` of `intervals`, `postmortems_published` of `postmortems_required`), `latest` and "
    "`before` (the last two complete periods, or null) and `changes` (per figure: `figure`, `severity`, "
    "`before`, `latest`, `direction`: `better`, `worse`, `same`, or null when either is missing). "
    "`action_items.closing` (and each owner's in `action_items.by_owner`) has `done`, `dated` and `undated` "
    "(done items with and without a closing date), `with_due` and `on_time` (dated done items with a due "
    "date, and those closed on or before it), `on_time_share`, `median_days_to_close` and "
    "`p90_days_to_close` (whole days from the postmortem's date, 0 if closed before it); each item has "
    "`closed`, `days_to_close` and `on_time`. "
    "`repeat_failures` has `within` (the repeat window: 2592000 s, 30 days), `repeats`, `by_component` (per "
    "component with an outage that began in the period: `component`, `name`, `outages`, `repeats` and "
    "`pairs` with `component`, `earlier_incident`, `earlier_ended`, `later_incident`, `later_started`, "
    "`gap`), `incidents_with_open_action_items` and `open_action_items` (per incident and earlier "
    "postmortem: `incident_id`, `started`, `postmortem_id`, `components`, `earlier_incidents` and "
    "`open_items`, action-item rows as in `action_items.items`). `previous_period` (rolling reports; null "
    "over all time) has `start`, `end`, `covered_from` (when the portal's records begin in it; null when the "
    "whole period lies before the portal's first day, and then `incidents` and `resolved` are null too: no "
    "data, not zero), `incidents`, `resolved`, `mean_time_to_resolve` and `median_time_to_resolve`. "
    "`postmortem_completion` has `required`, `published`, `published_within_7_days`, `share_published`, "
    "`share_within_7_days` (of those published), `due` and `not_yet_due` (required incidents whose postmortem "
    "is due: published, or resolved more than 7 days ago; those resolved since without one can still be on "
    "time), `share_within_7_days_of_due` (the process's week kept, of those due), `published_late` and "
    "`missing` (each with `due_on`, the last day on time, and `not_yet_due`)."
)

_TYPE_WORDS = [
    (r"typing\.", ""), (r"^Optional\[(.*)\]$", r"\1"),
    (r"pydantic\.types\.AwareDatetime", "timestamp"), (r"datetime\.date", "date"),
    (r"Annotated\[(datetime\.)?timedelta.*\]", "duration (15m, 4h, 1d)"), (r"sitrep\.(?:\w+\.)+", ""),
    (r"typing\.", ""),
    (r"Optional\[(.*)\]$", r"\1"), (r"Literal\[(.*?)\]", r"one of \1"), (r" \| None", ""),
    (r"dict\[str, str\]", "mapping"), (r"<class 'datetime\.timedelta'>", "duration (15m, 4h, 1d)"),
    (r"<class '(\w+)'>", r"\1"), (r"'", ""),
]


def _type_name(annotation: Any) -> str:
    import re

    text = str(annotation)
    for pattern, repl in _TYPE_WORDS:
        text = re.sub(pattern, repl, text)
    return text


def _default(field: Any, name: str = "") -> str:
    if name == "id":
        return "the file name"
    if field.is_required():
        return "**required**"
    if field.default_factory is not None:
        return "see below" if field.default_factory.__name__ == "<lambda>" else "empty"
    if field.default is None or field.default is PydanticUndefined:
        return "—"
    if isinstance(field.default, timedelta):
        return f"`{format_duration(field.default)}`"
    return f"`{field.default}`"


def _written_type(field: Any) -> Any:
    """The type a field accepts as written, which a validator before the model's may widen (a severity: text,
    or a bare number), else its type."""
    for item in field.metadata:
        if isinstance(item, BeforeValidator) and item.json_schema_input_type is not PydanticUndefined:
            return item.json_schema_input_type
    return field.annotation


def field_table(model: type[Any]) -> str:
    """A Markdown table of a model's fields: name, type, default, description."""
    rows = ["| Field | Type | Default | Meaning |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        desc = (field.description or "").replace("|", "\\|")
        kind = _type_name(_written_type(field)).replace(" | ", " or ").replace("|", " or ")
        rows.append(f"| `{name}` | {kind} | {_default(field, name)} | {desc} |")
    return "\n".join(rows)


def render() -> str:
    """The whole reference page."""
    parts = [
        "# Record format",
        "",
        "<!-- Generated by `python -m sitrep.render.format_reference > reference/format.md`; edit the models, "
        "not this file. -->",
        "",
        "Records are Markdown files with YAML front matter between `---` lines. Every timestamp is ISO 8601 "
        "with a UTC offset (`2026-02-10T14:30:00Z` or `2026-02-10T16:30:00+02:00`); a timestamp without one is "
        "an error. YAML is read with the 1.2 core schema: `yes`/`no`/`on`/`off` stay text (with a warning "
        "asking to quote them), `1:30` is not a number, duplicate keys are errors. `sitrep schema` prints the "
        "JSON Schema for editors.",
        "",
    ]
    for title, model, intro in SECTIONS:
        parts += [f"## {title}", ""]
        if intro:
            parts += [intro, ""]
        parts += [field_table(model), ""]
        if model is Postmortem:
            parts += ["### Action items", "", ACTION_ITEMS, ""]
    sev_rows = ["| Level | Name | Aliases | First update | Updates every | Resolve within |",
                "|---|---|---|---|---|---|"]
    for s in SitrepConfig.model_fields["severities"].default_factory():  # type: ignore[misc]
        sev_rows.append(f"| {s.id} | {s.name} | {', '.join(s.aliases)} | {s.first_update_within or '—'} | "
                        f"{s.update_every or '—'} | {s.resolve_within or '—'} |")
    parts += ["## Default severity scheme", "", *sev_rows, ""]
    parts += ["## Report figures (`metrics.json`)", "", REPORT_FIGURES, ""]
    return "\n".join(parts)


if __name__ == "__main__":
    print(render(), end="")
