"""The status page's weight: the busiest archive, and a mid-size company's 40 components, under 60 KB.

README "Benchmarks": the status page stays under 60 KB however busy the archive is. A small portal
shows the worst case, because what grows is the markup of each day: ``benchmarks/corpus.py``'s busy
portal (each of nine components has an incident on each of the last 90 days), built with the
repository's own ``mkdocs.yml`` (as the README measures) and the clock on the portal's last day.
Nothing a visitor could reach may be lost for it: each linked day still leads to its day page (with
or without JavaScript), names itself, shows its tooltip, and each bar is still one Tab stop.

The page also grows with its components: ``tests/support/midsize.py``'s portal (40 components in 6
groups, a quarter's incidents, an outage under way in one group; and the same portal on its first day,
every bar but today without data) stays under the same budget, its groups folded away as Statuspage's
are unless one of their components is in trouble.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.support.bars import bar_days, day_tooltips
from tests.support.helpers_build import CHROMIUM, serve, visitor_page
from tests.support.midsize import GROUPS, MIDSIZE_NOW, MIDSIZE_NOW_EPOCH, OUTAGE, OUTAGE_GROUP, write_midsize_portal
from tests.support.sitebuild import REPO, mkdocs_build

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]

#: 2026-11-01T12:00:00Z: the busy portal's last day.
BUSY_NOW = 1793534400
#: README "Benchmarks": the status page's budget.
BUDGET = 60_000
#: The bar holding the focus (its aria-labelledby), or the focused element's text.
_FOCUSED_BAR = """() => { const bar = document.activeElement.closest('ol.sr-bar');
  return bar ? bar.getAttribute('aria-labelledby') : document.activeElement.innerText }"""
#: Whether the focus is on the summary of a folded group.
_FOLDED = "() => document.activeElement.matches('details.sr-group:not([open]) > summary')"


@pytest.fixture(scope="module")
def busy_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from build_bench import repository_config

    from corpus import write_busy_corpus

    work = tmp_path_factory.mktemp("busy")
    portal = write_busy_corpus(work / "portal")
    repository_config(portal, plugin=True)
    result = mkdocs_build(portal, work / "site", epoch=BUSY_NOW)
    assert result.returncode == 0, result.stderr
    return work / "site"


@pytest.fixture(scope="module")
def base_url(busy_site: Path) -> Iterator[str]:
    with serve(busy_site) as url:
        yield url


def test_the_busiest_status_page_stays_under_its_budget(busy_site: Path) -> None:
    html = (busy_site / "index.html").read_bytes()
    page = BeautifulSoup(html, "lxml")
    bars = page.select("ol.sr-bar")
    assert len(bars) == 9
    days = [day for bar in bars for day in bar_days(bar)]
    assert len(days) == 9 * 90
    marked = [day for day in days if day in ("d", "p", "m")]
    assert len(marked) >= 9 * 89, "the worst case: every day with data is marked"
    links = page.select("ol.sr-bar > li > a[href]")
    assert len(links) == 144, "as many linked days as the page allows (16 a component)"
    for link in links:
        day = re.fullmatch(r"history/day/(\d{4}-\d\d-\d\d)/", link["href"]).group(1)
        assert (busy_site / link["href"] / "index.html").is_file(), day
        # Named by its date without JavaScript: a link a screen reader can announce.
        assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, 2026", link.get_text())
    assert len(html) < BUDGET, f"the status page is {len(html)} bytes"


@pytest.mark.browser
def test_every_linked_day_shows_its_figures_and_each_bar_is_one_tab_stop(browser, base_url: str) -> None:
    with visitor_page(browser, base_url, width=1280) as pg:
        pg.goto(base_url)
        stops = []
        for _ in range(80):
            pg.keyboard.press("Tab")
            stops.append(pg.evaluate(_FOCUSED_BAR))
            if pg.evaluate(_FOLDED):  # a folded group's summary (all its components are operational): unfold it
                pg.keyboard.press("Enter")
            if stops[-1] == "Incident history":
                break
        bars = [s for s in stops if s.startswith("sr-name-")]
        assert len(bars) == len(set(bars)) == 9, "each bar is one Tab stop"
        # Each linked day's tooltip (all groups unfolded now): date, impact, incidents and uptime, as built.
        tips = pg.locator("ol.sr-bar > li > a .sr-tip")
        assert tips.count() == 144
        for k in range(0, 144, 7):
            text = tips.nth(k).inner_text()
            assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, 2026 · (Degraded performance|Partial outage|Major outage) · "
                                r"1 incident · \d{1,3}\.\d\d% uptime", text), text
        # The busy portal's last incident day, yesterday: web-app's incident was a major outage (impacts
        # in turn) from 02:00 to 04:00 UTC: 2 h of 24 down, 91.66% uptime (rounded down).
        yesterday = pg.locator("#component-web-app ol.sr-bar > li").nth(-2)
        assert yesterday.locator("a").get_attribute("href") == "history/day/2026-10-31/"
        assert yesterday.locator(".sr-tip").inner_text() == "Oct 31, 2026 · Major outage · 1 incident · 91.66% uptime"
        # Arrow keys walk the bar's days; the focused day is named by its tooltip.
        pg.locator("#component-web-app ol.sr-bar > li > a").last.focus()
        pg.keyboard.press("ArrowLeft")
        name = pg.evaluate("() => document.activeElement.innerText")
        assert name.startswith("Oct 30, 2026 · ") and "1 incident" in name
        assert pg.evaluate("() => document.activeElement.getAttribute('href')") == "history/day/2026-10-30/"
    assert pg.errors == []


@pytest.mark.browser
def test_without_javascript_each_linked_day_still_leads_to_its_day_page(browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(base_url)
        pg.locator("details.sr-group > summary").first.click()  # its group folded: all is operational
        day = pg.get_by_role("link", name="Oct 31, 2026").first
        day.focus()
        pg.keyboard.press("Enter")
        pg.wait_for_url("**/history/day/2026-10-31/")
        assert pg.locator("h1").inner_text() == "Incidents on Oct 31, 2026"
    finally:
        context.close()


#: The mid-size portal as a quarter of incidents leaves it, and on its first day (no data before).
MIDSIZE_CASES = {"a quarter": "2025-11-01", "its first day": MIDSIZE_NOW.date().isoformat()}


@pytest.fixture(scope="module", params=list(MIDSIZE_CASES))
def midsize(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The mid-size portal's built site, and its first day."""
    work = tmp_path_factory.mktemp("midsize")
    since = MIDSIZE_CASES[request.param]
    portal = write_midsize_portal(work / "portal", since=since)
    result = mkdocs_build(portal, work / "site", epoch=MIDSIZE_NOW_EPOCH)
    assert result.returncode == 0, result.stderr
    return work / "site", since


def test_forty_components_in_groups_stay_under_the_budget(midsize: tuple[Path, str]) -> None:
    midsize_site, since = midsize
    html = (midsize_site / "index.html").read_bytes()
    page = BeautifulSoup(html, "lxml")
    # Every component, in its group, with its status, its 90 days and the figure of the days shown.
    groups = page.select("details.sr-group")
    assert [g.select_one(".sr-group-name > span").get_text() for g in groups] == list(GROUPS)
    for group, (name, members) in zip(groups, GROUPS.items(), strict=True):
        rows = group.select("li.sr-component")
        assert [row["id"].removeprefix("component-") for row in rows] == [cid for cid, _ in members]
        # Folded away unless a component is in trouble; the summary says the group's worst status.
        in_trouble = name == OUTAGE_GROUP
        assert group.has_attr("open") == in_trouble
        assert group.select_one("summary .sr-comp-status").get_text() == (
            "Major outage" if in_trouble else "Operational")
        assert group.select_one(".sr-group-count").get_text() == f"{len(members)} components"
        for row in rows:
            cid = row["id"].removeprefix("component-")
            assert row.select_one(".sr-comp-status").get_text() == {
                "major_outage": "Major outage", "partial_outage": "Partial outage"}.get(OUTAGE.get(cid), "Operational")
            days = bar_days(row.select_one("ol.sr-bar"))
            assert len(days) == 90
            assert re.fullmatch(r"(\d{1,3}\.\d\d% uptime)+", row.select_one(".sr-uptime").get_text())
    if since == MIDSIZE_NOW.date().isoformat():  # its first day: nothing is known of the days before
        assert {tuple(bar_days(bar)[:89]) for bar in page.select("ol.sr-bar")} == {("n",) * 89}
    # Each linked day leads to its day page, is named by its date and has its tooltip's figures.
    links = page.select("ol.sr-bar > li > a[href]")
    for link in links:
        assert (midsize_site / link["href"] / "index.html").is_file()
        assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, 2026", link.get_text())
    tips = day_tooltips(html.decode())
    assert len(tips) == len(links) > 0
    assert all(re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, 2026 · (Degraded performance|Partial outage|Major outage) · "
                            r"\d+ incidents? · \d{1,3}\.\d\d% uptime .+", tip) for tip in tips), tips
    assert len(html) < BUDGET, f"the status page is {len(html)} bytes"


@pytest.fixture(scope="module")
def midsize_url(midsize: tuple[Path, str]) -> Iterator[str]:
    with serve(midsize[0]) as url:
        yield url


#: Each bar's days after sitrep.js split its runs, and the left edges of its linked days.
_BARS = """() => Array.from(document.querySelectorAll('ol.sr-bar'), bar => ({days: bar.children.length,
  linked: Array.from(bar.querySelectorAll('a'), a => Math.round(a.getBoundingClientRect().x))}))"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_forty_components_look_the_same_without_javascript_and_fit_a_phone(browser, midsize_url: str,
                                                                            width: int) -> None:
    """The runs of days the page is written in are drawn as their days (a linked day sits where it would
    among 90 cells), split into them by sitrep.js; nothing widens a phone's page."""
    with visitor_page(browser, midsize_url, width=width) as pg:
        pg.goto(midsize_url)
        pg.evaluate("document.querySelectorAll('details.sr-group').forEach(d => { d.open = true; })")
        split = pg.evaluate(_BARS)
        assert [bar["days"] for bar in split] == [90] * 40
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
    assert pg.errors == []
    context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 900})
    try:
        plain = context.new_page()
        plain.goto(midsize_url)
        folded = plain.locator("details.sr-group:not([open]) > summary")
        while folded.count():
            folded.first.click()  # a native disclosure: no script needed to unfold a group
        assert plain.locator("details.sr-group[open]").count() == 6
        written = plain.evaluate(_BARS)
        assert [bar["linked"] for bar in written] == [bar["linked"] for bar in split]
        assert plain.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("midsize", ["a quarter"], indirect=True)
def test_a_link_to_a_component_in_a_folded_group_unfolds_it(browser, midsize_url: str) -> None:
    """Its history page links "On the status page" to ``#component-<id>``: the visitor lands on it, shown."""
    with visitor_page(browser, midsize_url, width=1280) as pg:
        pg.goto(midsize_url + "history/component/cdn/")
        pg.get_by_role("link", name="On the status page").click()
        pg.wait_for_url("**/#component-cdn")
        assert pg.locator("#component-cdn").is_visible()
        assert pg.locator("#component-cdn").evaluate("el => el.closest('details').open")
        # The group is a named group for a screen reader; its summary a button that folds it again.
        group = pg.get_by_role("group", name="Data", exact=True)
        assert group.locator("li.sr-component").count() == 7
        pg.locator("details:has(#component-cdn) > summary").focus()
        pg.keyboard.press("Enter")
        assert pg.locator("#component-cdn").is_hidden()
    assert pg.errors == []
