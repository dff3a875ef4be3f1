"""One exception hierarchy, translated at the boundary: a one-line message and an exit status, never a traceback."""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

import sitrep
from sitrep.cli import main
from sitrep.model.exceptions import SitrepError
from tests.support.helpers_build import CLI_MKDOCS as CONFIG

MKDOCS = str(Path(sys.executable).parent / "mkdocs")


def test_every_public_error_of_the_package_is_a_sitrep_error() -> None:
    found = {}
    for info in pkgutil.walk_packages(sitrep.__path__, "sitrep."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (inspect.isclass(value) and issubclass(value, BaseException) and not name.startswith("_")
                    and value.__module__.startswith("sitrep.") and name != "Refused"):
                found[name] = value
    assert {"ConfigError", "ClockError", "EditError", "UnknownRecord", "RevisionError"} <= set(found)
    assert [name for name, cls in found.items() if not issubclass(cls, SitrepError)] == []


def test_cli_turns_a_bad_source_date_epoch_into_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    result = CliRunner().invoke(main, ["new", "runbook", "-f", str(tmp_path / "mkdocs.yml"), "--title", "Restart"],
                                env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.exit_code == 2
    assert result.stderr == ("Error: SOURCE_DATE_EPOCH='yesterday' is not a Unix timestamp in seconds "
                             "(e.g. 1767225600)\n")
    assert not (tmp_path / "runbooks").exists()


def test_cli_turns_an_unknown_incident_into_a_message_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    result = CliRunner().invoke(main, ["update", "-f", str(tmp_path / "mkdocs.yml"), "2026-01-01-nothing",
                                       "--status", "identified", "--message", "Found it."])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no incident with id '2026-01-01-nothing'")
    assert "Traceback" not in result.output


def test_mkdocs_build_reports_a_sitrep_error_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    env = {**os.environ, "SOURCE_DATE_EPOCH": "yesterday", "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([MKDOCS, "build", "-f", str(tmp_path / "mkdocs.yml"), "-d", str(tmp_path / "site")],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "SOURCE_DATE_EPOCH='yesterday' is not a Unix timestamp in seconds" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()
