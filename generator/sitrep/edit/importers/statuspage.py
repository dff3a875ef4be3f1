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

* ``name`` -> ``title``; ``impact_override`` (else ``impact``) critical/major/minor/none ->
  the first, second, third and fourth severity of the portal (SEV1..SEV4 by default);
* ``started_at`` (else ``created_at``) -> ``started``; ``resolved_at`` -> ``resolved``;
  ``scheduled_for``/``scheduled_until`` -> a maintenance's ``scheduled_start``/``scheduled_end``;
* each ``incident_updates`` item -> an update, in the order of the times Statuspage shows
  (``display_at`` else ``created_at``; updates of the same time in the order they were
  posted, then in lifecycle order); ``body`` as its text: HTML (links, line breaks,
  emphasis, entities) becomes the plain text of Sitrep's messages, links as ``text (url)``;
  its ``affected_components`` (``old_status`` -> ``new_status``) give each component's
  impact when it first appears and every later change (an escalation in Statuspage
  becomes an update with ``components``); several Statuspage components mapped to one
  portal component count as the worst of them; components listed on the incident but
  never in an update get the impact its impact implies, and an incident that names no
  component gets the component the table gives :data:`NO_COMPONENT`; the ``postmortem``
  status marks the postmortem's publication and is not an update;
* an incident that Statuspage has resolved (``resolved_at``, or a closing ``status``) but
  whose updates never say so (a backfilled incident: one update, or none) gets a closing
  update saying it was added by the import (:data:`ADDED_CLOSING`); one with no update at
  all gets a first one as well (:data:`ADDED_FIRST`);
* ``postmortem_body`` -> a postmortem: published and public if Statuspage published it
  (``postmortem_published_at``, or the ``postmortem`` status), an internal draft if not.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
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
from sitrep.model.vocabulary import (
    CLOSING_STATUS,
    INCIDENT_STATUSES,
    MAINTENANCE_IMPACT,
    MAINTENANCE_STATUSES,
    UPDATE_IMPACTS,
    worst,
)

#: Statuspage's incident impact, most severe first: its position picks the portal's severity.
IMPACT_ORDER = ("critical", "major", "minor", "none")
#: The component impact implied by an incident's impact, for components no update describes.
IMPLIED_IMPACT = {"critical": "major_outage", "major": "partial_outage", "minor": "degraded_performance",
                  "none": "degraded_performance"}
API_KEY_VARIABLE = "STATUSPAGE_API_KEY"
PER_PAGE = 100
#: The component table's key for incidents and maintenance that name no component (old public API
#: exports have none; "No components were affected by this update."): a Sitrep record needs one.
NO_COMPONENT = "no-component"
#: The messages of the updates the import adds to a record whose updates do not say what Statuspage does.
ADDED_CLOSING = "Marked {status} in Statuspage, with no message (this update was added by sitrep import)."
ADDED_FIRST = "Entered in Statuspage with no update (this update was added by sitrep import)."
#: What to export, said in the messages about a file that is not one.
EXPORT_HINT = ("give the pages of the Manage API's GET /v1/pages/PAGE_ID/incidents (JSON lists of incidents), or the "
               "public /api/v2/incidents.json and /api/v2/scheduled-maintenances.json, as they are downloaded")


def read_files(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Incident and maintenance objects from JSON files and folders of them."""
    files: list[Path] = []
    for path in paths:
        files += sorted(path.glob("*.json")) if path.is_dir() else [path]
    found: list[dict[str, Any]] = []
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ImportRefused(f"{file}: not a readable JSON file ({exc}); {EXPORT_HINT}") from None
        found += _objects(data, str(file))
    return found


def _objects(data: Any, where: str) -> list[dict[str, Any]]:
    """The incident objects of one file or API page, each checked for the fields the import reads."""
    if isinstance(data, dict):
        keys = [k for k in ("incidents", "scheduled_maintenances") if k in data]
        if not keys:
            has = ", ".join(sorted(map(str, data))[:6]) or "nothing"
            raise ImportRefused(f"{where}: no incidents in this file (it has {has}); {EXPORT_HINT}")
        items: list[Any] = []
        for key in keys:
            if not isinstance(data[key], list):
                raise ImportRefused(f"{where}: '{key}' is not a list of incidents; {EXPORT_HINT}")
            items += data[key]
    elif isinstance(data, list):
        items = data
    else:
        raise ImportRefused(f"{where}: expected Statuspage incidents, got {type(data).__name__}; {EXPORT_HINT}")
    for n, item in enumerate(items, 1):
        _check_shape(item, f"{where}: item {n}")
    return items


_TEXT = (str, type(None))
_FIELDS = {"id": _TEXT, "name": _TEXT, "status": _TEXT, "impact": _TEXT, "impact_override": _TEXT,
           "created_at": _TEXT, "started_at": _TEXT, "updated_at": _TEXT, "resolved_at": _TEXT,
           "scheduled_for": _TEXT, "scheduled_until": _TEXT, "postmortem_body": _TEXT,
           "postmortem_published_at": _TEXT, "shortlink": _TEXT, "components": (list, type(None)),
           "incident_updates": (list, type(None))}
_UPDATE_FIELDS = {"id": _TEXT, "status": _TEXT, "body": _TEXT, "created_at": _TEXT, "display_at": _TEXT,
                  "affected_components": (list, type(None))}


def _check_shape(item: Any, where: str) -> None:
    """Refuse an item that is not a Statuspage incident, naming it and the field."""
    if not isinstance(item, dict) or not ("incident_updates" in item or "impact" in item):
        what = (f"{item.get('name')!r}, a component?" if isinstance(item, dict) and "position" in item
                else type(item).__name__ if not isinstance(item, dict) else "no incident_updates or impact")
        raise ImportRefused(f"{where} is not a Statuspage incident ({what}); {EXPORT_HINT}")
    name = f"{where} (id {item.get('id')!r}, {item.get('name')!r})"
    for key, types in _FIELDS.items():
        if not isinstance(item.get(key), types):
            raise ImportRefused(f"{name}: {key} is {type(item[key]).__name__}, not what Statuspage writes there; "
                                "correct it in the file or export the incidents again")
    for n, comp in enumerate(item.get("components") or [], 1):
        if not isinstance(comp, dict):
            raise ImportRefused(f"{name}: components item {n} is not a component object")
    for n, update in enumerate(item.get("incident_updates") or [], 1):
        fields = _UPDATE_FIELDS.items() if isinstance(update, dict) else ()
        bad = next((k for k, types in fields if not isinstance(update.get(k), types)), None)
        if not isinstance(update, dict) or bad:
            problem = f"{bad} is {type(update[bad]).__name__}" if bad else "not an update object"
            raise ImportRefused(f"{name}: incident_updates item {n}: {problem}; correct it in the file or export "
                                "the incidents again")
        if any(not isinstance(c, dict) for c in update.get("affected_components") or []):
            raise ImportRefused(f"{name}: incident_updates item {n}: affected_components must be objects")


def fetch_manage_api(base_url: str, environ: Mapping[str, str] = os.environ,
                     timeout: float = 30) -> list[dict[str, Any]]:
    """Every incident of a page from the Manage API, ``base_url`` being ``…/v1/pages/{page_id}``.

    Pages of :data:`PER_PAGE` are read until one comes back short; the key is
    sent as ``Authorization: OAuth <key>`` and never printed.
    """
    return _read_pages(base_url, "incidents", _objects, environ, timeout)


def fetch_components(base_url: str, environ: Mapping[str, str] = os.environ,
                     timeout: float = 30) -> list[dict[str, Any]]:
    """The page's components as they are now (the Manage API's ``GET …/v1/pages/{page_id}/components``): a
    component the history names that is not among them was deleted on Statuspage."""
    return _read_pages(base_url, "components", _components, environ, timeout)


def _components(data: Any, where: str) -> list[dict[str, Any]]:
    """The component objects of one page of the Manage API's component list, each checked for its id."""
    if not isinstance(data, list) or any(not isinstance(c, dict) or not isinstance(c.get("id"), str) for c in data):
        raise ImportRefused(f"{where}: not a list of Statuspage components (objects with an id); check the page id")
    return data


def _read_pages(base_url: str, resource: str, read: Any, environ: Mapping[str, str],
                timeout: float) -> list[dict[str, Any]]:
    """Every item of a Manage API list (``incidents``, ``components``), page by page until one comes back short."""
    key = environ.get(API_KEY_VARIABLE)
    if not key:
        raise ImportRefused(f"set {API_KEY_VARIABLE} to a Statuspage API key (Statuspage → your avatar → "
                            "API info) to read from the Manage API")
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        query = urllib.parse.urlencode({"page": page, "per_page": PER_PAGE})
        url = f"{base_url.rstrip('/')}/{resource}?{query}"
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
        items = read(data, url)
        found += items
        if len(items) < PER_PAGE:
            return found
        page += 1


def read_source(paths: Sequence[Path], url: str | None, environ: Mapping[str, str] = os.environ,
                timeout: float = 30) -> tuple[list[dict[str, Any]], list[dict[str, Any]] | None]:
    """What ``sitrep import statuspage`` reads: the incidents of the exported files (``paths``) and of the
    Manage API (``url``), and, from the Manage API, the page's components now (None without ``url``: files
    do not say which components were deleted). Pass both to :func:`source_components`."""
    objects = read_files(list(paths)) + (fetch_manage_api(url, environ, timeout) if url else [])
    return objects, (fetch_components(url, environ, timeout) if url else None)


_EPOCH = datetime.min.replace(tzinfo=UTC)


def _updated(obj: Mapping[str, Any]) -> datetime:
    return parse_time(obj.get("updated_at")) or _EPOCH


def _newest_copies(objects: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each incident once: the copy updated last, with the fields only an older (or as new) copy has.

    The public API's copies lack fields the Manage API's have (the postmortem, the impact
    override): an incident given both ways keeps them whichever comes first.
    """
    by_id: dict[str, dict[str, Any]] = {}
    for obj in objects:
        key = str(obj.get("id") or obj.get("shortlink") or obj.get("name"))
        old = by_id.get(key)
        if old is None:
            by_id[key] = obj
            continue
        newer, older = (obj, old) if _updated(obj) >= _updated(old) else (old, obj)
        by_id[key] = {**older, **{k: v for k, v in newer.items() if v is not None or k not in older}}
    return list(by_id.values())


def source_components(objects: Iterable[dict[str, Any]],
                      current: Iterable[Mapping[str, Any]] | None = None) -> list[SourceComponent]:
    """Every component the history names, by Statuspage id, with its names oldest first (renames).

    With ``current``, the page's components now (:func:`fetch_components`), a component the history
    names that is not among them was deleted on Statuspage: it is ``retired`` the day after the last
    incident or maintenance naming it ended (its last update, or its resolution), so its incidents
    stay valid and the status page does not show it in service for ever.
    """
    seen: dict[str, list[str]] = {}
    order: list[tuple[datetime, str, str]] = []  # (time, id, name)
    last_seen: dict[str, datetime] = {}
    nameless = 0
    for obj in objects:
        at = parse_time(obj.get("created_at")) or _EPOCH
        codes = _component_codes(obj)
        nameless += not codes
        ended = _last_moment(obj) if current is not None else None
        for code in codes if ended is not None else ():
            last_seen[code] = max(last_seen.get(code, ended), ended)
        for comp in obj.get("components") or []:
            if comp.get("id"):
                when = parse_time(comp.get("updated_at")) or at
                order.append((when, str(comp["id"]), str(comp.get("name") or comp["id"])))
        for update in obj.get("incident_updates") or []:
            for comp in update.get("affected_components") or []:
                if comp.get("code"):
                    when = parse_time(update.get("display_at") or update.get("created_at")) or at
                    order.append((when, str(comp["code"]), str(comp.get("name") or comp["code"])))
    for _, key, name in sorted(order, key=lambda o: o[0]):
        names = seen.setdefault(key, [])
        if name in names:
            names.remove(name)
        names.append(name)  # latest name last
    live = None if current is None else {str(c["id"]) for c in current if c.get("id")}
    found = [SourceComponent(key, names, retired=None if live is None or key in live or key not in last_seen
                             else last_seen[key].astimezone(UTC).date() + timedelta(days=1))
             for key, names in sorted(seen.items(), key=lambda kv: kv[1][-1].lower())]
    if nameless:
        found.append(SourceComponent(NO_COMPONENT, [f"the {nameless} incidents or maintenance that name no "
                                                    "component on Statuspage"], stand_in=True))
    return found


def _last_moment(obj: Mapping[str, Any]) -> datetime | None:
    """The latest time an incident or maintenance shows (its start, updates, resolution, window's end), if any."""
    times = [obj.get(k) for k in ("created_at", "started_at", "resolved_at", "scheduled_until")]
    times += [u.get("display_at") or u.get("created_at") for u in obj.get("incident_updates") or []]
    return max((m for m in map(parse_time, times) if m is not None), default=None)


def _component_codes(obj: Mapping[str, Any]) -> set[str]:
    """The Statuspage ids of the components an incident names (listed, or in an update)."""
    codes = {str(c["id"]) for c in obj.get("components") or [] if c.get("id")}
    for update in obj.get("incident_updates") or []:
        codes |= {str(c["code"]) for c in update.get("affected_components") or [] if c.get("code")}
    return codes


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
    kind = "maintenance" if maintenance else "incident"
    closing = CLOSING_STATUS[kind]
    impact = obj.get("impact_override") or obj.get("impact")  # the override is what Statuspage showed
    notes: list[str] = []

    def time_of(value: Any, what: str) -> datetime | None:
        moment = parse_time(value)
        if value and moment is None:
            notes.append(f"{what} {value!r} is not a time with a UTC offset")
        return moment

    def target(code: str) -> str:
        return mapping.get(code, code)

    source_impact: dict[str, str] = {}  # Statuspage component -> its status now
    shown: dict[str, str] = {}  # portal component -> the worst of its Statuspage components' statuses
    declared: dict[str, str] = {}
    updates: list[ImportedUpdate] = []
    for n, raw in enumerate(u for u in _in_order(obj.get("incident_updates") or [], kind)
                            if u.get("status") != "postmortem"):
        status = str(raw.get("status") or "")
        update = ImportedUpdate(time_of(raw.get("display_at") or raw.get("created_at"), f"update {n + 1} time"),
                                status, message_text(raw.get("body") or ""))
        touched = set()
        for comp in raw.get("affected_components") or []:
            new = _component_impact(comp.get("new_status"))
            if not comp.get("code") or maintenance or new is None:
                continue
            source_impact[str(comp["code"])] = new
            touched.add(target(str(comp["code"])))
        for cid in sorted(touched):
            new = worst(i for code, i in source_impact.items() if target(code) == cid)
            if shown.get(cid, "operational") == new:
                continue
            shown[cid] = new
            if not updates and new != "operational":
                declared[cid] = new  # the first update states the impact as declared
            elif not (new == "operational" and status == closing):  # resolution ends every impact anyway
                update.components[cid] = new
        updates.append(update)
    implied = MAINTENANCE_IMPACT if maintenance else IMPLIED_IMPACT.get(str(impact), "degraded_performance")
    listed = [target(str(c["id"])) for c in obj.get("components") or [] if c.get("id")]
    if not _component_codes(obj) and NO_COMPONENT in mapping:
        listed.append(mapping[NO_COMPONENT])
    for cid in listed:
        if cid not in declared and not any(cid in u.components for u in updates):
            declared[cid] = implied
    started = time_of(obj.get("started_at") or obj.get("created_at"), "started_at")
    resolved = time_of(obj.get("resolved_at"), "resolved_at")
    scheduled_start = time_of(obj.get("scheduled_for"), "scheduled_for") if maintenance else None
    if not (obj.get("created_at") or obj.get("started_at")) and not any(u.at for u in updates):
        notes.append("the source gives no time at all (no created_at, no update times)")
    if started and resolved and resolved < started:
        notes.append(f"it was resolved ({stamp(resolved)}) before it started ({stamp(started)})")
    announced = (parse_time(obj.get("created_at")) or scheduled_start) if maintenance else started
    if not updates and announced:
        first = MAINTENANCE_STATUSES[0] if maintenance else INCIDENT_STATUSES[0]
        updates.append(ImportedUpdate(announced, first, ADDED_FIRST))
    is_closed = resolved is not None or obj.get("status") in (closing, "postmortem")
    if is_closed and updates and updates[-1].status != closing:
        at = max((m for m in (resolved, updates[-1].at) if m), default=None)
        updates.append(ImportedUpdate(at, closing, ADDED_CLOSING.format(status=closing)))
    postmortem = None
    if str(obj.get("postmortem_body") or "").strip():
        published_at = time_of(obj.get("postmortem_published_at"), "postmortem_published_at")
        day = (published_at or resolved or started or datetime.min.replace(tzinfo=UTC)).astimezone(UTC).date()
        postmortem = ImportedPostmortem(f"Postmortem: {' '.join(str(obj.get('name') or 'incident').split())}", day,
                                        str(obj["postmortem_body"]).replace("\r\n", "\n"),
                                        published=published_at is not None or obj.get("status") == "postmortem")
    return ImportedIncident(
        source_id=str(obj.get("id") or obj.get("shortlink") or obj.get("name")),
        kind=kind,
        title=" ".join(str(obj.get("name") or "").split()),
        severity=None if maintenance else _severity(impact, config),
        started=None if maintenance else started,
        resolved=resolved,
        components=declared,
        updates=updates,
        scheduled_start=scheduled_start,
        scheduled_end=time_of(obj.get("scheduled_until"), "scheduled_until") if maintenance else None,
        postmortem=postmortem,
        notes=notes,
    )


def _in_order(raw_updates: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Updates oldest first, as Statuspage shows them: by the time shown (``display_at``), then the time
    posted, then the lifecycle (Statuspage lists them newest first; a back-dated or backfilled update
    may share its time with another)."""
    lifecycle = MAINTENANCE_STATUSES if kind == "maintenance" else INCIDENT_STATUSES

    def key(pair: tuple[int, dict[str, Any]]) -> tuple[datetime, datetime, int, int]:
        n, u = pair
        rank = lifecycle.index(u["status"]) if u.get("status") in lifecycle else len(lifecycle)
        return (parse_time(u.get("display_at") or u.get("created_at")) or _EPOCH,
                parse_time(u.get("created_at")) or _EPOCH, rank, -n)

    return [u for _, u in sorted(enumerate(raw_updates), key=key)]


# --------------------------------------------------------------------------- HTML bodies


class _PlainText(HTMLParser):
    """Statuspage's HTML as Sitrep's plain-text messages: links as ``text (url)``, breaks as line breaks."""

    BREAKS = frozenset({"br", "p", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[int, str]] = []  # (start in parts, href) of the open links

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BREAKS:
            self.parts.append("\n\n" if tag == "p" else "\n")
        if tag == "li":
            self.parts.append("- ")
        if tag == "a":
            self.links.append((len(self.parts), dict(attrs).get("href") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            start, href = self.links.pop()
            label = "".join(self.parts[start:]).strip()
            if href and href != label and not href.startswith(("#", "javascript:")):
                self.parts.append(f" ({href})" if label else href)
        elif tag in ("p", "div", "ul", "ol", "blockquote"):
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


#: A tag or character reference: a body holding one is read as HTML (Statuspage renders bodies as HTML).
_HTML_MARK = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#x[0-9a-fA-F]+);")


def message_text(body: str) -> str:
    """An update's body as the message Sitrep shows: plain text (Statuspage's HTML read as a browser
    shows it, links as ``text (url)``), line breaks kept, Windows line endings and trailing spaces gone."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    if _HTML_MARK.search(text):
        parser = _PlainText()
        # HTML collapses white space; line breaks come from the tags (and from the text's own
        # line breaks, which Statuspage shows as such).
        parser.feed(text.replace("\n", "<br>"))
        parser.close()
        text = "".join(parser.parts)
        text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def read_incidents(objects: Iterable[dict[str, Any]], mapping: Mapping[str, str],
                   config: SitrepConfig) -> list[ImportedIncident]:
    """Every incident and maintenance, each once, with component ids mapped."""
    return [to_incident(obj, mapping, config) for obj in _newest_copies(objects)]

