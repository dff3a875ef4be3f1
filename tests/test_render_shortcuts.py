"""The plugin's rendering shortcuts change no byte of the site.

Generated pages skip Python-Markdown when they hold no record body, share one
Markdown instance otherwise, and record pages are filled into one rendered
theme shell per template and depth. ``SITREP_RENDER=page-by-page`` turns all of
that off, so MkDocs and Material render every page themselves; both builds of
the sample must be the same bytes, file for file, in both editions.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.support.sitebuild import SAMPLE, mkdocs_build, sample_site


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
