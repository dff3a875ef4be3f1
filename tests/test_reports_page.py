"""Tests for the reliability report pages and charts (sitrep.library, sitrep.charts).

The fixture is small enough to check by hand; each figure the tests read off the
page is worked out in a comment and compared with compute_metrics too.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup

from sitrep.derive.metrics import compute_metrics, definitions
from sitrep.derive.state import portal_state
from sitrep.model.config import Component, SitrepConfig
from sitrep.model.portal import Portal
from sitrep.model.records import Incident, Postmortem
from sitrep.render import charts
from sitrep.render.page import Page
from sitrep.render.report_text import render_text
from sitrep.render.reports import metrics_file, published_figures
from sitrep.render.site import build_team_pages

NOW = datetime(2026, 3, 31, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


def t(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def incident(id_: str, severity: str, components: dict[str, str], updates: list[tuple[datetime, str]],
             **times: Any) -> Incident:
    return Incident.model_validate({
        "id": id_, "title": f"Incident {id_}", "severity": severity, "components": components,
        "updates": [{"at": at, "status": s, "message": "Update."} for at, s in updates], **times})


def report_portal() -> Portal:
    incidents = (
        # old: outside the 90-day window; SEV3, 2 h to resolve
        incident("r0", "SEV3", {"api": "degraded_performance"},
                 [(t(6, 1, 10, year=2025), "investigating"), (t(6, 1, 12, year=2025), "resolved")],
                 started=t(6, 1, 10, year=2025)),
        # SEV1: detect 2 min, acknowledge 3 min, mitigate 30 min, resolve 40 min
        incident("r1", "SEV1", {"api": "major_outage"}, [(t(3, 10, 10, 4), "investigating"),
                                                         (t(3, 10, 10, 40), "resolved")],
                 started=t(3, 10, 10), detected=t(3, 10, 10, 2), acknowledged=t(3, 10, 10, 5),
                 mitigated=t(3, 10, 10, 30)),
        # SEV1: detect 10 min, acknowledge 10 min, resolve 2 h
        incident("r2", "SEV1", {"api": "major_outage"}, [(t(3, 20, 8, 30), "investigating"),
                                                         (t(3, 20, 10), "resolved")],
                 started=t(3, 20, 8), detected=t(3, 20, 8, 10), acknowledged=t(3, 20, 8, 20)),
        # SEV2 on the web app: resolve 1 h
        incident("r3", "SEV2", {"web": "partial_outage"}, [(t(3, 25, 12), "investigating"),
                                                           (t(3, 25, 13), "resolved")],
                 started=t(3, 25, 12)),
    )
    pm = Postmortem.model_validate({"id": "pm-r1", "title": "PM r1", "incidents": ["r1"], "date": date(2026, 3, 12),
                                    "authors": ["A"], "status": "published", "visibility": "public"})
    pm._body, pm._body_line = "## Action Items\n\n- [ ] Do it - Bo - 2026-03-20\n- [x] Did it - Bo - 2026-03-15\n", 8
    config = SitrepConfig(components=[Component(id="api", name="API"), Component(id="web", name="Web app")],
                          audience="public", public_pages=["reports"])
    return Portal(config=config, incidents=incidents, postmortems=(pm,))


@pytest.fixture(scope="module")
def pages() -> dict[str, Page]:
    return {p.path: p for p in build_team_pages(portal_state(report_portal(), NOW))}


def soup(page: Page) -> BeautifulSoup:
    return BeautifulSoup(page.text, "html.parser")


def row(page: Page, metric: str, severity: str | None) -> list[str]:
    table = soup(page).select_one(f'[data-metric="{metric}"]')
    tr = table.select_one(f'tr[data-severity="{severity}"]') if severity else table.select_one("tr.sr-rep-total")
    return [c.get_text(" ", strip=True) for c in tr.select("th, td")]


def test_report_pages_exist_and_link_to_each_other(pages: dict[str, Page]) -> None:
    expected = ["reports/index.md", "reports/last-90-days/index.md", "reports/last-12-months/index.md",
                "reports/component/api/index.md", "reports/component/web/index.md"]
    assert all(p in pages for p in expected)
    assert pages["reports/index.md"].in_nav and not pages["reports/last-90-days/index.md"].in_nav
    hrefs = [a["href"] for a in soup(pages["reports/component/web/index.md"]).select(".sr-rep-filters a")]
    assert hrefs == ["../../../reports/", "../../../reports/last-90-days/", "../../../reports/last-12-months/",
                     "../../../reports/component/api/", "../../../reports/component/web/"]


def test_time_to_resolve_figures(pages: dict[str, Page]) -> None:
    page = pages["reports/index.md"]
    # SEV1: 40 min and 2 h -> mean 1 h 20 min, median 1 h 20 min, p90 (rank ceil(1.8) = 2) 2 h,
    # target 1 h met by r1 only.
    assert row(page, "time_to_resolve", "SEV1") == ["SEV1 Critical", "2", "1 h 20 min", "1 h 20 min", "2 h",
                                                    "2 h", "1 h", "50% (1 of 2)", "Missed"]  # mean 1 h 20 min > 1 h
    assert row(page, "time_to_resolve", "SEV2") == ["SEV2 High", "1", "1 h", "1 h", "1 h", "1 h", "4 h",
                                                    "100% (1 of 1)", "Met"]
    assert row(page, "time_to_resolve", "SEV3")[:3] == ["SEV3 Medium", "1", "2 h"]
    # all: 40 min, 1 h, 2 h, 2 h -> mean 1 h 25 min; target met by r1, r3 out of the 3 with targets
    assert row(page, "time_to_resolve", None) == ["All severities", "4", "1 h 25 min", "1 h 30 min", "2 h", "2 h",
                                                  "—", "67% (2 of 3)", "—"]
    m = compute_metrics(report_portal(), NOW)
    assert m.time_to_resolve.by_severity["SEV1"].mean == timedelta(minutes=80)


def test_detect_acknowledge_mitigate_and_first_update(pages: dict[str, Page]) -> None:
    page = pages["reports/index.md"]
    # detect: 2 min and 10 min; target 5 min for every severity
    assert row(page, "time_to_detect", "SEV1") == ["SEV1 Critical", "2", "6 min", "6 min", "10 min", "10 min",
                                                   "5 min", "50% (1 of 2)", "Missed"]
    # acknowledge: 3 min and 10 min against SEV1's 5 min
    assert row(page, "time_to_acknowledge", "SEV1")[1:4] == ["2", "6 min", "6 min"]
    assert row(page, "time_to_acknowledge", "SEV1")[-2:] == ["50% (1 of 2)", "Missed"]  # mean 6 min > 5 min
    # mitigate: only r1 (30 min); no target
    assert row(page, "time_to_mitigate", "SEV1") == ["SEV1 Critical", "1", "30 min", "30 min", "30 min", "30 min",
                                                     "—", "—", "—"]
    # first update: r1 10:04 - detected 10:02 = 2 min; r2 08:30 - 08:10 = 20 min (SEV1 target 15 min)
    assert row(page, "time_to_first_update", "SEV1")[1:3] == ["2", "11 min"]
    assert row(page, "time_to_first_update", "SEV1")[-2:] == ["50% (1 of 2)", "Met"]  # mean 11 min <= 15 min


def test_window_and_component_pages_select_their_incidents(pages: dict[str, Page]) -> None:
    def scope(path: str) -> str:
        return soup(pages[path]).select_one(".sr-rep-scope").get_text(" ", strip=True)

    assert scope("reports/index.md").startswith("4 incidents")
    assert scope("reports/last-90-days/index.md").startswith("3 incidents")  # r0 is older
    assert scope("reports/last-12-months/index.md").startswith("4 incidents")
    assert scope("reports/component/web/index.md").startswith("1 incident ")
    assert row(pages["reports/component/web/index.md"], "time_to_resolve", "SEV2")[1] == "1"


def test_mtbf_counts_postmortems_actions_and_bands(pages: dict[str, Page]) -> None:
    s = soup(pages["reports/index.md"])
    mtbf = {tr["data-component"]: [td.get_text(" ", strip=True) for td in tr.select("td")]
            for tr in s.select(".sr-rep-mtbf tr[data-component]")}
    m = compute_metrics(report_portal(), NOW)
    web = next(c for c in m.mtbf if c.component == "web")
    assert mtbf["web"][0] == "1" and mtbf["web"][1] == "1 h" and mtbf["web"][3] == web.display
    # Uptime by the status page's rule: r3's 1 h of partial outage counts 18 min over Jun 1, 2025 00:00 to
    # Mar 31, 2026 00:00 (303 days): 1 - 18 / 436,320 min = 99.9958% -> 99.99% (rounded down).
    assert mtbf["web"][2] == "99.99%"
    assert mtbf["api"][0] == "2"  # r1 and r2 (r0 was only degraded)
    months = {tr.select_one("th").get_text(): [td.get_text() for td in tr.select("td")]
              for tr in s.select(".sr-rep-months tbody tr")}
    # SEV1, SEV2, SEV3, total (SEV4 column has no incidents); now is Mar 31 00:00, so March is partial
    assert months["2026-03 (days 1–30 only)"] == ["2", "1", "0", "3"]
    assert months["2025-06"] == ["0", "0", "1", "1"]
    completion = s.select_one(".sr-rep-completion").get_text(" ", strip=True)
    # r1, r2, r3 need one (SEV1/SEV2); only r1 has a published postmortem, dated 2 days after resolution.
    # r3, resolved Mar 25, has until Apr 1: not yet due, so 1 of the 2 due was on time.
    assert "3" in completion and "1 (33%)" in completion
    assert "1 of 2 due (50%); 1 not yet due; 100% of published" in completion
    # Most recently resolved first.
    assert [a.get_text() for a in s.select(".sr-rep-missing a")] == ["Incident r3", "Incident r2"]
    actions = [td.get_text() for td in s.select(".sr-rep-actions tbody td")]
    assert actions[:6] == ["2", "1", "1", "1", "0", "50%"]  # total, open, overdue, done, won't do, completion
    bands = {tr.select_one("th").get_text(): [td.get_text() for td in tr.select("td")]
             for tr in s.select(".sr-rep-bands tbody tr")}
    assert bands["Within 1 hour"] == ["2", "50%"] and bands["Within 1 day"] == ["2", "50%"]
    quarters = {tr.select_one("th").get_text(): [td.get_text() for td in tr.select("td")]
                for tr in s.select(".sr-rep-quarters tbody tr")}
    assert quarters["2026-Q1"] == ["3", "1 h", "2 h"]
    assert quarters["2025-Q3"] == ["0", "—", "—"]


def test_every_definition_is_on_the_page(pages: dict[str, Page]) -> None:
    for path in ("reports/index.md", "reports/last-90-days/index.md", "reports/component/api/index.md"):
        text = soup(pages[path]).get_text(" ")
        for key, definition in definitions(report_portal().config).items():
            # The comparison with the previous period is on the rolling reports only, with its definition.
            if key != "previous_period" or "last-90-days" in path:
                assert definition in text, (path, key)


def test_charts_are_valid_svg_with_title_and_desc(pages: dict[str, Page]) -> None:
    for path in ("reports/index.md", "reports/last-90-days/index.md"):
        svgs = re.findall(r"<svg\b.*?</svg>", pages[path].text, flags=re.S)
        assert len(svgs) == 6  # the trend's, then durations, months, components, bands, quarters
        ids = set()
        for svg in svgs:
            assert "\n\n" not in svg
            root = ET.fromstring(svg)
            assert root.get("role") == "img"
            title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
            assert title is not None and title.text and desc is not None and desc.text
            assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
            ids.add(title.get("id"))
        assert len(ids) == len(svgs)
    # the strip plot has one dot per resolved incident and the six log ticks
    strip = ET.fromstring(re.search(r"<svg\b[^>]*-ttr-t.*?</svg>", pages["reports/index.md"].text, re.S).group(0))
    assert len(strip.findall(f".//{SVG}circle")) == 4
    labels = [el.text for el in strip.iter(f"{SVG}text")]
    assert all(tick in labels for tick in ("1 min", "10 min", "1 h", "4 h", "1 d", "1 w"))


def test_chart_functions_escape_text() -> None:
    nasty = 'A & B <"x">'
    for svg in (
        charts.bar_chart("c1", nasty, nasty, [nasty, "b"], [(nasty, [1, 2]), ("s2", [0, 3])]),
        charts.strip_plot_log("c2", nasty, nasty, [(nasty, [(nasty, 30.0), ("y", 10 * 86400.0)])], targets=[3600.0]),
        charts.line_chart("c3", nasty, nasty, ["Q1", "Q2", "Q3"], [("median", [60.0, None, 7200.0])]),
        charts.line_chart("c4", "empty", "none", [], []),
        charts.bar_chart("c5", "empty", "none", [], [("x", [])]),
        charts.hbar_chart("c6", nasty, nasty, [nasty, "b"], [(nasty, [1, 2]), ("s2", [0, 3])]),
        charts.hbar_chart("c7", "empty", "none", [], [("x", [])]),
    ):
        root = ET.fromstring(svg)
        assert root.find(f"{SVG}title").text in (nasty, "empty")


def test_count_charts_have_whole_number_ticks_status_colours_and_no_overlapping_labels() -> None:
    texts = lambda svg: [el for el in ET.fromstring(svg).iter(f"{SVG}text")]  # noqa: E731
    months = charts.bar_chart("m", "t", "d", ["2026-01", "2026-02"], [("SEV1", [1, 0]), ("SEV2", [0, 1])], integer=True)
    ticks = [el.text for el in texts(months) if el.get("text-anchor") == "end"]
    assert ticks == ["0", "1"], "no 0.5 incidents"
    tall = charts.bar_chart("m", "t", "d", ["a"], [("n", [9])], integer=True)
    assert [el.text for el in texts(tall) if el.get("text-anchor") == "end"] == ["0", "3", "6", "9"]
    # Twelve long names in 640 px do not fit side by side: they are angled, each on its own line.
    names = [f"Component number {k}" for k in range(12)]
    crowded = charts.bar_chart("c", "t", "d", names, [("n", [1] * 12)], integer=True)
    labels = [el for el in texts(crowded) if el.text in names]
    assert len(labels) == 12 and all("rotate(-45" in el.get("transform", "") for el in labels)
    impacts = ["degraded_performance", "partial_outage", "major_outage"]
    bars = charts.hbar_chart("h", "t", "d", ["Web application", "Publishing API"],
                             [(k, [1, 1]) for k in impacts], colours=[charts.IMPACT_COLOURS[k] for k in impacts])
    fills = [r.get("fill") for r in ET.fromstring(bars).iter(f"{SVG}rect")]
    assert fills[:3] == [charts.IMPACT_COLOURS[k] for k in impacts]  # the first row, in the status page's colours
    rows = [float(el.get("y")) for el in texts(bars) if el.text in ("Web application", "Publishing API")]
    assert len(rows) == 2 and abs(rows[0] - rows[1]) >= 14, "one row per category"


def test_metrics_json(pages: dict[str, Page]) -> None:
    files = metrics_file(portal_state(report_portal(), NOW))
    # All time, and each rolling window in its report's folder (a component's report links to all time).
    assert list(files) == ["reports/metrics.json", "reports/last-90-days/metrics.json",
                           "reports/last-12-months/metrics.json"]
    data = json.loads(files["reports/metrics.json"])
    # As the edition publishes them: this portal's (public, action items not listed) has no items' words.
    config = report_portal().config
    assert not config.publishes("action_items") and "items" not in data["action_items"]
    assert data == json.loads(json.dumps(published_figures(compute_metrics(report_portal(), NOW).to_json(), config)))
    window = json.loads(files["reports/last-90-days/metrics.json"])
    assert window == json.loads(json.dumps(published_figures(
        compute_metrics(report_portal(), NOW, NOW - timedelta(days=90)).to_json(), config)))
    assert window["trend"]["granularity"] == "month"
    assert 'href="../../reports/last-90-days/metrics.json"' in pages["reports/last-90-days/index.md"].text
    assert 'href="../../../reports/metrics.json"' in pages["reports/component/api/index.md"].text
    assert data["time_to_resolve"]["by_severity"]["SEV1"]["mean"] == 4800
    assert files == metrics_file(portal_state(report_portal(), NOW))
    assert 'href="../reports/metrics.json"' in pages["reports/index.md"].text


def test_text_report_says_in_review_or_draft_for_a_postmortem_on_its_way() -> None:
    # The site says "In review"; the terminal report must not call the same postmortem "missing".
    def pm(id_: str, incident_id: str, status: str) -> Postmortem:
        return Postmortem.model_validate({"id": id_, "title": "PM", "incidents": [incident_id],
                                          "date": "2026-03-05", "authors": ["A"], "status": status})

    incidents = [incident(f"inc-{n}", "SEV2", {"api": "major_outage"},
                          [(t(3, n, 10), "investigating"), (t(3, n, 11), "resolved")]) for n in (1, 2, 3)]
    portal = Portal(config=SitrepConfig(site_name="S", components=[Component(id="api", name="API")]),
                    incidents=tuple(incidents),
                    postmortems=(pm("pm-2", "inc-2", "in-review"), pm("pm-3", "inc-3", "draft")))
    text = render_text(compute_metrics(portal, t(3, 20, 0)))
    assert "  missing: inc-1 (SEV2" in text
    assert "  in review: inc-2 (SEV2" in text
    assert "  draft: inc-3 (SEV2" in text


def test_text_report_gives_the_trend() -> None:
    # Three SEV2s started Mar 1, 2 and 3 at 10:00 and resolved an hour later; now is Mar 20. The portal
    # starts on its first incident's day: one quarter, 2026-Q1, covered Mar 1-19 (partial): nothing compared.
    incidents = [incident(f"inc-{n}", "SEV2", {"api": "major_outage"},
                          [(t(3, n, 10), "investigating"), (t(3, n, 11), "resolved")], started=t(3, n, 10))
                 for n in (1, 2, 3)]
    portal = Portal(config=SitrepConfig(site_name="S", components=[Component(id="api", name="API")]),
                    incidents=tuple(incidents))
    lines = render_text(compute_metrics(portal, t(3, 20, 0))).splitlines()
    start = lines.index("Trend by quarter (* covered in part; means; definitions in the report page)")
    assert lines[start + 1].split() == ["quarter", "incidents", "MTTD", "MTTR", "SEV2", "updates", "on", "time",
                                        "postmortems"]
    # 3 incidents, no detection time (MTTD —), each resolved in 1 h; updates: one gap each of 1 h
    # on a 30 min cadence (late): 0%; three SEV2s need a postmortem, none has one: 0%.
    assert lines[start + 2].split() == ["2026-Q1*", "3", "—", "1", "h", "0%", "0%"]
    assert not any(" against " in line for line in lines[start:start + 4])
