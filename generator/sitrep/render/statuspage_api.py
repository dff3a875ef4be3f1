"""A static copy of the Atlassian Statuspage public API v2 (``/api/v2/*.json``).

Tools that already poll Statuspage pages (Slack integrations, dashboards,
status aggregators) can point at this site unchanged. Shapes follow the
documented v2 objects; strict clients exist, so every key is always present
(``null`` rather than missing) and every enum stays within Statuspage's values.

Ids: Statuspage ids are 12 lowercase alphanumeric characters.
:func:`statuspage_id` derives them from our own stable ids (never titles or
names), so they survive rebuilds, renames of display names and new updates.

Mapping decisions:

* ``created_at`` of an incident is its first update (when it was published);
  ``started_at`` is when impact began.
* component ``created_at`` is the earliest time in the data (we do not record
  when a component was added); ``updated_at`` is the latest update of any record
  affecting it.
* ``affected_components`` is listed on the update that put components into
  their impact (the first update of an incident, the first in_progress update
  of a maintenance) and on the one that restored them; ``null`` on the others.
* an incident with a published postmortem is reported as ``postmortem``, like
  Statuspage does once one is attached.
* maintenance status follows its window (see :func:`sitrep.derive.status.current_status`).
* a retired component is gone from ``components`` (summary.json, components.json, and each
  incident's ``components``), as Statuspage removes a deleted component; the updates'
  ``affected_components`` keep naming it (code and name), as Statuspage's updates keep the text
  of what they affected.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sitrep.derive.state import PortalState
from sitrep.model.config import Component, SitrepConfig, by_group
from sitrep.model.formatting import dump_json, safe_text, to_utc
from sitrep.model.records import Incident, Update, newest_first, update_repeats
from sitrep.model.vocabulary import CLOSING_STATUSES, COMPONENT_STATUSES, INCIDENT_STATUSES, MAINTENANCE_STATUSES
from sitrep.render.urls import API_DIR, API_SUMMARY, urls_for

LIST_LIMIT = 50
ID_LENGTH = 12
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
#: Statuspage's own words where they differ from ours: its incident statuses add "postmortem",
#: and an incident's impact is an indicator, not a component status.
STATUSPAGE_INCIDENT_STATUSES = (*INCIDENT_STATUSES, "postmortem")
STATUSPAGE_IMPACTS = ("none", "minor", "major", "critical", "maintenance")


def statuspage_id(kind: str, key: str) -> str:
    """A stable 12-character lowercase base36 id for ``kind:key``.

    ``kind`` namespaces the key ("page", "component", "group", "incident",
    "update") so an incident and a component with the same id never share one.
    """
    digest = hashlib.blake2b(f"{kind}:{key}".encode(), digest_size=8).digest()
    number = int.from_bytes(digest, "big") % (36**ID_LENGTH)
    chars = []
    for _ in range(ID_LENGTH):
        number, rest = divmod(number, 36)
        chars.append(_ALPHABET[rest])
    return "".join(reversed(chars))


def sp_time(at: datetime | None) -> str | None:
    """Statuspage's timestamp form: UTC, milliseconds, Z (``2026-02-10T14:40:00.000Z``)."""
    if at is None:
        return None
    u = to_utc(at)
    return f"{u:%Y-%m-%dT%H:%M:%S}.{u.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class _Context:
    """What every object builder needs, computed once per build."""

    state: PortalState
    page: dict[str, Any]
    components: list[dict[str, Any]]
    #: Our component id -> its object, retired components included (for ``affected_components``).
    by_component: dict[str, dict[str, Any]]
    #: The ids of the listed components, in configured order (an incident's ``components``).
    listed: tuple[str, ...]


# --- page and components ---------------------------------------------------------
def _page(config: SitrepConfig, updated: datetime) -> dict[str, Any]:
    return {
        "id": statuspage_id("page", config.site_url),
        "name": safe_text(config.site_name),
        "url": config.site_url,
        "time_zone": "Etc/UTC",
        "updated_at": sp_time(updated),
    }


def _component(comp: Component, status: str, position: int, page_id: str, created: datetime,
               updated: datetime) -> dict[str, Any]:
    return {
        "id": statuspage_id("component", comp.id),
        "name": safe_text(comp.name),
        "status": status,
        "created_at": sp_time(created),
        "updated_at": sp_time(updated),
        "position": position,
        "description": safe_text(comp.description) if comp.description else None,
        "showcase": True,  # every component gets uptime bars on our status page
        "start_date": None,
        "group_id": statuspage_id("group", comp.group) if comp.group else None,
        "page_id": page_id,
        "group": False,
        "only_show_if_degraded": False,
    }


def _group(name: str, status: str, children: list[dict[str, Any]], position: int, page_id: str) -> dict[str, Any]:
    """A component group: Statuspage lists it among components, with its children's ids."""
    return {
        "id": statuspage_id("group", name),
        "name": safe_text(name),
        "status": _valid(status, COMPONENT_STATUSES, "operational"),
        "created_at": min(c["created_at"] for c in children),
        "updated_at": max(c["updated_at"] for c in children),
        "position": position,
        "description": None,
        "showcase": False,
        "start_date": None,
        "group_id": None,
        "page_id": page_id,
        "group": True,
        "only_show_if_degraded": False,
        "components": [c["id"] for c in children],
    }


def _components(state: PortalState, page_id: str,
                created: datetime) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The listed components in the status page's order (:func:`by_group`: each group just before its
    members); and a lookup by our id of every configured component (retired ones too)."""
    portal, statuses = state.portal, state.statuses
    by_id: dict[str, dict[str, Any]] = {}
    members: dict[str, list[dict[str, Any]]] = {}
    for comp in portal.config.components:
        status = _valid(statuses.get(comp.id), COMPONENT_STATUSES, "operational")
        by_id[comp.id] = _component(comp, status, 0, page_id, created, state.component_updated[comp.id] or created)
        if comp.group and comp.id not in state.retired:
            members.setdefault(comp.group, []).append(by_id[comp.id])
    ordered: list[dict[str, Any]] = []
    for group, comps in by_group(state.components):  # as the status page lists them
        if group:
            ordered.append(_group(group, state.group_statuses[group], members[group], 0, page_id))
        ordered += [by_id[comp.id] for comp in comps]
    for position, obj in enumerate(ordered, start=1):
        obj["position"] = position
    return ordered, by_id


def _valid(value: str | None, allowed: tuple[str, ...], fallback: str) -> str:
    """Keep enums inside Statuspage's values even for a record that failed validation."""
    return value if value in allowed else fallback


# --- incidents and maintenances --------------------------------------------------
def _status(ctx: _Context, inc: Incident) -> str:
    status = ctx.state.of(inc).current_status
    if inc.is_maintenance:
        return _valid(status, MAINTENANCE_STATUSES, "scheduled")
    if status == "resolved" and any(p.status == "published" for p in ctx.state.portal.postmortems_for(inc.id)):
        return "postmortem"
    return _valid(status, STATUSPAGE_INCIDENT_STATUSES, "investigating")


def _affected(ctx: _Context, changes: Iterable[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """Statuspage's ``affected_components`` from (component id, old status, new status)."""
    out = []
    for cid, old, new in changes:
        comp = ctx.by_component.get(cid)
        if comp is None or old == new:
            continue  # not a configured component: nothing a client could look up
        out.append({"code": comp["id"], "name": comp["name"],
                    "old_status": _valid(old, COMPONENT_STATUSES, "major_outage"),
                    "new_status": _valid(new, COMPONENT_STATUSES, "major_outage")})
    return out


def _impact_change(update: Update, before: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(component, old, new) for each component whose impact ``update`` changes (``before``: the impact
    the updates before it left)."""
    return [(cid, before.get(cid, "operational"), new) for cid, new in (update.components or {}).items()]


def _impact_updates(inc: Incident) -> tuple[Update | None, Update | None]:
    """The updates that started and ended the impact on components (see module docstring)."""
    ordered = list(reversed(newest_first(inc.updates)))
    active = ("in_progress", "verifying", "completed") if inc.is_maintenance else None
    start = next((u for u in ordered if active is None or u.status in active), None)
    end = next((u for u in ordered if u.status in CLOSING_STATUSES), None)
    return start, end


def _update_ids(inc: Incident) -> dict[int, str]:
    """``id()`` of each update -> its id: ``update:<incident id>:<time>``.

    An update sharing its instant with another adds its status, and the second,
    third… at the same second with the same status add ``:2``, ``:3``…, the
    repeat that makes its id unique in the record (:func:`~sitrep.model.records.update_repeats`).
    The keys predate that rule (ids of updates alone at their instant stay as published).
    """
    times = [sp_time(u.at) for u in inc.updates]
    sharing = Counter(times)
    return {id(u): statuspage_id("update", f"{inc.id}:{at}"
                                 + (f":{u.status}" if sharing[at] > 1 else "")
                                 + (f":{n}" if n > 1 else ""))
            for u, at, n in zip(inc.updates, times, update_repeats(inc.updates), strict=True)}


def _update(ctx: _Context, inc: Incident, update: Update, ids: tuple[str, str],
            impact: tuple[Update | None, Update | None], before: Mapping[str, str]) -> dict[str, Any]:
    """One update object; ``before``: the impact on the components the updates before it left."""
    affected = None
    if update is impact[1]:
        affected = _affected(ctx, ((cid, imp, "operational") for cid, imp in inc.latest_components.items()))
    elif update.components:
        affected = _affected(ctx, _impact_change(update, before))
        if update is impact[0]:  # impact starts and changes at once: the declared ones start too
            declared = [(cid, "operational", imp) for cid, imp in inc.components.items()
                        if cid not in update.components]
            affected = _affected(ctx, declared) + affected
    elif update is impact[0]:
        affected = _affected(ctx, ((cid, "operational", imp) for cid, imp in inc.components.items()))
    allowed = MAINTENANCE_STATUSES if inc.is_maintenance else STATUSPAGE_INCIDENT_STATUSES
    at = sp_time(update.at)
    return {
        "id": ids[0],
        "status": _valid(update.status, allowed, allowed[0]),
        "body": safe_text(update.message),
        "incident_id": ids[1],
        "created_at": at,
        "updated_at": at,
        "display_at": at,
        "affected_components": affected,
        "deliver_notifications": True,
        "custom_tweet": None,
        "tweet_id": None,
    }


def _first_at(inc: Incident, status: str) -> datetime | None:
    return min((u.at for u in inc.updates if u.status == status), default=None)


def _incident(ctx: _Context, inc: Incident) -> dict[str, Any]:
    """One incident (or maintenance) object, updates newest first like Statuspage."""
    incident_id = statuspage_id("incident", inc.id)
    impact_updates = _impact_updates(inc)
    updates = newest_first(inc.updates)
    update_ids = _update_ids(inc)
    # The impact before each update: what the one before it left (read once from the state, not by a pass
    # over the earlier updates for each one).
    as_of = ctx.state.of(inc).as_of_updates
    before = {id(u): as_of[n - 1][1] if n else inc.components for n, u in enumerate(inc.updates)}
    obj: dict[str, Any] = {
        "id": incident_id,
        "name": safe_text(inc.title),
        "status": _status(ctx, inc),
        "created_at": sp_time(min(u.at for u in inc.updates)),
        "updated_at": sp_time(inc.last_updated),
        "monitoring_at": sp_time(_first_at(inc, "monitoring")),
        "resolved_at": sp_time(inc.resolved_at),
        "impact": _valid(ctx.state.of(inc).impact, STATUSPAGE_IMPACTS, "none"),
        "shortlink": urls_for(ctx.state.portal.config.site_url).incident(inc.id),
        "started_at": sp_time(inc.start),
        "page_id": ctx.page["id"],
        "incident_updates": [_update(ctx, inc, u, (update_ids[id(u)], incident_id), impact_updates,
                                     before[id(u)]) for u in updates],
        "components": [ctx.by_component[cid] for cid in ctx.listed if cid in ctx.state.of(inc).worst_components],
    }
    if inc.is_maintenance:
        obj["scheduled_for"] = sp_time(inc.scheduled_start or inc.start)
        obj["scheduled_until"] = sp_time(inc.scheduled_end)
    return obj


# --- selections ------------------------------------------------------------------
def _recent(incidents: list[Incident], limit: int | None = LIST_LIMIT) -> list[Incident]:
    """Most recent first (by start), at most ``limit``."""
    return sorted(incidents, key=lambda i: (to_utc(i.start), i.id), reverse=True)[:limit]


def _by_schedule(maintenances: list[Incident]) -> list[Incident]:
    """Soonest window first."""
    return sorted(maintenances, key=lambda m: (to_utc(m.scheduled_start or m.start), m.id))


def _context(state: PortalState) -> _Context:
    portal = state.portal
    updated = state.latest_update or to_utc(state.now)
    created = min((to_utc(u.at) for i in portal.incidents for u in i.updates), default=updated)
    page = _page(portal.config, updated)
    components, by_component = _components(state, page["id"], created)
    return _Context(state, page, components, by_component, tuple(c.id for c in state.components))


def build_api(state: PortalState) -> dict[str, bytes]:
    """The Statuspage v2 JSON files under ``api/v2/``, keyed by site-relative path."""
    portal = state.portal
    ctx = _context(state)
    incidents = [i for i in portal.incidents if not i.is_maintenance]
    maintenances = [i for i in portal.incidents if i.is_maintenance]
    # every open incident, however many: a client polling for outages must never miss one
    unresolved = [_incident(ctx, i) for i in _recent(incidents, limit=None) if not i.is_resolved]
    upcoming = [_incident(ctx, m) for m in _by_schedule(maintenances) if state.of(m).maintenance_state == "scheduled"]
    active = [_incident(ctx, m) for m in _by_schedule(maintenances) if state.of(m).maintenance_state == "in_progress"]
    overall = state.overall
    status = {"indicator": _valid(overall.indicator, STATUSPAGE_IMPACTS, "none"), "description": overall.description}
    page = ctx.page
    files: dict[str, Any] = {
        API_SUMMARY: {"page": page, "components": ctx.components, "incidents": unresolved,
                      "scheduled_maintenances": active + upcoming, "status": status},
        API_DIR + "status.json": {"page": page, "status": status},
        API_DIR + "components.json": {"page": page, "components": ctx.components},
        API_DIR + "incidents.json": {"page": page, "incidents": [_incident(ctx, i) for i in _recent(incidents)]},
        API_DIR + "incidents/unresolved.json": {"page": page, "incidents": unresolved},
        API_DIR + "scheduled-maintenances.json": {
            "page": page,
            "scheduled_maintenances": [_incident(ctx, m) for m in _recent(maintenances)],
        },
        API_DIR + "scheduled-maintenances/upcoming.json": {"page": page, "scheduled_maintenances": upcoming},
        API_DIR + "scheduled-maintenances/active.json": {"page": page, "scheduled_maintenances": active},
    }
    return {path: dump_json(data) for path, data in files.items()}

