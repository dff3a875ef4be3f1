"""The pull-request workflow, run locally in order: validate, build both editions strict, preview.

A temporary git repository holds a copy of the sample portal; commits declare,
update and resolve an incident, and ``sitrep preview`` is checked at each step.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.sitebuild import SAMPLE_NOW, copy_sample, mkdocs_build

pytestmark = [pytest.mark.slow]

SITREP = str(Path(sys.executable).parent / "sitrep")
NOW = "2026-11-23T12:00:00Z"
ENV = {**os.environ, "GIT_AUTHOR_NAME": "On Call", "GIT_AUTHOR_EMAIL": "oncall@example.com",
       "GIT_COMMITTER_NAME": "On Call", "GIT_COMMITTER_EMAIL": "oncall@example.com",
       "SOURCE_DATE_EPOCH": str(SAMPLE_NOW), "GITHUB_ACTIONS": "false"}


def run(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(args), cwd=cwd, env=ENV, capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def portal_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "portal"
    copy_sample(repo)
    run(repo, "git", "init", "-q", "-b", "main")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-q", "-m", "base")
    return repo


def test_declare_update_resolve_through_the_pr_checks(portal_repo: Path, tmp_path: Path) -> None:
    repo = portal_repo
    # 1. Declare: the responder's PR adds a SEV1 with a major outage.
    out = run(repo, SITREP, "new", "incident", "--title", "Editor fails to load for all users",
              "--severity", "P0", "--component", "web-app=major_outage",
              "--message", "We are investigating reports that the editor does not load.", "--now", NOW)
    path = out.stdout.strip()
    assert path.startswith("incidents/2026/2026-11-23-editor-fails-to-load")
    incident_id = Path(path).stem

    # The PR workflow's steps, in order.
    assert run(repo, SITREP, "validate", "--no-cache").returncode == 0
    for audience in ("public", "internal"):
        build = mkdocs_build(repo, tmp_path / f"site-{audience}", audience)
        assert build.returncode == 0, build.stderr
    assert (tmp_path / "site-public" / "incidents" / incident_id / "index.html").exists()
    summary = run(repo, SITREP, "preview", "--base", "main", "--format", "markdown", "--now", NOW).stdout
    assert "Overall status: **Partial System Outage** → **Major System Outage**." in summary
    assert f"### Declared\n- **Editor fails to load for all users** (`{incident_id}`): Declared SEV1" in summary
    assert "Validation: 0 errors" in summary
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-q", "-m", "Declare editor outage")

    # 2. Update, compared with the declaring commit.
    run(repo, SITREP, "update", incident_id, "--status", "identified",
        "--message", "A bad deploy is the cause; rolling back.", "--now", "2026-11-23T12:10:00Z")
    summary = run(repo, SITREP, "preview", "--base", "HEAD", "--now", "2026-11-23T12:11:00Z").stdout
    assert f"Editor fails to load for all users ({incident_id}): 1 new update, now Identified" in summary
    run(repo, "git", "commit", "-q", "-am", "Update")

    # 3. Resolve: the status goes back to what it was before the incident.
    run(repo, SITREP, "resolve", incident_id, "--message", "The rollback fixed it.",
        "--now", "2026-11-23T12:40:00Z")
    summary = run(repo, SITREP, "preview", "--base", "HEAD", "--format", "markdown",
                  "--now", "2026-11-23T12:41:00Z").stdout
    assert "Overall status: **Major System Outage** → **Partial System Outage**." in summary
    assert "### Resolved" in summary and "Resolved after 40 min" in summary


def test_preview_lists_every_problem_and_fails_on_invalid_records(portal_repo: Path) -> None:
    bad = portal_repo / "incidents" / "2026" / "2026-11-23-broken.md"
    bad.write_text("---\ntitle: Broken\nseverity: SEV9\n---\n", encoding="utf-8")
    result = run(portal_repo, SITREP, "preview", "--base", "main", "--format", "markdown", "--now", NOW, check=False)
    assert result.returncode == 1
    assert "incidents/2026/2026-11-23-broken.md:3: error: severity" in result.stdout
    assert "missing required field 'started'" in result.stdout or "missing required field" in result.stdout


def test_preview_warns_about_overdue_updates_and_stale_runbooks(portal_repo: Path) -> None:
    summary = run(portal_repo, SITREP, "preview", "--base", "main", "--now", "2026-11-23T15:00:00Z").stdout
    assert "No incident, maintenance or postmortem changes." in summary
    # The open SEV3 was last updated at 09:30; its 4 h cadence made 13:30 the deadline.
    assert "Update overdue: Delayed webhook deliveries" in summary.replace("**", "")
    assert "Runbook redis-recovery is past its review date" in summary


def test_preview_rejects_an_unknown_base(portal_repo: Path) -> None:
    result = run(portal_repo, SITREP, "preview", "--base", "no-such-branch", check=False)
    assert result.returncode == 2
    assert "cannot read revision 'no-such-branch'" in result.stderr
    assert "Traceback" not in result.stderr


def test_preview_of_an_incident_declared_and_escalated_in_one_change_says_where_it_stands(
        portal_repo: Path) -> None:
    out = run(portal_repo, SITREP, "new", "incident", "--title", "Login fails", "--severity", "SEV2",
              "--component", "auth=partial", "--at", "2026-11-23T14:00:00Z", "--now", "2026-11-23T14:00:00Z")
    incident_id = Path(out.stdout.strip()).stem
    run(portal_repo, SITREP, "update", incident_id, "--status", "identified", "--severity", "SEV1",
        "--component", "auth=major", "--message", "Nobody can log in.", "--at", "2026-11-23T14:10:00Z",
        "--now", "2026-11-23T14:10:00Z")
    summary = run(portal_repo, SITREP, "preview", "--base", "main", "--format", "markdown",
                  "--now", "2026-11-23T14:15:00Z").stdout
    assert f"(`{incident_id}`): Declared SEV2, now SEV1" in summary


def test_preview_leads_with_the_change_and_collapses_the_rest(portal_repo: Path) -> None:
    # The sample has an overdue incident, stale runbooks and action items without owners or dates:
    # none of that is this PR's doing, so it goes below, collapsed.
    out = run(portal_repo, SITREP, "new", "incident", "--title", "Login fails", "--severity", "SEV2",
              "--component", "auth=major", "--at", "2026-11-23T14:00:00Z", "--now", "2026-11-23T14:00:00Z")
    incident_id = Path(out.stdout.strip()).stem
    summary = run(portal_repo, SITREP, "preview", "--base", "main", "--format", "markdown",
                  "--now", "2026-11-23T15:00:00Z").stdout
    lead, _, rest = summary.partition("<details>")
    assert f"(`{incident_id}`): Declared SEV2" in lead
    # The new incident's own overdue update (30 min cadence) leads; nothing about older records does.
    attention = lead.split("### Needs attention in this change\n", 1)[1].split("\n\n", 1)[0]
    assert attention.startswith("- Update overdue: **Login fails**") and attention.count("\n- ") == 0
    assert "Delayed webhook deliveries" not in lead and "redis-recovery" not in lead
    assert "action-item" not in lead and "Nothing new in this change." in lead
    summary_line, body = rest.split("</summary>", 1)
    assert summary_line.startswith("<summary>Elsewhere in the portal, not changed here: ")
    assert "Update overdue: **Delayed webhook deliveries**" in body and "redis-recovery" in body
    assert "[action-item-no-owner]" in body and body.rstrip().endswith("</details>")
    # Quoted texts are shortened at a word boundary, never inside a word.
    item = "Decide who owns SAML certificate rotation"
    quoted = re.findall(r'"(Decide who owns[^"]*)"', summary)
    assert quoted and all(q.endswith("…") and item.startswith(q[:-1]) and item[len(q) - 1] == " "
                          for q in quoted)
