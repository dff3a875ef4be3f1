"""The public status page on a bad day, as a customer reads it on a phone or a desktop.

States the sample portal does not show, in one small real build (public edition): three incidents open at
once on overlapping components (a SEV1 major outage with 30 updates and a title ending in an 80-character
word, a SEV2 partial outage, a newer SEV3), a maintenance under way and one ahead, components in groups
and one in none, a retired one, and a component whose name is a long unbroken string.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from tests.support.helpers_build import (
    CHROMIUM,
    serious_accessibility_violations,
    serve,
    visitor_page,
    write_portal,
)
from tests.support.sitebuild import mkdocs_build
from tests.test_embed import product_page

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("bad-day")]

#: 2026-12-02T12:00:00Z
NOW = 1796212800
WORD = "Supercalifragilisticexpialidocious" * 2 + "x" * 12  # 80 characters, no break opportunity
URL = "https://docs.acme.example/status/incidents/2026/12/02/" + "a" * 60 + "/details?ref=statuspage"
LONG_NAME = "Reporting dashboards " + WORD
#: Core platform's last component is configured after Data's and the one in no group.
COMPONENTS = (("api", "Public API", "Core platform"), ("web", "Web app", "Core platform"),
              ("db", "Primary database", "Data"), ("email", "Email delivery", None),
              ("reports", LONG_NAME, "Core platform"), ("ftp", "Legacy FTP", "Data"))


def _record(title: str, components: dict[str, str], updates: list[tuple[str, str, str]], head: str) -> str:
    lines = [f"title: {json.dumps(title)}", head.strip(), "components:"]
    lines += [f"  {cid}: {impact}" for cid, impact in components.items()]
    lines.append("updates:")
    for at, status, message in updates:
        lines += [f"  - at: {at}", f"    status: {status}", f"    message: {json.dumps(message)}"]
    return "---\n" + "\n".join(lines) + "\n---\n"


def _thirty_updates() -> list[tuple[str, str, str]]:
    out = [("2026-12-02T06:00:00Z", "investigating", "We are investigating failed API requests.")]
    for k in range(1, 29):
        hour, minute = divmod(6 * 60 + 10 * k, 60)
        out.append((f"2026-12-02T{hour:02d}:{minute:02d}:00Z", "identified", f"Update {k + 1}: still fixing it."))
    return [*out, ("2026-12-02T11:00:00Z", "monitoring", f"Update 30: a fix is out. See {URL}")]


RECORDS = {
    "incidents/2026/2026-12-02-api-down.md": _record(
        f"Public API unavailable in all regions {WORD}", {"api": "major_outage", "web": "partial_outage"},
        _thirty_updates(), "severity: SEV1\nstarted: 2026-12-02T05:55:00Z"),
    "incidents/2026/2026-12-02-web-errors.md": _record(
        "Web app shows errors", {"web": "partial_outage", "db": "degraded_performance"},
        [("2026-12-02T09:00:00Z", "investigating", "Some dashboards fail to load.")],
        "severity: SEV2\nstarted: 2026-12-02T08:50:00Z"),
    "incidents/2026/2026-12-02-db-slow.md": _record(
        "Primary database slow", {"db": "degraded_performance", "api": "degraded_performance"},
        [("2026-12-02T11:30:00Z", "investigating", "Queries are slower than usual.")],
        "severity: SEV3\nstarted: 2026-12-02T11:20:00Z"),
    "incidents/2026/2026-12-02-email-migration.md": _record(
        "Email provider migration", {"email": "under_maintenance"},
        [("2026-11-28T10:00:00Z", "scheduled", "We move to a new email provider."),
         ("2026-12-02T11:00:00Z", "in_progress", "The migration has started.")],
        "kind: maintenance\nscheduled_start: 2026-12-02T11:00:00Z\nscheduled_end: 2026-12-02T13:00:00Z"),
    "incidents/2026/2026-12-05-db-upgrade.md": _record(
        f"Database upgrade {WORD}", {"db": "under_maintenance"},
        [("2026-11-30T10:00:00Z", "scheduled", f"We will upgrade the database. {URL}")],
        "kind: maintenance\nscheduled_start: 2026-12-05T02:00:00Z\nscheduled_end: 2026-12-05T04:00:00Z"),
    "incidents/2026/2026-11-01-ftp-down.md": _record(
        "Legacy FTP down", {"ftp": "major_outage"},
        [("2026-11-01T10:00:00Z", "investigating", "FTP is down."), ("2026-11-01T11:00:00Z", "resolved", "Back.")],
        "severity: SEV2\nstarted: 2026-11-01T09:50:00Z"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    fields = {cid: {"group": group} for cid, _, group in COMPONENTS if group}
    fields["ftp"]["retired"] = "2026-11-25"
    root = write_portal(tmp_path_factory.mktemp("bad-day"), RECORDS, search=False, site_name="Acme Status",
                        components=[(cid, name) for cid, name, _ in COMPONENTS], component_fields=fields,
                        options={"since": "2026-08-01"})
    result = mkdocs_build(root, root / "site", epoch=NOW)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


def _soup(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "lxml")


def test_the_incident_behind_the_banner_comes_first(site: Path) -> None:
    page = _soup(site, "index.html")
    summary = json.loads((site / "api/v2/summary.json").read_text(encoding="utf-8"))
    assert page.select_one(".sr-banner h1").get_text() == summary["status"]["description"] == "Major System Outage"
    active = page.select_one("#active-h").find_parent("section")
    titles = [a.get_text() for a in active.select(".sr-incident-title a")]
    # Worst impact now first (the major outage, though it is the oldest), then partial, then degraded.
    assert titles == [f"Public API unavailable in all regions {WORD}", "Web app shows errors", "Primary database slow"]
    assert {i["name"] for i in summary["incidents"]} == set(titles)
    statuses = {c["name"]: c["status"] for c in summary["components"]}
    shown = {li.select_one(".sr-comp-name").get_text(): li.select_one(".sr-comp-status").get_text()
             for li in page.select("li.sr-component")}
    assert shown == {name: {"major_outage": "Major outage", "partial_outage": "Partial outage",
                            "degraded_performance": "Degraded performance", "operational": "Operational",
                            "under_maintenance": "Under maintenance"}[statuses[name]] for name in shown}
    assert "Legacy FTP" not in shown and "Legacy FTP" not in statuses  # retired
    # A client ordering the API's components by position lists them as the page does, each group before its own.
    by_position = [c["name"] for c in sorted(summary["components"], key=lambda c: c["position"])]
    on_page = [el.get_text() for el in page.select(".sr-group-name > span:first-child, .sr-comp-name")]
    assert by_position == on_page == ["Core platform", "Public API", "Web app", LONG_NAME, "Data",
                                      "Primary database", "Email delivery"]


def test_a_long_incident_shows_its_latest_updates_and_folds_the_rest(site: Path) -> None:
    page = _soup(site, "index.html")
    article = page.select_one("#active-h").find_parent("section").select_one("article")
    shown = article.select(":scope > ol.sr-updates > li")
    assert [li.select_one(".sr-u-msg").get_text()[:9] for li in shown] == ["Update 30", "Update 29", "Update 28"]
    folded = article.select_one("details.sr-older")
    assert folded.summary.get_text() == "27 earlier updates" and not folded.has_attr("open")
    assert len(folded.select("ol.sr-updates > li")) == 27
    assert len({li["id"] for li in article.select("li.sr-update")}) == 30  # every update keeps its anchor
    # Incidents with a few updates, and the incident's own page, show every update unfolded.
    assert len(page.select("details.sr-older")) == 1
    incident = _soup(site, "incidents/2026-12-02-api-down/index.html")
    assert len(incident.select("ol.sr-updates > li")) == 30 and incident.select("details.sr-older") == []


def test_a_web_address_in_an_update_is_a_link_on_every_page_and_feed(site: Path) -> None:
    """As in the customer's email (``messages.html_letter``): a workaround's address can be followed, not copied."""
    for rel, count in (("index.html", 2), ("incidents/2026-12-02-api-down/index.html", 1),
                       ("incidents/2026-12-05-db-upgrade/index.html", 1)):
        links = [(a["href"], a.get_text()) for a in _soup(site, rel).select(".sr-u-msg a")]
        assert links == [(URL, URL)] * count, rel
    entries = feedparser.parse(str(site / "updates.atom")).entries
    content = next(e.content[0].value for e in entries if "Update 30" in e.content[0].value)
    assert BeautifulSoup(content, "html.parser").select_one(f'a[href="{URL}"]').get_text() == URL


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


PAGES = ("", "history/", "history/component/reports/", "incidents/2026-12-02-api-down/")


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_long_names_and_strings_never_make_a_phone_scroll_sideways(browser, base_url: str, scheme: str) -> None:
    with visitor_page(browser, base_url, width=320) as pg:
        pg.emulate_media(color_scheme=scheme)
        wide = []
        for path in PAGES:
            pg.goto(base_url + path)
            pg.evaluate("document.querySelectorAll('.md-content details').forEach(d => { d.open = true; })")
            for width in (320, 390):
                pg.set_viewport_size({"width": width, "height": 800})
                if pg.evaluate("document.documentElement.scrollWidth") > width:
                    wide.append(f"/{path} at {width}px: {pg.evaluate('document.documentElement.scrollWidth')}px")
            if path == "":
                assert serious_accessibility_violations(pg) == []
            if path == "history/":  # a state is one phrase: "In progress" never split over two lines
                state = pg.locator(".sr-hitem .sr-state", has_text="In progress")
                assert state.evaluate("el => el.getClientRects().length") == 1
        assert wide == []
        assert pg.errors == []


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
def test_a_component_in_no_group_is_not_shown_inside_the_group_before_it(browser, base_url: str) -> None:
    with visitor_page(browser, base_url, width=390) as pg:
        pg.goto(base_url)
        # A screen reader hears each group's components as one group named by its heading, and Email in none.
        assert pg.get_by_role("group", name="Data").locator("li.sr-component").all_inner_texts()[0].startswith(
            "Primary database")
        assert pg.locator("[role=group] #component-email").count() == 0
        # On screen, a group's cards sit inside its rule; the ungrouped card does not.
        grouped = pg.locator("#component-db").bounding_box()
        alone = pg.locator("#component-email").bounding_box()
        assert grouped and alone and alone["x"] < grouped["x"] - 4
        # An update folded away is still reachable by its link: the browser unfolds it.
        first = pg.locator("details.sr-older li.sr-update").last
        anchor = first.get_attribute("id")
        pg.goto(base_url + "#" + anchor)
        assert pg.locator(f"[id='{anchor}']").is_visible()


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
def test_the_embedded_banners_come_most_severe_first_and_fit_a_phone(browser, site: Path, tmp_path: Path) -> None:
    with serve(site, "127.0.0.1", cors=True) as status_root, serve(tmp_path, "127.0.0.2") as product:
        page_name = product_page(tmp_path, status_root, None)
        context = browser.new_context(viewport={"width": 390, "height": 800})
        try:
            pg = context.new_page()
            pg.goto(product + page_name)
            pg.locator(".sitrep-banner").first.wait_for()
            banners = pg.locator(".sitrep-banner").all_inner_texts()
            width = pg.evaluate("document.documentElement.scrollWidth")
        finally:
            context.close()
    # Each incident's banner names the components it affects worst and its own impact on them, as the status page
    # words it: the third incident slows the Public API, which the first one has brought down, and its banner
    # must not blame it for that outage.
    assert [b.split(" — ")[0] for b in banners] == [
        f"Monitoring: Public API unavailable in all regions {WORD} (Public API: Major outage)",
        "Investigating: Web app shows errors (Web app: Partial outage)",
        "Investigating: Primary database slow (Public API, Primary database: Degraded performance)",
        "Maintenance in progress: Email provider migration"]
    assert width <= 390, "a long title or URL in a banner widened the product page"


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
def test_a_visitor_elsewhere_reads_when_the_next_update_is_due_in_both_times(browser, base_url: str) -> None:
    with visitor_page(browser, base_url, width=390, timezone_id="America/New_York") as pg:
        pg.goto(base_url)
        due = pg.locator("article.sr-incident", has_text="Primary database slow").locator(".sr-next").inner_text()
    # One parenthesis: the local time the script adds; the cadence follows in words.
    assert due == ("Next update due by Dec 2, 2026 15:30 UTC (10:30 AM your time); updates every 4 h for SEV3.")
