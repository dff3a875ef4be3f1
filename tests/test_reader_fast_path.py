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
from test_fuzz import FUZZ, ODD_PIECES, YAML_VALUES, examples, mutated_record

from sitrep import reader
from sitrep.diagnostics import Diagnostics
from sitrep.reader import FAST_PATH_MAX_INDICATORS, MAX_DEPTH, RecordFile, read_record

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(p for folder in ("incidents", "postmortems", "runbooks")
                 for p in (ROOT / folder).rglob("*.md") if p.name not in ("README.md", "index.md"))


def typed(value: Any) -> Any:
    """A comparable form that keeps types apart (1 vs 1.0 vs True) and lets NaN equal NaN."""
    if isinstance(value, dict):
        return ("dict", [(k, typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def careful(fm_text: str) -> tuple[Any, dict[Any, int], list[str]]:
    record = RecordFile(path="x.md", text="", data={})
    diags = Diagnostics()
    data = reader._careful_parse(record, fm_text, 2, diags)
    return data, record.lines, [d.as_text() for d in diags.items]


def assert_agree(fm_text: str) -> bool:
    """True when the fast path took ``fm_text``; fails if it then disagrees."""
    fast = reader._fast_parse(fm_text, 2)
    if fast is None:
        return False
    data, lines, diags = careful(fm_text)
    assert diags == [], f"fast path accepted what the careful path reports: {diags}"
    assert typed(fast[0]) == typed(data)
    assert fast[1] == lines
    return True


def front_matter(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    return "".join(lines[1:end])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_shipped_record_takes_the_fast_path_and_agrees(path: Path):
    # If the sample records fell back to the careful path, validation of large
    # repositories would be twice as slow without any test noticing.
    assert assert_agree(front_matter(path)), "the fast path declined a plain record"


def test_the_fast_path_is_used_by_read_record(monkeypatch: pytest.MonkeyPatch):
    calls = []
    monkeypatch.setattr(reader, "_careful_parse", lambda *a: calls.append(a))
    record = read_record("incidents/x.md", b"---\ntitle: x\nseverity: SEV2\n---\nbody\n", Diagnostics())
    assert record is not None and record.data == {"title": "x", "severity": "SEV2"} and calls == []


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
                                  "merge key", "two documents", "too deep", "many indicators"])
def test_the_fast_path_declines_what_needs_explaining(name: str):
    assert reader._fast_parse(TRAPS[name], 2) is None


def test_yaml12_values_on_the_fast_path():
    data, _ = reader._fast_parse(TRAPS["quoted numbers stay text"], 2)
    assert typed(data) == typed({"a": "123", "b": "true", "c": 123, "d": True, "e": None, "f": 31,
                                 "g": float("inf"), "h": float("nan")})


keys = st.one_of(st.sampled_from(["title", "severity", "at", "1", "true", "<<", "'q'", '"d"', "updates"]),
                st.from_regex(r"[a-z_]{1,8}", fullmatch=True))
PLAIN_VALUES = ["SEV2", "api", "2026-01-01T00:00:00Z", "2026-01-01", "12", "-7", "3.5", "1e3", "true",
                "False", "null", "~", "", "'quoted'", "''", '"dq \\u00e9 \\n"', "hello world", "a-b", "x:y",
                "[a, 'b', 3]", "{a: b, c: [1]}", "|\n    block\n", ">-\n    folded\n", "0o17", "0x1f",
                ".5", "+1", "012", "1_000", "Yes please", "on call", "# comment", "a # comment"]
scalars = st.one_of(st.sampled_from(PLAIN_VALUES), st.sampled_from(PLAIN_VALUES),
                    st.sampled_from(YAML_VALUES[:40]), st.sampled_from(ODD_PIECES),
                    st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"]), max_size=12),
                    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12))


@st.composite
def generated_front_matter(draw: st.DrawFn) -> str:
    """Small front matters mixing plain and tricky YAML, block and flow, at a few depths."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 6))):
        key = draw(keys)
        shape = draw(st.sampled_from(["scalar", "list", "map", "flow"]))
        if shape == "scalar":
            lines.append(f"{key}: {draw(scalars)}")
        elif shape == "list":
            lines.append(f"{key}:")
            lines += [f"  - {draw(scalars)}" for _ in range(draw(st.integers(0, 3)))]
        elif shape == "map":
            lines.append(f"{key}:")
            lines += [f"  {draw(keys)}: {draw(scalars)}" for _ in range(draw(st.integers(0, 3)))]
        else:
            lines.append(f"{key}: [{', '.join(draw(st.lists(scalars, max_size=3)))}]")
    return "\n".join(lines) + "\n"


@pytest.mark.slow
@settings(FUZZ, max_examples=examples(1500))
@given(text=generated_front_matter())
def test_generated_front_matters_never_disagree(text: str):
    event("fast" if assert_agree(text) else "declined")


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
    event("fast" if assert_agree("".join(lines[1:end])) else "declined")
