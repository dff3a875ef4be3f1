"""`sitrep new incident --template NAME --var key=value`: the portal's pre-written incident texts."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sitrep.cli import main

#: The tests' copy of the sample portal (the top-level one is a team's to replace).
SAMPLE = Path(__file__).resolve().parent / "fixtures" / "sample"
NOW = "2026-12-01T10:00:00Z"
SHIPPED = ("database-outage", "payment-failures", "security-incident", "service-degradation")


@pytest.fixture
def portal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(SAMPLE / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(SAMPLE / "templates", tmp_path / "templates")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def sitrep(*args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--now", NOW])


def usage_vars(name: str) -> list[str]:
    """The --var options a template's first comment line shows (its usage example)."""
    first = (SAMPLE / "templates" / f"{name}.md").read_text(encoding="utf-8").splitlines()[1]
    return [f"{k}={v.strip(chr(34))}" for k, v in re.findall(r'--var (\w+)=("[^"]*"|\S+)', first)]


def test_the_procedures_scenarios_are_shipped() -> None:
    assert sorted(p.stem for p in (SAMPLE / "templates").glob("*.md")) == list(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_each_shipped_template_fills_in_to_a_valid_incident(portal: Path, name: str) -> None:
    args = [a for v in usage_vars(name) for a in ("--var", v)]
    result = sitrep("new", "incident", "--template", name, *args)
    assert result.exit_code == 0, result.output
    path = portal / result.output.strip().splitlines()[-1]
    text = path.read_text(encoding="utf-8")
    assert "{{" not in text and "status: investigating" in text
    check = CliRunner().invoke(main, ["validate", "--no-cache", "--format", "text"])
    assert check.exit_code == 0, check.output


def test_values_fill_the_placeholders_and_options_override_the_template(portal: Path) -> None:
    result = sitrep("new", "incident", "--template", "service-degradation", "--var", "service=Publishing API",
                    "--var", "component=publishing-api", "--severity", "SEV3")
    assert result.exit_code == 0, result.output
    path = portal / result.output.strip().splitlines()[-1]
    text = path.read_text(encoding="utf-8")
    assert "title: Degraded performance of the Publishing API" in text
    assert "severity: SEV3" in text  # --severity wins over the template's SEV2
    assert "  publishing-api: degraded_performance" in text
    assert "slow responses and elevated error rates on\n      the Publishing API" in text


def test_a_value_cannot_change_the_yaml(portal: Path) -> None:
    result = sitrep("new", "incident", "--template", "payment-failures", "--var", "provider=Stripe: EU # x",
                    "--var", "component=payments")
    assert result.exit_code == 0, result.output
    text = (portal / result.output.strip().splitlines()[-1]).read_text(encoding="utf-8")
    assert "payments: major_outage" in text and "title: Payment Processing Issues" in text


def test_an_unfilled_placeholder_is_an_error_at_its_line_and_nothing_is_written(portal: Path) -> None:
    result = sitrep("new", "incident", "--template", "service-degradation", "--var", "service=Publishing API")
    assert result.exit_code == 2
    line = next(n for n, text in enumerate(
        (portal / "templates/service-degradation.md").read_text(encoding="utf-8").splitlines(), 1)
        if '"{{ component }}"' in text)
    assert (f"templates/service-degradation.md:{line}: error: placeholder {{{{ component }}}} has no value: "
            "pass --var component=…") in result.output
    assert not (portal / "incidents").exists()


def test_an_unknown_template_lists_the_available_ones(portal: Path) -> None:
    result = sitrep("new", "incident", "--template", "dns-outage")
    assert result.exit_code == 2
    assert ("no incident template 'dns-outage' (did you mean 'database-outage'?); available: "
            + ", ".join(SHIPPED)) in result.output


def test_without_a_template_the_title_is_still_required(portal: Path) -> None:
    result = sitrep("new", "incident", "--severity", "SEV2", "--component", "auth=partial_outage")
    assert result.exit_code == 2
    assert "Missing option '--title'" in result.output


def test_a_placeholder_left_in_a_record_is_a_validation_error(portal: Path) -> None:
    record = portal / "incidents" / "2026" / "2026-12-01-x.md"
    record.parent.mkdir(parents=True)
    record.write_text("---\ntitle: Outage of {{ service }}\nseverity: SEV2\nstarted: 2026-12-01T10:00:00Z\n"
                      "components:\n  auth: partial_outage\nupdates:\n  - at: 2026-12-01T10:00:00Z\n"
                      "    status: investigating\n    message: We are looking at {{ service }}.\n---\n",
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--no-cache", "--format", "text"])
    assert result.exit_code == 1
    assert ("incidents/2026/2026-12-01-x.md:2: error: title: the template placeholder {{ service }} was never "
            "filled in") in result.output
    assert "incidents/2026/2026-12-01-x.md:10: error: updates.0.message" in result.output


def test_updates_and_the_resolution_take_the_templates_message_for_their_state(portal: Path) -> None:
    args = ("--template", "payment-failures", "--var", "provider=our card processor", "--var", "component=payments")
    created = sitrep("new", "incident", *args)
    assert created.exit_code == 0, created.output
    path = portal / created.output.strip().splitlines()[-1]
    incident_id = path.stem
    identified = CliRunner().invoke(main, ["update", incident_id, "--status", "identified", *args,
                                           "--at", "2026-12-01T10:20:00Z", "--now", "2026-12-01T10:20:00Z"])
    assert identified.exit_code == 0, identified.output
    resolved = CliRunner().invoke(main, ["resolve", incident_id, *args, "--at", "2026-12-01T11:00:00Z",
                                         "--now", "2026-12-01T11:00:00Z"])
    assert resolved.exit_code == 0, resolved.output
    text = " ".join(path.read_text(encoding="utf-8").split())
    assert "We have identified the root cause, an issue with our card processor, and are implementing a fix." in text
    assert "This incident has been resolved. Payment processing is now operating normally." in text
    missing = CliRunner().invoke(main, ["update", incident_id, "--status", "monitoring", "--now", NOW])
    assert missing.exit_code == 2 and "Missing option '--message'" in missing.output


@pytest.mark.parametrize("command", ["update", "resolve"])
def test_an_unknown_template_is_refused_even_with_a_message(portal: Path, command: str) -> None:
    created = sitrep("new", "incident", "--template", "payment-failures", "--var", "provider=our card processor",
                     "--var", "component=payments")
    assert created.exit_code == 0, created.output
    path = portal / created.output.strip().splitlines()[-1]
    before = path.read_bytes()
    status = ["--status", "identified"] if command == "update" else []
    result = sitrep(command, path.stem, *status, "--template", "paymnt-failures", "--message", "Fixed.")
    assert result.exit_code == 2
    assert ("templates/paymnt-failures.md:1: error: no incident template 'paymnt-failures' (did you mean "
            "'payment-failures'?); available: " + ", ".join(SHIPPED)) in result.output
    assert path.read_bytes() == before
