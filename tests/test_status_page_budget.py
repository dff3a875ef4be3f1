"""The status page's worst case: every day of every uptime bar marked, so it links as many days as it may.

README "Benchmarks": the status page stays under 60 KB however busy the archive is. A small portal
shows the worst case, because what grows is the markup of each day: ``benchmarks/corpus.py``'s busy
portal (each of nine components has an incident on each of the last 90 days), built with the
repository's own ``mkdocs.yml`` (as the README measures) and the clock on the portal's last day.
Nothing a visitor could reach may be lost for it: each linked day still leads to its day page (with
or without JavaScript), names itself, shows its tooltip, and each bar is still one Tab stop.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.support.helpers_build import CHROMIUM, serve, visitor_page
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
    cells = [li for bar in bars for li in bar.find_all("li", recursive=False)]
    assert len(cells) == 9 * 90
    marked = [li for li in cells if set(li.get("class") or []) & {"d", "p", "m"}]
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
        # Each linked day's tooltip: date, impact, incidents and uptime, as the build computed them.
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
        stops = []
        for _ in range(80):
            pg.keyboard.press("Tab")
            stops.append(pg.evaluate(_FOCUSED_BAR))
            if stops[-1] == "Incident history":
                break
        bars = [s for s in stops if s.startswith("sr-name-")]
        assert len(bars) == len(set(bars)) == 9, "each bar is one Tab stop"
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
        day = pg.get_by_role("link", name="Oct 31, 2026").first
        day.focus()
        pg.keyboard.press("Enter")
        pg.wait_for_url("**/history/day/2026-10-31/")
        assert pg.locator("h1").inner_text() == "Incidents on Oct 31, 2026"
    finally:
        context.close()
