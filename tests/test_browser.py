"""What a visitor sees in a real browser: Debian's Chromium driven by Playwright, plus axe-core."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.helpers_build import CHROMIUM
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
    assert page.locator(".sr-banner").inner_text().strip().startswith("◆")
    assert "Partial System Outage" in page.locator(".sr-banner").inner_text()
    assert page.locator("li.sr-component").count() == 9
    assert page.locator("ol.sr-bar").first.locator("li").count() == 90
    # Local time is added next to UTC times by the script.
    assert page.locator(".sr-local").count() > 0
    assert page.errors == []


def test_uptime_tooltip_by_keyboard(page, base_url) -> None:
    page.goto(base_url)
    day = page.locator("a.sr-day").first
    tip = day.locator(".sr-tip")
    assert tip.bounding_box()["width"] <= 1, "the tooltip is visually hidden until focus"
    # Tab from the element just before the bar until the day link has focus.
    day.evaluate("el => el.closest('li.sr-component').querySelector('.sr-comp-name').setAttribute('tabindex', '-1')")
    day.evaluate("el => el.closest('li.sr-component').querySelector('.sr-comp-name').focus()")
    for _ in range(20):
        page.keyboard.press("Tab")
        if day.evaluate("el => el === document.activeElement"):
            break
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


@pytest.mark.parametrize("path", ["", "history/", "incidents/2026-02-10-publishing-api-500s/", "process/"])
def test_no_serious_accessibility_violations(page, base_url, path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(base_url + path)
    results = Axe().run(page)
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []
