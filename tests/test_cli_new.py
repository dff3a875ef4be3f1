"""`sitrep new incident|postmortem|runbook` on a small portal in a temporary folder.

Every file written must pass the real `sitrep validate`; bad input exits 2 with
a message that lists the allowed values and writes nothing.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sitrep.cli import main
from sitrep.edit.scaffold import default_message, unique_stem
from sitrep.load.reader import read_record
from sitrep.model.diagnostics import Diagnostics
from sitrep.model.formatting import slugify
from tests.support.helpers_build import CLI_MKDOCS

NOW = "2026-02-10T14:40:00Z"
TITLE = "Elevated error rates on the Publishing API"
INCIDENT_REL = "incidents/2026/2026-02-10-elevated-error-rates-on-the-publishing-api.md"
INCIDENT_ID = "2026-02-10-elevated-error-rates-on-the-publishing-api"


@pytest.fixture
def portal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A minimal portal (mkdocs.yml only) in tmp_path; the working folder is its root."""
    (tmp_path / "mkdocs.yml").write_text(CLI_MKDOCS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


def sitrep(*args: str, now: str | None = NOW, stdin: str | None = None) -> Result:
    extra = ["--now", now] if now else []
    return CliRunner().invoke(main, [*args, *extra], input=stdin)


def new_incident(*args: str, now: str | None = NOW) -> Result:
    return sitrep("new", "incident", "--title", TITLE, "--severity", "SEV2",
                  "--component", "publishing-api=partial_outage", *args, now=now)


def validate(root: Path) -> Result:
    result = CliRunner().invoke(main, ["validate", "-f", str(root / "mkdocs.yml"), "--no-cache",
                                       "--format", "text"])
    return result


def data(path: Path) -> dict:
    diags = Diagnostics()
    rf = read_record(path.name, path.read_bytes(), diags)
    assert rf is not None, diags.render()
    return rf.data


def files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- new incident


def test_new_incident_writes_a_valid_record_and_prints_its_path(portal: Path) -> None:
    result = new_incident("--component", "web-app=degraded", "--commander", "Priya Raman",
                          "--scribe", "Leo Martin", "--started", "2026-02-10T15:30:00+01:00",
                          "--detected", "2026-02-10T14:32:00Z", "--type", "outage", "--detection", "monitoring")
    assert result.exit_code == 0, result.output
    assert result.stdout == INCIDENT_REL + "\n"
    path = portal / INCIDENT_REL
    fm = data(path)
    assert fm == {
        "title": TITLE,
        "severity": "SEV2",
        "type": "outage",
        "detection": "monitoring",
        "started": "2026-02-10T14:30:00Z",  # converted to UTC
        "detected": "2026-02-10T14:32:00Z",  # acknowledged not given: left out, not guessed
        "components": {"publishing-api": "partial_outage", "web-app": "degraded_performance"},
        "commander": "Priya Raman",
        "scribe": "Leo Martin",
        "visibility": "public",
        "updates": [{"at": NOW, "status": "investigating",
                     "message": "We are currently investigating elevated error rates on the Publishing "
                                "API. We will post an update within 30 minutes."}],
    }
    text = path.read_text(encoding="utf-8")
    assert "<!--" in text.split("---\n", 2)[2]  # the body explains itself, invisibly
    check = validate(portal)
    assert check.exit_code == 0, check.output
    assert "0 errors, 0 warnings" in check.stderr


# The responder declares at 13:50 an incident detected at 13:25 and already mitigated at 13:45: no
# timestamp may be filled in as "now" after the others (it made a 25-minute time to acknowledge).
T = {"started": "2026-02-10T13:20:00Z", "detected": "2026-02-10T13:25:00Z", "acknowledged": "2026-02-10T13:28:00Z"}


@pytest.mark.parametrize("given", [(), ("started",), ("detected",), ("acknowledged",), ("started", "detected"),
                                   ("started", "acknowledged"), ("detected", "acknowledged"),
                                   ("started", "detected", "acknowledged")])
def test_new_incident_timestamps_are_consistent_for_any_subset_of_options(portal: Path, given: tuple) -> None:
    args = [x for key in given for x in (f"--{key}", T[key])]
    result = new_incident(*args, now="2026-02-10T13:50:00Z")
    assert result.exit_code == 0, result.output
    fm = data(portal / INCIDENT_REL)
    written = {key: fm.get(key) for key in T}
    for key in given:  # what was given is written as given
        assert written[key] == T[key]
    if not given:  # declared as it happens: all three are the time of the first update
        assert written == dict.fromkeys(T, "2026-02-10T13:50:00Z")
    else:
        # started: as given, else the earliest time given; the others never invented
        assert written["started"] == T[given[0]]
        for key in ("detected", "acknowledged"):
            if key not in given:
                assert written[key] is None
                assert f"{key} not recorded" in result.stderr.replace(" and ", " not recorded ")
    present = [written[k] for k in T if written[k] is not None]
    assert present == sorted(present) and all(t <= fm["updates"][0]["at"] for t in present)
    assert validate(portal).exit_code == 0
    if not given:
        return
    # Resolved after a mitigation at 13:45: acknowledgement is either what was given or not counted,
    # never 13:50 (after the mitigation, a 25-minute time to acknowledge).
    resolved = sitrep("resolve", INCIDENT_ID, "--mitigated", "2026-02-10T13:45:00Z", "--at", "2026-02-10T13:55:00Z",
                      now="2026-02-10T13:55:00Z")
    assert resolved.exit_code == 0, resolved.output
    report = json.loads(sitrep("report", "--json", now="2026-02-10T14:00:00Z").stdout)
    ack = report["data_quality"]["by_metric"]["time_to_acknowledge"]
    if {"detected", "acknowledged"} <= set(given):
        assert ack["measured"] == 1  # 3 minutes, as given
    elif given:
        left_out = ack["left_out"]
        assert ack["measured"] == 0 and left_out["missing acknowledged"] + left_out["missing detected"] == 1


@pytest.mark.parametrize(("alias", "canonical"), [("P1", "SEV2"), ("sev-1", "SEV1"), ("Sev 3", "SEV3"),
                                                  ("critical", "SEV1"), ("p3", "SEV4")])
def test_severity_aliases_are_normalised(portal: Path, alias: str, canonical: str) -> None:
    result = sitrep("new", "incident", "--title", "X broken", "--severity", alias, "--component", "database=major")
    assert result.exit_code == 0, result.output
    assert data(portal / result.stdout.strip())["severity"] == canonical


def test_message_and_visibility_are_written_as_given(portal: Path) -> None:
    message = "We are investigating: 'quotes', #hash and ünïcode.\nSecond line."
    result = new_incident("--message", message, "--visibility", "internal", "--at", "2026-02-10T14:41:00Z")
    assert result.exit_code == 0, result.output
    fm = data(portal / INCIDENT_REL)
    assert fm["updates"][0] == {"at": "2026-02-10T14:41:00Z", "status": "investigating", "message": message}
    assert fm["started"] == fm["detected"] == fm["acknowledged"] == "2026-02-10T14:41:00Z"
    assert fm["visibility"] == "internal"
    assert validate(portal).exit_code == 0


def test_same_title_same_day_gets_a_numbered_name(portal: Path) -> None:
    first, second, third = new_incident(), new_incident(), new_incident()
    assert [r.stdout.strip() for r in (first, second, third)] == [
        INCIDENT_REL, INCIDENT_REL.replace(".md", "-2.md"), INCIDENT_REL.replace(".md", "-3.md")]
    assert validate(portal).exit_code == 0


def test_date_and_folder_come_from_started(portal: Path) -> None:
    result = new_incident("--started", "2025-12-31T23:50:00Z", "--at", "2026-01-01T00:10:00Z")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "incidents/2025/2025-12-31-elevated-error-rates-on-the-publishing-api.md"


def test_source_date_epoch_sets_now(portal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1770734400")  # 2026-02-10T14:40:00Z
    result = new_incident(now=None)
    assert result.exit_code == 0, result.output
    assert data(portal / INCIDENT_REL)["started"] == "2026-02-10T14:40:00Z"


@pytest.mark.parametrize(("args", "expected"), [
    (["--severity", "SEV9"], ["'SEV9' is not a known severity", "SEV1 (Critical)", "SEV4 (Low)", "P0"]),
    (["--component", "publshing-api=partial_outage"],
     ["'publshing-api' is not a configured component", "did you mean 'publishing-api'",
      "web-app, publishing-api, database"]),
    (["--component", "database=broken"],
     ["'broken' is not an impact", "degraded_performance, partial_outage, major_outage"]),
    (["--component", "database"], ["the impact is missing"]),
    (["--component", "database=major", "--component", "database=partial"], ["'database' is given twice"]),
    (["--started", "2026-02-10T14:30:00"], ["no UTC offset", "--started"]),
    (["--at", "yesterday"], ["not an ISO 8601 timestamp"]),
    (["--message", " "], ["the message is empty"]),
    (["--title", "two\nlines"], ["one line"]),
    (["--title", "x" * 412], ["title: too long: shorten the title to 300 characters (it has 412) [too-long]"]),
    # Valid pieces, invalid record: impact cannot start after it was detected.
    (["--started", "2026-02-10T15:00:00Z"], ["--at 2026-02-10T14:40:00+00:00) is before --started"]),
    (["--started", "2026-02-10T14:20:00Z", "--detected", "2026-02-10T14:10:00Z"],
     ["--detected (2026-02-10T14:10:00+00:00) is before --started", "--started <= --detected <= --acknowledged"]),
])
def test_bad_input_exits_2_and_writes_nothing(portal: Path, args: list[str], expected: list[str]) -> None:
    base = {"--title": TITLE, "--severity": "SEV2", "--component": "publishing-api=partial_outage"}
    for key in args[::2]:
        base.pop(key, None)
    before = files(portal)
    result = sitrep("new", "incident", *[x for kv in base.items() for x in kv], *args)
    assert result.exit_code == 2, result.output
    for text in expected:
        assert text in result.output
    assert files(portal) == before


def test_missing_required_options_exit_2(portal: Path) -> None:
    result = sitrep("new", "incident", "--title", TITLE)
    assert result.exit_code == 2
    assert "--severity" in result.output
    assert files(portal) == ["mkdocs.yml"]


def test_installed_command_runs(portal: Path) -> None:
    exe = Path(sys.executable).with_name("sitrep")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "sitrep.cli"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1770734400"}
    done = subprocess.run([*command, "new", "incident", "--title", TITLE, "--severity", "P1",
                           "--component", "publishing-api=partial_outage"],
                          cwd=portal, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == INCIDENT_REL


# --------------------------------------------------------------------------- new postmortem


def _incident_with_history(portal: Path) -> None:
    steps = [
        new_incident("--started", "2026-02-10T14:30:00Z", "--detected", "2026-02-10T14:32:00Z",
                     "--acknowledged", "2026-02-10T14:35:00Z", "--detection", "monitoring",
                     "--commander", "Priya Raman", "--message", "We are investigating errors."),
        sitrep("update", INCIDENT_ID, "--status", "identified", "--message", "A release caused it.\nRolling back.",
               now="2026-02-10T15:00:00Z"),
        sitrep("resolve", INCIDENT_ID, "--message", "Resolved. Sorry for the trouble.",
               "--mitigated", "2026-02-10T15:05:00Z", now="2026-02-10T15:20:00Z"),
    ]
    for step in steps:
        assert step.exit_code == 0, step.output


def test_new_postmortem_is_a_valid_draft_with_the_incident_facts(portal: Path) -> None:
    _incident_with_history(portal)
    result = sitrep("new", "postmortem", "--incident", INCIDENT_ID, now="2026-02-12T09:00:00Z")
    assert result.exit_code == 0, result.output
    rel = "postmortems/2026-02-12-elevated-error-rates-on-the-publishing-api.md"
    assert result.stdout == rel + "\n"
    path = portal / rel
    assert data(path) == {
        "title": f"Postmortem: {TITLE}",
        "incidents": [INCIDENT_ID],
        "date": "2026-02-12",
        "authors": ["Priya Raman"],  # the commander, as no --author was given
        "status": "draft",
        "visibility": "internal",
        "tags": [],
    }
    text = path.read_text(encoding="utf-8")
    for heading in ("Summary", "Impact", "Timeline", "Root Cause", "Resolution", "What Went Well",
                    "What Could Be Improved", "Action Items", "Lessons Learned"):
        assert f"\n## {heading}\n" in text
    timeline = text.split("## Timeline\n", 1)[1].split("\n## ", 1)[0]
    assert "All times UTC, 10 February 2026." in timeline
    for line in ("- 14:30 UTC — Customer impact started",
                 "- 14:32 UTC — Detected (monitoring)",
                 "- 14:35 UTC — Acknowledged by the responder",
                 "- 14:40 UTC — Investigating: We are investigating errors.",
                 "- 15:00 UTC — Identified: A release caused it. Rolling back.",
                 "- 15:05 UTC — Mitigated: customer impact ended",
                 "- 15:20 UTC — Resolved: Resolved. Sorry for the trouble."):
        assert f"\n{line}\n" in timeline
    # the resolution is said once: the resolved time and the resolving update are the same moment
    assert "\n- 15:20 UTC — Resolved\n" not in timeline
    impact = text.split("## Impact\n", 1)[1].split("\n## ", 1)[0]
    assert "- Duration: 35 min" in impact
    assert "Publishing API (partial outage)" in impact
    assert "- Severity: SEV2 (High)" in impact
    assert "- [ ] [Action] - Owner - YYYY-MM-DD" in text
    # where the placeholders are, not a count of the two that `sitrep validate` flags in a draft
    note = next(ln for ln in result.stderr.splitlines() if "placeholder" in ln)
    match = re.fullmatch(rf"sitrep: (\d+) \[bracketed\] placeholder\(s\) to fill in, on lines ([\d, ]+) of {rel}; "
                         r"a published postmortem may keep none \(sitrep validate then lists any left\)", note)
    assert match, note
    file_lines = text.splitlines()
    listed = [file_lines[int(n) - 1] for n in match[2].split(", ")]
    assert int(match[1]) >= len(listed) > 10
    assert all("[" in line and not line.startswith(("incidents:", "<!--")) for line in listed)
    assert listed[0].startswith("[2-3 sentence summary") and "- [ ] [Action] - Owner - YYYY-MM-DD" in listed
    check = validate(portal)
    assert check.exit_code == 0, check.output  # placeholders are warnings only
    assert "action-item-placeholder" in check.output


def test_the_postmortem_draft_tells_what_the_incident_came_to_after_an_escalation(portal: Path) -> None:
    steps = [
        new_incident("--started", "2026-02-10T14:30:00Z", "--message", "We are investigating errors."),
        sitrep("update", INCIDENT_ID, "--status", "identified", "--severity", "SEV1",
               "--component", "publishing-api=major_outage", "--message", "Every publish now fails.",
               now="2026-02-10T15:00:00Z"),
        sitrep("resolve", INCIDENT_ID, "--message", "Resolved.", now="2026-02-10T15:20:00Z"),
    ]
    for step in steps:
        assert step.exit_code == 0, step.output
    result = sitrep("new", "postmortem", "--incident", INCIDENT_ID, now="2026-02-12T09:00:00Z")
    assert result.exit_code == 0, result.output
    text = (portal / result.stdout.strip()).read_text(encoding="utf-8")
    impact = text.split("## Impact\n", 1)[1].split("\n## ", 1)[0]
    assert "- Severity: SEV1 (Critical; declared SEV2)" in impact
    assert "- Components: Publishing API (major outage)" in impact
    timeline = text.split("## Timeline\n", 1)[1].split("\n## ", 1)[0]
    assert ("\n- 15:00 UTC — Identified: Severity raised to SEV1. Publishing API now major outage. "
            "Every publish now fails.\n") in timeline


def test_postmortem_authors_title_and_several_incidents(portal: Path) -> None:
    _incident_with_history(portal)
    other = sitrep("new", "incident", "--title", "Slow database", "--severity", "SEV3",
                   "--component", "database=degraded_performance", now="2026-02-11T08:00:00Z")
    assert other.exit_code == 0
    other_id = Path(other.stdout.strip()).stem
    result = sitrep("new", "postmortem", "--incident", INCIDENT_ID, "--incident", other_id,
                    "--author", "Aisha Okafor", "--author", "Smith, John", "--title", "Two incidents: one cause",
                    "--visibility", "public", now="2026-02-12T09:00:00Z")
    assert result.exit_code == 0, result.output
    path = portal / result.stdout.strip()
    fm = data(path)
    assert fm["authors"] == ["Aisha Okafor", "Smith, John"]
    assert fm["incidents"] == [INCIDENT_ID, other_id]
    assert fm["title"] == "Two incidents: one cause"
    assert fm["visibility"] == "public"
    text = path.read_text(encoding="utf-8")
    assert "- 2026-02-11 08:00 UTC — [Slow database] Investigating:" in text
    assert "not resolved yet" in result.stderr
    assert validate(portal).exit_code == 0


def test_second_postmortem_same_day_is_numbered_and_noted(portal: Path) -> None:
    _incident_with_history(portal)
    first = sitrep("new", "postmortem", "--incident", INCIDENT_ID)
    second = sitrep("new", "postmortem", "--incident", INCIDENT_ID)
    assert second.exit_code == 0
    assert second.stdout.strip() == first.stdout.strip().replace(".md", "-2.md")
    assert "already covers this incident" in second.stderr


def test_a_typo_in_an_id_is_not_answered_with_the_days_other_incidents(portal: Path) -> None:
    """Ids share their date: '2026-02-10-db-slow' is 70 % like '2026-02-10-api-eror' and was suggested too."""
    for title in ("API errors", "DB slow", "Web down"):
        made = sitrep("new", "incident", "--title", title, "--severity", "SEV3",
                      "--component", "publishing-api=degraded_performance", "--message", "Looking into it.")
        assert made.exit_code == 0, made.output
    result = sitrep("new", "postmortem", "--incident", "2026-02-10-api-eror")
    assert result.exit_code == 2
    assert "did you mean 2026-02-10-api-errors?" in result.output
    assert "db-slow" not in result.output and "web-down" not in result.output


def test_postmortem_for_unknown_incident_suggests_close_ids(portal: Path) -> None:
    _incident_with_history(portal)
    before = files(portal)
    result = sitrep("new", "postmortem", "--incident", INCIDENT_ID[:-3])
    assert result.exit_code == 2
    assert f"did you mean {INCIDENT_ID}" in result.output
    assert files(portal) == before


# --------------------------------------------------------------------------- new runbook


def test_new_runbook_is_a_valid_skeleton(portal: Path) -> None:
    result = sitrep("new", "runbook", "--title", "Restart the cache cluster", "--component", "database",
                    "--component", "web-app", "--owner", "Platform team")
    assert result.exit_code == 0, result.output
    assert result.stdout == "runbooks/restart-the-cache-cluster.md\n"
    path = portal / "runbooks/restart-the-cache-cluster.md"
    assert data(path) == {"title": "Restart the cache cluster", "components": ["database", "web-app"],
                          "owner": "Platform team", "last_reviewed": "2026-02-10", "review_every": 90,
                          "visibility": "internal"}
    text = path.read_text(encoding="utf-8")
    for heading in ("When to use", "Prerequisites", "Steps", "Verification", "Rollback", "Escalation"):
        assert f"\n## {heading}\n" in text
    assert validate(portal).exit_code == 0
    again = sitrep("new", "runbook", "--title", "Restart the cache cluster")
    assert again.stdout == "runbooks/restart-the-cache-cluster-2.md\n"
    assert "owner: TBD" in (portal / "runbooks/restart-the-cache-cluster-2.md").read_text()
    assert validate(portal).exit_code == 0


def test_new_runbook_unknown_component(portal: Path) -> None:
    result = sitrep("new", "runbook", "--title", "X", "--component", "cache")
    assert result.exit_code == 2
    assert "'cache' is not a configured component" in result.output
    assert files(portal) == ["mkdocs.yml"]


# --------------------------------------------------------------------------- pure helpers


@pytest.mark.parametrize(("title", "slug"), [
    ("Elevated error rates on the Publishing API", "elevated-error-rates-on-the-publishing-api"),
    ("Café & SSO: login fails!!", "cafe-sso-login-fails"),
    ("障害", "record"),
    ("A very long title that goes on and on about many different failing things",
     "a-very-long-title-that-goes-on-and-on-about-many"),
    ("x" * 80, "x" * 50),
])
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug
    assert len(slug) <= 50


def test_unique_stem() -> None:
    assert unique_stem("a", []) == "a"
    assert unique_stem("a", ["a", "a-2"]) == "a-3"


def test_default_message_keeps_acronyms() -> None:
    assert default_message("API errors") == "We are currently investigating API errors."
    assert default_message("Slow pages.") == "We are currently investigating slow pages."


# --------------------------------------------------------------------------- new maintenance


def test_new_maintenance_is_scheduled_then_completed(portal: Path) -> None:
    result = sitrep("new", "maintenance", "--title", "Redis 8 upgrade", "--component", "publishing-api",
                    "--start", "2026-12-10T01:00:00Z", "--end", "2026-12-10T05:00:00+02:00")
    assert result.exit_code == 0, result.output
    rel = result.output.strip().splitlines()[-1]
    assert rel == "incidents/2026/2026-12-10-redis-8-upgrade.md"
    record = data(portal / rel)
    assert record["kind"] == "maintenance"
    assert record["components"] == {"publishing-api": "under_maintenance"}
    assert record["updates"][0]["status"] == "scheduled"
    # The window is told in UTC whatever offset the options used.
    assert "December 10, 2026 from 01:00 to 03:00 UTC" in " ".join(record["updates"][0]["message"].split())
    assert validate(portal).exit_code == 0
    done = sitrep("resolve", "2026-12-10-redis-8-upgrade", "--message", "The upgrade is complete.",
                  now="2026-12-10T01:50:00Z")
    assert done.exit_code == 0, done.output
    assert data(portal / rel)["updates"][-1]["status"] == "completed"
    assert validate(portal).exit_code == 0


def test_new_maintenance_refuses_an_empty_window(portal: Path) -> None:
    result = sitrep("new", "maintenance", "--title", "Nothing", "--component", "publishing-api",
                    "--start", "2026-12-10T03:00:00Z", "--end", "2026-12-10T01:00:00Z")
    assert result.exit_code == 2
    assert "--end must be after --start" in result.output
    assert files(portal) == ["mkdocs.yml"]


# --------------------------------------------------------------------------- declaring from an issue form

FILED_FORM = """\
### Public title

Elevated error rates on the Publishing API

### Severity

SEV2 – High: major functionality degraded or significant performance impact; workaround painful.

### Affected components

- [ ] `web-app`
- [X] `publishing-api`
- [x] `database`

### Impact on those components

partial_outage – failing for some customers or some requests

### First public update

We are currently investigating errors when publishing.

Impact: some customers cannot publish.

Next update in 30 minutes.

### Incident commander

@priya

### Started at (UTC, with offset)

_No response_

### Notes for responders (not published)

Deploy 4812 went out at 14:20.
"""


def test_a_filed_issue_form_becomes_a_valid_record(portal: Path) -> None:
    result = sitrep("new", "from-issue", "-", "--at", "2026-02-10T14:38:00Z", stdin=FILED_FORM)
    assert result.exit_code == 0, result.output
    assert result.stdout == INCIDENT_REL + "\n"
    fm = data(portal / INCIDENT_REL)
    assert (fm["title"], fm["severity"], fm["commander"]) == (TITLE, "SEV2", "@priya")
    assert fm["components"] == {"publishing-api": "partial_outage", "database": "partial_outage"}
    assert fm["started"] == fm["detected"] == fm["acknowledged"] == "2026-02-10T14:38:00Z"
    assert fm["updates"][0]["message"].startswith("We are currently investigating errors when publishing.\n\n")
    assert "Deploy 4812" not in (portal / INCIDENT_REL).read_text()  # responders' notes stay on the issue
    assert validate(portal).exit_code == 0


@pytest.mark.parametrize(("change", "expected"), [
    (("- [X] `publishing-api`\n- [x] `database`", "- [ ] `publishing-api`"), "'Affected components' is empty"),
    (("errors when publishing", "[brief description of what customers see]"),
     "still has the placeholder [brief description of what customers see]"),
    (("@priya", "_No response_"), "'Incident commander' is empty"),
])
def test_an_incomplete_form_says_what_to_fix_and_writes_nothing(portal: Path, change: tuple[str, str],
                                                                 expected: str) -> None:
    before = files(portal)
    result = sitrep("new", "from-issue", "-", stdin=FILED_FORM.replace(*change))
    assert result.exit_code == 2
    assert expected in result.output and "Edit the issue" in result.output
    assert files(portal) == before


@pytest.mark.parametrize(("args", "said"), [
    (("--component", "databse"), "Invalid value for '--component': 'databse' is not a configured component "
                                 "(did you mean 'database'?); use one of: "),
    (("--days", "-5"), "Invalid value for '--days': -5 is not in the range x>=1."),
    (("--days", "0"), "Invalid value for '--days': 0 is not in the range x>=1."),
])
def test_report_refuses_an_unknown_component_or_a_window_of_no_days(portal, args, said):
    result = sitrep("report", *args, now="2026-02-10T14:00:00Z")
    assert result.exit_code == 2
    assert said in result.output
    assert "Reliability report" not in result.output
