"""The sample built with Zensical 0.0.73 through ``sitrep generate``, as a visitor sees it in Chromium.

``make zensical`` is the documented command; this test does the same in a temporary
folder: ``sitrep generate --out docs --theme-dir theme --edition-config edition.yml``
next to a copy of ``zensical/mkdocs.yml``, then ``zensical build -f edition.yml``,
then ``sitrep sanitize site``.
``make test`` installs Zensical (requirements/zensical.txt) into ``.venv-zensical``.
One incident of the copied sample carries a hostile body: Zensical renders its raw
HTML as written, and ``sitrep sanitize`` must leave none of it able to run.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
import yaml

from tests.support.helpers_build import (
    CHROMIUM,
    serious_accessibility_violations,
    serve,
    serve_handler,
    visitor_page,
)
from tests.support.sitebuild import REPO, SAMPLE_NOW, copy_sample

ZENSICAL = Path(os.environ.get("SITREP_ZENSICAL", REPO / ".venv-zensical" / "bin" / "zensical"))
SITREP = str(Path(sys.executable).parent / "sitrep")
INCIDENT = "2026-02-10-publishing-api-500s"
SAMPLE_CONFIG = REPO / "tests" / "fixtures" / "sample" / "mkdocs.yml"
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
                                   "--theme-dir", str(project / "theme"), "--edition-config",
                                   str(project / "edition.yml")], env=env, capture_output=True, text=True, timeout=300)
        assert generate.returncode == 0, generate.stderr
        build = subprocess.run([str(ZENSICAL), "build", "-f", "edition.yml"], cwd=project, env=env,
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


#: An element's text colour and the background it is seen on (the first ancestor's that is not transparent).
_COLOURS = """e => {
    let node = e;
    while (node && ["rgba(0, 0, 0, 0)", "transparent"].includes(getComputedStyle(node).backgroundColor)) {
        node = node.parentElement;
    }
    return [getComputedStyle(e).color, node ? getComputedStyle(node).backgroundColor : "rgb(255, 255, 255)"];
}"""


def _check_status_page(page, base_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url)
    # The header is Zensical's: its own search box on one line (Material for MkDocs' search partial
    # stacked its parts below the title), and tabs that stand out from their bar.
    assert page.locator(".md-header").bounding_box()["height"] < 80
    for tab in page.locator(".md-tabs__link").all():
        text, background = tab.evaluate(_COLOURS)
        assert text != background, tab.inner_text()
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


def test_a_component_history_announces_its_feeds(site: Path, base_url: str) -> None:
    """As in the MkDocs build: the page's <head> links to the component's Atom and RSS feeds, which parse."""
    html = (site / "history/component/webhooks/index.html").read_text(encoding="utf-8")
    announced = re.findall(r'<link rel="alternate" type="application/(atom|rss)\+xml" title="([^"]*)" href="([^"]*)"',
                           html)
    own = [(kind, href) for kind, title, href in announced if "Webhooks &amp; integrations" in title]
    assert own == [("atom", "../../../components/webhooks/history.atom"),
                   ("rss", "../../../components/webhooks/history.rss")]
    for _, href in own:
        feed = feedparser.parse(urljoin(f"{base_url}history/component/webhooks/", href))
        assert not feed.bozo and feed.feed.title.endswith("Webhooks & integrations")


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


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """A static host as GitHub Pages is one: a missing address gets the site's 404.html, status 404."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_missing_address_gets_sitreps_page_with_the_way_back(browser, site: Path) -> None:
    """Zensical's build has Sitrep's 404 page, as the MkDocs build has: what happened and the way back."""
    with (serve_handler(functools.partial(_PagesHandler, directory=str(site))) as url,
          visitor_page(browser, url) as page):
        response = page.goto(f"{url}incidents/2026-13-40-no-such-incident/")
        assert response is not None and response.status == 404
        assert page.title() == "Page not found - SmartBeak Status"
        assert page.locator("article h1").inner_text() == "Page not found"
        # The site's look and Sitrep's stylesheet, loaded from the site's root whatever the address.
        assert page.evaluate("""() => [...document.styleSheets].some(s => s.href === location.origin +
                                '/assets/sitrep/sitrep.css' && s.cssRules.length > 0)""")
        assert page.locator(".md-tabs__link").count() == 3
        page.get_by_role("link", name="Incident history").click()
        page.wait_for_url(f"{url}history/")
        assert page.locator(".sr-history").count() == 1
        page.goto(f"{url}no/such/page/at/any/depth")
        page.get_by_role("link", name="Current status").click()
        page.wait_for_url(url)
        assert "Partial System Outage" in page.locator(".sr-banner").inner_text()
    # The only errors: the two missing addresses themselves.
    assert len(page.errors) == 2 and all("404" in error for error in page.errors), page.errors


def test_sanitize_touches_no_page_a_second_time(site: Path) -> None:
    before = {p: p.read_bytes() for p in site.rglob("*.html")}
    again = subprocess.run([SITREP, "sanitize", "-f", str(SAMPLE_CONFIG), str(site)], capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert "of 0 pages" in again.stderr
    assert {p: p.read_bytes() for p in site.rglob("*.html")} == before


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["", f"incidents/{INCIDENT}/", "history/", "postmortems/"])
def test_no_serious_accessibility_violation_in_either_scheme(browser, base_url: str, path: str, scheme: str) -> None:
    """The visitor's light or dark setting is followed (as in the MkDocs build), and both pass axe-core."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(f"{base_url}{path}")
        page.wait_for_load_state("networkidle")
        shown = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert shown == {"light": "default", "dark": "slate"}[scheme]
        assert serious_accessibility_violations(page) == []
    finally:
        context.close()


def test_the_navigation_is_the_public_editions_and_every_link_is_a_page(page, base_url: str, site: Path) -> None:
    page.goto(base_url)
    tabs = [t.strip() for t in page.locator(".md-tabs__link").all_inner_texts()]
    # Runbooks, reports and the severity levels are the team's: not in the public edition, not in its tabs.
    assert tabs == ["Status", "History", "Postmortems"]
    for tab in page.locator(".md-tabs__link").all():
        href = tab.get_attribute("href")
        assert href is not None and not href.endswith(".md"), href
    unresolved = sorted({f"{p.relative_to(site)}: {m}" for p in site.rglob("*.html")
                         for m in re.findall(r'href="([^"#]*\.md)[#"]', p.read_text(encoding="utf-8"))})
    assert unresolved == [], unresolved[:10]  # a link left as .md is a page the engine did not find


def test_generate_refuses_engine_settings_that_set_their_own_navigation(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Status\ndocs_dir: docs\nnav:\n  - Home: index.md\n",
                                         encoding="utf-8")
    result = subprocess.run([SITREP, "generate", "-f", str(SAMPLE_CONFIG), "--out", str(tmp_path / "docs"),
                             "--edition-config", str(tmp_path / "edition.yml")],
                            env={**os.environ, "SOURCE_DATE_EPOCH": str(SAMPLE_NOW)}, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 2
    assert f"{tmp_path / 'mkdocs.yml'}:3: error: remove 'nav:'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "docs").exists() and not (tmp_path / "edition.yml").exists()  # nothing written


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_the_edition_config_lists_the_sections_the_edition_has(tmp_path: Path, audience: str) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Status\ndocs_dir: docs\n", encoding="utf-8")
    result = subprocess.run([SITREP, "generate", "-f", str(SAMPLE_CONFIG), "--out", str(tmp_path / "docs"),
                             "--audience", audience, "--edition-config", str(tmp_path / "edition.yml")],
                            env={**os.environ, "SOURCE_DATE_EPOCH": str(SAMPLE_NOW)}, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    edition = yaml.safe_load((tmp_path / "edition.yml").read_text(encoding="utf-8"))
    assert edition["INHERIT"] == "mkdocs.yml"
    nav = {title: path for entry in edition["nav"] for title, path in entry.items()}
    expected = ["Status", "History", "Postmortems"]
    if audience == "internal":
        expected += ["Runbooks", "Reports", "Severity levels"]
    assert list(nav) == expected
    for path in nav.values():
        assert (tmp_path / "docs" / path).is_file(), path


def test_every_link_stays_in_the_site_served_from_a_sub_path(site: Path) -> None:
    """GitHub project Pages serve a site at ``/<repository>/``: a link with one ``../`` too many leaves it."""
    checked, problems = _links_from_a_sub_path(site)
    assert checked > 1000
    assert problems == [], f"{len(problems)} links: {problems[:8]}"


def test_the_internal_edition_keeps_every_link_and_lists_the_team_sections(tmp_path: Path) -> None:
    project = tmp_path / "zensical"
    project.mkdir()
    shutil.copy(REPO / "zensical" / "mkdocs.yml", project / "mkdocs.yml")
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(SAMPLE_NOW)}
    for command in ([SITREP, "generate", "-f", str(SAMPLE_CONFIG), "--audience", "internal", "--out", "docs",
                     "--theme-dir", "theme", "--edition-config", "edition.yml"],
                    [str(ZENSICAL), "build", "-f", "edition.yml"],
                    [SITREP, "sanitize", "-f", str(SAMPLE_CONFIG), "site"]):
        result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    status_page = (site / "index.html").read_text(encoding="utf-8")
    tabs = re.findall(r'class="md-tabs__link">\s*([^<]+?)\s*<', status_page)
    assert tabs == ["Status", "History", "Postmortems", "Runbooks", "Reports", "Severity levels"]
    checked, problems = _links_from_a_sub_path(site)
    assert checked > 5000  # reports, runbooks, action items: many more pages than the public edition
    assert problems == [], f"{len(problems)} links: {problems[:8]}"


def _links_from_a_sub_path(site: Path) -> tuple[int, list[str]]:
    """(links checked, problems) of every relative link of a built site, as if served from ``/status/``."""
    base = "https://example.test/status/"
    problems, checked = [], 0
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        if rel == "404.html":  # served at any address: its links are absolute
            continue
        url = urljoin(base, rel.removesuffix("index.html"))
        for href in re.findall(r'\s(?:href|src)="([^"]+)"', page.read_text(encoding="utf-8")):
            if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|#|/", href):
                continue
            if rel == f"incidents/{HOSTILE_INCIDENT}/index.html" and href == "../x":
                continue  # the hostile body's <img src="x">: an author's link to nothing
            checked += 1
            target = urljoin(url, href.split("#")[0])
            if not target.startswith(base):
                problems.append(f"{rel}: {href} leads out of the site, to {target}")
            else:
                local = site / target[len(base):]
                if not (local.is_file() or (local / "index.html").is_file()):
                    problems.append(f"{rel}: {href} is not a file of the site")
    return checked, problems
