"""Status badges: valid SVG with accessible text, shields endpoint JSON."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from sitrep.derive.state import portal_state
from sitrep.model.records import Incident
from sitrep.render.badges import COLOURS, build_badges, text_width
from tests.support.portals import portal_of
from tests.support.sitebuild import SAMPLE

NOW = datetime(2026, 2, 10, 15, 0, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


def outage(**fields: Any) -> Incident:
    data: dict[str, Any] = {
        "id": "2026-02-10-api-errors", "title": "API errors", "severity": "SEV2", "started": "2026-02-10T14:30:00Z",
        "components": {"api": "partial_outage"},
        "updates": [{"at": "2026-02-10T14:40:00Z", "status": "investigating", "message": "Looking."}],
    }
    data.update(fields)
    return Incident.model_validate(data)


def svg_root(data: bytes) -> ET.Element:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    return root


def test_outputs_for_overall_and_every_component() -> None:
    out = build_badges(portal_state(portal_of(), NOW))
    assert set(out) == {"badge.svg", "badge.json", "components/api/badge.svg", "components/api/badge.json",
                        "components/db/badge.svg", "components/db/badge.json"}


def test_operational_badge_text_colour_and_accessibility() -> None:
    out = build_badges(portal_state(portal_of(), NOW))
    root = svg_root(out["badge.svg"])
    assert root.get("role") == "img"
    assert root.get("aria-label") == "status: All Systems Operational"
    assert root.find(f"{SVG}title").text == "status: All Systems Operational"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "All Systems Operational" in texts and "status" in texts
    assert COLOURS["operational"][0] in out["badge.svg"].decode()
    assert json.loads(out["badge.json"]) == {"schemaVersion": 1, "label": "status",
                                             "message": "All Systems Operational", "color": "brightgreen"}


def test_outage_changes_text_and_colour() -> None:
    out = build_badges(portal_state(portal_of(outage()), NOW))
    assert json.loads(out["badge.json"])["message"] == "Partial System Outage"
    assert json.loads(out["badge.json"])["color"] == "orange"
    api = json.loads(out["components/api/badge.json"])
    assert (api["label"], api["message"], api["color"]) == ("Publishing API", "Partial outage", "orange")
    assert json.loads(out["components/db/badge.json"])["message"] == "Operational"
    root = svg_root(out["components/api/badge.svg"])
    assert root.get("aria-label") == "Publishing API: Partial outage"
    assert COLOURS["partial_outage"][0] in out["components/api/badge.svg"].decode()


def test_resolved_incident_no_longer_shows() -> None:
    resolved = outage(mitigated="2026-02-10T14:50:00Z", updates=[
        {"at": "2026-02-10T14:40:00Z", "status": "investigating", "message": "Looking."},
        {"at": "2026-02-10T14:55:00Z", "status": "resolved", "message": "Fixed."}])
    badge = build_badges(portal_state(portal_of(resolved), NOW))["badge.json"]
    assert json.loads(badge)["message"] == "All Systems Operational"


def test_width_follows_text_and_boxes_add_up() -> None:
    assert text_width("iiii") < text_width("WWWW")
    assert text_width("status") > 0 and text_width("\u2068x\u2069") == text_width("x")
    short = svg_root(build_badges(portal_state(portal_of(api_name="API"), NOW))["components/api/badge.svg"])
    longer = portal_of(api_name="A much longer component name")
    long = svg_root(build_badges(portal_state(longer, NOW))["components/api/badge.svg"])
    assert int(long.get("width")) > int(short.get("width"))
    rects = [r for r in short.iter(f"{SVG}rect") if r.get("fill", "").startswith("#") and r.get("rx") is None]
    assert sum(int(r.get("width")) for r in rects) == int(short.get("width"))


def test_hostile_component_name_is_escaped() -> None:
    name = '<script>alert("x")</script> & ]]> \u202eevil'
    out = build_badges(portal_state(portal_of(api_name=name), NOW))
    data = out["components/api/badge.svg"]
    assert b"<script>" not in data
    root = svg_root(data)
    assert root.find(f"{SVG}title").text.startswith("\u2068" + name)
    assert b"<" not in out["components/api/badge.json"]
    assert json.loads(out["components/api/badge.json"])["label"] == "\u2068" + name + "\u2069"


def test_deterministic() -> None:
    portal = portal_of(outage())
    assert build_badges(portal_state(portal, NOW)) == build_badges(portal_state(portal, NOW))


def test_real_sample_content_badges_are_valid() -> None:
    from sitrep.load.loader import load_portal
    from sitrep.model.config import load_config

    portal, _ = load_portal(SAMPLE, load_config(SAMPLE / "mkdocs.yml"))
    portal = portal.for_audience("public")
    now = max((i.last_updated for i in portal.incidents), default=NOW)
    out = build_badges(portal_state(portal, now))
    for name, data in out.items():
        if name.endswith(".svg"):
            assert svg_root(data).find(f"{SVG}title").text
        else:
            assert json.loads(data)["schemaVersion"] == 1
