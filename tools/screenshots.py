"""Regenerate the README's screenshots from the sample portal, in Debian's Chromium.

    python tools/screenshots.py                 # builds the sample, writes reference/screenshots/*.png
    python tools/screenshots.py --out /tmp/shots --site /path/to/built/site

The sample is built at its pinned "now" (``SOURCE_DATE_EPOCH``), so the pictures change only when the pages
do. ``tests/test_screenshots.py`` runs this script into a temporary folder: it fails when the script breaks.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

REPO = Path(__file__).resolve().parent.parent
#: 2026-11-23T12:00:00Z: the sample portal's "now" (one incident open, maintenance ahead); as tests/sitebuild.py.
SAMPLE_NOW = 1795435200
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@dataclass(frozen=True)
class Shot:
    """One picture: a page at a viewport and colour scheme, whole viewport or one element of the page."""

    file: str
    path: str
    viewport: dict[str, int]
    scheme: str = "light"
    element: str | None = None  #: CSS selector of the part to show (its full height)
    follow: str | None = None  #: CSS selector of a link on ``path`` to open first (pages found, not named)
    internal: bool = False  #: from the internal edition (action items and reports are internal by default)


SHOTS: tuple[Shot, ...] = (
    Shot("status-phone-light.png", "", PHONE),
    Shot("status-phone-dark.png", "", PHONE, "dark"),
    Shot("status-desktop-light.png", "", DESKTOP),
    Shot("status-desktop-dark.png", "", DESKTOP, "dark"),
    # The newest incident on the status page (an open one in the sample) and the newest postmortem.
    Shot("incident.png", "", DESKTOP, follow=".sr-incident-title a"),
    Shot("postmortem.png", "postmortems/", PHONE, element="section.sr-pm-actions-section", follow=".sr-pm-title a",
         internal=True),
    Shot("reports.png", "reports/", DESKTOP, "light", "#counts", internal=True),
)


def build_sample(out: Path, audience: str = "public", config: Path = REPO / "mkdocs.yml") -> Path:
    """``mkdocs build --strict`` of the sample portal (``config``) into ``out`` at the sample's "now"."""
    env = {**os.environ, "SITREP_AUDIENCE": audience, "SOURCE_DATE_EPOCH": str(SAMPLE_NOW),
           "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    subprocess.run([mkdocs, "build", "--strict", "-q", "-f", str(config), "-d", str(out)],
                   env=env, check=True)
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path, handler: type[http.server.SimpleHTTPRequestHandler] = _QuietHandler) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 with ``handler``; yields the base URL (ending with /)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def take(site: Path, out: Path, shots: tuple[Shot, ...] = SHOTS, internal_site: Path | None = None) -> list[Path]:
    """Write every shot of the built ``site`` (``internal_site`` for internal shots) into ``out``."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with serve(site) as public_base, serve(internal_site or site) as internal_base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for shot in shots:
                context = browser.new_context(viewport=shot.viewport, color_scheme=shot.scheme,
                                              reduced_motion="reduce", timezone_id="UTC", locale="en-US")
                page = context.new_page()
                base = internal_base if shot.internal else public_base
                page.goto(base + shot.path, wait_until="networkidle")
                if shot.follow:
                    href = page.locator(shot.follow).first.get_attribute("href")
                    page.goto(urljoin(page.url, href or ""), wait_until="networkidle")
                target = out / shot.file
                if shot.element:
                    # The sticky header would otherwise cover part of a tall element as it is captured.
                    page.locator(shot.element).first.screenshot(path=str(target), animations="disabled",
                                                                style=".md-header { position: absolute; }")
                else:
                    page.screenshot(path=str(target), animations="disabled")
                written.append(target)
                context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "reference" / "screenshots", help="folder for the PNG files")
    parser.add_argument("--site", type=Path, help="an already built sample site (default: build one)")
    parser.add_argument("--internal-site", type=Path, help="an already built internal edition (default: build one)")
    parser.add_argument("--config", type=Path, default=REPO / "mkdocs.yml",
                        help="the sample portal's mkdocs.yml (default: the repository's)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"error: Chromium not found at {CHROMIUM}; on Debian: apt-get install -y chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="sitrep-shots-") as tmp:
        site = args.site or build_sample(Path(tmp) / "site", config=args.config)
        internal = args.internal_site or build_sample(Path(tmp) / "site-internal", "internal", args.config)
        for path in take(site, args.out, internal_site=internal):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
