"""`sitrep import statuspage` and `sitrep import cstate` on histories written from the documented schemas.

The Statuspage history (tests/support/importdata.py) has 300 records over two years in four
Manage API pages: maintenance, postmortems, escalations with several components per
update, a component renamed half-way, offsets other than UTC and two impossible
records. It is imported through the real CLI; the result must validate except the
flagged records, build in both editions and show in the reports; a re-import is a
no-op, and an edited record is never overwritten.
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner, Result

from sitrep.cli import main
from sitrep.derive.uptime import uptime_days
from sitrep.edit.importers.cstate import ADDED_RESOLUTION
from sitrep.edit.importers.statuspage import source_components
from tests.support.helpers_build import load, serve_handler, write_portal
from tests.support.importdata import (
    CSTATE_SITE,
    IMPOSSIBLE,
    PORTAL_COMPONENTS,
    public_api_files,
    statuspage_history,
    write_cstate,
    write_statuspage_export,
)

HISTORY = statuspage_history(300)


def sitrep(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, [*args, "-f", str(root / "mkdocs.yml")], env=env)
    assert "Traceback" not in result.output, result.output
    return result


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.md"))
            if p.relative_to(root).parts[0] in ("incidents", "postmortems")}


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("statuspage-export")
    write_statuspage_export(folder, HISTORY)
    return folder


def reviewed_table(root: Path, export: Path) -> Path:
    """First run: the proposed table is written; the reviewer maps the CDN to the portal's media component."""
    table = root / "components.yml"
    result = sitrep(root, "import", "statuspage", str(export), "--components", str(table))
    assert result.exit_code == 0, result.output
    assert files(root) == {}  # nothing but the table
    text = table.read_text(encoding="utf-8")
    assert "k2s9api00001: publishing-api  # API; Publishing API" in text  # the rename, matched by the latest name
    assert "k2s9cdn00001: cdn  # CDN  (not in mkdocs.yml yet)" in text
    table.write_text(text.replace("k2s9cdn00001: cdn ", "k2s9cdn00001: media "), encoding="utf-8")
    return table


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, export: Path) -> tuple[Path, Result]:
    root = write_portal(tmp_path_factory.mktemp("portal"), components=PORTAL_COMPONENTS)
    table = reviewed_table(root, export)
    result = sitrep(root, "import", "statuspage", str(export), "--components", str(table))
    assert result.exit_code == 0, result.output
    return root, result


def test_unmapped_components_are_refused_with_a_table_to_review(tmp_path: Path, export: Path) -> None:
    root = write_portal(tmp_path, components=PORTAL_COMPONENTS)
    result = sitrep(root, "import", "statuspage", str(export))
    assert result.exit_code == 2 and "--components components.yml" in result.output
    assert files(root) == {}


def test_dry_run_prints_what_would_be_written_and_writes_nothing(tmp_path: Path, export: Path) -> None:
    root = write_portal(tmp_path, components=PORTAL_COMPONENTS)
    table = reviewed_table(root, export)
    result = sitrep(root, "import", "statuspage", str(export), "--components", str(table), "--dry-run")
    assert result.exit_code == 0, result.output
    assert files(root) == {} and not (root / ".sitrep-import").exists()
    assert "new: incidents/2023/2023-01-02-incident-0-errors-on-" in result.output
    assert "would write 312 new and 0 updated records" in result.output


def test_every_record_is_written_and_only_the_flagged_ones_fail_validation(imported: tuple[Path, Result]) -> None:
    root, result = imported
    written = files(root)
    # 300 records + the 2 impossible ones, and 10 postmortems.
    assert len([p for p in written if p.startswith("incidents/")]) == 302
    assert len([p for p in written if p.startswith("postmortems/")]) == 10
    assert "wrote 312 new and 0 updated records" in result.output
    flagged = {line.split(":")[0].strip() for line in result.output.splitlines() if line.startswith("  incidents/")}
    assert len(flagged) == 2
    for path in flagged:
        text = written[path].decode()
        assert text.startswith("---\n# IMPORT PROBLEM: this record cannot be valid as Statuspage has it")
        assert any(source_id in text for source_id in IMPOSSIBLE)
    check = sitrep(root, "validate", "--no-cache", "--format", "text")
    error_files = {line.split(":")[0] for line in check.stdout.splitlines() if ": error: " in line}
    assert error_files == flagged
    assert "0 warnings" in check.stderr


def test_the_imported_records_keep_the_history(imported: tuple[Path, Result]) -> None:
    root, _ = imported
    portal, _ = load(root)
    by_title = {i.title: i for i in portal.incidents}
    escalated = by_title["Incident 3: errors on CDN"]  # every seventh escalates; the CDN is 'media'
    assert escalated.severity == "SEV2" and escalated.components == {"media": "partial_outage"}
    changes = [u.components for u in escalated.updates if u.components]
    assert changes == [{"media": "major_outage", "publishing-api": "degraded_performance"},
                       {"media": "partial_outage", "publishing-api": "operational"}]
    # Offsets (-04:00 for this one) become the same instants in UTC; texts are kept as written.
    one = by_title["Incident 1: errors on API"]
    source = next(o for o in HISTORY if o["id"] == "sp-inc-0001")
    assert source["started_at"].endswith("-04:00") and one.started == datetime.fromisoformat(source["started_at"])
    assert f"started: {one.started.astimezone(UTC):%Y-%m-%dT%H:%M:%S}Z" in (root / one.path).read_text()
    assert {u.message for u in one.updates} == {u["body"] for u in source["incident_updates"]}
    # The renamed component is one component under both names.
    assert {i.title.split(": errors on ")[1] for i in portal.incidents
            if "publishing-api" in i.components and ": errors on " in i.title} >= {"API", "Publishing API"}
    maintenance = [i for i in portal.incidents if i.is_maintenance]
    assert len(maintenance) == 30 and all(set(m.components.values()) == {"under_maintenance"} for m in maintenance)
    assert all(m.status == "completed" and m.scheduled_start for m in maintenance)
    statuses = sorted(p.status for p in portal.postmortems)
    # Statuspage published them all: published and public, free-text ones under Summary.
    assert statuses == ["published"] * 10 and all(p.visibility == "public" for p in portal.postmortems)
    assert all(p.incidents[0] in {i.id for i in portal.incidents} for p in portal.postmortems)


def test_reimport_is_a_no_op_and_never_overwrites_an_edit(imported: tuple[Path, Result], export: Path,
                                                          tmp_path: Path) -> None:
    root, _ = imported
    work = tmp_path / "portal"
    shutil.copytree(root, work)
    before = files(work)
    table = str(work / "components.yml")
    again = sitrep(work, "import", "statuspage", str(export), "--components", table)
    assert again.exit_code == 0 and "wrote 0 new and 0 updated records; 312 unchanged" in again.output
    assert files(work) == before

    # Someone edits a record; Statuspage gets a new incident and a new update on an imported one.
    edited = "incidents/2023/2023-01-05-incident-1-errors-on-api.md"
    (work / edited).write_bytes(before[edited].replace(b"This incident has been resolved.", b"Resolved: DNS."))
    later = json.loads(json.dumps(HISTORY))
    newest = dict(later[-3], id="sp-inc-new", name="A new incident after the first import")
    later.append(newest)
    changed = next(o for o in later if o["id"] == "sp-inc-0001")
    changed["name"] = "Incident 1 renamed at the source"
    refreshed = tmp_path / "export2"
    write_statuspage_export(refreshed, later)
    third = sitrep(work, "import", "statuspage", str(refreshed), "--components", table)
    assert third.exit_code == 0, third.output
    assert f"kept: {edited} (edited since the last import; not overwritten)" in third.output
    assert "wrote 1 new and 0 updated records" in third.output
    after = files(work)
    assert after[edited] != before[edited] and b"Resolved: DNS." in after[edited]
    assert len(after) == len(before) + 1
    assert {k: v for k, v in after.items() if k in before and k != edited} == \
        {k: v for k, v in before.items() if k != edited}


class _ManageAPI(http.server.BaseHTTPRequestHandler):
    pages: ClassVar[list[list[dict]]] = []
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("Authorization")))
        if self.headers.get("Authorization") != "OAuth test-key":
            self.send_error(401, "Unauthorized")
            return
        query = dict(p.split("=") for p in self.path.split("?", 1)[1].split("&"))
        n = int(query["page"])
        if self.path.split("?")[0].endswith("/components"):  # the page's components now: all still there
            items = [{"id": c.key, "name": c.names[-1]} for c in source_components(HISTORY) if not c.stand_in]
            body = json.dumps(items if n == 1 else []).encode()
        else:
            body = json.dumps(self.pages[n - 1] if n <= len(self.pages) else []).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def manage_api(export: Path) -> Iterator[str]:
    _ManageAPI.pages = [json.loads(p.read_text()) for p in sorted(export.glob("page-*.json"))]
    _ManageAPI.seen = []
    with serve_handler(_ManageAPI) as url:
        yield f"{url}v1/pages/pg0000000001"


def test_the_manage_api_is_read_page_by_page_with_the_key_from_the_environment(
        manage_api: str, imported: tuple[Path, Result], tmp_path: Path) -> None:
    root, _ = imported
    other = write_portal(tmp_path / "api-portal", components=PORTAL_COMPONENTS)
    shutil.copy(root / "components.yml", other / "components.yml")
    missing_key = sitrep(other, "import", "statuspage", "--url", manage_api, env={"STATUSPAGE_API_KEY": ""})
    assert missing_key.exit_code == 2 and "STATUSPAGE_API_KEY" in missing_key.output
    result = sitrep(other, "import", "statuspage", "--url", manage_api, "--components",
                    str(other / "components.yml"), env={"STATUSPAGE_API_KEY": "test-key"})
    assert result.exit_code == 0, result.output
    assert [p.rsplit("/", 1)[1] for p, _ in _ManageAPI.seen] == [
        *(f"incidents?page={n}&per_page=100" for n in (1, 2, 3, 4)), "components?page=1&per_page=100"]
    assert "test-key" not in result.output
    assert files(other) == files(root)  # the same records as from the exported files


def test_public_api_files_overlap_the_export_without_duplicates(tmp_path: Path, export: Path,
                                                                imported: tuple[Path, Result]) -> None:
    root, _ = imported
    other = write_portal(tmp_path / "portal", components=PORTAL_COMPONENTS)
    shutil.copy(root / "components.yml", other / "components.yml")
    public = public_api_files(tmp_path / "public", HISTORY)
    result = sitrep(other, "import", "statuspage", str(export), *map(str, public),
                    "--components", str(other / "components.yml"))
    assert result.exit_code == 0, result.output
    assert files(other) == files(root)


@pytest.mark.slow
def test_the_imported_history_builds_in_both_editions_and_shows_in_the_reports(
        imported: tuple[Path, Result], export: Path, tmp_path: Path) -> None:
    from tests.support.sitebuild import mkdocs_build

    root, result = imported
    work = tmp_path / "portal"
    shutil.copytree(root, work)
    # A human deals with the flagged records (here: deletes them); a re-import does not bring them back.
    for line in result.output.splitlines():
        if line.startswith("  incidents/"):
            (work / line.split(":")[0].strip()).unlink()
    again = sitrep(work, "import", "statuspage", str(export), "--components", str(work / "components.yml"))
    assert again.output.count("(deleted since the last import; not overwritten)") == 2
    assert sitrep(work, "validate", "--no-cache").exit_code == 0
    epoch = 1750000000  # 2025-06-15, after the history
    # The edition from the environment, as in every portal's mkdocs.yml (the reports are internal).
    config = work / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - sitrep:\n",
                                                 "  - sitrep:\n      audience: !ENV [SITREP_AUDIENCE, public]\n", 1))
    for audience in ("public", "internal"):
        build = mkdocs_build(work, tmp_path / f"site-{audience}", audience, epoch=epoch)
        assert build.returncode == 0, build.stderr[-3000:]
    site = tmp_path / "site-public"
    # Reports are internal unless public_pages lists them.
    metrics = json.loads((tmp_path / "site-internal" / "reports" / "metrics.json").read_text())
    assert len(metrics["incident_ids"]) >= 250  # the imported incidents are in the reliability report
    page = (site / "incidents" / "2023-01-11-incident-3-errors-on-cdn" / "index.html").read_text()
    assert "Media CDN now major outage" in page


def import_cstate(tmp_path: Path, **options: str) -> tuple[Path, Path, Path, Result]:
    """A portal, the cState fixture, its reviewed component table, and the import's result."""
    root = write_portal(tmp_path / "portal", components=PORTAL_COMPONENTS, options=options)
    issues = write_cstate(tmp_path / "content" / "issues")
    table = root / "cstate.yml"
    assert sitrep(root, "import", "cstate", str(issues), "--components", str(table)).exit_code == 0
    table.write_text(table.read_text().replace("API: api ", "API: publishing-api ").replace("CDN: cdn ", "CDN: media "))
    result = sitrep(root, "import", "cstate", str(issues), "--components", str(table), "--timezone", "Europe/Berlin")
    assert result.exit_code == 0, result.output
    return root, issues, table, result


def test_cstate_issues_are_imported(tmp_path: Path) -> None:
    root, issues, table, result = import_cstate(tmp_path)
    assert "wrote 3 new and 0 updated records" in result.output  # the 'about' page is not an issue
    portal, diags = load(root)
    outage = next(i for i in portal.incidents if i.title == "Database outage")
    assert outage.severity == "SEV1" and outage.components == {"database": "major_outage",
                                                                "publishing-api": "major_outage"}
    assert [(u.at.isoformat(), u.status) for u in outage.updates] == [
        ("2021-08-25T15:15:00+00:00", "investigating"),  # 17:15 in Berlin (summer time)
        ("2021-08-25T15:40:00+00:00", "monitoring"), ("2021-08-25T16:00:00+00:00", "resolved")]
    assert outage.body.strip() == "The primary database stopped answering queries."
    uploads = next(i for i in portal.incidents if i.title == "Slow uploads")
    assert uploads.started.isoformat() == "2022-02-01T09:00:00+00:00"  # its own offset wins
    assert [u.status for u in uploads.updates] == ["investigating", "resolved"]
    # Resolved without resolvedWhen: written, flagged, and the only error.
    assert [d.path for d in diags.errors] == ["incidents/2022/2022-03-10-editor-glitch.md"]
    assert "resolved but gives no resolvedWhen" in result.output
    again = sitrep(root, "import", "cstate", str(issues), "--components", str(table), "--timezone", "Europe/Berlin")
    assert "wrote 0 new and 0 updated records; 3 unchanged" in again.output


def test_history_from_before_the_portal_s_first_day_says_how_to_show_it(tmp_path: Path) -> None:
    """`sitrep init` sets since: to its day; the import says to move it, or the bars show no imported day."""
    root, _, _, result = import_cstate(tmp_path, since="2026-11-20")
    assert ('The uptime bars count from the portal\'s first day, since: 2026-11-20 in mkdocs.yml, and show the '
            'days before it as "no data": to show this history in them, set since: 2021-08-25 (the first '
            'imported day).') in " ".join(result.output.split())
    assert 'since: "2026-11-20"' in (root / "mkdocs.yml").read_text(encoding="utf-8")  # theirs to change


# --------------------------------------------------------------------------- a real cState site


@pytest.fixture(scope="module")
def cstate_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Result]:
    """CSTATE_SITE imported through the CLI (the table reviewed: API and CDN mapped by hand)."""
    tmp = tmp_path_factory.mktemp("cstate-site")
    root = write_portal(tmp / "portal", components=PORTAL_COMPONENTS)
    issues = write_cstate(tmp / "content" / "issues", CSTATE_SITE)
    table = root / "cstate.yml"
    assert sitrep(root, "import", "cstate", str(issues), "--components", str(table)).exit_code == 0
    table.write_text(table.read_text().replace("API: api ", "API: publishing-api ").replace("CDN: cdn ", "CDN: media "))
    result = sitrep(root, "import", "cstate", str(issues), "--components", str(table), "--timezone", "Europe/Berlin")
    assert result.exit_code == 0, result.output
    return root, issues, result


def _imported(root: Path, title: str) -> Any:
    portal, _ = load(root)
    return next(i for i in portal.incidents if i.title == title)


def _updates(incident: Any) -> list[tuple[str, str, str]]:
    return [(u.at.isoformat(), u.status, u.message) for u in incident.updates]


def test_cstate_status_labels_are_mapped_and_never_lost(cstate_site: tuple[Path, Path, Result]) -> None:
    root, _, _ = cstate_site
    assert _updates(_imported(root, "Database migration")) == [
        ("2024-03-02T21:00:00+00:00", "investigating", "Just began - We started moving the database to new "
         "hardware, as announced on our status blog (https://blog.example.com/db-migration)."),
        # Not a status word: the status stays, the label stays in the text.
        ("2024-03-02T21:40:00+00:00", "investigating",
         "Still running - Copying takes longer than planned; writes stay paused until it is done."),
        ("2024-03-02T22:10:00+00:00", "resolved",
         "Completed - The migration is done and every replica has caught up.")]
    login = _imported(root, "Login errors")
    assert [(u.status, u.message.split(" - ")[0]) for u in login.updates] == [
        ("investigating", "We are looking into failed sign-ins."), ("investigating", "Workaround"),
        ("resolved", "Fixed")]


def test_cstate_resolution_without_text_says_it_comes_from_the_import(
        cstate_site: tuple[Path, Path, Result]) -> None:
    root, _, _ = cstate_site
    purge = _imported(root, "Stale images after a CDN purge")
    assert _updates(purge)[-1] == (
        "2024-07-09T13:00:00+00:00", "resolved",
        "Marked resolved in cState, with no message (this update was added by sitrep import).")
    # Untracked updates: the oldest at the issue's date, the newest (resolved) at resolvedWhen.
    sending = _imported(root, "Sending messages impacted")
    assert _updates(sending) == [
        ("2024-08-20T14:24:00+00:00", "investigating",
         "We know that sending messages fails for some users and are working on it."),
        ("2024-08-21T08:58:00+00:00", "resolved", "This incident has been resolved.")]
    assert "This incident has been resolved." not in (sending.body or "")


def test_cstate_informational_posts_are_skipped_and_listed(cstate_site: tuple[Path, Path, Result]) -> None:
    root, _, result = cstate_site
    portal, _ = load(root)
    assert "Our new status page" not in {i.title for i in portal.incidents}
    text = " ".join(result.output.split())
    assert ("skipped: 2024-06-01-new-status-page (Our new status page): a cState informational post (an "
            "announcement, with no status or affected systems), which is not an incident") in text
    assert "wrote 5 new and 0 updated records; 0 unchanged, 0 kept as edited; 1 skipped" in text


def test_cstate_automated_alerts_and_shortcodes(cstate_site: tuple[Path, Path, Result]) -> None:
    root, _, _ = cstate_site
    alert = _imported(root, "API DNS resolution error!")
    assert alert.started.isoformat() == "2024-12-27T09:43:40+00:00"  # its own Z wins over --timezone
    assert [(u.at.isoformat(timespec="seconds"), u.status, u.message) for u in alert.updates] == [
        ("2024-12-27T09:43:40+00:00", "investigating", 'Automated system alert - Our dns-resolution monitor '
         'reports a disruption: users of the "API" may see errors. This may be temporary.'),
        ("2024-12-27T09:44:00+00:00", "investigating", "This issue has lasted for several consecutive checks "
         "and was escalated to a severe status. Someone has been alerted and will act as soon as they can.")]
    assert not (alert.body or "").strip()
    login = _imported(root, "Login errors")
    assert login.body.strip() == "Failed logins per minute\n\nSome customers could not sign in."
    assert login.updates[1].message == ("Workaround - Signing in from a private window works for most "
                                        "accounts: https://help.example.com/private-window.")
    for path in (root / "incidents").rglob("*.md"):
        assert "{{" not in path.read_text(encoding="utf-8"), path


def test_cstate_site_validates_builds_keeps_every_word_and_reimports_as_a_no_op(
        cstate_site: tuple[Path, Path, Result], tmp_path: Path) -> None:
    from tests.support.sitebuild import mkdocs_build

    root, issues, _ = cstate_site
    check = sitrep(root, "validate")
    assert check.exit_code == 0, check.output
    build = mkdocs_build(root, tmp_path / "site")
    assert build.returncode == 0, build.stderr[-3000:]
    pages = {p.relative_to(tmp_path / "site").as_posix(): p.read_text(encoding="utf-8")
             for p in (tmp_path / "site" / "incidents").rglob("index.html")}
    migration = next(text for path, text in pages.items() if "database-migration" in path)
    # Kept word for word; the address is a link, as every web address in an update.
    url = "https://blog.example.com/db-migration"
    assert f'our status blog (<a href="{url}">{url}</a>)' in migration
    assert not [path for path, text in pages.items() if "{{&lt;" in text or "{{<" in text or "](http" in text]

    # Every word of every imported issue is in its record (status words may be in the status field;
    # the label "Update" says only that the status did not change).
    ledger = json.loads((root / ".sitrep-import" / "cstate.json").read_text(encoding="utf-8"))
    for name, source in CSTATE_SITE.items():
        entry = ledger.get(name.removesuffix(".md"))
        if "informational: true" in source:
            assert entry is None
            continue
        body = re.sub(r"\{\{[<%].*?[>%]\}\}", " ", source.split("---", 2)[2], flags=re.DOTALL)
        words = {w.casefold() for w in re.findall(r"[\w'.-]*\w", body)} - {"update"}
        written = (root / entry["path"]).read_text(encoding="utf-8").casefold()
        assert [w for w in sorted(words) if w not in written] == [], name

    again = sitrep(root, "import", "cstate", str(issues), "--components", str(root / "cstate.yml"),
                   "--timezone", "Europe/Berlin")
    assert again.exit_code == 0, again.output
    assert "wrote 0 new and 0 updated records; 5 unchanged, 0 kept as edited; 1 skipped" in again.output


#: cState's resolvedWhen is "when downtime stopped", which may come before the issue is resolved
#: ("leaving time for monitoring", cState's README): mitigated, then monitoring, then the resolution.
CSTATE_MONITORED = {
    "2024-09-10-payment-delays.md": """\
---
title: Payment delays
date: 2024-09-10 10:00:00
resolved: true
resolvedWhen: 2024-09-10 10:40:00
severity: disrupted
affected: [API]
section: issue
---
*Resolved* - Payments have gone through normally for two hours. {{< track "2024-09-10 12:45:00" >}}

*Monitoring* - A fix is deployed and payments go through again; we keep watching. {{< track "2024-09-10 10:45:00" >}}

*Investigating* - Payments are delayed. {{< track "2024-09-10 10:00:00" >}}
""",
    "2024-09-20-slow-search.md": """\
---
title: Slow search
date: 2024-09-20 09:00:00
resolved: false
resolvedWhen: 2024-09-20 09:30:00
severity: notice
affected: [API]
section: issue
---
*Monitoring* - Search is fast again; we are watching it. {{< track "2024-09-20 09:35:00" >}}

*Investigating* - Search is slow. {{< track "2024-09-20 09:00:00" >}}
""",
    "2024-09-15-late-webhooks.md": """\
---
title: Late webhooks
date: 2024-09-15 14:00:00
resolved: true
resolvedWhen: 2024-09-15 14:20:00
severity: notice
affected: [API]
section: issue
---
*Monitoring* - Webhooks arrive on time again. {{< track "2024-09-15 14:30:00" >}}

*Investigating* - Webhooks arrive late. {{< track "2024-09-15 14:00:00" >}}
""",
}


def test_cstate_downtime_ended_before_the_resolution_is_mitigated_then_resolved(tmp_path: Path) -> None:
    root = write_portal(tmp_path / "portal", components=PORTAL_COMPONENTS)
    issues = write_cstate(tmp_path / "content" / "issues", CSTATE_MONITORED)
    table = root / "cstate.yml"
    assert sitrep(root, "import", "cstate", str(issues), "--components", str(table)).exit_code == 0
    table.write_text(table.read_text().replace("API: api ", "API: publishing-api "))
    result = sitrep(root, "import", "cstate", str(issues), "--components", str(table), "--timezone", "Europe/Berlin")
    assert result.exit_code == 0, result.output
    assert "cannot be valid" not in result.output and "IMPORT PROBLEM" not in result.output
    assert "wrote 3 new" in result.output
    check = sitrep(root, "validate", "--now", "2024-09-20T08:00:00Z")
    assert check.exit_code == 0 and "0 errors, 0 warnings" in check.output, check.output
    delays = _imported(root, "Payment delays")
    # Impact ended at resolvedWhen (10:40 in Berlin); the issue was resolved at its last update.
    assert delays.mitigated.isoformat() == "2024-09-10T08:40:00+00:00"
    assert _updates(delays) == [
        ("2024-09-10T08:00:00+00:00", "investigating", "Payments are delayed."),
        ("2024-09-10T08:45:00+00:00", "monitoring",
         "A fix is deployed and payments go through again; we keep watching."),
        ("2024-09-10T10:45:00+00:00", "resolved", "Payments have gone through normally for two hours.")]
    assert delays.resolved_at.isoformat() == "2024-09-10T10:45:00+00:00"
    text = (root / "incidents" / "2024" / "2024-09-10-payment-delays.md").read_text(encoding="utf-8")
    assert "mitigated: 2024-09-10T08:40:00Z\n" in text and "\nresolved:" not in text
    # Uptime counts the downtime cState counted: 40 min of partial outage (x 0.3), not 2 h 45 min.
    portal, _ = load(root)
    days, _ = uptime_days(portal, "publishing-api", datetime(2024, 9, 11, tzinfo=UTC), 2)
    day = next(d for d in days if d.day.isoformat() == "2024-09-10")
    assert day.downtime.total_seconds() == 40 * 60 * 0.3
    # Not resolved yet, downtime over: mitigated and open, the component operational again.
    search = _imported(root, "Slow search")
    assert search.mitigated.isoformat() == "2024-09-20T07:30:00+00:00" and not search.is_resolved
    assert [u.status for u in search.updates] == ["investigating", "monitoring"]
    # Resolved in cState after its monitoring update, with no word: the import's resolution, at the
    # latest time the source gives (no later time is known).
    webhooks = _imported(root, "Late webhooks")
    assert webhooks.mitigated.isoformat() == "2024-09-15T12:20:00+00:00"
    assert _updates(webhooks)[1:] == [
        ("2024-09-15T12:30:00+00:00", "monitoring", "Webhooks arrive on time again."),
        ("2024-09-15T12:30:00+00:00", "resolved", ADDED_RESOLUTION)]


def test_cstate_markdown_in_messages_reads_as_plain_text() -> None:
    """What an update message shows (Sitrep prints messages as plain text): the words and the addresses."""
    from sitrep.edit.importers.cstate import plain_text, strip_shortcodes

    assert plain_text("See [the runbook](https://wiki.example.com/_ops_/db) and **do not** retry; "
                      "snake_case_ids stay, 2 * 3 stays, <https://help.example.com>") == (
        "See the runbook (https://wiki.example.com/_ops_/db) and do not retry; snake_case_ids stay, "
        "2 * 3 stays, https://help.example.com")
    assert strip_shortcodes('{{% details title="Timeline" %}}\n14:00 first alert\n{{% /details %}}') == (
        "Timeline: \n14:00 first alert\n")
