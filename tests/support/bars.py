"""Read an uptime bar's linked days from a built page, as their tooltips say them.

The build writes a linked day as a link named by its date (then its incidents' titles) and the bar's
``data-u`` lists each linked day's incident count and uptime; sitrep.js makes the tooltip from these
(``tests/test_browser.py`` and ``tests/test_status_page_budget.py`` hold that in Chromium). Tests of
figures read them here without a browser.
"""

from __future__ import annotations

from bs4 import BeautifulSoup

#: The impact of a cell's class, as sitrep.js names it.
IMPACTS = {"o": "Operational", "d": "Degraded performance", "p": "Partial outage", "m": "Major outage"}


def day_tooltips(html: str) -> list[str]:
    """Each linked day of each bar on the page: "Jan 31, 2026 · Partial outage · 1 incident · 98.75% uptime"
    followed by the titles the link lists, one space apart."""
    tips = []
    for bar in BeautifulSoup(html, "lxml").select("ol.sr-bar"):
        links = bar.select("li > a")
        figures = bar["data-u"].split(",") if links else []
        assert len(figures) == len(links), "one count and uptime per linked day"
        for link, figure in zip(links, figures, strict=True):
            count, uptime = figure.split(" ")
            date, *titles = list(link.stripped_strings)
            impact = IMPACTS[link.find_parent("li")["class"][0]]
            incidents = "1 incident" if count == "1" else f"{count} incidents"
            tips.append(" ".join([f"{date} · {impact} · {incidents} · {uptime} uptime", *titles]))
    return tips
