"""The sample built with Zensical 0.0.73 through ``sitrep generate``, as a visitor sees it in Chromium.

``make zensical`` is the documented command; this test does the same in a temporary
folder: ``sitrep generate --out docs --theme-dir theme`` next to a copy of
``zensical/mkdocs.yml``, then ``zensical build``, then ``sitrep sanitize site``.
``make test`` installs Zensical (requirements/zensical.txt) into ``.venv-zensical``.
One incident of the copied sample carries a hostile body: Zensical renders its raw
HTML as written, and ``sitrep sanitize`` must leave none of it able to run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from tests.support.helpers_build import CHROMIUM, serve, visitor_page
from tests.support.sitebuild import REPO, SAMPLE_NOW, copy_sample

ZENSICAL = Path(os.environ.get("SITREP_ZENSICAL", REPO / ".venv-zensical" / "bin" / "zensical"))
SITREP = str(Path(sys.executable).parent / "sitrep")
INCIDENT = "2026-02-10-publishing-api-500s"
#: A public incident whose body gets raw HTML no page may run (the plugin's nh3 rules apply).
HOSTILE_INCIDENT = "2025-06-05-editor-autosave-safari"
HOSTILE_BODY = """
<img src="x" onerror="window.__sitrepPwned = 1">

<script>window.__sitrepPwned = 2</script>

A <a href="javascript:window.__sitrepPwned = 3">hostile link</a>, a [Markdown one](javascript:alert(1))
and <b>bold words</b> that stay.
"""

pytestmark = [
    pytest.mark.slow, pytest.mark.browser,
    pytest.mark.skipif(not ZENSICAL.exists(), reason="Zensical is not installed (make test installs it)"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]


@pytest.fixture(scope="module")
def site() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="sitrep-zensical-") as tmp:
        project = Path(tmp) / "zensical"
        project.mkdir()
        portal = copy_sample(Path(tmp) / "portal")
        with (portal / "incidents" / "2025" / f"{HOSTILE_INCIDENT}.md").open("a", encoding="utf-8") as record:
            record.write(HOSTILE_BODY)
        shutil.copy(REPO / "zensical" / "mkdocs.yml", project / "mkdocs.yml")
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(SAMPLE_NOW), "SITREP_AUDIENCE": "public"}
        generate = subprocess.run([SITREP, "generate", "-f", str(portal / "mkdocs.yml"), "--out", str(project / "docs"),
                                   "--theme-dir", str(project / "theme")], env=env, capture_output=True, text=True,
                                  timeout=300)
        assert generate.returncode == 0, generate.stderr
        build = subprocess.run([str(ZENSICAL), "build", "-f", "mkdocs.yml"], cwd=project, env=env,
                               capture_output=True, text=True, timeout=600)
        assert build.returncode == 0, build.stdout + build.stderr
        hostile_page = project / "site" / "incidents" / HOSTILE_INCIDENT / "index.html"
        # What the step below is for: Zensical writes the body's raw HTML as it is.
        assert "<script>window.__sitrepPwned = 2</script>" in hostile_page.read_text(encoding="utf-8")
        sanitize = subprocess.run([SITREP, "sanitize", "-f", str(portal / "mkdocs.yml"), str(project / "site")],
                                  env=env, capture_output=True, text=True, timeout=300)
        assert sanitize.returncode == 0, sanitize.stderr
        assert "sanitised the record bodies of" in sanitize.stderr
        yield project / "site"


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


def test_status_page_is_sitreps(browser, base_url) -> None:
    # A visitor outside UTC: sitrep.js adds their local time next to the UTC times (only when it differs).
    with visitor_page(browser, base_url, timezone_id="Europe/Berlin") as page:
        _check_status_page(page, base_url)


def _check_status_page(page, base_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url)
    banner = page.locator(".sr-banner")
    assert "Partial System Outage" in banner.inner_text()
    assert page.locator("li.sr-component").count() == 9
    assert page.locator("ol.sr-bar").first.locator("li").count() == 90
    # Sitrep's stylesheet is applied (from theme/, Zensical's custom_dir): the banner is a coloured box.
    assert banner.evaluate("e => getComputedStyle(e).borderRadius") != "0px"
    assert page.locator(".sr-local").count() > 0  # sitrep.js ran
    assert page.errors == []


def test_incident_page_shows_its_timeline_and_links_back(page, base_url) -> None:
    page.goto(f"{base_url}incidents/{INCIDENT}/")
    assert page.locator("h1").first.inner_text().strip().endswith("Publishing API returning errors for some customers")
    assert page.locator(".sr-update").count() >= 2
    page.locator("a", has_text="Status").first.click()
    page.wait_for_load_state()
    assert page.url == base_url
    assert page.errors == []


@pytest.mark.parametrize("name", ["history.atom", "history.rss", "updates.atom", "updates.rss"])
def test_feeds_parse_and_link_to_pages_of_the_build(name: str, site: Path, base_url: str) -> None:
    feed = feedparser.parse(f"{base_url}{name}")
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.entries
    for entry in feed.entries:
        path = urlsplit(entry.link).path
        assert (site / path.lstrip("/") / "index.html").is_file(), entry.link


def test_a_hostile_record_body_runs_nothing_after_sitrep_sanitize(page, base_url: str, site: Path) -> None:
    page.goto(f"{base_url}incidents/{HOSTILE_INCIDENT}/")
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__sitrepPwned") == "undefined"
    body = page.locator("article")
    assert body.locator("script:not([src])").filter(has_text="__sitrepPwned").count() == 0
    assert body.locator("[onerror]").count() == 0
    assert page.locator("a[href^='javascript' i]").count() == 0
    # Ordinary markup of the same body stays, and so does the link's text.
    assert body.locator("b", has_text="bold words").count() == 1
    assert "hostile link" in body.inner_text()
    html = (site / "incidents" / HOSTILE_INCIDENT / "index.html").read_text(encoding="utf-8")
    assert "sitrep:body" not in html  # the markers are the plugin's business, not the visitor's
    # The body's <img src="x"> stays an image (without its handler) and is not found: nothing else failed.
    assert all("404" in error for error in page.errors), page.errors


def test_sanitize_touches_no_page_a_second_time(site: Path) -> None:
    before = {p: p.read_bytes() for p in site.rglob("*.html")}
    again = subprocess.run([SITREP, "sanitize", "-f", str(REPO / "tests" / "fixtures" / "sample" / "mkdocs.yml"),
                            str(site)], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "of 0 pages" in again.stderr
    assert {p: p.read_bytes() for p in site.rglob("*.html")} == before
