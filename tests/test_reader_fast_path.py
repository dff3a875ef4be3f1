"""The reader's fast path never disagrees with its careful path.

Plain front matters are composed by libyaml in C (the fast path); everything
else goes through the careful event builder that explains each problem. The
fast path may decline any input, but when it accepts one, the careful path must
return exactly the same values (same types, too: ``1`` is not ``True``) and the
same line for every key, and report nothing. Checked on every record shipped
in the repository, on hand-picked traps and on thousands of generated and
mutated front matters.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from sitrep.load import plainyaml, reader
from sitrep.load.reader import FAST_PATH_MAX_INDICATORS, MAX_DEPTH, RecordFile, plain_scalar, read_record
from sitrep.model.diagnostics import Diagnostics
from tests.support.sitebuild import SAMPLE
from tests.test_fuzz import FUZZ, ODD_PIECES, YAML_VALUES, examples, mutated_record

SHIPPED = sorted(p for folder in ("incidents", "postmortems", "runbooks")
                 for p in (SAMPLE / folder).rglob("*.md") if p.name not in ("README.md", "index.md"))


def typed(value: Any) -> Any:
    """A comparable form that keeps types apart (1 vs 1.0 vs True) and lets NaN equal NaN."""
    if isinstance(value, dict):
        return ("dict", [(k, typed(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [typed(v) for v in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def careful(fm_text: str) -> tuple[Any, dict[Any, int], list[str]]:
    record = RecordFile(path="x.md", text="", data={})
    diags = Diagnostics()
    data = reader._careful_parse(record, fm_text, 2, diags)
    return data, record.lines, [d.as_text() for d in diags.items]


#: The two fast paths, fastest first; both must agree with the careful path whenever they accept.
FAST_PATHS = {
    "lines": lambda text: plainyaml.parse(text, 2, MAX_DEPTH, plain_scalar),
    "libyaml": lambda text: reader._fast_parse(text, 2),
}


def assert_agree(fm_text: str) -> str:
    """Which fast paths took ``fm_text`` ('lines+libyaml', 'libyaml', '' ...); fails on any disagreement."""
    taken = []
    expected = None
    for name, fast_path in FAST_PATHS.items():
        fast = fast_path(fm_text)
        if fast is None:
            continue
        if expected is None:
            expected = careful(fm_text)
        data, lines, diags = expected
        assert diags == [], f"the {name} path accepted what the careful path reports: {diags}"
        assert typed(fast[0]) == typed(data), f"the {name} path read other values"
        assert fast[1] == lines, f"the {name} path gave other lines"
        taken.append(name)
    return "+".join(taken) or "careful only"


def front_matter(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    return "".join(lines[1:end])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(SAMPLE).as_posix())
def test_every_shipped_record_takes_the_fast_paths_and_agrees(path: Path):
    # Records written by `sitrep new`/`update` and by hand look like these: if they fell
    # back to a slower path, validating large repositories would be several times
    # slower without any other test noticing.
    assert assert_agree(front_matter(path)) == "lines+libyaml"


def test_read_record_tries_the_paths_fastest_first(monkeypatch: pytest.MonkeyPatch):
    calls: list[str] = []
    monkeypatch.setattr(reader, "_careful_parse", lambda *a: calls.append("careful"))
    monkeypatch.setattr(reader, "_fast_parse", lambda *a: calls.append("libyaml"))
    record = read_record("incidents/x.md", b"---\ntitle: x\nseverity: SEV2\n---\nbody\n", Diagnostics())
    assert record is not None and record.data == {"title": "x", "severity": "SEV2"} and calls == []
    read_record("incidents/x.md", b"---\ntitle: x # comment\n---\nbody\n", Diagnostics())
    assert calls == ["libyaml", "careful"]


TRAPS = {
    "duplicate key": "title: a\ntitle: b\n",
    "duplicate quoted key": "title: a\n'title': b\n",
    "yaml 1.1 boolean": "flag: yes\n",
    "yaml 1.1 boolean in a list": "runbooks: [on, off]\n",
    "sexagesimal": "duration: 1:30\n",
    "anchor and alias": "a: &x 1\nb: *x\n",
    "alias to nothing": "b: *x\n",
    "merge key": "a: {x: 1}\nb:\n  <<: {y: 2}\n",
    "explicit tag": "a: !!str 123\n",
    "tag named like the fast path's": "a: !<sitrep:plain> 123\n",
    "non-specific tag": "a: ! 123\n",
    "custom tag": "a: !ENV HOME\n",
    "tagged key": "!!str a: 1\n",
    "complex key": "? [a, b]\n: 1\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "not a mapping": "- a\n- b\n",
    "scalar document": "just text\n",
    "empty": "",
    "comments only": "# nothing\n",
    "too deep": "a: " + "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2) + "\n",
    "exactly as deep as allowed": "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n",
    "many indicators": "a: [" + ", ".join(["x-y"] * (FAST_PATH_MAX_INDICATORS + 1)) + "]\n",
    "tab indentation": "a:\n\tb: 1\n",
    "control character": "a: \x07\n",
    "quoted numbers stay text": "a: '123'\nb: \"true\"\nc: 123\nd: true\ne: ~\nf: 0x1F\ng: .inf\nh: .nan\n",
    "block scalars": "a: |\n  one\n  two\nb: >-\n  folded\n  text\n",
    "nested": "components:\n  api: major_outage\nupdates:\n  - at: 2026-01-01T00:00:00Z\n    status: x\n",
    "empty values": "a:\nb: []\nc: {}\nd: ''\n",
    "keys that look like values": "1: a\ntrue: b\nnull: c\n'yes': d\n",
}


@pytest.mark.parametrize("text", TRAPS.values(), ids=TRAPS.keys())
def test_traps_never_disagree(text: str):
    assert_agree(text)


@pytest.mark.parametrize("name", ["duplicate key", "yaml 1.1 boolean", "sexagesimal", "anchor and alias",
                                  "explicit tag", "tag named like the fast path's",
                                  "merge key", "two documents", "too deep"])
def test_the_fast_paths_decline_what_needs_explaining(name: str):
    assert assert_agree(TRAPS[name]) == "careful only"


def test_libyaml_path_declines_what_could_exhaust_the_c_stack():
    # libyaml's composer recurses in C; the line path keeps its own stack
    assert reader._fast_parse(TRAPS["many indicators"], 2) is None


@pytest.mark.parametrize("path", FAST_PATHS)
def test_yaml12_values_on_the_fast_paths(path: str):
    data, _ = FAST_PATHS[path](TRAPS["quoted numbers stay text"])
    assert typed(data) == typed({"a": "123", "b": "true", "c": 123, "d": True, "e": None, "f": 31,
                                 "g": float("inf"), "h": float("nan")})


keys = st.one_of(st.sampled_from(["title", "severity", "at", "1", "true", "<<", "'q'", '"d"', "updates"]),
                st.from_regex(r"[a-z_]{1,8}", fullmatch=True))
PLAIN_VALUES = ["SEV2", "api", "2026-01-01T00:00:00Z", "2026-01-01", "12", "-7", "3.5", "1e3", "true",
                "False", "null", "~", "", "'quoted'", "''", '"dq \\u00e9 \\n"', "hello world", "a-b", "x:y",
                "[a, 'b', 3]", "{a: b, c: [1]}", "|\n    block\n", ">-\n    folded\n", "0o17", "0x1f",
                ".5", "+1", "012", "1_000", "Yes please", "on call", "# comment", "a # comment",
                "'it''s'", "...", "---", "--", "-", "-5", "-x", "?x", ":x", "x:", "a:b", "@x", "%x", "!x", "&x",
                "*x", "|x", ">x", "x#y", "{a}", "C# [beta], {x}", "50%", "a, b", "`x`"]
plain_values = st.sampled_from(PLAIN_VALUES)
scalars = st.one_of(st.sampled_from(PLAIN_VALUES), st.sampled_from(PLAIN_VALUES),
                    st.sampled_from(YAML_VALUES[:40]), st.sampled_from(ODD_PIECES),
                    st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"]), max_size=12),
                    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12))


BLOCK_HEADERS = ["|", "|-", "|+", ">", ">-", ">+", "|2", ">1-", "| # c", "|-  "]
BLOCK_LINES = ["one two", "three", "", "  more indented", "# not a comment", "trailing  ", "a: b", "- x", " ",
               "\tx"]
FLOW_LISTS = ["[]", "[ ]", "[a, b]", "[Priya Raman, O'Brien]", "[1, 2.5, true, null]", "[a, ]", "[a, [b]]",
              "['q', \"d\"]", "[yes]", "[a: b]", "[x-y, v4.12]", "[José, 漢字]", "[a b , c]"]


@st.composite
def block(draw: st.DrawFn, indent: int, depth: int) -> list[str]:
    """Lines of a block mapping at ``indent``: scalars, lists (both indentations), nested mappings, blocks."""
    pad = " " * indent
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        key = draw(keys)
        shape = draw(st.sampled_from(["scalar", "scalar", "flow", "block", "list", "items", "map", "empty"]))
        if depth >= 3 and shape in ("list", "items", "map"):
            shape = "scalar"
        if shape == "scalar":
            lines.append(f"{pad}{key}: {draw(st.one_of(plain_values, plain_values, scalars))}")
        elif shape == "flow":
            lines.append(f"{pad}{key}: {draw(st.sampled_from(FLOW_LISTS))}")
        elif shape == "block":
            lines.append(f"{pad}{key}: {draw(st.sampled_from(BLOCK_HEADERS))}")
            inner = pad + " " * draw(st.sampled_from([2, 2, 1, 4, 0]))
            lines += [(inner + text) if text else "" for text in draw(st.lists(st.sampled_from(BLOCK_LINES),
                                                                               max_size=4))]
        elif shape == "empty":
            lines.append(f"{pad}{key}:")
        elif shape in ("list", "items"):
            lines.append(f"{pad}{key}:")
            dash = pad + " " * draw(st.sampled_from([2, 0, 4]))
            for _ in range(draw(st.integers(0, 3))):
                if shape == "list":
                    lines.append(f"{dash}- {draw(st.one_of(plain_values, scalars))}")
                else:
                    gap = " " * draw(st.sampled_from([1, 1, 3]))
                    item = draw(block(len(dash) + 1 + len(gap), depth + 1))
                    lines.append(f"{dash}-{gap}{item[0].lstrip(' ')}")
                    lines += item[1:]
        else:
            lines.append(f"{pad}{key}:")
            lines += draw(block(indent + draw(st.sampled_from([2, 2, 4, 1])), depth + 1))
    return lines


@st.composite
def generated_front_matter(draw: st.DrawFn) -> str:
    """Front matters near the edge of the plain subset: every shape records use, then small damage
    (an indentation off by one or two, a blank or comment line, a trailing comment, a tab)."""
    lines = draw(block(0, 0))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(lines)))
        kind = draw(st.sampled_from(["indent", "dedent", "blank", "comment", "trailing comment", "tab", "spaces"]))
        if kind == "blank":
            lines.insert(at, "")
        elif kind == "comment":
            lines.insert(at, " " * draw(st.integers(0, 4)) + "# note")
        elif kind == "spaces":
            lines.insert(at, " " * draw(st.integers(1, 6)))
        elif at < len(lines):
            line = lines[at]
            lines[at] = {"indent": " " + line, "dedent": line[1:] if line.startswith(" ") else line,
                         "trailing comment": line + " # note", "tab": line.replace(" ", "\t", 1)}[kind]
    return "\n".join(lines) + "\n"


@pytest.mark.slow
@settings(FUZZ, max_examples=examples(1500))
@given(text=generated_front_matter())
def test_generated_front_matters_never_disagree(text: str):
    event(assert_agree(text))


@pytest.mark.slow
@settings(FUZZ, max_examples=examples(1000))
@given(record=mutated_record())
def test_mutated_records_never_disagree(record: tuple[str, bytes]):
    _, raw = record
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return
    lines = text.splitlines(keepends=True)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if not lines or lines[0].rstrip() != "---" or end is None:
        return
    event(assert_agree("".join(lines[1:end])))


def reference_plain_scalar(value: str) -> tuple[Any, Any]:
    """plain_scalar's rules without its shortcuts (first letter, date shape)."""
    if value in reader._BOOLS:
        return reader._BOOLS[value], None
    if value in reader._NULLS:
        return None, None
    if reader._INT.fullmatch(value):
        return (int(value, 0) if value[:2] in ("0o", "0x") else int(value)), None
    if reader._FLOAT.fullmatch(value):
        return reader._float(value), None
    if reader._YAML11_SEXAGESIMAL.match(value):
        return value, reader._SEXAGESIMAL_DOUBT
    if value in reader._YAML11_BOOLS:
        return value, reader._BOOLEAN_DOUBT
    return value, None


# No deadline: a busy machine makes an example slow, not wrong (speed is for the benchmarks).
@settings(max_examples=examples(3000), deadline=None)
@given(value=st.one_of(
    st.text(alphabet="0123456789-+.:eE_xoTZ tTfFnNyYaAsS~", max_size=24),
    st.dates().map(str), st.datetimes().map(lambda d: d.isoformat() + "Z"),
    st.sampled_from(["1.2e-345678", "-1.5e-10", "1234-56", "12:30:45", "2026-01-01", ".inf", "-.Inf", "0o17"]),
))
def test_plain_scalar_shortcuts_never_change_a_value(value: str):
    assert typed(plain_scalar(value)) == typed(reference_plain_scalar(value))
