"""No record body, however odd, makes a build or a check slow, and nothing it shows changes.

The bounded processors (``render/bounded_markdown.py``) must give stock Python-Markdown's bytes
for every text (compared on the sample's bodies, tricky Markdown and generated text), and their
work must grow linearly with the text: the tests count the lines of Python-Markdown and Sitrep
that run (``sys.settrace``) and the characters the block-HTML start-tag pattern reads, and
double the input. No wall-clock threshold: ``benchmarks/hostile_bench.py`` has the timings.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown import htmlparser

from sitrep.edit.importers import cstate, upptime
from sitrep.render.bounded_markdown import BoundedMarkdown
from sitrep.text.markdown import links, strip_html_comments
from tests.support.work import lines_run

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "tests" / "fixtures" / "sample"


class _EnvLoader(yaml.SafeLoader):
    pass


_EnvLoader.add_constructor("!ENV", lambda loader, node: None)


def _extensions() -> tuple[list[Any], dict[str, Any]]:
    """The repository's ``markdown_extensions``, as MkDocs passes them."""
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_EnvLoader)
    names, configs = [], {}
    for item in config["markdown_extensions"]:
        if isinstance(item, dict):
            (name, options), = item.items()
            names.append(name)
            configs[name] = options or {}
        else:
            names.append(item)
    return names, configs


def _instances() -> tuple[markdown.Markdown, markdown.Markdown]:
    names, configs = _extensions()
    stock = markdown.Markdown(extensions=names, extension_configs=configs)
    ours = markdown.Markdown(extensions=names, extension_configs=configs)
    BoundedMarkdown().extendMarkdown(ours)
    return stock, ours


STOCK, OURS = _instances()


def convert(md: markdown.Markdown, text: str) -> str:
    md.reset()
    return md.convert(text)


TRICKY = [
    "[a](b) [c [d](e) ![x](y 'z') [r][1] [s] [1]\n\n[1]: http://example.com 'T'",
    "[x]( ' )", '[x](" (', "[x]( ( ( ' ( ( (", "[a](b(c)d) [e](f\"g\") [h](i 'j' ) [k](<l m> \"n\")",
    "[[a]](b) [a [b] c](d) [a [b](c) ![a [b](c)", "[x](' [y](z) [w](\"v) u)", "[]() [](<>) ![]()",
    "[a]\n(b) [a]\n[b]\n\n[b]: /x", "\\[a](b) [a\\](b) [a](b\\)c) `[a](b)` [c](`d`)",
    "<div>\n[a](b) <a <b\n</div>", "<a href='x'>y</a> <b =c <d e=\"f\"> <x <y>", "<a <b <c `d",
    "text <http://x.y/z> <a@b.c> <http://a b> <a\x00b>", "<!-- c --> <? pi ?> <![CDATA[ x ]]> </>",
    "* [ ] task [a](b)\n* [x] done ~~no~~", "| a | [b](c |\n|---|---|\n| [d | e) |",
    "!!! note\n    [a](b) <c\n\n??? tip\n    ![d](e \"f\")", "```\n[a](b\n```\n[c](d",
    "[a](b 'c' d) [e](f \"g\" ) [h](i 'j\" k') [l](m \"n' o\")", "[a](b)(c)) [d]((e)) [f](g)h)",
    "[a]: <b> 'c'\n\n[a] [A] [a][] ![a] ![a][]", "***[a](b)*** _[c](d)_ **<e**",
    "<div markdown>\n[a](b) <c\n</div>", "[x]( \"t\" )", "[x](<y> 'z')", "[x]( ' ( ' )",
]


def sample_bodies() -> list[str]:
    bodies = []
    for folder in ("incidents", "postmortems", "runbooks"):
        for path in sorted((SAMPLE / folder).rglob("*.md")):
            text = path.read_text(encoding="utf-8")
            bodies.append(text.split("\n---\n", 1)[1] if text.startswith("---") else text)
    return bodies


@pytest.mark.parametrize("text", TRICKY + sample_bodies())
def test_the_bounded_processors_give_stock_bytes(text: str) -> None:
    assert convert(OURS, text) == convert(STOCK, text)


MARKDOWNISH = st.lists(st.sampled_from([*list("[]()!<>'\"` *_a=/\\:\n-#~&;\t"), "http://", "a@b", "<a "]),
                       max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(MARKDOWNISH)
def test_generated_text_gives_stock_bytes(text: str) -> None:
    assert convert(OURS, text) == convert(STOCK, text)




@pytest.mark.parametrize("unit", ["[a ", "![a ", "[x]( ", "[x]( '", "[", "[a](b) "])
def test_unclosed_openers_cost_linear_work(unit: str) -> None:
    small, large = (lines_run(lambda n=n: convert(OURS, unit * n), "markdown", "sitrep") for n in (300, 600))
    assert large / small < 2.5, (small, large)  # stock: about 4 (3.9 for "[a " measured)


class _CountingPattern:
    """Python-Markdown's start-tag pattern, counting the characters it reads."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.read = pattern, 0

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        found = self.pattern.match(text, pos)
        self.read += (found.end() - pos) if found else 1
        return found


@pytest.mark.parametrize("unit", ["<a ", "<http://a ", "<a b", "<b>"])
def test_unclosed_html_openers_are_read_once(unit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    counting = _CountingPattern(htmlparser.htmlparser.locatestarttagend_tolerant)
    monkeypatch.setattr(htmlparser.htmlparser, "locatestarttagend_tolerant", counting)
    reads = []
    for n in (2000, 4000):
        counting.read = 0
        convert(OURS, unit * n)
        reads.append(counting.read)
    ours_small, ours_large = reads
    assert ours_large <= 2.5 * max(ours_small, 1), (ours_small, ours_large)


def test_the_plugin_converts_record_bodies_with_the_bounded_processors(tmp_path: Path) -> None:
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    from sitrep.plugin import SharedMarkdown

    config = load_config(str(SAMPLE / "mkdocs.yml"))
    shared = SharedMarkdown(config, Files([]))
    kinds = {type(shared.md.inlinePatterns[name]).__name__ for name in ("link", "image_link", "reference")}
    assert kinds == {"BoundedLinkInlineProcessor", "BoundedImageInlineProcessor", "BoundedReferenceInlineProcessor"}
    assert type(shared.md.preprocessors["html_block"]).__name__ == "_BoundedHtmlBlock"


# --------------------------------------------------------------------------- our own scanners

def cpu_seconds(run: Callable[[], Any]) -> float:
    """The least CPU time of five runs (other jobs on the machine barely move it)."""
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def growth(run: Callable[[str], Any], unit: str, size: int) -> float:
    """How much longer ``run`` takes on four times the text: about 4 if linear, 16 if quadratic.

    Four times, not twice: a busy machine can stretch one short run by half, which blurs 2 against 4
    (a doubling test failed at 3.27 on CI) but not 4 against 16.
    """
    small = (unit * (size // len(unit)))
    return cpu_seconds(lambda: run(small * 4)) / max(cpu_seconds(lambda: run(small)), 1e-4)


@pytest.mark.parametrize(("run", "unit", "size"), [
    (cstate.plain_text, "*a ", 16_000), (cstate.plain_text, "_a ", 16_000), (cstate.plain_text, "![a ", 16_000),
    (cstate.plain_text, "{{< a ", 16_000), (upptime.message_text, "<!-- ", 16_000),
    # a list's items joined into one growing string: 4-fold at 16,000 characters, 10-fold at 64,000
    (upptime.message_text, "- a\n", 64_000),
    (strip_html_comments, "<!-- ", 16_000), (lambda text: list(links(text + "](x)")), "[a ", 16_000),
])
def test_our_scanners_take_linear_time(run: Callable[[str], Any], unit: str, size: int) -> None:
    # Quadratic grows about 16-fold (the others doubled 4.3-4.7-fold before they were fixed); linear 4-fold.
    assert growth(run, unit, size) < 8


def test_emphasis_is_still_read_and_snake_case_kept() -> None:
    assert cstate.plain_text("The *API* is **down**; _snake_case_ names and my_var_name stay.") == (
        "The API is down; snake_case names and my_var_name stay.")


def _emphasis_by_regex(text: str, span: int = 500) -> str:
    """The emphasis scan as it was (a regular expression), the reference ``cstate.strip_emphasis`` must give."""
    pattern = rf"(?<![\w*])(\*{{1,3}}|_{{1,3}})(?=\S)(.{{1,{span}}}?)(?<=\S)\1(?![\w*])"
    return re.sub(pattern, r"\2", text, flags=re.DOTALL)


def _plain_text_by_regex(markdown: str) -> str:
    """``cstate.plain_text`` as it was: the regular expression's three passes over the parts between URLs."""
    text = cstate.strip_shortcodes(markdown)
    text = cstate._IMAGE.sub(lambda m: f"{m[1]} ({m[2]})" if m[1].strip() else m[2], text)
    for link in reversed(list(links(text))):
        label = link.text.strip()
        shown = link.target if label in ("", link.target) else f"{label} ({link.target})"
        text = text[:link.start] + shown + text[link.end:]
    text = cstate._AUTOLINK.sub(r"\1", text)
    parts = cstate._URL.split(text)
    for _ in range(3):
        parts = [_emphasis_by_regex(part) if i % 2 == 0 else part for i, part in enumerate(parts)]
    text = " ".join("".join(parts).replace("\\\n", " ").split())
    for mark in ("*", "_"):
        if text.count(mark) % 2 and (text.startswith(mark) or text.endswith(mark)):
            text = text.removeprefix(mark) if text.startswith(mark) else text.removesuffix(mark)
    return text.strip()


_EMPHASIS_PIECES = ["*", "**", "***", "_", "__", "a", "b_c", " ", "\n", "\t", "\u00a0", "é", "1", ".", "-", "`",
                    "https://x.test/a_b*c ", "[l](u_v)", "\\"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_EMPHASIS_PIECES), max_size=40).map("".join), st.sampled_from([1, 2, 3, 6, 500]))
def test_strip_emphasis_is_the_regular_expression(text: str, span: int) -> None:
    # Short spans put the bound (500 characters) within reach of short texts.
    assert cstate.strip_emphasis(text, span) == _emphasis_by_regex(text, span)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_EMPHASIS_PIECES), max_size=60).map("".join))
def test_plain_text_reads_emphasis_as_before(text: str) -> None:
    assert cstate.plain_text(text) == _plain_text_by_regex(text)


@pytest.mark.parametrize("text", [
    "*a " * 5334, "_a " * 5334, "*a b_ " * 2667, "*a " * 5000 + "a*", "*a **b** c* " * 1300, "***a** b* " * 1600,
    ("x" * 499 + "*a ") * 30 + "b*", "*" + "a" * 499 + "*" + " *" + "a" * 500 + "*",
])
def test_long_emphasis_texts_read_as_before(text: str) -> None:
    assert cstate.plain_text(text) == _plain_text_by_regex(text)


@pytest.mark.parametrize("unit", ["*a ", "_a "])
def test_marks_that_close_nowhere_cost_what_plain_words_cost(unit: str) -> None:
    # The regular expression read 500 characters after each of them: 16 KB of "*a " cost 100 times what
    # 16 KB of words do (150 ms against 1.5 ms); each is now looked up once.
    marks, words = (unit * (16_000 // len(unit)), "a b " * 4_000)
    assert cpu_seconds(lambda: cstate.plain_text(marks)) < 10 * cpu_seconds(lambda: cstate.plain_text(words))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["<!--", "-->", "a", "\n", "-", "<", ">", "!"]), max_size=40).map("".join))
def test_strip_html_comments_is_the_regular_expression(text: str) -> None:
    assert strip_html_comments(text) == re.sub(r"<!--.*?-->", "", text, flags=re.S)


def test_a_link_after_an_unclosed_bracket_is_read_as_python_markdown_reads_it() -> None:
    found = list(links("see [a [the runbook](../runbooks/x.md) now"))
    assert [(link.text, link.target) for link in found] == [("the runbook", "../runbooks/x.md")]
    shown = convert(STOCK, "see [a [the runbook](../runbooks/x.md) now")
    assert '<a href="../runbooks/x.md">the runbook</a>' in shown
