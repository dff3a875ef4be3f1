"""Diagnostics are values: every problem found in one pass, reported once.

A :class:`Diagnostic` names the file, the 1-based line, a stable code and a
message that says what to fix. The reader, the validator and the link checker
all append to one :class:`Diagnostics` list; the CLI and the MkDocs plugin
decide how to print it (plain text or GitHub annotations).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Literal

from sitrep.model.invisible import escape, find_invisible, invisible_message, show_invisible

Level = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one record: where it is, how bad, and what to do."""

    path: str
    line: int
    level: Level
    code: str
    message: str

    def as_text(self) -> str:
        """``path:line: level: message [code]``, the form editors and CI logs link."""
        return f"{self.path}:{self.line}: {self.level}: {self.message} [{self.code}]"

    def as_github(self) -> str:
        """A GitHub Actions workflow command that annotates the line in the PR diff."""
        kind = "error" if self.level == "error" else "warning"
        return (
            f"::{kind} file={_gh_property(self.path)},line={self.line},"
            f"title={_gh_property('sitrep ' + self.code)}::{_gh_data(self.message)}"
        )

    def as_dict(self) -> dict[str, object]:
        """The diagnostic as JSON output lists it."""
        return {
            "path": self.path,
            "line": self.line,
            "level": self.level,
            "code": self.code,
            "message": self.message,
        }


def _gh_data(value: str) -> str:
    # Escaping rules of GitHub workflow commands (toolkit/core: command.ts).
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(value: str) -> str:
    return _gh_data(value).replace(":", "%3A").replace(",", "%2C")


def not_utf8(raw: bytes, exc: UnicodeDecodeError) -> tuple[int, str]:
    """(line, message) for a file that is not UTF-8 (saved as Windows-1252 or UTF-16, say): the line of
    the first byte that is not, and how to save it; records and mkdocs.yml say it alike."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return 1, "the file is saved as UTF-16: save it as UTF-8 (most editors: 'Save with encoding')"
    line = raw.count(b"\n", 0, exc.start) + 1
    return line, (f"byte 0x{raw[exc.start]:02x} is not valid UTF-8: save the file as UTF-8 (most editors: "
                  "'Save with encoding')")


_BREAKS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """Control characters and line separators shown as escapes, so output stays one line; invisible
    characters too, so a value quoted in a message does not look like what it is not."""
    return show_invisible(_BREAKS.sub(lambda m: repr(m.group(0))[1:-1] if m.group(0) != "\t" else " ", text))


@dataclass
class Diagnostics:
    """An ordered collection of diagnostics gathered across a whole run."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, path: str | PurePosixPath, line: int, level: Level, code: str, message: str) -> None:
        """Add one diagnostic (lines below 1 count as line 1)."""
        # One diagnostic is one line: a key or value quoted from a record may hold line breaks.
        self.items.append(Diagnostic(one_line(str(path)), max(int(line), 1), level, code, one_line(message)))

    def error(self, path: str | PurePosixPath, line: int, code: str, message: str) -> None:
        """Add an error: the record is not valid."""
        self.add(path, line, "error", code, message)

    def warning(self, path: str | PurePosixPath, line: int, code: str, message: str) -> None:
        """Add a warning: the record is valid but probably not what was meant."""
        self.add(path, line, "warning", code, message)

    def relative_to(self, prefix: str) -> Diagnostics:
        """The same diagnostics with ``prefix/`` before every path (for display from elsewhere)."""
        if not prefix:
            return self
        return Diagnostics([replace(d, path=f"{prefix}/{d.path}") for d in self.items])

    def drop(self, path: str, lines: set[int], codes: tuple[str, ...]) -> None:
        """Remove the diagnostics of ``codes`` on ``lines`` of ``path``: an error found later on those
        lines says all there is to say (one message per problem)."""
        if lines:
            self.items = [d for d in self.items if not (d.line in lines and d.code in codes and d.path == path)]

    def extend(self, other: Iterable[Diagnostic]) -> None:
        """Add the diagnostics of another pass."""
        self.items.extend(other)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Diagnostic]:
        """Stable report order: by file, then line, errors before warnings."""
        unique = dict.fromkeys(self.items)
        return sorted(unique, key=lambda d: (d.path, d.line, d.level != "error", d.code, d.message))

    @property
    def errors(self) -> list[Diagnostic]:
        """The errors, in report order."""
        return [d for d in self.sorted() if d.level == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        """The warnings, in report order."""
        return [d for d in self.sorted() if d.level == "warning"]

    @property
    def has_errors(self) -> bool:
        """Whether any diagnostic is an error."""
        return any(d.level == "error" for d in self.items)

    def summary_line(self) -> str:
        """``2 errors, 1 warning``."""
        e, w = len(self.errors), len(self.warnings)
        return f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''}"

    def render(self, fmt: Literal["text", "github", "json"] = "text") -> str:
        """The whole report in one string, in the requested format."""
        items = self.sorted()
        if fmt == "json":
            return json.dumps([d.as_dict() for d in items], indent=2)
        lines = [d.as_text() for d in items]
        if fmt == "github":
            lines += [d.as_github() for d in items]
        return "\n".join(lines)


#: Findings about the line as a whole (YAML could not read it), which quote no value of it.
_LINE_CODES = frozenset({"yaml-syntax", "missing-dash"})


def name_invisible(diags: Diagnostics, path: str, text: str) -> None:
    """Give each finding of ``path`` whose quoted key or value (or whose line, when YAML could not read the
    line) holds invisible characters their names, columns and fix, first, with the code ``bad-character``:
    the value looks right, so the finding alone would send the reader looking elsewhere."""
    if text.isascii():
        return
    text = text.removeprefix("\ufeff")  # a byte order mark is no column (the reader drops it too)
    lines: list[str] | None = None
    for n, diag in enumerate(diags.items):
        if diag.path != path or diag.code == "bad-character" or (
                "\\" not in diag.message and diag.code not in _LINE_CODES):
            continue
        if lines is None:
            lines = text.splitlines()
        line = lines[diag.line - 1] if diag.line <= len(lines) else ""
        found = find_invisible(line)
        if diag.code not in _LINE_CODES:
            found = [(col, char) for col, char in found if escape(char) in diag.message]
        if found:
            diags.items[n] = _named(diag, invisible_message(line, found))


def _named(diag: Diagnostic, lead: str) -> Diagnostic:
    return replace(diag, code="bad-character", message=f"{lead}. {diag.message}")
