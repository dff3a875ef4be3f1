"""Unclosed tags in a record body nest no deeper than :data:`sitrep.render.sanitize.MAX_NESTING`.

``<b>`` written 20,000 times without its ``</b>`` became, in the sanitiser, 20,000 elements
nested in each other; Material's search indexer then read the postmortem page in time that
grows with the square of the depth (2.7 / 13.9 / over 60 s at 16 / 32 / 64 KB). Elements deeper
than the limit lose their tags and keep their text; a body nested less deeply keeps its bytes.
No wall-clock threshold: the work is counted (``benchmarks/hostile_bench.py`` has the timings).
"""

from __future__ import annotations

import re

import markdown
import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import Parser

from sitrep.render.sanitize import MAX_NESTING, flatten_deep_nesting, sanitize_html
from tests.support.sitebuild import SAMPLE
from tests.support.work import lines_run

_TAG = re.compile(r"<(/?)([a-z0-9]+)[^>]*>")
_VOID = {"br", "hr", "img", "input"}


def depth(html: str) -> int:
    """The deepest nesting of elements in well-formed ``html``."""
    open_, deepest = 0, 0
    for tag in _TAG.finditer(html):
        if tag.group(2) in _VOID:
            continue
        open_ += -1 if tag.group(1) else 1
        deepest = max(deepest, open_)
    return deepest


def text_of(html: str) -> str:
    return _TAG.sub("", html)




def index_page(body_html: str) -> None:
    """What Material's search plugin does with a page: parse its HTML into sections."""
    parser = Parser()
    parser.feed(f"<h1 id='t'>Postmortem</h1>{body_html}")
    parser.close()


@pytest.mark.parametrize("unit", ["<b>", "<b><i>", "<span><em>", "<blockquote>", "<ul><li>"])
def test_unclosed_tags_nest_no_deeper_than_the_limit_and_keep_their_text(unit: str) -> None:
    body = markdown.markdown(unit * 3000 + "words at the bottom")
    cleaned = sanitize_html(body)
    assert depth(nh3.clean(body)) >= 3000  # what the sanitiser alone made of it
    assert depth(cleaned) <= MAX_NESTING
    assert text_of(cleaned) == text_of(nh3.clean(body)) and "words at the bottom" in cleaned


@pytest.mark.parametrize("unit", ["<b>", "<b><i>"])
def test_indexing_a_body_of_unclosed_tags_costs_linear_work(unit: str) -> None:
    small, large = (lines_run(lambda n=n: index_page(sanitize_html(unit * n)), "material/plugins/search")
                    for n in (2000, 4000))
    assert large / small < 2.5, (small, large)  # the nesting left as it was: about 4


def test_the_sample_bodies_keep_their_bytes() -> None:
    bodies = [path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
              for folder in ("incidents", "postmortems", "runbooks") for path in (SAMPLE / folder).rglob("*.md")]
    assert bodies
    for body in bodies:
        html = markdown.markdown(body, extensions=["tables", "md_in_html", "attr_list"])
        assert flatten_deep_nesting(nh3.clean(html)) == nh3.clean(html)


def nested_lists(levels: int) -> str:
    return "".join(f"{'    ' * n}- level {n}\n" for n in range(levels))


def test_a_written_document_keeps_its_bytes_up_to_the_limit() -> None:
    deep = markdown.markdown("> " + nested_lists(30).replace("\n", "\n> ") + "\n\n| a |\n|---|\n| **b** |\n",
                             extensions=["tables"])
    assert 60 <= depth(nh3.clean(deep)) <= MAX_NESTING and deep.count("<") > 2 * MAX_NESTING  # read, tag by tag
    assert sanitize_html(deep) == nh3.clean(deep, tags=nh3.ALLOWED_TAGS)  # ordinary tags only: nothing dropped


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["<b>", "</b>", "<i>", "<ul><li>", "</li></ul>", "x", " ", "<br>", "<p>"]),
                max_size=300).map("".join))
def test_flattening_keeps_the_text_and_never_breaks_well_formedness(text: str) -> None:
    cleaned = nh3.clean(text)
    flat = flatten_deep_nesting(cleaned, limit=4)
    assert text_of(flat) == text_of(cleaned)
    assert depth(flat) <= 4
    assert nh3.clean(flat) == flat  # still well-formed: the sanitiser has nothing to mend
    if depth(cleaned) <= 4:
        assert flat == cleaned
