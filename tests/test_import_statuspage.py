"""`sitrep import statuspage` as a team leaving Statuspage runs it, on the shapes real pages serve.

The history (tests/fixtures/statuspage, see its README for where each shape comes from) spans
2019–2027: old exports whose incidents name no component, backfilled incidents, HTML bodies,
two Statuspage components on one portal component, an impact override, updates sharing a
time, a title longer than a record allows, published and draft postmortems, maintenance in
every state. The team runs `sitrep init` in an empty folder, gets the component table,
reviews it, and imports the Manage API pages and the public API files in one command.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from sitrep.cli import main
from sitrep.edit.importers import statuspage
from sitrep.edit.importers.statuspage import ADDED_CLOSING, ADDED_FIRST, NO_COMPONENT
from sitrep.edit.importers.writing import NOT_IN_SOURCE, TITLE_LIMIT, component_mapping, write_imports
from sitrep.model.config import load_config
from sitrep.model.exceptions import ImportRefused
from tests.support.helpers_build import load

FIXTURE = Path(__file__).parent / "fixtures" / "statuspage"
PUBLIC = sorted((FIXTURE / "public").glob("*.json"))
PORTAL = ("--component", 'api="Public API"', "--component", "dashboard=Dashboard",
          "--component", 'data-stores="Data stores"', "--component", "webhooks=Webhooks",
          "--component", 'legacy-ftp="Legacy FTP"')
#: 2026-12-02T12:00:00Z: after the open incident began, before the maintenance ahead.
NOW = "2026-12-02T12:00:00Z"
EPOCH = 1796212800


def sitrep(root: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, [*args, "-f", str(root / "mkdocs.yml")])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def records(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.md"))
            if p.relative_to(root).parts[0] in ("incidents", "postmortems")}


def new_portal(root: Path) -> Path:
    result = CliRunner().invoke(main, ["init", str(root), *PORTAL, "--name", "Acme Cloud Status", "--now", NOW])
    assert result.exit_code == 0, result.output
    return root


def review_table(root: Path) -> Path:
    """The first run writes only the table; the team maps Postgres and Redis to 'Data stores'."""
    table = root / "components.yml"
    first = sitrep(root, "import", "statuspage", str(FIXTURE), *map(str, PUBLIC), "--components", str(table))
    assert first.exit_code == 0, first.output
    assert records(root) == {}
    text = table.read_text(encoding="utf-8")
    assert "api000000001: api  # API; Public API\n" in text  # renamed: matched by the latest name
    assert "pg0000000001: postgres  # Postgres  (not in mkdocs.yml yet)\n" in text
    # what to do with those lines, naming the ids to map to
    assert ("# Each line marked 'not in mkdocs.yml yet': map it to one of mkdocs.yml's components (ids: api, "
            "dashboard, data-stores, webhooks, legacy-ftp), or add it to mkdocs.yml (the next run prints the lines "
            "to paste; then run sitrep sync). One Statuspage no longer shows gets 'retired: YYYY-MM-DD' too") in text
    # The old exports' incidents that name no component get a line of their own, proposing a component.
    assert f"{NO_COMPONENT}: api  # the 3 incidents or maintenance that name no component on Statuspage\n" in text
    text = text.replace("pg0000000001: postgres", "pg0000000001: data-stores")
    table.write_text(text.replace("redis0000001: redis", "redis0000001: data-stores"), encoding="utf-8")
    return table


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    root = new_portal(tmp_path_factory.mktemp("acme") / "status")
    table = review_table(root)
    # The public files come after the Manage API pages: their narrower copies must not lose anything.
    result = sitrep(root, "import", "statuspage", str(FIXTURE), *map(str, PUBLIC), "--components", str(table))
    assert result.exit_code == 0, result.output
    return root, result


def by_title(root: Path) -> dict[str, Any]:
    portal, _ = load(root)
    return {i.title: i for i in portal.incidents} | {p.title: p for p in portal.postmortems}


def test_the_whole_history_is_written_and_every_record_is_valid(team: tuple[Path, Result]) -> None:
    root, result = team
    written = records(root)
    assert len([p for p in written if p.startswith("incidents/")]) == 24
    assert len([p for p in written if p.startswith("postmortems/")]) == 3
    assert "wrote 27 new and 0 updated records" in result.output
    assert "cannot be valid" not in result.output and "IMPORT PROBLEM" not in "".join(written.values())
    check = sitrep(root, "validate", "--no-cache", "--format", "text")
    assert check.exit_code == 0 and "0 errors, 0 warnings" in check.output, check.output
    assert not any("\r" in text for text in written.values())  # Statuspage's \r\n line breaks


def test_incidents_naming_no_component_get_the_table_s_component(team: tuple[Path, Result]) -> None:
    found = by_title(team[0])
    assert found["Investigating issue sending email"].components == {"api": "degraded_performance"}  # impact none
    assert found["Database Maintenance"].components == {"api": "under_maintenance"}
    assert found['Builds stuck in "preparing build node" state due to an earlier outage.'].severity == "SEV3"


def test_backfilled_incidents_are_closed_as_statuspage_shows_them(team: tuple[Path, Result]) -> None:
    found = by_title(team[0])
    one = found["Network Disruption"]  # a single 'investigating' update, display_at a day before created_at
    assert [u.status for u in one.updates] == ["investigating", "resolved"] and one.is_resolved
    assert one.updates[0].message.startswith("Resolved - 12:17 (ET) —\nThe issue was identified")
    assert one.updates[1].message == ADDED_CLOSING.format(status="resolved")
    none = found["Dashboard unavailable during the data-centre move"]  # no update at all
    assert [(u.status, u.message) for u in none.updates] == [
        ("investigating", ADDED_FIRST), ("resolved", ADDED_CLOSING.format(status="resolved"))]
    assert none.resolved_at is not None and (none.resolved_at - none.start).total_seconds() == 5400
    only = found["Postgres failover"]  # only a resolution
    assert [u.status for u in only.updates] == ["resolved"] and only.components == {"data-stores": "partial_outage"}


def test_a_title_too_long_for_a_record_keeps_every_word(team: tuple[Path, Result]) -> None:
    source = next(o for page in sorted(FIXTURE.glob("*.json")) for o in json.loads(page.read_text())
                  if o["id"] == "long00000001")
    found = next(i for t, i in by_title(team[0]).items() if t.startswith("Customers in the EU region"))
    assert len(source["name"]) > TITLE_LIMIT >= len(found.title) and found.title.endswith("dashboards…")
    assert found.body.startswith(f"Full title: {source['name']}")


def test_several_statuspage_components_on_one_count_as_the_worst(team: tuple[Path, Result]) -> None:
    found = by_title(team[0])["Failed writes to the data stores"]
    # Postgres major outage + Redis partial outage = Data stores major outage; Redis recovering alone
    # does not make the Data stores operational while Postgres is down.
    assert found.components == {"data-stores": "major_outage"}
    assert [u.components for u in found.updates if u.components] == [{"data-stores": "degraded_performance"}]
    # Two updates posted in the same second, listed newest first by Statuspage, in lifecycle order.
    assert [u.status for u in found.updates] == ["investigating", "identified", "identified", "monitoring",
                                                 "resolved"]


def test_updates_back_dated_to_the_same_time_end_with_the_resolution(team: tuple[Path, Result]) -> None:
    found = by_title(team[0])["Search results incomplete"]
    assert [u.status for u in found.updates] == ["investigating", "monitoring", "resolved"] and found.is_resolved
    shown = by_title(team[0])["Redis latency — EU"]  # display_at moved before the resolution
    assert [u.status for u in shown.updates] == ["investigating", "monitoring", "resolved"]


def test_html_bodies_read_as_plain_text_with_their_links(team: tuple[Path, Result]) -> None:
    found = by_title(team[0])
    assert found["Incident with Webhooks"].updates[1].message == (
        "Deliveries are delayed by up to 10 minutes.\nSee how retries work "
        "(https://docs.example.com/webhooks#retries) & do not re-send events.")
    scheduled = found["Sunsetting API Authentication via Query Parameters"].updates[0].message
    assert scheduled.startswith("We will be removing API Authentication via Query Parameters (https://developer."
                                "example.com/changes/2020-02-10-deprecating-auth-through-query-param/) during")
    assert "<a" not in scheduled and scheduled.endswith("blog post (https://blog.example.com/sunsetting-query-auth/).")


def test_impact_override_and_offsets(team: tuple[Path, Result]) -> None:
    root, _ = team
    found = by_title(root)
    assert found["Public API latency"].severity == "SEV3"  # impact critical, overridden to minor on Statuspage
    # 08:30+09:00 is 23:30 UTC the day before: the file is named by the UTC day, as `sitrep new` names them.
    assert found["API slow, then down"].path == "incidents/2024/2024-01-09-api-slow-then-down.md"
    portal, _ = load(root)
    same_day = sorted(i.path for i in portal.incidents if i.title == "Elevated API error rates")
    assert same_day == ["incidents/2021/2021-09-07-elevated-api-error-rates-2.md",
                        "incidents/2021/2021-09-07-elevated-api-error-rates.md"]


def test_maintenance_in_every_state(team: tuple[Path, Result]) -> None:
    found = by_title(team[0])
    assert found["Sunsetting API Authentication via Query Parameters"].status == "completed"
    assert found["Postgres major version upgrade"].status == "verifying"
    ahead = found["Network maintenance"]
    assert ahead.status == "scheduled" and ahead.components == {"api": "under_maintenance",
                                                                "dashboard": "under_maintenance"}
    assert found["Dashboard upgrade"].updates[-1].message.startswith("This maintenance has been cancelled")
    still_open = found["Webhook deliveries delayed"]
    assert still_open.status == "identified" and still_open.resolved is None


def test_postmortems_published_on_statuspage_are_published_drafts_stay_internal(team: tuple[Path, Result]) -> None:
    root, _ = team
    found = by_title(root)
    free = found["Postmortem: Public API errors for some customers"]
    assert (free.status, free.visibility, free.path) == (
        "published", "public", "postmortems/2022-06-17-public-api-errors-for-some-customers.md")
    # The text as written, under Summary (its own headings below it); the sections it lacks say so.
    assert free.body.startswith("## Summary\n\n### What happened\n\nOn June 14 between 13:05 and 14:20 UTC")
    assert f"## Root Cause\n\n{NOT_IN_SOURCE.format(source='Statuspage')}" in free.body
    sectioned = found["Postmortem: Webhook deliveries failing"]
    assert sectioned.status == "published" and NOT_IN_SOURCE.format(source="Statuspage") not in sectioned.body
    draft = found["Postmortem: Dashboard login failures"]  # postmortem_body without postmortem_published_at
    assert (draft.status, draft.visibility) == ("draft", "internal")
    assert draft.path == "postmortems/2023-03-03-dashboard-login-failures.md"  # its own id, not "-2"


def test_reimport_is_a_no_op_and_keeps_the_team_s_edits(team: tuple[Path, Result], tmp_path: Path) -> None:
    work = tmp_path / "status"
    shutil.copytree(team[0], work)
    before = records(work)
    args = ("import", "statuspage", str(FIXTURE), *map(str, PUBLIC), "--components", str(work / "components.yml"))
    again = sitrep(work, *args)
    assert "wrote 0 new and 0 updated records; 27 unchanged" in again.output and records(work) == before
    edited = "incidents/2020/2020-10-05-failed-writes-to-the-data-stores.md"
    (work / edited).write_text(before[edited].replace("This incident has been resolved.", "Volume grown to 2 TB."),
                               encoding="utf-8")
    (work / "incidents/2021/2021-09-07-elevated-api-error-rates-2.md").unlink()
    dry = sitrep(work, *args, "--dry-run")
    assert "would write 0 new and 0 updated records; 25 unchanged, 2 kept as edited" in dry.output
    third = sitrep(work, *args)
    assert f"kept: {edited} (edited since the last import; not overwritten)" in third.output
    assert "Volume grown to 2 TB." in (work / edited).read_text(encoding="utf-8")
    assert not (work / "incidents/2021/2021-09-07-elevated-api-error-rates-2.md").exists()


def test_the_public_api_files_alone_import_what_they_hold(tmp_path: Path) -> None:
    root = new_portal(tmp_path / "status")
    table = root / "components.yml"
    sitrep(root, "import", "statuspage", *map(str, PUBLIC), "--components", str(table))
    text = table.read_text(encoding="utf-8").replace("redis0000001: redis", "redis0000001: data-stores")
    table.write_text(text.replace("pg0000000001: postgres", "pg0000000001: data-stores"), encoding="utf-8")
    result = sitrep(root, "import", "statuspage", *map(str, PUBLIC), "--components", str(table))
    assert result.exit_code == 0 and "wrote 11 new and 0 updated records" in result.output, result.output
    assert sitrep(root, "validate", "--no-cache").exit_code == 0


@pytest.mark.parametrize(("content", "expected"), [
    ('{"page": {"id": "acme0cloud01"}, "components": [{"id": "a", "name": "API"}]}',
     "no incidents in this file (it has components, page)"),
    ('[{"id": "api000000001", "name": "API", "status": "operational", "position": 1}]',
     "item 1 is not a Statuspage incident ('API', a component?)"),
    ('{"incidents": {"id": "x"}}', "'incidents' is not a list of incidents"),
    ('[{"id": "x1", "name": "Broken", "impact": "major", "incident_updates": "oops"}]',
     "item 1 (id 'x1', 'Broken'): incident_updates is str"),
    ('[{"id": "x2", "name": "Broken", "impact": "major", "incident_updates": [{"status": "investigating", '
     '"body": ["x"]}]}]', "item 1 (id 'x2', 'Broken'): incident_updates item 1: body is list"),
    ("<html><body>Page not found</body></html>", "not a readable JSON file"),
])
def test_a_file_that_is_not_statuspage_incidents_is_refused_naming_it(tmp_path: Path, content: str,
                                                                      expected: str) -> None:
    root = new_portal(tmp_path / "status")
    bad = tmp_path / "export.json"
    bad.write_text(content, encoding="utf-8")
    result = sitrep(root, "import", "statuspage", str(bad), "--dry-run")
    assert result.exit_code == 2 and f"{bad}: " in result.output and expected in result.output, result.output
    assert "export" in result.output  # what to do instead
    assert records(root) == {}


def test_a_component_mapped_to_nothing_is_refused_with_the_way_out(tmp_path: Path) -> None:
    root = new_portal(tmp_path / "status")
    table = review_table(root)
    table.write_text(table.read_text(encoding="utf-8").replace("ftp000000001: legacy-ftp", 'ftp000000001: ""'),
                     encoding="utf-8")
    result = sitrep(root, "import", "statuspage", str(FIXTURE), "--components", str(table))
    assert result.exit_code == 2 and "'ftp000000001' maps to no component" in result.output, result.output
    assert "the one that took its place" in result.output and "- id: \n" not in result.output
    assert "'retired: YYYY-MM-DD'" in result.output  # or keep it, retired


def test_a_component_statuspage_deleted_is_imported_onto_a_retired_one(tmp_path: Path) -> None:
    """Legacy FTP, deleted on Statuspage, is added retired: its incidents import and validate, and the built
    status page does not show it while its incident page and history do."""
    from tests.support.sitebuild import mkdocs_build

    root = new_portal(tmp_path / "status")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    entry = '  name: "Legacy FTP"\n' if '  name: "Legacy FTP"\n' in text else "  name: Legacy FTP\n"
    indent = text.split(entry)[0].rsplit("\n", 1)[1]
    config.write_text(text.replace(entry, f"{entry}{indent}  retired: 2024-01-01\n", 1), encoding="utf-8")
    table = review_table(root)
    assert "ftp000000001: legacy-ftp" in table.read_text(encoding="utf-8")
    result = sitrep(root, "import", "statuspage", str(FIXTURE), *map(str, PUBLIC), "--components", str(table))
    assert result.exit_code == 0, result.output
    assert sitrep(root, "validate", "--now", NOW).exit_code == 0
    ftp = [rel for rel, text in records(root).items() if "legacy-ftp:" in text]
    assert ftp
    built = mkdocs_build(root, tmp_path / "site", epoch=EPOCH)
    assert built.returncode == 0, built.stderr
    assert "Legacy FTP" not in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    history = (tmp_path / "site" / "history/component/legacy-ftp/index.html").read_text(encoding="utf-8")
    assert "Legacy FTP was retired on Jan 1, 2024" in history


@pytest.mark.slow
def test_the_imported_history_builds_and_reads_like_the_statuspage_one(team: tuple[Path, Result],
                                                                       tmp_path: Path) -> None:
    from tests.support.sitebuild import mkdocs_build

    root, _ = team
    work = tmp_path / "status"
    shutil.copytree(root, work)
    config = work / "mkdocs.yml"
    config.write_text(config.read_text().replace("since: 2026-12-02", "since: 2019-03-14"))  # as the import advised
    for audience in ("public", "internal"):
        build = mkdocs_build(work, tmp_path / audience, audience, epoch=EPOCH)
        assert build.returncode == 0, build.stderr[-3000:]
        links = CliRunner().invoke(main, ["check-links", str(tmp_path / audience)])
        assert links.exit_code == 0, links.output
    public = tmp_path / "public"
    page = (public / "incidents" / "2021-01-19-incident-with-webhooks" / "index.html").read_text()
    url = "https://docs.example.com/webhooks#retries"  # kept word for word, and a link
    assert f'See how retries work (<a href="{url}">{url}</a>) &amp; do not re-send events.' in page
    assert "&lt;a href" not in page and "&lt;br&gt;" not in page
    library = (public / "postmortems" / "index.html").read_text()
    assert "Postmortem: Public API errors for some customers" in library  # a reader finds it
    assert not (public / "postmortems" / "2023-03-03-dashboard-login-failures").exists()
    assert "Internal draft" not in "".join(p.read_text(errors="replace") for p in public.rglob("*.html"))
    assert (tmp_path / "internal" / "postmortems" / "2023-03-03-dashboard-login-failures" / "index.html").exists()


def _only(tmp_path: Path, *objects: dict[str, Any], files: int = 1) -> Path:
    """A portal and an import of ``objects`` from ``files`` files (one object each when 2), the table reviewed."""
    root = new_portal(tmp_path / "status")
    paths = []
    for n in range(files):
        path = tmp_path / f"export-{n + 1}.json"
        path.write_text(json.dumps(list(objects) if files == 1 else [objects[n]]), encoding="utf-8")
        paths.append(str(path))
    (root / "components.yml").write_text("api000000001: api\ndash00000001: dashboard\n", encoding="utf-8")
    result = sitrep(root, "import", "statuspage", *paths, "--components", str(root / "components.yml"))
    assert result.exit_code == 0, result.output
    return root


def _fixture_object(source_id: str) -> dict[str, Any]:
    return next(o for page in sorted(FIXTURE.glob("*.json")) for o in json.loads(page.read_text())
                if o["id"] == source_id)


def test_the_impact_override_gives_the_severity(tmp_path: Path) -> None:
    obj = _fixture_object("ovr000000001")
    assert (obj["impact"], obj["impact_override"]) == ("critical", "minor")
    found = by_title(_only(tmp_path, obj))["Public API latency"]
    assert found.severity == "SEV3" and found.components == {"api": "major_outage"}  # the components as posted


def test_the_copy_updated_last_wins_whatever_the_offsets(tmp_path: Path) -> None:
    older = _fixture_object("ovr000000001")
    newer = json.loads(json.dumps(older))
    older["updated_at"] = "2022-02-08T18:00:00.000Z"
    newer["updated_at"] = "2022-02-08T16:30:00.000-04:00"  # 20:30 UTC, though it sorts first as text
    newer["name"] = "Public API latency (renamed later)"
    root = _only(tmp_path, newer, older, files=2)
    assert list(by_title(root)) == ["Public API latency (renamed later)"]


# --------------------------------------------------------------------------- components deleted on Statuspage

#: The page's components now: Legacy FTP and Redis were deleted (Redis's work went to Postgres, still there).
IN_SERVICE = ("api000000001", "dash00000001", "pg0000000001", "wh0000000001")
PAGE = "/v1/pages/acme0cloud01"


def live_page(httpserver: HTTPServer) -> str:
    """The Manage API of the fixture's page on loopback: its incidents and its components now."""
    incidents = [o for page in sorted(FIXTURE.glob("incidents-page-*.json")) for o in json.loads(page.read_text())]
    components = [{"id": cid, "page_id": "acme0cloud01", "name": cid, "status": "operational", "group": False}
                  for cid in IN_SERVICE]
    headers = {"Authorization": "OAuth test-key"}
    for resource, items in (("incidents", incidents), ("components", components)):
        httpserver.expect_request(f"{PAGE}/{resource}", query_string="page=1&per_page=100",
                                  headers=headers).respond_with_json(items)
    return httpserver.url_for(PAGE)


def import_live(root: Path, url: str, table: Path) -> None:
    """What `sitrep import statuspage --url URL --components TABLE` does (sitrep.cli's _run_import)."""
    config = load_config(root / "mkdocs.yml")
    objects, current = statuspage.read_source([], url, environ={"STATUSPAGE_API_KEY": "test-key"})
    found = statuspage.source_components(objects, current)
    mapping = component_mapping("statuspage", found, config, table)
    if mapping is not None:
        write_imports(root, config, "statuspage", statuspage.read_incidents(objects, mapping, config))


def test_components_deleted_on_statuspage_are_imported_retired(httpserver: HTTPServer, tmp_path: Path) -> None:
    """From the live page, the import knows Legacy FTP was deleted: it proposes it retired the day after
    its last incident, so its incidents import and validate and the status page never shows it."""
    url = live_page(httpserver)
    root = tmp_path / "status"
    result = CliRunner().invoke(main, ["init", str(root), "--component", 'api="Public API"', "--component",
                                       "dashboard=Dashboard", "--component", 'data-stores="Data stores"',
                                       "--component", "webhooks=Webhooks", "--name", "Acme", "--now", NOW])
    assert result.exit_code == 0, result.output
    table = root / "components.yml"
    import_live(root, url, table)  # the first run writes the table only
    text = table.read_text(encoding="utf-8")
    assert ("ftp000000001: legacy-ftp  # Legacy FTP  (not in mkdocs.yml yet)  (deleted on Statuspage: add it "
            "with 'retired: 2019-11-21')\n") in text  # its last incident ended 2019-11-20 09:40 UTC
    assert "api000000001: api  # API; Public API\n" in text  # in service: as before
    text = text.replace("pg0000000001: postgres", "pg0000000001: data-stores")
    table.write_text(text.replace("redis0000001: redis", "redis0000001: data-stores"), encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_live(root, url, table)
    entry = "        - id: legacy-ftp\n          name: Legacy FTP\n          retired: 2019-11-21\n"
    assert entry in str(refused.value) and "data-stores" not in str(refused.value)
    assert records(root) == {}
    config = root / "mkdocs.yml"
    webhooks = '          name: "Webhooks"\n'
    config.write_text(config.read_text(encoding="utf-8").replace(webhooks, webhooks + entry), encoding="utf-8")
    import_live(root, url, table)
    assert sitrep(root, "validate", "--no-cache", "--now", NOW).exit_code == 0
    ftp = by_title(root)["Legacy FTP uploads failing"]
    assert ftp.components == {"legacy-ftp": "partial_outage"} and ftp.is_resolved
    settings = load_config(config)
    today = date(2026, 12, 2)
    assert [c.id for c in settings.listed_components(today)] == ["api", "dashboard", "data-stores", "webhooks"]
    # Redis's incidents count on Data stores, which Postgres keeps in service.
    assert by_title(root)["Redis latency — EU"].components == {"data-stores": "degraded_performance"}
    # Each run read one page of each list (a page shorter than 100 is the last), with the key.
    assert [(r.path, r.query_string) for r, _ in httpserver.log] == 3 * [
        (f"{PAGE}/incidents", b"page=1&per_page=100"), (f"{PAGE}/components", b"page=1&per_page=100")]


def test_a_deleted_component_kept_in_service_is_refused_with_its_retired_line(httpserver: HTTPServer,
                                                                              tmp_path: Path) -> None:
    """Mapped onto a component of mkdocs.yml in service, a deleted one would show 'Operational' for ever."""
    url = live_page(httpserver)
    root = new_portal(tmp_path / "status")  # legacy-ftp in service
    table = review_table(root)
    with pytest.raises(ImportRefused) as refused:
        import_live(root, url, table)
    assert ("  legacy-ftp (Legacy FTP): add 'retired: 2019-11-21' (deleted on Statuspage: Legacy FTP)"
            in str(refused.value)), refused.value
    assert "the component that took their place" in str(refused.value) and records(root) == {}
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('name: "Legacy FTP"\n', 'name: "Legacy FTP"\n          retired: 2019-11-21\n'),
                      encoding="utf-8")
    import_live(root, url, table)
    assert "Legacy FTP uploads failing" in by_title(root)
    assert sitrep(root, "validate", "--no-cache", "--now", NOW).exit_code == 0


def test_from_files_alone_which_components_were_deleted_is_not_known(tmp_path: Path) -> None:
    objects = statuspage.read_files([FIXTURE])
    assert all(c.retired is None for c in statuspage.source_components(objects))
