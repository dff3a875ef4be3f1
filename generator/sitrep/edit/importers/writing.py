"""From imported data to record files: render, flag, remember, write (or only say what would be written).

What an importer reads becomes :class:`ImportedIncident` values; :func:`write_imports`
turns each into a record file and keeps a ledger (``.sitrep-import/<source>.json``:
source id -> file and the hash of the bytes written) so that

* a re-import adds only what is new (or what changed at the source, when the file
  is still exactly as imported) and is a no-op otherwise;
* a record someone edited (or deleted) since the import is never overwritten (or
  re-created): it is listed as kept;
* a record that cannot be valid (an incident that ends before it starts, one
  without timestamps) is written as the source has it, with the problems in a
  comment at the top of its front matter for a human, and listed in the summary.
  Nothing is dropped and nothing is "fixed": ``sitrep validate`` reports it until
  someone does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path, PurePosixPath

from annotated_types import MaxLen

from sitrep.edit.scaffold import create_file, incident_stem, postmortem_stem, render_document, unique_stem
from sitrep.edit.updates import check_text
from sitrep.edit.yaml_text import format_timestamp, message_lines, yaml_scalar
from sitrep.load.discovery import discover, record_folder
from sitrep.load.reader import read_record
from sitrep.model.config import Component, SitrepConfig
from sitrep.model.diagnostics import Diagnostics
from sitrep.model.exceptions import ImportRefused
from sitrep.model.files import write_atomically
from sitrep.model.formatting import slugify
from sitrep.model.records import Incident, Postmortem
from sitrep.text.postmortem import REQUIRED_FOR_PUBLISHED, SECTION_NAMES, parse_sections

#: Where the ledgers live, relative to the portal root (commit it with the records).
LEDGER_DIR = ".sitrep-import"
#: How the sources are named in files and messages.
SOURCE_NAMES = {"statuspage": "Statuspage", "cstate": "cState", "upptime": "Upptime"}

@dataclass
class ImportedUpdate:
    """One update as the source has it; ``at`` None when the source gives no time."""

    at: datetime | None
    status: str
    message: str
    #: Impact changes from this update on (component id -> impact, or operational).
    components: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportedPostmortem:
    """A postmortem as the source has it: ``published`` ones are written public and published (with the
    sections a published postmortem needs that the source's text lacks, each saying so), the others as
    internal drafts (the source never showed them to customers)."""

    title: str
    date: date
    body: str
    published: bool


@dataclass
class ImportedIncident:
    """An incident or maintenance as read from the source, before any rendering."""

    source_id: str
    kind: str  # "incident" | "maintenance"
    title: str
    severity: str | None
    started: datetime | None
    resolved: datetime | None
    components: dict[str, str]
    updates: list[ImportedUpdate]
    body: str = ""
    scheduled_start: datetime | None = None
    scheduled_end: datetime | None = None
    postmortem: ImportedPostmortem | None = None
    #: Problems the importer saw that the validator could not know (e.g. an unparsable time).
    notes: list[str] = field(default_factory=list)
    #: Why it is not written at all (it is not an incident: a cState announcement); listed in the summary.
    skipped: str | None = None
    #: When customer impact ended, when the source says so apart from the resolution.
    mitigated: datetime | None = None

    @property
    def day(self) -> date | None:
        """The UTC date its file is named after (as ``sitrep new`` names records): when it started (or was
        first updated)."""
        first = self.started or self.scheduled_start or next((u.at for u in self.updates if u.at), None)
        return first.astimezone(UTC).date() if first else None


@dataclass
class Outcome:
    """What happened (or would happen, in a dry run) to one record."""

    action: str  # new | updated | unchanged | kept-edited | kept-deleted | skipped (path: the source's id)
    path: str
    title: str
    problems: list[str] = field(default_factory=list)


@dataclass
class Summary:
    source: str
    outcomes: list[Outcome] = field(default_factory=list)
    #: The portal's first day (``since``) when the imported history starts before it, and that start.
    earlier_history: tuple[date, date] | None = None

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def flagged(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.problems and o.action in ("new", "updated")]

    def render(self, dry_run: bool) -> str:
        """The summary printed at the end (and, for a dry run, every file that would be written)."""
        verb = "would write" if dry_run else "wrote"
        lines = []
        if dry_run:
            lines += [f"{o.action}: {o.path}  ({o.title})" for o in self.outcomes if o.action in ("new", "updated")]
        kept = [o for o in self.outcomes if o.action.startswith("kept")]
        lines += [f"kept: {o.path} ({'edited' if o.action == 'kept-edited' else 'deleted'} since the last import; "
                  "not overwritten)" for o in kept]
        skipped = [o for o in self.outcomes if o.action == "skipped"]
        lines += [f"skipped: {o.path} ({o.title}): {'; '.join(o.problems)}" for o in skipped]
        lines.append(f"sitrep import {self.source}: {verb} {self.count('new')} new and {self.count('updated')} "
                     f"updated records; {self.count('unchanged')} unchanged, {len(kept)} kept as edited"
                     + (f"; {len(skipped)} skipped" if skipped else ""))
        if self.flagged:
            many = len(self.flagged) != 1
            lines.append(f"{len(self.flagged)} record{'s' if many else ''} cannot be valid as the source has "
                         f"{'them' if many else 'it'}: written with the problem in a comment at the top, for a "
                         "human to fix (sitrep validate lists them):")
            lines += [f"  {o.path}: {'; '.join(o.problems)}" for o in self.flagged]
        if self.earlier_history is not None:
            since, first = self.earlier_history
            lines.append(f"The uptime bars count from the portal's first day, since: {since.isoformat()} in "
                         f"mkdocs.yml, and show the days before it as \"no data\": to show this history in "
                         f"them, set since: {first.isoformat()} (the first imported day).")
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- component tables


@dataclass
class SourceComponent:
    """A component of the source, by its stable key (Statuspage id, cState name), with every name seen."""

    key: str
    names: list[str]
    #: Not a component of the source but a stand-in (incidents that name none): the table proposes the
    #: portal's first component for it and says why in the comment.
    stand_in: bool = False
    #: Deleted at the source (the history names it, the source's list of components no longer does): the
    #: day to retire it on, the day after the last incident naming it. None when in service, or not known.
    retired: date | None = None


def propose_components(found: Iterable[SourceComponent], config: SitrepConfig) -> dict[str, str]:
    """Source key -> Sitrep component id: a configured component whose id or name matches one of the
    names seen, else the slug of the latest name (a component to add to mkdocs.yml)."""
    by_name = {c.name.casefold(): c.id for c in config.components}
    proposal = {}
    for comp in found:
        if comp.stand_in and config.components:  # the first one in service
            proposal[comp.key] = next((c.id for c in config.components if c.retired is None), config.components[0].id)
            continue
        match = next((by_name.get(n.casefold()) or (slugify(n) if config.component(slugify(n)) else None)
                      for n in reversed(comp.names)
                      if by_name.get(n.casefold()) or config.component(slugify(n))), None)
        proposal[comp.key] = match or slugify(comp.names[-1] if comp.names else comp.key, fallback="component")
    return proposal


def table_text(source: str, found: Sequence[SourceComponent], mapping: Mapping[str, str],
               config: SitrepConfig) -> str:
    """The component table as a file to review: one ``key: sitrep-id  # names seen`` line each."""
    lines = [f"# {SOURCE_NAMES.get(source, source)} component -> Sitrep component id (one of mkdocs.yml's).",
             "# Proposed by sitrep import from the names seen in the history (after the #); review it,",
             "# then run the import again with --components pointing at this file."]
    for comp in found:
        target = mapping[comp.key]
        note = "" if config.component(target) else "  (not in mkdocs.yml yet)"
        if comp.retired is not None:
            note += _deleted_note(source, comp, config.component(target))
        lines.append(f"{yaml_scalar(comp.key)}: {yaml_scalar(target)}  # {'; '.join(comp.names)}{note}")
    if any(not config.component(mapping[c.key]) for c in found):
        lines.append("# Each line marked 'not in mkdocs.yml yet': map it to one of mkdocs.yml's components "
                     f"(ids: {', '.join(c.id for c in config.components) or 'none yet'}), or add it to mkdocs.yml "
                     "(the next run prints the lines to paste; then run sitrep sync). One "
                     f"{SOURCE_NAMES.get(source, source)} no longer shows gets 'retired: YYYY-MM-DD' too, the day it "
                     "was removed: its past incidents keep it, the status page does not show it.")
    return "\n".join(lines) + "\n"


def _deleted_note(source: str, comp: SourceComponent, target: Component | None) -> str:
    """The table's note on a component the source deleted: retire it (the day after its last incident)."""
    day = comp.retired.isoformat() if comp.retired else "YYYY-MM-DD"
    gone = f"  (deleted on {SOURCE_NAMES.get(source, source)}"
    if target is None:
        return f"{gone}: add it with 'retired: {day}')"
    if target.retired is None:
        return f"{gone}: give {target.id} 'retired: {day}' in mkdocs.yml, or map it to the one that took its place)"
    return f"{gone}; retired in mkdocs.yml)"


def retired_day(target: str, mapping: Mapping[str, str], found: Sequence[SourceComponent]) -> date | None:
    """The day to retire the portal component ``target`` on: when every source component mapped to it was
    deleted at the source, the latest of their days (None when one is in service, or none is known)."""
    sources = [c for c in found if mapping.get(c.key) == target and not c.stand_in]
    if not sources or any(c.retired is None for c in sources):
        return None
    return max(c.retired for c in sources if c.retired is not None)


def read_table(path: Path) -> dict[str, str]:
    """A component table written by :func:`table_text` (and perhaps edited): key -> component id."""
    diags = Diagnostics()
    raw = path.read_bytes()
    record = read_record(str(path), b"---\n" + raw + (b"" if raw.endswith(b"\n") else b"\n") + b"---\n", diags)
    if record is None or diags.has_errors:
        problems = "; ".join(d.message for d in diags.errors)
        raise ImportRefused(f"{path}: cannot read the component table: {problems}")
    bad = [k for k, v in record.data.items() if not isinstance(v, str) or not v.strip()]
    if bad:
        raise ImportRefused(f"{path}: each line must be 'source component: sitrep-component-id'; {bad[0]!r} maps to "
                            "no component: map it to one of mkdocs.yml's components, or add it to mkdocs.yml; "
                            "a component removed from the status page is added with 'retired: YYYY-MM-DD' (the "
                            "day it was removed: its past incidents keep it, the status page no longer shows it), "
                            "or maps to the one that took its place")
    return {str(k): v for k, v in record.data.items()}


def missing_components(mapping: Mapping[str, str], config: SitrepConfig,
                       found: Sequence[SourceComponent]) -> str | None:
    """A message asking to add unconfigured target components to mkdocs.yml, or None if all exist."""
    names = {c.key: c.names[-1] if c.names else c.key for c in found}
    missing = {}
    for key, target in mapping.items():
        if config.component(target) is None:
            missing.setdefault(target, names.get(key, key))
    if not missing:
        return None
    entries = ""
    for cid, name in missing.items():
        day = retired_day(cid, mapping, found)
        entries += f"        - id: {cid}\n          name: {yaml_scalar(name)}\n"
        entries += f"          retired: {day.isoformat()}\n" if day else ""
    deleted = any(retired_day(cid, mapping, found) for cid in missing)
    return ("these components are not in mkdocs.yml: add them under plugins: - sitrep: components: "
            "(or map them to existing ones in the component table); "
            + ("those deleted at the source have 'retired:' the day after their last incident, so their past "
               "incidents stay and the status page does not show them" if deleted else
               "one the status page no longer shows gets 'retired: YYYY-MM-DD' too, the day it was removed")
            + f":\n{entries}")


def deleted_in_service(mapping: Mapping[str, str], config: SitrepConfig, found: Sequence[SourceComponent],
                       source: str) -> str | None:
    """A message naming the components of mkdocs.yml in service that only stand for components the source
    deleted (they would show 'Operational' for ever), with the 'retired:' line each needs; None if none."""
    name = SOURCE_NAMES.get(source, source)
    lines = []
    for comp in config.components:
        day = retired_day(comp.id, mapping, found)
        if day is None or (comp.retired is not None and comp.retired >= day):
            continue
        gone = ", ".join(c.names[-1] if c.names else c.key for c in found if mapping.get(c.key) == comp.id)
        fix = (f"add 'retired: {day.isoformat()}'" if comp.retired is None else
               f"move 'retired: {comp.retired.isoformat()}' to {day.isoformat()}, after its last incident")
        lines.append(f"  {comp.id} ({comp.name}): {fix} (deleted on {name}: {gone})")
    if not lines:
        return None
    return (f"these components of mkdocs.yml stand only for components deleted on {name}, so the status page "
            "would show them in service for ever (or their last incidents would come after their retirement): "
            "retire each in mkdocs.yml (under plugins: - sitrep: components:, the day after its last incident; then "
            "run sitrep sync), or map them in the component table to the component that took their place:\n"
            + "\n".join(lines))


def component_mapping(source: str, found: Sequence[SourceComponent], config: SitrepConfig,
                      table: Path | None) -> dict[str, str] | None:
    """Source component -> Sitrep component id, from the reviewed ``table`` or proposed.

    With a ``table`` path that does not exist yet, the proposal is written there
    and None returned: the user reviews it and runs again. Without one, the
    proposal is used when every component matches mkdocs.yml.
    """
    if table is not None and table.exists():
        mapping = read_table(table)
        unmapped = [c for c in found if c.key not in mapping]
        if unmapped:
            lines = table_text(source, unmapped, propose_components(unmapped, config), config).splitlines()[3:]
            raise ImportRefused(f"{table} has no line for {len(unmapped)} component(s) of the history; add:\n"
                                + "\n".join(lines))
    else:
        mapping = propose_components(found, config)
        if table is not None:
            create_file(table, table_text(source, found, mapping, config))
            return None
        if any(config.component(target) is None for target in mapping.values()):
            raise ImportRefused("some components of the history match none in mkdocs.yml; run again with "
                                "--components components.yml to get a table to review")
    missing = missing_components(mapping, config, found)
    if missing:
        raise ImportRefused(missing)
    in_service = deleted_in_service(mapping, config, found, source)
    if in_service:
        raise ImportRefused(in_service)
    return mapping


# --------------------------------------------------------------------------- rendering


def _body(text: str) -> str:
    text = text.strip()
    return text + "\n" if text else ""


def _max_length(model: type, name: str) -> int:
    """A field's maximum length as the record model states it (the one place the limit is written)."""
    return next(m.max_length for m in model.__pydantic_fields__[name].metadata if isinstance(m, MaxLen))


#: The longest title a record may have (Statuspage allows 255 characters, other sources more).
TITLE_LIMIT = min(_max_length(Incident, "title"), _max_length(Postmortem, "title"))


def fit_title(title: str, limit: int = TITLE_LIMIT) -> tuple[str, str]:
    """``title`` cut at a word to fit ``limit`` (with "…"), and the whole title for the body ("" if it fits):
    a title too long for a record keeps every word, the rest in the record's description."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title, ""
    cut = title[:limit - 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return cut.rstrip(" ,;:.-") + "…", f"Full title: {title}"


def render_incident(inc: ImportedIncident, source: str, flags: Sequence[str] = ()) -> str:
    """The record file text of an imported incident, with ``flags`` as comment lines on top."""
    updates = [{"at": u.at, "status": u.status, "components": u.components,
                "message_lines": message_lines("message", u.message or "(no text in the source)", 4)}
               for u in inc.updates]
    title, whole = fit_title(inc.title or "(untitled)")
    body = "\n\n".join(part for part in (whole, inc.body.strip()) if part)
    return render_document("import/incident.md.j2",
        flags=_flag_lines(flags, source, inc.source_id), kind=inc.kind, title=title,
        severity=inc.severity, started=inc.started, mitigated=inc.mitigated, scheduled_start=inc.scheduled_start,
        scheduled_end=inc.scheduled_end, resolved=inc.resolved, components=inc.components,
        updates=updates, body=_body(body))


#: What a section a published postmortem needs says when the source's published text has none.
NOT_IN_SOURCE = "Not covered in the postmortem as published on {source}."


def published_body(body: str, source: str) -> str:
    """A postmortem the source published, with the sections a published postmortem needs: its text as
    written (under "Summary" unless it starts with a section of ours), then each missing section saying so."""
    lines = body.strip().splitlines()
    sections = parse_sections("\n".join(lines), 1)
    keys = {s.key for s in sections}
    ours = next((s.line - 1 for s in sections if s.key is not None), len(lines))
    if any(line.strip() for line in lines[:ours]):
        # Text before the first section of ours is the summary; its own headings become subheadings.
        heads = {s.line - 1 for s in sections if s.line - 1 < ours}
        lines = [f"## {SECTION_NAMES['summary']}", "",
                 *(f"#{line.lstrip()}" if n in heads else line for n, line in enumerate(lines[:ours])),
                 *lines[ours:]]
        keys.add("summary")
    text = "\n".join(lines)
    missing = [SECTION_NAMES[k] for k in REQUIRED_FOR_PUBLISHED if k not in keys]
    note = NOT_IN_SOURCE.format(source=SOURCE_NAMES.get(source, source))
    return text + "".join(f"\n\n## {name}\n\n{note}" for name in missing)


def render_postmortem(pm: ImportedPostmortem, incident_id: str, flags: Sequence[str], source: str,
                      source_id: str) -> str:
    """The postmortem file of an imported postmortem: public and published as the source published it,
    else an internal draft."""
    title, whole = fit_title(pm.title)
    body = published_body(pm.body, source) if pm.published else pm.body
    return render_document("import/postmortem.md.j2",
        flags=_flag_lines(flags, source, source_id), title=title, incident_ids=[incident_id], date=pm.date,
        authors=[f"Imported from {SOURCE_NAMES.get(source, source)}"],
        status="published" if pm.published else "draft", visibility="public" if pm.published else "internal",
        body=_body("\n\n".join(part for part in (whole, body.strip()) if part)))


def _flag_lines(flags: Sequence[str], source: str, source_id: str) -> list[str]:
    if not flags:
        return []
    name = SOURCE_NAMES.get(source, source)
    lines = [f"IMPORT PROBLEM: this record cannot be valid as {name} has it ({name} id {source_id}):"]
    lines += [f"  - {' '.join(flag.split())}" for flag in flags]
    lines.append("Check it against the original and fix it by hand, then delete these comment lines.")
    return lines


def _problems(kind: str, rel: str, text: str, config: SitrepConfig) -> list[str]:
    """Errors ``sitrep validate`` would report for this one file (references aside)."""
    _, _, diags = check_text(kind, rel, text, config)
    return [d.message for d in diags.errors]


# --------------------------------------------------------------------------- writing


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Ledger:
    """Source id -> (path, hash of the bytes written) of one source's previous imports."""

    def __init__(self, root: Path, source: str):
        self.path = root / LEDGER_DIR / f"{source}.json"
        try:
            self.entries: dict[str, dict[str, str]] = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.entries = {}
        except (OSError, ValueError) as exc:
            raise ImportRefused(f"{self.path} cannot be read ({exc}); restore it from git, or remove it to "
                               "import everything again as new files") from None

    def save(self) -> None:
        write_atomically(self.path, (json.dumps(self.entries, indent=1, sort_keys=True) + "\n").encode("utf-8"))


class _Writer:
    def __init__(self, root: Path, config: SitrepConfig, source: str, dry_run: bool):
        self.root, self.config, self.source, self.dry_run = root, config, source, dry_run
        self.ledger = Ledger(root, source)
        self.taken: dict[str, set[str]] = {}  # kind -> ids in use (ids are unique within a kind)
        for kind, rel in discover(root):
            self.taken.setdefault(kind, set()).add(PurePosixPath(rel).stem)
        self.summary = Summary(source)

    def put(self, key: str, kind: str, title: str, folder: str, stem: str,
            render: Callable[[str, list[str]], str], notes: Sequence[str] = ()) -> str:
        """Write one record (``render(rel, flags) -> text``); returns its path relative to the root."""
        entry = self.ledger.entries.get(key)
        if entry is not None:
            rel = entry["path"]
            path = self.root / rel
            if not path.exists():
                self.summary.outcomes.append(Outcome("kept-deleted", rel, title))
                return rel
            current = path.read_bytes()
            if _digest(current) != entry["sha256"]:
                self.summary.outcomes.append(Outcome("kept-edited", rel, title))
                return rel
        else:
            taken = self.taken.setdefault(kind, set())
            stem = unique_stem(stem, taken)
            taken.add(stem)
            rel = f"{folder}/{stem}.md"
        text = render(rel, list(notes))
        problems = [*notes, *_problems(kind, rel, text, self.config)]
        if len(problems) > len(notes):  # flag what the validator finds, in the file itself
            text = render(rel, problems)
        data = text.encode("utf-8")
        if entry is not None and _digest(data) == entry["sha256"]:
            self.summary.outcomes.append(Outcome("unchanged", rel, title))
            return rel
        self.summary.outcomes.append(Outcome("updated" if entry else "new", rel, title, problems))
        if not self.dry_run:
            path = self.root / rel
            if entry is None:
                create_file(path, text)
            else:
                write_atomically(path, data)
            self.ledger.entries[key] = {"path": rel, "sha256": _digest(data)}
        return rel


def write_imports(root: Path, config: SitrepConfig, source: str, incidents: Iterable[ImportedIncident],
                  dry_run: bool = False) -> Summary:
    """Write (or, with ``dry_run``, only plan) one record per incident and maintenance, and postmortems.

    Records are taken oldest first, so the numbered names of same-day, same-title
    records (``-2``, ``-3``) do not depend on the order of the source's pages.
    """
    writer = _Writer(root, config, source, dry_run)
    ordered = []
    for inc in sorted(incidents, key=lambda i: (i.day or date.max, i.source_id)):
        if inc.skipped is not None:
            writer.summary.outcomes.append(Outcome("skipped", inc.source_id, inc.title, [inc.skipped]))
        else:
            ordered.append(inc)
    for inc in ordered:
        day = inc.day
        stem = incident_stem(day, inc.title, inc.kind)
        folder = record_folder("incident", day)
        rel = writer.put(inc.source_id, "incident", inc.title, folder, stem,
                         lambda _rel, flags, inc=inc: render_incident(inc, source, flags), inc.notes)
        if inc.postmortem is not None:
            pm = inc.postmortem
            incident_id = PurePosixPath(rel).stem

            def render_pm(pm_rel: str, flags: list[str], pm: ImportedPostmortem = pm,
                          incident_id: str = incident_id, source_id: str = inc.source_id) -> str:
                return render_postmortem(pm, incident_id, flags, source, source_id)

            writer.put(f"postmortem:{inc.source_id}", "postmortem", pm.title, record_folder("postmortem"),
                       postmortem_stem(incident_id, pm.date), render_pm)
    if not dry_run:
        writer.ledger.save()
    first = min((inc.day for inc in ordered if inc.day is not None), default=None)
    if first is not None and config.since is not None and first < config.since:
        writer.summary.earlier_history = (config.since, first)
    return writer.summary


def parse_time(value: object, zone: tzinfo | None = None) -> datetime | None:
    """An ISO 8601 time from a source; None when missing or unreadable.

    A time without an offset is read in ``zone`` when given (cState writes such
    times), else it is unreadable: Sitrep never guesses an offset.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone) if zone is not None else None
    return moment


def stamp(moment: datetime | None) -> str:
    return format_timestamp(moment) if moment else "(none)"
