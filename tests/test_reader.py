"""The record reader alone: bytes -> front matter (data + line map) + body.

Every problem must come back as a diagnostic with the right line and code,
never as an exception, and nothing YAML 1.1 would read differently may pass
silently.
"""

from __future__ import annotations

import math
import time

import pytest

from sitrep.load.reader import MAX_DEPTH, RecordFile, read_record
from sitrep.model.diagnostics import Diagnostic, Diagnostics

PATH = "incidents/2026/2026-02-10-api-errors.md"


def read(content: str | bytes) -> tuple[RecordFile | None, list[Diagnostic]]:
    raw = content.encode("utf-8") if isinstance(content, str) else content
    diags = Diagnostics()
    record = read_record(PATH, raw, diags)
    return record, diags.sorted()


def only(diags: list[Diagnostic], level: str = "error") -> Diagnostic:
    """The single diagnostic of the run, which must have ``level``."""
    assert len(diags) == 1, [d.as_text() for d in diags]
    assert diags[0].level == level, diags[0].as_text()
    assert diags[0].path == PATH
    return diags[0]


def clean(content: str | bytes) -> RecordFile:
    record, diags = read(content)
    assert diags == [], [d.as_text() for d in diags]
    assert record is not None
    return record


# --------------------------------------------------------------------------- splitting


def test_front_matter_data_body_and_lines():
    record = clean("---\ntitle: API errors\nseverity: SEV2\n---\n# Heading\n\nText.\n")
    assert record.data == {"title": "API errors", "severity": "SEV2"}
    assert record.lines == {("title",): 2, ("severity",): 3}
    assert (record.start_line, record.end_line) == (1, 4)
    assert record.body == "# Heading\n\nText.\n"
    assert record.body_line == 5


def test_byte_order_mark_is_ignored():
    record = clean(b"\xef\xbb\xbf---\ntitle: x\n---\nbody\n")
    assert record.data == {"title": "x"}
    assert record.lines == {("title",): 2}
    assert record.body_line == 4


def test_crlf_line_endings_keep_line_numbers():
    record = clean(b"---\r\ntitle: x\r\nseverity: SEV1\r\n---\r\nbody\r\n")
    assert record.data == {"title": "x", "severity": "SEV1"}
    assert record.lines == {("title",): 2, ("severity",): 3}
    assert (record.end_line, record.body_line) == (4, 5)


def test_crlf_syntax_error_line():
    _, diags = read(b"---\r\ntitle: x\r\nbad: a: b\r\n---\r\n")
    d = only(diags)
    assert (d.line, d.code) == (3, "yaml-syntax")


def test_closing_dots_end_the_front_matter():
    record = clean("---\ntitle: x\n...\nbody\n")
    assert record.data == {"title": "x"}
    assert record.body == "body\n"


# --------------------------------------------------------------------------- unusable files


@pytest.mark.parametrize("raw", [b"", b"   \n\n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n \n"],
                         ids=["zero-bytes", "whitespace", "bom-only", "bom-and-blank-lines"])
def test_empty_file(raw):
    record, diags = read(raw)
    d = only(diags)
    assert record is None
    assert (d.line, d.code) == (1, "empty-file")
    assert "empty" in d.message


def test_nul_byte_is_reported_on_its_line():
    record, diags = read(b"---\ntitle: x\nseverity: \x00SEV1\n---\n")
    d = only(diags)
    assert record is None
    assert (d.line, d.code) == (3, "nul-byte")
    assert "NUL" in d.message


def test_non_utf8_byte_is_reported_on_its_line():
    record, diags = read("---\ntitle: café\n---\nLe caf\xe9 est ferm\xe9.\n".encode("latin-1"))
    d = only(diags)
    assert record is None
    assert (d.line, d.code) == (2, "not-utf8")
    assert "0xe9" in d.message
    assert "UTF-8" in d.message


def test_non_utf8_in_the_body_points_at_the_body_line():
    _, diags = read(b"---\ntitle: x\n---\nfine\nstill fine\nbad \xff here\n")
    assert (only(diags).line, only(diags).code) == (6, "not-utf8")


def test_utf16_file_is_named_as_such():
    _, diags = read("---\ntitle: x\n---\n".encode("utf-16"))
    d = only(diags)
    assert (d.line, d.code) == (1, "not-utf8")
    assert "UTF-16" in d.message and "UTF-8" in d.message


def test_no_front_matter():
    record, diags = read("# Publishing API errors\n\nSome text.\n")
    d = only(diags)
    assert record is None
    assert (d.line, d.code) == (1, "no-front-matter")
    assert "'---'" in d.message


def test_unclosed_front_matter():
    record, diags = read("---\ntitle: x\nseverity: SEV1\n\nThe body starts here.\n")
    d = only(diags)
    assert record is None
    assert (d.line, d.code) == (1, "front-matter-not-closed")
    assert "never closed" in d.message and "'---'" in d.message


def test_unclosed_front_matter_with_a_later_horizontal_rule():
    # The body's '---' would close the front matter; the first Markdown line is
    # then reported, with a hint about the missing closing line.
    _, diags = read("---\ntitle: x\nseverity: SEV1\n\nThe body starts here.\n\n---\n\nMore.\n")
    d = only(diags)
    assert (d.line, d.code) == (5, "yaml-syntax")
    assert "closing '---'" in d.message and "missing" in d.message


def test_empty_front_matter():
    record, diags = read("---\n---\nbody\n")
    d = only(diags)
    assert record is None
    assert (d.line, d.code) == (1, "empty-front-matter")


def test_front_matter_that_is_not_a_mapping():
    _, diags = read("---\n- title\n- severity\n---\n")
    d = only(diags)
    assert (d.line, d.code) == (2, "front-matter-not-mapping")
    assert "field: value" in d.message


# --------------------------------------------------------------------------- YAML errors


def test_yaml_syntax_error_line():
    record, diags = read("---\ntitle: x\nseverity: SEV1\nmessage: Errors: 50% of requests\n---\n")
    d = only(diags)
    assert record is None
    assert (d.line, d.code) == (4, "yaml-syntax")
    assert "YAML syntax error" in d.message
    assert "quote" in d.message


def test_unclosed_flow_list_names_the_line_it_started_on():
    _, diags = read("---\ntitle: x\nrunbooks: [rollback, failover\nseverity: SEV1\n---\n")
    d = only(diags)
    assert (d.line, d.code) == (4, "yaml-syntax")  # where the parser gave up...
    assert "flow sequence that starts on line 3" in d.message  # ...and where the list began


def test_tab_indentation():
    _, diags = read("---\ntitle: x\ncomponents:\n\tweb-app: partial_outage\n---\n")
    d = only(diags)
    assert (d.line, d.code) == (4, "yaml-syntax")
    assert "tab" in d.message


def test_control_character_is_reported_on_its_line():
    _, diags = read("---\ntitle: x\nupdates:\n  - message: \x1b[31mred\x1b[0m\n---\n")
    d = only(diags)
    assert (d.line, d.code) == (4, "bad-character")
    assert "U+001B" in d.message and "delete" in d.message
    assert "\n" not in d.message


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"])
def test_invisible_line_separator_is_an_error_on_its_line(char):
    # libyaml reads these as line breaks: the value would change and every
    # later line number would be off by one.
    _, diags = read(f"---\ntitle: x\nmessage: first{char}second\nseverity: SEV1\n---\n")
    d = only(diags)
    assert (d.line, d.code) == (3, "bad-character")
    assert f"U+{ord(char):04X}" in d.message


def test_line_separator_in_the_body_is_fine():
    record = clean("---\ntitle: x\n---\nA\u2028B\n")
    assert record.data == {"title": "x"}


def test_duplicate_key():
    record, diags = read("---\ntitle: First\nseverity: SEV1\ntitle: Second\n---\n")
    d = only(diags)
    assert (d.line, d.code) == (4, "duplicate-key")
    assert "'title'" in d.message and "line 2" in d.message
    assert record is not None  # the rest of the file is still checked


def test_duplicate_key_in_a_nested_mapping():
    _, diags = read("---\nupdates:\n  - at: 2026-02-10T14:40:00Z\n    status: resolved\n"
                    "    at: 2026-02-10T14:50:00Z\n---\n")
    d = only(diags)
    assert (d.line, d.code) == (5, "duplicate-key")
    assert "'at'" in d.message and "line 3" in d.message


# --------------------------------------------------------------------------- YAML 1.1 traps


@pytest.mark.parametrize("value", ["yes", "no", "on", "off", "Yes", "NO", "On", "OFF", "y", "n"])
def test_yaml11_boolean_stays_text_with_a_warning(value):
    record, diags = read(f"---\ntitle: x\nvisibility: {value}\n---\n")
    d = only(diags, "warning")
    assert record is not None and record.data["visibility"] == value
    assert (d.line, d.code) == (3, "yaml11-boolean")
    assert "visibility" in d.message and "boolean" in d.message
    assert f'"{value}"' in d.message  # tells how to quote it


@pytest.mark.parametrize("quoted", ['"yes"', "'no'", '"on"', '"1:30"'])
def test_quoted_yaml11_values_give_no_warning(quoted):
    record = clean(f"---\nvalue: {quoted}\n---\n")
    assert record.data["value"] == quoted[1:-1]


@pytest.mark.parametrize("value", ["1:30", "14:30:00", "-1:30", "190:20:30.15"])
def test_yaml11_sexagesimal_stays_text_with_a_warning(value):
    record, diags = read(f"---\ntitle: x\nduration: {value}\n---\n")
    d = only(diags, "warning")
    assert record is not None and record.data["duration"] == value
    assert (d.line, d.code) == (3, "yaml11-sexagesimal")
    assert "base-60" in d.message and "quote" in d.message


def test_yaml11_warning_in_a_nested_value_names_the_field():
    _, diags = read("---\nupdates:\n  - at: 2026-02-10T14:40:00Z\n    status: on\n---\n")
    d = only(diags, "warning")
    assert d.line == 4
    assert "updates.0.status" in d.message


def test_yaml11_words_as_keys_are_left_alone():
    record = clean("---\non: push\nno: 1\n---\n")
    assert record.data == {"on": "push", "no": 1}


# --------------------------------------------------------------------------- YAML 1.2 core scalars


@pytest.mark.parametrize(("text", "expected"), [
    ("12", 12), ("-3", -3), ("+4", 4), ("0", 0), ("012", 12), ("0o17", 15), ("0x1F", 31),
    ("1.5", 1.5), ("-0.25", -0.25), ("1e3", 1000.0), (".5", 0.5), ("1.", 1.0),
    (".inf", math.inf), ("-.inf", -math.inf), ("+.INF", math.inf),
    ("true", True), ("True", True), ("TRUE", True), ("false", False), ("False", False),
    ("null", None), ("Null", None), ("NULL", None), ("~", None), ("", None),
    ("SEV1", "SEV1"), ("1_000", "1_000"), ("0b101", "0b101"), ("v1.2.3", "v1.2.3"),
    ("12abc", "12abc"), ("-x", "-x"), ("tRue", "tRue"), ("+.5e-3", 0.0005),
])
def test_yaml12_core_schema_scalars(text, expected):
    record = clean(f"---\nvalue: {text}\n---\n")
    value = record.data["value"]
    assert value == expected
    assert type(value) is type(expected)


def test_nan_is_a_float():
    value = clean("---\nvalue: .nan\n---\n").data["value"]
    assert isinstance(value, float) and math.isnan(value)


@pytest.mark.parametrize("text", ["2026-02-10T14:30:00Z", "2026-02-10T14:30:00+02:00",
                                  "2026-02-10 14:30:00", "2026-02-10T14:30", "2026-02-10"])
def test_timestamps_and_dates_stay_strings(text):
    record = clean(f"---\nstarted: {text}\n---\n")
    assert record.data["started"] == text


def test_block_and_quoted_scalars_are_text():
    record = clean("---\na: '12'\nb: \"true\"\nc: |\n  yes\n  no\nd: >-\n  on\n  off\n---\n")
    assert record.data == {"a": "12", "b": "true", "c": "yes\nno\n", "d": "on off"}


def test_standard_tags_are_accepted_and_custom_tags_warned():
    record, diags = read("---\na: !!str yes\nb: !custom x\n---\n")
    d = only(diags, "warning")
    assert record is not None and record.data == {"a": "yes", "b": "x"}
    assert (d.line, d.code) == (3, "yaml-tag")
    assert "!custom" in d.message


# --------------------------------------------------------------------------- anchors, size, depth


def test_anchors_and_aliases_used_normally():
    record = clean("---\ncomponents: &c\n  web-app: partial_outage\nsame: *c\n"
                   "who: &ic Priya\ncommander: *ic\n---\n")
    assert record.data["same"] == {"web-app": "partial_outage"}
    assert record.data["commander"] == "Priya"
    assert record.lines[("same",)] == 4


def test_billion_laughs_is_rejected_quickly():
    lines = ["---", 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    lines.append("---")
    start = time.process_time()
    record, diags = read("\n".join(lines) + "\n")
    elapsed = time.process_time() - start
    d = only(diags)
    assert record is None
    assert d.code == "yaml-too-large"
    assert 3 <= d.line <= 10
    assert "aliases" in d.message
    assert elapsed < 0.5


def test_alias_to_an_unknown_anchor():
    _, diags = read("---\ntitle: x\nsame: *nowhere\n---\n")
    d = only(diags)
    assert (d.line, d.code) == (3, "yaml-syntax")
    assert "*nowhere" in d.message


def test_merge_keys_are_rejected():
    _, diags = read("---\nbase: &b\n  title: x\nother:\n  <<: *b\n---\n")
    d = only(diags)
    assert (d.line, d.code) == (5, "yaml-unsupported")
    assert "'<<'" in d.message


def test_deep_flow_nesting_is_rejected_quickly():
    start = time.process_time()
    record, diags = read("---\ntitle: x\nvalue: " + "[" * 50_000 + "]" * 50_000 + "\n---\n")
    elapsed = time.process_time() - start
    d = only(diags)
    assert record is None
    assert (d.line, d.code) == (3, "yaml-too-large")
    assert f"more than {MAX_DEPTH} levels" in d.message
    assert elapsed < 0.5


def test_deep_block_nesting_is_rejected():
    text = "---\n" + "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + "---\n"
    _, diags = read(text)
    assert only(diags).code == "yaml-too-large"


def test_nesting_records_use_is_fine():
    record = clean("---\nupdates:\n  - at: 2026-02-10T14:40:00Z\n    tags: [a, {b: [c]}]\n---\n")
    assert record.data["updates"][0]["tags"] == ["a", {"b": ["c"]}]


# --------------------------------------------------------------------------- line map


def test_line_map_for_nested_keys():
    record = clean(
        "---\n"                                   # 1
        "title: x\n"                              # 2
        "components:\n"                           # 3
        "  web-app: partial_outage\n"             # 4
        "  publishing-api: major_outage\n"        # 5
        "runbooks: [rollback, failover]\n"        # 6
        "updates:\n"                              # 7
        "  - at: 2026-02-10T14:40:00Z\n"          # 8
        "    status: investigating\n"             # 9
        "    message: >-\n"                       # 10
        "      Looking into it.\n"                # 11
        "  - at: 2026-02-10T15:20:00Z\n"          # 12
        "    status: resolved\n"                  # 13
        "    message: Fixed.\n"                   # 14
        "---\n"                                   # 15
    )
    lines = record.lines
    assert lines[("components",)] == 3
    assert lines[("components", "web-app")] == 4
    assert lines[("components", "publishing-api")] == 5
    assert lines[("runbooks", 1)] == 6
    assert lines[("updates",)] == 7
    assert lines[("updates", 0)] == 8
    assert lines[("updates", 0, "status")] == 9
    assert lines[("updates", 0, "message")] == 10
    assert lines[("updates", 1)] == 12
    assert lines[("updates", 1, "status")] == 13
    assert record.end_line == 15
    # line_of falls back to the deepest known prefix, then to the opening '---'
    assert record.line_of(("updates", 1, "nope")) == 12
    assert record.line_of(("updates", 1, "at")) == 12
    assert record.line_of(("missing",)) == 1


def test_reader_never_raises_on_odd_input():
    samples = [b"---", b"---\n", b"\n---\n---\n", b"---\n:\n---\n", b"---\n? [a]\n: 1\n---\n",
               b"---\n--- x\n---\n", b"---\n&a\n---\n", b"---\n!!binary x\n---\n", b"\r\r\r",
               b"---\n\"unterminated\n---\n", b"---\na: 'x\n---\n", b"---\n{\n---\n"]
    for raw in samples:
        diags = Diagnostics()
        record = read_record(PATH, raw, diags)  # must not raise
        assert record is not None or diags.has_errors, raw
        for d in diags:
            assert "\n" not in d.message, d.message
