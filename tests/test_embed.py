"""``/embed.js`` in Chromium: a product page on another origin shows the status banner.

The status site is a real ``mkdocs build`` served on 127.0.0.1 (with the CORS header
GitHub Pages sends); the product page is served from 127.0.0.2, a different origin.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.helpers_build import (
    CHROMIUM,
    CHROMIUM_ARGS,
    INC,
    INCIDENT,
    MAINTENANCE,
    MNT,
    OPEN,
    OPEN_INCIDENT,
    RB,
    RUNBOOK,
    serve,
    write_portal,
)
from tests.support.sitebuild import mkdocs_build

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]

#: 2026-03-01T12:00:00Z: the editor incident is open; the database maintenance (03-05) is ahead.
OPEN_NOW = 1772366400
#: 2026-03-05T03:00:00Z: the database maintenance is in progress.
MAINTENANCE_NOW = 1772679600


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three builds: an incident open on web-app, a maintenance in progress, everything operational."""
    built = {}
    for name, files, epoch in (
        ("open", {INC: INCIDENT, RB: RUNBOOK, OPEN: OPEN_INCIDENT, MNT: MAINTENANCE}, OPEN_NOW),
        ("maintenance", {INC: INCIDENT, RB: RUNBOOK, MNT: MAINTENANCE}, MAINTENANCE_NOW),
        ("operational", {INC: INCIDENT, RB: RUNBOOK}, OPEN_NOW),
    ):
        root = write_portal(tmp_path_factory.mktemp(name), files, search=False)
        result = mkdocs_build(root, root / "site", epoch=epoch)
        assert result.returncode == 0, result.stderr
        built[name] = root / "site"
    return built


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def product_page(folder: Path, status_root: str, components: str | None, charset: bool = True) -> str:
    chosen = f' data-components="{components}"' if components is not None else ""
    (folder / "index.html").write_text(
        f"<!doctype html><html lang=en><head>{'<meta charset=utf-8>' if charset else ''}<title>Product</title>"
        '<link rel="icon" href="data:,"></head><body>'
        "<h1>Our product</h1>"
        f'<script src="{status_root}embed.js"{chosen} async></script>'
        "<p>Content</p></body></html>", encoding="utf-8")
    return "index.html"


def visit(browser, site: Path, tmp_path: Path, components: str | None,  # type: ignore[no-untyped-def]
          clock: int | None = None, colours: list[str] | None = None, charset: bool = True,
          ) -> tuple[list[str], list[str], list]:
    """Banner texts, console errors and cookies of the product page (``clock``: the visitor's time, epoch s;
    ``colours``: filled with each banner's border colour)."""
    with serve(site, "127.0.0.1", cors=True) as status_root, serve(tmp_path, "127.0.0.2", cors=False) as product:
        page_name = product_page(tmp_path, status_root, components, charset)
        context = browser.new_context()
        page = context.new_page()
        if clock is not None:
            page.clock.set_fixed_time(datetime.fromtimestamp(clock, UTC))
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        with page.expect_response(lambda r: r.url.endswith("api/v2/summary.json")) as response:
            page.goto(product + page_name)
        assert response.value.status == 200
        page.wait_for_load_state("networkidle")
        assert page.evaluate("location.origin") != status_root.rstrip("/")  # really another origin
        banners = page.locator(".sitrep-banner").all_inner_texts()
        if colours is not None:
            colours += page.locator(".sitrep-banner").evaluate_all(
                "boxes => boxes.map(b => getComputedStyle(b).borderLeftColor)")
        cookies = context.cookies()
        context.close()
    return banners, errors, cookies


def test_an_open_incident_on_a_chosen_component_shows_a_banner(browser, sites, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    colours: list[str] = []
    banners, errors, cookies = visit(browser, sites["open"], tmp_path, "web-app", colours=colours)
    assert len(banners) == 1
    assert banners[0].startswith("Identified: Slow editor (Web application: Degraded performance)")
    # Amber, as the status page colours degraded performance: not the red of a major outage.
    assert colours == ["rgb(249, 168, 37)"]
    assert "A cache node is overloaded; we are adding capacity." in banners[0]
    assert errors == [] and cookies == []


def test_a_product_page_without_a_charset_reads_the_banner_as_written(browser, sites, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The page's encoding (windows-1252 without a charset) is the script's too: a dash must not become "â€”".
    banners, errors, _ = visit(browser, sites["open"], tmp_path, "web-app", charset=False)
    assert " — A cache node is overloaded" in banners[0], banners
    assert errors == []


def test_other_components_and_an_operational_site_show_nothing(browser, sites, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    banners, errors, _ = visit(browser, sites["open"], tmp_path, "publishing-api,database")
    assert banners == [] and errors == []
    banners, errors, cookies = visit(browser, sites["operational"], tmp_path, None)
    assert banners == [] and errors == [] and cookies == []


def test_a_maintenance_in_progress_shows_a_banner(browser, sites, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    banners, errors, _ = visit(browser, sites["maintenance"], tmp_path, "database")
    assert len(banners) == 1 and banners[0].startswith("Maintenance in progress: Database upgrade")
    assert errors == []


def test_a_maintenance_shows_from_its_window_not_from_the_next_rebuild(browser, sites, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """summary.json was built before the window (the maintenance still 'scheduled' in it); the visitor's
    clock is inside the window: the banner says it is under way, as the status page will at its next build."""
    banners, errors, _ = visit(browser, sites["open"], tmp_path, "database", clock=MAINTENANCE_NOW)
    assert len(banners) == 1 and banners[0].startswith("Maintenance in progress: Database upgrade"), banners
    assert errors == []
    before, _, _ = visit(browser, sites["open"], tmp_path, "database", clock=OPEN_NOW)
    assert before == []
    after, _, _ = visit(browser, sites["open"], tmp_path, "database", clock=MAINTENANCE_NOW + 30 * 86400)
    assert after == []  # the window is long over: nothing claims it is still under way
