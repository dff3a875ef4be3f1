"""Figures and words a visitor reads on the status site, each written one way everywhere."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from bs4 import BeautifulSoup

from sitrep.derive.state import portal_state
from sitrep.model.formatting import uptime_text
from sitrep.model.records import Incident
from sitrep.render.status_site import status_page
from tests.support.portals import portal_of

NOW = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)


def incident(**fields: Any) -> Incident:
    data: dict[str, Any] = {
        "id": "2026-02-08-api-down", "title": "API down", "severity": "SEV1", "started": "2026-02-08T00:00:00Z",
        "components": {"api": "major_outage"},
        "updates": [{"at": "2026-02-08T00:00:00Z", "status": "investigating", "message": "Down."},
                    {"at": "2026-02-09T00:00:00Z", "status": "resolved", "message": "Back."}],
    }
    data.update(fields)
    return Incident.model_validate(data)


def status_soup(*records: Incident) -> BeautifulSoup:
    state = portal_state(portal_of(*records, since=date(2026, 1, 1)), NOW)
    return BeautifulSoup(str(status_page(state).text), "html.parser")


def test_uptime_is_never_negative_nor_rounded_up_to_a_hundred() -> None:
    assert [uptime_text(v) for v in (0.0, -0.0001, 0.004, 42.5, 99.949999999, 99.996, 99.9999, 100.0)] == [
        "0.00%", "0.00%", "0.00%", "42.50%", "99.95%", "99.99%", "99.99%", "100.00%"]


def test_a_day_of_total_outage_reads_zero_percent_on_the_status_page() -> None:
    page = status_soup(incident())
    bar = page.select_one("#component-api ol.sr-bar")
    links = [a["href"] for a in bar.select("a")]
    day = bar["data-u"].split(",")[links.index("history/day/2026-02-08/")]  # its incidents, uptime, title
    assert day.split(" ")[:2] == ["1", "0.00%"]
    assert page.select_one('#component-api a[href$="2026-02-08/"]').find_parent("li")["class"] == ["m"]
    figures = [s.get_text() for s in page.select("#component-api .sr-uptime > span")]
    assert figures and all(re.fullmatch(r"\d{1,3}\.\d\d% uptime", f) for f in figures)
    assert "-" not in page.select_one("#component-api").get_text().replace("Major outage", "")
    # Nothing lost: the other component is untouched, a whole 100.00%.
    assert {s.get_text() for s in page.select("#component-db .sr-uptime > span")} == {"100.00% uptime"}
