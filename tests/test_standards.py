"""The built sample portal (public edition) meets the standards its consumers rely on.

* every HTML page passes the Nu HTML Checker (vnu.jar, from npm's vnu-jar) with no
  errors, except a short documented allowlist of Material's own markup;
* both kinds of feed parse in feedparser without bozo, maintenance.ics parses in icalendar;
* every internal link and asset reference resolves to a file of the build, and
  every ``#fragment`` to an id on the target page (checked on the files, no network).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import lxml.html
import pytest
from icalendar import Calendar

from sitrep.render.linkcheck import target_file
from tests.support.sitebuild import sample_site

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sample-site")]

FETCH_VNU = Path(__file__).parent / "tools" / "fetch_vnu.sh"


@dataclass(frozen=True)
class Allowed:
    """A checker error we accept: where it comes from and why we cannot fix it."""

    message: re.Pattern[str]
    extract: re.Pattern[str]
    reason: str


VNU_ALLOWLIST = (
    Allowed(re.compile(r"^Attribute “autocomplete” is only allowed when the input type is"),
            re.compile(r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox"'),
            "Material's header toggles (base.html) are checkboxes with autocomplete=off, which Firefox "
            "needs to not restore their state; the attribute is harmless on a checkbox."),
    Allowed(re.compile(r"^The value of the “for” attribute of the “label” element must be the ID of a non-hidden "
                       r"form control\.$"),
            re.compile(r'<label class="md-nav__title" for="__toc">'),
            "Material's partials/toc.html always labels its #__toc toggle, which partials/nav-item.html only "
            "renders for pages in the navigation; pages outside the nav (incident and postmortem pages) get a dangling "
            "label. Fixing it means overriding Material's nav templates."),
)


# --------------------------------------------------------------------------- Nu HTML Checker
@cache
def vnu_jar() -> Path:
    """The checker's jar: $SITREP_VNU_JAR, else installed by tools/fetch_vnu.sh into ~/.cache."""
    if not shutil.which("java"):
        pytest.skip("java is not installed (Debian: default-jre-headless; .ci/run installs it)")
    if os.environ.get("SITREP_VNU_JAR"):
        return Path(os.environ["SITREP_VNU_JAR"])
    if not shutil.which("bash"):
        pytest.skip("bash is needed to run tests/tools/fetch_vnu.sh")
    result = subprocess.run(["bash", str(FETCH_VNU)], capture_output=True, text=True, timeout=300)
    if result.returncode == 3:
        pytest.skip("npm is not installed, so vnu-jar cannot be fetched (or set SITREP_VNU_JAR)")
    if result.returncode != 0:
        pytest.skip(f"could not install vnu-jar with npm (offline?): {result.stderr.strip()[-500:]}")
    return Path(result.stdout.strip().splitlines()[-1])


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def allowed(message: dict[str, object]) -> bool:
    text, extract = str(message.get("message", "")), str(message.get("extract", ""))
    return any(a.message.search(text) and a.extract.search(extract) for a in VNU_ALLOWLIST)


@cache
def vnu_messages() -> tuple[Path, list[dict[str, object]]]:
    """The checker's errors over every page of the sample site, in ONE run (the JVM takes seconds to start)."""
    jar = vnu_jar()
    site = sample_site()
    pages = html_pages(site)
    assert len(pages) > 20
    result = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--format", "json", *map(str, pages)],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    assert result.returncode == (1 if messages else 0), result.stderr[-2000:]
    return site, messages


def test_every_page_passes_the_nu_html_checker() -> None:
    site, messages = vnu_messages()
    problems = [f"{str(m.get('url', '')).split(str(site), 1)[-1]}:{m.get('lastLine')}: {m.get('type')}: "
                f"{m.get('message')}\n    {m.get('extract', '')!r}" for m in messages if not allowed(m)]
    assert problems == [], "\n".join(problems)


def test_allowlist_entries_are_still_needed() -> None:
    """An allowlist entry that matches nothing any more must go (Material fixed it, or we did)."""
    _, messages = vnu_messages()
    unused = [a.reason for a in VNU_ALLOWLIST
              if not any(a.message.search(str(m.get("message", ""))) and a.extract.search(str(m.get("extract", "")))
                         for m in messages)]
    assert unused == []


# --------------------------------------------------------------------------- feeds and calendar
@pytest.mark.parametrize("name", ["history.rss", "history.atom", "updates.rss", "updates.atom"])
def test_feeds_parse_without_bozo(name: str) -> None:
    feed = feedparser.parse((sample_site() / name).read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version in ("rss20", "atom10")
    assert feed.entries, "the sample has recent incidents"
    for entry in feed.entries:
        assert entry.get("id") and entry.get("title") and entry.get("link")
        assert entry.get("published_parsed")


def test_maintenance_calendar_parses() -> None:
    cal = Calendar.from_ical((sample_site() / "maintenance.ics").read_bytes())
    assert str(cal["VERSION"]) == "2.0" and cal.get("PRODID")
    events = list(cal.walk("VEVENT"))
    assert events
    for event in events:
        for prop in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            assert prop in event, prop
    assert len({str(e["UID"]) for e in events}) == len(events)


# --------------------------------------------------------------------------- links on disk
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
_LINK_ATTRS = {"a": ("href",), "link": ("href",), "script": ("src",), "img": ("src",), "source": ("src", "srcset"),
               "iframe": ("src",), "area": ("href",), "form": ("action",), "use": ("href", "xlink:href")}


@cache
def _parsed(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


@cache
def _ids(path: Path) -> frozenset[str]:
    doc = _parsed(path)
    return frozenset([*doc.xpath("//@id"), *doc.xpath("//a/@name")])


def _references(page: Path) -> list[tuple[str, str]]:
    out = []
    for el in _parsed(page).iter(*_LINK_ATTRS):
        for attr in _LINK_ATTRS[el.tag]:
            value = el.get(attr)
            if not value:
                continue
            urls = [part.strip().split(" ")[0] for part in value.split(",")] if attr == "srcset" else [value]
            out += [(f"<{el.tag} {attr}>", url) for url in urls]
    return out


def test_every_internal_link_and_fragment_resolves() -> None:
    site = sample_site()
    broken: list[str] = []
    checked = 0
    for page in html_pages(site):
        rel = page.relative_to(site).as_posix()
        for where, url in _references(page):
            if _EXTERNAL.match(url):
                continue
            parts = urlsplit(url)
            target = target_file(site, page, parts.path)
            checked += 1
            if target is None or not target.is_file():
                broken.append(f"{rel}: {where} {url!r} -> no file {target}")
                continue
            fragment = unquote(parts.fragment)
            if not fragment or fragment.startswith("__") or target.suffix != ".html":
                continue
            if fragment not in _ids(target):
                broken.append(f"{rel}: {where} {url!r} -> no id {fragment!r} in {target.relative_to(site)}")
    assert checked > 1000
    assert broken == [], "\n".join(broken)
