"""Hostile text in every field of every record: shown as text everywhere, never run.

A small portal whose titles, update messages, component names, bodies, postmortem
and runbook text all carry HTML/JS/XML/JSON/template injection strings is built
twice with real MkDocs: the default (record bodies sanitised) and with
``allow_raw_html: true`` (bodies kept as written, the site owner's choice).
Then every output format is parsed by a real consumer (feedparser, json,
icalendar, an XML parser, BeautifulSoup) and every HTML page is loaded in
Chromium with traps: a payload in a *field* sets ``window.__pwned`` / calls
``alert``; a payload in a *body* sets ``window.__body``.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar

from tests.support.helpers_build import (
    CHROMIUM,
    CHROMIUM_ARGS,
    INC,
    INCIDENT,
    MAINTENANCE,
    MNT,
    OPEN,
    OPEN_INCIDENT,
    PM,
    POSTMORTEM,
    RB,
    RUNBOOK,
    SMALL_NOW_EPOCH,
    html_files,
    serve,
    write_portal,
    yaml_str,
)
from tests.support.sitebuild import mkdocs_build

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("injection")]

#: One string with every kind of injection; put (with a label) in every text field.
PAYLOAD = (
    '<script>window.__pwned=1;alert(1)</script>"><img src=x onerror="window.__pwned=1;alert(2)">'
    "'><svg onload=window.__pwned=1> javascript:alert(3) ]]> </script><script>window.__pwned=1</script>"
    "{{7*7}} {% raw %}'; DROP TABLE incidents;-- &lt;b&gt; &amp;amp; \u202eRTL override \U0001f525 e\u0301"
)
assert len(PAYLOAD) < 280, "titles hold at most 300 characters"
#: Markdown body: raw HTML, event handlers, javascript: links, marker look-alikes.
BODY = """\
Plain words with <b>bold</b> and an ampersand & a literal &lt;script&gt; that stays text; {{7*7}}.

<script>window.__body = 1</script>

<img src="x" onerror="window.__body = 1">

<svg onload="window.__body = 1"><circle r="1"/></svg>

[click me](javascript:window.__body=1) and [mixed case](JaVaScRiPt:window.__body=1) and
[encoded](&#106;avascript:window.__body=1) and [data url](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

<a href="javascript:window.__body=1" onclick="window.__body=1">raw link</a>

<iframe src="javascript:window.__body=1"></iframe>

<p id="__config">{"search": "https://evil.example/worker.js"}</p>

<label class="task-list-control"><input type="checkbox" disabled checked>\
<span class="task-list-indicator"></span></label> done box

<input type="text" name="typed" autofocus onfocus="window.__body=1"> <input type="checkbox" name="live" checked>
<input type="hidden" name="hidden"> <input type="image" src="javascript:window.__body=1" disabled>
<label for="typed" class="evil" onclick="window.__body=1">a label</label>

<!-- /sitrep:body -->

<script>window.__body = 1</script>

<!-- sitrep:fragment:99 -->

Closing words.
"""
BODY_TEXTS = ("Plain words with", "click me", "Closing words.")
PWNED_MARKS = ("__pwned", "__body")
LABELS = ("INC-TITLE", "INC-MSG-1", "INC-MSG-2", "OPEN-TITLE", "OPEN-MSG", "MNT-TITLE", "MNT-MSG",
          "RB-TITLE", "PM-TITLE", "COMP-NAME", "COMP-DESC", "COMP-GROUP", "ROLE")


def evil(label: str) -> str:
    return f"{label} {PAYLOAD}"


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def hostile_records() -> dict[str, str]:
    inc = _replace(INCIDENT, "title: Publishing API errors", f"title: {yaml_str(evil('INC-TITLE'))}")
    inc = _replace(inc, "message: We are investigating errors on the Publishing API.",
                   f"message: {yaml_str(evil('INC-MSG-1'))}")
    inc = _replace(inc, "message: This incident has been resolved.", f"message: {yaml_str(evil('INC-MSG-2'))}")
    inc = _replace(inc, "severity: SEV2\n", f"severity: SEV2\ncommander: {yaml_str(evil('ROLE'))}\n")
    inc = inc.split("---\n")
    inc = "---\n".join([*inc[:2], BODY])
    open_inc = _replace(OPEN_INCIDENT, "title: Slow editor", f"title: {yaml_str(evil('OPEN-TITLE'))}")
    open_inc = _replace(open_inc, "message: The editor is slow to save.", f"message: {yaml_str(evil('OPEN-MSG'))}")
    mnt = _replace(MAINTENANCE, "title: Database upgrade", f"title: {yaml_str(evil('MNT-TITLE'))}")
    mnt = _replace(mnt, "message: We will upgrade the primary database.", f"message: {yaml_str(evil('MNT-MSG'))}")
    rb = _replace(RUNBOOK, "title: Deployment rollback", f"title: {yaml_str(evil('RB-TITLE'))}")
    rb = rb.split("---\n")
    rb = "---\n".join([*rb[:2], BODY])
    pm = _replace(POSTMORTEM, "title: Publishing API errors", f"title: {yaml_str(evil('PM-TITLE'))}")
    pm = _replace(pm, "A release broke publishing for 35 minutes.", BODY)
    pm = _replace(pm, "- [ ] Add a canary stage for releases - Owner: Marco Bianchi - Due: 2026-03-01",
                  "- [ ] Add <script>window.__body=1</script> canary [x](javascript:window.__body=1) "
                  "- Owner: <img src=x onerror=window.__body=1> - Due: 2026-03-01")
    return {INC: inc, OPEN: open_inc, MNT: mnt, RB: rb, PM: pm}


COMPONENTS = (("web-app", evil("COMP-NAME")), ("publishing-api", "Publishing API"), ("database", "Database"))


def _build(root: Path, out: Path, audience: str, options: dict[str, object]) -> Path:
    write_portal(root, hostile_records(), components=COMPONENTS, options=options)
    # A description and a group too: the status page shows both.
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("          name: " + yaml_str(evil("COMP-NAME")) + "\n",
                            "          name: " + yaml_str(evil("COMP-NAME")) + "\n"
                            "          description: " + yaml_str(evil("COMP-DESC")) + "\n"
                            "          group: " + yaml_str(evil("COMP-GROUP")) + "\n")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = mkdocs_build(root, out, audience=audience, epoch=SMALL_NOW_EPOCH)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    return out


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("injection")
    return {
        # Every team page published too, so hostile text goes through every template of the public edition.
        "sanitised": _build(base / "a", base / "site-a", "public",
                            {"public_pages": ["runbooks", "reports", "action_items", "process"]}),
        "raw": _build(base / "b", base / "site-b", "internal", {"allow_raw_html": True, "audience": "internal"}),
    }


def plain(text: str) -> str:
    """Text as a consumer shows it, without the bidi isolates Sitrep wraps around RTL controls."""
    return text.replace("\u2068", "").replace("\u2069", "")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


_DANGEROUS_URL = re.compile(r"^(?:javascript|vbscript|data):", re.I)
_URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc")


def active_content(path: Path) -> list[str]:
    """Every way a page could run record text: handlers, script URLs, our trap in scripts, frames."""
    found = []
    for el in soup(path).find_all(True):
        for attr, value in el.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if attr.lower().startswith("on"):
                found.append(f"<{el.name} {attr}={text!r}>")
            if attr.lower() in _URL_ATTRS and _DANGEROUS_URL.match(re.sub(r"[\x00-\x20]", "", text)):
                found.append(f"<{el.name} {attr}={text!r}>")
        if el.name in ("iframe", "object", "embed", "frame"):
            found.append(f"<{el.name}>")
        if el.name == "script" and any(mark in (el.string or "") for mark in PWNED_MARKS):
            found.append(f"<script>{el.string}</script>")
    return found


# --------------------------------------------------------------------------- HTML, statically
def test_sanitised_build_has_no_active_content(sites) -> None:
    site = sites["sanitised"]
    pages = html_files(site)
    assert len(pages) > 10
    problems = {str(p.relative_to(site)): found for p in pages if (found := active_content(p))}
    assert problems == {}


def test_only_materials_config_has_its_id(sites) -> None:
    """A body cannot clobber the element Material reads its settings from (its JS would break)."""
    page = sites["sanitised"] / "incidents/2026-02-10-api-errors/index.html"
    tags = [el.name for el in soup(page).select('[id="__config"]')]
    assert tags == ["script"]


def test_bodies_keep_only_a_task_lists_disabled_checkbox(sites) -> None:
    """A task list's box (pymdownx.tasklist's markup) keeps its checked state; no other input survives."""
    page = soup(sites["sanitised"] / "incidents/2026-02-10-api-errors/index.html")
    boxes = page.select("label.task-list-control > input")
    assert [box.attrs for box in boxes] == [{"type": "checkbox", "disabled": "", "checked": ""}]
    assert boxes[0].find_next_sibling("span")["class"] == ["task-list-indicator"]
    assert not page.select('input[name="typed"], input[name="live"], input[name="hidden"], input[type="image"]')
    assert [label.attrs for label in page.find_all("label", string="a label")] == [{}]
    raw = soup(sites["raw"] / "incidents/2026-02-10-api-errors/index.html")
    assert raw.select('input[name="typed"]'), "the site owner's choice: raw HTML is kept as written"


def test_sanitised_bodies_keep_their_text(sites) -> None:
    page = sites["sanitised"] / "incidents/2026-02-10-api-errors/index.html"
    text = soup(page).get_text(" ")
    for words in BODY_TEXTS:
        assert words in text
    assert "&lt;script&gt;" in page.read_text(encoding="utf-8"), "an escaped tag in the body stays text"
    assert "{{7*7}}" in text


def test_raw_html_is_kept_when_the_site_allows_it(sites) -> None:
    page = sites["raw"] / "incidents/2026-02-10-api-errors/index.html"
    html = page.read_text(encoding="utf-8")
    assert "<script>window.__body = 1</script>" in html
    assert 'href="javascript:window.__body=1"' in html
    # ...but the fields around the body are still escaped.
    found = [f for f in active_content(page) if "__pwned" in f]
    assert found == []


@pytest.mark.parametrize("edition", ["sanitised", "raw"])
def test_fields_are_shown_as_exact_text(sites, edition) -> None:
    site = sites[edition]
    page = soup(site / "incidents/2026-02-10-api-errors/index.html")
    assert plain(page.select_one("h1").get_text()).strip().endswith(evil("INC-TITLE"))
    assert plain(page.title.get_text()) == f"{evil('INC-TITLE')} - Test Status"
    header = page.select_one('[data-md-component="header-topic"]')
    assert plain(header.get_text()).strip() == evil("INC-TITLE")
    messages = [plain(m.get_text()) for m in page.select(".sr-u-msg")]
    assert messages == [evil("INC-MSG-2"), evil("INC-MSG-1")]
    chips = [plain(c.get_text()) for c in page.select(".sr-chip")]
    assert chips == ["Partial outage: Publishing API"]
    links = {plain(a.get_text()) for a in page.select(".sr-facts a")}
    assert evil("RB-TITLE") in links
    status = soup(site / "index.html")
    names = [plain(n.get_text()) for n in status.select(".sr-comp-name")]
    assert evil("COMP-NAME") in names
    assert evil("COMP-DESC") in [plain(n.get_text()) for n in status.select(".sr-comp-desc")]
    assert evil("OPEN-TITLE") in [plain(t.get_text()).strip() for t in status.select(".sr-incident-title a")]
    assert evil("COMP-GROUP") in [plain(n.get_text()) for n in status.select(".sr-group-name > span:first-child")]
    for path, label in (("postmortems/2026-02-12-api-errors/index.html", "PM-TITLE"),
                        ("runbooks/rollback/index.html", "RB-TITLE")):
        record = soup(site / path)
        assert plain(record.select_one("h1").get_text()).strip() == evil(label), path
        assert plain(record.title.get_text()) == f"{evil(label)} - Test Status", path
    actions = soup(site / "postmortems/action-items/index.html").get_text()
    assert "Add <script>window.__body=1</script> canary [x](javascript:window.__body=1)" in actions
    if edition == "raw":  # the internal edition shows the roles
        assert evil("ROLE") in [plain(d.get_text()) for d in page.select(".sr-facts dd")]


# --------------------------------------------------------------------------- machine formats
FEEDS = ("history.rss", "history.atom", "updates.rss", "updates.atom")


@pytest.mark.parametrize("name", FEEDS)
def test_feeds_parse_cleanly_and_carry_the_text(sites, name) -> None:
    feed = feedparser.parse((sites["sanitised"] / name).read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    titles = [plain(e.title) for e in feed.entries]
    assert any(evil("INC-TITLE") in t for t in titles), titles
    assert any(evil("MNT-TITLE") in t for t in titles)
    # RSS items without a summary carry the HTML in <description> (feedparser: summary).
    html = [e["content"][0]["value"] if "content" in e else e["summary"] for e in feed.entries]
    contents = " ".join(plain(BeautifulSoup(h, "html.parser").get_text()) for h in html)
    for label in ("INC-MSG-1", "OPEN-MSG", "MNT-MSG"):
        if name.startswith("history") and label == "INC-MSG-1":
            continue
        assert evil(label) in contents, label
    assert evil("COMP-NAME") in contents


@pytest.mark.parametrize("edition", ["sanitised", "raw"])
def test_json_files_parse_and_cannot_end_a_script(sites, edition) -> None:
    site = sites[edition]
    files = sorted(site.rglob("*.json"))
    assert any(p.match("api/v2/incidents.json") for p in files)
    for path in files:
        data = json.loads(path.read_bytes())
        raw = path.read_text(encoding="utf-8").lower()
        if edition == "raw" and path.match("search/*.json"):
            continue  # the search index holds page text, raw HTML bodies included, as the owner chose
        if path.match("reports/metrics.json"):
            continue  # see test_metrics_json_cannot_end_a_script
        assert "</script" not in raw, path
        assert "<!--" not in raw, path
        del data
    incidents = json.loads((site / "api/v2/incidents.json").read_bytes())["incidents"]
    assert evil("INC-TITLE") in [plain(i["name"]) for i in incidents]
    bodies = [plain(u["body"]) for i in incidents for u in i["incident_updates"]]
    assert evil("INC-MSG-1") in bodies
    components = json.loads((site / "api/v2/components.json").read_bytes())["components"]
    assert evil("COMP-NAME") in [plain(c["name"]) for c in components]


def test_metrics_json_cannot_end_a_script(sites) -> None:
    """Kept apart from the test above so its failure names the file: reports/metrics.json comes from
    library.build_team_files (plain json.dumps), not statuspage_api.dump_json, which escapes < > &."""
    raw = (sites["sanitised"] / "reports/metrics.json").read_text(encoding="utf-8").lower()
    assert "</script" not in raw and "<!--" not in raw


def test_badges_parse(sites) -> None:
    site = sites["sanitised"]
    svg = ET.fromstring((site / "components/web-app/badge.svg").read_bytes())
    title = svg.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and plain(title.text or "").startswith(evil("COMP-NAME"))
    for path in site.rglob("badge.svg"):
        ET.fromstring(path.read_bytes())
    badge = json.loads((site / "components/web-app/badge.json").read_bytes())
    assert plain(badge["label"]) == evil("COMP-NAME")


def test_calendar_and_sitemap_parse(sites) -> None:
    site = sites["sanitised"]
    cal = Calendar.from_ical((site / "maintenance.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    assert [plain(str(e["SUMMARY"])) for e in events] == [evil("MNT-TITLE")]
    assert evil("MNT-MSG") in plain(str(events[0]["DESCRIPTION"]))
    ET.fromstring((site / "sitemap.xml").read_bytes())


# --------------------------------------------------------------------------- in a real browser
#: Pages whose HTML holds a record body: the raw edition only needs these (every other page
#: is rendered the same way in both editions and is visited in the sanitised one).
BODY_PAGES = re.compile(r"^(incidents|postmortems|runbooks)/[a-z0-9-]+/index\.html$")


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
def test_no_injected_script_runs_in_chromium(sites) -> None:
    from playwright.sync_api import sync_playwright

    sanitised_pages = [p.relative_to(sites["sanitised"]).as_posix() for p in html_files(sites["sanitised"])]
    raw_pages = [rel for p in html_files(sites["raw"])
                 if BODY_PAGES.match(rel := p.relative_to(sites["raw"]).as_posix())]
    assert len(sanitised_pages) > 10 and len(raw_pages) >= 3
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            sanitised = _visit_all(browser, sites["sanitised"], sanitised_pages, search="INC-TITLE")
            raw = _visit_all(browser, sites["raw"], raw_pages)
        finally:
            browser.close()
    assert sanitised["pwned"] == [] and sanitised["body"] == [] and sanitised["dialogs"] == []
    assert sanitised["errors"] == []
    assert sanitised["search results"], "the search box found the hostile title"
    assert raw["pwned"] == [] and raw["dialogs"] == []
    # Positive control: with allow_raw_html the body's script does run, so the trap works.
    assert "incidents/2026-02-10-api-errors/index.html" in raw["body"]


def _visit_all(browser, site: Path, pages: list[str], search: str | None = None) -> dict[str, list[str]]:
    """Load every page and read the traps once it has loaded; optionally search from the last one.

    Sequential on purpose: on two cores, parallel tabs (or Playwright's async API) were slower.
    No ``context.route()`` either: routing turns the HTTP cache off and triples the run time.
    """
    out: dict[str, list[str]] = {"pwned": [], "body": [], "dialogs": [], "errors": [], "search results": []}
    current = {"path": ""}
    with serve(site) as base:
        context = browser.new_context()
        page = context.new_page()

        def on_dialog(dialog) -> None:
            out["dialogs"].append(f"{current['path']}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda e: out["errors"].append(f"{current['path']}: {e}"))
        # Nothing may be fetched from another host (an injected src would be).
        page.on("request", lambda r: None if r.url.startswith(base) else out["errors"].append(
            f"{current['path']}: external request {r.url}"))

        def check(rel: str) -> None:
            pwned, body = page.evaluate("() => [window.__pwned, window.__body]")
            if pwned:
                out["pwned"].append(rel)
            if body:
                out["body"].append(rel)

        for rel in pages:
            current["path"] = rel
            page.goto(base + rel, wait_until="load")
            check(rel)
        if search:
            # Material renders search results (titles, text) as HTML: type a hostile title's label.
            current["path"] = rel = "search results"
            page.goto(base + "about/", wait_until="load")
            # The index is built in a worker; Material says so once it is ready (slow on a busy machine).
            page.wait_for_function("() => /Type to start/.test("
                                   "document.querySelector('.md-search-result__meta')?.textContent || '')",
                                   timeout=60_000)
            page.keyboard.press("s")  # Material's shortcut opens and focuses the search box
            page.keyboard.type(search)  # real key events: Material searches on keyup, not on fill()
            results = page.locator(".md-search-result__item")
            results.first.wait_for(timeout=30_000)
            out["search results"] = results.all_inner_texts()
            check(rel)
        context.close()
    return out
