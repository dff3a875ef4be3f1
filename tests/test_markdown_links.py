"""The validator and the site read the links of a body alike, and the way Python-Markdown renders them.

Each case is an incident body next to an existing runbook. For every case:

* what ``sitrep validate`` flags as ``broken-link`` (file, line, target) is the
  expected set;
* the site (:class:`BodyLinks`, as the incident page calls it) turns
  exactly those links into plain text and keeps every other one;
* Python-Markdown with the sample's extensions renders, before the site's pass,
  an ``<a>`` for every link the validator checks and, after it, for exactly the
  ones kept: text shown literally (code, comments) is checked by neither.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from sitrep.load.loader import load_portal
from sitrep.model.config import load_config
from sitrep.render import urls
from sitrep.render.body_links import BodyLinks
from sitrep.text.markdown import links, page_link
from tests.support.helpers_build import INC, INCIDENT, RB, RUNBOOK

FRONT = INCIDENT[:INCIDENT.index("\n---\n") + 5]  # the fixture incident without its body
BODY_LINE = FRONT.count("\n") + 1
GOOD = "../../runbooks/rollback.md"
#: What Python-Markdown runs with in the sample's mkdocs.yml (MkDocs adds toc, tables and fenced_code).
EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html",
              "pymdownx.superfences", "pymdownx.details"]

# (case, body, targets the validator flags and the site drops)
CASES = [
    ("good link", f"See [rollback]({GOOD}).", []),
    ("broken link", "See [gone](gone.md).", ["gone.md"]),
    ("link in inline code", "Write `[x](nowhere.md)` and see [b](gone.md).", ["gone.md"]),
    ("double-backtick span holding a backtick", "`` a ` [x](nowhere.md) `` then [b](gone.md)", ["gone.md"]),
    ("code span across a line break", "Text `start\n[x](nowhere.md) end` and [b](gone.md)", ["gone.md"]),
    ("lone backtick", f"A ` tick, [b](gone.md) and [r]({GOOD})", ["gone.md"]),
    ("backticks around links", f"A ` tick, [b](gone.md) and [r]({GOOD}) `", []),
    ("escaped backtick", "A \\`[b](gone.md)\\`", ["gone.md"]),
    ("three-backtick fence", "```\n[x](nowhere.md)\n```\n[b](gone.md)", ["gone.md"]),
    ("fence with an info string", "```markdown\n[x](nowhere.md)\n```\n", []),
    ("tilde fence", "~~~\n[x](nowhere.md)\n~~~\n\n[b](gone.md)", ["gone.md"]),
    ("four-backtick fence holding a three-backtick fence",
     "````\n```\n[x](nowhere.md)\n```\n[y](nowhere.md)\n````\n\n[b](gone.md)", ["gone.md"]),
    ("tilde fence holding a backtick line", "~~~\n```\n[x](nowhere.md)\n~~~\n\n[b](gone.md)", ["gone.md"]),
    ("indented code block", "Text.\n\n    [x](nowhere.md)\n\n[b](gone.md)", ["gone.md"]),
    ("indented paragraph of a list item", "- item\n\n    see [b](gone.md)\n", ["gone.md"]),
    ("lazy continuation line", "Text\n    and [b](gone.md)", ["gone.md"]),
    ("html comment", "<!--\n[x](nowhere.md)\n-->\n\n[b](gone.md)", ["gone.md"]),
    ("image", "![diagram](nowhere.md)", []),
    ("escaped bracket", "\\[x](nowhere.md)", []),
    ("external, fragment and absolute links", "[a](https://example.com/x.md) [b](#top) [c](/x.md)", []),
    ("angle brackets and titles", f'[a](<gone.md> "T") [b]({GOOD}#step "T")', ["gone.md"]),
    ("code in the link text", "[`rollback`](gone.md)", ["gone.md"]),
    ("two on a line", f"[r]({GOOD}) and [g](gone.md#x)", ["gone.md"]),
    ("list items", f"- [r]({GOOD})\n- [g](gone.md)", ["gone.md"]),
    ("heading", "## See [g](gone.md)", ["gone.md"]),
]


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and page_link(href):
            self.hrefs.append(href)


def rendered_page_links(body: str) -> list[str]:
    """Targets of the ``<a>`` to .md pages Python-Markdown renders (toc permalinks aside)."""
    parser = _Anchors()
    parser.feed(markdown.markdown(body, extensions=EXTENSIONS))
    return parser.hrefs


@pytest.mark.parametrize(("case", "body", "broken"), CASES, ids=[c[0] for c in CASES])
def test_validator_and_site_agree_on_every_link(make_portal, case: str, body: str, broken: list[str]) -> None:
    root: Path = make_portal({INC: FRONT + body + "\n", RB: RUNBOOK})
    portal, diags = load_portal(root, load_config(root / "mkdocs.yml"), jobs=1)
    assert [d.code for d in diags.items if d.code != "broken-link"] == []
    flagged = [(d.line, d.message.split("'")[1]) for d in diags.items]
    lines = body.splitlines()
    expected = [(BODY_LINE + next(n for n, text in enumerate(lines) if f"]({t}" in text or f"](<{t}" in text), t)
                for t in broken]
    assert flagged == expected

    checked = [link.target for link in links(body) if page_link(link.target)]
    assert rendered_page_links(body) == checked  # the scanner sees the links a reader sees

    site_body = BodyLinks.of(portal).fix(body, urls.incident_page(portal.incidents[0].id), INC)
    kept = rendered_page_links(site_body)
    assert len(kept) == len(checked) - len(broken)
    assert all("gone.md" not in href for href in kept)
    assert all(href.startswith("../runbooks/rollback.md") for href in kept)  # re-pointed at the page
    for link in links(body):
        if page_link(link.target) and link.target.split("#")[0] in broken:
            assert link.text in site_body
