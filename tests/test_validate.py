"""``sitrep validate`` through the real CLI, on small portals written to tmp_path.

Each test breaks one thing in an otherwise valid portal and checks the exact
file, line and code of the finding and the words the user needs to fix it.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sitrep.cli import main
from sitrep.load import loader as portal_module
from sitrep.load.loader import load_portal
from sitrep.model.config import load_config
from sitrep.model.diagnostics import Diagnostic
from sitrep.model.portal import Portal
from tests.support import helpers_build
from tests.support.helpers_build import INC, INCIDENT, PM, RB

REPO = Path(__file__).resolve().parents[1]

# The records of the build tests (helpers_build), minus what only a build needs.
RUNBOOK = helpers_build.RUNBOOK.replace("visibility: public\n", "")  # internal by default
POSTMORTEM = helpers_build.POSTMORTEM.replace("visibility: public\n", "")

# line numbers in INCIDENT
L_TITLE, L_SEVERITY, L_STARTED, L_DETECTED, L_MITIGATED, L_COMPONENT, L_RUNBOOKS = 2, 3, 4, 5, 6, 8, 9
L_UPDATE0, L_STATUS0, L_MESSAGE0, L_UPDATE1, L_STATUS1, L_CLOSE, L_BODY = 11, 12, 13, 14, 15, 17, 18

MNT = "incidents/2026/2026-03-01-database-upgrade.md"
MAINTENANCE = """\
---
kind: maintenance
title: Database upgrade
scheduled_start: 2026-03-01T02:00:00Z
scheduled_end: 2026-03-01T04:00:00Z
components:
  database: under_maintenance
updates:
  - at: 2026-02-20T10:00:00Z
    status: scheduled
    message: We will upgrade the primary database.
  - at: 2026-03-01T03:30:00Z
    status: completed
    message: The upgrade is complete.
---
"""

L_PM_INCIDENTS, L_PM_STATUS = 3, 6

BASE = {INC: INCIDENT, MNT: MAINTENANCE, RB: RUNBOOK, PM: POSTMORTEM}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    level: str
    code: str
    message: str


_TEXT_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<level>error|warning): (?P<message>.*) "
                        r"\[(?P<code>[a-z0-9-]+)\]$")


def portal(make_portal, changes: dict[str, str | bytes | None] | None = None) -> Path:
    """The valid base portal with some files replaced (a None value removes one)."""
    files = {**BASE, **(changes or {})}
    return make_portal({k: v for k, v in files.items() if v is not None})


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def run(root: Path, *args: str, cache: bool = False, env: dict[str, str] | None = None) -> Result:
    """``sitrep validate -f ROOT/mkdocs.yml ARGS``; never lets a traceback through."""
    argv = ["validate", "-f", str(root / "mkdocs.yml"), *args]
    if not cache:
        argv.append("--no-cache")
    result = CliRunner().invoke(main, argv, env={"GITHUB_ACTIONS": None, **(env or {})})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


def findings(result: Result) -> list[Finding]:
    """The text-format findings on stdout (every other stdout line must be an annotation)."""
    out = []
    for line in result.stdout.splitlines():
        if line.startswith("::"):
            continue
        match = _TEXT_LINE.match(line)
        assert match, f"not a 'path:line: level: message [code]' line: {line!r}"
        out.append(Finding(match["path"], int(match["line"]), match["level"], match["code"],
                           match["message"]))
    return out


def one(result: Result, path: str, code: str, line: int, level: str = "error") -> str:
    """Assert exactly one finding ``code`` in ``path``, on ``line``; return its message."""
    hits = [f for f in findings(result) if f.path == path and f.code == code]
    assert len(hits) == 1, (code, result.stdout)
    assert (hits[0].line, hits[0].level) == (line, level), hits[0]
    return hits[0].message


def errors(result: Result) -> list[Finding]:
    return [f for f in findings(result) if f.level == "error"]


def load(root: Path) -> Portal:
    portal_, _ = load_portal(root, load_config(root / "mkdocs.yml"), jobs=1)
    return portal_


# --------------------------------------------------------------------------- the base portal


def test_valid_portal_passes(make_portal):
    result = run(portal(make_portal))
    assert result.exit_code == 0
    assert findings(result) == []
    assert "2 incidents, 1 postmortem, 1 runbook; 0 errors, 0 warnings" in result.stderr


# --------------------------------------------------------------------------- file-level errors


def test_broken_yaml(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "title: Publishing API errors",
                                          "title: Publishing API: errors")})
    result = run(root)
    assert result.exit_code == 1
    message = one(result, INC, "yaml-syntax", L_TITLE)
    assert "YAML syntax error" in message and "quote" in message


def test_non_utf8_file(make_portal):
    root = portal(make_portal, {INC: INCIDENT.encode() + "Caf\xe9 ferm\xe9.\n".encode("latin-1")})
    result = run(root)
    assert result.exit_code == 1
    message = one(result, INC, "not-utf8", L_BODY + 1)
    assert "0xe9" in message and "UTF-8" in message


def test_empty_file(make_portal):
    result = run(portal(make_portal, {"runbooks/empty.md": ""}))
    assert result.exit_code == 1
    assert "empty" in one(result, "runbooks/empty.md", "empty-file", 1)


def test_unclosed_front_matter(make_portal):
    root = portal(make_portal, {RB: RUNBOOK.replace("---\n# Deployment", "# Deployment")})
    result = run(root)
    assert "never closed" in one(result, RB, "front-matter-not-closed", 1)


def test_missing_front_matter(make_portal):
    result = run(portal(make_portal, {RB: "# Deployment rollback\n"}))
    assert "'---'" in one(result, RB, "no-front-matter", 1)


def test_duplicate_key(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "detected: 2026-02-10T14:32:00Z", "severity: SEV1")})
    result = run(root)
    assert result.exit_code == 1
    message = one(result, INC, "duplicate-key", L_DETECTED)
    assert "'severity'" in message and f"line {L_SEVERITY}" in message


# --------------------------------------------------------------------------- fields


def test_missing_field(make_portal):
    root = portal(make_portal, {RB: edit(RUNBOOK, "owner: Platform team\n", "")})
    result = run(root)
    assert result.exit_code == 1
    message = one(result, RB, "missing-field", 1)  # the opening '---': the fields go below it
    assert message == "missing required field 'owner' (Team or person who keeps it current.): add 'owner: …'"


def test_missing_field_in_an_update(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "    status: investigating\n", "")})
    result = run(root)
    assert "'updates[0].status'" in one(result, INC, "missing-field", L_UPDATE0)


def test_unknown_field_with_did_you_mean(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "title: Publishing", "titel: Publishing")})
    result = run(root)
    assert result.exit_code == 1
    message = one(result, INC, "unknown-field", L_TITLE)
    assert message.startswith("unknown field 'titel' (did you mean 'title'?).")
    assert len(errors(result)) == 1, result.stdout  # not also "missing required field 'title'"


def test_unknown_field_in_an_update_suggests_update_fields(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "    message: We are", "    mesage: We are")})
    result = run(root)
    message = one(result, INC, "unknown-field", L_MESSAGE0)
    assert "did you mean 'message'?" in message
    assert "Allowed fields: at, status, message" in message


def test_bad_enum_value_lists_the_allowed_values(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "detected: 2026-02-10T14:32:00Z", "visibility: secret")})
    result = run(root)
    message = one(result, INC, "bad-value", L_DETECTED)
    assert "'secret' is not allowed" in message and "public, internal" in message


def test_bad_update_status_suggests_the_closest(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "status: resolved", "status: resolvd")})
    result = run(root)
    message = one(result, INC, "bad-value", L_STATUS1)
    assert "'resolvd'" in message and "did you mean 'resolved'?" in message
    assert "investigating, identified, monitoring, resolved" in message


def test_bad_impact(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "publishing-api: partial_outage", "publishing-api: down")})
    result = run(root)
    message = one(result, INC, "bad-value", L_COMPONENT)
    assert "'down' is not an impact" in message
    assert "degraded_performance, partial_outage, major_outage" in message


def test_unknown_component(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "publishing-api: partial", "publishing-apii: partial")})
    result = run(root)
    assert result.exit_code == 1
    message = one(result, INC, "unknown-component", L_COMPONENT)
    assert "'publishing-apii' is not a configured component" in message
    assert "did you mean 'publishing-api'?" in message
    assert "web-app, publishing-api, database" in message and "mkdocs.yml" in message


def test_unknown_component_in_a_runbook(make_portal):
    root = portal(make_portal, {RB: edit(RUNBOOK, "[publishing-api]", "[publishing-api, billing]")})
    result = run(root)
    assert "'billing'" in one(result, RB, "unknown-component", 5)


def test_naive_timestamp_says_how_to_fix(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "started: 2026-02-10T14:30:00Z", "started: 2026-02-10T14:30:00")})
    result = run(root)
    assert result.exit_code == 1
    message = one(result, INC, "naive-timestamp", L_STARTED)
    assert "'2026-02-10T14:30:00'" in message and "no UTC offset" in message
    assert "'Z'" in message and "+02:00" in message


def test_naive_timestamp_in_the_resolving_update_is_reported_once(make_portal):
    # 'resolved' defaults to the last update's time: the bad value must not be
    # reported a second time against a 'resolved' line that does not exist.
    root = portal(make_portal, {INC: edit(INCIDENT, "  - at: 2026-02-10T15:20:00Z", "  - at: 2026-02-10T15:20")})
    result = run(root)
    assert "updates[1].at" in one(result, INC, "naive-timestamp", L_UPDATE1)
    assert [f.code for f in errors(result)] == ["naive-timestamp"]


def test_bad_timestamp(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "started: 2026-02-10T14:30:00Z", "started: yesterday")})
    result = run(root)
    assert "2026-02-10T14:30:00Z" in one(result, INC, "bad-timestamp", L_STARTED)


# --------------------------------------------------------------------------- YAML 1.1 traps


def test_yaml11_boolean_is_a_warning_and_exit_0(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "detected: 2026-02-10T14:32:00Z", "commander: yes")})
    result = run(root)
    assert result.exit_code == 0
    message = one(result, INC, "yaml11-boolean", L_DETECTED, level="warning")
    assert "commander" in message and 'quote it ("yes")' in message
    assert "0 errors, 1 warning" in result.stderr
    assert load(root).incident("2026-02-10-api-errors").commander == "yes"


def test_strict_turns_warnings_into_exit_1(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "detected: 2026-02-10T14:32:00Z", "commander: on")})
    assert run(root).exit_code == 0
    result = run(root, "--strict")
    assert result.exit_code == 1
    one(result, INC, "yaml11-boolean", L_DETECTED, level="warning")


def test_yaml11_sexagesimal_is_never_silently_a_number(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "detected: 2026-02-10T14:32:00Z", "users_affected: 1:30")})
    result = run(root)
    assert result.exit_code == 1
    assert "base-60" in one(result, INC, "yaml11-sexagesimal", L_DETECTED, level="warning")
    assert "whole number" in one(result, INC, "wrong-type", L_DETECTED)


# --------------------------------------------------------------------------- severity


@pytest.mark.parametrize(("written", "canonical"), [
    ("P0", "SEV1"), ("P1", "SEV2"), ("P2", "SEV3"), ("P3", "SEV4"), ("SEV-1", "SEV1"),
    ("sev1", "SEV1"), ("Sev 1", "SEV1"), ("sev-3", "SEV3"), ("SEV4", "SEV4"), ("critical", "SEV1"),
])
def test_severity_aliases_are_normalised(make_portal, written, canonical):
    root = portal(make_portal, {INC: edit(INCIDENT, "severity: SEV2", f"severity: {written}")})
    result = run(root)
    assert result.exit_code == 0, result.stdout
    assert findings(result) == []
    assert load(root).incident("2026-02-10-api-errors").severity == canonical


def test_unknown_severity_lists_the_levels(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "severity: SEV2", "severity: SEV5")})
    result = run(root)
    message = one(result, INC, "bad-value", L_SEVERITY)
    assert "'SEV5' is not a known severity" in message
    assert "SEV1 (Critical)" in message and "SEV4 (Low)" in message and "P0" in message


@pytest.mark.parametrize(("written", "canonical"), [("4", "SEV4"), ("0", "SEV1"), ("'4'", "SEV4")])
def test_a_bare_number_only_one_level_has_is_that_level(make_portal, written, canonical):
    # With the default levels, 4 is SEV4's alone and 0 is P0's (SEV1); the record means that level.
    changed = edit(INCIDENT, "severity: SEV2", f"severity: {written}")
    changed = edit(changed, "    status: resolved\n", f"    status: resolved\n    severity: {written}\n")
    root = portal(make_portal, {INC: changed})
    result = run(root)
    assert result.exit_code == 0 and findings(result) == [], result.stdout
    incident = load(root).incident("2026-02-10-api-errors")
    assert incident.severity == canonical and incident.updates[-1].severity == canonical


@pytest.mark.parametrize(("number", "meanings", "fix"), [
    (1, "SEV1 (Critical) or P1, that is SEV2 (High)", "'severity: SEV1' or 'severity: SEV2'"),
    (2, "SEV2 (High) or P2, that is SEV3 (Medium)", "'severity: SEV2' or 'severity: SEV3'"),
    (3, "SEV3 (Medium) or P3, that is SEV4 (Low)", "'severity: SEV3' or 'severity: SEV4'"),
])
def test_a_bare_number_two_levels_have_names_both_and_the_line_to_write(make_portal, number, meanings, fix):
    # SEV2 is level 2, and so is P2 (SEV3): guessing would page the wrong people.
    changed = edit(INCIDENT, "severity: SEV2", f"severity: {number}")
    changed = edit(changed, "    status: resolved\n", f"    status: resolved\n    severity: {number}\n")
    result = run(portal(make_portal, {INC: changed}))
    assert result.exit_code == 1
    expected = f"{number} is a bare number, which could mean {meanings}; write the level: {fix}"
    assert errors(result) == [Finding(INC, L_SEVERITY, "error", "bad-value", f"severity: {expected}"),
                              Finding(INC, L_STATUS1 + 1, "error", "bad-value", f"updates[1].severity: {expected}")]


def test_a_bare_number_is_the_level_of_that_number_when_the_levels_make_it_one(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "severity: SEV2", "severity: 2")})
    config = root / "mkdocs.yml"
    levels = "".join(f"        - {{id: SEV{n}, name: {name}, definition: d, response: r}}\n"
                     for n, name in ((1, "Critical"), (2, "High"), (3, "Medium")))
    config.write_text(config.read_text(encoding="utf-8") + "      severities:\n" + levels, encoding="utf-8")
    result = run(root)
    assert result.exit_code == 0 and findings(result) == [], result.stdout
    assert load(root).incident("2026-02-10-api-errors").severity == "SEV2"
    schema = CliRunner().invoke(main, ["schema", "--kind", "incident", "-f", str(config)])
    assert json.loads(schema.output)["properties"]["severity"]["anyOf"][2] == {"type": "integer", "enum": [1, 2, 3]}


def test_a_number_no_level_has_lists_the_levels(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "severity: SEV2", "severity: 7")})
    message = one(run(root), INC, "bad-value", L_SEVERITY)
    assert message.startswith("severity: 7 is not a known severity; use one of: SEV1 (Critical)")


def test_missing_severity(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "severity: SEV2\n", "")})
    result = run(root)
    message = one(result, INC, "missing-field", 1)
    assert message == "missing required field 'severity': add 'severity: …', one of SEV1, SEV2, SEV3, SEV4"


# --------------------------------------------------------------------------- lifecycle


def test_detected_before_started(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "detected: 2026-02-10T14:32", "detected: 2026-02-10T14:20")})
    result = run(root)
    message = one(result, INC, "time-order", L_DETECTED)
    assert "detected (2026-02-10T14:20:00+00:00) is before started" in message
    assert "started <= detected <= acknowledged" in message


def test_acknowledged_before_detected(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "mitigated: 2026-02-10T15:05:00Z",
                                          "acknowledged: 2026-02-10T14:31:00Z")})
    result = run(root)
    assert "acknowledged (2026-02-10T14:31:00+00:00) is before detected" in one(
        result, INC, "time-order", L_MITIGATED)


def test_mitigated_before_started(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "mitigated: 2026-02-10T15:05", "mitigated: 2026-02-10T14:00")})
    result = run(root)
    message = one(result, INC, "time-order", L_MITIGATED)
    assert "mitigated" in message and "before started" in message
    assert "started <= mitigated <= resolved" in message


def test_resolved_before_mitigated(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "detected: 2026-02-10T14:32:00Z",
                                          "resolved: 2026-02-10T15:00:00Z")})
    result = run(root)
    assert "resolved (2026-02-10T15:00:00+00:00) is before mitigated" in one(
        result, INC, "time-order", L_DETECTED)


def test_defaulted_resolved_before_mitigated_points_at_the_last_update(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "mitigated: 2026-02-10T15:05", "mitigated: 2026-02-10T15:30")})
    result = run(root)
    message = one(result, INC, "time-order", L_UPDATE1)
    assert "resolved (2026-02-10T15:20:00+00:00, the time of the last update" in message
    assert "before mitigated" in message


def test_updates_out_of_order(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "  - at: 2026-02-10T14:40", "  - at: 2026-02-10T15:30")})
    result = run(root)
    message = one(result, INC, "update-order", L_UPDATE1)
    assert "earlier than the update before it" in message and "oldest first" in message


def test_first_update_before_started_is_a_warning(make_portal):
    text = edit(INCIDENT, "started: 2026-02-10T14:30:00Z", "started: 2026-02-10T14:31:00Z")
    text = edit(text, "  - at: 2026-02-10T14:40", "  - at: 2026-02-10T14:20")
    result = run(portal(make_portal, {INC: text}))
    assert result.exit_code == 0
    assert "earlier than 'started'" in one(result, INC, "update-before-start", L_UPDATE0, level="warning")


def test_an_update_pasted_twice_is_a_warning_naming_both_lines(make_portal):
    first = ("  - at: 2026-02-10T14:40:00Z\n    status: investigating\n"
             "    message: We are investigating errors on the Publishing API.\n")
    same_minute = first.replace("on the Publishing API.", "on the Publishing API and the editor.")
    text = edit(INCIDENT, first, first + same_minute + first)  # lines 14-16: another message; 17-19: a paste
    result = run(portal(make_portal, {INC: text}))
    assert result.exit_code == 0  # teams do post twice in a minute: not an error
    message = one(result, INC, "repeated-update", L_UPDATE0 + 6, level="warning")
    assert message.startswith(f"updates[2] repeats updates[0] (line {L_UPDATE0}): the same time, status and message")
    assert "remove one" in message


def test_resolved_set_while_still_open(make_portal):
    text = edit(INCIDENT, "status: resolved", "status: monitoring")
    text = edit(text, "detected: 2026-02-10T14:32:00Z", "resolved: 2026-02-10T15:20:00Z")
    result = run(portal(make_portal, {INC: text}))
    message = one(result, INC, "resolved-but-open", L_DETECTED)
    assert "latest update is 'monitoring'" in message


def test_resolved_defaults_to_the_resolving_update(make_portal):
    root = portal(make_portal)
    incident = load(root).incident("2026-02-10-api-errors")
    assert incident.resolved == datetime(2026, 2, 10, 15, 20, tzinfo=UTC)


def test_open_incident_has_no_resolved(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "status: resolved", "status: monitoring")})
    assert findings(run(root)) == []
    assert load(root).incident("2026-02-10-api-errors").resolved is None


# --------------------------------------------------------------------------- maintenance


def test_maintenance_needs_its_schedule(make_portal):
    text = edit(MAINTENANCE, "scheduled_start: 2026-03-01T02:00:00Z\nscheduled_end: 2026-03-01T04:00:00Z\n", "")
    result = run(portal(make_portal, {MNT: text}))
    assert result.exit_code == 1
    for key in ("scheduled_start", "scheduled_end"):
        hits = [f for f in errors(result) if f.path == MNT and f"'{key}'" in f.message]
        assert len(hits) == 1, result.stdout
        assert (hits[0].line, hits[0].code) == (1, "missing-field")
        assert "kind: maintenance" in hits[0].message


def test_maintenance_uses_maintenance_statuses(make_portal):
    result = run(portal(make_portal, {MNT: edit(MAINTENANCE, "status: scheduled", "status: investigating")}))
    message = one(result, MNT, "bad-value", 10)
    assert "not a status of a maintenance" in message
    assert "scheduled, in_progress, verifying, completed" in message


def test_maintenance_impact_is_under_maintenance(make_portal):
    result = run(portal(make_portal, {MNT: edit(MAINTENANCE, "database: under_maintenance", "database: major_outage")}))
    assert "use one of: under_maintenance" in one(result, MNT, "bad-value", 7)


def test_maintenance_schedule_order(make_portal):
    text = edit(MAINTENANCE, "scheduled_end: 2026-03-01T04", "scheduled_end: 2026-03-01T01")
    result = run(portal(make_portal, {MNT: text}))
    assert "scheduled_end must be after scheduled_start" in one(result, MNT, "time-order", 5)


def test_completed_maintenance_is_resolved(make_portal):
    maintenance = load(portal(make_portal)).incident("2026-03-01-database-upgrade")
    assert maintenance.is_maintenance and maintenance.severity is None
    assert maintenance.resolved == datetime(2026, 3, 1, 3, 30, tzinfo=UTC)


# --------------------------------------------------------------------------- references and ids


def test_incident_references_a_missing_runbook(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "runbooks: [rollback]", "runbooks: [rollback, failover]")})
    result = run(root)
    assert result.exit_code == 1
    message = one(result, INC, "unknown-runbook", L_RUNBOOKS)
    assert "runbook 'failover' does not exist" in message and "known runbooks: rollback" in message


def test_runbook_related_to_a_missing_runbook(make_portal):
    root = portal(make_portal, {RB: edit(RUNBOOK, "components: [publishing-api]\n",
                                         "components: [publishing-api]\nrelated: [db-failover]\n")})
    result = run(root)
    assert "'db-failover'" in one(result, RB, "unknown-runbook", 6)


def test_postmortem_references_a_missing_incident(make_portal):
    root = portal(make_portal, {PM: edit(POSTMORTEM, "[2026-02-10-api-errors]",
                                         "[2026-02-10-api-errors, 2026-02-11-api-errors]")})
    result = run(root)
    assert result.exit_code == 1
    message = one(result, PM, "unknown-incident", L_PM_INCIDENTS)
    assert "incident '2026-02-11-api-errors' does not exist" in message


def test_invalid_incident_is_not_also_reported_as_missing(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "started: 2026-02-10T14:30:00Z", "started: 2026-02-10T14:30")})
    result = run(root)
    assert [(f.path, f.code) for f in errors(result)] == [(INC, "naive-timestamp")]


def test_a_hand_written_incident_gets_every_problem_in_one_run(make_portal):
    # Statuspage habits: a time without offset, "partial outage" and "Investigating" as the page shows them.
    # The bad time fails the model; the impact and the status are still named, so one round of fixes does.
    text = edit(edit(edit(INCIDENT, "started: 2026-02-10T14:30:00Z", "started: 2026-02-10 14:30"),
                     "publishing-api: partial_outage", "publishing-api: partial outage"),
                "    status: investigating\n", "    status: Investigating\n")
    text = edit(text, "    status: resolved\n", "    status: resolved\n    components:\n      publishing-api: fixed\n")
    result = run(portal(make_portal, {INC: text}))
    assert [(f.line, f.code) for f in errors(result) if f.path == INC] == [
        (L_STARTED, "naive-timestamp"), (L_COMPONENT, "bad-value"), (L_STATUS0, "bad-value"),
        (L_STATUS1 + 2, "bad-value")]
    assert "updates[1].components.publishing-api: 'fixed' is not an impact" in result.output
    assert "'partial outage' is not an impact (did you mean 'partial_outage'?)" in result.output
    assert "'Investigating' is not a status of an incident (did you mean 'investigating'?)" in result.output


def test_markdown_link_to_a_missing_runbook(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "../../runbooks/rollback.md", "../../runbooks/rolback.md")})
    result = run(root)
    assert result.exit_code == 1
    message = one(result, INC, "broken-link", L_BODY)
    assert "'../../runbooks/rolback.md'" in message and "runbooks/rolback.md, which does not exist" in message


def test_link_with_a_name_too_long_for_the_file_system(make_portal):
    target = "../../runbooks/" + "é" * 300 + ".md"
    root = portal(make_portal, {INC: edit(INCIDENT, "../../runbooks/rollback.md", target)})
    one(run(root), INC, "broken-link", L_BODY)


def test_links_in_code_fences_and_to_other_sites_are_not_checked(make_portal):
    body = "```\n[x](../../runbooks/nowhere.md)\n```\n[site](https://example.com/a.md) [top](#top)\n"
    assert findings(run(portal(make_portal, {INC: INCIDENT + body}))) == []


def test_links_in_inline_code_and_a_four_backtick_fence_are_not_checked_but_one_beside_them_is(make_portal):
    body = ("Run `[x](../../runbooks/nowhere.md)` literally, or ``[y](gone.md)``.\n"
            "````markdown\n```\n[x](../../runbooks/nowhere.md)\n```\n[y](gone.md)\n````\n"
            "But [this one](../../runbooks/missing.md) is a link.\n")
    result = run(portal(make_portal, {INC: INCIDENT + body}))
    assert result.exit_code == 1
    message = one(result, INC, "broken-link", L_BODY + 8)
    assert "'../../runbooks/missing.md'" in message
    assert [f.code for f in findings(result)] == ["broken-link"]


def test_duplicate_id_from_file_names(make_portal):
    root = portal(make_portal, {"runbooks/old/rollback.md": RUNBOOK})
    result = run(root)
    assert result.exit_code == 1
    message = one(result, RB, "duplicate-id", 1)
    assert "runbook id 'rollback' is already used by runbooks/old/rollback.md" in message


def test_duplicate_id_via_explicit_id(make_portal):
    other = "incidents/2026/2026-02-11-api-errors-again.md"
    root = portal(make_portal, {other: edit(INCIDENT, "---\ntitle:", "---\nid: 2026-02-10-api-errors\ntitle:")})
    result = run(root)
    message = one(result, other, "duplicate-id", 2)
    assert f"'2026-02-10-api-errors' is already used by {INC}" in message
    assert "unique" in message


def test_duplicate_id_of_an_invalid_record_is_still_reported(make_portal):
    other = "incidents/2026/2026-02-11-api-errors-again.md"
    text = edit(INCIDENT, "---\ntitle:", "---\nid: 2026-02-10-api-errors\ntitle:")
    text = edit(text, "severity: SEV2", "severity: [SEV2]")
    result = run(portal(make_portal, {other: text}))
    one(result, other, "duplicate-id", 2)
    one(result, other, "wrong-type", 4)


# --------------------------------------------------------------------------- postmortems


def test_published_postmortem_needs_all_sections(make_portal):
    text = edit(POSTMORTEM, "## Root Cause\nA library upgrade changed how empty custom fields are read.\n\n", "")
    text = edit(text, "## Lessons Learned\nCanary releases would have caught this.\n", "")
    result = run(portal(make_portal, {PM: text}))
    assert result.exit_code == 1
    message = one(result, PM, "missing-section", L_PM_STATUS)
    assert "Root Cause, Lessons Learned" in message
    assert "## Root Cause" in message and "status: draft" in message


def test_published_postmortem_with_template_placeholders_is_an_error_on_their_lines(make_portal):
    text = edit(POSTMORTEM, "A library upgrade changed how empty custom fields are read.",
                "[Technical explanation of what caused the incident, and why it was not caught earlier.]")
    text = edit(text, "Canary releases would have caught this.", "See [the runbook](../runbooks/x.md), [Time].")
    result = run(portal(make_portal, {PM: text}))
    assert result.exit_code == 1
    lines = text.splitlines()
    root_cause = lines.index("[Technical explanation of what caused the incident, and why it was not caught "
                             "earlier.]") + 1
    found = [f for f in errors(result) if f.code == "template-placeholder"]
    # [Time] on the last line, not the link before it
    assert [(f.path, f.line) for f in found] == [(PM, root_cause), (PM, len(lines))]
    assert '"[Technical explanation of what caused the incident' in found[0].message
    assert "\\[...\\]" in found[0].message and '"[Time]"' in found[1].message


@pytest.mark.parametrize("kept", ["- [x] Done - Ann - 2026-01-01", "A [link](https://example.com) and [ref][1].",
                                  "Escaped \\[redacted\\] and [sic].", "`[in code]`", "<!-- [Comment] -->",
                                  "A footnote[^1]."])
def test_markdown_brackets_are_not_placeholders(make_portal, kept: str):
    text = edit(POSTMORTEM, "Canary releases would have caught this.", kept)
    assert [f for f in findings(run(portal(make_portal, {PM: text}))) if f.code == "template-placeholder"] == []


def test_draft_postmortem_may_keep_placeholders(make_portal):
    text = edit(POSTMORTEM, "status: published", "status: draft")
    text = edit(text, "Canary releases would have caught this.", "[Key takeaways for the team]")
    assert findings(run(portal(make_portal, {PM: text}))) == []


def test_draft_postmortem_may_lack_sections(make_portal):
    text = POSTMORTEM.split("## Summary")[0].replace("status: published", "status: draft")
    assert findings(run(portal(make_portal, {PM: text}))) == []


# --------------------------------------------------------------------------- one run, many problems


def test_every_problem_in_every_file_in_one_run(make_portal):
    root = portal(make_portal, {
        INC: edit(edit(INCIDENT, "severity: SEV2", "severity: SEV9"), "status: resolved", "status: done"),
        RB: edit(RUNBOOK, "[publishing-api]", "[nope]"),
        PM: edit(POSTMORTEM, "[2026-02-10-api-errors]", "[2026-01-01-nothing]"),
        MNT: edit(MAINTENANCE, "title: Database upgrade", "title: Database upgrade\ntitle: again"),
        "runbooks/empty.md": "",
        "runbooks/legacy.md": b"---\ntitle: caf\xe9\n---\n",
    })
    result = run(root)
    assert result.exit_code == 1
    got = {(f.path, f.line, f.code) for f in errors(result)}
    assert got == {
        (INC, L_SEVERITY, "bad-value"),
        (INC, L_STATUS1, "bad-value"),
        (RB, 5, "unknown-component"),
        (PM, L_PM_INCIDENTS, "unknown-incident"),
        (MNT, 4, "duplicate-key"),
        ("runbooks/empty.md", 1, "empty-file"),
        ("runbooks/legacy.md", 2, "not-utf8"),
    }
    assert "7 errors" in result.stderr
    paths = [f.path for f in findings(result)]
    assert paths == sorted(paths)  # stable order: by file, then line


def test_references_of_an_invalid_record_are_checked_in_the_same_run(make_portal):
    # A typo in one field does not hide a dangling runbook or a broken link until the next run.
    text = edit(edit(INCIDENT, "title:", "titel:"), "runbooks: [rollback]", "runbooks: [rolback]")
    root = portal(make_portal, {INC: edit(text, "../../runbooks/rollback.md", "../../runbooks/gone.md")})
    got = {(f.path, f.line, f.code) for f in errors(run(root))}
    assert got == {(INC, L_TITLE, "unknown-field"),
                   (INC, L_RUNBOOKS, "unknown-runbook"), (INC, L_BODY, "broken-link")}


# --------------------------------------------------------------------------- exit codes


def test_missing_config_exits_2(tmp_path):
    result = CliRunner().invoke(main, ["validate", "-f", str(tmp_path / "mkdocs.yml")])
    assert result.exit_code == 2
    assert "mkdocs.yml not found" in result.stderr
    assert "Traceback" not in result.output


def test_config_without_sitrep_exits_2(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: X\nplugins:\n  - search\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "-f", str(tmp_path / "mkdocs.yml")])
    assert result.exit_code == 2
    assert "no 'sitrep' entry" in result.stderr


# --------------------------------------------------------------------------- output formats


def test_github_annotations_when_github_actions_is_true(make_portal):
    root = portal(make_portal, {INC: edit(edit(INCIDENT, "severity: SEV2", "severity: SEV9"),
                                          "detected: 2026-02-10T14:32:00Z", "commander: yes")})
    result = run(root, env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"{INC}:{L_SEVERITY}: error: " in result.stdout  # the plain lines stay
    assert any(line.startswith(f"::error file={INC},line={L_SEVERITY},title=sitrep bad-value::severity: "
                               "'SEV9' is not a known severity") for line in lines)
    assert any(line.startswith(f"::warning file={INC},line={L_DETECTED},title=sitrep yaml11-boolean::")
               for line in lines)


def test_no_annotations_outside_github_actions(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "severity: SEV2", "severity: SEV9")})
    assert "::error" not in run(root).stdout
    assert "::error" not in run(root, "--format", "text", env={"GITHUB_ACTIONS": "true"}).stdout
    assert "::error" in run(root, "--format", "github").stdout


def test_github_annotations_escape_special_characters(make_portal):
    odd = "incidents/2026/2026-02-10-50%,off:x.md"
    root = portal(make_portal, {odd: edit(edit(INCIDENT, "---\ntitle:", "---\nid: odd\ntitle:"),
                                          "detected: 2026-02-10T14:32:00Z", "type: 50%")})
    result = run(root, "--format", "github")
    lines = result.stdout.splitlines()
    escaped = "incidents/2026/2026-02-10-50%25%2Coff%3Ax.md"
    line = L_DETECTED + 1  # after the added 'id:'
    bad = [text for text in lines if text.startswith(f"::error file={escaped},line={line},")]
    assert len(bad) == 1, result.stdout
    assert bad[0].startswith(f"::error file={escaped},line={line},title=sitrep bad-value::type: '50%25' is")
    # the message keeps ':' and ',' (only properties escape them)
    assert "use one of: outage, degradation" in bad[0]


def test_github_message_escaping_of_line_breaks():
    d = Diagnostic("a,b:c%.md", 3, "warning", "x-y", "50% done\r\nnext: a, b")
    assert d.as_github() == "::warning file=a%2Cb%3Ac%25.md,line=3,title=sitrep x-y::50%25 done%0D%0Anext: a, b"


def test_json_format(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "severity: SEV2", "severity: SEV9")})
    result = run(root, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data == [{"path": INC, "line": L_SEVERITY, "level": "error", "code": "bad-value",
                     "message": data[0]["message"]}]
    assert "SEV9" in data[0]["message"]
    assert json.loads(run(portal(make_portal, {INC: INCIDENT}), "--format", "json").stdout) == []


def test_messages_stay_on_one_line(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "severity: SEV2", "severity: |\n  SEV\n  two")})
    result = run(root)
    message = one(result, INC, "bad-value", L_SEVERITY)
    assert "'SEV\\ntwo\\n'" in message


# --------------------------------------------------------------------------- cache and read-only


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file() and ".sitrep-cache" not in p.parts}


def test_validate_never_writes_to_the_records(make_portal):
    root = portal(make_portal, {
        INC: edit(INCIDENT, "severity: SEV2", "severity: P0"),  # normalised in memory only
        "runbooks/crlf.md": RUNBOOK.replace("\n", "\r\n"),
        "runbooks/bom.md": "\ufeff" + RUNBOOK,
        "runbooks/bad.md": "---\ntitle: [\n---\n",
    })
    before = _snapshot(root)
    for args in ((), ("--format", "json"), ("--strict",)):
        run(root, *args, cache=True)
        run(root, *args)
    assert _snapshot(root) == before
    assert sorted(p.name for p in root.iterdir()) == [".sitrep-cache", "incidents", "mkdocs.yml",
                                                      "postmortems", "runbooks"]


def test_no_cache_writes_no_cache(make_portal):
    root = portal(make_portal)
    run(root)
    assert not (root / ".sitrep-cache").exists()


def test_cache_gives_identical_output(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "severity: SEV2", "severity: SEV9"),
                                RB: edit(RUNBOOK, "owner: Platform team", "owner: yes")})
    first = run(root, cache=True)
    assert any((root / ".sitrep-cache").iterdir())
    second = run(root, cache=True)
    assert (second.exit_code, second.stdout, second.stderr) == (first.exit_code, first.stdout, first.stderr)
    uncached = run(root)
    assert (uncached.exit_code, uncached.stdout) == (first.exit_code, first.stdout)


def test_editing_a_file_invalidates_its_cached_findings(make_portal):
    root = portal(make_portal)
    assert run(root, cache=True).exit_code == 0
    path = root / INC
    stat = path.stat()
    # same size, same mtime: only the content says it changed
    path.write_text(edit(INCIDENT, "severity: SEV2", "severity: SEV7"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result = run(root, cache=True)
    assert result.exit_code == 1
    one(result, INC, "bad-value", L_SEVERITY)
    path.write_text(INCIDENT, encoding="utf-8")
    assert findings(run(root, cache=True)) == []


def test_damaged_cache_is_ignored(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "severity: SEV2", "severity: SEV9")})
    first = run(root, cache=True)
    (cache_file,) = (root / ".sitrep-cache").iterdir()
    stored = json.loads(cache_file.read_text(encoding="utf-8"))  # JSON, never pickle
    digest, when = stored["files"][INC][0], stored["checked_at"]
    for damage in (b"\x80\x04\x95garbage", b"[1, 2]", json.dumps({INC: [digest, 5, None, "x", 1, 2]}).encode(),
                   json.dumps({"checked_at": when, "files": {INC: [digest, 5, None, "x", 1, 2]}}).encode(),
                   json.dumps({"checked_at": "yesterday", "files": stored["files"]}).encode(),
                   json.dumps({"checked_at": when, "files": {
                       INC: [digest, [["p", "not a line", "error", "c", "m"]], [], 1, "x", True]}}).encode()):
        cache_file.write_bytes(damage)
        again = run(root, cache=True)
        assert (again.exit_code, again.stdout) == (first.exit_code, first.stdout)


def test_warm_run_rewrites_nothing(make_portal):
    root = portal(make_portal)
    run(root, cache=True)
    (cache_file,) = (root / ".sitrep-cache").iterdir()
    before = (cache_file.read_bytes(), cache_file.stat().st_mtime_ns)
    time.sleep(0.01)
    run(root, cache=True)
    assert (cache_file.read_bytes(), cache_file.stat().st_mtime_ns) == before


def test_cache_in_worker_processes(make_portal, monkeypatch: pytest.MonkeyPatch):
    # Large repositories are checked by worker processes, which hash each file as
    # they read it and skip the ones the cache knows: same findings either way.
    monkeypatch.setattr(portal_module, "PARALLEL_THRESHOLD", 0)
    root = portal(make_portal, {RB: edit(RUNBOOK, "owner: Platform team", "owner: yes")})
    uncached = run(root, "--jobs", "2")
    first = run(root, "--jobs", "2", cache=True)
    second = run(root, "--jobs", "2", cache=True)
    assert uncached.stdout == first.stdout == second.stdout and "yaml11-boolean" in first.stdout
    (root / INC).write_text(edit(INCIDENT, "severity: SEV2", "severity: SEV7"), encoding="utf-8")
    third = run(root, "--jobs", "2", cache=True)
    one(third, INC, "bad-value", L_SEVERITY)
    assert third.stdout.count("yaml11-boolean") == 1


def test_cross_file_findings_are_not_cached(make_portal):
    root = portal(make_portal)
    assert run(root, cache=True).exit_code == 0
    (root / RB).unlink()
    result = run(root, cache=True)
    one(result, INC, "unknown-runbook", L_RUNBOOKS)
    one(result, INC, "broken-link", L_BODY)


# --------------------------------------------------------------------------- robustness


def test_no_traceback_on_a_portal_of_broken_files(make_portal):
    root = portal(make_portal, {
        "incidents/2026/2026-01-01-a.md": b"\x00\x01\x02",
        "incidents/2026/2026-01-02-b.md": b"\xff\xfe-\x00-\x00-\x00",
        "incidents/2026/2026-01-03-c.md": "---\n- just\n- a list\n---\n",
        "incidents/2026/2026-01-04-d.md": "---\ntitle: x\nupdates: 12\ncomponents: [a]\nseverity: {x: 1}\n---\n",
        "incidents/2026/2026-01-05-e.md": "---\nid: 12\ntitle: ''\nupdates: [{}]\ncomponents: {}\n---\n",
        "incidents/2026/2026-01-06-f.md": "---\nkind: maintenance\nupdates: [{at: 1, status: 2, message: 3}]\n---\n",
        "incidents/2026/2026-01-07-g.md": "---\na: &a [*a]\n---\n",
        "incidents/2026/2026-01-08-h.md": "---\nrunbooks: rollback\nstarted: 2026-13-45T99:00:00Z\n---\n",
        "postmortems/2026-01-09-i.md": ("---\nincidents: {a: 1}\ndate: tomorrow\nstatus: published\n---\n"
                                        "## Action Items\n- [ ]\n"),
        "runbooks/j.md": "---\ntitle: x\nrelated: [[a]]\nreview_every: -1\n---\n[a](<>) [b]( ) [c](.md)\n",
        "runbooks/k.md": "\ufeff\u2028",
        "runbooks/l.md": "---\r\n\r\n---\r\n",
    })
    for args in ((), ("--format", "json"), ("--format", "github"), ("--strict",)):
        result = run(root, *args)
        assert result.exit_code == 1
    assert len(errors(run(root))) >= 12


def test_sample_portal_at_the_top_level_validates():
    # The one test here that reads the repository's own records (the live demo, or a team's
    # records once it adopts Sitrep): they must pass the check their pull requests pass.
    result = CliRunner().invoke(main, ["validate", "-f", str(REPO / "mkdocs.yml"), "--no-cache",
                                       "--format", "json"], env={"GITHUB_ACTIONS": None})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.stdout), list)


def test_paths_are_shown_relative_to_the_working_directory(make_portal, monkeypatch) -> None:
    root = make_portal({"runbooks/bad.md": "---\ntitle: Bad\n---\n"})
    monkeypatch.chdir(root.parent)
    result = CliRunner().invoke(main, ["validate", "--no-cache", "-f", f"{root.name}/mkdocs.yml"],
                                env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    assert f"{root.name}/runbooks/bad.md:1: error: missing required field 'owner'" in result.output
    assert f"::error file={root.name}/runbooks/bad.md,line=1," in result.output


# --------------------------------------------------------------------------- responders' slips


PASTED = "  - at: 2026-02-10T15:30:00Z\n    status: monitoring\n    message: A fix is deployed.\n"


def test_an_update_pasted_below_the_closing_dashes_is_an_error(make_portal):
    # The likeliest slip in GitHub's web editor: the new item lands after the front matter.
    root = portal(make_portal, {INC: INCIDENT + PASTED})
    result = run(root)
    assert result.exit_code == 1
    message = one(result, INC, "update-in-body", INCIDENT.count("\n") + 1)
    assert f"below the closing '---' (line {L_CLOSE})" in message
    assert "move it above that line, as the last item of 'updates:'" in message


def test_an_update_shown_in_a_code_block_or_prose_is_not_an_error(make_portal):
    body = f"Our updates look like this:\n\n```yaml\n{PASTED}```\n\nWe posted at: 2026-02-10 our first note.\n"
    result = run(portal(make_portal, {INC: INCIDENT + body}))
    assert result.exit_code == 0, result.stdout


@pytest.mark.parametrize("explicit_id", [False, True])
def test_a_broken_incident_gives_no_error_in_the_files_that_name_it(make_portal, explicit_id):
    broken = edit(INCIDENT, "title: Publishing API errors", "title: Publishing API: errors")
    path = INC
    if explicit_id:  # a file named differently, with its id on an id: line the YAML error hides
        broken = broken.replace("---\n", "---\nid: 2026-02-10-api-errors\n", 1)
        path = "incidents/2026/2026-02-10-renamed.md"
    result = run(portal(make_portal, {INC: None, path: broken}))
    assert result.exit_code == 1
    assert [(f.path, f.code) for f in errors(result)] == [(path, "yaml-syntax")]  # not the postmortem's


def test_records_loaded_by_workers_equal_those_of_one_process(monkeypatch: pytest.MonkeyPatch):
    # Workers send every record back pickled: fields, timestamps (shared time zones), path and body.
    sample = Path(__file__).resolve().parent / "fixtures" / "sample"
    config = load_config(sample / "mkdocs.yml")
    one, one_diags = load_portal(sample, config, jobs=1)
    monkeypatch.setattr(portal_module, "PARALLEL_THRESHOLD", 0)
    two, two_diags = load_portal(sample, config, jobs=2)
    assert one_diags.items == two_diags.items
    for kind in ("incidents", "postmortems", "runbooks"):
        mine, theirs = getattr(one, kind), getattr(two, kind)
        assert mine and mine == theirs
        assert [(r.path, r.body, r.body_line) for r in mine] == [(r.path, r.body, r.body_line) for r in theirs]
        assert all(r.body for r in theirs)
    copied = one.incidents[0].model_copy(update={"title": "Renamed"})
    assert (copied.title, copied.path, copied.body) == ("Renamed", one.incidents[0].path, one.incidents[0].body)


# --------------------------------------------------------------------------- people in public postmortems

PUBLIC_PM = edit(edit(edit(
    POSTMORTEM, "status: published\n", "status: published\nvisibility: public\n"),
    "- 14:28 UTC: release deployed.\n",
    "- 14:28 UTC: release deployed by Tess Techlead; `@deploy-bot` logged it.\n"
    "- 14:35 UTC: paged the on-call (@pat), mail to ops@example.com; Cora\n"
    "  Commander is IC.\n"),
    "Canary releases would have caught this.", "Canary releases would have caught this, Priya Raman says.")
#: The lines of PUBLIC_PM naming people.
L_PM_TESS, L_PM_PAT, L_PM_PRIYA = 16, 17, 31


def test_a_public_postmortem_naming_people_warns_on_the_line_with_the_fix(make_portal):
    incident = edit(INCIDENT, "severity: SEV2\n", "severity: SEV2\ncommander: Cora Commander\n"
                    "tech_lead: Tess Techlead\n")
    root = portal(make_portal, {INC: incident, PM: PUBLIC_PM})
    result = run(root)
    assert result.exit_code == 0, result.stdout  # a warning: the body is the team's to word
    names = {f.line: f.message for f in findings(result) if f.code == "public-names"}
    assert sorted(names) == [L_PM_TESS, L_PM_PAT, L_PM_PRIYA], result.stdout
    assert names[L_PM_TESS].startswith("'Tess Techlead' named in a public postmortem")  # a role field
    assert names[L_PM_PAT].startswith("'@pat', 'Cora Commander' named")  # a handle; a name wrapped
    assert names[L_PM_PRIYA].startswith("'Priya Raman' named")  # an author
    assert "describe roles, not people (e.g. 'the incident commander')" in names[L_PM_PAT]
    assert "keep the postmortem internal (visibility: internal)" in names[L_PM_PAT]
    # code spans, e-mail addresses and the action items (a team page, owners and all) are not looked at
    assert "deploy-bot" not in result.stdout and "example.com" not in result.stdout
    assert "Marco Bianchi" not in result.stdout
    # the build reports the same findings, and a cached run too
    _, diags = load_portal(root, load_config(root / "mkdocs.yml"))
    assert sorted(d.line for d in diags if d.code == "public-names") == sorted(names)
    run(root, cache=True)
    assert run(root, cache=True).stdout == result.stdout


def test_an_internal_postmortem_may_name_people(make_portal):
    root = portal(make_portal, {PM: edit(PUBLIC_PM, "visibility: public\n", "")})
    assert "public-names" not in run(root).stdout


NAMING_CONFIG = """\
site_name: Test Status
plugins:
  - sitrep:
      components:
        - id: publishing-api
          name: Publishing API
        - id: atlas
          name: Atlas search
      people:
        tess: Tess Techlead
"""
NAMING_INCIDENT = """\
---
title: Publishing API errors after Cora Commander's deploy
severity: SEV2
started: 2026-02-10T14:30:00Z
components:
  publishing-api: partial_outage
commander: Cora Commander
tech_lead: Platform team
comms_lead: SRE
scribe: Atlas
updates:
  - at: 2026-02-10T14:40:00Z
    status: investigating
    message: >-
      We will post an update soon. The Platform team and our SRE on-call are
      looking into it; Atlas search is slow too, as it has been since May 3.
  - at: 2026-02-10T14:50:00Z
    status: identified
    message: "@pat is rolling back the release; Atlas is watching."
  - at: 2026-02-10T15:00:00Z
    status: monitoring
    message: >-
      The release is rolled back. Thanks to Tess
      Techlead for the quick fix.
---
Publishing API requests failed. `@deploy-bot` logged it; write to ops@example.com.
Cora Commander led the response.
"""


def line_of(text: str, words: str) -> int:
    """The file line of the one line of ``text`` holding ``words``."""
    numbers = [n for n, line in enumerate(text.splitlines(), start=1) if words in line]
    assert len(numbers) == 1, words
    return numbers[0]


def test_a_public_incident_naming_people_warns_on_the_line_with_the_fix(make_portal, tmp_path):
    (tmp_path / "mkdocs.yml").write_text(NAMING_CONFIG, encoding="utf-8")
    root = make_portal({INC: NAMING_INCIDENT})
    result = run(root)
    assert result.exit_code == 0, result.stdout  # a warning: the text is the team's to word
    names = {f.line: f.message for f in findings(result) if f.code == "public-names" and f.path == INC}
    title, pat, tess, body = (line_of(NAMING_INCIDENT, w) for w in (
        "title:", "@pat", "Thanks to Tess", "Cora Commander led"))
    assert sorted(names) == [title, pat, tess, body], result.stdout
    assert names[title].startswith("'Cora Commander' named in a public incident (its title, update messages "
                                   "and description reach the status page, the feeds, the API and customer "
                                   "email): describe roles, not people")
    assert names[pat].startswith("'@pat', 'Atlas' named")  # a handle; a role field's person, not the component
    assert names[tess].startswith("'Tess Techlead' named")  # from people: in mkdocs.yml, wrapped over two lines
    assert "keep the incident internal (visibility: internal)" in names[body]
    # No false alarm: groups and acronyms in role fields ("Platform team", "SRE"), the component
    # "Atlas search", ordinary words ("will", "May"), code spans and e-mail addresses.
    said = " ".join(names.values())
    for word in ("Platform", "SRE", "Atlas search", "May", "deploy-bot", "example.com"):
        assert word not in said, word
    # The build reports the same findings, and a cached run too.
    _, diags = load_portal(root, load_config(root / "mkdocs.yml"))
    assert sorted(d.line for d in diags if d.code == "public-names") == sorted(names)
    run(root, cache=True)
    assert run(root, cache=True).stdout == result.stdout
    # An internal incident's text stays with the team.
    root = make_portal({INC: NAMING_INCIDENT.replace("severity: SEV2\n", "severity: SEV2\nvisibility: internal\n")})
    assert "public-names" not in run(root).stdout


@pytest.mark.parametrize(("change", "resolved"), [
    (("detected: 2026-02-10T14:32:00Z", "resolved: 2026-02-10T15:10:00Z"), "2026-02-10T15:10:00+00:00"),
    # before even the first update (mitigated moved out of the way: that order is checked on its own)
    (("detected: 2026-02-10T14:32:00Z", "resolved: 2026-02-10T14:35:00Z"), "2026-02-10T14:35:00+00:00"),
])
def test_resolved_before_the_update_that_resolved_it_is_a_time_order_error(make_portal, change, resolved):
    text = edit(edit(INCIDENT, *change), "mitigated: 2026-02-10T15:05:00Z", "mitigated: 2026-02-10T14:33:00Z")
    result = run(root := portal(make_portal, {INC: text}))
    assert result.exit_code == 1
    assert one(result, INC, "time-order", L_DETECTED) == (
        f"resolved ({resolved}) is before the update that resolved it (updates[1], 2026-02-10T15:20:00+00:00): "
        "the order must be updates <= resolved; set 'resolved: 2026-02-10T15:20:00Z' or later")
    later = edit(text, change[1], "resolved: 2026-02-10T15:25:00Z")
    assert run(portal(make_portal, {INC: later})).exit_code == 0, root


@pytest.mark.parametrize("name", ["2026-02-10-api-errors", "2026-02-10-api-errors.MD",
                                  "2026-02-10-api-errors.markdown", "2026-02-10-api-errors.md.txt",
                                  "2026-02-10-api-errors.yml", "2026-02-10-api-errors.md "])
def test_a_record_not_named_md_is_an_error_naming_the_rename(make_portal, name):
    root = portal(make_portal, {INC: None, f"incidents/2026/{name}": INCIDENT})
    result = run(root)
    assert result.exit_code == 1
    assert one(result, f"incidents/2026/{name}", "file-name", 1) == (
        "not read as a record (only files named *.md are), so it is neither checked nor published: "
        f"rename it to {INC}")


def test_front_matter_in_a_file_of_another_name_is_an_error_but_assets_and_dotfiles_are_not(make_portal):
    png = b"\x89PNG\r\n\x1a\n" + bytes(24)
    root = portal(make_portal, {"postmortems/notes.rst": "---\ntitle: Notes\n---\n",
                                "incidents/2026/graph.png": png, "runbooks/diagram.svg": "<svg/>",
                                "incidents/2026/.2026-02-10-api-errors.md.swp": "---\n", "runbooks/.draft": "---\n"})
    result = run(root)
    assert [(f.path, f.code) for f in errors(result)] == [("postmortems/notes.rst", "file-name")]
    assert "rename it to postmortems/notes.rst.md" in errors(result)[0].message


# --------------------------------------------------------------------------- times in the future

NOW = "2026-02-10T16:00:00Z"


@pytest.mark.parametrize(("old", "new", "line", "name"), [
    ("  - at: 2026-02-10T15:20:00Z", "  - at: 2062-02-10T15:20:00Z", L_UPDATE1, "updates[1].at"),
    ("started: 2026-02-10T14:30:00Z", "started: 2062-02-10T14:30:00Z", L_STARTED, "started"),
])
def test_a_typo_d_year_in_the_future_is_a_warning_on_its_line(make_portal, old, new, line, name):
    root = portal(make_portal, {INC: edit(INCIDENT, old, new)})
    result = run(root, "--now", NOW)
    assert one(result, INC, "future-time", line, "warning") == (
        f"{name}: {new.split(': ')[1].replace('Z', '+00:00')} is in the future (it is now 2026-02-10T16:00:00+00:00): "
        "check the year and the date")
    assert run(root, "--now", NOW, "--strict").exit_code == 1


def test_a_time_a_few_minutes_ahead_and_a_planned_maintenance_are_not_in_the_future(make_portal):
    root = portal(make_portal, {MNT: edit(MAINTENANCE, "2026-02-20T10:00:00Z", "2026-02-10T15:58:00Z")})
    result = run(root, "--now", "2026-02-10T15:17:00Z", "--strict")  # three minutes before the last update
    assert result.exit_code == 0, result.stdout
    assert "future-time" not in result.stdout


def test_a_cached_check_warns_until_the_time_comes_and_is_not_reused_at_an_earlier_time(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "  - at: 2026-02-10T15:20:00Z", "  - at: 2026-02-10T17:00:00Z")})
    for now, warned in [(NOW, True), ("2026-02-10T18:00:00Z", False), (NOW, True)]:
        result = run(root, "--now", now, cache=True)
        assert ("future-time" in result.stdout) is warned, (now, result.stdout)


# --------------------------------------------------------------------------- every message names the fix


@pytest.mark.parametrize(("rel", "text", "expected"), [
    ("postmortems/2026-02-10-api-errors.md", INCIDENT,
     "this looks like an incident (it has severity, started, detected, …), not a postmortem: move it to "
     "incidents/2026/2026-02-10-api-errors.md"),
    ("incidents/2026/2026-02-12-api-errors.md", POSTMORTEM,
     "this looks like a postmortem (it has incidents, date, authors, …), not an incident: move it to "
     "postmortems/2026-02-12-api-errors.md"),
    ("postmortems/rollback-2.md", RUNBOOK,
     "this looks like a runbook (it has owner, last_reviewed, components), not a postmortem: move it to "
     "runbooks/rollback-2.md"),
])
def test_a_record_in_the_wrong_folder_is_one_error_naming_the_move(make_portal, rel, text, expected):
    result = run(portal(make_portal, {rel: text}))
    assert errors(result) == [Finding(rel, 1, "error", "wrong-folder", expected)]


@pytest.mark.parametrize(("rel", "text", "expected"), [
    # a postmortem draft without its authors yet
    ("incidents/2026/2026-02-12-api-errors.md", edit(POSTMORTEM, "authors: [Priya Raman]\n", ""),
     "this looks like a postmortem (it has incidents, date, status), not an incident: move it to "
     "postmortems/2026-02-12-api-errors.md"),
    # an incident declared in a hurry: no update yet, no start time
    ("postmortems/2026-02-10-api-errors.md", INCIDENT.split("updates:")[0].replace(
        "started: 2026-02-10T14:30:00Z\n", "") + "---\n",
     "this looks like an incident (it has severity, detected, mitigated, …), not a postmortem: move it to "
     "incidents/2026/2026-02-10-api-errors.md"),
    # a runbook not reviewed yet
    ("postmortems/rollback-2.md", edit(RUNBOOK, "last_reviewed: 2026-01-15\n", ""),
     "this looks like a runbook (it has owner, components), not a postmortem: move it to runbooks/rollback-2.md"),
])
def test_a_misplaced_record_missing_required_fields_is_recognised(make_portal, rel, text, expected):
    result = run(portal(make_portal, {rel: text}))
    assert errors(result) == [Finding(rel, 1, "error", "wrong-folder", expected)]


def test_an_incident_with_a_stray_postmortem_field_stays_an_incident(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "severity: SEV2\n", "severity: SEV2\ndate: 2026-02-10\n")})
    assert [(f.line, f.code) for f in errors(run(root))] == [(L_SEVERITY + 1, "unknown-field")]


def test_a_misspelt_field_is_one_error_on_the_line_of_the_typo(make_portal):
    root = portal(make_portal, {INC: edit(INCIDENT, "    status: investigating", "    stauts: investigating")})
    assert errors(run(root)) == [Finding(INC, L_STATUS0, "error", "unknown-field",
                                         "unknown field 'updates[0].stauts' (did you mean 'status'?). "
                                         "Allowed fields: at, status, message, severity, components")]


@pytest.mark.parametrize(("old", "new", "line", "code", "expected"), [
    ("title: Publishing API errors", "title: " + "x" * 412, L_TITLE, "too-long",
     "title: too long: shorten the title to 300 characters (it has 412)"),
    ("    message: We are investigating errors on the Publishing API.", "    message:", L_MESSAGE0, "empty-value",
     "updates[0].message is empty: write the message after 'message:' or remove the update"),
    ("severity: SEV2", "severity: 2", L_SEVERITY, "bad-value",
     "severity: 2 is a bare number, which could mean SEV2 (High) or P2, that is SEV3 (Medium); write the level: "
     "'severity: SEV2' or 'severity: SEV3'"),
    ("severity: SEV2", "severity: 2.5", L_SEVERITY, "wrong-type",
     "severity: 2.5 should be text: write the severity as text, e.g. SEV2"),
    ("""  - at: 2026-02-10T14:40:00Z
    status: investigating
    message: We are investigating errors on the Publishing API.
  - at: 2026-02-10T15:20:00Z
    status: resolved
    message: This incident has been resolved.
""", """  at: 2026-02-10T15:20:00Z
  status: resolved
  message: This incident has been resolved.
""", L_UPDATE0, "missing-dash",
     "this update has no '- ': write the line as '  - at: 2026-02-10T15:20:00Z' and line up the update's "
     "other lines under 'at:' (each update is a list item starting with '- ')"),
    ("title: Publishing API errors\n", "", 1, "missing-field",
     "missing required field 'title' (Short public title.): add 'title: …', e.g. 'title: Publishing API "
     "returning errors'"),
    ("title: Publishing API errors", 'title: "Publishing API errors', L_TITLE, "yaml-syntax",
     'YAML syntax error: the quote " opened on line 2 is never closed: add the closing " at the end of the value'),
])
def test_a_field_error_names_its_line_and_the_fix(make_portal, old, new, line, code, expected):
    root = portal(make_portal, {INC: edit(INCIDENT, old, new)})
    assert errors(run(root)) == [Finding(INC, line, "error", code, expected)]


UNCLOSED = "YAML syntax error: the quote {q} opened on line {n} is never closed, so YAML reads the lines after it " \
    "as part of the value: add the closing {q} at the end of the value"


@pytest.mark.parametrize(("edits", "line", "expected"), [
    # YAML lets a quoted value span lines: the value runs on to the apostrophe of "We're" (line 13)
    ([("title: Publishing API errors", "title: 'Publishing API errors"),
      ("We are investigating", "We're investigating")],
     L_TITLE, UNCLOSED.format(q="'", n=L_TITLE)),
    # ... to the quote that opens the next message
    ([("message: We are investigating errors on the Publishing API.",
       "message: 'We are investigating errors on the Publishing API."),
      ("message: This incident has been resolved.", "message: 'This incident has been resolved.'")],
     L_MESSAGE0, UNCLOSED.format(q="'", n=L_MESSAGE0)),
    # ... to a quote that ends the front matter's last value: the YAML reads, the fields are lost in the title
    ([("title: Publishing API errors", "title: 'Publishing API errors"),
      ("This incident has been resolved.", "This incident has been resolved.'")],
     L_TITLE, UNCLOSED.format(q="'", n=L_TITLE)),
    ([("title: Publishing API errors", 'title: "Publishing API errors'),
      ("We are investigating errors on the Publishing API.", 'We are investigating errors on the "Publishing API".')],
     L_TITLE, UNCLOSED.format(q='"', n=L_TITLE)),
    # the end of the text: the message from before
    ([("title: Publishing API errors", "title: 'Publishing API errors")],
     L_TITLE, "YAML syntax error: the quote ' opened on line 2 is never closed: add the closing ' at the end of "
              "the value"),
    # an apostrophe ends a single-quoted value
    ([("title: Publishing API errors", "title: 'Can't publish on the Publishing API'")],
     L_TITLE, "YAML syntax error: the ' in Can't ends the value in single quotes: write it twice (Can''t) or put "
              "the value in double quotes"),
])
def test_an_unclosed_quote_is_reported_on_the_line_it_opens(make_portal, edits, line, expected):
    text = INCIDENT
    for old, new in edits:
        text = edit(text, old, new)
    result = run(portal(make_portal, {INC: text}))
    assert [(f.path, f.line, f.code, f.message) for f in findings(result)] == [(INC, line, "yaml-syntax", expected)]


def test_a_quoted_value_continued_on_indented_lines_is_fine(make_portal):
    text = edit(INCIDENT, "message: We are investigating errors on the Publishing API.",
                "message: 'We are investigating errors on the Publishing API.\n      Next update: 15:00 UTC.'")
    result = run(portal(make_portal, {INC: text}))
    assert result.exit_code == 0 and not findings(result), result.stdout


MISSING_DASHES = """\
---
title: Publishing API errors
severity: SEV2
started: 2026-02-10T14:30:00Z
components:
  publishing-api: partial_outage
updates:
  - at: 2026-02-10T14:40:00Z
    status: investigating
    message: We are investigating errors on the Publishing API.
    at: 2026-02-10T14:50:00Z
    status: identified
    message: >-
      The cause is a release.
      Next update: 15:30 UTC.
  - at: 2026-02-10T15:00:00Z
    status: monitoring
    message: A fix is deployed.
  at: 2026-02-10T15:20:00Z
  status: resolved
  message: This incident has been resolved.
resolved: 2026-02-10T15:20:00Z
---
"""


def test_each_update_missing_its_dash_is_one_error_with_the_fix(make_portal):
    root = portal(make_portal, {INC: MISSING_DASHES})
    result = run(root)
    assert result.exit_code == 1
    fix = ("this update has no '- ': write the line as '  - at: 2026-02-10T{}:00Z' and line up the update's other "
           "lines under 'at:' (each update is a list item starting with '- ')")
    # Nothing else for the same slips: no duplicate keys, no "resolved but the last update is monitoring".
    assert [(f.path, f.line, f.code, f.message) for f in findings(result) if f.path == INC] == [
        (INC, 11, "missing-dash", fix.format("14:50")), (INC, 19, "missing-dash", fix.format("15:20"))]
    # The build says the same.
    _, diags = load_portal(root, load_config(root / "mkdocs.yml"))
    assert [(d.line, d.code) for d in diags if d.path == INC] == [(11, "missing-dash"), (19, "missing-dash")]
    # Fixed as the messages say, the record is valid.
    fixed = MISSING_DASHES.replace("    at: 2026-02-10T14:50", "  - at: 2026-02-10T14:50").replace(
        "  at: 2026-02-10T15:20:00Z\n  status: resolved\n  message: This",
        "  - at: 2026-02-10T15:20:00Z\n    status: resolved\n    message: This")
    assert run(portal(make_portal, {INC: fixed})).exit_code == 0


def test_a_doubled_md_in_the_file_name_says_remove_it(make_portal):
    rel = "runbooks/rollback-2.md.md"
    result = run(portal(make_portal, {rel: RUNBOOK}))
    assert errors(result) == [Finding(rel, 1, "error", "file-name",
                                      "the file name ends in .md.md: remove the doubled .md (rename it to "
                                      "rollback-2.md)")]


def test_a_postmortem_naming_a_missing_incident_suggests_the_close_one(make_portal):
    root = portal(make_portal, {PM: edit(POSTMORTEM, "[2026-02-10-api-errors]", "[2026-02-10-api-error]")})
    assert errors(run(root)) == [Finding(PM, L_PM_INCIDENTS, "error", "unknown-incident",
                                         "incident '2026-02-10-api-error' does not exist; did you mean "
                                         "2026-02-10-api-errors?")]  # not the portal's other ids as well


def test_a_record_too_large_says_how_large_and_what_to_do(make_portal):
    item = "  - at: 2026-02-10T15:20:00Z\n    status: resolved\n    message: Resolved.\n"
    text = INCIDENT.replace("---\nA release", item * 7_000 + "---\nA release")
    assert errors(run(portal(make_portal, {INC: text}))) == [Finding(
        INC, 1, "error", "yaml-too-large",
        "the record is too large: its front matter has 21,015 lines and more than 20,000 values, the limit "
        "for one record: keep the updates readers need (summarise the rest in one update or in the body), "
        "or split it into several records")]
