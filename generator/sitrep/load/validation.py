"""Turn record files into typed records, and check the rules that span fields and files.

Every problem becomes a :class:`~sitrep.model.diagnostics.Diagnostic` pointing at the
offending line, with a message built from the model's field descriptions.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import itertools
import posixpath
import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from sitrep.load.discovery import RECORD_FOLDERS
from sitrep.load.reader import RecordFile
from sitrep.model.config import SitrepConfig
from sitrep.model.diagnostics import Diagnostics
from sitrep.model.field_messages import allowed_fields, field_message, location_name, typo_misses
from sitrep.model.formatting import close_match, iso_z, quoted, shorten, slugify
from sitrep.model.records import MODELS, Incident, Postmortem, Record, Runbook, instant_fields
from sitrep.model.vocabulary import (
    CLOSING_STATUSES,
    IMPACTS,
    INCIDENT_STATUSES,
    MAINTENANCE_IMPACT,
    MAINTENANCE_STATUSES,
    UPDATE_IMPACTS,
)

if TYPE_CHECKING:
    from sitrep.text.postmortem import ActionItem


INCIDENT_NAME = re.compile(r"^incidents/(\d{4})/(\d{4})-(\d{2})-(\d{2})-[a-z0-9][a-z0-9-]*\.md$")
POSTMORTEM_NAME = re.compile(r"^postmortems/\d{4}-\d{2}-\d{2}-[a-z0-9][a-z0-9-]*\.md$")
RUNBOOK_NAME = re.compile(r"^runbooks/[a-z0-9][a-z0-9-]*\.md$")


#: A placeholder of an incident template (``templates/NAME.md``): ``{{ name }}``.
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}")


def record_stem(path: str) -> str:
    """The file name without its extension: a record's default id."""
    return posixpath.splitext(posixpath.basename(path))[0]


def model_from_file(kind: str, rf: RecordFile, diags: Diagnostics) -> Record | None:
    """Validate the front matter of ``rf`` into the model for ``kind``."""
    from sitrep.model.records import MODELS

    model = MODELS[kind]
    data = dict(rf.data)
    data.setdefault("id", record_stem(rf.path))
    try:
        record = model.model_validate(data)
    except ValidationError as exc:
        bad_times: set[int] = set()
        for err in typo_misses(model, exc.errors(include_url=False)):
            loc = tuple(err["loc"])
            code, message = field_message(model, err, allowed_fields(model, loc))
            line = rf.line_of(loc)  # a missing field: its parent's line, the opening '---' at the top
            if loc == ("id",) and "id" not in rf.data:
                code, message = _file_name_message(rf.path, data["id"])
            if code in ("bad-timestamp", "naive-timestamp"):
                bad_times.add(line)
            diags.error(rf.path, line, code, message)
        # '15:02' is no timestamp in any YAML: the reader's warning that YAML 1.1 reads it as a number is noise.
        diags.drop(rf.path, bad_times, ("yaml11-sexagesimal",))
        return None
    if not _years_in_range(record, rf, diags):
        return None
    if isinstance(record, Incident) and record.resolved is None and record.is_resolved:
        # 'resolved' defaults to the time of the last update once that one is resolved.
        # Done after validation so a bad timestamp is reported once, on the update's line.
        record = record.model_copy(update={"resolved": record.updates[-1].at})
    record._path = rf.path
    record._body = rf.body
    record._body_line = rf.body_line
    return record


def _file_name_message(path: str, stem: str) -> tuple[str, str]:
    """(code, message) for an id the file name gives (no ``id:`` in the file) that is not one: the name is
    the slip (``x.md.md``, spaces, capitals), so the fix is the rename."""
    name = posixpath.basename(path)
    if stem.lower().endswith(".md"):
        fixed = name[:-3]
        while fixed.lower().endswith(".md.md"):
            fixed = fixed[:-3]
        return "file-name", (f"the file name ends in {fixed[-3:]}{path[-3:]}: remove the doubled .md (rename it "
                             f"to {fixed})")
    return "file-name", (f"the file name {quoted(name)} makes the id {quoted(stem)}, which is not one (ids are "
                         f"lowercase letters, digits and dashes): rename the file to {slugify(stem, 200)}.md")


def check_invalid_incident(rf: RecordFile, config: SitrepConfig, diags: Diagnostics) -> None:
    """The config-dependent checks on an incident whose front matter failed the model.

    So one run reports a bad severity or component alongside missing fields,
    instead of only after the first round of fixes.
    """
    severity = rf.data.get("severity")
    if isinstance(severity, str | int) and config.normalise_severity(severity) is None:
        _unknown_severity(rf, config, severity, diags)
    maintenance = rf.data.get("kind") == "maintenance"
    components = rf.data.get("components")
    if isinstance(components, dict):
        for cid in components:
            if config.component(str(cid)) is None:
                _unknown_component(rf, config, ("components", cid), cid, diags)
        impacts = (MAINTENANCE_IMPACT,) if maintenance else IMPACTS
        for cid, impact in components.items():
            if isinstance(impact, str):
                _check_impact(str(cid), impact, ("components",), impacts, rf, diags)
    updates = rf.data.get("updates")
    for i, update in enumerate(updates if isinstance(updates, list) else ()):
        if not isinstance(update, dict):
            continue
        if isinstance(update.get("status"), str):
            _check_status(i, update["status"], maintenance, rf, diags)
        changes = update.get("components")
        if isinstance(changes, dict) and not maintenance:
            for cid, impact in changes.items():
                if isinstance(impact, str):
                    _check_impact(str(cid), impact, ("updates", i, "components"), UPDATE_IMPACTS, rf, diags)


def _unknown_severity(rf: RecordFile, config: SitrepConfig, value: object, diags: Diagnostics,
                      loc: tuple[str | int, ...] = ("severity",)) -> None:
    written = _written(rf.data, loc, value)  # 2, not the model's '2'
    diags.error(rf.path, rf.line_of(loc), "bad-value",
                f"{location_name(loc)}: {config.unknown_severity(written, key=str(loc[-1]))}")


def _written(data: Any, loc: tuple[str | int, ...], default: object) -> object:
    """The value at ``loc`` as the front matter has it (before the model turned it into text), else ``default``."""
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return default
    return data


def _unknown_component(rf: RecordFile, config: SitrepConfig, loc: tuple[str | int, ...], cid: object,
                       diags: Diagnostics) -> None:
    diags.error(rf.path, rf.line_of(loc), "unknown-component", f"components: {config.unknown_component(cid)}")


#: Dates outside this range are typos (0026 for 2026) or sentinels; they would also overflow
#: date arithmetic near the ends of the calendar.
YEAR_RANGE = (1970, 2200)


def _years_in_range(record: Record, rf: RecordFile, diags: Diagnostics) -> bool:
    """Error for every date or timestamp outside YEAR_RANGE; False if there was one."""
    found: list[tuple[tuple[Any, ...], Any]] = [((name,), value) for name in type(record).model_fields
                                                if isinstance(value := getattr(record, name), dt.date)]
    if isinstance(record, Incident):
        found += [(("updates", i, "at"), u.at) for i, u in enumerate(record.updates)]
    ok = True
    lo, hi = YEAR_RANGE
    for loc, value in found:
        if not lo <= value.year <= hi:
            ok = False
            diags.error(rf.path, rf.line_of(loc), "bad-timestamp",
                        f"{location_name(loc)}: the year {value.year} is outside {lo}..{hi}: check for a typo "
                        "(e.g. 0026 for 2026)")
    return ok


#: How far after the build's time an incident's time may be before it is taken for a typo (clocks
#: differ a little, and an update is often written a minute ahead).
FUTURE_SLACK = dt.timedelta(minutes=5)


def _check_future(inc: Incident, rf: RecordFile, now: datetime, diags: Diagnostics) -> None:
    """A warning on every time of an incident later than ``now`` (a maintenance is planned ahead: not its)."""
    if inc.is_maintenance:
        return
    limit = now + FUTURE_SLACK
    # Runs on every record: only the few times past the limit make the list of locations.
    found: list[tuple[tuple[Any, ...], datetime]] = [
        ((name,), value) for name in instant_fields(Incident)
        if (value := getattr(inc, name)) is not None and value > limit and name in rf.data
        and not name.startswith("scheduled_")]
    found += [(("updates", i, "at"), u.at) for i, u in enumerate(inc.updates) if u.at > limit]
    for loc, value in found:
        diags.warning(rf.path, rf.line_of(loc), "future-time",
                      f"{location_name(loc)}: {value.isoformat()} is in the future (it is now "
                      f"{now.isoformat()}): check the year and the date")


def check_incident(inc: Incident, rf: RecordFile, config: SitrepConfig, diags: Diagnostics,
                   now: datetime | None = None) -> Incident:
    """Rules within one incident file; returns it with the severity normalised.

    With ``now`` (the build's time, passed in: never read here), times after it are warned about.
    """
    path = rf.path
    line = rf.line_of
    if not INCIDENT_NAME.match(path):
        diags.warning(path, 1, "file-name", "incident files live at incidents/YYYY/YYYY-MM-DD-"
                      "short-slug.md (the date impact started): rename the file")
    if inc.is_maintenance:
        impacts: tuple[str, ...] = (MAINTENANCE_IMPACT,)
        for key in ("scheduled_start", "scheduled_end"):
            if getattr(inc, key) is None:
                diags.error(path, rf.start_line, "missing-field", f"missing required field '{key}' "
                            f"for kind: maintenance: add '{key}: …', e.g. '{key}: 2026-12-05T02:00:00Z'")
        if inc.scheduled_start and inc.scheduled_end and inc.scheduled_end <= inc.scheduled_start:
            diags.error(path, line(("scheduled_end",)), "time-order",
                        "scheduled_end must be after scheduled_start")
    else:
        impacts = IMPACTS
        if inc.started is None:
            diags.error(path, rf.start_line, "missing-field", "missing required field 'started' "
                        "(when customer impact began): add 'started: …', e.g. 'started: 2026-02-10T14:30:00Z'")
        if inc.severity is None:
            levels = ", ".join(s.id for s in config.severities)
            diags.error(path, rf.start_line, "missing-field",
                        f"missing required field 'severity': add 'severity: …', one of {levels}")
    if inc.severity is not None:
        canonical = config.normalise_severity(inc.severity)
        if canonical is None:
            _unknown_severity(rf, config, inc.severity, diags)
        elif canonical != inc.severity:
            inc = inc.model_copy(update={"severity": canonical})
            _copy_private(inc, rf)
    _check_impacts(inc.components, ("components",), impacts, rf, config, diags)
    inc = _check_changes(inc, rf, config, diags)
    previous: datetime | None = None
    for i, update in enumerate(inc.updates):
        _check_status(i, update.status, inc.is_maintenance, rf, diags)
        if previous is not None and update.at < previous:
            diags.error(path, line(("updates", i, "at")), "update-order",
                        f"updates[{i}] ({update.at.isoformat()}) is earlier than the update "
                        "before it: keep updates in time order, oldest first")
        previous = update.at
    _check_repeated_updates(inc, rf, diags)
    texts = [(("title",), inc.title)] + [(("updates", i, "message"), u.message) for i, u in enumerate(inc.updates)]
    for loc, text in texts:
        for name in dict.fromkeys(PLACEHOLDER.findall(text)):
            diags.error(path, line(loc), "unfilled-placeholder",
                        f"{'.'.join(map(str, loc))}: the template placeholder {{{{ {name} }}}} was never filled "
                        "in: replace it with the real text")
    _check_lifecycle(inc, rf, diags)
    _check_retired(inc, rf, config, diags, now)
    if now is not None:
        _check_future(inc, rf, now, diags)
    return inc


def _retirement_start(day: dt.date) -> datetime:
    """The first instant (UTC) of a component's retirement day."""
    return datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def _check_retired(inc: Incident, rf: RecordFile, config: SitrepConfig, diags: Diagnostics,
                   now: datetime | None) -> None:
    """No record starting on or after a component's retirement day names it, no later update gives it an
    impact, and (with ``now``) no open incident still has an impact on a component retired by now.

    The last rule depends on the day: the findings cache keys on the components retired by the day
    of the check (:class:`sitrep.load.cache.FindingsCache`), so it is found the day it holds.
    """
    if not any(c.retired for c in config.components) or not (inc.updates or inc.started or inc.scheduled_start):
        return
    what = "maintenance" if inc.is_maintenance else "incident"
    start = inc.start
    named: dict[str, tuple[str | int, ...]] = {cid: ("components", cid) for cid in inc.components}
    for cid in inc.components:
        comp = config.component(cid)
        if comp is None or comp.retired is None or start < _retirement_start(comp.retired):
            continue
        diags.error(rf.path, rf.line_of(("components", cid)), "retired-component",
                    f"components.{cid}: {comp.name} was retired on {comp.retired.isoformat()} (retired: in "
                    f"mkdocs.yml), and this {what} starts after that ({iso_z(start)}): remove {cid} from it, "
                    f"or, if {comp.name} was still in service, move its retired: day in mkdocs.yml after "
                    f"{start.astimezone(dt.UTC).date().isoformat()}")
        named.pop(cid)
    for i, update in enumerate(inc.updates):
        for cid, impact in (update.components or {}).items():
            named.setdefault(cid, ("updates", i, "components", cid))
            comp = config.component(cid)
            if (comp is None or comp.retired is None or impact == "operational"
                    or update.at < _retirement_start(comp.retired) or start >= _retirement_start(comp.retired)):
                continue
            diags.error(rf.path, rf.line_of(("updates", i, "components", cid)), "retired-component",
                        f"updates[{i}].components.{cid}: {comp.name} was retired on {comp.retired.isoformat()} "
                        f"(retired: in mkdocs.yml), before this update ({iso_z(update.at)}): it can only be "
                        f"marked operational now; or, if it was still in service, move its retired: day in "
                        "mkdocs.yml after this update")
    if now is None or inc.is_maintenance or inc.is_resolved:
        return
    today = now.astimezone(dt.UTC).date()
    for cid, impact in inc.latest_components.items():
        comp = config.component(cid)
        if (comp is None or comp.retired is None or not comp.retired_by(today) or impact == "operational"
                or start >= _retirement_start(comp.retired) or cid not in named):
            continue
        diags.error(rf.path, rf.line_of(named[cid]), "retired-open",
                    f"{location_name(named[cid])}: {comp.name} was retired on {comp.retired.isoformat()} "
                    f"(retired: in mkdocs.yml), but this incident is still open on it, so it would vanish "
                    f"from the status page unresolved: resolve it first (sitrep resolve {inc.id} --message "
                    f"\"…\"), or move the retired: day in mkdocs.yml after its resolution")


def _check_repeated_updates(inc: Incident, rf: RecordFile, diags: Diagnostics) -> None:
    """A warning for an update that repeats an earlier one's time, status and message: likely pasted twice.

    Not an error: two updates in one second (or minute, by hand) with one status are
    allowed, and get distinct ids (``-2``); only the same text as well looks like a slip.
    """
    if len({u.at for u in inc.updates}) == len(inc.updates):  # no two at one time: the usual case
        return
    first: dict[tuple[datetime, str, str], int] = {}
    for i, update in enumerate(inc.updates):
        key = (update.at, update.status, update.message.strip())
        if key not in first:
            first[key] = i
            continue
        earlier = first[key]
        diags.warning(rf.path, rf.line_of(("updates", i, "at")), "repeated-update",
                      f"updates[{i}] repeats updates[{earlier}] (line {rf.line_of(('updates', earlier, 'at'))}): "
                      "the same time, status and message, so it is published twice; remove one if it was "
                      "pasted twice, or say what changed")


def _check_status(i: int, status: str, maintenance: bool, rf: RecordFile, diags: Diagnostics) -> None:
    """An update's status is one of its kind's (incident or maintenance)."""
    statuses = MAINTENANCE_STATUSES if maintenance else INCIDENT_STATUSES
    if status not in statuses:
        what = "a maintenance" if maintenance else "an incident"
        diags.error(rf.path, rf.line_of(("updates", i, "status")), "bad-value",
                    f"updates[{i}].status: {quoted(status)} is not a status of {what}"
                    f"{close_match(status, statuses)}; use one of: {', '.join(statuses)}")


def _check_impact(cid: str, impact: str, loc: tuple[str | int, ...], impacts: tuple[str, ...], rf: RecordFile,
                  diags: Diagnostics) -> None:
    """A component's impact is one of ``impacts``."""
    if impact not in impacts:
        name = ".".join(str(part) if isinstance(part, str) else f"[{part}]" for part in loc).replace(".[", "[")
        diags.error(rf.path, rf.line_of((*loc, cid)), "bad-value",
                    f"{name}.{cid}: {quoted(impact)} is not an impact{close_match(str(impact), impacts)}; "
                    f"use one of: {', '.join(impacts)}")


def _check_impacts(components: dict[str, str], loc: tuple[str | int, ...], impacts: tuple[str, ...],
                   rf: RecordFile, config: SitrepConfig, diags: Diagnostics) -> None:
    """Each component configured, each impact one of ``impacts``."""
    name = ".".join(str(part) if isinstance(part, str) else f"[{part}]" for part in loc).replace(".[", "[")
    for cid, impact in components.items():
        if config.component(cid) is None:
            diags.error(rf.path, rf.line_of((*loc, cid)), "unknown-component",
                        f"{name}: {config.unknown_component(cid)}")
        _check_impact(cid, impact, loc, impacts, rf, diags)


def _check_changes(inc: Incident, rf: RecordFile, config: SitrepConfig, diags: Diagnostics) -> Incident:
    """Escalations and impact changes recorded on updates; returns ``inc`` with their severities normalised."""
    changed = False
    updates = list(inc.updates)
    for i, update in enumerate(inc.updates):
        if inc.is_maintenance and update.changes_impact:
            diags.error(rf.path, rf.line_of(("updates", i)), "bad-value",
                        f"updates[{i}]: a maintenance has no severity or impact changes; remove "
                        "'severity'/'components' from this update (change the window or components at the top)")
            continue
        if update.components is not None:
            if not update.components:
                diags.error(rf.path, rf.line_of(("updates", i, "components")), "bad-value",
                            f"updates[{i}].components is empty: list the components whose impact changes, "
                            "e.g. 'publishing-api: major_outage', or remove it")
            _check_impacts(update.components, ("updates", i, "components"), UPDATE_IMPACTS,
                           rf, config, diags)
        if update.severity is not None:
            canonical = config.normalise_severity(update.severity)
            if canonical is None:
                _unknown_severity(rf, config, update.severity, diags, ("updates", i, "severity"))
            elif canonical != update.severity:
                updates[i] = dataclasses.replace(update, severity=canonical)
                changed = True
    if not changed:
        return inc
    inc = inc.model_copy(update={"updates": updates})
    _copy_private(inc, rf)
    return inc


def _copy_private(inc: Record, rf: RecordFile) -> None:
    inc._path, inc._body, inc._body_line = rf.path, rf.body, rf.body_line


def _check_lifecycle(inc: Incident, rf: RecordFile, diags: Diagnostics) -> None:
    path = rf.path
    chains = (("started", "detected", "acknowledged"), ("started", "mitigated", "resolved"))
    out_of_order: set[str] = set()
    for chain in chains:
        known = [(k, getattr(inc, k)) for k in chain if getattr(inc, k) is not None]
        for (a, ta), (b, tb) in itertools.pairwise(known):
            if tb < ta:
                out_of_order.add(b)
                where, when = rf.line_of((b,)), tb.isoformat()
                if b == "resolved" and "resolved" not in rf.data:  # defaulted from the last update
                    where = rf.line_of(("updates", len(inc.updates) - 1, "at"))
                    when += f", the time of the last update, which is {inc.status}"
                diags.error(path, where, "time-order",
                            f"{b} ({when}) is before {a} ({ta.isoformat()}): the order "
                            f"must be {' <= '.join(chain)}")
    if inc.is_resolved and inc.resolved is not None and "resolved" in rf.data and "resolved" not in out_of_order:
        # The update that closed it: the first of the closing updates at the end.
        closing = len(inc.updates) - 1
        while closing > 0 and inc.updates[closing - 1].status == inc.status:
            closing -= 1
        closed_at = inc.updates[closing].at
        if inc.resolved < closed_at:
            diags.error(path, rf.line_of(("resolved",)), "time-order",
                        f"resolved ({inc.resolved.isoformat()}) is before the update that {inc.status} it "
                        f"(updates[{closing}], {closed_at.isoformat()}): the order must be updates <= resolved; "
                        f"set 'resolved: {iso_z(closed_at)}' or later")
    if not inc.is_maintenance and inc.started and inc.updates[0].at < inc.started:
        diags.warning(path, rf.line_of(("updates", 0, "at")), "update-before-start",
                      "the first update is earlier than 'started': check both timestamps")
    if inc.resolved is not None and not inc.is_resolved:
        closed = [i for i, u in enumerate(inc.updates) if u.status in CLOSING_STATUSES]
        if closed:  # an update added after the one that closed it: the slip is on that update's line
            after = closed[-1] + 1
            closing = inc.updates[closed[-1]].status
            diags.error(path, rf.line_of(("updates", after, "status")), "resolved-but-open",
                        f"updates[{after}] is {quoted(inc.updates[after].status)}, after updates[{closed[-1]}] "
                        f"{closing} the incident ('resolved:' on line {rf.line_of(('resolved',))}): an update "
                        f"after that keeps 'status: {closing}' (a note after the fact); if the incident is back, "
                        "remove the 'resolved:' line")
        else:
            diags.error(path, rf.line_of(("resolved",)), "resolved-but-open",
                        f"'resolved' is set but the latest update is {quoted(inc.status)}: append an update "
                        "with status resolved, or remove 'resolved'")


def check_postmortem(pm: Postmortem, rf: RecordFile, diags: Diagnostics, now: datetime | None = None) -> None:
    """Rules within one postmortem file: name, required sections, action items.

    With ``now`` (the build's time), an action item closed after its day (UTC) is warned about; one
    closed before its incident started is a cross-record rule (the loader's ``closed-before-start``).
    """
    from sitrep.text.postmortem import (
        REQUIRED_FOR_PUBLISHED,
        SECTION_NAMES,
        parse_action_items,
        parse_sections,
        template_placeholders,
    )

    if not POSTMORTEM_NAME.match(rf.path):
        diags.warning(rf.path, 1, "file-name", "postmortem files live at postmortems/YYYY-MM-DD-"
                      "short-slug.md: rename the file")
    sections = parse_sections(pm.body, pm.body_line)
    keys = {s.key for s in sections}
    if pm.status == "published":
        missing = [SECTION_NAMES[k] for k in REQUIRED_FOR_PUBLISHED if k not in keys]
        if missing:
            diags.error(rf.path, rf.line_of(("status",)), "missing-section",
                        f"a published postmortem needs the sections {', '.join(missing)}: add "
                        f"'## {missing[0]}' headings (or set status: draft)")
        for line, placeholder in template_placeholders(pm.body, pm.body_line):
            diags.error(rf.path, line, "template-placeholder",
                        f'template placeholder "{placeholder}" left in a published postmortem: write what '
                        f"happened instead (escape brackets you mean as \\[...\\], or set status: in-review)")
    for section in sections:
        if section.key == "action_items":
            items, problems = parse_action_items(section)
            for p in problems:
                diags.add(rf.path, p.line, p.level, p.code, p.message)
            if now is not None:
                _check_closed_later(items, rf, now.astimezone(dt.UTC).date(), diags)


def _check_closed_later(items: Iterable[ActionItem], rf: RecordFile, today: dt.date, diags: Diagnostics) -> None:
    for item in items:
        if item.closed is not None and item.closed > today:
            diags.warning(rf.path, item.line, "future-time",
                          f"action item \"{shorten(item.text, 40)}\" was closed on {item.closed.isoformat()}, "
                          f"which is after today ({today.isoformat()}, UTC, the day of the check): write the "
                          "day it was done, e.g. \"- done " + today.isoformat() + "\"")


def check_runbook(rb: Runbook, rf: RecordFile, config: SitrepConfig, diags: Diagnostics) -> None:
    """Rules within one runbook file: name and components."""
    if not RUNBOOK_NAME.match(rf.path):
        diags.warning(rf.path, 1, "file-name", "runbook files live at runbooks/short-slug.md: "
                      "rename the file")
    for i, cid in enumerate(rb.components):
        if config.component(cid) is None:
            _unknown_component(rf, config, ("components", i), cid, diags)


_UPDATE_AT = re.compile(r"""^(\s*)(-\s+)?at:\s*['"]?\d{4}-\d{2}-\d{2}[T ]\d""")
_UPDATE_KEY = re.compile(r"^\s*(status|message):")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def check_pasted_updates(rf: RecordFile, diags: Diagnostics) -> None:
    """An update pasted below the closing ``---`` is an error, not text published in the body.

    It is the likeliest slip in a web editor: the new ``- at: … status: …`` item
    lands after the front matter, validates as Markdown and shows up as junk on
    the page. Lines inside code fences are left alone.
    """
    lines = rf.body.splitlines()
    fence: str | None = None
    for index, line in enumerate(lines):
        opened = _FENCE.match(line)
        if opened:
            marker = opened.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            continue
        match = _UPDATE_AT.match(line) if fence is None else None
        if match is None:
            continue
        following = lines[index + 1: index + 4]
        if match.group(2) or any(_UPDATE_KEY.match(other) for other in following):
            diags.error(rf.path, rf.body_line + index, "update-in-body",
                        f"this looks like a status update pasted below the closing '---' (line "
                        f"{rf.end_line}), where it would be published as text: move it above that line, "
                        "as the last item of 'updates:' (indented like the items before it)")
            return


#: The text fields whose words a reader sees (a record's title, an update's message).
_TEXT_KEYS = ("title", "message")
#: A comment after a value: YAML ends an unquoted value at a '#' after a space.
_TRAILING_COMMENT = re.compile(r"[ \t]#")


def check_cut_by_comment(rf: RecordFile, diags: Diagnostics) -> None:
    """An unquoted title or message with ``' #'`` in it is an error: YAML reads the rest as a comment, so
    ``message: Fixed by reverting PR #4312`` would publish "Fixed by reverting PR".

    Only front matters holding ``' #'`` at all are looked at line by line (most hold none).
    """
    text = rf.text
    # The first '#' after a space or a tab. Looked for as '#' alone (memchr): finding ' #' is 25 times
    # slower, and most texts have no '#', or only at the start of a body's heading lines.
    at = text.find("#")
    while at > 0 and text[at - 1] not in " \t":
        at = text.find("#", at + 1)
    if at <= 0 or text.count("\n", 0, at) + 1 >= rf.end_line:
        return
    lines = text.split("\n", rf.end_line)[:rf.end_line - 1]
    starts = sorted((line, loc) for loc, line in rf.lines.items() if loc and isinstance(loc[-1], str))
    for index, (line, loc) in enumerate(starts):
        key = str(loc[-1])
        if key not in _TEXT_KEYS or line > len(lines):
            continue
        value = lines[line - 1].partition(f"{key}:")[2]
        if not value.strip() or value.lstrip()[0] in "'\"|>":
            continue  # quoted or a block: a '#' in it is text
        end = starts[index + 1][0] if index + 1 < len(starts) else rf.end_line
        rows = [value, *lines[line:end - 1]]  # its line, and the lines it may go on over
        for offset, row in enumerate(rows):
            comment = _TRAILING_COMMENT.search(row)
            if comment is None or not row[:comment.start()].strip():
                continue  # a comment line of its own is one
            kept = " ".join(" ".join(r for r in rows[:offset]).split() + row[:comment.start()].split())
            diags.error(rf.path, line + offset, "comment-in-text",
                        f"{location_name(loc)}: YAML reads the '#' and what follows it "
                        f"({quoted(row[comment.start() + 1:].strip())}) as a comment, so the {key} published "
                        f"would end at {quoted(shorten(kept, 40))}: put the whole {key} in double quotes "
                        f"({key}: \"…\"), or move the comment to a line of its own")
            break


#: The folder each kind of record lives in, as a message names it.
KIND_FOLDERS = {kind: f"{folder}/YYYY/" if kind == "incident" else f"{folder}/"
                for kind, folder in RECORD_FOLDERS.items()}


def _distinctive_fields() -> dict[str, frozenset[str]]:
    """Each kind's fields no other kind has (a postmortem's incidents, date, authors, status, tags)."""
    fields = {kind: frozenset(model.__pydantic_fields__) for kind, model in MODELS.items()}
    return {kind: own - frozenset().union(*(f for k, f in fields.items() if k != kind))
            for kind, own in fields.items()}


DISTINCTIVE_FIELDS = _distinctive_fields()


def misplaced_kind(kind: str, rf: RecordFile) -> str | None:
    """The kind a record in the folder of ``kind`` clearly is instead (an incident saved in
    postmortems/), or None.

    Clearly: it has fields its folder's kind does not know, fewer of them unknown to the other
    kind, and more of the other kind's distinctive fields (:data:`DISTINCTIVE_FIELDS`) than of its
    folder's kind's. A draft missing some required fields of its kind is recognised all the same; a
    record of the folder's kind with a stray field of another kind ('date' in an incident) is not.
    """
    keys = rf.data.keys()
    unknown_here = len(keys - MODELS[kind].__pydantic_fields__.keys())
    if not unknown_here:  # every record in its right folder: one set difference
        return None
    own = len(keys & DISTINCTIVE_FIELDS[kind])
    best, fewest, most = None, unknown_here, own
    for other, model in MODELS.items():
        unknown = len(keys - model.__pydantic_fields__.keys())
        distinctive = len(keys & DISTINCTIVE_FIELDS[other])
        if other != kind and unknown < fewest and distinctive > most:
            best, fewest, most = other, unknown, distinctive
    return best


def _report_misplaced(kind: str, other: str, rf: RecordFile, diags: Diagnostics) -> None:
    name = posixpath.basename(rf.path)
    target = KIND_FOLDERS[other]
    if other == "incident":
        year = re.match(r"(\d{4})-", name) or re.match(r"(\d{4})-", str(rf.data.get("started", "")))
        target = target.replace("YYYY", year.group(1)) if year else target
    foreign = [k for k in rf.data if k not in MODELS[kind].__pydantic_fields__]
    fields = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
    diags.error(rf.path, rf.start_line, "wrong-folder",
                f"this looks like {_a(other)} (it has {fields}), not {_a(kind)}: move it to {target}{name}")


def _a(kind: str) -> str:
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def check_record(kind: str, rf: RecordFile, config: SitrepConfig, diags: Diagnostics,
                 now: datetime | None = None) -> Record | None:
    """Every rule within one file: the model, then the rules of its kind (``now``: see check_incident).

    Returns the record (severity normalised), or None when it fails the model or is
    clearly a record of another kind, saved in the wrong folder (one error naming the move);
    cross-record rules (duplicate ids, references) are the portal's.
    """
    other = misplaced_kind(kind, rf)
    if other is not None:
        _report_misplaced(kind, other, rf, diags)
        return None
    record = model_from_file(kind, rf, diags)
    if kind == "incident":
        check_pasted_updates(rf, diags)
    if record is not None:
        check_cut_by_comment(rf, diags)
    if record is None:
        if kind == "incident":
            check_invalid_incident(rf, config, diags)
    elif isinstance(record, Incident):
        record = check_incident(record, rf, config, diags, now)
    elif isinstance(record, Postmortem):
        check_postmortem(record, rf, diags, now)
    elif isinstance(record, Runbook):
        check_runbook(record, rf, config, diags)
    return record


#: A chat handle: "@" starting a word (an e-mail address's "@" follows letters, so it is not one).
_HANDLE = re.compile(r"(?<![\w@.+-])@[A-Za-z](?:[\w.-]*\w)?")
#: The last word of an owner or role that names a group, not a person ("Platform team", "SRE on-call").
_GROUP_WORDS = {"team", "teams", "squad", "group", "guild", "crew", "oncall", "on-call", "rotation", "sre", "noc",
                "ops", "support", "engineering"}
#: One-word "names" that status text uses as ordinary words (dates), never looked for.
_CALENDAR_WORDS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                   "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
                   "saturday", "sunday"}
#: Names shorter than this are not looked for: too many ordinary words match.
_SHORTEST_NAME = 3
#: Nor longer ones: no one is called that, and each would cost its length at every place in the text.
_LONGEST_NAME = 80


def _is_person(name: str) -> bool:
    """Whether a people field's value may be a person's name (not a group, an acronym or a date word)."""
    words = name.split()
    return (_SHORTEST_NAME <= len(name) <= _LONGEST_NAME and not name.startswith("@")
            and words[-1].casefold() not in _GROUP_WORDS and not name.isupper()
            and not (len(words) == 1 and name.casefold() in _CALENDAR_WORDS))


def people_named(record: Record, config: SitrepConfig) -> tuple[str, ...]:
    """The people a record names in its people fields: an incident's commander, tech lead, comms lead
    and scribe; a postmortem's authors and action-item owners (as ``people`` in mkdocs.yml names them).

    Groups ("Platform team", "SRE"), month and weekday words and handles (looked for as any
    ``@handle``) are left out.
    """
    from sitrep.text.postmortem import action_items_in

    if isinstance(record, Incident):
        names = list(record.roles.values())
    elif isinstance(record, Postmortem):
        owners = (config.person(item.owner) for item in action_items_in(record.body, record.body_line))
        names = [*record.authors, *(o for o in owners if o)]
    else:
        return ()
    return tuple(dict.fromkeys(n.strip() for n in names if _is_person(n.strip())))


def public_prose(record: Record, rf: RecordFile | None = None) -> tuple[tuple[int, str], ...]:
    """(first line, text) of each stretch of what customers read of a public record, for
    :func:`check_public_names`; a stretch's text may span lines (its line breaks kept).

    A ``visibility: public`` postmortem: its body, action items aside (the public edition shows them
    only when ``public_pages`` lists them, owners and all). A public incident or maintenance: its title,
    each update's message (the status page, the feeds, the API and customer email) and its body, each
    front matter value from its own lines of ``rf`` (a message may span several). Nothing for others.
    """
    from sitrep.text.postmortem import prose_lines

    if isinstance(record, Postmortem) and record.visibility == "public":
        return _stretches(prose_lines(record.body, record.body_line, leave_out=("action_items",)))
    if not isinstance(record, Incident) or record.visibility != "public" or rf is None:
        return ()
    file_lines = rf.text.split("\n", rf.end_line)[:rf.end_line]  # the front matter, not the body
    key_lines = sorted({*rf.lines.values(), rf.end_line})
    found: list[tuple[int, str]] = []
    for k in range(-1, len(record.updates)):
        first = rf.lines.get(("title",) if k < 0 else ("updates", k, "message"))
        if first is None or first > len(file_lines):
            continue
        last = key_lines[bisect.bisect_right(key_lines, first)] if first < key_lines[-1] else first + 1
        value = file_lines[first - 1].partition(":")[2].rstrip("\r")  # the key's colon: keys have none
        if last == first + 1:  # most values: one line
            found.append((first, value))
            continue
        # Comment lines are no part of the value; kept empty so that line numbers stay right.
        rows = [value, *("" if row.lstrip().startswith("#") else row.rstrip("\r")
                         for row in file_lines[first:min(last, len(file_lines) + 1) - 1])]
        found.append((first, "\n".join(rows)))
    body = record.body.rstrip()
    if body and "`" not in body and "~~~" not in body and "<!--" not in body:
        found.append((record.body_line, body))  # no code or comment in it: all of it is read
    elif body:
        found += _stretches(prose_lines(record.body, record.body_line))
    return tuple(found)


def _stretches(lines: Iterable[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    """Consecutive (line, text) lines as one stretch each: fewer, longer texts to look through."""
    out: list[tuple[int, list[str]]] = []
    for number, text in lines:
        if out and out[-1][0] + len(out[-1][1]) == number:
            out[-1][1].append(text)
        else:
            out.append((number, [text]))
    return tuple((number, "\n".join(texts)) for number, texts in out)


def _names_pattern(names: Iterable[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a quick look for a name's words or an '@', a person's name or an ``@handle``).

    Names longest first, so "Priya Raman" is reported rather than a "Priya" also listed; a name
    may wrap. The quick look has no lookbehind, so the regex engine skips ahead to a possible first
    letter: ten times faster over text that names no one, which is most of it.
    """
    parts = [r"\s+".join(map(re.escape, n.split())) for n in sorted(set(names), key=lambda n: (-len(n), n))]
    named = r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)|" if parts else ""
    return re.compile("|".join([*parts, "@"])), re.compile(named + _HANDLE.pattern)


def _component_spans(config: SitrepConfig) -> re.Pattern[str] | None:
    """Component names (any case) and ids (as written) in a text: a person's name inside one ("Atlas"
    in "Atlas search") is not a person."""
    def alternatives(words: Iterable[str]) -> str:
        ordered = sorted({w for w in words if w.strip()}, key=lambda w: (-len(w), w))
        return "|".join(r"\s+".join(map(re.escape, w.split())) for w in ordered)

    if not config.components:
        return None
    names, ids = alternatives(c.name for c in config.components), alternatives(c.id for c in config.components)
    return re.compile(r"(?<![\w-])(?:(?i:" + names + r")|" + ids + r")(?![\w-])")


#: What each kind of public record reaches, and how to keep a name out of it.
_PUBLIC_NAMES_MESSAGES = {
    "postmortem": ("named in a public postmortem (public postmortems are read by customers): describe roles, "
                   "not people (e.g. 'the incident commander'), or keep the postmortem internal (visibility: "
                   "internal)"),
    "incident": ("named in a public incident (its title, update messages and description reach the status "
                 "page, the feeds, the API and customer email): describe roles, not people (e.g. 'our "
                 "engineers', 'the on-call engineer'), or keep the incident internal (visibility: internal)"),
}


def check_public_names(public: Iterable[tuple[str, str, tuple[tuple[int, str], ...]]], names: Iterable[str],
                       config: SitrepConfig, diags: Diagnostics) -> None:
    """Warn, on the line, where a public postmortem or incident names a person: a name from any record's
    people fields or from ``people`` in mkdocs.yml, or an ``@handle``.

    ``public``: (kind, path, lines from :func:`public_prose`) of each record; ``names``: every
    record's :func:`people_named`. A name within a component's name or id is not one. The text is
    the team's words and is not changed: the fix is theirs.
    """
    quick, pattern = _names_pattern([*names, *(n.strip() for n in config.people.values()
                                               if _is_person(n.strip()))])
    components: re.Pattern[str] | bool | None = False  # built when a record first names someone
    for kind, path, stretches in public:
        if not stretches:
            continue
        text = "\n".join(t for _, t in stretches)
        if quick.search(text) is None:  # most records name no one: one quick pass, nothing else
            continue
        matches = list(pattern.finditer(text))
        if not matches:
            continue
        if components is False:
            components = _component_spans(config)
        taken = [m.span() for m in components.finditer(text)] if components else []
        starts = list(itertools.accumulate((len(t) + 1 for _, t in stretches[:-1]), initial=0))
        found: dict[int, list[str]] = {}
        # Lines counted on from the previous name, not from its stretch's start for each name (a stretch
        # naming someone on each of its thousands of lines made that quadratic).
        counted_k, counted_to, line = -1, 0, 0
        for match in matches:  # on the line a name starts on, in reading order
            if any(a <= match.start() and match.end() <= b for a, b in taken):
                continue
            k = bisect.bisect_right(starts, match.start()) - 1
            if k != counted_k:
                counted_k, counted_to, line = k, starts[k], stretches[k][0]
            line += text.count("\n", counted_to, match.start())
            counted_to = match.start()
            name = " ".join(match.group(0).split())
            if name not in found.setdefault(line, []):
                found[line].append(name)
        for line, people in sorted(found.items()):
            diags.warning(path, line, "public-names",
                          f"{', '.join(quoted(p) for p in people)} {_PUBLIC_NAMES_MESSAGES[kind]}")
