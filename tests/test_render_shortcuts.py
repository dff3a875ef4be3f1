"""The plugin's rendering shortcuts change no byte of the site.

Generated pages skip Python-Markdown when they hold no record body, share one
Markdown instance otherwise, and record pages are filled into one rendered
theme shell per template and depth. ``SITREP_RENDER=page-by-page`` turns all of
that off, so MkDocs and Material render every page themselves; both builds of
the sample must be the same bytes, file for file, in both editions.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest

from tests.support.sitebuild import REPO, SAMPLE, mkdocs_build, sample_site


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
