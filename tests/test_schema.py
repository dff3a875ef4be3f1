"""`sitrep schema`: JSON Schema (draft 2020-12) of the front matter, for editors.

The schema must be a valid 2020-12 schema, accept every record of the sample
portal that `sitrep validate` accepts (it may never be stricter than the
validator), and reject the usual mistakes: unknown component, severity, impact
or status, extra fields, missing required fields.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from sitrep.cli import main
from sitrep.edit.updates import check_text
from sitrep.load.discovery import discover
from sitrep.load.reader import read_record
from sitrep.load.schema import KINDS, json_schema, record_schema, severity_pattern
from sitrep.model.config import SitrepConfig, load_config
from sitrep.model.diagnostics import Diagnostics
from tests.support.sitebuild import SAMPLE

MKDOCS = SAMPLE / "mkdocs.yml"

INCIDENT: dict[str, Any] = {
    "title": "Publishing API errors",
    "severity": "SEV2",
    "started": "2026-02-10T14:30:00Z",
    "components": {"publishing-api": "partial_outage"},
    "updates": [{"at": "2026-02-10T14:40:00Z", "status": "investigating", "message": "Investigating."}],
}
MAINTENANCE: dict[str, Any] = {
    "kind": "maintenance",
    "title": "Database upgrade",
    "scheduled_start": "2026-12-05T02:00:00Z",
    "scheduled_end": "2026-12-05T04:00:00Z",
    "components": {"database": "under_maintenance"},
    "updates": [{"at": "2026-11-20T10:00:00Z", "status": "scheduled", "message": "Planned."}],
}


@pytest.fixture(scope="module")
def config() -> SitrepConfig:
    return load_config(MKDOCS)


def validator(config: SitrepConfig, kind: str) -> Draft202012Validator:
    return Draft202012Validator(json_schema(config, kind))


def sample_records(config: SitrepConfig) -> list[tuple[str, str, dict[str, Any]]]:
    """(kind, path, front matter) of every sample record the validator accepts without errors."""
    out = []
    for kind, rel in discover(SAMPLE):
        raw = (SAMPLE / rel).read_bytes()
        record, _, diags = check_text(kind, rel, raw, config)
        if record is None or diags.has_errors:
            continue  # the schema only promises to accept what the validator accepts
        rf = read_record(rel, raw, Diagnostics())
        assert rf is not None
        out.append((kind, rel, rf.data))
    return out


def errors(config: SitrepConfig, kind: str, instance: dict[str, Any]) -> list[str]:
    return [e.message for e in validator(config, kind).iter_errors(instance)]


# --------------------------------------------------------------------------- the schema itself


@pytest.mark.parametrize("kind", [*KINDS, "all"])
def test_schema_is_valid_draft_2020_12(config: SitrepConfig, kind: str) -> None:
    schema = json_schema(config, kind)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("https://status.smartbeak.example/schema/")
    assert schema["title"]
    json.dumps(schema)  # plain JSON, nothing Python-only


def test_config_values_become_enums(config: SitrepConfig) -> None:
    incident = record_schema(config, "incident")
    props = incident["properties"]
    assert props["components"]["propertyNames"]["enum"] == config.component_ids
    assert props["severity"]["anyOf"][0]["enum"] == ["SEV1", "SEV2", "SEV3", "SEV4"]
    assert "id" not in incident["required"]
    runbook = record_schema(config, "runbook")
    assert runbook["properties"]["components"]["items"]["enum"] == config.component_ids


def test_cli_prints_the_same_schema(config: SitrepConfig) -> None:
    for kind in ("incident", "all"):
        result = CliRunner().invoke(main, ["schema", "-f", str(MKDOCS), "--kind", kind])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == json_schema(config, kind)


def test_cli_default_is_all_and_bad_kind_exits_2() -> None:
    result = CliRunner().invoke(main, ["schema", "-f", str(MKDOCS)])
    assert json.loads(result.stdout)["$id"].endswith("/sitrep.schema.json")
    assert CliRunner().invoke(main, ["schema", "-f", str(MKDOCS), "--kind", "nope"]).exit_code == 2


# --------------------------------------------------------------------------- samples pass


def test_sample_records_validate_against_their_schema(config: SitrepConfig) -> None:
    samples = sample_records(config)
    assert sum(1 for kind, _, _ in samples if kind == "incident") >= 5
    per_kind = {kind: validator(config, kind) for kind in KINDS}
    combined = validator(config, "all")
    for kind, rel, data in samples:
        problems = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in per_kind[kind].iter_errors(data)]
        assert not problems, f"{rel}: {problems}"
        assert combined.is_valid(data), rel


def test_new_records_validate_against_the_schema(tmp_path: Path, config: SitrepConfig,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mkdocs.yml").write_bytes(MKDOCS.read_bytes())
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    made = [
        runner.invoke(main, ["new", "incident", "--title", "Login: yes/no", "--severity", "p1",
                             "--component", "auth=major", "--now", "2026-02-10T14:40:00Z"]),
        runner.invoke(main, ["new", "runbook", "--title", "Rotate keys", "--component", "auth",
                             "--now", "2026-02-10T14:40:00Z"]),
    ]
    assert all(r.exit_code == 0 for r in made), [r.output for r in made]
    incident_id = Path(made[0].stdout.strip()).stem
    made.append(runner.invoke(main, ["new", "postmortem", "--incident", incident_id, "--author", "A",
                                     "--now", "2026-02-11T09:00:00Z"]))
    assert made[-1].exit_code == 0, made[-1].output
    for result, kind in zip(made, ("incident", "runbook", "postmortem"), strict=True):
        rf = read_record("x.md", (tmp_path / result.stdout.strip()).read_bytes(), Diagnostics())
        assert rf is not None
        assert errors(config, kind, rf.data) == []


# --------------------------------------------------------------------------- mistakes fail


@pytest.mark.parametrize("severity", ["SEV2", "P1", "sev-2", "Sev 2", "critical", "HIGH", "sev_4"])
def test_severity_spellings_the_validator_accepts_pass(config: SitrepConfig, severity: str) -> None:
    assert config.normalise_severity(severity) is not None
    assert errors(config, "incident", {**INCIDENT, "severity": severity}) == []


@pytest.mark.parametrize("severity", ["SEV5", "P4", "urgent", "S E V 9"])
def test_unknown_severity_fails(config: SitrepConfig, severity: str) -> None:
    assert config.normalise_severity(severity) is None
    assert errors(config, "incident", {**INCIDENT, "severity": severity})


@pytest.mark.parametrize("number", [*range(0, 8), *map(str, range(0, 8)), -1, " 4 "])
def test_a_bare_severity_number_passes_exactly_where_the_validator_takes_it(config: SitrepConfig,
                                                                            number: int | str) -> None:
    # Default levels: 0 (P0) and 4 name one level each; 1, 2 and 3 are a SEV and a P level, so refused.
    accepted = config.normalise_severity(number) is not None
    assert accepted == (str(number).strip() in ("0", "4"))
    assert (errors(config, "incident", {**INCIDENT, "severity": number}) == []) == accepted
    update = {**INCIDENT["updates"][0], "severity": number}
    assert (errors(config, "incident", {**INCIDENT, "updates": [update]}) == []) == accepted


def test_severity_pattern_matches_exactly_what_normalise_accepts(config: SitrepConfig) -> None:
    import re

    pattern = re.compile(severity_pattern(config))
    for text in ["sev1", "SEV-1", " sev 1 ", "P0", "p_0", "Critical", "sev12", "sev", "P00", "xsev1"]:
        assert bool(pattern.search(text)) == (config.normalise_severity(text) is not None), text


@pytest.mark.parametrize(("change", "kind"), [
    ({"components": {"publishing-apii": "partial_outage"}}, "incident"),  # unknown component
    ({"components": {"publishing-api": "broken"}}, "incident"),  # unknown impact
    ({"components": {"publishing-api": "under_maintenance"}}, "incident"),  # maintenance impact on an incident
    ({"components": {}}, "incident"),
    ({"updates": [{"at": "2026-02-10T14:40:00Z", "status": "fixed", "message": "x"}]}, "incident"),
    ({"updates": [{"at": "2026-02-10T14:40:00Z", "status": "investigating", "message": ""}]}, "incident"),
    ({"updates": []}, "incident"),
    ({"severity": None}, "incident"),  # required for incidents
    ({"title": 42}, "incident"),
    ({"colour": "red"}, "incident"),  # unknown field
    ({"id": "Not An Id"}, "incident"),
    ({"visibility": "secret"}, "incident"),
    ({"users_affected": -1}, "incident"),
])
def test_bad_incidents_fail(config: SitrepConfig, change: dict[str, Any], kind: str) -> None:
    bad = {**INCIDENT, **change}
    assert errors(config, kind, bad)
    assert not validator(config, "all").is_valid(bad)


def test_missing_required_incident_fields_fail(config: SitrepConfig) -> None:
    for field in ("title", "started", "components", "updates", "severity"):
        bad = {k: v for k, v in INCIDENT.items() if k != field}
        assert errors(config, "incident", bad), field


def test_maintenance_rules(config: SitrepConfig) -> None:
    assert errors(config, "incident", MAINTENANCE) == []  # no severity or started needed
    assert errors(config, "incident", {**MAINTENANCE, "components": {"database": "major_outage"}})
    assert errors(config, "incident", {**MAINTENANCE, "updates": [
        {"at": "2026-11-20T10:00:00Z", "status": "investigating", "message": "x"}]})
    assert errors(config, "incident", {k: v for k, v in MAINTENANCE.items() if k != "scheduled_end"})


def test_bad_runbook_and_postmortem_fail(config: SitrepConfig) -> None:
    runbook = {"title": "R", "owner": "SRE", "last_reviewed": "2026-01-01", "components": ["database"]}
    assert errors(config, "runbook", runbook) == []
    assert errors(config, "runbook", {**runbook, "components": ["nope"]})
    assert errors(config, "runbook", {k: v for k, v in runbook.items() if k != "owner"})
    postmortem = {"title": "P", "incidents": ["x"], "date": "2026-01-01", "authors": ["A"], "status": "draft"}
    assert errors(config, "postmortem", postmortem) == []
    assert errors(config, "postmortem", {**postmortem, "status": "done"})
    assert errors(config, "postmortem", {**postmortem, "authors": []})
