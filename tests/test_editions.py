"""Leak test: the public edition of the sample portal, built for real with MkDocs, shows nothing internal.

Canary strings come from the records themselves: ids and titles of internal
records, every responder of every incident and every postmortem author
(authors are internal-only). A string the public records publish themselves
(e.g. a name in a public postmortem's text, or an internal runbook's title as
the text of a link in a public body) is the author's choice and is not a canary.
Every file of the build is searched: HTML, XML, JSON, the search index, the
sitemap (also gzipped), feeds, calendars and SVG.
"""

from __future__ import annotations

import gzip
import html
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest

from sitrep.load.loader import load_portal
from sitrep.model.config import load_config
from sitrep.model.portal import Portal
from sitrep.text.postmortem import parse_action_items, parse_sections
from tests.support.sitebuild import SAMPLE, sample_site

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sample-site")]


@cache
def sample_portal() -> Portal:
    portal, diags = load_portal(SAMPLE, load_config(SAMPLE / "mkdocs.yml"))
    assert not diags.has_errors
    return portal


def public_text(portal: Portal) -> str:
    """Everything the public records publish: titles, messages, bodies (but action items), tags."""
    parts: list[str] = []
    for inc in portal.incidents:
        if inc.visibility == "public":
            parts += [inc.title, inc.body, *(u.message for u in inc.updates)]
    for pm in portal.postmortems:
        if pm.visibility == "public" and pm.status == "published":
            parts += [pm.title, *pm.tags, *(s.body for s in parse_sections(pm.body, pm.body_line)
                                             if s.key != "action_items")]
    return "\n".join(parts)


def action_item_canaries(portal: Portal) -> set[str]:
    """Action items are a team page (not in `public_pages` here): their owners (full names, as
    written or as `people` names a handle), their texts, and the prose after them."""
    found: set[str] = set()
    for pm in portal.postmortems:
        for section in parse_sections(pm.body, pm.body_line):
            if section.key != "action_items":
                continue
            for item in parse_action_items(section)[0]:
                found.update(o for o in (item.owner, portal.config.person(item.owner)) if o and " " in o)
                found.add(item.text)
            found.update(line.strip() for line in section.body.splitlines()
                         if len(line.strip()) >= 30 and not line.lstrip().startswith(("|", "-")))
    return found


def canaries(portal: Portal) -> set[str]:
    found: set[str] = set()
    for inc in portal.incidents:
        found.update(name for name in (inc.commander, inc.tech_lead, inc.comms_lead, inc.scribe) if name)
        if inc.visibility == "internal":
            found |= {inc.id, inc.title}
    for pm in portal.postmortems:
        found.update(pm.authors)
        if pm.visibility == "internal" or pm.status != "published":
            found |= {pm.id, pm.title}
    for rb in portal.runbooks:  # runbooks are internal unless public_pages lists them
        found |= {rb.id, rb.title}
    found |= action_item_canaries(portal)
    published = public_text(portal)
    return {c for c in found if len(c) >= 4 and c not in published}


def forms(text: str) -> set[str]:
    """The ways a string can be written in a built file: raw, HTML-escaped, JSON-escaped."""
    return {text, html.escape(text), html.escape(text, quote=False), json.dumps(text)[1:-1],
            json.dumps(text, ensure_ascii=False)[1:-1]}


def site_texts(site: Path) -> Iterable[tuple[str, str]]:
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        yield path.relative_to(site).as_posix(), data.decode("utf-8", errors="ignore")


def test_there_are_enough_canaries_to_mean_something() -> None:
    found = canaries(sample_portal())
    internal_incidents = [i for i in sample_portal().incidents if i.visibility == "internal"]
    assert internal_incidents
    assert all(i.id in found for i in internal_incidents)
    assert len(found) >= 15, sorted(found)
    # owners of action items and the prose under them (sample: the RDS Proxy and Redis session notes)
    assert {"Leo Martin", "Daniel Kowalski", "Tomás Herrera", "Migrate from PgBouncer to RDS Proxy"} <= found
    assert any("RDS Proxy item was dropped" in c for c in found)
    assert any("Sessions in PostgreSQL were rejected" in c for c in found)


def test_sample_public_postmortems_describe_roles_not_people() -> None:
    """The sample shows what the validator asks for: no responder named in a public postmortem."""
    _, diags = load_portal(SAMPLE, load_config(SAMPLE / "mkdocs.yml"))
    assert [d.as_text() for d in diags if d.code == "public-names"] == []
    published = public_text(sample_portal())
    assert [n for n in ("Leo Martin", "Priya Raman", "Aisha Okafor", "Kwame Mensah") if n in published] == []


def test_public_build_leaks_no_internal_string() -> None:
    site = sample_site("public")
    needles = {form: canary for canary in canaries(sample_portal()) for form in forms(canary)}
    leaks = sorted({(path, needles[n]) for path, text in site_texts(site) for n in needles if n in text})
    assert not leaks, leaks[:20]


#: Written into the sample's draft and in-review postmortems (both `visibility: public`):
#: neither may reach any file of the public edition until its status is published.
UNPUBLISHED_CANARIES = ("needs input from Omar", "Comments from the review on 2026-08-26")
#: Team pages that are internal unless `public_pages` lists them, and the developer reference.
INTERNAL_PAGES = ("runbooks/index.html", "reports/index.html", "reports/last-90-days/index.html",
                  "reports/metrics.json", "reports/last-90-days/metrics.json", "reports/last-12-months/metrics.json",
                  "postmortems/action-items/index.html", "process/index.html")


def test_public_build_is_for_customers_only() -> None:
    site = sample_site("public")
    portal = sample_portal()
    for pm in portal.postmortems:
        shown = pm.visibility == "public" and pm.status == "published"
        assert (site / "postmortems" / pm.id / "index.html").is_file() == shown, pm.id
    assert not (site / "runbooks").exists() and not (site / "reports").exists()
    assert not (site / "format").exists() and not (site / "process").exists()
    for page in INTERNAL_PAGES:
        assert not (site / page).exists(), page
    assert (site / "postmortems/index.html").is_file()
    found = sorted({(path, c) for path, text in site_texts(site) for c in UNPUBLISHED_CANARIES
                    for form in forms(c) if form in text})
    assert not found, found
    linked = sorted({(path, link) for path, text in site_texts(site)
                     for link in ("/runbooks/", "/reports/", "/process/", "/action-items/", "/format/")
                     if link in text})
    assert not linked, linked[:20]
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Made with" not in index and "How uptime is calculated" in index


#: What the action-items page tells a manager chasing follow-ups (days overdue, counts per postmortem,
#: the completion rate and its rule): only ever in the internal edition (not in `public_pages` here).
FOLLOW_UP_CANARIES = ("Overdue by", "most days overdue first", "By postmortem", "Completion rate",
                      "Closed on time", "Time to close counts whole days", "No closing date")


def test_follow_up_figures_only_in_the_internal_edition() -> None:
    page = (sample_site("internal") / "postmortems/action-items/index.html").read_text(encoding="utf-8")
    assert [c for c in FOLLOW_UP_CANARIES if c not in page] == []
    needles = {form: c for c in FOLLOW_UP_CANARIES for form in forms(c)}
    found = sorted({(path, needles[n]) for path, text in site_texts(sample_site("public")) for n in needles
                    if n in text})
    assert not found, found


def test_internal_build_has_every_team_page_and_unpublished_postmortem() -> None:
    site = sample_site("internal")
    for page in INTERNAL_PAGES:
        assert (site / page).is_file(), page
    texts = dict(site_texts(site))
    for canary in UNPUBLISHED_CANARIES:
        assert any(canary in text for text in texts.values()), canary
    metrics = json.loads((site / "reports/metrics.json").read_text(encoding="utf-8"))
    assert set(metrics["incident_ids"]) >= {i.id for i in sample_portal().incidents if i.visibility == "internal"
                                            and not i.is_maintenance and i.start.timestamp() <= 1795435200}


def test_internal_build_has_the_internal_pages() -> None:
    site = sample_site("internal")
    portal = sample_portal()
    inc = next(i for i in portal.incidents if i.visibility == "internal" and i.commander)
    page = (site / "incidents" / inc.id / "index.html").read_text(encoding="utf-8")
    assert "Commander" in page and html.escape(inc.commander or "") in page
    for pm in portal.postmortems:
        text = (site / "postmortems" / pm.id / "index.html").read_text(encoding="utf-8")
        assert html.escape(pm.authors[0]) in text, pm.id
    for rb in portal.runbooks:
        assert (site / "runbooks" / rb.id / "index.html").is_file(), rb.id
    library = (site / "postmortems/index.html").read_text(encoding="utf-8")
    assert all(html.escape(pm.title) in library for pm in portal.postmortems)
    metrics = json.loads((site / "reports/metrics.json").read_text(encoding="utf-8"))
    assert {i.id for i in portal.incidents if not i.is_maintenance} <= set(metrics["incident_ids"]) | {
        i.id for i in portal.incidents if i.start.timestamp() > 1795435200}
