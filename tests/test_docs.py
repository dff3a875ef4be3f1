"""Documentation cannot drift: the format reference and the README are checked against the code."""

from __future__ import annotations

from pathlib import Path

import click

from sitrep.cli import main
from sitrep.model.config import SitrepConfig
from sitrep.render.format_reference import render

REPO = Path(__file__).resolve().parent.parent


def test_format_reference_is_generated_from_the_models() -> None:
    committed = (REPO / "reference" / "format.md").read_text(encoding="utf-8")
    assert committed == render(), "run: python -m sitrep.render.format_reference > reference/format.md"


def _commands(group: click.Group, prefix: str = "sitrep") -> list[str]:
    names = []
    for name, cmd in sorted(group.commands.items()):
        if getattr(cmd, "hidden", False):
            continue
        names.append(f"{prefix} {name}")
        if isinstance(cmd, click.Group):
            names += _commands(cmd, f"{prefix} {name}")
    return names


def test_every_cli_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [c for c in _commands(main) if f"`{c}" not in readme]
    assert missing == [], f"document these commands in README.md: {missing}"


def test_every_setting_is_in_the_format_reference() -> None:
    reference = (REPO / "reference" / "format.md").read_text(encoding="utf-8")
    missing = [name for name in SitrepConfig.model_fields if f"`{name}`" not in reference]
    assert missing == []


def test_readme_gives_the_two_setup_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make site" in readme and "make test" in readme
