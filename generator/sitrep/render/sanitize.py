"""Make HTML rendered from record bodies inert: no scripts, handlers or javascript: URLs.

Only the part of a page between the body markers (see :mod:`sitrep.render.page`) is
cleaned, with nh3 (the Ammonia sanitiser), keeping ordinary document markup. The
MkDocs plugin cleans each page as it renders it; a site another engine built from
``sitrep generate``'s output is cleaned afterwards, in place (:func:`sanitize_built_site`).
"""

from __future__ import annotations

import re
from pathlib import Path

import nh3

from sitrep.model.exceptions import SiteError
from sitrep.model.files import write_atomically
from sitrep.render.page import BODY_END, BODY_START

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "kbd", "label", "li", "mark", "ol", "p",
    "pre", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}
_ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
    "input": {"type", "disabled", "checked"},
}
#: The attributes each of these tags may keep, whatever ``"*"`` allows elsewhere: what
#: pymdownx.tasklist emits for a task list item's box, ``<label class="task-list-control">
#: <input type="checkbox" disabled checked><span class="task-list-indicator"></span></label>``.
_ONLY_ATTRIBUTES = {"input": {"type", "disabled", "checked"}, "label": {"class"}}
#: An input as nh3 writes it out (attribute values escaped: no ">" inside).
_INPUT = re.compile(r"<input\b[^>]*>")
_INPUT_ATTRIBUTE = re.compile(r'\s([a-z]+)="([^"]*)"')
#: How deep elements may nest in a record body; deeper ones lose their tags (their text stays). An
#: unclosed ``<b>`` repeated 20,000 times becomes, in the sanitiser, 20,000 elements nested in each
#: other, and Material's search indexer reads the page in time that grows with the square of that
#: depth (minutes for 64 KB). No reader sees a difference: bold inside bold is bold, and browsers
#: flatten nesting themselves (Chromium beyond 512). A written document (30 levels of nested lists,
#: a table in a list in a quote) stays well under it, so its bytes never change.
MAX_NESTING = 64
#: A tag as nh3 writes it out (``>`` in attribute values and ``<`` in text escaped).
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^>]*>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                   "track", "wbr"})
# Greedy, like pages._BODY_REGION: a body with a look-alike end marker must not end the region early.
_REGION = re.compile(re.escape(BODY_START) + r"(.*)" + re.escape(BODY_END), re.S)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Material finds its settings (#__config) and toggles (#__drawer, #__search...) by id:
    # a body must not clobber them (a second #__config breaks every script on the page).
    if attribute == "id" and value.startswith("__"):
        return None
    if tag in _ONLY_ATTRIBUTES and attribute not in _ONLY_ATTRIBUTES[tag]:
        return None
    if tag == "input":
        if attribute == "type":
            return "checkbox" if value.lower() == "checkbox" else None
        return ""  # disabled, checked: boolean attributes
    if tag == "label" and value != "task-list-control":
        return None
    return value


def _task_box(match: re.Match[str]) -> str:
    # The only inputs a body keeps: a task list's disabled checkbox, done or open, written one way.
    # Anything else goes: no text field, button or live checkbox in a body.
    attributes = dict(_INPUT_ATTRIBUTE.findall(match.group(0)))
    if attributes.get("type") != "checkbox" or "disabled" not in attributes:
        return ""
    return '<input type="checkbox" disabled checked>' if "checked" in attributes else '<input type="checkbox" disabled>'



def sanitize_html(html: str) -> str:
    """Clean one HTML fragment: unknown tags and attributes go, links keep safe schemes only."""
    cleaned = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_attribute_filter,
    )
    cleaned = _INPUT.sub(_task_box, cleaned) if "<input" in cleaned else cleaned
    return flatten_deep_nesting(cleaned)


def flatten_deep_nesting(html: str, limit: int = MAX_NESTING) -> str:
    """``html`` (well-formed, as nh3 writes it) without the tags of elements nested deeper than ``limit``:
    their text and their shallower ancestors stay. One pass; unchanged when nothing is that deep."""
    if html.count("<") <= 2 * limit:  # too few tags to nest that deep: the usual body, at no cost
        return html
    stack: list[bool] = []  # for each open element, whether its tags are kept
    dropped: list[tuple[int, int]] = []
    for tag in _TAG.finditer(html):
        name = tag.group(2).lower()
        if name in _VOID:
            continue
        if tag.group(1):
            kept = stack.pop() if stack else True
        else:
            kept = len(stack) < limit
            stack.append(kept)
        if not kept:
            dropped.append(tag.span())
    if not dropped:
        return html
    pieces, last = [], 0
    for start, end in dropped:
        pieces.append(html[last:start])
        last = end
    pieces.append(html[last:])
    return "".join(pieces)


def sanitize_record_html(page_html: str) -> str:
    """Sanitise every record-body region of a rendered page (markers removed)."""
    return _REGION.sub(lambda m: sanitize_html(m.group(1)), page_html)


def unwrap_record_html(page_html: str) -> str:
    """The body markers removed, the body left as it is: for a body that is plain paragraphs only.

    Such a body (``<p>`` and letters, digits, spaces and punctuation that start no markup,
    see ``plugin.plain_paragraphs_html``) comes out of :func:`sanitize_html` unchanged; nh3 was
    the largest per-page cost left of writing 10,000 incident pages.
    """
    return _REGION.sub(lambda m: m.group(1), page_html)


def sanitize_built_site(site_dir: Path, *, allow_raw_html: bool = False) -> int:
    """Clean the record bodies of every HTML page of a built site in place; the number of pages changed.

    For engines that run no MkDocs plugin (Zensical): they render the bodies of
    ``sitrep generate``'s pages as they are written, raw HTML included, and keep the body
    markers in the page; this does what the plugin does to each page it renders
    (``allow_raw_html``: the markers go, the bodies stay as they are). Each page is
    replaced whole (a visitor never gets half of one); a page without markers is not
    touched, so running it twice changes nothing the second time.
    """
    if not site_dir.is_dir():
        raise SiteError(f"{site_dir}: no such folder; build the site first (e.g. `zensical build`)")
    changed = 0
    for path in sorted(site_dir.rglob("*.html")):
        html = path.read_text(encoding="utf-8", errors="surrogateescape")
        if BODY_START not in html:
            continue
        cleaned = unwrap_record_html(html) if allow_raw_html else sanitize_record_html(html)
        if BODY_START in cleaned:  # a start marker without its end: the body's extent is unknown
            raise SiteError(f"{path}: a record body's start marker {BODY_START} has no end marker "
                            f"{BODY_END}; the engine dropped it? The page was not cleaned: rebuild it from "
                            "`sitrep generate` output")
        if cleaned != html:
            write_atomically(path, cleaned.encode("utf-8", errors="surrogateescape"), durable=False)
            changed += 1
    return changed
