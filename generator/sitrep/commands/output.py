"""What commands print: diagnostics in the format asked for, warnings, paths as `git add` wants them."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from sitrep.commands.boundary import EXIT_INVALID
from sitrep.model.config import SitrepConfig
from sitrep.model.diagnostics import Diagnostic, Diagnostics


def resolved_format(fmt: str) -> str:
    """``--format``, with ``auto`` made ``github`` under GitHub Actions and ``text`` elsewhere."""
    if fmt == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    return fmt


def print_diagnostics(diags: Diagnostics, fmt: str, root: Path | None = None) -> None:
    fmt = resolved_format(fmt)
    if root is not None:
        diags = diags.relative_to(_display_prefix(root))
    out = diags.render(fmt)  # type: ignore[arg-type]
    if out:
        click.echo(out)


def _display_prefix(root: Path) -> str:
    """Records' folder as seen from the working directory ('' when it is the working directory).

    Diagnostics name files relative to the records' folder; editors and GitHub
    annotations need them relative to where the command runs, when the records
    live below it. Records elsewhere keep their portal-relative names.
    """
    try:
        rel = os.path.relpath(root, Path.cwd())
    except ValueError:  # another drive on Windows
        return ""
    return "" if rel == "." or rel.startswith("..") else Path(rel).as_posix()


def shown(path: Path) -> str:
    """``path`` relative to the working folder when it is inside it (what `git add` wants)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def print_notes(notes: list[Diagnostic]) -> None:
    for note in notes:
        click.echo(f"sitrep: warning: {note.message} [{note.code}]", err=True)


def load_or_exit(root: Path, config: SitrepConfig) -> Any:
    from sitrep.load.loader import load_portal

    portal, diags = load_portal(root, config)
    if diags.has_errors:
        print_diagnostics(diags, "auto", root)
        click.echo(f"sitrep: {diags.summary_line()}; fix the records first", err=True)
        sys.exit(EXIT_INVALID)
    return portal
