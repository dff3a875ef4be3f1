"""Make HTML rendered from record bodies inert: no scripts, handlers or javascript: URLs.

Only the part of a page between the body markers (see :mod:`sitrep.pages`) is
cleaned, with nh3 (the Ammonia sanitiser), keeping ordinary document markup.
"""

from __future__ import annotations

import re

import nh3

from sitrep.render.page import BODY_END, BODY_START

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark", "ol", "p", "pre", "s",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
_ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
}
# Greedy, like pages._BODY_REGION: a body with a look-alike end marker must not end the region early.
_REGION = re.compile(re.escape(BODY_START) + r"(.*)" + re.escape(BODY_END), re.S)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Material finds its settings (#__config) and toggles (#__drawer, #__search...) by id:
    # a body must not clobber them (a second #__config breaks every script on the page).
    if attribute == "id" and value.startswith("__"):
        return None
    return value


def sanitize_html(html: str) -> str:
    """Clean one HTML fragment: unknown tags and attributes go, links keep safe schemes only."""
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_attribute_filter,
    )


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
