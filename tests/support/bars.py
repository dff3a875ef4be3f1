"""Read uptime bars from a built page: each day's class, and the linked days as their tooltips say them.

The build writes a bar as small as it can: a run of N days alike is one ``<li style=--k:N>`` (sitrep.js
splits it into its days), a linked day is a link named by its date, and the bar's ``data-u`` lists each
linked day's incident count, uptime and the places of its incidents' titles in the page's
``<template id="sr-titles">``; sitrep.js makes the tooltip from these (``tests/test_browser.py`` and
``tests/test_status_page_budget.py`` hold that in Chromium). Tests of figures read them here without a browser.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag
from bs4.element import TemplateString

#: The impact of a cell's class, as sitrep.js names it.
IMPACTS = {"o": "Operational", "d": "Degraded performance", "p": "Partial outage", "m": "Major outage"}
#: A day's class (sitrep.css, sitrep.js): none for an operational day.
DAY_CLASSES = ("d", "p", "m", "n")


def bar_days(bar: Tag) -> list[str]:
    """Each day of a built bar, oldest first, by its class ("" for operational, "d", "p", "m" or "n" for
    no data), a run of N days counted N times as sitrep.js splits it. Parse the page with lxml, which
    closes a cell's optional ``</li>`` as browsers do."""
    days = []
    for cell in bar.find_all("li", recursive=False):
        run = re.fullmatch(r"--k:(\d+)", cell.get("style", "--k:1"))
        assert run is not None, cell.get("style")
        status = [c for c in cell.get("class") or [] if c in DAY_CLASSES]
        days += [status[0] if status else ""] * int(run.group(1))
    return days


def page_titles(page: BeautifulSoup) -> list[str]:
    """The incident titles the page's linked days refer to by place."""
    template = page.select_one("template#sr-titles")
    # Text inside a <template> is inert: Beautiful Soup leaves it out of get_text() unless asked.
    return [li.get_text(types=(TemplateString,)) for li in template.find_all("li")] if template else []


def day_tooltips(html: str, bars: str = "ol.sr-bar") -> list[str]:
    """Each linked day of each bar on the page (or those ``bars`` selects): "Jan 31, 2026 · Partial outage ·
    1 incident · 98.75% uptime" followed by the titles of its incidents (and "and N more"), one space apart."""
    page = BeautifulSoup(html, "lxml")
    titles = page_titles(page)
    tips = []
    for bar in page.select(bars):
        links = bar.select("li > a")
        figures = bar["data-u"].split(",") if links else []
        assert len(figures) == len(links), "one count and uptime per linked day"
        for link, figure in zip(links, figures, strict=True):
            count, uptime, *places = figure.split(" ")
            named = [titles[int(k)] for k in places[0].split(".")] if places else []
            if named and int(count) > len(named):
                named.append(f"and {int(count) - len(named)} more")
            impact = IMPACTS[link.find_parent("li")["class"][0]]
            incidents = "1 incident" if count == "1" else f"{count} incidents"
            tips.append(" ".join([f"{link.get_text()} · {impact} · {incidents} · {uptime} uptime", *named]))
    return tips
