"""What a Statuspage user expects on the public status page: group statuses, maintenance wording, the tab's
title, and a component's history page that opens with its status, uptime and feeds."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import feedparser
import pytest
from bs4 import BeautifulSoup

from sitrep.derive.state import portal_state
from sitrep.model.config import Component
from sitrep.model.records import Incident
from sitrep.model.vocabulary import COMPONENT_STATUSES, status_label
from sitrep.render.icons import icon_file
from sitrep.render.page import read_front_matter
from sitrep.render.status_site import status_page
from sitrep.render.templating import THEME_DIR
from tests.support.bars import bar_days, day_tooltips
from tests.support.portals import make_config, portal_of
from tests.support.sitebuild import sample_site

NOW = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)
GROUPED = (Component(id="api", name="API", group="Platform"), Component(id="web", name="Website", group="Platform"),
           Component(id="db", name="Database", group="Data"), Component(id="mail", name="Email"))


def record(**fields: Any) -> Incident:
    data: dict[str, Any] = {
        "id": "2026-02-10-api-slow", "title": "API slow", "severity": "SEV3", "started": "2026-02-10T11:00:00Z",
        "components": {"api": "degraded_performance"},
        "updates": [{"at": "2026-02-10T11:00:00Z", "status": "investigating", "message": "Looking."}],
    }
    data.update(fields)
    return Incident.model_validate(data)


def maintenance() -> Incident:
    return record(id="2026-02-12-db-upgrade", kind="maintenance", title="Database upgrade", severity=None,
                  started=None, scheduled_start="2026-02-12T02:00:00Z", scheduled_end="2026-02-12T04:00:00Z",
                  components={"db": "under_maintenance"},
                  updates=[{"at": "2026-02-09T10:00:00Z", "status": "scheduled", "message": "Upgrade planned."}])


def status_at(now: datetime, *records: Incident) -> tuple[dict[str, Any], BeautifulSoup]:
    """The status page's front matter and body at ``now``."""
    state = portal_state(portal_of(*records, config=make_config(*GROUPED, since=date(2026, 1, 1))), now)
    meta, body = read_front_matter(str(status_page(state).text))
    return meta, BeautifulSoup(body, "html.parser")


def group_statuses(page: BeautifulSoup) -> dict[str, str]:
    return {h.select_one("span").get_text(strip=True): h.select_one(".sr-comp-status").get_text(strip=True)
            for h in page.select("h3.sr-group-name")}


def test_a_group_heading_shows_the_worst_status_of_its_components() -> None:
    outage = record(id="2026-02-10-web-down", title="Website down", components={"web": "partial_outage"})
    _, page = status_at(NOW, record(), outage)
    # A component in no group has no heading; each group says its worst, with an icon beside the words.
    assert group_statuses(page) == {"Platform": "Partial outage", "Data": "Operational"}
    assert page.select_one("h3.sr-group-name.sr-partial_outage svg.sr-icon-partial_outage") is not None


@pytest.mark.slow
@pytest.mark.xdist_group("sample-site")
def test_the_sample_groups_say_what_the_api_says() -> None:
    site = sample_site()
    page = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    api = json.loads((site / "api/v2/components.json").read_text(encoding="utf-8"))["components"]
    assert group_statuses(page) == {c["name"]: status_label(c["status"]) for c in api if c["group"]}
    assert group_statuses(page)["Integrations"] == "Partial outage"


def test_maintenance_reads_as_upcoming_before_its_window_and_under_way_in_it() -> None:
    before = datetime(2026, 2, 11, 12, 0, tzinfo=UTC)
    _, page = status_at(before, maintenance())
    section = page.select_one("#maint-h").find_parent("section")
    assert section.select_one(".sr-affected").get_text() == (
        "Scheduled maintenance: will affect Database, from Feb 12, 2026 02:00 UTC to Feb 12, 2026 04:00 UTC")
    assert "Under maintenance" not in section.get_text()
    assert page.select_one("#component-db .sr-comp-status").get_text(strip=True) == "Operational"

    during = datetime(2026, 2, 12, 3, 0, tzinfo=UTC)
    _, page = status_at(during, maintenance())
    # Under way it leaves "Scheduled maintenance" for its own section, right after the incidents.
    assert page.select_one("#maint-h") is None
    section = page.select_one("#maint-now-h").find_parent("section")
    assert section.select_one("h2").get_text() == "Maintenance in progress"
    assert section.select_one(".sr-affected").get_text() == "Under maintenance: Database"
    headings = [h.get_text() for h in page.select("h2")]
    assert headings.index("Maintenance in progress") < headings.index("Components")
    assert page.select_one("#component-db .sr-comp-status").get_text(strip=True) == "Under maintenance"

    after = datetime(2026, 2, 13, 0, 0, tzinfo=UTC)
    _, page = status_at(after, maintenance())
    past = page.select_one("#recent-h").find_parent("section")
    assert past.select_one(".sr-affected").get_text() == "Maintenance completed: affected Database"


def test_the_title_leads_with_the_overall_status_unless_all_is_well() -> None:
    meta, _ = status_at(NOW, record(components={"api": "major_outage"}))
    assert meta["html_title"] == "Major System Outage · Example Status"
    meta, _ = status_at(NOW)
    assert meta["html_title"] == "Example Status"
    meta, _ = status_at(datetime(2026, 2, 12, 3, 0, tzinfo=UTC), maintenance())
    assert meta["html_title"] == "Service Under Maintenance · Example Status"


@pytest.mark.slow
@pytest.mark.xdist_group("sample-site")
def test_the_sample_home_page_title_and_maintenance_wording() -> None:
    site = sample_site()
    page = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.title.get_text() == "Partial System Outage · SmartBeak Status"
    section = page.select_one("#maint-h").find_parent("section")
    assert section.select_one(".sr-affected").get_text().startswith(
        "Scheduled maintenance: will affect Primary database, Publishing API, Web application, from Dec 5, 2026")
    assert "Under maintenance" not in section.get_text()
    incident = BeautifulSoup((site / "incidents/2026-12-05-postgresql-17-upgrade/index.html").read_text(
        encoding="utf-8"), "html.parser")
    assert "Scheduled maintenance: will affect Primary database" in incident.select_one(".sr-facts").get_text()
    # Other pages keep Material's "<page> - <site>".
    history = BeautifulSoup((site / "history/index.html").read_text(encoding="utf-8"), "html.parser")
    assert history.title.get_text().startswith("History") and "Outage" not in history.title.get_text()


@pytest.mark.slow
@pytest.mark.xdist_group("sample-site")
def test_a_component_history_page_opens_with_its_status_uptime_and_feeds() -> None:
    site = sample_site()
    # lxml parses as browsers do: an uptime bar's cells omit their optional </li>.
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "lxml")
    page = BeautifulSoup((site / "history/component/webhooks/index.html").read_text(encoding="utf-8"), "lxml")
    summary = page.select_one(".sr-comp-summary")
    assert summary is not None and summary.find_previous("h1") is not None
    comp = summary.select_one("li.sr-component")
    assert comp.select_one(".sr-comp-status").get_text(strip=True) == "Partial outage"
    assert len(bar_days(comp.select_one("ol.sr-bar"))) == 90
    # The same bar, figures and tooltips as on the status page (one macro), links resolved from this page's depth.
    on_home = home.select_one("#component-webhooks")
    assert ([f.get_text() for f in comp.select(".sr-uptime > span")]
            == [f.get_text() for f in on_home.select(".sr-uptime > span")])
    assert bar_days(comp.select_one("ol.sr-bar")) == bar_days(on_home.select_one("ol.sr-bar"))
    assert day_tooltips(str(page)) == day_tooltips(str(home), "#component-webhooks ol.sr-bar")
    assert len(day_tooltips(str(page))) == len(comp.select("ol.sr-bar a")) > 0
    for day in comp.select("ol.sr-bar a"):
        assert (site / "history/component/webhooks" / day["href"] / "index.html").resolve().is_file()
    links = {a.get_text(): a["href"] for a in summary.select(".sr-comp-feeds a")}
    assert links["Atom feed"] == "../../../components/webhooks/history.atom"
    assert links["RSS feed"] == "../../../components/webhooks/history.rss"
    assert links["On the status page"] == "../../../#component-webhooks"
    for name in ("Atom feed", "RSS feed"):
        feed = feedparser.parse((site / "history/component/webhooks" / links[name]).resolve().read_bytes())
        assert not feed.bozo and feed.entries
        assert feed.feed.title.endswith("Webhooks & integrations")
    # A feed reader given the page finds the component's feeds, as it finds the site's on the home page.
    announced = {(link["type"], link["href"]): link["title"] for link in page.select("head link[rel=alternate]")}
    assert announced[("application/atom+xml", links["Atom feed"])] == (
        "SmartBeak Status — Webhooks & integrations incident history (Atom)")
    assert announced[("application/rss+xml", links["RSS feed"])] == (
        "SmartBeak Status — Webhooks & integrations incident history (RSS)")
    assert ("application/atom+xml", "../../../history.atom") in announced  # and the site's
    other = BeautifulSoup((site / "history/component/database/index.html").read_text(encoding="utf-8"), "lxml")
    assert {link["href"] for link in other.select("head link[rel=alternate]")} == {
        "../../../history.atom", "../../../history.rss", "../../../updates.atom", "../../../updates.rss",
        "../../../components/database/history.atom", "../../../components/database/history.rss"}


def test_the_stylesheet_draws_each_component_status_with_materials_icon() -> None:
    """A component row's status icon is drawn by sitrep.css from its status class (40 rows would repeat an
    inline SVG 40 times): for every status, the icon ``icons.ICONS`` names, from Material's own file."""
    css = (THEME_DIR / "assets" / "sitrep" / "sitrep.css").read_text(encoding="utf-8")
    for status in COMPONENT_STATUSES:
        svg = icon_file(status).read_text(encoding="utf-8").strip()
        rule = f".sr-component.sr-{status} {{ --sr-icon: url('data:image/svg+xml;charset=utf-8,{svg}'); }}"
        assert rule in css, f"sitrep.css should hold, for {status}:\n{rule}"
    # The row carries no inline SVG of its own: its status is the text beside the drawn icon.
    outage = record(id="2026-02-10-web-down", title="Website down", components={"web": "partial_outage"})
    _, page = status_at(NOW, outage)
    assert page.select("li.sr-component svg") == []
    assert page.select_one("#component-web .sr-comp-status").get_text() == "Partial outage"
