"""What a team adopting Sitrep meets beyond the action items: its older postmortems (no front matter, an
incident from before the portal) and a first preview in a repository with no commit yet. Each message
names the file, the line and the fix.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from click.testing import CliRunner

from sitrep.cli import main
from tests.support.helpers_build import INC, INCIDENT, RB, RUNBOOK, write_portal

OLD_POSTMORTEM = "# Post-Mortem: Profile page slowdown\n\n## Summary\nProfile pages were slow for 2 hours.\n"


def test_an_old_postmortem_without_front_matter_is_told_the_fields_to_add(tmp_path: Path) -> None:
    rel = "postmortems/2024-02-13-profile-slowdown.md"
    root = write_portal(tmp_path / "p", {INC: INCIDENT, RB: RUNBOOK, rel: OLD_POSTMORTEM})
    result = CliRunner().invoke(main, ["validate", "-f", str(root / "mkdocs.yml"), "--no-cache", "-j", "1"])
    assert result.exit_code == 1
    assert [ln for ln in result.output.splitlines() if ln.startswith(rel)] == [
        f"{rel}:1: error: the file must start with a line '---' that opens the front matter, then the fields, "
        "then a closing '---'; a postmortem needs title, incidents, date, authors, status: add the lines '---', "
        "'title: …', 'incidents: [2026-02-10-publishing-api-errors]', 'date: YYYY-MM-DD', 'authors: […]', "
        "'status: draft | in-review | published', '---' above its text [no-front-matter]"]


def test_a_postmortem_of_an_incident_from_before_the_portal_is_told_how_to_record_it(tmp_path: Path) -> None:
    rel = "postmortems/2024-02-13-profile-slowdown.md"
    text = ("---\ntitle: Profile page slowdown\nincidents: [2024-02-13-profile-slowdown]\ndate: 2024-02-13\n"
            "authors: [Ana Silva]\nstatus: draft\n---\n" + OLD_POSTMORTEM)
    root = write_portal(tmp_path / "p", {RB: RUNBOOK, rel: text})
    result = CliRunner().invoke(main, ["validate", "-f", str(root / "mkdocs.yml"), "--no-cache", "-j", "1"])
    assert result.exit_code == 1
    assert [ln for ln in result.output.splitlines() if ln.startswith(rel)] == [
        f"{rel}:3: error: incident '2024-02-13-profile-slowdown' does not exist; use the incident's id (its file "
        "name without .md, e.g. 2026-02-10-api-errors); a postmortem of an incident from before this portal needs "
        "the incident's record: write it with `sitrep new incident --title … --severity … --component ID=IMPACT "
        "--started … --at …` and `sitrep resolve ID --message … --at …`, then list the id it prints here "
        "[unknown-incident]"]


def test_preview_in_a_repository_without_commits_says_what_to_do(tmp_path: Path) -> None:
    root = write_portal(tmp_path / "p", {RB: RUNBOOK})
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    result = CliRunner().invoke(main, ["preview", "-f", str(root / "mkdocs.yml"), "--base", "HEAD"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "cannot read revision 'HEAD'" in result.output
    assert ("give --base a commit, branch or tag this repository has (git log --oneline lists them; a new "
            "repository needs its first commit: git add -A && git commit)") in result.output
