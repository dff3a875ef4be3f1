"""What a visitor sees in a real browser: Debian's Chromium driven by Playwright, plus axe-core."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
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


def test_uptime_tooltip_by_keyboard(page, base_url) -> None:
    page.goto(base_url)
    day = page.locator("a.sr-day").first
    tip = day.locator(".sr-tip")
    assert tip.bounding_box()["width"] <= 1, "the tooltip is visually hidden until focus"
    # Every day is focusable: Tab from the day before the marked one.
    day.evaluate("el => el.closest('li').previousElementSibling.focus()")
    page.keyboard.press("Tab")
    assert day.evaluate("el => el === document.activeElement"), "the marked day is reachable with Tab"
    assert tip.bounding_box()["width"] > 40, "focus reveals the tooltip"
    assert " incident" in tip.inner_text()
    assert page.errors == []


def test_history_filter_narrows_the_list(page, base_url) -> None:
    page.goto(base_url + "history/")
    box = page.locator("[data-sr-filter]")
    assert box.is_visible()
    total = page.locator(".sr-hitem:visible").count()
    box.fill("sev2")
    visible = page.locator(".sr-hitem:visible")
    assert 0 < visible.count() < total
    for i in range(visible.count()):
        assert "sev2" in visible.nth(i).get_attribute("data-sr-text").lower()
    assert page.errors == []


def test_status_page_usable_without_javascript(browser, base_url) -> None:
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(base_url)
    assert "Partial System Outage" in pg.locator(".sr-banner").inner_text()
    assert pg.locator("a.sr-day").count() > 0
    context.close()


@pytest.mark.parametrize(("width", "days"), [(390, 30), (1280, 90)])
def test_uptime_figure_and_legend_match_the_days_shown(browser, base_url, width, days) -> None:
    with visitor_page(browser, base_url, width=width) as pg:
        pg.goto(base_url)
        bar = pg.locator("#component-webhooks")
        assert bar.locator("ol.sr-bar > li:visible").count() == days
        assert f"last {days} days" in pg.locator(".sr-legend").inner_text()
        assert bar.locator(".sr-since").inner_text() == f"{days} days ago"
        figure = bar.locator(".sr-uptime").inner_text()
        # The figure of the days on screen: webhooks' 30 days hold today's open partial outage,
        # so the 30-day figure is lower than the 90-day one.
        assert figure == {30: "99.83% uptime", 90: "99.92% uptime"}[days]
