"""Read Atlassian Statuspage data: public API files, Manage API exports, or the Manage API.

Accepted inputs (files, or folders of ``*.json``):

* the public API's ``/api/v2/incidents.json`` and ``/api/v2/scheduled-maintenances.json``
  (``{"incidents": [...]}``, ``{"scheduled_maintenances": [...]}``; these hold only the
  latest 50);
* pages of the Manage API's ``GET /v1/pages/{page_id}/incidents`` (a JSON list each),
  which hold the whole history;
* or the Manage API itself (:func:`fetch_manage_api`, paginated, with the key from
  ``STATUSPAGE_API_KEY``).

The same incident in several inputs is taken once (the copy updated last).

How the fields map (documented in the README):

* ``name`` -> ``title``; ``impact`` critical/major/minor/none -> the first, second,
  third and fourth severity of the portal (SEV1..SEV4 by default);
* ``started_at`` (else ``created_at``) -> ``started``; ``resolved_at`` -> ``resolved``;
  ``scheduled_for``/``scheduled_until`` -> a maintenance's ``scheduled_start``/``scheduled_end``;
* each ``incident_updates`` item -> an update (``display_at`` else ``created_at``;
  ``body`` kept as written); its ``affected_components`` (``old_status`` ->
  ``new_status``) give each component's impact when it first appears and every
  later change (an escalation in Statuspage becomes an update with ``components``);
  components listed on the incident but never in an update get the impact its
  ``impact`` implies; the ``postmortem`` status marks the postmortem's publication
  and is not an update;
* ``postmortem_body`` -> a postmortem (``published`` if it has the sections a
  published postmortem needs, else ``in-review``).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sitrep.edit.importers.writing import (
    ImportedIncident,
    ImportedPostmortem,
    ImportedUpdate,
    SourceComponent,
    parse_time,
    stamp,
)
from sitrep.model.config import SitrepConfig
from sitrep.model.exceptions import ImportRefused
from sitrep.model.vocabulary import CLOSING_STATUS, MAINTENANCE_IMPACT, UPDATE_IMPACTS

#: Statuspage's incident impact, most severe first: its position picks the portal's severity.
IMPACT_ORDER = ("critical", "major", "minor", "none")
#: The component impact implied by an incident's impact, for components no update describes.
IMPLIED_IMPACT = {"critical": "major_outage", "major": "partial_outage", "minor": "degraded_performance",
                  "none": "degraded_performance"}
API_KEY_VARIABLE = "STATUSPAGE_API_KEY"
PER_PAGE = 100


def read_files(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Incident and maintenance objects from JSON files and folders of them."""
    files: list[Path] = []
    for path in paths:
        files += sorted(path.glob("*.json")) if path.is_dir() else [path]
    found: list[dict[str, Any]] = []
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ImportRefused(f"{file}: not a readable JSON file ({exc})") from None
        found += _objects(data, str(file))
    return found


def _objects(data: Any, where: str) -> list[dict[str, Any]]:
    items = data.get("incidents", []) + data.get("scheduled_maintenances", []) if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ImportRefused(f"{where}: expected Statuspage incidents: a list of incident objects, or "
                            "{'incidents': [...]} / {'scheduled_maintenances': [...]} from the public API")
    return items


def fetch_manage_api(base_url: str, environ: Mapping[str, str] = os.environ,
                     timeout: float = 30) -> list[dict[str, Any]]:
    """Every incident of a page from the Manage API, ``base_url`` being ``…/v1/pages/{page_id}``.

    Pages of :data:`PER_PAGE` are read until one comes back short; the key is
    sent as ``Authorization: OAuth <key>`` and never printed.
    """
    key = environ.get(API_KEY_VARIABLE)
    if not key:
        raise ImportRefused(f"set {API_KEY_VARIABLE} to a Statuspage API key (Statuspage → your avatar → "
                            "API info) to read from the Manage API")
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        query = urllib.parse.urlencode({"page": page, "per_page": PER_PAGE})
        url = f"{base_url.rstrip('/')}/incidents?{query}"
        request = urllib.request.Request(url, headers={"Authorization": f"OAuth {key}",
                                                       "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                data = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            hint = " (check the key and the page id)" if exc.code in (401, 403, 404) else ""
            raise ImportRefused(f"Statuspage answered {exc.code} {exc.reason} for {url}{hint}") from None
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise ImportRefused(f"cannot read {url}: {exc}") from None
        items = _objects(data, url)
        found += items
        if len(items) < PER_PAGE:
            return found
        page += 1


def _newest_copies(objects: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id: dict[str, dict[str, Any]] = {}
    for obj in objects:
        key = str(obj.get("id") or obj.get("shortlink") or obj.get("name"))
        old = by_id.get(key)
        if old is None or str(obj.get("updated_at") or "") >= str(old.get("updated_at") or ""):
            by_id[key] = obj
    return list(by_id.values())


def source_components(objects: Iterable[dict[str, Any]]) -> list[SourceComponent]:
    """Every component the history names, by Statuspage id, with its names oldest first (renames)."""
    seen: dict[str, list[str]] = {}
    order: list[tuple[str, str, str]] = []  # (time, id, name)
    for obj in objects:
        at = str(obj.get("created_at") or "")
        for comp in obj.get("components") or []:
            if isinstance(comp, dict) and comp.get("id"):
                order.append((str(comp.get("updated_at") or at), str(comp["id"]), str(comp.get("name") or comp["id"])))
        for update in obj.get("incident_updates") or []:
            for comp in (update.get("affected_components") or []) if isinstance(update, dict) else []:
                if isinstance(comp, dict) and comp.get("code"):
                    when = str(update.get("display_at") or update.get("created_at") or at)
                    order.append((when, str(comp["code"]), str(comp.get("name") or comp["code"])))
    for _, key, name in sorted(order):
        names = seen.setdefault(key, [])
        if name in names:
            names.remove(name)
        names.append(name)  # latest name last
    return [SourceComponent(key, names) for key, names in sorted(seen.items(), key=lambda kv: kv[1][-1].lower())]


def _component_impact(status: Any) -> str | None:
    """A Statuspage component status as a Sitrep impact (None for a status Sitrep has no word for)."""
    return status if status in (*UPDATE_IMPACTS, MAINTENANCE_IMPACT) else None


def _severity(impact: Any, config: SitrepConfig) -> str | None:
    if impact not in IMPACT_ORDER or not config.severities:
        return None
    return config.severities[min(IMPACT_ORDER.index(impact), len(config.severities) - 1)].id


def to_incident(obj: dict[str, Any], mapping: Mapping[str, str], config: SitrepConfig) -> ImportedIncident:
    """One Statuspage incident or maintenance object as an :class:`ImportedIncident`."""
    maintenance = bool(obj.get("scheduled_for")) or obj.get("impact") == "maintenance"
    notes: list[str] = []

    def time_of(value: Any, what: str) -> datetime | None:
        moment = parse_time(value)
        if value and moment is None:
            notes.append(f"{what} {value!r} is not a time with a UTC offset")
        return moment

    raw_updates = [u for u in obj.get("incident_updates") or [] if isinstance(u, dict)]
    raw_updates.sort(key=lambda u: str(u.get("display_at") or u.get("created_at") or ""))
    current: dict[str, str] = {}
    declared: dict[str, str] = {}
    updates: list[ImportedUpdate] = []
    closing = (CLOSING_STATUS["maintenance" if maintenance else "incident"],)
    for n, raw in enumerate(u for u in raw_updates if u.get("status") != "postmortem"):
        status = str(raw.get("status") or "")
        update = ImportedUpdate(time_of(raw.get("display_at") or raw.get("created_at"), f"update {n + 1} time"),
                                status, str(raw.get("body") or "").strip())
        for comp in raw.get("affected_components") or []:
            if not isinstance(comp, dict) or not comp.get("code") or maintenance:
                continue
            cid = mapping.get(str(comp["code"]), str(comp["code"]))
            new = _component_impact(comp.get("new_status"))
            if new is None or current.get(cid, "operational") == new:
                continue
            current[cid] = new
            if not updates and new != "operational":
                declared[cid] = new  # the first update states the impact as declared
            elif not (new == "operational" and status in closing):  # resolution ends every impact anyway
                update.components[cid] = new
        updates.append(update)
    implied = "under_maintenance" if maintenance else IMPLIED_IMPACT.get(str(obj.get("impact")), "degraded_performance")
    for comp in obj.get("components") or []:
        if isinstance(comp, dict) and comp.get("id"):
            cid = mapping.get(str(comp["id"]), str(comp["id"]))
            if cid not in declared and not any(cid in u.components for u in updates):
                declared[cid] = implied
    started = time_of(obj.get("started_at") or obj.get("created_at"), "started_at")
    resolved = time_of(obj.get("resolved_at"), "resolved_at")
    if not (obj.get("created_at") or obj.get("started_at")) and not any(u.at for u in updates):
        notes.append("the source gives no time at all (no created_at, no update times)")
    if started and resolved and resolved < started:
        notes.append(f"it was resolved ({stamp(resolved)}) before it started ({stamp(started)})")
    postmortem = None
    if str(obj.get("postmortem_body") or "").strip():
        published_at = time_of(obj.get("postmortem_published_at"), "postmortem_published_at")
        day = (published_at or resolved or started or datetime.min).date()
        postmortem = ImportedPostmortem(f"Postmortem: {obj.get('name') or 'incident'}", day,
                                        str(obj["postmortem_body"]), published=published_at is not None
                                        or obj.get("status") == "postmortem")
    return ImportedIncident(
        source_id=str(obj.get("id") or obj.get("shortlink") or obj.get("name")),
        kind="maintenance" if maintenance else "incident",
        title=str(obj.get("name") or "").strip(),
        severity=None if maintenance else _severity(obj.get("impact"), config),
        started=None if maintenance else started,
        resolved=resolved,
        components=declared,
        updates=updates,
        scheduled_start=time_of(obj.get("scheduled_for"), "scheduled_for") if maintenance else None,
        scheduled_end=time_of(obj.get("scheduled_until"), "scheduled_until") if maintenance else None,
        postmortem=postmortem,
        notes=notes,
    )


def read_incidents(objects: Iterable[dict[str, Any]], mapping: Mapping[str, str],
                   config: SitrepConfig) -> list[ImportedIncident]:
    """Every incident and maintenance, each once, with component ids mapped."""
    return [to_incident(obj, mapping, config) for obj in _newest_copies(objects)]

