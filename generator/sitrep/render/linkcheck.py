"""Check a built site on disk: every internal link and asset resolves, and every ``#fragment``.

Run on the output of ``mkdocs build`` (``sitrep check-links site``); no network:
links to other hosts are not followed. A URL path is resolved like a static host
does: relative to the page, or absolute under the site's own path (from
``site_url``, e.g. ``/status/``); a directory serves its ``index.html``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
_LINK_ATTRS = {"a": ("href",), "link": ("href",), "script": ("src",), "img": ("src",), "source": ("src", "srcset"),
               "iframe": ("src",), "area": ("href",), "form": ("action",), "use": ("href", "xlink:href")}


@dataclass(frozen=True)
class BrokenLink:
    """A reference on a page that lands on no file, or on no element with that id."""

    page: str
    url: str
    reason: str

    def as_text(self) -> str:
        """``page: url: reason``, one line of the report."""
        return f"{self.page}: {self.url}: {self.reason}"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            if name in _LINK_ATTRS.get(tag, ()):
                self.urls += ([part.strip().split(" ")[0] for part in value.split(",")]
                              if name == "srcset" else [value])


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    page.close()
    return page


def target_file(site: Path, page: Path, url_path: str, root_path: str = "/") -> Path | None:
    """The file a URL path on ``page`` serves: relative to the page, or absolute under the site's own
    path (``root_path``, from site_url); a directory serves its ``index.html``. None when the URL
    leaves the site."""
    base = posixpath.dirname(page.relative_to(site).as_posix())
    url_path = unquote(url_path)
    if url_path.startswith("/"):
        if not url_path.startswith(root_path):
            return None
        base, url_path = "", url_path[len(root_path):]
    joined = posixpath.normpath(posixpath.join(base, url_path)) if url_path else page.relative_to(site).as_posix()
    if joined.startswith(".."):
        return None
    target = site / joined
    return target / "index.html" if target.is_dir() else target


def broken_links(site: Path, root_path: str = "/") -> Iterator[BrokenLink]:
    """Every broken internal reference of the HTML pages under ``site``, in file order."""
    pages = sorted(site.rglob("*.html"))
    parsed: dict[Path, _Page] = {}

    def parse(path: Path) -> _Page:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    for page in pages:
        rel = page.relative_to(site).as_posix()
        for url in parse(page).urls:
            if _EXTERNAL.match(url):
                continue
            parts = urlsplit(url)
            target = target_file(site, page, parts.path, root_path)
            if target is None or not target.is_file():
                yield BrokenLink(rel, url, "no such file in the site")
                continue
            fragment = unquote(parts.fragment)
            if fragment and not fragment.startswith("__") and target.suffix == ".html" \
                    and fragment not in parse(target).ids:
                yield BrokenLink(rel, url, f"no element with id {fragment!r} on {target.relative_to(site).as_posix()}")
