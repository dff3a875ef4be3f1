"""Subscribing without us holding addresses: per-component feeds and calendars, and embed.js."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
from icalendar import Calendar

from tests.support.helpers_build import SMALL_PORTAL, site_bytes, write_portal


def test_each_component_has_its_own_feeds_with_only_its_incidents(tmp_path: Path) -> None:
    files = site_bytes(write_portal(tmp_path, SMALL_PORTAL))
    everything = feedparser.parse(files["history.atom"])
    by_id = {e.id: e.title for e in everything.entries}
    expected = {"web-app": ["[Identified] Slow editor"], "publishing-api": ["Publishing API errors"],
                "database": ["[Scheduled] Database upgrade"]}
    for component, titles in expected.items():
        for fmt in ("atom", "rss"):
            feed = feedparser.parse(files[f"components/{component}/history.{fmt}"])
            assert not feed.bozo, feed.bozo_exception
            assert [e.title for e in feed.entries] == titles
            for entry in feed.entries:  # the same entry ids as the site-wide feed
                assert by_id[entry.id] == entry.title
        assert feedparser.parse(files[f"components/{component}/history.atom"]).feed.title.endswith(
            {"web-app": "Web application", "publishing-api": "Publishing API", "database": "Primary database"}
            [component])


def test_each_component_has_a_maintenance_calendar(tmp_path: Path) -> None:
    files = site_bytes(write_portal(tmp_path, SMALL_PORTAL))
    database = Calendar.from_ical(files["components/database/maintenance.ics"])
    assert [str(e["summary"]) for e in database.walk("VEVENT")] == ["Database upgrade"]
    site_wide = Calendar.from_ical(files["maintenance.ics"])
    assert [str(e["uid"]) for e in database.walk("VEVENT")] == [str(e["uid"]) for e in site_wide.walk("VEVENT")]
    assert list(Calendar.from_ical(files["components/web-app/maintenance.ics"]).walk("VEVENT")) == []


def test_the_status_page_lists_the_subscriptions_and_the_banner_script(tmp_path: Path) -> None:
    files = site_bytes(write_portal(tmp_path, SMALL_PORTAL))
    status = files["index.md"].decode()
    # One component's feeds and calendar are on its history page, which the Subscribe box links.
    for component in ("web-app", "publishing-api", "database"):
        assert f'href="history/component/{component}/"' in status
        history = files[f"history/component/{component}/index.md"].decode()
        for name in ("history.atom", "history.rss", "maintenance.ics"):
            assert f'href="../../../components/{component}/{name}"' in history
    assert "https://status.test.example/embed.js" in status


def test_embed_js_maps_the_configured_ids_to_the_api_ids(tmp_path: Path) -> None:
    files = site_bytes(write_portal(tmp_path, SMALL_PORTAL))
    script = files["embed.js"].decode()
    table = json.loads(re.search(r"var IDS = (\{.*?\});", script).group(1))  # type: ignore[union-attr]
    summary = json.loads(files["api/v2/summary.json"])
    names = {c["id"]: c["name"] for c in summary["components"] if not c["group"]}
    assert {cid: names[api_id] for cid, api_id in table.items()} == {
        "web-app": "Web application", "publishing-api": "Publishing API", "database": "Primary database"}
    for api in ("document.cookie", "localStorage", "sessionStorage", "indexedDB", "import ", "require("):
        assert api not in script


def test_embed_js_shows_pages_without_javascript_how_to_fall_back_to_the_badge(tmp_path: Path) -> None:
    files = site_bytes(write_portal(tmp_path, SMALL_PORTAL))
    script = files["embed.js"].decode()
    # The usage comment gives this portal's own snippet, ready to paste, and the badge it names exists.
    assert ('<noscript><a href="https://status.test.example/"><img src="https://status.test.example/badge.svg" '
            'alt="Current status on our status page"></a></noscript>') in script
    assert "badge.svg" in files and "SITREP_" not in script
