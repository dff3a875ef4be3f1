"""Lighthouse scores of the built sample: status page and an incident page, mobile preset.

    python tools/lighthouse.py                  # builds the sample, serves it on 127.0.0.1, runs Lighthouse
    python tools/lighthouse.py --site DIR --runs 3

Runs ``npx -y lighthouse@12.8.2`` (Node 20; needs the npm registry the first time) against Debian's Chromium
and prints each category's score per page, the median of ``--runs`` runs. The site is served the way static
hosts (GitHub Pages, Netlify, any CDN) serve it: text files gzip-compressed. Not part of ``make test``: it
needs the network once and its performance figure depends on how busy the machine is.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import CHROMIUM, build_sample, serve

LIGHTHOUSE = "lighthouse@12.8.2"
PAGES = {"status page": "", "incident page": "incidents/2026-11-23-webhook-delivery-delays/"}
CATEGORIES = ("performance", "accessibility", "best-practices")
_COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".atom", ".rss", ".ics")


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, text ones gzip-compressed when the client accepts it (as a static host does)."""

    def send_head(self):  # type: ignore[override]
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if (not path.endswith(_COMPRESSIBLE) or "gzip" not in self.headers.get("Accept-Encoding", "")
                or not os.path.isfile(path)):
            return super().send_head()
        if os.path.isdir(self.translate_path(self.path)) and not self.path.split("?")[0].endswith("/"):
            return super().send_head()  # the redirect to the trailing slash
        body = gzip.compress(Path(path).read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def run_lighthouse(url: str, out: Path) -> dict[str, int]:
    """One Lighthouse run (mobile preset, the default); the category scores out of 100."""
    cmd = ["npx", "-y", LIGHTHOUSE, url, "--quiet", "--output=json", f"--output-path={out}",
           "--only-categories=" + ",".join(CATEGORIES),
           "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
    subprocess.run(cmd, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=600)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["configSettings"]["formFactor"] == "mobile"
    return {key: round(report["categories"][key]["score"] * 100) for key in CATEGORIES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built sample site (default: build one)")
    parser.add_argument("--keep", type=Path, help="keep the JSON reports in this folder")
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median is printed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sitrep-lh-") as tmp:
        site = args.site or build_sample(Path(tmp) / "site")
        with serve(site, _GzipHandler) as base:
            for name, path in PAGES.items():
                keep = args.keep or Path(tmp)
                keep.mkdir(parents=True, exist_ok=True)
                slug = path.strip("/").replace("/", "-") or "status"
                runs = [run_lighthouse(base + path, keep / f"lighthouse-{slug}-{k}.json") for k in range(args.runs)]
                median = {key: int(statistics.median(r[key] for r in runs)) for key in CATEGORIES}
                print(f"{name}: " + ", ".join(f"{key} {median[key]}" for key in CATEGORIES)
                      + f"  (runs: {[r['performance'] for r in runs]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
