"""The public status site as a visitor gets it: parsed HTML of the built sample portal."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from bs4 import BeautifulSoup

from tests.support.bars import bar_days, page_titles
from tests.support.sitebuild import sample_site

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sample-site")]


def soup(rel: str) -> BeautifulSoup:
    # lxml parses as browsers do: an uptime bar's cells omit their optional </li>.
    return BeautifulSoup((sample_site() / rel).read_text(encoding="utf-8"), "lxml")


def test_banner_reflects_worst_current_impact() -> None:
    page = soup("index.html")
    banner = page.select_one(".sr-banner")
    # The sample's one open incident puts webhooks in a partial outage.
    assert "sr-partial_outage" in banner["class"]
    assert banner.select_one("h1").get_text(strip=True) == "Partial System Outage"
    # An icon of Material's set beside the text, never colour alone.
    href = banner.select_one("svg.sr-icon-partial_outage use")["href"]
    assert href.startswith("#sr-i-octicons-") and page.select_one(f"svg.sr-sprite symbol{href}") is not None
    # The page carries the symbols it uses, once, and no others.
    used = {u["href"][1:] for u in page.select("svg.sr-icon use")}
    assert {s["id"] for s in page.select("svg.sr-sprite symbol")} == used
    assert len(page.select("svg.sr-sprite")) == 1
    assert banner["role"] == "status"


def test_components_grouped_with_status_text_and_90_day_bars() -> None:
    page = soup("index.html")
    groups = [g.select_one("span").get_text(strip=True) for g in page.select(".sr-group-name")]
    assert groups == ["Core platform", "Data", "Integrations"]
    comps = page.select("li.sr-component")
    assert len(comps) == 9
    webhooks = page.select_one("#component-webhooks")
    assert "Partial outage" in webhooks.select_one(".sr-comp-status").get_text()
    for comp in comps:
        assert len(bar_days(comp.select_one("ol.sr-bar"))) == 90
        # One figure per window the bar is shown over (90, 60 and 30 days, by screen width), or one for
        # all of them when they are the same.
        figures = [f.get_text() for f in comp.select(".sr-uptime > span")]
        assert len(figures) in (1, 3) and all(re.fullmatch(r"\d{1,3}\.\d\d% uptime", f) for f in figures)
    assert {len(comp.select(".sr-uptime > span")) for comp in comps} == {1, 3}


def test_groups_fold_away_unless_a_component_is_in_trouble() -> None:
    """As on Statuspage: each group is a native disclosure (no script needed), whose summary says its
    worst status; the one holding the sample's partial outage starts open."""
    page = soup("index.html")
    groups = page.select("details.sr-group")
    summaries = {g.select_one("summary .sr-group-name > span").get_text(): (
        g.has_attr("open"), g.select_one("summary .sr-comp-status").get_text(strip=True),
        g.select_one(".sr-group-count").get_text()) for g in groups}
    assert summaries == {"Core platform": (False, "Operational", "3 components"),
                         "Data": (False, "Operational", "3 components"),
                         "Integrations": (True, "Partial outage", "3 components")}
    for group in groups:  # named by the group's name for a screen reader, which hears its components as one group
        assert page.find(id=group["aria-labelledby"]).get_text() in summaries
        assert len(group.select("li.sr-component")) == 3


def test_marked_days_link_to_their_day_page_named_by_date_and_titles() -> None:
    """Without JavaScript a marked day is a link named by its date; the bar lists each linked day's
    incident count, uptime and the places of its incidents' titles in the page's list of them (each
    title once), from which sitrep.js makes the tooltip (``test_browser.py``)."""
    page = soup("index.html")
    titles = page_titles(page)
    assert titles and len(set(titles)) == len(titles)
    for bar in page.select("ol.sr-bar"):
        marked = bar.select("li > a")
        figures = bar["data-u"].split(",") if marked else []
        assert len(figures) == len(marked)
        for link, figure in zip(marked, figures, strict=True):
            day = re.fullmatch(r"history/day/(\d{4}-\d\d-\d\d)/", link["href"]).group(1)
            count, uptime, places = figure.split(" ")
            assert int(count) >= 1 and re.fullmatch(r"\d{1,3}\.\d\d%", uptime)
            assert link.get_text() == datetime.date.fromisoformat(day).strftime("%b %-d, %Y")
            # The day page lists (at least) the incidents the tooltip names.
            named = [titles[int(k)] for k in places.split(".")]
            day_page = soup(f"history/day/{day}/index.html").get_text()
            assert named and all(n[:40] in day_page for n in named)


def test_active_incident_shows_updates_newest_first_and_next_update_due() -> None:
    page = soup("index.html")
    active = page.select_one("#active-h").find_parent("section")
    article = active.select_one("article")
    assert "Delayed webhook deliveries" in article.get_text()
    statuses = [s.get_text() for s in article.select(".sr-u-status")]
    assert statuses == ["Identified", "Investigating"]
    # SEV3 updates every 4 h; the last update was 09:30 UTC.
    due = article.select_one(".sr-next time")
    assert due["datetime"] == "2026-11-23T13:30:00Z"


def test_upcoming_maintenance_is_listed() -> None:
    page = soup("index.html")
    section = page.select_one("#maint-h").find_parent("section")
    assert "PostgreSQL 17 upgrade" in section.get_text()


def test_every_time_is_utc_with_machine_readable_datetime() -> None:
    page = soup("index.html")
    times = page.select(".sr-page time")
    assert times
    for t in times:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", t["datetime"])
        assert t.get_text().endswith("UTC")


def test_incident_page_has_timeline_components_and_no_internal_fields() -> None:
    page = soup("incidents/2026-02-10-publishing-api-500s/index.html")
    text = page.get_text(" ", strip=True)
    assert "Publishing API" in text
    assert page.select("ol.sr-updates li[id^=update-]")
    assert "Commander" not in text  # roles are internal


def test_incident_pages_are_not_in_navigation() -> None:
    page = soup("index.html")
    nav_links = [a.get("href", "") for a in page.select("nav.md-nav a, nav.md-tabs a")]
    assert not [h for h in nav_links if "incidents/" in h]


def test_internal_incidents_are_absent_from_public_edition() -> None:
    assert not (sample_site() / "incidents" / "2026-06-09-leaked-service-token-api-keys").exists()


def test_history_is_paginated_and_filterable_without_js() -> None:
    page = soup("history/index.html")
    assert page.select(".sr-month h2")
    component_filters = [a["href"] for a in page.select(".sr-filters a") if "component/" in a["href"]]
    assert len(component_filters) == 9
    webhooks = soup("history/component/webhooks/index.html")
    items = webhooks.select(".sr-hitem")
    assert items and all("Webhooks" in li["data-sr-text"] for li in items)


def test_status_page_is_small_and_loads_nothing_from_other_hosts() -> None:
    html = (sample_site() / "index.html").read_text(encoding="utf-8")
    assert len(html.encode()) < 60_000
    page = BeautifulSoup(html, "html.parser")
    loaded = [el.get("src") for el in page.find_all(["script", "img", "iframe"])]
    # canonical/alternate links name URLs but load nothing; stylesheets, icons and preloads do.
    loaded += [el.get("href") for el in page.find_all("link")
               if set(el.get("rel", [])) & {"stylesheet", "icon", "preload", "modulepreload", "manifest"}]
    for url in filter(None, loaded):
        assert not url.startswith(("http://", "https://", "//")), url


def test_feed_autodiscovery_on_every_page() -> None:
    for rel in ("index.html", "history/index.html", "incidents/2026-02-10-publishing-api-500s/index.html"):
        links = soup(rel).select('link[rel=alternate]')
        types = {link["type"] for link in links}
        assert {"application/atom+xml", "application/rss+xml"} <= types


def test_open_incident_page_says_as_of_when_like_the_status_page() -> None:
    home = soup("index.html").select_one(".sr-banner .sr-asof").get_text(" ", strip=True)
    assert home == "As of Nov 23, 2026 12:00 UTC"
    open_page = soup("incidents/2026-11-23-webhook-delivery-delays/index.html")
    assert open_page.select_one(".sr-incident-page .sr-asof").get_text(" ", strip=True) == home
    assert "ongoing, 3 h 50 min so far" in open_page.select_one(".sr-facts").get_text()
    # A resolved incident's page does not change with time: no "as of".
    assert soup("incidents/2026-02-10-publishing-api-500s/index.html").select_one(".sr-asof") is None


def test_every_page_of_the_history_has_its_own_title() -> None:
    titles = [soup(p).title.get_text() for p in ("history/index.html", "history/page/2/index.html")]
    assert titles == ["History, page 1 of 2 - SmartBeak Status", "History, page 2 of 2 - SmartBeak Status"]


def test_day_pages_write_the_date_as_every_other_page() -> None:
    page = soup("history/day/2026-11-23/index.html")
    assert page.select_one(".sr-day-page h1").get_text() == "Incidents on Nov 23, 2026"
    assert page.title.get_text() == "Incidents on Nov 23, 2026 - SmartBeak Status"


def test_badge_banner_and_api_name_the_overall_status_alike() -> None:
    banner = soup("index.html").select_one(".sr-banner h1").get_text(strip=True)
    status = json.loads((sample_site() / "api/v2/status.json").read_text())["status"]["description"]
    badge = json.loads((sample_site() / "badge.json").read_text())["message"]
    assert banner == status == badge == "Partial System Outage"


def test_not_found_page_explains_and_leads_back() -> None:
    page = soup("404.html")
    assert page.title.get_text() == "Page not found - SmartBeak Status"
    assert page.select_one(".sr-not-found h1").get_text() == "Page not found"
    links = {a.get_text(): a["href"] for a in page.select(".sr-not-found a")}
    # Absolute links: the server sends this page for a missing address at any depth.
    assert links == {"Current status": "/", "Incident history": "/history/"}
