"""RSS/Atom feeds: valid, deterministic, stable ids, bounded, escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser

from sitrep.derive.state import portal_state
from sitrep.model.portal import Portal
from sitrep.model.records import Incident
from sitrep.render.feeds import FEED_FILES, build_feeds
from sitrep.render.status_site import build_pages
from sitrep.render.urls import update_anchor
from tests.support.portals import SITE, make_config, portal_of
from tests.support.sitebuild import SAMPLE

NOW = datetime(2026, 2, 12, 12, 0, tzinfo=UTC)


def make_incident(incident_id: str = "2026-02-10-api-errors", **fields: Any) -> Incident:
    data: dict[str, Any] = {
        "id": incident_id, "title": "Publishing API errors", "severity": "SEV2",
        "started": "2026-02-10T14:30:00Z", "components": {"api": "partial_outage"},
        "commander": "Priya Internal", "users_affected": 4200,
        "updates": [
            {"at": "2026-02-10T14:40:00Z", "status": "investigating", "message": "We are investigating errors."},
            {"at": "2026-02-10T15:20:00Z", "status": "resolved", "message": "This incident has been resolved."},
        ],
    }
    data.update(fields)
    return Incident.model_validate(data)


def make_maintenance(incident_id: str = "2026-02-20-db-upgrade", **fields: Any) -> Incident:
    data: dict[str, Any] = {
        "id": incident_id, "kind": "maintenance", "title": "Database upgrade",
        "scheduled_start": "2026-02-20T02:00:00Z", "scheduled_end": "2026-02-20T04:00:00Z",
        "components": {"db": "under_maintenance"},
        "updates": [{"at": "2026-02-11T10:00:00Z", "status": "scheduled", "message": "We will upgrade the database."}],
    }
    data.update(fields)
    return Incident.model_validate(data)


def parsed(portal: Portal, name: str, now: datetime = NOW) -> feedparser.FeedParserDict:
    return feedparser.parse(build_feeds(portal_state(portal, now))[name])


def test_all_four_feeds_parse_without_errors() -> None:
    portal = portal_of(make_incident(), make_maintenance())
    out = build_feeds(portal_state(portal, NOW))
    per_component = {f"components/{c.id}/history.{fmt}" for c in portal.config.components for fmt in ("rss", "atom")}
    assert set(out) == set(FEED_FILES) | per_component
    for name, data in out.items():
        feed = feedparser.parse(data)
        assert feed.bozo == 0, (name, feed.get("bozo_exception"))
        assert feed.version == ("rss20" if name.endswith(".rss") else "atom10")
        ET.fromstring(data)  # well-formed XML as well


def test_channel_metadata_and_links() -> None:
    rss = parsed(portal_of(make_incident()), "history.rss")
    assert rss.feed.title == "Example Status — incident history"
    assert rss.feed.link == SITE
    atom = parsed(portal_of(make_incident()), "history.atom")
    assert {(link.rel, link.href) for link in atom.feed.links} >= {
        ("self", SITE + "history.atom"), ("alternate", SITE)}
    assert atom.feed.id == SITE + "history.atom"


def test_output_is_deterministic_and_has_no_build_time() -> None:
    portal = portal_of(make_incident(), make_maintenance())
    first = build_feeds(portal_state(portal, NOW))
    assert build_feeds(portal_state(portal, NOW)) == first
    # a later build over the same data (still inside the window) is byte-identical
    assert build_feeds(portal_state(portal, NOW + timedelta(hours=5))) == first
    assert parsed(portal, "history.atom").feed.updated == "2026-02-11T10:00:00+00:00"
    assert "Wed, 11 Feb 2026 10:00:00 +0000" in first["history.rss"].decode()


def test_history_entry_has_timeline_newest_first_and_components() -> None:
    entry = parsed(portal_of(make_incident()), "history.atom").entries[0]
    assert entry.id == SITE + "incidents/2026-02-10-api-errors/"
    assert entry.link == SITE + "incidents/2026-02-10-api-errors/"
    assert entry.title == "Publishing API errors"  # resolved: no status prefix
    html = entry.content[0].value
    assert html.index("resolved.") < html.index("investigating errors")
    assert "Publishing API: Partial outage" in html
    assert "Feb 10, 2026 14:40 UTC" in html
    assert entry.published == "2026-02-10T14:40:00+00:00"
    assert entry.updated == "2026-02-10T15:20:00+00:00"


def test_a_maintenance_entry_says_what_it_will_do_before_its_window_as_the_status_page_does() -> None:
    ahead = parsed(portal_of(make_maintenance()), "history.atom").entries[0].content[0].value
    assert "Scheduled maintenance: will affect</strong> " in ahead and "Under maintenance" not in ahead
    during = parsed(portal_of(make_maintenance()), "history.atom", datetime(2026, 2, 20, 3, 0, tzinfo=UTC))
    assert "Under maintenance:</strong> " in during.entries[0].content[0].value


def test_open_records_carry_their_status_in_the_title() -> None:
    open_incident = make_incident(updates=[{"at": "2026-02-10T14:40:00Z", "status": "investigating",
                                            "message": "Looking."}])
    titles = {e.id: e.title for e in parsed(portal_of(open_incident, make_maintenance()), "history.rss").entries}
    assert titles[SITE + "incidents/2026-02-10-api-errors/"] == "[Investigating] Publishing API errors"
    assert titles[SITE + "incidents/2026-02-20-db-upgrade/"] == "[Scheduled] Database upgrade"


def test_entry_ids_survive_renames_edits_and_new_updates() -> None:
    base = parsed(portal_of(make_incident()), "history.rss").entries[0]
    edited = make_incident(title="Publishing API: errors (updated title)", updates=[
        {"at": "2026-02-10T14:40:00Z", "status": "investigating", "message": "Reworded message."},
        {"at": "2026-02-10T15:00:00Z", "status": "identified", "message": "Found it."},
        {"at": "2026-02-10T15:20:00Z", "status": "resolved", "message": "This incident has been resolved."},
    ])
    after = parsed(portal_of(edited, config=make_config(api_name="Content API")), "history.rss").entries[0]
    assert after.id == base.id == SITE + "incidents/2026-02-10-api-errors/"
    assert "Content API" in after.description or "Content API" in after.content[0].value


def test_updates_feed_has_one_entry_per_update_with_stable_distinct_ids() -> None:
    feed = parsed(portal_of(make_incident(), make_maintenance()), "updates.atom")
    ids = [e.id for e in feed.entries]
    assert len(ids) == 3 == len(set(ids))
    assert ("tag:status.example.com,2026:incident/2026-02-10-api-errors/update/20260210T144000Z-investigating"
            in ids)
    titles = [e.title for e in feed.entries]
    assert titles[0] == "Database upgrade — Scheduled"  # newest first
    assert "Publishing API errors — Resolved" in titles
    # inserting an update in the middle changes no existing id
    inserted = make_incident(updates=[
        {"at": "2026-02-10T14:40:00Z", "status": "investigating", "message": "We are investigating errors."},
        {"at": "2026-02-10T15:00:00Z", "status": "identified", "message": "Found it."},
        {"at": "2026-02-10T15:20:00Z", "status": "resolved", "message": "Edited wording."},
    ])
    after = [e.id for e in parsed(portal_of(inserted, make_maintenance()), "updates.atom").entries]
    assert set(ids) < set(after) and len(after) == 4


def test_update_links_point_at_the_update_anchor() -> None:
    incident = make_incident()
    assert update_anchor(incident.update_ids[0]) == "update-20260210T144000Z-investigating"
    links = {e.link for e in parsed(portal_of(incident), "updates.rss").entries}
    assert SITE + "incidents/2026-02-10-api-errors/#update-20260210T144000Z-investigating" in links


def test_feed_links_land_on_an_update_the_incident_page_renders() -> None:
    incident = make_incident(updates=[{"at": "2026-02-10T16:40:05+02:00", "status": "investigating", "message": "x"}])
    portal = portal_of(incident)
    page = next(p for p in build_pages(portal_state(portal, NOW)) if p.path == f"incidents/{incident.id}.md")
    for entry in parsed(portal, "updates.atom").entries:
        fragment = entry.link.rsplit("#", 1)[1]
        assert f'id="{fragment}"' in page.text


def test_anchor_and_ids_use_utc_whatever_the_offset() -> None:
    incident = make_incident(updates=[{"at": "2026-02-10T16:40:00+02:00", "status": "investigating", "message": "x"}])
    assert update_anchor(incident.update_ids[0]) == "update-20260210T144000Z-investigating"
    entry = parsed(portal_of(incident), "updates.atom").entries[0]
    assert entry.id.endswith("/update/20260210T144000Z-investigating")


def test_site_under_a_path_keeps_the_path_in_ids_and_links() -> None:
    config = make_config(site_url="https://example.github.io/status/")
    entry = parsed(portal_of(make_incident(), config=config), "updates.atom").entries[0]
    assert entry.id.startswith("tag:example.github.io,2026:status/incident/2026-02-10-api-errors/update/")
    assert entry.link.startswith("https://example.github.io/status/incidents/")


def test_bounded_by_max_entries_newest_first() -> None:
    incidents = [make_incident(f"2026-02-0{d}-i{d}", started=f"2026-02-0{d}T10:00:00Z", updates=[
        {"at": f"2026-02-0{d}T10:05:00Z", "status": "resolved", "message": f"Incident {d}."}]) for d in range(1, 8)]
    portal = portal_of(*incidents, config=make_config(feed_max_entries=3))
    for name in FEED_FILES:
        entries = parsed(portal, name).entries
        assert len(entries) == 3, name
    ids = [e.id for e in parsed(portal, "history.atom").entries]
    assert ids == [SITE + f"incidents/2026-02-0{d}-i{d}/" for d in (7, 6, 5)]


def test_old_records_drop_out_but_open_ones_stay() -> None:
    old_resolved = make_incident("2025-01-01-old", started="2025-01-01T10:00:00Z", updates=[
        {"at": "2025-01-01T10:05:00Z", "status": "resolved", "message": "Old."}])
    old_open = make_incident("2025-01-02-still-open", started="2025-01-02T10:00:00Z", updates=[
        {"at": "2025-01-02T10:05:00Z", "status": "monitoring", "message": "Watching."}])
    portal = portal_of(old_resolved, old_open, make_incident(), config=make_config(feed_days=30))
    ids = {e.id for e in parsed(portal, "history.rss").entries}
    assert ids == {SITE + "incidents/2025-01-02-still-open/", SITE + "incidents/2026-02-10-api-errors/"}


def test_open_records_win_when_trimming() -> None:
    recent = [make_incident(f"2026-02-0{d}-i{d}", started=f"2026-02-0{d}T10:00:00Z", updates=[
        {"at": f"2026-02-0{d}T10:05:00Z", "status": "resolved", "message": "Done."}]) for d in range(1, 4)]
    stale_open = make_incident("2025-06-01-open", started="2025-06-01T10:00:00Z", updates=[
        {"at": "2025-06-01T10:05:00Z", "status": "identified", "message": "Still on it."}])
    portal = portal_of(*recent, stale_open, config=make_config(feed_max_entries=2))
    ids = [e.id for e in parsed(portal, "history.atom").entries]
    assert SITE + "incidents/2025-06-01-open/" in ids and len(ids) == 2


def test_hostile_text_is_escaped_everywhere() -> None:
    title = 'Errors <script>alert("x")</script> ]]> & \u202eevil'
    incident = make_incident(title=title, updates=[
        {"at": "2026-02-10T14:40:00Z", "status": "investigating", "message": "<img src=x onerror=alert(1)> ]]> \x07"}])
    config = make_config(api_name="API <b>&</b>")
    out = build_feeds(portal_state(portal_of(incident, config=config), NOW))
    for name, data in out.items():
        assert feedparser.parse(data).bozo == 0, name
        text = data.decode()
        assert "<script>" not in text and "<img" not in text and "<b>" not in text, name
        assert "Priya Internal" not in text and "4200" not in text, name  # internal fields never leak
    root = ET.fromstring(out["history.atom"])
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry_title = root.find("a:entry/a:title", ns).text
    assert entry_title == "[Investigating] \u2068" + title + "\u2069"  # bidi override isolated
    content = root.find("a:entry/a:content", ns).text
    assert "&lt;img src=x" in content and "&lt;b&gt;&amp;&lt;/b&gt;" in content


def test_real_sample_content_builds_valid_feeds() -> None:
    from sitrep.load.loader import load_portal
    from sitrep.model.config import load_config

    portal, _ = load_portal(SAMPLE, load_config(SAMPLE / "mkdocs.yml"))
    portal = portal.for_audience("public")
    now = max((i.last_updated for i in portal.incidents), default=NOW)
    out = build_feeds(portal_state(portal, now))
    assert build_feeds(portal_state(portal, now)) == out
    for name, data in out.items():
        feed = feedparser.parse(data)
        assert feed.bozo == 0, (name, feed.get("bozo_exception"))
        ids = [e.id for e in feed.entries]
        assert len(ids) == len(set(ids)), name
        assert len(ids) <= portal.config.feed_max_entries
