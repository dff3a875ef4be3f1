"""Shared helpers of the "trustworthy under bad input" tests: small real portals.

``conftest.make_portal`` writes a portal for ``sitrep validate``; a real MkDocs
build of a portal also needs the Material theme with Sitrep's theme folder (the
status page uses ``sitrep-status.html``) and a ``docs/`` folder, which
:func:`write_portal` adds. :data:`SMALL_PORTAL` is a valid set of records (an
incident, an open incident, a maintenance, a postmortem, a runbook) the tests
start from and then break or fill with hostile text.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sitrep.load.loader import load_portal
from sitrep.model.config import load_config
from sitrep.model.diagnostics import Diagnostics
from sitrep.model.portal import Portal
from sitrep.render.site import build_site

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
#: 2026-03-01T12:00:00Z: "now" of the small portal (one incident open, maintenance ahead).
SMALL_NOW_EPOCH = 1772366400
SMALL_NOW = datetime.fromtimestamp(SMALL_NOW_EPOCH, tz=UTC)

DEFAULT_COMPONENTS: tuple[tuple[str, str], ...] = (
    ("web-app", "Web application"), ("publishing-api", "Publishing API"), ("database", "Primary database"),
)

#: A minimal mkdocs.yml with the three components the records below use (CLI tests).
CLI_MKDOCS = """\
site_name: Test Status
plugins:
  - sitrep:
      components:
        - id: web-app
          name: Web application
        - id: publishing-api
          name: Publishing API
        - id: database
          name: Database
"""

INC = "incidents/2026/2026-02-10-api-errors.md"
INCIDENT = """\
---
title: Publishing API errors
severity: SEV2
started: 2026-02-10T14:30:00Z
detected: 2026-02-10T14:32:00Z
mitigated: 2026-02-10T15:05:00Z
components:
  publishing-api: partial_outage
runbooks: [rollback]
updates:
  - at: 2026-02-10T14:40:00Z
    status: investigating
    message: We are investigating errors on the Publishing API.
  - at: 2026-02-10T15:20:00Z
    status: resolved
    message: This incident has been resolved.
---
A release broke publishing; see the [rollback runbook](../../runbooks/rollback.md).
"""

OPEN = "incidents/2026/2026-03-01-slow-editor.md"
OPEN_INCIDENT = """\
---
title: Slow editor
severity: SEV3
started: 2026-03-01T10:00:00Z
components:
  web-app: degraded_performance
updates:
  - at: 2026-03-01T10:10:00Z
    status: investigating
    message: The editor is slow to save.
  - at: 2026-03-01T11:00:00Z
    status: identified
    message: A cache node is overloaded; we are adding capacity.
---
The editor saves slowly for some customers.
"""

MNT = "incidents/2026/2026-03-05-database-upgrade.md"
MAINTENANCE = """\
---
kind: maintenance
title: Database upgrade
scheduled_start: 2026-03-05T02:00:00Z
scheduled_end: 2026-03-05T04:00:00Z
components:
  database: under_maintenance
updates:
  - at: 2026-02-20T10:00:00Z
    status: scheduled
    message: We will upgrade the primary database.
---
"""

RB = "runbooks/rollback.md"
RUNBOOK = """\
---
title: Deployment rollback
owner: Platform team
last_reviewed: 2026-01-15
components: [publishing-api]
visibility: public
---
# Deployment rollback

Roll back with the deploy tool.
"""

PM = "postmortems/2026-02-12-api-errors.md"
POSTMORTEM = """\
---
title: Publishing API errors
incidents: [2026-02-10-api-errors]
date: 2026-02-12
authors: [Priya Raman]
status: published
visibility: public
---
## Summary
A release broke publishing for 35 minutes.

## Impact
About 18% of publish requests failed.

## Timeline
- 14:28 UTC: release deployed.
- 15:05 UTC: rolled back.

## Root Cause
A library upgrade changed how empty custom fields are read.

## Resolution
We rolled back to the previous release.

## Action Items
- [ ] Add a canary stage for releases - Owner: Marco Bianchi - Due: 2026-03-01

## Lessons Learned
Canary releases would have caught this.
"""

SMALL_PORTAL: dict[str, str] = {INC: INCIDENT, OPEN: OPEN_INCIDENT, MNT: MAINTENANCE, RB: RUNBOOK, PM: POSTMORTEM}


_YAML_UNSAFE = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def yaml_str(value: str) -> str:
    """A YAML double-quoted scalar for any text: JSON, with characters YAML reads as breaks escaped."""
    text = json.dumps(value, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write_portal(root: Path, files: Mapping[str, str | bytes] | None = None, *,
                 components: Iterable[tuple[str, ...]] = DEFAULT_COMPONENTS,
                 options: Mapping[str, Any] | None = None, site_name: str = "Test Status",
                 site_url: str = "https://status.test.example/", search: bool = True,
                 component_fields: Mapping[str, Mapping[str, str]] | None = None,
                 theme: Mapping[str, Any] | None = None) -> Path:
    """A portal MkDocs can build: mkdocs.yml (Material; the plugin adds its theme), docs/, records.

    Each component is (id, name) or (id, name, the YYYY-MM-DD day it was retired); ``component_fields``:
    more settings of some components, by id (``{"db": {"group": "Data"}}``); ``theme``: more settings of
    the theme (``{"features": [...], "palette": [...]}``).
    """
    root.mkdir(parents=True, exist_ok=True)
    comps = "".join(f"        - id: {cid}\n          name: {yaml_str(name)}\n"
                    + "".join(f"          retired: {day}\n" for day in retired)
                    + "".join(f"          {key}: {yaml_str(value)}\n"
                              for key, value in (component_fields or {}).get(cid, {}).items())
                    for cid, name, *retired in components)
    extra = "".join(f"      {key}: {json.dumps(value)}\n" for key, value in (options or {}).items())
    (root / "mkdocs.yml").write_text(
        f"site_name: {yaml_str(site_name)}\n"
        f"site_url: {site_url}\n"
        "docs_dir: docs\n"
        "theme:\n"
        "  name: material\n"
        "  font: false\n"
        "  language: en\n"
        + "".join(f"  {key}: {json.dumps(value)}\n" for key, value in (theme or {}).items())
        + "markdown_extensions:\n"
        "  - admonition\n  - attr_list\n  - md_in_html\n  - tables\n"
        "  - toc:\n      permalink: true\n"
        "  - pymdownx.superfences\n  - pymdownx.details\n"
        "plugins:\n"
        + ("  - search\n" if search else "")
        + "  - sitrep:\n"
        "      components:\n" + comps + extra,
        encoding="utf-8",
    )
    docs = root / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "about.md").write_text("# About\n\nThis site shows the status of our services.\n", encoding="utf-8")
    for rel, content in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root


def load(root: Path) -> tuple[Portal, Diagnostics]:
    """``load_portal`` with the portal's own mkdocs.yml, in-process."""
    return load_portal(root, load_config(root / "mkdocs.yml"), jobs=1)


def site_bytes(root: Path, now: datetime = SMALL_NOW) -> dict[str, bytes]:
    """Every generated page and file of a valid portal, as bytes keyed by path."""
    portal, diags = load(root)
    assert not diags.has_errors, diags.render()
    out = build_site(portal, now)
    return {**{p.path: p.text.encode("utf-8") for p in out.pages}, **out.files}


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a page needs a dozen requests

    def end_headers(self) -> None:
        # The built files don't change while a test runs: no revalidation round trips.
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _CorsHandler(_QuietHandler):
    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")  # what GitHub Pages sends
        super().end_headers()


@contextlib.contextmanager
def serve(directory: Path, host: str = "127.0.0.1", cors: bool = False) -> Iterator[str]:
    """Serve ``directory`` on ``host`` (a loopback address); yields the base URL (ending with /)."""
    with serve_handler(functools.partial(_CorsHandler if cors else _QuietHandler, directory=str(directory)),
                       host) as url:
        yield url


@contextlib.contextmanager
def serve_handler(handler: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Run an HTTP request handler (class or factory) on ``host``; yields the base URL (ending with /)."""
    server = http.server.ThreadingHTTPServer((host, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def visitor_page(browser: Any, base_url: str, width: int = 1280, height: int = 900,
                 timezone_id: str | None = None) -> Iterator[Any]:
    """A fresh page whose ``errors`` list collects console errors, page errors and requests to other hosts.

    ``timezone_id`` (e.g. ``Europe/Berlin``) is the visitor's time zone; by default the machine's.
    """
    options: dict[str, Any] = {"timezone_id": timezone_id} if timezone_id else {}
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    # Nothing may be fetched from another host.
    page.on("request",
            lambda r: None if r.url.startswith(base_url) else page.errors.append(f"external request {r.url}"))
    try:
        yield page
    finally:
        context.close()



def serious_accessibility_violations(page: Any) -> list[tuple[str, str, list[Any]]]:
    """axe-core's serious and critical findings on an open page: (rule, impact, first three targets)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
