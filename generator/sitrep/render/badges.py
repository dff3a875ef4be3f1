"""Status badges: shields-style flat SVGs and shields.io endpoint JSON.

* ``badge.svg`` / ``badge.json``: the overall status ("status | All Systems Operational").
* ``components/<id>/badge.svg`` / ``.json``: one component ("Publishing API | Partial outage").

The status is carried by the text as well as the colour, and the SVG has a
``<title>`` and ``role="img"`` with an ``aria-label``. The SVG colours are
darker than shields' defaults so white text keeps a 4.5:1 contrast; the JSON
uses shields' named colours, which its renderer knows.

Text width is estimated from a table of Verdana 11px advance widths (the font
shields uses) instead of measuring with font files; ``textLength`` then makes
any substitute font fit the same box.
"""

from __future__ import annotations

import math
import unicodedata

from sitrep.derive.state import PortalState
from sitrep.model.formatting import dump_json, safe_text
from sitrep.model.vocabulary import status_label
from sitrep.render import urls
from sitrep.render.templating import render

#: status -> (SVG fill, shields named colour)
COLOURS: dict[str, tuple[str, str]] = {
    "operational": ("#2e7d32", "brightgreen"),
    "under_maintenance": ("#0b5cad", "blue"),
    "degraded_performance": ("#8a5a00", "yellow"),
    "partial_outage": ("#b34700", "orange"),
    "major_outage": ("#c62828", "red"),
}
LABEL_FILL = "#555"
#: A retired component's badge: grey (shields' "inactive"), white text still readable (4.5:1).
RETIRED_FILL = "#767676"
DEFAULT_WIDTH = 7.0  # an average capital: unknown Latin-ish glyphs
WIDE_WIDTH = 11.0  # CJK and other full-width glyphs take a whole em

# Verdana advance widths at 11px (units-per-em 2048 scaled, rounded to 0.01 px).
_WIDTHS: dict[str, float] = {
    " ": 3.87, "!": 4.33, '"': 5.07, "#": 9.0, "$": 7.0, "%": 11.87, "&": 7.96, "'": 2.96,
    "(": 4.99, ")": 4.99, "*": 7.0, "+": 9.0, ",": 4.0, "-": 4.99, ".": 4.0, "/": 4.99,
    ":": 4.99, ";": 4.99, "<": 9.0, "=": 9.0, ">": 9.0, "?": 5.96, "@": 11.0, "[": 4.99,
    "\\": 4.99, "]": 4.99, "^": 9.0, "_": 7.0, "`": 7.0, "{": 6.98, "|": 4.99, "}": 6.98,
    "~": 9.0,
    "A": 7.52, "B": 7.58, "C": 7.68, "D": 8.48, "E": 6.96, "F": 6.32, "G": 8.53, "H": 8.27,
    "I": 4.99, "J": 5.0, "K": 7.62, "L": 6.12, "M": 9.27, "N": 8.23, "O": 8.66, "P": 6.63,
    "Q": 8.66, "R": 7.64, "S": 7.52, "T": 6.78, "U": 8.05, "V": 7.52, "W": 10.88, "X": 7.54,
    "Y": 6.77, "Z": 7.54,
    "a": 6.61, "b": 6.85, "c": 5.73, "d": 6.85, "e": 6.55, "f": 3.87, "g": 6.85, "h": 6.96,
    "i": 3.02, "j": 3.79, "k": 6.51, "l": 3.02, "m": 10.7, "n": 6.96, "o": 6.68, "p": 6.85,
    "q": 6.85, "r": 4.69, "s": 5.73, "t": 4.33, "u": 6.96, "v": 6.51, "w": 8.98, "x": 6.51,
    "y": 6.51, "z": 5.67,
}
_WIDTHS.update({d: 7.0 for d in "0123456789"})


def char_width(ch: str) -> float:
    """Estimated advance of one character in Verdana 11px."""
    if ch in _WIDTHS:
        return _WIDTHS[ch]
    if unicodedata.category(ch) in ("Mn", "Me", "Cf", "Cc"):
        return 0.0  # combining marks and invisible controls (bidi isolates) take no room
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return WIDE_WIDTH
    base = unicodedata.normalize("NFD", ch)[0]  # accented Latin: as wide as its base letter
    return _WIDTHS.get(base, DEFAULT_WIDTH)


def text_width(text: str) -> int:
    """Estimated width of ``text`` in whole pixels (rounded up)."""
    return math.ceil(sum(char_width(ch) for ch in text))


def badge_svg(label: str, message: str, fill: str, key: str) -> str:
    """A flat two-part badge; ``key`` keeps element ids unique when badges are inlined together."""
    label, message = safe_text(label), safe_text(message)
    return render("badges/badge.svg.j2", label=label, message=message, fill=fill, key=key, label_fill=LABEL_FILL,
                  lw=text_width(label) + 10, mw=text_width(message) + 10)


def endpoint_json(label: str, message: str, colour: str) -> bytes:
    """A shields.io endpoint badge (https://shields.io/badges/endpoint-badge)."""
    return dump_json({"schemaVersion": 1, "label": safe_text(label), "message": safe_text(message),
                      "color": colour})


def build_badges(state: PortalState) -> dict[str, bytes]:
    """``badge.svg``/``badge.json`` and ``components/<id>/badge.svg``/``.json`` (a retired component's says
    "retired")."""
    portal = state.portal
    statuses = state.statuses
    overall = state.overall
    fill, named = COLOURS.get(overall.worst, COLOURS["major_outage"])
    message = overall.description  # the banner's and status.json's words (vocabulary.OVERALL)
    svg_file, json_file = urls.BADGE_FILES
    out = {
        svg_file: badge_svg("status", message, fill, "sitrep-badge").encode(),
        json_file: endpoint_json("status", message, named),
    }
    for comp in portal.config.components:
        if comp.id in state.retired:  # kept where it is embedded, saying so rather than a broken image
            fill, named, text = RETIRED_FILL, "inactive", "retired"
        else:
            status = statuses.get(comp.id, "operational")
            fill, named = COLOURS.get(status, COLOURS["major_outage"])
            text = status_label(status)
        svg = badge_svg(comp.name, text, fill, f"sitrep-badge-{comp.id}")
        out[urls.component_file(comp.id, svg_file)] = svg.encode()
        out[urls.component_file(comp.id, json_file)] = endpoint_json(comp.name, text, named)
    return out
