"""`sitrep update` and `sitrep resolve`: textual edits that keep every other byte.

Each round-trip test writes a record, runs the real CLI on it and checks with
difflib that the only change is the block of added lines at the expected place
(or, for an empty `resolved:`, that one line), that the result validates and
reads back with the new update, and that refused edits leave the file
byte-identical.
"""

from __future__ import annotations

import difflib
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.cli import main
from sitrep.edit.splice import NewUpdate, append_update_text
from sitrep.edit.yaml_text import message_lines, yaml_flow_list, yaml_scalar
from sitrep.load.reader import read_record
from sitrep.model.diagnostics import Diagnostics
from sitrep.model.exceptions import EditError
from tests.support.helpers_build import CLI_MKDOCS

NOW = "2026-02-10T16:00:00Z"

# Comments everywhere, odd quoting, blank lines, a trailing comment after the
# last update, and a body with '---' and YAML-looking text.
COMMENTED = """\
---
# Incident record: keep it factual.
title: 'Publishing API: errors for "some" customers'   # quoted on purpose
severity: "SEV2"

started: 2026-02-10T14:30:00Z   # from the load balancer logs
detected: '2026-02-10T14:32:00Z'
components:
  publishing-api: partial_outage  # 18% of requests
updates:
  - at: 2026-02-10T14:40:00Z
    status: investigating
    message: >-
      We are investigating elevated error rates on the Publishing API.
      Some requests fail.

  - at: "2026-02-10T15:00:00Z"   # posted late
    status: identified
    message: 'The cause is a release; we are rolling it back.'
    # internal: rollback started by Marco
# roles below are internal

commander: Priya Raman
---
Body text.

---
```yaml
updates:
  - at: 2026-01-01T00:00:00Z
status: resolved
```
---
"""

# `- at:` at indent 0, a literal message whose content has '#' lines and a
# blank line, and a flow mapping.
INDENT0 = """\
---
title: Database failover
severity: SEV1
started: 2026-02-10T14:30:00Z
components: {database: major_outage}
updates:
- at: 2026-02-10T14:35:00Z
  status: investigating
  message: |
    Writes fail.

    # This line is message text, not a YAML comment.
- at: 2026-02-10T14:50:00Z
  status: monitoring
  message: Failover done.
---
"""

FLOW_ITEM = """\
---
title: Cache slow
severity: SEV3
started: 2026-02-10T14:30:00Z
components:
  web-app: degraded_performance
updates:
    - {at: 2026-02-10T14:35:00Z, status: investigating, message: "Slow pages."}
visibility: internal
---
"""

FLOW_LIST = """\
---
title: Cache slow
severity: SEV3
started: 2026-02-10T14:30:00Z
components:
  web-app: degraded_performance
updates: [{at: 2026-02-10T14:35:00Z, status: investigating, message: Slow pages.}]
---
"""

EMPTY_RESOLVED = """\
---
title: Webhooks delayed
severity: SEV3
started: 2026-02-10T14:30:00Z
mitigated: ~
resolved:    # filled in by sitrep resolve
components:
  web-app: degraded_performance
updates:
  - status: investigating
    at: 2026-02-10T14:35:00Z
    message: Webhooks are delayed.
---
"""

KEEP_CHOMPING = """\
---
title: Email delays
severity: SEV4
started: 2026-02-10T14:30:00Z
components:
  web-app: degraded_performance
updates:
  - at: 2026-02-10T14:35:00Z
    status: investigating
    message: |+
      Emails are delayed.


---
"""

DASH_ALONE = """\
---
title: Login errors
severity: SEV2
started: 2026-02-10T14:30:00Z
components:
  web-app: partial_outage
updates:
  -
    at: 2026-02-10T14:35:00Z
    status: investigating
    message: Some logins fail.
---
"""

RESOLVED = """\
---
title: Old incident
severity: SEV3
started: 2026-02-10T14:30:00Z
components:
  web-app: degraded_performance
updates:
  - at: 2026-02-10T14:35:00Z
    status: resolved
    message: Fixed.
---
"""

MAINTENANCE = """\
---
kind: maintenance
title: Database upgrade
scheduled_start: 2026-02-10T14:00:00Z
scheduled_end: 2026-02-10T16:00:00Z
components:
  database: under_maintenance
updates:
  - at: 2026-02-01T10:00:00Z
    status: scheduled
    message: We will upgrade the database.
---
Details.
"""

ID = "2026-02-10-api-errors"
REL = f"incidents/2026/{ID}.md"


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def portal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A minimal portal in tmp_path; the working folder is its root."""
    (tmp_path / "mkdocs.yml").write_text(CLI_MKDOCS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


def write(root: Path, content: str | bytes, rel: str = REL) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def sitrep(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args[:1], "-f", str(root / "mkdocs.yml"), *args[1:], "--now", NOW])


def validate(root: Path) -> Result:
    return CliRunner().invoke(main, ["validate", "-f", str(root / "mkdocs.yml"), "--no-cache", "--format", "text"])


def added(before: bytes, after: bytes) -> list[tuple[int, list[bytes]]]:
    """The diff as (0-based line of the original before which lines were added, lines).

    Fails if anything was removed or changed.
    """
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    hunks = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        assert tag == "insert", f"{tag} of original lines {i1}-{i2}:\n" + "".join(
            difflib.unified_diff([x.decode() for x in old], [x.decode() for x in new]))
        hunks.append((i1, new[j1:j2]))
    return hunks


def front_matter(path: Path) -> dict:
    diags = Diagnostics()
    rf = read_record(path.name, path.read_bytes(), diags)
    assert rf is not None, diags.render()
    return rf.data


def index_of(text: bytes, line: bytes) -> int:
    """0-based index of the first line equal to ``line`` (without its line ending)."""
    return [x.rstrip(b"\r\n") for x in text.splitlines(keepends=True)].index(line)


# --------------------------------------------------------------------------- round trips


def test_update_keeps_comments_quoting_blank_lines_and_body(portal: Path) -> None:
    path = write(portal, COMMENTED)
    before = path.read_bytes()
    result = sitrep(portal, "update", ID, "--status", "monitoring", "--message",
                    "The rollback is complete; error rates are back to normal. We are monitoring.",
                    "--at", "2026-02-10T15:10:00Z")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == REL
    after = path.read_bytes()
    # The new item goes after the last item and its indented note, before the
    # blank line and the comment that belong to `commander`.
    [(where, lines)] = added(before, after)
    assert where == index_of(before, b"    # internal: rollback started by Marco") + 1
    assert b"".join(lines) == (
        b'  - at: "2026-02-10T15:10:00Z"\n'  # same quoting as the last item's `at`
        b"    status: monitoring\n"
        b"    message: >-\n"
        b"      The rollback is complete; error rates are back to normal. We are\n"
        b"      monitoring.\n"
    )
    data = front_matter(path)
    assert data["updates"][-1] == {"at": "2026-02-10T15:10:00Z", "status": "monitoring",
                                   "message": "The rollback is complete; error rates are back to normal. "
                                              "We are monitoring."}
    assert after.endswith(before[before.index(b"---\nBody text."):])
    assert validate(portal).exit_code == 0


def test_an_update_naming_a_responder_is_written_with_a_warning(portal: Path) -> None:
    path = write(portal, COMMENTED)  # commander: Priya Raman
    result = sitrep(portal, "update", ID, "--status", "monitoring", "--message",
                    "Priya Raman rolled the release back; error rates are normal again.",
                    "--at", "2026-02-10T15:10:00Z")
    assert result.exit_code == 0, result.output  # the words are the responder's: written, not refused
    assert "Priya Raman rolled the release back" in path.read_text(encoding="utf-8")
    assert ("sitrep: warning: 'Priya Raman' named in a public incident (its title, update messages and "
            "description reach the status page, the feeds, the API and customer email): describe roles, not "
            "people") in result.stderr
    # A message naming nobody says nothing of the kind.
    result = sitrep(portal, "update", ID, "--message", "Error rates stay normal.", "--at", "2026-02-10T15:20:00Z")
    assert result.exit_code == 0 and "public-names" not in result.stderr


def test_resolve_sets_resolved_and_mitigated_after_last_lifecycle_key(portal: Path) -> None:
    path = write(portal, COMMENTED)
    before = path.read_bytes()
    result = sitrep(portal, "resolve", ID, "--message", "This incident has been resolved.",
                    "--at", "2026-02-10T15:20:00Z", "--mitigated", "2026-02-10T15:05:00Z")
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    hunks = added(before, after)
    assert hunks[0] == (index_of(before, b"detected: '2026-02-10T14:32:00Z'") + 1,
                        [b"mitigated: 2026-02-10T15:05:00Z\n", b"resolved: 2026-02-10T15:20:00Z\n"])
    assert hunks[1][1][1:] == [b"    status: resolved\n", b"    message: This incident has been resolved.\n"]
    data = front_matter(path)
    assert data["resolved"] == "2026-02-10T15:20:00Z"
    assert data["mitigated"] == "2026-02-10T15:05:00Z"
    assert data["updates"][-1]["status"] == "resolved"
    assert validate(portal).exit_code == 0


def test_crlf_file_stays_crlf(portal: Path) -> None:
    crlf = COMMENTED.replace("\n", "\r\n")
    path = write(portal, crlf)
    before = path.read_bytes()
    result = sitrep(portal, "resolve", ID, "--message", "Resolved.\nNo data was lost.",
                    "--mitigated", "2026-02-10T15:05:00Z")
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    hunks = added(before, after)
    new_lines = [line for _, lines in hunks for line in lines]
    assert new_lines and all(line.endswith(b"\r\n") for line in new_lines)
    assert b"\n" not in after.replace(b"\r\n", b"")  # no bare LF anywhere
    assert front_matter(path)["updates"][-1]["message"] == "Resolved.\nNo data was lost."
    assert front_matter(path)["resolved"] == NOW.replace(".000", "")
    assert validate(portal).exit_code == 0


def test_byte_order_mark_is_kept(portal: Path) -> None:
    path = write(portal, b"\xef\xbb\xbf" + INDENT0.encode())
    before = path.read_bytes()
    assert sitrep(portal, "update", ID, "--status", "monitoring", "--message", "Still fine.").exit_code == 0
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf---\n")
    assert len(added(before, after)) == 1


def test_indent_zero_items_and_literal_message_with_hash_lines(portal: Path) -> None:
    path = write(portal, INDENT0)
    before = path.read_bytes()
    message = "Writes work again.\n\n# Not a comment either\n  - indented, not a list"
    result = sitrep(portal, "update", ID, "--status", "monitoring", "--message", message)
    assert result.exit_code == 0, result.output
    [(where, lines)] = added(before, path.read_bytes())
    assert where == index_of(before, b"  message: Failover done.") + 1
    assert lines == [
        b"- at: 2026-02-10T16:00:00Z\n",
        b"  status: monitoring\n",
        b"  message: |-\n",
        b"    Writes work again.\n",
        b"\n",
        b"    # Not a comment either\n",
        b"      - indented, not a list\n",
    ]
    data = front_matter(path)
    assert data["updates"][-1]["message"] == message
    assert data["updates"][0]["message"] == "Writes fail.\n\n# This line is message text, not a YAML comment.\n"


def test_literal_message_ending_with_hash_line_is_not_split(portal: Path) -> None:
    # The last item's last line starts with '#', but it is message text: the new
    # item must come after it, not before.
    content = INDENT0.replace("  message: Failover done.\n",
                              "  message: |-\n    Failover done.\n    # really\n")
    path = write(portal, content)
    before = path.read_bytes()
    assert sitrep(portal, "update", ID, "--status", "monitoring", "--message", "OK").exit_code == 0
    [(where, _)] = added(before, path.read_bytes())
    assert where == index_of(before, b"    # really") + 1
    assert front_matter(path)["updates"][1]["message"] == "Failover done.\n# really"


def test_flow_mapping_item_gets_a_block_item_with_the_same_dash_column(portal: Path) -> None:
    path = write(portal, FLOW_ITEM)
    before = path.read_bytes()
    assert sitrep(portal, "update", ID, "--status", "identified", "--message", "Found it: #42 'quoted'").exit_code == 0
    [(where, lines)] = added(before, path.read_bytes())
    assert where == index_of(before, b"visibility: internal")
    assert lines[0] == b"    - at: 2026-02-10T16:00:00Z\n"
    assert front_matter(path)["updates"][-1]["message"] == "Found it: #42 'quoted'"
    assert validate(portal).exit_code == 0


def test_dash_on_its_own_line(portal: Path) -> None:
    path = write(portal, DASH_ALONE)
    before = path.read_bytes()
    assert sitrep(portal, "update", ID, "--status", "identified", "--message", "Cause found.").exit_code == 0
    [(_, lines)] = added(before, path.read_bytes())
    assert lines == [b"  - at: 2026-02-10T16:00:00Z\n", b"    status: identified\n",
                     b"    message: Cause found.\n"]


def test_empty_resolved_is_filled_in_place_keeping_its_comment(portal: Path) -> None:
    path = write(portal, EMPTY_RESOLVED)
    before = path.read_bytes()
    result = sitrep(portal, "resolve", ID, "--mitigated", "2026-02-10T15:00:00Z")
    assert result.exit_code == 0, result.output
    expected = (before
                .replace(b"mitigated: ~\n", b"mitigated: 2026-02-10T15:00:00Z\n")
                .replace(b"resolved:    # filled in by sitrep resolve\n",
                         b"resolved: 2026-02-10T16:00:00Z    # filled in by sitrep resolve\n")
                .replace(b"Webhooks are delayed.\n---\n",
                         # The new item copies the key order of the existing one (status first).
                         b"Webhooks are delayed.\n"
                         b"  - status: resolved\n"
                         b"    at: 2026-02-10T16:00:00Z\n"
                         b"    message: This incident has been resolved.\n"
                         b"---\n"))
    assert path.read_bytes() == expected
    assert validate(portal).exit_code == 0


def test_keep_chomping_blank_lines_stay_in_the_old_message(portal: Path) -> None:
    path = write(portal, KEEP_CHOMPING)
    before = path.read_bytes()
    assert sitrep(portal, "update", ID, "--status", "identified", "--message", "Cause found.").exit_code == 0
    [(where, _)] = added(before, path.read_bytes())
    assert where == len(before.splitlines()) - 1  # before the closing '---', after the kept blank lines
    data = front_matter(path)
    assert data["updates"][0]["message"] == "Emails are delayed.\n\n\n"
    assert data["updates"][1]["message"] == "Cause found."


@pytest.mark.parametrize("message", [
    "yes",
    "null",
    "2026-02-10",
    "1:30",
    "0o17",
    "- not a list",
    "@here: 50% of requests fail # not a comment",
    "'single' and \"double\" quotes, {braces} and [brackets]",
    "Tabs\tinside and  double  spaces " + "and a long tail " * 8 + "end.",
    "Ünïcödé — “quotes” 🚨",
    "Line one\n  indented line\n\n\nafter blank lines",
    "Ends with a colon:",
])
def test_messages_round_trip_exactly(portal: Path, message: str) -> None:
    path = write(portal, COMMENTED)
    result = sitrep(portal, "update", ID, "--status", "monitoring", "--message", message)
    assert result.exit_code == 0, result.output
    assert front_matter(path)["updates"][-1]["message"] == message
    assert validate(portal).exit_code == 0


def test_message_from_stdin(portal: Path) -> None:
    path = write(portal, INDENT0)
    result = CliRunner().invoke(main, ["update", "-f", "mkdocs.yml", ID, "--status", "monitoring",
                                       "--message", "-", "--now", NOW], input="From a file.\r\nSecond line.\n")
    assert result.exit_code == 0, result.output
    assert front_matter(path)["updates"][-1]["message"] == "From a file.\nSecond line."


def test_update_with_status_resolved_works_like_resolve(portal: Path) -> None:
    path = write(portal, INDENT0)
    assert sitrep(portal, "update", ID, "--status", "Resolved", "--message", "Done.").exit_code == 0
    data = front_matter(path)
    assert data["resolved"] == "2026-02-10T16:00:00Z"
    assert data["updates"][-1]["status"] == "resolved"


def test_maintenance_update_and_resolve_use_maintenance_statuses(portal: Path) -> None:
    path = write(portal, MAINTENANCE)
    before = path.read_bytes()
    assert sitrep(portal, "update", ID, "--status", "in_progress", "--message", "Started.",
                  "--at", "2026-02-10T14:00:00Z").exit_code == 0
    result = sitrep(portal, "resolve", ID, "--at", "2026-02-10T15:30:00Z")
    assert result.exit_code == 0, result.output
    data = front_matter(path)
    assert [u["status"] for u in data["updates"]] == ["scheduled", "in_progress", "completed"]
    assert data["updates"][-1]["message"] == "The scheduled maintenance has been completed."
    assert data["resolved"] == "2026-02-10T15:30:00Z"
    assert all(tag == "insert" for tag, *_ in difflib.SequenceMatcher(
        a=before.splitlines(), b=path.read_bytes().splitlines(), autojunk=False).get_opcodes() if tag != "equal")
    assert validate(portal).exit_code == 0


def test_id_may_be_given_as_a_path(portal: Path) -> None:
    write(portal, INDENT0)
    result = sitrep(portal, "update", REL, "--status", "monitoring", "--message", "OK")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == REL


def test_explicit_id_is_found_through_the_portal(portal: Path) -> None:
    write(portal, INDENT0.replace("title:", "id: custom-id\ntitle:"))
    result = sitrep(portal, "update", "custom-id", "--status", "monitoring", "--message", "OK")
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(("content", "args", "expected"), [
    (RESOLVED, ["update", ID, "--status", "monitoring", "--message", "x"], "already resolved"),
    (RESOLVED, ["resolve", ID], "already resolved"),
    (INDENT0, ["update", ID, "--status", "identified", "--message", "x", "--at", "2026-02-10T14:45:00Z"],
     "earlier than the last update"),
    (INDENT0, ["update", ID, "--status", "identified", "--message", "x", "--at", "2026-02-10T16:00:00"],
     "no UTC offset"),
    (INDENT0, ["update", ID, "--status", "identified", "--message", "  "], "message is empty"),
    (FLOW_LIST, ["update", ID, "--status", "identified", "--message", "x"], "flow style"),
    (MAINTENANCE, ["update", ID, "--status", "identified", "--message", "x"], "in_progress, verifying"),
    # mitigated before started: the edited record would be invalid.
    (INDENT0, ["resolve", ID, "--mitigated", "2026-02-10T14:00:00Z"], "mitigated"),
    (INDENT0, ["update", "2026-02-10-api-error", "--status", "identified", "--message", "x"],
     f"did you mean {ID}"),
    # A component the incident never involved cannot recover in it.
    (INDENT0, ["update", ID, "--status", "identified", "--message", "x", "--component", "web-app=operational"],
     "web-app is not affected by this incident; to add it, give its impact (e.g. web-app=degraded)"),
])
def test_refusals_leave_the_file_untouched(portal: Path, content: str, args: list[str], expected: str) -> None:
    path = write(portal, content)
    before = path.read_bytes()
    result = sitrep(portal, *args)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary file left


def test_invalid_record_is_reported_not_edited(portal: Path) -> None:
    path = write(portal, INDENT0.replace("database: major_outage", "databse: major_outage"))
    before = path.read_bytes()
    result = sitrep(portal, "update", ID, "--status", "identified", "--message", "x")
    assert result.exit_code == 2
    assert "has errors" in result.output and "databse" in result.output
    assert path.read_bytes() == before


def test_a_read_only_record_is_not_replaced(portal: Path) -> None:
    path = write(portal, INDENT0)
    before = path.read_bytes()
    path.chmod(0o444)
    result = sitrep(portal, "update", ID, "--status", "identified", "--message", "x")
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: {path}: the file is read-only. To fix: make it writable first")
    assert "Traceback" not in result.output
    assert path.read_bytes() == before and path.stat().st_mode & 0o777 == 0o444
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary file left


def test_a_linked_record_is_updated_where_the_link_points(portal: Path,
                                                          tmp_path_factory: pytest.TempPathFactory) -> None:
    target = tmp_path_factory.mktemp("elsewhere") / "record.md"
    target.write_text(INDENT0, encoding="utf-8")
    link = portal / REL
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    result = sitrep(portal, "update", ID, "--status", "identified", "--message", "Found it.",
                    "--at", "2026-02-10T15:30:00Z")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == target
    assert front_matter(target)["updates"][-1]["message"] == "Found it."


def test_a_file_where_the_year_folder_goes_is_named_in_one_line(portal: Path) -> None:
    (portal / "incidents").mkdir()
    (portal / "incidents" / "2026").write_text("not a folder\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["new", "incident", "-f", str(portal / "mkdocs.yml"), "--title", "API errors",
                                       "--severity", "SEV3", "--component", "web-app=degraded_performance",
                                       "--message", "Looking.", "--at", "2026-02-10T14:30:00Z", "--now", NOW])
    assert result.exit_code == 2, result.output
    assert result.output == (f"Error: {portal / 'incidents' / '2026'}: a file stands where this folder goes. "
                             "To fix: move or rename the file that stands where a folder goes\n")


def test_a_responder_in_the_records_folder_needs_no_config_option(portal: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(portal, INDENT0)
    monkeypatch.chdir(path.parent)  # incidents/2026/, two folders below mkdocs.yml
    result = CliRunner().invoke(main, ["update", ID, "--status", "identified", "--message", "Found it.",
                                       "--at", "2026-02-10T15:30:00Z", "--now", NOW])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == path.name  # shown relative to where the responder is
    assert front_matter(path)["updates"][-1]["message"] == "Found it."


def test_unknown_config_is_a_usage_error(portal: Path) -> None:
    result = CliRunner().invoke(main, ["update", "-f", "nope.yml", ID, "--status", "identified", "--message", "x"])
    assert result.exit_code == 2


# --------------------------------------------------------------------------- library level


def test_append_update_text_refuses_files_without_updates() -> None:
    text = "---\ntitle: x\n---\n"
    with pytest.raises(EditError, match="no 'updates:'"):
        append_update_text(text, "x.md", NewUpdate(_dt("2026-02-10T16:00:00Z"), "identified", "x"))


def test_append_update_text_with_indented_top_level_mapping() -> None:
    text = "---\n  title: x\n  started: 2026-02-10T14:00:00Z\n  updates:\n    - at: 2026-02-10T14:00:00Z\n" \
           "      status: investigating\n      message: x\n---\n"
    out = append_update_text(text, "x.md", NewUpdate(_dt("2026-02-10T16:00:00Z"), "resolved", "done"),
                             {"resolved": _dt("2026-02-10T16:00:00Z")})
    assert "  started: 2026-02-10T14:00:00Z\n  resolved: 2026-02-10T16:00:00Z\n" in out
    assert out.endswith("      message: x\n    - at: 2026-02-10T16:00:00Z\n      status: resolved\n"
                        "      message: done\n---\n")


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_any_message_reads_back_exactly(message: str) -> None:
    lines = message_lines("message", message, col=4)
    diags = Diagnostics()
    text = "---\nupdates:\n  - at: x\n" + "\n".join(lines) + "\n---\n"
    rf = read_record("x.md", text.encode("utf-8"), diags)
    assert rf is not None, diags.render()
    assert rf.data["updates"][0]["message"] == message
    assert not diags.items


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_any_scalar_and_list_read_back_exactly(value: str) -> None:
    for fragment, expected in ((yaml_scalar(value), value), (yaml_flow_list([value, "b"]), [value, "b"])):
        diags = Diagnostics()
        rf = read_record("x.md", f"---\nv: {fragment}\n---\n".encode(), diags)
        assert rf is not None and rf.data["v"] == expected
        assert "\n" not in fragment
