"""Every page type of the sample portal as a visitor sees it, on a phone, a tablet and a desktop, light and dark.

Debian's Chromium through Playwright (one browser, one context per colour scheme, one tab per page that
is resized through the widths) and axe-core. "Clipped" text is text its box cuts off: content wider or
taller than an ``overflow: hidden``/``clip`` box or an ellipsis. Boxes that scroll (Material's tables and
code blocks on a phone) are not clipped as long as the keyboard can reach them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.support.helpers_build import CHROMIUM, serious_accessibility_violations, serve
from tests.support.sitebuild import sample_site

pytestmark = [
    pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("visual"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]

#: One page of each type the sample portal publishes (in the internal edition, which has them all:
#: the public one has no runbook, report, action-item or severity page unless public_pages lists it).
PAGES: dict[str, str] = {
    "status": "",
    "incident (open)": "incidents/2026-11-23-webhook-delivery-delays/",
    "incident (resolved)": "incidents/2026-02-10-publishing-api-500s/",
    "maintenance": "incidents/2026-12-05-postgresql-17-upgrade/",
    "history": "history/",
    "day page": "history/day/2026-11-23/",
    "postmortem index": "postmortems/",
    "postmortem": "postmortems/2026-02-13-publishing-api-errors-v4-12-deploy/",
    "action items": "postmortems/action-items/",
    "runbooks index": "runbooks/",
    "runbook": "runbooks/service-degradation/",
    "reports": "reports/",
    "severity levels": "process/",
}
WIDTHS = (320, 390, 768, 1280)
SCHEMES = ("light", "dark")

#: Elements of the main content whose text their box cuts off, or that scroll but cannot be reached by keyboard.
_CLIPPED = """() => {
  const out = [];
  for (const el of document.querySelectorAll('.md-content *')) {
    if (!el.checkVisibility()) continue;
    const cs = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2 || cs.clipPath !== 'none') continue;  // visually hidden on purpose
    const text = (el.innerText || '').trim();
    if (!text) continue;
    const wide = el.scrollWidth > el.clientWidth + 1, tall = el.scrollHeight > el.clientHeight + 1;
    const cut = v => v === 'hidden' || v === 'clip';
    const scrolls = v => v === 'auto' || v === 'scroll';
    const name = el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined
      ? '.' + String(el.className).trim().split(/\\s+/).join('.') : '') + ': ' + text.slice(0, 40);
    if ((wide && (cut(cs.overflowX) || cs.textOverflow === 'ellipsis')) || (tall && cut(cs.overflowY))) {
      out.push('clipped ' + name);
    } else if ((wide && scrolls(cs.overflowX)) || (tall && scrolls(cs.overflowY))) {
      const reachable = el.tabIndex >= 0 || el.querySelector('a[href], button, input, [tabindex="0"]');
      if (!reachable) out.push('scrolls without keyboard access ' + name);
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve(sample_site("internal")) as url:
        yield url


@pytest.fixture(scope="module", params=SCHEMES)
def context(request, browser):
    ctx = browser.new_context(color_scheme=request.param, viewport={"width": WIDTHS[-1], "height": 900})
    ctx.scheme = request.param  # type: ignore[attr-defined]
    yield ctx
    ctx.close()


def _open(context, base_url: str, path: str):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base_url + path)
    page.errors = errors  # type: ignore[attr-defined]
    return page


@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_every_width_without_clipping(context, base_url, name) -> None:
    page = _open(context, base_url, PAGES[name])
    try:
        scheme = page.evaluate("document.body.dataset.mdColorScheme")
        assert scheme == ("slate" if context.scheme == "dark" else "default"), "Material follows the visitor's scheme"
        # What a visitor can unfold must fit too (Subscribe, timelines, the report's long lists).
        page.evaluate("document.querySelectorAll('.md-content details').forEach(d => { d.open = true; })")
        problems = []
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            # Material animates its search box on resize: wait for the layout to settle.
            with contextlib.suppress(PlaywrightTimeoutError):
                page.wait_for_function("document.documentElement.scrollWidth <= window.innerWidth", timeout=5000)
            # A busy machine may settle the layout just after the wait: only a page still too wide is a problem.
            if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
                  .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && e.checkVisibility())
                  .slice(0, 5)
                  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
                problems.append(f"{width}px: page is {page.evaluate('document.documentElement.scrollWidth')}px wide "
                                f"({wide})")
            problems += [f"{width}px: {p}" for p in page.evaluate(_CLIPPED)]
        assert problems == []
        assert page.errors == []
    finally:
        page.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation_in_either_scheme(context, base_url, name) -> None:
    """axe-core at desktop width (the header tabs show there; phones have the same content and colours)."""
    page = _open(context, base_url, PAGES[name])
    try:
        assert serious_accessibility_violations(page) == []
    finally:
        page.close()


def test_uptime_day_tooltips_stay_on_a_phone_screen(context, base_url) -> None:
    page = _open(context, base_url, "")
    try:
        for width in (320, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            days = page.locator("#component-webhooks ol.sr-bar > li:visible")
            shown = days.count()
            assert shown == (30 if width == 320 else 90), "fewer days on a phone, as Statuspage shows"
            days.last.locator("a").focus()  # today: the bar's one Tab stop
            for k, keys in ((0, ["Home"]), (shown // 2, ["ArrowRight"] * (shown // 2)), (shown - 1, ["End"])):
                for key in keys:
                    page.keyboard.press(key)
                day = days.nth(k)
                tip = day.locator(".sr-tip")
                box = tip.bounding_box()
                assert box and box["width"] > 40, f"day {k} shows its tooltip on focus at {width}px"
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"day {k}'s tooltip leaves the screen"
                assert "uptime" in tip.inner_text()
    finally:
        page.close()
