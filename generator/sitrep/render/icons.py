"""Status icons from Material for MkDocs' bundled icon set (octicons), as one SVG sprite per page.

Icons are never the only signal: every use sits beside a text label and is
``aria-hidden``. A page carries the symbols once (:func:`sprite`) and each icon
is a small ``<use>`` (:func:`icon`); :func:`fill_sprite` keeps only the symbols the page uses.
The SVG files are read from the installed ``material`` package (a dependency of
the site build) without importing it: nothing in ``render`` imports MkDocs.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

from sitrep.model.exceptions import SiteError

#: Status or impact -> icon of Material's ``.icons`` folder. Distinct shapes, not only colours.
ICONS: dict[str, str] = {
    "operational": "octicons/check-circle-fill-16",
    "degraded_performance": "octicons/alert-fill-16",
    "minor": "octicons/alert-fill-16",
    "partial_outage": "octicons/stop-16",
    "major": "octicons/stop-16",
    "major_outage": "octicons/x-circle-fill-16",
    "critical": "octicons/x-circle-fill-16",
    "under_maintenance": "octicons/tools-16",
    "maintenance": "octicons/tools-16",
    "none": "octicons/dot-fill-16",
    "overdue": "octicons/alert-16",
    "feed": "octicons/rss-16",
    "calendar": "octicons/calendar-16",
    "api": "octicons/code-16",
    "badge": "octicons/check-circle-16",
    "bell": "octicons/bell-16",
}
_SVG = re.compile(r'<svg[^>]*viewBox="(?P<box>[^"]+)"[^>]*>(?P<inner>.*)</svg>', re.S)


def _icons_dir() -> Path:
    spec = importlib.util.find_spec("material")
    if spec is None or not spec.submodule_search_locations:
        raise SiteError("mkdocs-material is not installed; its icons are needed for the status pages: "
                        "pip install -r requirements.txt")
    return Path(next(iter(spec.submodule_search_locations))) / "templates" / ".icons"


def icon_file(kind: str) -> Path:
    """Material's SVG file of the icon for a status, impact or link kind (sitrep.css draws the component
    statuses' from these files' text, see ``tests/test_status_views.py``)."""
    return _icons_dir() / f"{ICONS.get(kind, ICONS['none'])}.svg"


def _symbol_id(name: str) -> str:
    return "sr-i-" + name


#: Where :func:`sprite` goes; :func:`fill_sprite` puts the symbols the page uses there.
_SPRITE_SLOT = "<!-- sitrep:icons -->"


def sprite() -> Markup:
    """A slot for the page's SVG symbols; put it once on a page that uses :func:`icon`."""
    return Markup(_SPRITE_SLOT)


@cache
def _symbols() -> dict[str, str]:
    symbols = {}
    for file in sorted(set(ICONS.values())):
        match = _SVG.search((_icons_dir() / f"{file}.svg").read_text(encoding="utf-8"))
        if match is None:  # pragma: no cover - Material's icons are plain SVG files
            raise RuntimeError(f"unexpected SVG in Material's {file}.svg")
        symbol_id = _symbol_id(file.replace("/", "-"))
        symbols[symbol_id] = f'<symbol id="{symbol_id}" viewBox="{match["box"]}">{match["inner"]}</symbol>'
    return symbols


_USE = re.compile(r'<use href="#(sr-i-[a-z0-9-]+)">')


def fill_sprite(text: str) -> str:
    """Replace the sprite slot with the symbols the text refers to (only those: pages stay small)."""
    if _SPRITE_SLOT not in text:
        return text
    used = sorted(set(_USE.findall(text)))
    symbols = "".join(_symbols()[u] for u in used if u in _symbols())
    if symbols:
        text = text.replace(_SPRITE_SLOT, '<svg xmlns="http://www.w3.org/2000/svg" class="sr-sprite" width="0" '
                            f'height="0" aria-hidden="true" focusable="false">{symbols}</svg>', 1)
    # An empty slot goes with its line: a blank line would end the page's Markdown HTML block.
    return re.sub(re.escape(_SPRITE_SLOT) + "\n?", "", text)


def icon(kind: str) -> Markup:
    """A decorative icon for a status, impact or link kind (falls back to a dot)."""
    file = ICONS.get(kind, ICONS["none"])
    return Markup(f'<svg class="sr-icon sr-icon-{escape(kind)}" aria-hidden="true">'
                  f'<use href="#{_symbol_id(file.replace("/", "-"))}"></use></svg>')
