"""`sitrep import upptime` on an Upptime repository's files, written from what Upptime's monitor writes.

tests/fixtures/upptime/ holds an ``.upptimerc.yml`` and ``issues.json`` as ``gh issue list --json
number,title,body,labels,createdAt,closedAt,state,comments,url`` writes it, with issues shaped as
upptime/uptime-monitor's src/update.ts opens, comments on and closes them: down and degraded
sites, the 2020 ``🟨`` title, people's updates with and without a status label, the monitor's
``**Resolved:**`` comment (with and without "after …"), a person's "close with comment", a
closing with no comment, a hidden spam comment, a comment after the closing, a title a person
edited, an open issue, an issue not from the monitor and one closed before it was opened.
``maintenance.json`` holds scheduled-maintenance issues as upptime.js.org's "Scheduled
maintenance" page describes them (label ``maintenance``, an HTML comment with ``start``, ``end``,
``expectedDown``/``expectedDegraded``): one done, one ahead, one without the comment.
Everything runs through the real CLI; the result builds with MkDocs.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner, Result

from sitrep.cli import main
from sitrep.edit.importers.upptime import site_slug
from tests.support.bars import day_tooltips
from tests.support.helpers_build import load, serve_handler, write_portal

FIXTURE = Path(__file__).parent / "fixtures" / "upptime"
UPPTIMERC = FIXTURE / ".upptimerc.yml"
ISSUES = FIXTURE / "issues.json"
#: The maintenance issues, exported with --label maintenance.
MAINTENANCE = FIXTURE / "maintenance.json"
#: The portal's components: "Public API" and "GitHub Mirror" are named otherwise there.
PORTAL_COMPONENTS = (("website", "Website"), ("api", "API"), ("docs", "Docs"), ("git-mirror", "Git mirror"),
                     ("payments", "Payments Gateway"))
FLAGGED = "incidents/2024/2024-05-25-docs-is-down.md"
#: 2024-06-15T12:00:00Z: the day after the export, with the payments gateway still down.
AFTER_EXPORT = 1718452800


def sitrep(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, [*args, "-f", str(root / "mkdocs.yml")], env=env)
    assert "Traceback" not in result.output, result.output
    return result


def records(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted((root / "incidents").rglob("*.md"))} if (root / "incidents").exists() else {}


def reviewed_table(root: Path, *sources: str) -> Path:
    """First run: only the proposed table is written; the reviewer maps the two renamed sites."""
    table = root / "components.yml"
    first = sitrep(root, "import", "upptime", str(UPPTIMERC), *sources, "--components", str(table))
    assert first.exit_code == 0, first.output
    assert records(root) == {}
    text = table.read_text(encoding="utf-8")
    assert "documentation: docs  # Docs\n" in text  # keyed by the explicit slug, matched by name
    assert "git-hub-mirror: github-mirror  # GitHub Mirror  (not in mkdocs.yml yet)" in text
    assert "public-api: public-api  # Public API  (not in mkdocs.yml yet)" in text
    table.write_text(text.replace("public-api: public-api ", "public-api: api ")
                     .replace("git-hub-mirror: github-mirror ", "git-hub-mirror: git-mirror "), encoding="utf-8")
    return table


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    root = write_portal(tmp_path_factory.mktemp("portal"), components=PORTAL_COMPONENTS)
    table = reviewed_table(root, str(ISSUES), str(MAINTENANCE))
    result = sitrep(root, "import", "upptime", str(UPPTIMERC), str(ISSUES), str(MAINTENANCE),
                    "--components", str(table))
    assert result.exit_code == 0, result.output
    return root, result


def incident(root: Path, title: str) -> Any:
    portal, _ = load(root)
    return next(i for i in portal.incidents if i.title == title)


def updates(inc: Any) -> list[tuple[str, str, str]]:
    return [(u.at.isoformat(), u.status, u.message) for u in inc.updates]


def test_site_slugs_are_upptime_s() -> None:
    """getSiteSlug (src/helpers/slug.ts and its spec) with @sindresorhus/slugify's documented examples."""
    assert site_slug("Wikipedia", "https://wikipedia.org") == "wikipedia"
    assert site_slug("鸭鸭梨", "https://example.com") == "鸭鸭梨"
    assert site_slug("鸭鸭梨", "https://example.com", "duck-pear") == "duck-pear"
    assert site_slug("///", "https://example.com/path") == "https-example-com-path"
    assert site_slug("GitHub Mirror", "") == "git-hub-mirror"
    assert site_slug("fooBar 123 $#%", "") == "foo-bar-123"
    assert site_slug("  Déjà Vu!  ", "") == "deja-vu"
    assert site_slug("I ♥ Dogs", "") == "i-love-dogs"
    assert site_slug("Müller & Söhne API", "") == "mueller-and-soehne-api"


def test_import_help_lists_upptime() -> None:
    out = CliRunner().invoke(main, ["import", "--help"]).output
    assert re.search(r"^\s+upptime\s+Import Upptime's incidents", out, re.MULTILINE), out
    sub = CliRunner().invoke(main, ["import", "upptime", "--help"]).output
    assert "--label status" in sub and "--dry-run" in sub and "--url" in sub


def test_sites_matching_no_component_are_refused_without_a_table(tmp_path: Path) -> None:
    root = write_portal(tmp_path, components=PORTAL_COMPONENTS)
    result = sitrep(root, "import", "upptime", str(UPPTIMERC), str(ISSUES))
    assert result.exit_code == 2 and "--components components.yml" in result.output
    assert records(root) == {}


def test_dry_run_prints_what_would_be_written_and_writes_nothing(tmp_path: Path) -> None:
    root = write_portal(tmp_path, components=PORTAL_COMPONENTS)
    table = reviewed_table(root, str(ISSUES), str(MAINTENANCE))
    result = sitrep(root, "import", "upptime", str(UPPTIMERC), str(ISSUES), str(MAINTENANCE), "--components",
                    str(table), "--dry-run")
    assert result.exit_code == 0, result.output
    assert records(root) == {} and not (root / ".sitrep-import").exists()
    assert "new: incidents/2024/2024-05-06-website-is-down.md  (Website is down)" in result.output
    assert "would write 10 new and 0 updated records" in result.output


def test_each_monitor_issue_is_an_incident_and_the_rest_are_listed(imported: tuple[Path, Result]) -> None:
    root, result = imported
    assert set(records(root)) == {
        "incidents/2024/2024-04-27-database-upgrade.md", "incidents/2024/2024-06-20-docs-hosting-migration.md",
        "incidents/2020/2020-11-22-docs-has-degraded-performance.md",
        "incidents/2024/2024-05-06-website-is-down.md",
        "incidents/2024/2024-05-20-public-api-has-degraded-performance.md",
        FLAGGED,
        "incidents/2024/2024-06-02-github-mirror-is-down.md",
        "incidents/2024/2024-06-09-website-outage-cdn-certificate-expired.md",
        "incidents/2024/2024-06-11-public-api-is-down.md",
        "incidents/2024/2024-06-14-payments-gateway-is-down.md"}
    out = " ".join(result.output.split())
    assert ("skipped: https://github.com/acme-corp/status/issues/51 (Please also monitor the blog): no site label "
            "and not a title the monitor writes: not opened by Upptime's monitor") in out
    assert ("skipped: https://github.com/acme-corp/status/issues/39 (Maintenance next week?): a maintenance issue "
            "without the <!-- start: … end: … --> comment Upptime reads: not a scheduled maintenance") in out
    assert "wrote 10 new and 0 updated records; 0 unchanged, 0 kept as edited; 2 skipped" in out
    # Closed before it was opened: written as the source has it, flagged, the only invalid record.
    assert f"{FLAGGED}: it was closed (2024-05-25T11:00:00Z) before it was opened (2024-05-25T12:00:00Z)" in out
    assert records(root)[FLAGGED].startswith(
        "---\n# IMPORT PROBLEM: this record cannot be valid as Upptime has it (Upptime id "
        "https://github.com/acme-corp/status/issues/45):")
    check = sitrep(root, "validate", "--no-cache", "--format", "text")
    assert {line.split(":")[0] for line in check.stdout.splitlines() if ": error: " in line} == {FLAGGED}
    assert "0 warnings" in check.stderr


def test_down_issue_with_people_s_updates_and_the_monitor_s_resolution(imported: tuple[Path, Result]) -> None:
    root, _ = imported
    down = incident(root, "Website is down")
    assert down.severity == "SEV1" and down.components == {"website": "major_outage"}
    assert down.started.isoformat() == "2024-05-06T14:05:12+00:00"
    assert down.resolved.isoformat() == "2024-05-06T15:22:31+00:00"  # closedAt
    assert updates(down) == [
        ("2024-05-06T14:05:12+00:00", "investigating",
         "In 0000029 (https://github.com/acme-corp/status/commit/00000299f3c2a1b4d5e6f708192a3b4c5d6e7f80), "
         "Website (https://www.acme.example) was down: HTTP code: 502; Response time: 1894 ms"),
        ("2024-05-06T14:31:00+00:00", "identified",
         "A bad deploy of the web frontend (https://github.com/acme-corp/web/pull/812) broke the "
         "homepage; we are rolling it back."),
        ("2024-05-06T15:02:45+00:00", "monitoring",
         "The rollback is out; error rates are back to normal. Next steps: watch the CDN cache "
         "refill; re-run the smoke tests"),
        ("2024-05-06T15:22:31+00:00", "resolved",
         "Website is back up in 000021d (https://github.com/acme-corp/status/commit/"
         "000021d9f3c2a1b4d5e6f708192a3b4c5d6e7f80) after 1 hour, 17 minutes.")]


def test_degraded_issues_old_and_new(imported: tuple[Path, Result]) -> None:
    root, _ = imported
    slow = incident(root, "Public API has degraded performance")  # ⚠️ title; "Public API" is 'api' here
    assert slow.severity == "SEV3" and slow.components == {"api": "degraded_performance"}
    assert [u.status for u in slow.updates] == ["investigating", "investigating", "investigating", "resolved"]
    assert slow.updates[1].message == ("Slow queries on the reporting replica; we moved the traffic to the "
                                       "primary.")
    # A label that names no status keeps the status before it and stays in the text.
    assert slow.updates[2].message == ("Update: The replica is being rebuilt; traffic stays on the primary "
                                       "until it is done.")
    early = incident(root, "Docs has degraded performance")  # 🟨 (2020), labelled with the explicit slug
    assert early.components == {"docs": "degraded_performance"} and early.severity == "SEV3"
    assert early.updates[-1].message.startswith("Docs performance has improved in 00001f7 (https://")


def test_closings_by_people_and_comments_after_them(imported: tuple[Path, Result]) -> None:
    root, _ = imported
    mirror = incident(root, "GitHub Mirror is down")
    assert mirror.components == {"git-mirror": "major_outage"}  # the decamelized slug, mapped in the table
    # "Close with comment": the comment is the resolution; the hidden spam comment is not imported.
    assert updates(mirror)[1:] == [(
        "2024-06-03T07:45:09+00:00", "resolved",
        "The mirror was taken down on purpose for a disk replacement; see the runbook "
        "(https://wiki.acme.example/mirror). Closing, it is back.")]
    assert "spam" not in records(root)["incidents/2024/2024-06-02-github-mirror-is-down.md"]
    assert mirror.body.strip() == ("Comment made after the issue was closed (2024-06-04T10:00:00Z):\n\n"
                                   "Follow-up: the new disks are **twice** the size, so this should not recur.")
    silent = incident(root, "Public API is down")
    assert updates(silent)[-1] == ("2024-06-11T18:05:00+00:00", "resolved", "Closed on GitHub with no resolution "
                                   "comment (this update was added by sitrep import).")
    edited = incident(root, "Website outage: CDN certificate expired")  # a person's title; the body says down
    assert edited.components == {"website": "major_outage"} and edited.severity == "SEV1"


def test_an_open_issue_is_an_open_incident(imported: tuple[Path, Result]) -> None:
    root, _ = imported
    gateway = incident(root, "Payments Gateway is down")
    assert gateway.resolved is None and gateway.status == "investigating"
    assert gateway.updates[-1].message == "The payment provider reports an outage on their side."


def test_maintenance_issues_are_maintenance_records(imported: tuple[Path, Result]) -> None:
    root, _ = imported
    upgrade = incident(root, "Database upgrade")
    assert upgrade.is_maintenance and upgrade.status == "completed"
    assert upgrade.components == {"api": "under_maintenance", "website": "under_maintenance"}  # expectedDown
    assert (upgrade.scheduled_start.isoformat(), upgrade.scheduled_end.isoformat()) == (
        "2024-04-27T22:00:00+00:00", "2024-04-28T00:00:00+00:00")
    assert updates(upgrade) == [
        ("2024-04-20T09:15:00+00:00", "scheduled", "We are upgrading the primary database to PostgreSQL 16. The "
         "API and the website will be unavailable for up to two hours."),
        ("2024-04-27T22:45:00+00:00", "in_progress", "The upgrade is running; about half of the data has been "
         "copied."),
        ("2024-04-28T00:05:12+00:00", "completed", "Closed on GitHub with no comment (this update was added by "
         "sitrep import).")]
    ahead = incident(root, "Docs hosting migration")  # still open: ahead at the export
    assert ahead.components == {"docs": "under_maintenance"} and ahead.resolved is None  # expectedDegraded
    assert [u.status for u in ahead.updates] == ["scheduled"]
    assert "<!--" not in records(root)["incidents/2024/2024-06-20-docs-hosting-migration.md"]


def test_no_word_of_an_imported_issue_is_lost(imported: tuple[Path, Result]) -> None:
    root, _ = imported
    ledger = json.loads((root / ".sitrep-import" / "upptime.json").read_text(encoding="utf-8"))
    for issue in json.loads(ISSUES.read_text(encoding="utf-8")) + json.loads(MAINTENANCE.read_text("utf-8")):
        entry = ledger.get(issue["url"])
        if entry is None:
            assert issue["number"] in (39, 51)  # not from the monitor, not a scheduled maintenance
            continue
        written = (root / entry["path"]).read_text(encoding="utf-8").casefold()
        written = " ".join(written.replace("\n      ", " ").split())
        texts = [issue["title"], re.sub(r"<!--.*?-->", "", issue["body"], flags=re.DOTALL)]  # window: below
        texts += [c["body"] for c in issue["comments"] if not c["isMinimized"]]
        words = {w.casefold() for text in texts for w in re.findall(r"[\w'.$-]*\w", text)}
        assert [w for w in sorted(words) if w not in written] == [], issue["number"]


def test_reimport_is_a_no_op_never_overwrites_an_edit_and_adds_what_is_new(
        imported: tuple[Path, Result], tmp_path: Path) -> None:
    root, _ = imported
    work = tmp_path / "portal"
    shutil.copytree(root, work)
    before = records(work)
    table = str(work / "components.yml")
    again = sitrep(work, "import", "upptime", str(UPPTIMERC), str(ISSUES), str(MAINTENANCE), "--components", table)
    assert again.exit_code == 0 and "wrote 0 new and 0 updated records; 10 unchanged" in again.output
    assert records(work) == before

    # A responder edits one record and deletes the flagged one; later the gateway recovers (the open issue
    # is closed) and a new issue is opened. The edited and deleted ones stay as they are.
    edited = "incidents/2024/2024-05-06-website-is-down.md"
    retitled = before[edited].replace("title: Website is down", "title: Website down after release 4.2")
    (work / edited).write_text(retitled, encoding="utf-8")
    (work / FLAGGED).unlink()
    later = json.loads(ISSUES.read_text(encoding="utf-8"))
    gateway = next(i for i in later if i["number"] == 52)
    gateway.update(state="CLOSED", closedAt="2024-06-15T01:00:00Z", comments=[*gateway["comments"], {
        "author": {"login": "acme-bot"}, "body": "**Resolved:** Payments Gateway is back up in [`abcdef1`]"
        "(https://github.com/acme-corp/status/commit/abcdef1234567890) after 3 hours, 57 minutes.",
        "createdAt": "2024-06-15T00:59:59Z", "isMinimized": False}])
    later.insert(0, dict(later[-1], number=60, url="https://github.com/acme-corp/status/issues/60",
                         createdAt="2024-06-20T10:00:00Z", closedAt="2024-06-20T10:30:00Z"))
    refreshed = tmp_path / "issues-later.json"
    refreshed.write_text(json.dumps(later), encoding="utf-8")
    third = sitrep(work, "import", "upptime", str(UPPTIMERC), str(refreshed), str(MAINTENANCE), "--components", table)
    assert third.exit_code == 0, third.output
    assert f"kept: {edited} (edited since the last import; not overwritten)" in third.output
    assert f"kept: {FLAGGED} (deleted since the last import; not overwritten)" in third.output
    assert "wrote 1 new and 1 updated records" in third.output
    after = records(work)
    assert "title: Website down after release 4.2" in after[edited] and FLAGGED not in after
    assert "incidents/2024/2024-06-20-docs-has-degraded-performance.md" in after
    assert incident(work, "Payments Gateway is down").resolved.isoformat() == "2024-06-15T01:00:00+00:00"


@pytest.mark.parametrize(("content", "expected"), [
    ("not json at all", "issues.json: not a JSON file ("),
    ('{"issues": []}', "issues.json: expected a list of GitHub issues (number, title, …), got an object; export "
                       "them with: gh issue list --repo OWNER/REPO --state all --label status"),
    ('[{"number": 1, "title": "🛑 Website is down", "createdAt": "2024-01-01T00:00:00Z", "comments": 2}]',
     "issues.json: issue #1 has 2 comment(s) but the file has only their number; export the comments too: gh "
     "issue list"),
    ('[{"number": 7, "title": "🛑 Old Blog is down", "createdAt": "2024-01-01T00:00:00Z", "comments": [], '
     '"labels": [{"name": "status"}, {"name": "old-blog"}]}]',
     "issues.json: issue #7 (🛑 Old Blog is down) is about the site 'Old Blog' (label old-blog), which the "
     ".upptimerc.yml given does not list: add it under sites: (- name: Old Blog, slug: old-blog, url: …) even if "
     "Upptime no longer checks it, or remove the issue from the export"),
])
def test_bad_issue_files_get_one_line_naming_the_file_and_the_fix(tmp_path: Path, content: str,
                                                                   expected: str) -> None:
    root = write_portal(tmp_path / "portal", components=PORTAL_COMPONENTS)
    bad = tmp_path / "issues.json"
    bad.write_text(content, encoding="utf-8")
    result = sitrep(root, "import", "upptime", str(UPPTIMERC), str(bad), "--components", str(root / "c.yml"))
    assert result.exit_code == 2
    message = result.output.strip()
    assert message.count("\n") == 0 and message.startswith(f"Error: {bad}"), message
    assert expected.removeprefix("issues.json") in message
    assert records(root) == {} and not (root / "c.yml").exists()


@pytest.mark.parametrize(("content", "expected"), [
    ("sites:\n  - name: Website\n    url: [unclosed\n", ".upptimerc.yml:4: not readable YAML ("),
    ("owner: acme\nrepo: status\n", ".upptimerc.yml: has no sites: list; pass the Upptime repository's "
                                   ".upptimerc.yml (sites: - name: … url: …)"),
    ("sites:\n  - name: Website\n", ".upptimerc.yml: site 1 of sites: needs a name and a url"),
])
def test_bad_upptimerc_gets_one_line_naming_the_file_and_the_fix(tmp_path: Path, content: str,
                                                                 expected: str) -> None:
    root = write_portal(tmp_path / "portal", components=PORTAL_COMPONENTS)
    rc = tmp_path / ".upptimerc.yml"
    rc.write_text(content, encoding="utf-8")
    result = sitrep(root, "import", "upptime", str(rc), str(ISSUES))
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and f"{tmp_path}/{expected}" in result.output, result.output


def test_history_before_the_portal_s_first_day_says_which_since_shows_it(tmp_path: Path) -> None:
    root = write_portal(tmp_path, components=PORTAL_COMPONENTS, options={"since": "2024-06-01"})
    table = reviewed_table(root, str(ISSUES))
    result = sitrep(root, "import", "upptime", str(UPPTIMERC), str(ISSUES), "--components", str(table))
    assert result.exit_code == 0, result.output
    assert ("since: 2024-06-01 in mkdocs.yml, and show the days before it as \"no data\": to show this history "
            "in them, set since: 2020-11-22 (the first imported day).") in " ".join(result.output.split())


def test_no_issues_given_says_how_to_export_them(tmp_path: Path) -> None:
    root = write_portal(tmp_path, components=PORTAL_COMPONENTS)
    result = sitrep(root, "import", "upptime", str(UPPTIMERC))
    assert result.exit_code == 2 and "gh issue list --repo OWNER/REPO --state all --label status" in result.output


# --------------------------------------------------------------------------- --url: GitHub's GraphQL API


class _GitHub:
    """GitHub's GraphQL endpoint for the fixture's repository: two issues a page."""

    seen: ClassVar[list[tuple[str | None, dict[str, Any]]]] = []
    per_page = 2

    @classmethod
    def handler(cls) -> type:
        import http.server

        issues = sorted(json.loads(ISSUES.read_text(encoding="utf-8")) + json.loads(MAINTENANCE.read_text("utf-8")),
                        key=lambda i: i["createdAt"])  # oldest first, as asked
        nodes = [dict(i, labels={"nodes": [{"name": label["name"]} for label in i["labels"]]},
                      comments={"totalCount": len(i["comments"]), "nodes": [
                          {k: c[k] for k in ("body", "createdAt", "url", "isMinimized")} for c in i["comments"]]})
                 for i in issues]

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                cls.seen.append((self.headers.get("Authorization"), request["variables"]))
                if self.path != "/api/graphql" or self.headers.get("Authorization") != "Bearer test-token":
                    self.send_error(401, "Unauthorized")
                    return
                start = int(request["variables"]["cursor"] or 0)
                page = nodes[start:start + cls.per_page]
                more = start + cls.per_page < len(nodes)
                body = json.dumps({"data": {"repository": {"issues": {
                    "pageInfo": {"hasNextPage": more, "endCursor": str(start + cls.per_page)},
                    "nodes": page}}}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def github() -> Iterator[str]:
    _GitHub.seen = []
    with serve_handler(_GitHub.handler()) as url:
        yield f"{url}acme-corp/status"


def test_url_reads_every_page_with_the_token_and_imports_the_same_records(
        github: str, imported: tuple[Path, Result], tmp_path: Path) -> None:
    root, _ = imported
    other = write_portal(tmp_path / "portal", components=PORTAL_COMPONENTS)
    shutil.copy(root / "components.yml", other / "components.yml")
    no_token = sitrep(other, "import", "upptime", str(UPPTIMERC), "--url", github,
                      env={"GITHUB_TOKEN": "", "GH_TOKEN": ""})
    assert no_token.exit_code == 2 and "set GITHUB_TOKEN" in no_token.output
    result = sitrep(other, "import", "upptime", str(UPPTIMERC), "--url", github, "--components",
                    str(other / "components.yml"), env={"GITHUB_TOKEN": "test-token"})
    assert result.exit_code == 0, result.output
    assert [v["cursor"] for _, v in _GitHub.seen] == [None, "2", "4", "6", "8", "10"]
    assert {(v["owner"], v["name"]) for _, v in _GitHub.seen} == {("acme-corp", "status")}
    assert "test-token" not in result.output
    assert records(other) == records(root)
    refused = sitrep(other, "import", "upptime", str(UPPTIMERC), "--url", github, env={"GITHUB_TOKEN": "wrong"})
    assert refused.exit_code == 2 and "GitHub answered 401 Unauthorized" in refused.output


# --------------------------------------------------------------------------- the portal built


@pytest.mark.slow
def test_the_imported_history_builds_with_its_incidents_and_uptime(imported: tuple[Path, Result],
                                                                   tmp_path: Path) -> None:
    from tests.support.sitebuild import mkdocs_build

    root, _ = imported
    work = tmp_path / "portal"
    shutil.copytree(root, work)
    (work / FLAGGED).unlink()  # a human deals with the flagged record
    assert sitrep(work, "validate", "--no-cache").exit_code == 0
    build = mkdocs_build(work, tmp_path / "site", epoch=AFTER_EXPORT)
    assert build.returncode == 0, build.stderr[-3000:]
    site = tmp_path / "site"
    text = " ".join(re.sub(r"<[^>]+>", " ", (site / "index.html").read_text(encoding="utf-8")).split())
    # The open issue is the active incident; the open maintenance issue is ahead.
    assert "Active incidents Payments Gateway is down SEV1 · Critical Investigating" in text
    assert "Docs hosting migration" in text and "Scheduled maintenance: will affect Docs" in text
    # Uptime: Website was down 1 h 17 min on May 6 and 48 min 35 s on Jun 9 (of 90 days).
    assert "May 6, 2024 · Major outage · 1 incident · 94.63% uptime Website is down" in day_tooltips(
        (site / "index.html").read_text(encoding="utf-8"))
    assert "99.90% uptime" in text
    summary = json.loads((site / "api" / "v2" / "summary.json").read_text(encoding="utf-8"))
    status = {c["name"]: c["status"] for c in summary["components"]}
    assert status == {"Website": "operational", "API": "operational", "Docs": "operational",
                      "Git mirror": "operational", "Payments Gateway": "major_outage"}
    page = (site / "incidents" / "2024-05-06-website-is-down" / "index.html").read_text(encoding="utf-8")
    url = "https://github.com/acme-corp/web/pull/812"  # kept word for word, and a link
    assert f'A bad deploy of the web frontend (<a href="{url}">{url}</a>)' in page
    history = (site / "history" / "index.html").read_text(encoding="utf-8")
    assert history.count("/incidents/2024-") >= 6 and "Docs has degraded performance" in history
