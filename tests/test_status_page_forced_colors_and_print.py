"""The status page for visitors who depend on forced colours (Windows High Contrast) or on a printout.

Forced colours paint every background the visitor's Canvas: a day of an uptime bar whose colour was its only mark
vanishes. There each day must keep a visible edge in the visitor's own colours and say its impact by more than a
colour (sitrep.css draws a day's impact as its share of ink). A printout, or a PDF saved during an outage review,
must hold every component, those of folded groups too, with or without JavaScript.

The portal: ``tests/support/midsize.py``'s 40 components in 6 groups (one open, its outage under way), its first
day in the middle of the 90 days shown, so its bars hold every kind of day: no data, operational, degraded
performance, partial and major outage. Debian's Chromium through Playwright emulates forced colours and print.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.helpers_build import CHROMIUM, serve, visitor_page
from tests.support.midsize import COMPONENT_IDS, MIDSIZE_NOW_EPOCH, write_midsize_portal
from tests.support.sitebuild import mkdocs_build

pytestmark = [
    pytest.mark.slow, pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]

#: Each kind of day by its class (sitrep.css, tests/support/bars.py; none for an operational day).
KINDS = {"operational": ":not(.d):not(.p):not(.m):not(.n)", "degraded": ".d", "partial outage": ".p",
         "major outage": ".m", "no data": ".n"}

#: For each kind of day shown, how each of its days is drawn: its edge (width, style, colour), its fill and mask.
_DAY_LOOKS = """kinds => {
  const canvas = getComputedStyle(document.body).backgroundColor;
  const out = {};
  for (const [kind, cls] of Object.entries(kinds)) {
    out[kind] = [...document.querySelectorAll('ol.sr-bar > li' + cls)].filter(li => li.checkVisibility()).map(li => {
      const cs = getComputedStyle(li);
      return {edge: [cs.borderTopWidth, cs.borderTopStyle, cs.borderTopColor, cs.borderLeftColor].join(' '),
              edgeShows: parseFloat(cs.borderTopWidth) >= 1 && cs.borderTopStyle !== 'none'
                         && cs.borderTopColor !== canvas && !/rgba\\(.*, 0\\)$/.test(cs.borderTopColor),
              fill: cs.backgroundImage, mask: cs.maskImage || cs.webkitMaskImage};
    });
  }
  return {canvas, out};
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("access")
    portal = write_midsize_portal(work / "portal", since="2026-10-15")
    result = mkdocs_build(portal, work / "site", epoch=MIDSIZE_NOW_EPOCH)
    assert result.returncode == 0, result.stderr
    return work / "site"


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


def _open_groups(pg) -> None:
    pg.evaluate("document.querySelectorAll('details.sr-group').forEach(d => { d.open = true; })")


@pytest.mark.parametrize(("width", "scheme"), [(390, "dark"), (1280, "light")])
def test_each_uptime_day_shows_and_says_its_impact_in_forced_colors(browser, base_url: str, width: int,
                                                                    scheme: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        pg = context.new_page()
        pg.emulate_media(forced_colors="active")
        pg.goto(base_url)
        assert pg.evaluate("matchMedia('(forced-colors: active)').matches")
        _open_groups(pg)
        looks = pg.evaluate(_DAY_LOOKS, KINDS)["out"]
        assert all(looks[kind] for kind in KINDS), {kind: len(days) for kind, days in looks.items()}
        for kind, days in looks.items():
            assert all(day["edgeShows"] for day in days), f"a {kind} day has no visible edge: {days[0]}"
            assert len({(day["edge"], day["fill"]) for day in days}) == 1, f"{kind} days are drawn alike"
        # Five kinds, five looks; and not by a colour alone: the impacts differ in their share of ink (the fill).
        drawn = {kind: (days[0]["edge"], days[0]["fill"]) for kind, days in looks.items()}
        assert len(set(drawn.values())) == len(KINDS), drawn
        assert len({drawn[k][1] for k in ("operational", "degraded", "partial outage", "major outage")}) == 4, drawn
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        # Hovering a day shows its tooltip in the visitor's colours, framed (it sits over other days).
        day = pg.locator("#component-payments ol.sr-bar > li").last
        day.hover()
        tip = day.locator(".sr-tip")
        assert "Major outage" in tip.inner_text()
        assert tip.evaluate("t => getComputedStyle(t).borderTopStyle") == "solid"
    finally:
        context.close()


def test_without_javascript_each_day_of_a_run_is_drawn_in_forced_colors(browser, base_url: str) -> None:
    """The page as written (runs of days alike, which sitrep.js would split): each run is cut into its days,
    each day with its edges, so the bar reads as it does with the script."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        pg = context.new_page()
        pg.emulate_media(forced_colors="active")
        pg.goto(base_url)
        _open_groups(pg)
        runs = pg.evaluate(_DAY_LOOKS, {"run": "[style]"})["out"]["run"]
        assert len(runs) >= 40, "each bar has runs of days alike"
        assert all(run["edgeShows"] and "repeating-linear-gradient" in run["mask"] for run in runs), runs[0]
    finally:
        context.close()


def test_icons_and_fold_markers_take_the_visitors_colors(browser, base_url: str) -> None:
    with visitor_page(browser, base_url) as pg:
        pg.emulate_media(forced_colors="active")
        pg.goto(base_url)
        # A status icon is drawn in the colour of the text beside it (the visitor's), not the page's own green.
        for icon in pg.locator("svg.sr-icon").all():
            assert icon.evaluate("i => getComputedStyle(i).color === getComputedStyle(i.parentElement).color"), (
                icon.evaluate("i => i.outerHTML"))
        # A folded group's marker (Material draws it as a background) is not painted the Canvas.
        marker = pg.locator("details.sr-group > summary").first.evaluate(
            "s => [getComputedStyle(s, '::after').backgroundColor, getComputedStyle(document.body).backgroundColor]")
        assert marker[0] != marker[1] and not re.fullmatch(r"rgba\(.*, 0\)", marker[0]), marker
    assert pg.errors == []


@pytest.mark.parametrize("javascript", [True, False])
def test_a_printout_holds_every_component(browser, base_url: str, javascript: bool) -> None:
    """Printed (print media, as when saving a PDF, which fires no print event): folded groups print open, the
    bars with their colours; on screen afterwards the groups are as the visitor left them."""
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 800, "height": 900})
    try:
        pg = context.new_page()
        pg.goto(base_url)
        folded = pg.locator("details.sr-group:not([open])").count()
        assert folded == 5, "all groups but the one in trouble are folded"
        shown = "[...document.querySelectorAll('li.sr-component')].filter(c => c.checkVisibility()).map(c => c.id)"
        assert len(pg.evaluate(shown)) == 6
        pg.emulate_media(media="print")
        assert pg.evaluate(shown) == [f"component-{cid}" for cid in COMPONENT_IDS]
        assert pg.locator("ol.sr-bar > li").first.evaluate("li => getComputedStyle(li).printColorAdjust") == "exact"
        pg.emulate_media(media="screen")
        assert pg.locator("details.sr-group:not([open])").count() == folded
    finally:
        context.close()


def test_the_print_dialog_unfolds_the_groups_and_folds_them_back(browser, base_url: str) -> None:
    """A browser's print command fires beforeprint and afterprint: Material opens every details for the printout
    and restores each after, a group the visitor unfolded staying open."""
    with visitor_page(browser, base_url, width=800) as pg:
        pg.goto(base_url)
        pg.locator("details.sr-group:not([open]) > summary").first.click()
        before = pg.evaluate("[...document.querySelectorAll('details.sr-group')].map(d => d.open)")
        assert before.count(True) == 2
        pg.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        pg.wait_for_function("[...document.querySelectorAll('details.sr-group')].every(d => d.open)")
        pg.evaluate("window.dispatchEvent(new Event('afterprint'))")
        pg.wait_for_function("before => [...document.querySelectorAll('details.sr-group')].every((d, k) => "
                             "d.open === before[k])", arg=before)
    assert pg.errors == []
