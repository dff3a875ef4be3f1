"""A generated page and the Markdown wrapping every renderer shares: front matter, record bodies.

Each page is a :class:`Page`: a docs-relative ``.md`` path and its text. MkDocs
(through the plugin) or any other engine (through ``sitrep generate``) turns
them into HTML with the theme. Record bodies sit between :data:`BODY_START` and
:data:`BODY_END` so the plugin can render them as Markdown and sanitise them;
everything else is HTML from our templates.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

BODY_START = "<!-- sitrep:body -->"
BODY_END = "<!-- /sitrep:body -->"

#: ``search`` front matter of list pages: search finds what they list on the records' own pages.
NOT_INDEXED = {"exclude": True}


@dataclass(frozen=True)
class Page:
    """A generated page: docs-relative Markdown path and its content.

    ``source`` is the text, or a function that renders it: record and list pages are
    rendered only when an engine writes them, one at a time, so a build never holds
    the HTML of thousands of pages at once.
    """

    path: str
    source: str | Callable[[], str]
    in_nav: bool = False
    #: What the site search indexes for this page instead of its whole HTML: (title, text).
    #: Record pages of the status site carry one short entry; None lets the engine index the page.
    search_entry: tuple[str, str] | None = None

    @property
    def text(self) -> str:
        """The page's Markdown (front matter, template HTML, record body), rendered now if it is lazy."""
        return self.source if isinstance(self.source, str) else self.source()


# Greedy on purpose: a page has one body region, everything before its start marker and
# after its end marker is escaped template output, so the first start and the last end
# are ours even when a record body contains marker look-alikes.
_BODY_REGION = re.compile("(" + re.escape(BODY_START) + r".*" + re.escape(BODY_END) + ")", re.S)


_FRAGMENT = re.compile(r"<!-- sitrep:fragment:(\d+) -->")

#: A relative link of template HTML that climbs out of the page's folder.
_UP_LINK = re.compile(r'(\s(?:href|src)=")\.\./')


def links_from_source(page: Page) -> str:
    """The page's text, its template HTML's relative links written from its Markdown file's folder.

    Links are written from the page's URL: ``incidents/x.md`` is served at ``incidents/x/``,
    so its way back to the site root is ``../../``. Zensical reads links in a page's inline
    HTML as it reads Markdown links, from the ``.md`` file's folder, and on a page that is
    not an ``index.md`` adds the ``../`` of the page's own folder: for it, such a page's
    links get one ``../`` fewer (on a site served from a sub-path, the extra one would lead
    out of the site). Record bodies are the author's and stay as written.
    """
    text = page.text
    if page.path == "index.md" or page.path.endswith("/index.md"):
        return text  # served from the Markdown file's own folder: the two agree
    parts = _BODY_REGION.split(text)
    return "".join(part if n % 2 else _UP_LINK.sub(r"\1", part) for n, part in enumerate(parts))


_MARKER_LIKE = re.compile(r"<!--(\s*/?\s*)sitrep:", re.I)


def embed_body(body: str) -> str:
    """A record body between the body markers, ready to append to a page's Markdown.

    Marker look-alikes in the body (``<!-- /sitrep:body -->``, ``<!-- sitrep:fragment:N -->``)
    are defused: they would end the sanitised region early or pull in template HTML.
    """
    body = _MARKER_LIKE.sub(lambda m: f"<!--{m.group(1)}sitrep-", body)
    return f"\n{BODY_START}\n\n{body}\n\n{BODY_END}\n\n"


def split_fragments(text: str) -> tuple[str, list[str]]:
    """Move the generated HTML of a page out of the Markdown, leaving numbered placeholders.

    Only record bodies (between the body markers) need Markdown; the rest is HTML
    from our templates. Letting Python-Markdown re-parse that HTML was most of
    the build time, so an engine with a post-render hook (the MkDocs plugin)
    renders the placeholders' Markdown and puts the HTML back with
    :func:`join_fragments`.
    """
    head, sep, rest = text.partition("\n---\n") if text.startswith("---\n") else ("", "", text)
    fragments: list[str] = []
    out = []
    for i, part in enumerate(_BODY_REGION.split(rest)):
        if i % 2 or not part.strip():
            out.append(part)
        else:
            out.append(f"\n\n<!-- sitrep:fragment:{len(fragments)} -->\n\n")
            fragments.append(part)
    return head + sep + "".join(out), fragments


def join_fragments(html: str, fragments: list[str]) -> str:
    """Put the HTML moved out by :func:`split_fragments` back in place."""
    def fragment(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return fragments[n] if n < len(fragments) else ""  # a look-alike from a record body

    return _FRAGMENT.sub(fragment, html)


#: Characters YAML may not carry raw (controls, lone surrogates) or reads as line breaks
#: (U+0085, U+2028, U+2029): written as escapes.
_YAML_UNSAFE = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _yaml_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return "\\ufffd" if 0xD800 <= code <= 0xDFFF else f"\\u{code:04x}"


def front_matter(**fields: Any) -> str:
    """YAML front matter; values are JSON-encoded, which is valid YAML and always quoted.

    Not ASCII-only JSON: PyYAML (MkDocs) reads a JSON surrogate pair (an emoji) as two
    lone surrogates and then drops the whole front matter. ``title`` is HTML-escaped:
    Material inserts ``page.meta.title`` into ``<title>`` and the header unescaped.
    """
    if isinstance(fields.get("title"), str):
        fields["title"] = html.escape(fields["title"], quote=True)
    lines = ["---"] + [f"{key}: {_YAML_UNSAFE.sub(_yaml_char, json.dumps(value, ensure_ascii=False))}"
                       for key, value in fields.items()] + ["---", ""]
    return "\n".join(lines)


def read_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(meta, rest) of a text :func:`front_matter` wrote: what a YAML reader returns, without one.

    Each line is ``key: <JSON>``, and JSON is YAML: the values are the ones MkDocs would read
    (``tests/test_render_shortcuts.py`` compares with MkDocs' own reading). A text without
    front matter has empty meta.
    """
    if not text.startswith("---\n"):
        return {}, text
    head, sep, rest = text[4:].partition("\n---\n")
    if not sep:
        return {}, text
    meta = {}
    for line in head.split("\n"):
        key, _, value = line.partition(": ")
        meta[key] = json.loads(value)
    return meta, rest
