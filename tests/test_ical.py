"""maintenance.ics: parses, stable UIDs, UTC times, no build time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar

from sitrep.derive.state import portal_state
from sitrep.model.records import Incident
from sitrep.render.ical import CALENDAR_FILE, build_calendar
from tests.support.portals import portal_of
from tests.support.sitebuild import SAMPLE

NOW = datetime(2026, 2, 12, 12, 0, tzinfo=UTC)


def maintenance(incident_id: str = "2026-02-20-db-upgrade", **fields: Any) -> Incident:
    data: dict[str, Any] = {
        "id": incident_id, "kind": "maintenance", "title": "Database upgrade",
        "scheduled_start": "2026-02-20T03:00:00+01:00", "scheduled_end": "2026-02-20T04:00:00Z",
        "components": {"db": "under_maintenance", "api": "under_maintenance"},
        "commander": "Priya Internal",
        "updates": [
            {"at": "2026-02-11T10:00:00Z", "status": "scheduled", "message": "We will upgrade the database."},
            {"at": "2026-02-12T09:00:00Z", "status": "scheduled", "message": "Reminder: upgrade on Friday."},
        ],
    }
    data.update(fields)
    return Incident.model_validate(data)


def incident() -> Incident:
    return Incident.model_validate({
        "id": "2026-02-10-api-errors", "title": "API errors", "severity": "SEV2", "started": "2026-02-10T14:30:00Z",
        "components": {"api": "partial_outage"},
        "updates": [{"at": "2026-02-10T14:40:00Z", "status": "investigating", "message": "Looking."}]})


def events(data: bytes) -> list[Any]:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_calendar_parses_with_one_event_per_maintenance() -> None:
    portal = portal_of(incident(), maintenance())
    out = build_calendar(portal_state(portal, NOW))
    assert set(out) == {CALENDAR_FILE} | {f"components/{c.id}/{CALENDAR_FILE}" for c in portal.config.components}
    cal = Calendar.from_ical(out[CALENDAR_FILE])
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]).startswith("-//Sitrep//")
    assert str(cal["X-WR-CALNAME"]) == "Example Status — scheduled maintenance"
    (event,) = events(out[CALENDAR_FILE])
    assert str(event["UID"]) == "2026-02-20-db-upgrade@status.example.com"
    assert str(event["SUMMARY"]) == "Database upgrade"
    assert str(event["URL"]) == "https://status.example.com/incidents/2026-02-20-db-upgrade/"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_times_are_utc_and_stamp_comes_from_data() -> None:
    data = build_calendar(portal_state(portal_of(maintenance()), NOW))[CALENDAR_FILE]
    (event,) = events(data)
    assert event.decoded("DTSTART") == datetime(2026, 2, 20, 2, 0, tzinfo=UTC)
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == datetime(2026, 2, 20, 4, 0, tzinfo=UTC)
    assert event.decoded("DTSTAMP") == datetime(2026, 2, 12, 9, 0, tzinfo=UTC)
    assert int(event["SEQUENCE"]) == 1
    text = data.decode()
    assert "DTSTART:20260220T020000Z" in text and "DTEND:20260220T040000Z" in text


def test_description_has_latest_message_and_component_names() -> None:
    (event,) = events(build_calendar(portal_state(portal_of(maintenance()), NOW))[CALENDAR_FILE])
    description = str(event["DESCRIPTION"])
    assert description.startswith("Reminder: upgrade on Friday.")
    assert "Database, Publishing API" in description
    assert "Priya Internal" not in description


def test_deterministic_and_independent_of_build_time() -> None:
    portal = portal_of(maintenance(), maintenance("2026-03-01-cache", title="Cache"))
    first = build_calendar(portal_state(portal, NOW))
    assert build_calendar(portal_state(portal, NOW + timedelta(days=30))) == first


def test_uid_survives_edits_and_renames() -> None:
    edited = maintenance(title="Database upgrade (moved)", scheduled_start="2026-02-21T02:00:00Z",
                         scheduled_end="2026-02-21T04:00:00Z")
    (before,) = events(build_calendar(portal_state(portal_of(maintenance()), NOW))[CALENDAR_FILE])
    (after,) = events(build_calendar(portal_state(portal_of(edited, api_name="Content API"), NOW))[CALENDAR_FILE])
    assert str(before["UID"]) == str(after["UID"])


def test_hostile_text_round_trips() -> None:
    title = "DB; upgrade, <script>\\ \u202e\x07"
    data = build_calendar(portal_state(portal_of(maintenance(title=title)), NOW))[CALENDAR_FILE]
    (event,) = events(data)
    assert str(event["SUMMARY"]) == "\u2068DB; upgrade, <script>\\ \u202e\u2069"
    assert b"\x07" not in data


def test_empty_calendar_is_still_valid() -> None:
    data = build_calendar(portal_state(portal_of(incident()), NOW))[CALENDAR_FILE]
    assert events(data) == []
    assert Calendar.from_ical(data)["VERSION"] == "2.0"


def test_real_sample_content_calendar_parses() -> None:
    from sitrep.load.loader import load_portal
    from sitrep.model.config import load_config

    portal, _ = load_portal(SAMPLE, load_config(SAMPLE / "mkdocs.yml"))
    portal = portal.for_audience("public")
    data = build_calendar(portal_state(portal, NOW))[CALENDAR_FILE]
    uids = [str(e["UID"]) for e in events(data)]
    assert len(uids) == sum(1 for i in portal.incidents if i.is_maintenance) == len(set(uids))
