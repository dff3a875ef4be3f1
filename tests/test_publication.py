"""What the public edition may show and from when: published postmortems only, the preview says when
one becomes public, and uptime before the portal's first day is "no data", never 100 %."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from bs4 import BeautifulSoup

from sitrep.derive.state import portal_state
from sitrep.derive.uptime import NO_DATA, uptime_days
from sitrep.model.config import Component, SitrepConfig
from sitrep.model.diagnostics import Diagnostics
from sitrep.model.portal import Portal
from sitrep.model.records import Incident, Postmortem
from sitrep.render.preview import compare, render
from sitrep.render.status_site import status_page
from tests.support.bars import bar_days

NOW = datetime(2026, 3, 31, 12, tzinfo=UTC)
COMPONENTS = [Component(id="api", name="API")]


def incident(id_: str, start: datetime, hours: float, **extra: Any) -> Incident:
    end = start + timedelta(hours=hours)
    return Incident.model_validate({
        "id": id_, "title": f"Incident {id_}", "severity": "SEV2", "started": start,
        "components": {"api": "major_outage"},
        "updates": [{"at": start, "status": "investigating", "message": "Looking."},
                    {"at": end, "status": "resolved", "message": "Fixed."}], **extra})


def postmortem(status: str, visibility: str = "public") -> Postmortem:
    return Postmortem.model_validate({"id": "pm", "title": "PM", "incidents": ["a"], "date": date(2026, 3, 20),
                                      "authors": ["Ann"], "status": status, "visibility": visibility})


def portal(*incidents: Incident, since: date | None = None, postmortems: tuple[Postmortem, ...] = ()) -> Portal:
    return Portal(config=SitrepConfig(components=COMPONENTS, since=since), incidents=incidents,
                  postmortems=postmortems)


# --------------------------------------------------------------------------- uptime before the first day


def test_days_before_since_have_no_data_and_do_not_count() -> None:
    cells, percent = uptime_days(portal(since=date(2026, 3, 30)), "api", NOW, 90)
    assert [c.impact for c in cells[:-2]] == [NO_DATA] * 88
    assert [c.impact for c in cells[-2:]] == ["operational", "operational"]
    assert percent == 100.0
    # A 3-hour major outage on Mar 30 weighs against 1.5 days of data, not 90 days.
    cells, percent = uptime_days(portal(incident("a", datetime(2026, 3, 30, 6, tzinfo=UTC), 3),
                                        since=date(2026, 3, 30)), "api", NOW, 90)
    assert cells[-2].impact == "major_outage"
    assert round(percent, 2) == round(100 * (1 - 3 / 36), 2)


def test_since_defaults_to_the_earliest_incident_and_a_portal_without_records_has_no_data() -> None:
    early = incident("a", datetime(2026, 3, 1, 6, tzinfo=UTC), 1)
    assert portal(early).since == date(2026, 3, 1)
    cells, _ = uptime_days(portal(early), "api", NOW, 90)
    assert cells[-32].impact == NO_DATA and cells[-31].day == date(2026, 3, 1) and cells[-31].impact != NO_DATA
    cells, percent = uptime_days(portal(), "api", NOW, 90)
    assert percent is None and {c.impact for c in cells} == {NO_DATA}


def no_data_days(page: str) -> int:
    """The days without data of the page's uptime bars (a run of them is written as one cell)."""
    return sum(day == "n" for bar in BeautifulSoup(page, "lxml").select("ol.sr-bar") for day in bar_days(bar))


def test_status_page_says_no_data_instead_of_100_percent() -> None:
    page = status_page(portal_state(portal().for_audience("public"), NOW)).text
    assert "No data yet" in page and "100.00% uptime" not in page
    assert no_data_days(page) == 90
    page = status_page(portal_state(portal(since=date(2026, 3, 30)).for_audience("public"), NOW)).text
    assert "100.00% uptime" in page and no_data_days(page) == 88 and "no data before Mar 30, 2026" in page


def test_hiding_an_internal_incident_does_not_move_the_public_first_day() -> None:
    hidden = incident("a", datetime(2026, 1, 5, tzinfo=UTC), 1, visibility="internal")
    shown = incident("b", datetime(2026, 3, 1, tzinfo=UTC), 1)
    public = portal(hidden, shown).for_audience("public")
    assert [i.id for i in public.incidents] == ["b"] and public.since == date(2026, 1, 5)


# --------------------------------------------------------------------------- postmortems


def test_only_published_public_postmortems_reach_the_public_edition() -> None:
    for status, visibility, shown in (("draft", "public", False), ("in-review", "public", False),
                                      ("published", "internal", False), ("published", "public", True)):
        public = portal(postmortems=(postmortem(status, visibility),)).for_audience("public")
        assert bool(public.postmortems) == shown, (status, visibility)


def preview_of(base: tuple[Postmortem, ...], head: tuple[Postmortem, ...]) -> str:
    return render(compare(portal_state(portal(postmortems=base), NOW), portal_state(portal(postmortems=head), NOW),
                          Diagnostics()), markdown=False)


def test_preview_says_when_a_postmortem_becomes_public() -> None:
    assert "becomes public once its status is published" in preview_of((), (postmortem("draft"),))
    assert "(internal: not on the public page)" in preview_of((), (postmortem("draft"),))
    text = preview_of((postmortem("in-review"),), (postmortem("published"),))
    assert "in-review → published; becomes public with this merge" in text
    assert "becomes public" not in preview_of((), (postmortem("published", "internal"),))
    text = preview_of((postmortem("published"),), (postmortem("published", "internal"),))
    assert "public → internal; leaves the public site with this merge" in text
