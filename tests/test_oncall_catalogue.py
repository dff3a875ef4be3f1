"""The on-call engineer's catalogue: mistakes a tired responder makes editing records at 3 a.m.

Each case starts from a portal made by ``sitrep init`` with the records ``sitrep new``,
``update`` and ``resolve`` write (an open incident, a resolved one, its postmortem and a
runbook), makes one mistake, and checks what ``sitrep validate`` says, in process: exactly
one finding, on the file and line of the mistake, with the words of the fix (the close
match where there is one). A case whose ``expect`` is None is a slip the validator accepts
as meant (``sev1``, a byte order mark, CRLF line endings): no finding at all.

Two end-to-end checks run the real command: the GitHub annotation of a case points at the
same file and line, and ``mkdocs build --strict`` stops with the same message.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitrep.cli import main
from sitrep.load.discovery import RECORD_FOLDERS
from sitrep.load.loader import validate_portal
from sitrep.model.config import load_config
from sitrep.model.diagnostics import Diagnostic
from sitrep.model.exceptions import ConfigError

#: The check's time: the open incident's last update was five minutes ago.
NOW = datetime(2026, 12, 1, 15, 5, tzinfo=UTC)

OPEN = "incidents/2026/2026-12-01-api-errors.md"
RESOLVED = "incidents/2026/2026-11-20-database-failover.md"
PM = "postmortems/2026-11-21-database-failover.md"
RB = "runbooks/rollback.md"
SETTINGS = "mkdocs.yml"

#: As ``sitrep new incident`` and ``sitrep update`` write them.
OPEN_TEXT = """\
---
title: API errors for some customers
severity: SEV2
started: 2026-12-01T14:30:00Z
detected: 2026-12-01T14:32:00Z
components:
  api: partial_outage
visibility: public
updates:
  - at: 2026-12-01T14:40:00Z
    status: investigating
    message: We are investigating elevated error rates on the API.
  - at: 2026-12-01T15:00:00Z
    status: identified
    message: A bad deploy; rolling back.
---
"""

RESOLVED_TEXT = """\
---
title: Database failover
severity: SEV1
started: 2026-11-20T02:10:00Z
detected: 2026-11-20T02:12:00Z
acknowledged: 2026-11-20T02:14:00Z
resolved: 2026-11-20T03:00:00Z
components:
  db: major_outage
visibility: public
updates:
  - at: 2026-11-20T02:15:00Z
    status: investigating
    message: The database is unavailable; we are investigating.
  - at: 2026-11-20T03:00:00Z
    status: resolved
    message: The database is back; all systems operational.
---
The primary database failed over; writes failed for 50 minutes.
"""

PM_TEXT = """\
---
title: 'Postmortem: Database failover'
incidents: [2026-11-20-database-failover]
date: 2026-11-21
authors: [Platform team]
status: draft
visibility: internal
tags: []
---
# Postmortem: Database failover

## Summary

The primary database failed over and writes failed for 50 minutes.

## Action Items

- [ ] Alert on replication lag - Platform team - 2026-12-15
- [x] Document the failover - Platform team - 2026-11-30 - done 2026-11-28
"""

RB_TEXT = """\
---
title: Rollback
components: [api]
owner: Platform team
last_reviewed: 2026-12-01
review_every: 90
visibility: internal
---
# Rollback

1. Roll the deployment back.
"""

BASE = {OPEN: OPEN_TEXT, RESOLVED: RESOLVED_TEXT, PM: PM_TEXT, RB: RB_TEXT}


def edit(base: str, old: str, new: str) -> str:
    """``base`` with its one ``old`` replaced by ``new``."""
    assert base.count(old) == 1, old
    return base.replace(old, new)


def add_update(*lines: str, base: str = OPEN_TEXT) -> str:
    """The open incident with lines added after its last update (a third update, as responders add one)."""
    head, close, tail = base.rpartition("\n---\n")
    return head + "\n" + "".join(f"{line}\n" for line in lines) + close.lstrip("\n") + tail


def third_update(at: str = "2026-12-01T15:02:00Z", status: str = "monitoring",
                 message: str = "A fix is deployed; we are monitoring.") -> str:
    """The open incident with a third update, each part written as given."""
    return add_update(f"  - at: {at}", f"    status: {status}", f"    message: {message}")


def settings(old: str, new: str) -> Callable[[str], str]:
    """An edit of mkdocs.yml."""
    return lambda text: edit(text, old, new)


@dataclass(frozen=True)
class Case:
    """One mistake: the files it changes, and where the finding must be and what it must say.

    ``files``: path -> new text (``bytes`` as written, a callable edits the current text, None
    removes the file). ``expect``: (path, the text on the line of the mistake or the line number,
    a phrase of the fix); None when the validator rightly accepts the slip.
    """

    id: str
    files: dict[str, str | bytes | Callable[[str], str | bytes] | None]
    expect: tuple[str, str | int, str] | None
    level: str = "error"
    #: codes of further findings the mistake rightly brings (the other side of a duplicate id)
    also: tuple[str, ...] = field(default_factory=tuple)


def on_open(case_id: str, text: str | bytes, at: str | int, phrase: str, level: str = "error") -> Case:
    """A mistake in the open incident."""
    return Case(case_id, {OPEN: text}, (OPEN, at, phrase), level)


def accepted(case_id: str, files: dict[str, str | bytes | Callable[[str], str | bytes] | None]) -> Case:
    """A slip the validator rightly reads as meant: no finding."""
    return Case(case_id, files, None)


RETIRED_DB = settings('        - id: db\n          name: "Database"\n',
                      '        - id: db\n          name: "Database"\n          retired: 2026-11-25\n')

#: The plugin entry in a file of its own, which mkdocs.yml inherits (``INHERIT: components.yml``).
COMPONENTS_FILE = """\
plugins:
  - search
  - sitrep:
      components:
        - id: api
          name: Public API
        - id: web
          name: Web app
        - id: db
          name: Database
"""

CASES: list[Case] = [
    # --- the status of a new update
    on_open("status-typo", third_update(status="resloved"), "resloved", "did you mean 'resolved'"),
    on_open("status-capitalised", third_update(status="Resolved"), "Resolved", "did you mean 'resolved'"),
    on_open("status-other-word", third_update(status="fixed"), "fixed", "use one of: investigating, identified"),
    on_open("status-maintenance-word", third_update(status="completed"), "completed",
            "use one of: investigating, identified"),
    # --- severity spellings
    accepted("severity-lowercase", {OPEN: edit(OPEN_TEXT, "SEV2", "sev2")}),
    accepted("severity-with-space", {OPEN: edit(OPEN_TEXT, "SEV2", "SEV 2")}),
    accepted("severity-with-dash", {OPEN: edit(OPEN_TEXT, "SEV2", "SEV-2")}),
    on_open("severity-unknown", edit(OPEN_TEXT, "SEV2", "SEV5"), "SEV5", "use one of: SEV1 (Critical)"),
    accepted("severity-alias", {OPEN: edit(OPEN_TEXT, "SEV2", "P1")}),
    accepted("severity-word", {OPEN: edit(OPEN_TEXT, "SEV2", "high")}),
    # A bare number: 2 is SEV2 and P2 (SEV3) with the default levels, so the fix is named; 4 is SEV4's alone.
    on_open("severity-number", edit(OPEN_TEXT, "SEV2", "2"), "severity: 2",
            "could mean SEV2 (High) or P2, that is SEV3 (Medium); write the level: 'severity: SEV2' or "
            "'severity: SEV3'"),
    accepted("severity-number-of-one-level", {OPEN: edit(OPEN_TEXT, "SEV2", "4")}),
    on_open("severity-number-on-an-escalation",
            add_update("  - at: 2026-12-01T15:02:00Z", "    status: identified", "    message: Worse now.",
                       "    severity: 1"), "severity: 1", "write the level: 'severity: SEV1' or 'severity: SEV2'"),
    # --- times
    on_open("time-without-offset", third_update(at="2026-12-01T15:02:00"), "15:02:00", "append 'Z' for UTC"),
    on_open("time-with-space-no-offset", third_update(at="2026-12-01 15:02"), "15:02", "append 'Z' for UTC"),
    on_open("time-alone", third_update(at="15:02"), "15:02", "time without its date"),
    on_open("time-alone-with-z", third_update(at="15:02Z"), "15:02Z", "e.g. 2026-02-10T15:02:00Z"),
    on_open("date-us-style", third_update(at="12/01/2026 15:02"), "12/01/2026",
            "2026-12-01T15:02:00Z or 2026-01-12T15:02:00Z"),
    on_open("date-only", third_update(at="2026-12-01"), 16, "e.g. 2026-12-01T14:30:00Z"),
    on_open("time-zone-name", third_update(at="2026-12-01T15:02:00 UTC"), "UTC", "e.g. 2026-12-01T15:02:00Z"),
    on_open("started-without-offset", edit(OPEN_TEXT, "started: 2026-12-01T14:30:00Z", "started: 2026-12-01T14:30"),
            "started:", "append 'Z' for UTC"),
    on_open("year-typo-future", third_update(at="2027-12-01T15:02:00Z"), "2027-12-01", "check the year",
            level="warning"),
    accepted("offset-without-colon", {OPEN: third_update(at="2026-12-01T16:02:00+0100")}),
    on_open("single-digit-day", third_update(at="2026-12-1T15:02:00Z"), "2026-12-1T",
            "write it like 2026-02-10T14:30:00Z"),
    on_open("hour-25", third_update(at="2026-12-01T25:02:00Z"), "T25:02", "write it like 2026-02-10T14:30:00Z"),
    # --- order and lifecycle
    on_open("update-out-of-order", third_update(at="2026-12-01T14:50:00Z"), "14:50:00Z", "keep updates in time order"),
    on_open("detected-before-started", edit(OPEN_TEXT, "detected: 2026-12-01T14:32:00Z",
                                            "detected: 2026-12-01T14:20:00Z"), "detected:", "started <= detected"),
    Case("update-after-resolved", {RESOLVED: add_update("  - at: 2026-11-20T03:30:00Z", "    status: monitoring",
                                                        "    message: We are watching the database.",
                                                        base=RESOLVED_TEXT)},
         (RESOLVED, "status: monitoring", "keeps 'status: resolved'")),
    Case("resolved-before-last-update", {RESOLVED: edit(RESOLVED_TEXT, "resolved: 2026-11-20T03:00:00Z",
                                                        "resolved: 2026-11-20T02:50:00Z")},
         (RESOLVED, "resolved: 2026", "set 'resolved: 2026-11-20T03:00:00Z'")),
    # --- YAML shape
    on_open("missing-dash", add_update("    at: 2026-12-01T15:02:00Z", "    status: monitoring",
                                       "    message: A fix is deployed."), "at: 2026-12-01T15:02", "write the line as"),
    on_open("tab-indentation", add_update("  - at: 2026-12-01T15:02:00Z", "\tstatus: monitoring",
                                          "    message: A fix is deployed."), "\tstatus", "indented with a tab"),
    on_open("status-indented-less", add_update("  - at: 2026-12-01T15:02:00Z", "   status: monitoring",
                                               "    message: A fix is deployed."), 17, "line 'status:' up under 'at:'"),
    on_open("status-indented-more", add_update("  - at: 2026-12-01T15:02:00Z", "      status: monitoring",
                                               "    message: A fix is deployed."), 17, "line 'status:' up under 'at:'"),
    on_open("colon-in-message", third_update(message="Root cause: a bad deploy."), "Root cause",
            'message: "Root cause: a bad deploy."'),
    on_open("colon-in-title", edit(OPEN_TEXT, "title: API errors", "title: Update: API errors"), "title:",
            'title: "Update: API errors for some customers"'),
    on_open("unclosed-quote", third_update(message='"A fix is deployed; we are monitoring.'), "A fix is deployed",
            "add the closing \""),
    on_open("apostrophe-in-single-quotes", third_update(message="'We're monitoring the fix.'"), "We're",
            "write it twice"),
    on_open("message-starts-with-backtick", third_update(message="`api-7` restarted."), "api-7",
            'message: "`api-7` restarted."'),
    on_open("message-starts-with-bracket", third_update(message="[Update] A fix is deployed."), "[Update]",
            'message: "[Update] A fix is deployed."'),
    on_open("message-starts-with-at-sign", third_update(message="@channel a fix is deployed."), "@channel",
            'message: "@channel a fix is deployed."'),
    on_open("hash-in-message", third_update(message="Fixed by reverting PR #4312 and redeploying."), "#4312",
            "would end at 'Fixed by reverting PR'"),
    on_open("hash-in-title", edit(OPEN_TEXT, "title: API errors for some customers", "title: API errors #api-7"),
            "title:", "put the whole title in double quotes"),
    accepted("hash-in-quoted-message", {OPEN: third_update(message='"Fixed by reverting PR #4312."')}),
    accepted("comment-after-severity", {OPEN: edit(OPEN_TEXT, "SEV2", "SEV2  # was SEV3 until 14:50")}),
    on_open("duplicate-key", add_update("  - at: 2026-12-01T15:02:00Z", "    status: monitoring",
                                        "    status: resolved", "    message: Fixed."), "status: resolved",
            "given twice"),
    on_open("misspelt-key", third_update().replace("    message: A fix", "    mesage: A fix"), "mesage",
            "did you mean 'message'"),
    on_open("capitalised-key", third_update().replace("    status: monitoring", "    Status: monitoring"),
            "Status", "did you mean 'status'"),
    on_open("empty-message", third_update(message=""), 18, "write the message after 'message:'"),
    on_open("update-below-closing-dashes", OPEN_TEXT + "  - at: 2026-12-01T15:02:00Z\n    status: monitoring\n"
            "    message: A fix is deployed.\n", "- at: 2026-12-01T15:02", "move it above that line"),
    on_open("update-without-message", add_update("  - at: 2026-12-01T15:02:00Z", "    status: monitoring"),
            "- at: 2026-12-01T15:02", "add 'message: …'"),
    on_open("no-space-after-colon", third_update().replace("status: monitoring", "status:monitoring"),
            "status:monitoring", "write status: monitoring"),
    on_open("non-breaking-space-indent",
            third_update().replace("    status: monitoring", "\u00a0\u00a0  status: monitoring"),
            "status: monitoring", "U+00A0"),
    on_open("invisible-character-in-status", third_update(status="resolved\u200b"), "resolved",
            "did you mean 'resolved'"),
    # Pasted from a chat: the value looks right, so the finding names the character, its column and the fix.
    on_open("zero-width-space-in-status", third_update(status="resolved\u200b"), "resolved",
            "'resolved\\u200b' contains an invisible character, U+200B (zero-width space) at column 21: delete it"),
    on_open("zero-width-space-in-component", edit(OPEN_TEXT, "  api: partial_outage", "  a\u200bpi: partial_outage"),
            "partial_outage", "U+200B (zero-width space) at column 4: delete it"),
    on_open("zero-width-joiner-in-severity", edit(OPEN_TEXT, "SEV2", "SEV\u200d2"), "severity:",
            "U+200D (zero-width joiner) at column 14: delete it"),
    on_open("no-break-space-in-key", third_update().replace("    message: A fix", "    mes\u00a0sage: A fix"),
            "sage: A fix", "U+00A0 (no-break space) at column 8: replace it with an ordinary space"),
    on_open("no-break-space-after-colon", third_update().replace("status: monitoring", "status:\u00a0monitoring"),
            17, "'status:\\xa0monitoring' contains an invisible character, U+00A0 (no-break space) at "
            "column 12"),
    on_open("bidi-controls-around-status", third_update(status="\u202emonitoring\u202c"), 17,
            "invisible characters, U+202E (right-to-left override) at column 13 and U+202C (pop directional "
            "formatting) at column 24: delete them"),
    on_open("bidi-isolates-in-component", edit(OPEN_TEXT, "  api: partial_outage", "  \u2066api\u2069: partial_outage"),
            "partial_outage", "U+2066 (left-to-right isolate) at column 3 and U+2069 (pop directional isolate) at "
            "column 7: delete them"),
    on_open("byte-order-mark-before-a-key", edit(OPEN_TEXT, "visibility: public", "\ufeffvisibility: public"),
            "visibility:", "starts with the invisible character U+FEFF (byte order mark, zero-width no-break space) "
            "at column 1"),
    on_open("byte-order-mark-on-the-closing-dashes", OPEN_TEXT.removesuffix("---\n") + "\ufeff---\n", 16,
            "U+FEFF (byte order mark, zero-width no-break space) at column 1: delete it. This line would close"),
    on_open("byte-order-mark-twice", "\ufeff\ufeff" + OPEN_TEXT, 1,
            "U+FEFF (byte order mark, zero-width no-break space) at column 1: delete it. The first line must be"),
    on_open("zero-width-non-joiner-in-runbook",
            edit(OPEN_TEXT, "visibility: public\n", "visibility: public\nrunbooks: [roll\u200cback]\n"),
            "runbooks:", "U+200C (zero-width non-joiner) at column 16: delete it"),
    on_open("visibility-typo", edit(OPEN_TEXT, "visibility: public", "visibility: publc"), "publc",
            "did you mean 'public'"),
    on_open("runbook-typo", edit(OPEN_TEXT, "visibility: public\n", "visibility: public\nrunbooks: [rollbak]\n"),
            "rollbak", "did you mean rollback"),
    on_open("escalation-at-top-level", add_update("severity: SEV1"), "severity: SEV1", "write it in that update"),
    on_open("escalation-unknown-component",
            add_update("  - at: 2026-12-01T15:02:00Z", "    status: identified", "    message: Now the web app too.",
                       "    components:", "      wbe: major_outage"), "wbe", "did you mean 'web'"),
    on_open("title-pasted-twice-as-long", edit(OPEN_TEXT, "title: API errors for some customers",
                                               "title: " + "API errors for some customers " * 12), "title:",
            "shorten the title to 300 characters"),
    Case("maintenance-status-with-space", {"incidents/2026/2026-12-05-db-upgrade.md": """\
---
kind: maintenance
title: Database upgrade
scheduled_start: 2026-12-05T02:00:00Z
scheduled_end: 2026-12-05T04:00:00Z
components:
  db: under_maintenance
updates:
  - at: 2026-11-28T10:00:00Z
    status: in progress
    message: We are upgrading the database.
---
"""}, ("incidents/2026/2026-12-05-db-upgrade.md", "in progress", "did you mean 'in_progress'")),
    # --- components and impacts
    on_open("unknown-component", edit(OPEN_TEXT, "  api: partial_outage", "  apii: partial_outage"), "apii",
            "did you mean 'api'"),
    on_open("component-by-name", edit(OPEN_TEXT, "  api: partial_outage", "  Public API: partial_outage"),
            "Public API", "did you mean 'api'? 'Public API' is its name"),
    on_open("impact-typo", edit(OPEN_TEXT, "api: partial_outage", "api: partial"), "api: partial",
            "did you mean 'partial_outage'"),
    on_open("impact-with-space", edit(OPEN_TEXT, "api: partial_outage", "api: partial outage"), "api: partial",
            "did you mean 'partial_outage'"),
    on_open("components-as-string", edit(OPEN_TEXT, "components:\n  api: partial_outage", "components: api"),
            "components: api", "api: partial_outage"),
    on_open("components-as-list", edit(OPEN_TEXT, "components:\n  api: partial_outage", "components: [api]"),
            "components: [api]", "api: partial_outage"),
    Case("retired-component",
         {SETTINGS: RETIRED_DB, OPEN: edit(OPEN_TEXT, "api: partial_outage", "db: partial_outage")},
         (OPEN, "db: partial_outage", "remove db from it")),
    # --- whole files
    on_open("empty-file", "", 1, "the file is empty"),
    on_open("front-matter-not-closed", OPEN_TEXT.removesuffix("---\n"), 1, "add a line '---'"),
    on_open("closing-dashes-short", OPEN_TEXT.removesuffix("---\n") + "--\n", 1, "add a line '---'"),
    accepted("byte-order-mark", {OPEN: "\ufeff" + OPEN_TEXT}),
    accepted("crlf-line-endings", {OPEN: OPEN_TEXT.replace("\n", "\r\n")}),
    on_open("crlf-and-a-typo", third_update(status="resloved").replace("\n", "\r\n"), "resloved",
            "did you mean 'resolved'"),
    on_open("windows-1252-bytes", third_update(message="We\u2019re monitoring.").encode("cp1252"), 18,
            "save the file as UTF-8"),
    on_open("huge-paste", third_update(message="x" * 200_000), "message: xxx", "shorten the message"),
    on_open("log-paste-in-message", add_update("  - at: 2026-12-01T15:02:00Z", "    status: monitoring",
                                               "    message: Error rate back to normal.",
                                               "2026-12-01 15:01:02 ERROR upstream timeout: api-7"),
            "ERROR upstream", "not a 'field: value' line"),
    # --- names and folders
    Case("file-name-with-spaces", {OPEN: None, "incidents/2026/2026-12-01 api errors.md": OPEN_TEXT},
         ("incidents/2026/2026-12-01 api errors.md", 1, "rename the file to 2026-12-01-api-errors.md")),
    Case("file-name-without-md", {OPEN: None, "incidents/2026/2026-12-01-api-errors.txt": OPEN_TEXT},
         ("incidents/2026/2026-12-01-api-errors.txt", 1, "rename it to incidents/2026/2026-12-01-api-errors.md")),
    Case("incident-in-postmortems", {OPEN: None, "postmortems/2026-12-01-api-errors.md": OPEN_TEXT},
         ("postmortems/2026-12-01-api-errors.md", 1, "move it to incidents/2026/2026-12-01-api-errors.md")),
    # The copy sorts first: the finding must still reach it (and the original names it too).
    Case("duplicate-id-across-years", {"incidents/2025/2026-12-01-api-errors.md": OPEN_TEXT},
         ("incidents/2025/2026-12-01-api-errors.md", 1, "also used by incidents/2026/2026-12-01-api-errors.md"),
         also=("duplicate-id",)),
    Case("duplicate-id-without-year-folder", {"incidents/2026-12-01-api-errors.md": OPEN_TEXT},
         ("incidents/2026-12-01-api-errors.md", 1, "also used by incidents/2026/2026-12-01-api-errors.md"),
         also=("duplicate-id", "file-name")),
    Case("duplicate-explicit-id", {"incidents/2026/2026-12-02-api-down.md": "---\nid: 2026-12-01-api-errors\n"
                                   + OPEN_TEXT.removeprefix("---\n")},
         ("incidents/2026/2026-12-02-api-down.md", "id: 2026-12-01", "already used by " + OPEN),
         also=("duplicate-id",)),
    Case("file-name-with-capitals", {OPEN: None, "incidents/2026/2026-12-01-API-errors.md": OPEN_TEXT},
         ("incidents/2026/2026-12-01-API-errors.md", 1, "rename the file to 2026-12-01-api-errors.md")),
    Case("incident-without-year-folder", {OPEN: None, "incidents/2026-12-01-api-errors.md": OPEN_TEXT},
         ("incidents/2026-12-01-api-errors.md", 1, "incidents/YYYY/YYYY-MM-DD-short-slug.md"), level="warning"),
    Case("postmortem-in-incidents", {PM: None, "incidents/2026/2026-11-21-database-failover.md": PM_TEXT},
         ("incidents/2026/2026-11-21-database-failover.md", 1,
          "move it to postmortems/2026-11-21-database-failover.md")),
    # --- postmortems and runbooks
    Case("postmortem-incident-typo", {PM: edit(PM_TEXT, "[2026-11-20-database-failover]",
                                               "[2026-11-20-databse-failover]")},
         (PM, "incidents:", "did you mean 2026-11-20-database-failover")),
    Case("postmortem-incident-with-zero-width-space", {PM: edit(PM_TEXT, "[2026-11-20-database-failover]",
                                                              "[2026-11-20-database\u200b-failover]")},
         (PM, "incidents:", "U+200B (zero-width space) at column 32: delete it")),
    Case("postmortem-link-with-zero-width-space",
         {PM: PM_TEXT + "\nSee the [rollback runbook](../runbooks/roll\u200bback.md).\n"},
         (PM, "rollback runbook", "U+200B (zero-width space) at column 44: delete it")),
    Case("postmortem-status-typo", {PM: edit(PM_TEXT, "status: draft", "status: publish")},
         (PM, "status: publish", "did you mean 'published'")),
    Case("postmortem-date-us-style", {PM: edit(PM_TEXT, "date: 2026-11-21", "date: 11/21/2026")},
         (PM, "date:", "write the year first (YYYY-MM-DD), e.g. 2026-11-21")),
    Case("postmortem-incidents-as-string", {PM: edit(PM_TEXT, "[2026-11-20-database-failover]",
                                                     "2026-11-20-database-failover")},
         (PM, "incidents:", "write incidents: [2026-11-20-database-failover]")),
    Case("postmortem-authors-as-string", {PM: edit(PM_TEXT, "authors: [Platform team]", "authors: Ana, Ben")},
         (PM, "authors:", "write authors: [Ana, Ben]")),
    Case("postmortem-published-too-early", {PM: edit(PM_TEXT, "status: draft", "status: published")},
         (PM, "status: published", "or set status: draft")),
    Case("runbook-review-every-with-unit", {RB: edit(RB_TEXT, "review_every: 90", "review_every: 90 days")},
         (RB, "review_every:", "write review_every: 90")),
    Case("runbook-unknown-component", {RB: edit(RB_TEXT, "components: [api]", "components: [apy]")},
         (RB, "components:", "did you mean 'api'")),
    Case("runbook-components-as-string", {RB: edit(RB_TEXT, "components: [api]", "components: api")},
         (RB, "components:", "write components: [api]")),
    Case("runbook-review-date-word", {RB: edit(RB_TEXT, "last_reviewed: 2026-12-01", "last_reviewed: yesterday")},
         (RB, "last_reviewed:", "2026-02-10")),
    accepted("action-item-us-date", {PM: edit(PM_TEXT, "Platform team - 2026-12-15", "Platform team - 12/15/2026")}),
    Case("action-item-ambiguous-date", {PM: edit(PM_TEXT, "Platform team - 2026-12-15", "Platform team - 12/01/2027")},
         (PM, "12/01/2027", "ambiguous")),
    # --- the settings
    Case("settings-component-tab", {SETTINGS: settings('        - id: web\n', '\t- id: web\n')},
         (SETTINGS, "- id: web", "line 87 is indented with a tab")),
    Case("settings-component-missing-dash", {SETTINGS: settings('        - id: web\n', '          id: web\n')},
         (SETTINGS, "id: web", "write '- id: …'")),
    Case("settings-component-uppercase-id", {SETTINGS: settings('- id: web\n', '- id: Web\n')},
         (SETTINGS, "- id: Web", "e.g. publishing-api")),
    Case("settings-duplicate-component", {SETTINGS: settings('- id: web\n', '- id: api\n')},
         (SETTINGS, 87, "'api' is also the id of components[0]")),
    Case("settings-colon-in-name", {SETTINGS: settings('name: "Web app"', 'name: Web app: editor')},
         (SETTINGS, "name: Web app", 'name: "Web app: editor"')),
    Case("settings-component-id-zero-width-space", {SETTINGS: settings('- id: web\n', '- id: w\u200beb\n')},
         (SETTINGS, "- id: w", "U+200B (zero-width space) at column 16: delete it")),
    Case("settings-key-no-break-space", {SETTINGS: settings('      components:\n', '      compo\u00a0nents:\n')},
         (SETTINGS, "nents:", "U+00A0 (no-break space) at column 12")),
    Case("settings-misspelt-key", {SETTINGS: settings('      components:\n', '      componets:\n')},
         (SETTINGS, "componets:", "did you mean 'components'")),
    Case("settings-unclosed-quote", {SETTINGS: settings('name: "Web app"', 'name: "Web app')},
         (SETTINGS, 'name: "Web app', 'add the closing "')),
    Case("settings-windows-1252", {SETTINGS: lambda text: edit(text, 'name: "Web app"', 'name: "Web app \x96 EU"')
                                   .encode("utf-8").replace(b"\xc2\x96", b"\x96")},
         (SETTINGS, "Web app", "UTF-8")),
    accepted("settings-crlf", {SETTINGS: lambda text: text.replace("\n", "\r\n")}),
    accepted("settings-byte-order-mark", {SETTINGS: lambda text: "\ufeff" + text}),
    Case("settings-components-as-string", {SETTINGS: lambda text: text.split("      components:")[0]
                                           + "      components: api, web, db\n"},
         (SETTINGS, "components: api, web, db", "'- id: api'")),
    Case("settings-public-pages-typo", {SETTINGS: settings("public_pages: []", "public_pages: [runbook]")},
         (SETTINGS, "public_pages:", "did you mean 'runbooks'")),
    # The components kept in a file of their own that mkdocs.yml inherits: its mistakes are named there.
    Case("components-file-typo", {SETTINGS: lambda text: "INHERIT: components.yml\n" + text.split("\nplugins:")[0],
                                  "components.yml": COMPONENTS_FILE.replace("name: Web app", "nmae: Web app")},
         ("components.yml", "nmae:", "did you mean 'name'")),
    Case("settings-retired-us-date",
         {SETTINGS: settings('name: "Database"\n', 'name: "Database"\n          retired: 11/25/2026\n')},
         (SETTINGS, "retired:", "e.g. 2026-11-25")),
    Case("settings-retired-open-incident", {SETTINGS: RETIRED_DB,
                                            OPEN: edit(OPEN_TEXT, "started: 2026-12-01T14:30:00Z",
                                                       "started: 2026-11-24T14:30:00Z").replace(
                                                           "api: partial_outage", "db: partial_outage")},
         (OPEN, "db: partial_outage", "resolve it first")),
]


def apply_case(root: Path, case: Case) -> None:
    """Write the case's files into the portal at ``root``."""
    for rel, content in case.files.items():
        path = root / rel
        if content is None:
            path.unlink()
            continue
        if callable(content):
            content = content(path.read_text(encoding="utf-8") if path.exists() else "")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def line_of_mistake(root: Path, rel: str, at: str | int) -> int:
    """The line number ``at`` gives, or the one line of the file that contains the text ``at``."""
    if isinstance(at, int):
        return at
    lines = (root / rel).read_bytes().decode("utf-8", "replace").splitlines()
    found = [number for number, line in enumerate(lines, 1) if at in line]
    assert len(found) == 1, f"{at!r} is on lines {found} of {rel}: make the case's marker unique"
    return found[0]


def findings(root: Path) -> list[Diagnostic]:
    """What ``sitrep validate`` reports for the portal at ``root`` (the settings' problems included), run
    from ``root`` as the PR check runs it."""
    try:
        config = load_config(Path(SETTINGS))
    except ConfigError as exc:
        return list(exc.diagnostics) or [Diagnostic(exc.path, exc.line, "error", "config", str(exc))]
    return list(validate_portal(root, config, jobs=1, cache_dir=None, now=NOW)[1])


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A portal made by ``sitrep init``, with the base records."""
    root = tmp_path_factory.mktemp("portal")
    result = CliRunner().invoke(main, ["init", str(root), "--name", "Acme Status", "--url",
                                       "https://status.acme.example/", "--component", "api=Public API",
                                       "--component", "web=Web app", "--component", "db=Database",
                                       "--now", "2026-11-01T00:00:00Z"])
    assert result.exit_code == 0, result.output
    apply_case(root, Case("base", dict(BASE), None))
    return root


@pytest.fixture
def portal(initialised: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the initialised portal."""
    root = tmp_path / "portal"
    # What validate and a build read: the settings, the records and docs/ (not the workflows and templates).
    shutil.copytree(initialised, root, ignore=lambda folder, names: [
        n for n in names if folder == str(initialised) and n not in ("mkdocs.yml", "docs", *RECORD_FOLDERS.values())])
    monkeypatch.chdir(root)
    return root


def test_the_base_portal_is_valid(portal: Path) -> None:
    assert findings(portal) == []


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_mistake_is_one_finding_on_its_line_with_the_fix(portal: Path, case: Case) -> None:
    apply_case(portal, case)
    found = findings(portal)
    if case.expect is None:
        assert found == [], "\n".join(d.as_text() for d in found)
        return
    rel, at, phrase = case.expect
    line = line_of_mistake(portal, rel, at)
    shown = "\n".join(d.as_text() for d in found)
    on_the_line = [d for d in found if (d.path, d.line) == (rel, line) and phrase in d.message]
    assert len(on_the_line) == 1, f"expected one finding on {rel}:{line} saying {phrase!r}, got:\n{shown}"
    finding = on_the_line[0]
    assert finding.level == case.level, shown
    # Nothing else, but the other side of the same problem or another real one the case names.
    assert all(d is finding or d.code in case.also for d in found), f"expected one finding, got:\n{shown}"
    assert "Traceback" not in finding.message


def case(case_id: str) -> Case:
    """The catalogue's case ``case_id``."""
    return next(c for c in CASES if c.id == case_id)


#: Mistakes in four files at once, for the end-to-end checks.
IN_FOUR_FILES = ("hash-in-message", "update-after-resolved", "postmortem-status-typo", "runbook-unknown-component")


def test_the_pr_check_annotates_the_line_of_each_mistake(portal: Path) -> None:
    """The PR workflow's command, run as GitHub runs it: one ``::error`` annotation per mistake, on its line."""
    for case_id in IN_FOUR_FILES:
        apply_case(portal, case(case_id))
    expected = {(rel, line_of_mistake(portal, rel, at)) for rel, at, _ in (case(c).expect for c in IN_FOUR_FILES)}
    result = subprocess.run([str(Path(sys.executable).parent / "sitrep"), "validate", "--no-cache", "--format",
                             "github", "--now", NOW.isoformat()], cwd=portal, capture_output=True, text=True,
                            env={**os.environ, "GITHUB_ACTIONS": "true"}, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    annotations = re.findall(r"^::error file=([^,]+),line=(\d+),title=[^:]+::(.*)$", result.stdout, re.MULTILINE)
    assert {(path, int(line)) for path, line, _ in annotations} == expected, result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_mistake_in_mkdocs_yml_is_an_annotation_on_its_line(portal: Path) -> None:
    """A settings problem stops the check (exit 2) with an annotation on its line of mkdocs.yml too."""
    apply_case(portal, case("settings-duplicate-component"))
    result = CliRunner().invoke(main, ["validate", "--no-cache"], env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 2, result.output
    assert re.search(r"^::error file=mkdocs\.yml,line=87,title=sitrep invalid::plugins\.sitrep\.components\[1\]\.id: "
                     r".*'api' is also the id of components\[0\]", result.output, re.MULTILINE), result.output
    json_result = CliRunner().invoke(main, ["validate", "--no-cache", "--format", "json"])
    assert [(d["path"], d["line"]) for d in json.loads(json_result.stdout)] == [("mkdocs.yml", 87)]


@pytest.mark.parametrize("case_id", ["colon-in-message", "settings-duplicate-component"])
def test_mkdocs_build_strict_stops_with_the_same_message(portal: Path, case_id: str) -> None:
    """``mkdocs build --strict``, run in the portal as a responder runs it, prints what validate prints."""
    apply_case(portal, case(case_id))
    expected = [d.as_text() for d in findings(portal)]
    result = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict"], cwd=portal,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "SOURCE_DATE_EPOCH": str(int(NOW.timestamp())),
                                 "NO_MKDOCS_2_WARNING": "1"})
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    # The same line, the path as validate prints it (relative to the portal, not MkDocs' absolute one).
    assert len(expected) == 1 and re.search(rf"(?m)(^|\s){re.escape(expected[0])}", output), output
    assert "Traceback" not in output and not (portal / "site").exists()
