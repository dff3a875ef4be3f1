"""Read a cState ``content/issues/`` folder (Hugo pages with YAML front matter).

cState's fields and how they map (documented in the README):

* ``title`` -> ``title``; ``date`` -> ``started``; ``resolvedWhen`` -> ``resolved``
  (``resolved: true`` without ``resolvedWhen`` is flagged: there is no time to use);
* ``severity`` down / disrupted / notice -> impact major_outage / partial_outage /
  degraded_performance on every ``affected`` system, and the portal's first,
  second and third severity;
* the body's tracked updates (``*Investigating* - text {{< track "2021-08-25 17:15:00" >}}``)
  -> updates with those times and texts; without any, an ``investigating`` update at
  ``date`` and, when resolved, a ``resolved`` one at ``resolvedWhen``; the rest of the
  body stays the public description;
* cState writes times without an offset (Hugo reads them in the site's time zone):
  ``timezone`` says which one (UTC by default).

Files with ``section`` other than ``issue`` (if set) are not incidents and are skipped.
The front matter is read by :mod:`sitrep.load.reader`, like every record.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from sitrep.edit.importers.writing import (
    ImportedIncident,
    ImportedUpdate,
    SourceComponent,
    parse_time,
    stamp,
)
from sitrep.load.reader import read_record
from sitrep.model.config import SitrepConfig
from sitrep.model.diagnostics import Diagnostics
from sitrep.model.exceptions import ImportRefused
from sitrep.model.vocabulary import INCIDENT_STATUSES

#: cState severity -> (component impact, position of the portal's severity).
SEVERITIES = {"down": ("major_outage", 0), "disrupted": ("partial_outage", 1), "notice": ("degraded_performance", 2)}
_TRACKED = re.compile(r"^\*(?P<status>[^*\n]+)\*\s*[-–—:]\s*(?P<message>.*?)\s*"
                      r"\{\{<\s*track\s+\"(?P<at>[^\"]+)\"\s*>\}\}\s*$", re.MULTILINE | re.DOTALL)


def read_folder(folder: Path) -> list[tuple[str, dict[str, Any], str]]:
    """(file name, front matter, body) of every issue page in ``folder``."""
    if not folder.is_dir():
        raise ImportRefused(f"{folder} is not a folder: pass cState's content/issues/ folder")
    pages = []
    for path in sorted(folder.glob("*.md")):
        diags = Diagnostics()
        record = read_record(path.name, path.read_bytes(), diags)
        if record is None:
            problems = "; ".join(d.as_text() for d in diags.errors)
            raise ImportRefused(f"{path}: cannot read its front matter: {problems}")
        if record.data.get("section", "issue") != "issue":
            continue
        pages.append((path.name, record.data, record.body))
    return pages


def source_components(pages: list[tuple[str, dict[str, Any], str]]) -> list[SourceComponent]:
    """The systems the issues name (cState names systems; a rename is a new name)."""
    names = sorted({str(a) for _, data, _ in pages for a in data.get("affected") or [] if isinstance(a, str)},
                   key=str.lower)
    return [SourceComponent(name, [name]) for name in names]


def to_incident(name: str, data: dict[str, Any], body: str, mapping: dict[str, str], config: SitrepConfig,
                zone: tzinfo) -> ImportedIncident:
    """One cState issue page as an :class:`ImportedIncident`."""
    notes: list[str] = []
    impact, rank = SEVERITIES.get(str(data.get("severity", "")).lower(), (None, None))
    if impact is None:
        notes.append(f"severity {data.get('severity')!r} is not one of cState's down, disrupted, notice")
    severity = config.severities[min(rank, len(config.severities) - 1)].id if rank is not None else None
    started = parse_time(data.get("date"), zone)
    if data.get("date") and started is None:
        notes.append(f"date {data.get('date')!r} is not a time")
    resolved = parse_time(data.get("resolvedWhen"), zone) if data.get("resolved") is True else None
    updates: list[ImportedUpdate] = []
    for match in _TRACKED.finditer(body):
        status = match["status"].strip().lower()
        at = parse_time(match["at"], zone)
        if at is None:
            notes.append(f"the update {match['status']!r} has the time {match['at']!r}, which is not a time")
        updates.append(ImportedUpdate(at, status if status in INCIDENT_STATUSES else "identified",
                                      " ".join(match["message"].split())))
    description = _TRACKED.sub("", body).strip()
    updates.sort(key=lambda u: u.at or datetime.max.replace(tzinfo=zone))
    if not updates:
        updates.append(ImportedUpdate(started, "investigating", description.split("\n\n")[0] or str(data.get("title"))))
    if data.get("resolved") is True and not any(u.status == "resolved" for u in updates):
        if resolved is None:
            notes.append("cState marks it resolved but gives no resolvedWhen: the resolved update has no time")
        updates.append(ImportedUpdate(resolved, "resolved", "This incident has been resolved."))
    if started and resolved and resolved < started:
        notes.append(f"it was resolved ({stamp(resolved)}) before it started ({stamp(started)})")
    components = {mapping.get(str(a), str(a)): impact or "major_outage" for a in data.get("affected") or []}
    return ImportedIncident(
        source_id=name.removesuffix(".md"), kind="incident", title=str(data.get("title") or "").strip(),
        severity=severity, started=started, resolved=resolved, components=components, updates=updates,
        body=description, notes=notes,
    )


def read_incidents(pages: list[tuple[str, dict[str, Any], str]], mapping: dict[str, str], config: SitrepConfig,
                   zone: tzinfo) -> list[ImportedIncident]:
    return [to_incident(name, data, body, mapping, config, zone) for name, data, body in pages]
