"""The plugin's rendering shortcuts change no byte of the site.

Generated pages skip Python-Markdown when they hold no record body, share one
Markdown instance otherwise, and record pages are filled into one rendered
theme shell per template and depth. ``SITREP_RENDER=page-by-page`` turns all of
that off, so MkDocs and Material render every page themselves; both builds of
the sample must be the same bytes, file for file, in both editions.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

import pytest

from tests.support.sitebuild import REPO, SAMPLE, copy_sample, mkdocs_build, sample_site


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("audience", ["public", "internal"])
def test_shortcuts_give_what_mkdocs_renders_page_by_page(audience: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = files(sample_site(audience))  # built with the shortcuts, before the variable is set
    monkeypatch.setenv("SITREP_RENDER", "page-by-page")
    with tempfile.TemporaryDirectory() as tmp:
        result = mkdocs_build(SAMPLE, Path(tmp) / "site", audience)
        assert result.returncode == 0, result.stderr
        slow = files(Path(tmp) / "site")
    assert sorted(fast) == sorted(slow)
    differing = [path for path in fast if fast[path] != slow[path]]
    assert differing == []
    assert any(path.startswith("incidents/") for path in fast)  # record pages were compared


@pytest.mark.slow
def test_shortcuts_on_a_synthetic_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many one-paragraph bodies (Markdown skipped), paginated history and day pages (shells)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from corpus import write_corpus

    portal = write_corpus(tmp_path / "portal", 120)
    fast_result = mkdocs_build(portal, tmp_path / "fast", strict=False)
    assert fast_result.returncode == 0, fast_result.stderr
    monkeypatch.setenv("SITREP_RENDER", "page-by-page")
    slow_result = mkdocs_build(portal, tmp_path / "slow", strict=False)
    assert slow_result.returncode == 0, slow_result.stderr
    fast, slow = files(tmp_path / "fast"), files(tmp_path / "slow")
    assert sorted(fast) == sorted(slow)
    assert [path for path in fast if fast[path] != slow[path]] == []
    assert sum(path.startswith("history/") for path in fast) > 20
    # Pages sharing a shell keep their own head links: each page of a component's history announces
    # that component's feeds (the shell's head slot), and no other page announces one.
    component_pages = [path for path in fast if re.fullmatch(r"history/component/[\w-]+/(page/\d+/)?index\.html", path)]
    assert any("/page/" in path for path in component_pages)
    for path in fast:
        if path.endswith(".html"):
            announced = re.findall(r'<link rel="alternate" [^>]*href="[./]*components/([\w-]+)/history\.(atom|rss)"',
                                   fast[path].decode())
            expected = [(path.split("/")[2], "atom"), (path.split("/")[2], "rss")] if path in component_pages else []
            assert announced == expected, path


@pytest.mark.slow
def test_another_plugins_page_events_reach_every_streamed_page(tmp_path: Path) -> None:
    """A team's own plugin (here an MkDocs hook) sees record, history and day pages as it sees any page."""
    portal = copy_sample(tmp_path / "portal")
    (portal / "hooks.py").write_text(
        "def on_post_page(output, page, config):\n"
        "    return output.replace('</body>', '<!-- seen by the team hook: ' + page.file.src_uri + ' --></body>')\n",
        encoding="utf-8")
    config = (portal / "mkdocs.yml").read_text(encoding="utf-8")
    (portal / "mkdocs.yml").write_text(config + "\nhooks:\n  - hooks.py\n", encoding="utf-8")
    result = mkdocs_build(portal, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    pages = sorted((tmp_path / "site").rglob("index.html"))
    streamed = [p for p in pages if p.parent.parent.name in ("incidents", "day") or "history" in p.parts]
    assert len(streamed) > 20
    for page in streamed:
        source = page.parent.relative_to(tmp_path / "site").as_posix()
        assert f"<!-- seen by the team hook: {source}" in page.read_text(encoding="utf-8"), page


@pytest.mark.slow
def test_search_listed_after_sitrep_still_finds_record_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With `search` after `sitrep` in mkdocs.yml, Material indexes the streamed pages itself: same bytes both ways."""
    portal = copy_sample(tmp_path / "portal")
    config = (portal / "mkdocs.yml").read_text(encoding="utf-8").replace("plugins:\n  - search\n", "plugins:\n", 1)
    head, _, rest = config.partition("plugins:\n")
    plugins = re.match(r"(?:(?:  |\n).*\n?)*", rest)
    assert plugins is not None
    config = head + "plugins:\n" + plugins.group(0).rstrip("\n") + "\n  - search\n" + rest[plugins.end():]
    (portal / "mkdocs.yml").write_text(config, encoding="utf-8")
    fast_result = mkdocs_build(portal, tmp_path / "fast")
    assert fast_result.returncode == 0, fast_result.stderr
    monkeypatch.setenv("SITREP_RENDER", "page-by-page")
    slow_result = mkdocs_build(portal, tmp_path / "slow")
    assert slow_result.returncode == 0, slow_result.stderr
    fast, slow = files(tmp_path / "fast"), files(tmp_path / "slow")
    assert [path for path in sorted(set(fast) | set(slow)) if fast.get(path) != slow.get(path)] == []
    index = json.loads(fast["search/search_index.json"])
    assert any(entry["location"].startswith("incidents/") for entry in index["docs"])
