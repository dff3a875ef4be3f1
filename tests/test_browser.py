"""What a visitor sees in a real browser: Debian's Chromium driven by Playwright, plus axe-core."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.helpers_build import CHROMIUM, visitor_page
from tests.support.sitebuild import sample_site

pytestmark = [
    pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("sample-site"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(sample_site()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_status_page_banner_components_and_no_console_errors(page, base_url) -> None:
    page.goto(base_url)
    assert page.locator(".sr-banner svg.sr-icon-partial_outage").count() == 1
    assert page.locator(".sr-banner h1").inner_text().strip() == "Partial System Outage"
    assert page.locator("li.sr-component").count() == 9
    assert page.locator("ol.sr-bar").first.locator("li").count() == 90
    # A visitor in UTC reads each time once; nothing is doubled.
    assert page.locator(".sr-local").count() == 0
    assert page.errors == []


def test_local_time_only_where_it_differs_from_utc(browser, base_url) -> None:
    context = browser.new_context(timezone_id="Europe/Berlin", locale="en-GB")
    pg = context.new_page()
    pg.goto(base_url)
    asof = pg.locator(".sr-asof").inner_text()
    assert "12:00 UTC" in asof and "13:00 your time" in asof
    context.close()



def test_as_of_says_how_old_the_page_is_and_keeps_counting(browser, base_url) -> None:
    """A visitor hours after the last build reads how old the facts are, not only when they were."""
    built = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # the sample's build time (As of … 12:00 UTC)
    context = browser.new_context(locale="en-US", timezone_id="UTC")
    pg = context.new_page()
    pg.clock.install(time=built.timestamp() + 3 * 3600 + 5 * 60)
    pg.goto(base_url)
    asof = pg.locator(".sr-banner .sr-asof")
    assert asof.inner_text().endswith("12:00 UTC · 3 hours ago")
    pg.clock.run_for(60 * 60 * 1000)  # an hour later, the page still open
    assert asof.inner_text().endswith("· 4 hours ago")
    context.close()
    # A reader whose clock is behind the build's is told nothing rather than "in 5 minutes".
    context = browser.new_context(locale="en-US", timezone_id="UTC")
    pg = context.new_page()
    pg.clock.install(time=built.timestamp() - 300)
    pg.goto(base_url)
    assert pg.locator(".sr-banner .sr-asof").inner_text().endswith("12:00 UTC")
    context.close()

#: Where the focus is, as a visitor would name it: the link's text, or the day's bar and tooltip.
_FOCUSED = """() => {
  const el = document.activeElement;
  const bar = el.closest('ol.sr-bar');
  return {bar: bar ? bar.closest('li.sr-component').id : null, text: el.innerText.trim().slice(0, 60),
          name: el.getAttribute('aria-label') || el.innerText.trim(),
          folded: el.matches('details.sr-group > summary') ? !el.parentNode.open : null};
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_each_uptime_bar_is_one_tab_stop_on_the_way_to_the_history(browser, base_url, width) -> None:
    with visitor_page(browser, base_url, width=width) as pg:
        pg.goto(base_url)
        stops = []
        for _ in range(120):
            pg.keyboard.press("Tab")
            stops.append(pg.evaluate(_FOCUSED))
            if stops[-1]["folded"]:  # a folded group's summary: Enter unfolds it, as for any disclosure
                pg.keyboard.press("Enter")
            if stops[-1]["text"] == "Incident history":
                break
        assert stops[-1]["text"] == "Incident history", "Tab reaches the incident history"
        # Each group's summary is one stop (two of the three folded: all their components are operational).
        assert [s["folded"] for s in stops if s["folded"] is not None] == [True, True, False]
        bars = [s["bar"] for s in stops if s["bar"]]
        assert len(bars) == len(set(bars)) == 9, "each component's bar is one Tab stop"
        assert len(stops) < 50, f"{len(stops)} Tab stops before the incident history"
        # The bar's stop is today, named by its tooltip.
        first = next(s for s in stops if s["bar"])
        assert first["name"].startswith("Nov 23, 2026 · ")
    assert pg.errors == []


@pytest.mark.parametrize("path", ["", "history/", "incidents/2026-11-23-webhook-delivery-delays/"])
def test_the_first_tab_stop_skips_the_header_to_the_content(page, base_url, path) -> None:
    """Material links "Skip to content" only on pages with a Markdown heading; the status page, the history
    and incident pages are HTML, and a keyboard user would tab through the whole header on each."""
    page.goto(base_url + path)
    page.keyboard.press("Tab")
    skip = page.evaluate("() => ({text: document.activeElement.innerText.trim(), "
                         "shown: document.activeElement.getBoundingClientRect().width > 0})")
    assert skip == {"text": "Skip to content", "shown": True}
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # the next stop is in the page's content, past the header's links and search
    assert page.evaluate("() => !!document.activeElement.closest('.md-content')")


def test_arrow_keys_move_between_days_and_show_their_tooltip(page, base_url) -> None:
    page.goto(base_url)
    bar = page.locator("#component-webhooks ol.sr-bar")
    bar.locator("li").last.locator("a").focus()  # today: the webhook delivery delays
    tip_now = page.evaluate(_FOCUSED)["name"]
    assert tip_now.startswith("Nov 23, 2026 · Partial outage · 1 incident")
    page.keyboard.press("ArrowLeft")
    day = page.evaluate(_FOCUSED)
    assert day["bar"] == "component-webhooks" and day["name"] == "Nov 22, 2026 · No incidents · 100.00% uptime"
    tip = page.locator("#component-webhooks ol.sr-bar > li:focus .sr-tip")
    assert tip.bounding_box()["width"] > 40, "the focused day shows its tooltip"
    assert tip.inner_text() == day["name"]
    page.keyboard.press("Home")
    assert page.evaluate(_FOCUSED)["name"].startswith("Aug 26, 2026 · ")
    page.keyboard.press("End")
    assert page.evaluate(_FOCUSED)["name"] == tip_now
    page.keyboard.press("ArrowRight")  # already the last day: stays
    assert page.evaluate(_FOCUSED)["name"] == tip_now
    # One Tab leaves the bar for the next component's bar, whose stop is its today.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    after = page.evaluate(_FOCUSED)
    assert after["bar"] != "component-webhooks"
    assert page.errors == []


def test_history_filter_narrows_the_list(page, base_url) -> None:
    page.goto(base_url + "history/")
    box = page.locator("[data-sr-filter]")
    assert box.is_visible()
    total = page.locator(".sr-hitem:visible").count()
    box.fill("sev2")
    visible = page.locator(".sr-month .sr-hitem:visible")
    assert 0 < visible.count() < total
    for i in range(visible.count()):
        assert "sev2" in visible.nth(i).get_attribute("data-sr-text").lower()
    result = page.locator("[role=status][data-sr-filter-result]")
    page.wait_for_function("document.querySelector('[data-sr-filter-result]').textContent.includes('other pages')")
    assert result.inner_text().startswith(f"{visible.count()} records on this page match \u201csev2\u201d.")
    assert page.errors == []


def test_history_filter_finds_records_on_other_pages_and_says_so(page, base_url) -> None:
    page.goto(base_url + "history/")
    page.locator("[data-sr-filter]").fill("duplicate")
    result = page.locator("[role=status][data-sr-filter-result]")
    page.wait_for_function("document.querySelector('[data-sr-filter-result]').textContent.includes('other pages')")
    assert result.inner_text() == ("No records on this page match \u201cduplicate\u201d. "
                                   "1 record on other pages, listed below.")
    assert page.locator(".sr-month .sr-hitem:visible").count() == 0
    found = page.locator(".sr-other-matches .sr-hitem:visible")
    assert found.count() == 1 and "uplicate" in found.inner_text()
    found.locator("a").first.click()  # its link leads to the incident, though it came from page 2
    page.wait_for_load_state()
    assert "/incidents/" in page.url and "uplicate" in page.locator("h1").inner_text()
    page.go_back()
    page.locator("[data-sr-filter]").fill("no such words")
    page.wait_for_function("t => document.querySelector('[data-sr-filter-result]').textContent === t",
                           arg="No records match \u201cno such words\u201d.")
    assert result.inner_text() == "No records match \u201cno such words\u201d."
    assert page.locator(".sr-other-matches").is_hidden()
    assert page.errors == []


def test_status_page_usable_without_javascript(browser, base_url) -> None:
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(base_url)
    assert "Partial System Outage" in pg.locator(".sr-banner").inner_text()
    # Each marked day is a link to its day page, named by its date.
    day = pg.locator("#component-webhooks ol.sr-bar > li > a").last
    assert day.inner_text().startswith("Nov 23, 2026")
    day.click()
    pg.wait_for_url("**/history/day/2026-11-23/")
    context.close()


@pytest.mark.parametrize(("width", "days"), [(390, 30), (1280, 90)])
def test_uptime_figure_and_legend_match_the_days_shown(browser, base_url, width, days) -> None:
    with visitor_page(browser, base_url, width=width) as pg:
        pg.goto(base_url)
        bar = pg.locator("#component-webhooks")
        assert bar.locator("ol.sr-bar > li:visible").count() == days
        assert f"last {days} days" in pg.locator(".sr-legend").inner_text()
        # The words at the bar's ends, which the stylesheet writes (the same for every bar).
        foot = bar.locator(".sr-bar-foot")
        assert foot.evaluate("p => getComputedStyle(p, '::before').content") == f'"{days} days ago"'
        assert foot.evaluate("p => getComputedStyle(p, '::after').content") == '"Today"'
        figure = bar.locator(".sr-uptime").inner_text()
        # The figure of the days on screen: webhooks' 30 days hold today's open partial outage,
        # so the 30-day figure is lower than the 90-day one.
        assert figure == {30: "99.83% uptime", 90: "99.92% uptime"}[days]


def _bar_names(pg) -> dict[str, str]:
    """What the accessibility tree (Chromium's own, as a screen reader gets it) names each uptime bar."""
    cdp = pg.context.new_cdp_session(pg)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    return {n["name"]["value"].split(" Uptime")[0]: n["name"]["value"] for n in nodes
            if n.get("role", {}).get("value") == "list" and "Uptime over" in n.get("name", {}).get("value", "")}


@pytest.mark.parametrize(("width", "days"), [(390, 30), (800, 60), (1280, 90)])
def test_a_screen_reader_names_each_bar_by_the_days_on_screen(browser, base_url, width, days) -> None:
    with visitor_page(browser, base_url, width=width) as pg:
        pg.goto(base_url)
        assert len(_bar_names(pg)) == 3, "a folded group's bars are out of the way until it is unfolded"
        pg.evaluate("document.querySelectorAll('details.sr-group').forEach(d => { d.open = true; })")
        names = _bar_names(pg)
        assert len(names) == 9
        assert names["Webhooks & integrations"] == f"Webhooks & integrations Uptime over the last {days} days"
        assert all(name.endswith(f" Uptime over the last {days} days") for name in names.values())
        # What it says is what the screen shows: the legend and the bar's days.
        assert f"Uptime over the last {days} days" in pg.locator(".sr-legend").inner_text()
        assert pg.locator("#component-webhooks ol.sr-bar > li:visible").count() == days
    assert pg.errors == []


def test_a_component_history_page_announces_its_feeds_and_loads_cleanly(page, base_url) -> None:
    """Its <head> links to the component's feeds; the theme's script, which fetches a sitemap beside every
    such link, finds one there (no 404 in the console)."""
    page.goto(f"{base_url}history/component/webhooks/")
    page.wait_for_load_state("networkidle")
    feeds = page.locator('head link[rel=alternate][href*="components/webhooks/"]')
    assert [feeds.nth(k).get_attribute("type") for k in range(feeds.count())] == [
        "application/atom+xml", "application/rss+xml"]
    assert page.errors == []


POOL_POSTMORTEM = "postmortems/2026-01-29-publishing-api-connection-pool-exhaustion/"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_done_and_open_task_list_items_look_different(browser, scheme: str) -> None:
    """A body's task list keeps Material's boxes: a done item's box is ticked (coloured), an open one's
    is not; a ~~struck~~ item is struck through, not shown with tildes (internal edition: the section
    has prose, so it stays in the body)."""
    handler = functools.partial(_QuietHandler, directory=str(sample_site("internal")))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context(color_scheme=scheme, viewport={"width": 390, "height": 844})
    try:
        pg = context.new_page()
        pg.goto(f"http://127.0.0.1:{server.server_address[1]}/{POOL_POSTMORTEM}")
        body = pg.locator("article .task-list:not(.sr-pm-tasks)")
        done = body.locator("li.task-list-item", has_text="Add pool saturation alert")
        open_ = body.locator("li.task-list-item", has_text="Add load test for workspace export")
        tick = "el => getComputedStyle(el.querySelector('.task-list-indicator'), '::before').backgroundColor"
        assert done.locator("input").count() == open_.locator("input").count() == 1, "the boxes are kept"
        assert done.locator("input").is_checked() and not open_.locator("input").is_checked()
        assert done.evaluate(tick) != open_.evaluate(tick)
        assert done.screenshot() != open_.screenshot()
        struck = body.locator("li.task-list-item", has_text="RDS Proxy")
        assert struck.locator("del").inner_text() == "Migrate from PgBouncer to RDS Proxy"
        assert "~~" not in struck.inner_text()
    finally:
        context.close()
        server.shutdown()
