"""Statuspage v2 API files: schema, stable ids, escaping, selections."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from sitrep.derive.state import portal_state
from sitrep.model.config import Component
from sitrep.model.formatting import dump_json
from sitrep.model.portal import Portal
from sitrep.model.records import Incident, Postmortem
from sitrep.render.statuspage_api import build_api, sp_time, statuspage_id
from tests.support.portals import SITE, make_config, portal_of
from tests.support.sitebuild import SAMPLE

NOW = datetime(2026, 2, 20, 3, 0, tzinfo=UTC)
SCHEMA = json.loads((Path(__file__).parent / "fixtures/outputs/statuspage-v2.schema.json").read_text("utf-8"))
FILES = set(SCHEMA["files"])


#: Components with groups and a description, as the API shows them.
COMPONENTS = (Component(id="api", name="Publishing API", group="Core", description="REST API"),
              Component(id="web", name="Web app", group="Core"), Component(id="db", name="Database"))
portal_of = partial(portal_of, config=make_config(*COMPONENTS))


def make_incident(incident_id: str = "2026-02-10-api-errors", **fields: Any) -> Incident:
    data: dict[str, Any] = {
        "id": incident_id, "title": "Publishing API errors", "severity": "SEV2",
        "started": "2026-02-10T14:30:00Z", "components": {"api": "partial_outage", "web": "degraded_performance"},
        "commander": "Priya Internal", "users_affected": 4200, "runbooks": ["secret-runbook"],
        "updates": [
            {"at": "2026-02-10T14:40:00Z", "status": "investigating", "message": "We are investigating."},
            {"at": "2026-02-10T15:10:00Z", "status": "monitoring", "message": "Fix deployed."},
            {"at": "2026-02-10T15:20:00Z", "status": "resolved", "message": "Resolved."},
        ],
    }
    data.update(fields)
    return Incident.model_validate(data)


def make_maintenance(incident_id: str, start: str, end: str, *updates: tuple[str, str]) -> Incident:
    return Incident.model_validate({
        "id": incident_id, "kind": "maintenance", "title": f"Maintenance {incident_id}",
        "scheduled_start": start, "scheduled_end": end, "components": {"db": "under_maintenance"},
        "updates": [{"at": at, "status": status, "message": f"{status} message"} for at, status in updates]
        or [{"at": "2026-02-01T10:00:00Z", "status": "scheduled", "message": "Planned."}],
    })


def full_portal() -> Portal:
    active = make_incident("2026-02-20-db-slow", title="Database slow", started="2026-02-20T02:30:00Z", severity="SEV1",
                           components={"db": "major_outage"},
                           updates=[{"at": "2026-02-20T02:40:00Z", "status": "identified", "message": "Slow."}])
    return portal_of(
        make_incident(), active,
        make_maintenance("2026-02-20-db-now", "2026-02-20T02:00:00Z", "2026-02-20T04:00:00Z"),
        make_maintenance("2026-03-01-db-later", "2026-03-01T02:00:00Z", "2026-03-01T04:00:00Z"),
        make_maintenance("2026-01-05-db-done", "2026-01-05T02:00:00Z", "2026-01-05T04:00:00Z",
                         ("2026-01-01T10:00:00Z", "scheduled"), ("2026-01-05T02:00:00Z", "in_progress"),
                         ("2026-01-05T03:30:00Z", "completed")),
    )


def load(out: dict[str, bytes], name: str) -> Any:
    return json.loads(out["api/v2/" + name])


def assert_schema(out: dict[str, bytes]) -> None:
    assert set(out) == FILES
    for path, definition in SCHEMA["files"].items():
        validator = Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{definition}"})
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(
            json.loads(out[path]))]
        assert not errors, (path, errors[:5])


def test_every_file_matches_the_statuspage_v2_schema() -> None:
    assert_schema(build_api(portal_state(full_portal(), NOW)))


def test_empty_portal_still_has_every_key() -> None:
    out = build_api(portal_state(portal_of(), NOW))
    assert_schema(out)
    summary = load(out, "summary.json")
    assert summary["incidents"] == [] and summary["scheduled_maintenances"] == []
    assert summary["status"] == {"indicator": "none", "description": "All Systems Operational"}


def test_statuspage_ids_are_stable_12_char_and_namespaced() -> None:
    first = statuspage_id("incident", "2026-02-10-api-errors")
    assert re.fullmatch(r"[a-z0-9]{12}", first)
    assert statuspage_id("incident", "2026-02-10-api-errors") == first
    assert statuspage_id("component", "2026-02-10-api-errors") != first
    assert statuspage_id("incident", "2026-02-10-api-errorz") != first
    assert first == "rpkxwatgugzw"  # pinned: a changed scheme would break every client's references


def test_ids_survive_title_and_name_changes_and_differ_between_records() -> None:
    before = load(build_api(portal_state(full_portal(), NOW)), "incidents.json")["incidents"]
    renamed = portal_of(make_incident(title="Renamed"))
    after = load(build_api(portal_state(renamed, NOW)), "incidents.json")["incidents"]
    ids = {i["name"]: i["id"] for i in before}
    assert after[0]["id"] == ids["Publishing API errors"] == statuspage_id("incident", "2026-02-10-api-errors")
    assert len(set(ids.values())) == len(ids)
    update_ids = [u["id"] for i in before for u in i["incident_updates"]]
    assert len(update_ids) == len(set(update_ids))


def test_output_is_deterministic_and_page_time_comes_from_data() -> None:
    portal = full_portal()
    out = build_api(portal_state(portal, NOW))
    assert build_api(portal_state(portal, NOW)) == out
    page = load(out, "status.json")["page"]
    assert page["updated_at"] == "2026-02-20T02:40:00.000Z"
    assert page["id"] == statuspage_id("page", SITE) and page["time_zone"] == "Etc/UTC"


def test_summary_selects_unresolved_incidents_and_current_maintenance() -> None:
    out = build_api(portal_state(full_portal(), NOW))
    summary = load(out, "summary.json")
    assert [(i["name"], i["status"]) for i in summary["incidents"]] == [("Database slow", "identified")]
    assert load(out, "incidents/unresolved.json")["incidents"] == summary["incidents"]
    names = [m["name"] for m in summary["scheduled_maintenances"]]
    assert names == ["Maintenance 2026-02-20-db-now", "Maintenance 2026-03-01-db-later"]  # active, then upcoming
    assert summary["status"]["indicator"] == "critical"
    assert [m["status"] for m in load(out, "scheduled-maintenances/active.json")["scheduled_maintenances"]] == [
        "in_progress"]
    assert [m["status"] for m in load(out, "scheduled-maintenances/upcoming.json")["scheduled_maintenances"]] == [
        "scheduled"]
    everything = load(out, "scheduled-maintenances.json")["scheduled_maintenances"]
    assert [m["status"] for m in everything] == ["scheduled", "in_progress", "completed"]  # newest first
    assert len(load(out, "incidents.json")["incidents"]) == 2


def test_incident_object_fields() -> None:
    incident = load(build_api(portal_state(portal_of(make_incident()), NOW)), "incidents.json")["incidents"][0]
    assert incident["shortlink"] == SITE + "incidents/2026-02-10-api-errors/"
    assert incident["impact"] == "major"  # SEV2
    assert (incident["created_at"], incident["started_at"]) == ("2026-02-10T14:40:00.000Z", "2026-02-10T14:30:00.000Z")
    assert incident["monitoring_at"] == "2026-02-10T15:10:00.000Z"
    assert incident["resolved_at"] == "2026-02-10T15:20:00.000Z"
    updates = incident["incident_updates"]
    assert [u["status"] for u in updates] == ["resolved", "monitoring", "investigating"]
    assert updates[1]["affected_components"] is None
    assert updates[2]["affected_components"][0] == {
        "code": statuspage_id("component", "api"), "name": "Publishing API",
        "old_status": "operational", "new_status": "partial_outage"}
    assert updates[0]["affected_components"][0]["new_status"] == "operational"
    assert {c["name"] for c in incident["components"]} == {"Publishing API", "Web app"}


def test_components_include_groups_with_member_ids() -> None:
    components = load(build_api(portal_state(full_portal(), NOW)), "components.json")["components"]
    assert [c["name"] for c in components] == ["Core", "Publishing API", "Web app", "Database"]
    group = components[0]
    assert group["group"] is True and group["components"] == [components[1]["id"], components[2]["id"]]
    assert components[1]["group_id"] == group["id"]
    assert [c["position"] for c in components] == [1, 2, 3, 4]
    assert components[3]["status"] == "major_outage"  # the active SEV1 beats the maintenance


def test_postmortem_status_when_published() -> None:
    postmortem = Postmortem.model_validate({
        "id": "2026-02-12-api-errors", "title": "PM", "incidents": ["2026-02-10-api-errors"],
        "date": date(2026, 2, 12), "authors": ["A"], "status": "published", "visibility": "public"})
    out = build_api(portal_state(portal_of(make_incident(), postmortem), NOW))
    assert load(out, "incidents.json")["incidents"][0]["status"] == "postmortem"
    assert_schema(out)


def test_hostile_text_is_inert_json() -> None:
    title = "</script><script>alert(1)</script> ]]> & \u202e"
    out = build_api(portal_state(portal_of(make_incident(title=title)), NOW))
    raw = out["api/v2/incidents.json"]
    assert b"</script>" not in raw and b"<" not in raw and b">" not in raw and b"&" not in raw
    assert b"\\u003c/script\\u003e" in raw
    assert raw.isascii()
    name = load(out, "incidents.json")["incidents"][0]["name"]
    assert "</script><script>alert(1)</script> ]]> &" in name
    assert dump_json({"a": "<&>"}) == b'{"a":"\\u003c\\u0026\\u003e"}\n'


def test_internal_fields_never_appear() -> None:
    for data in build_api(portal_state(full_portal(), NOW)).values():
        text = data.decode()
        assert "Priya Internal" not in text and "4200" not in text and "secret-runbook" not in text
        assert "commander" not in text and ".md" not in text


def test_incidents_list_is_limited_to_fifty_most_recent() -> None:
    many = [make_incident(f"2025-{m:02d}-{d:02d}-i", started=f"2025-{m:02d}-{d:02d}T10:00:00Z", updates=[
        {"at": f"2025-{m:02d}-{d:02d}T10:05:00Z", "status": "resolved", "message": "Done."}])
        for m in range(1, 4) for d in range(1, 21)]
    incidents = load(build_api(portal_state(portal_of(*many), NOW)), "incidents.json")["incidents"]
    assert len(incidents) == 50
    assert incidents[0]["started_at"] == "2025-03-20T10:00:00.000Z"


def test_times_have_milliseconds_and_z() -> None:
    assert sp_time(datetime(2026, 2, 10, 16, 40, 0, 123456, tzinfo=UTC)) == "2026-02-10T16:40:00.123Z"
    assert sp_time(None) is None


def test_real_sample_content_matches_schema() -> None:
    from sitrep.load.loader import load_portal
    from sitrep.model.config import load_config

    portal, _ = load_portal(SAMPLE, load_config(SAMPLE / "mkdocs.yml"))
    portal = portal.for_audience("public")
    now = max((i.last_updated for i in portal.incidents), default=NOW)
    out = build_api(portal_state(portal, now))
    assert_schema(out)
    assert build_api(portal_state(portal, now)) == out


def test_schema_is_strict_enough_to_catch_missing_keys_and_bad_enums() -> None:
    out = build_api(portal_state(full_portal(), NOW))
    summary = load(out, "summary.json")
    validator = Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": "#/$defs/summary.json"})
    assert validator.is_valid(summary)
    del summary["incidents"][0]["monitoring_at"]
    summary["components"][1]["status"] = "broken"
    summary["scheduled_maintenances"][0]["extra"] = 1
    messages = " ".join(e.message for e in validator.iter_errors(summary))
    assert "'monitoring_at' is a required property" in messages
    assert "'broken' is not one of" in messages
    assert "'extra' was unexpected" in messages
