"""Every error Sitrep raises on purpose, in one hierarchy.

Library code raises these; the adapters translate them at the boundary: the CLI
into a one-line message and an exit status, the MkDocs plugin into MkDocs'
``PluginError``. Bad records are never exceptions: they are diagnostics.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sitrep.model.diagnostics import Diagnostic


class SitrepError(Exception):
    """Base of Sitrep's errors: ``message`` says what went wrong and how to fix it;
    ``diagnostics`` lists the record problems behind it, if any."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()):
        self.message = message
        self.diagnostics = list(diagnostics)
        super().__init__(message)


class ConfigError(SitrepError):
    """mkdocs.yml is missing, unreadable or has an invalid sitrep entry.

    With ``diagnostics`` (every problem of the settings, one a line), they are the text;
    ``path``, ``line`` and ``message`` are then the first one's.
    """

    def __init__(self, path: str, line: int, message: str, diagnostics: Sequence[Diagnostic] = ()):
        super().__init__(message, diagnostics)
        self.path, self.line = path, line
        text = "\n".join(d.as_text() for d in self.diagnostics)
        self.args = (text or f"{path}:{line}: error: {message}",)

    @property
    def findings(self) -> list[Diagnostic]:
        """Every problem as a diagnostic, for the formats that list them (GitHub annotations, JSON): the
        ``diagnostics``, or the one problem ``path``, ``line`` and ``message`` name."""
        from sitrep.model.diagnostics import Diagnostic

        return self.diagnostics or [Diagnostic(self.path, self.line, "error", "settings", self.message)]


class ClockError(SitrepError, ValueError):
    """SOURCE_DATE_EPOCH is set but is not a whole number of seconds."""


class RevisionError(SitrepError, ValueError):
    """A git revision cannot be read (unknown revision, git missing)."""


class EditError(SitrepError):
    """The edit cannot be made safely or would make the record invalid; nothing was written."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()):
        super().__init__(message, diagnostics)
        details = "".join(f"\n  {d.as_text()}" for d in self.diagnostics)
        self.args = (message + details,)


class UnknownRecord(SitrepError, LookupError):
    """No valid record has the requested id; ``message`` says why and suggests close ids."""


class NotifyError(SitrepError):
    """The notification ledger cannot be read or written; nothing was sent."""


class MessageTemplateError(SitrepError):
    """A message template is missing, has a syntax error or uses a name its audience is not given."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: error: {message}")
        self.path, self.line = path, line


class ImportRefused(SitrepError):
    """A history cannot be imported as given (unreadable source, unmapped components); nothing was written."""


class FormError(SitrepError, ValueError):
    """A filed issue form lacks something the record needs; the message says what to fix in the issue."""


class SiteError(SitrepError):
    """A built site cannot be finished as asked (missing folder, a page Sitrep cannot read)."""
