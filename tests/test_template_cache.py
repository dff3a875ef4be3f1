"""Compiled templates are kept between builds, and never change what a build writes.

The plugin gives Sitrep's Jinja environment and the theme's (Material and the
portal's overrides) Jinja's cache of compiled templates, in the user's cache
folder (``$XDG_CACHE_HOME/sitrep``). A build after the first reuses the compiled
code; a template whose text changed is compiled again; a cache folder that cannot
be used only costs the time it would have saved.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.support.sitebuild import SAMPLE, copy_sample, mkdocs_build

pytestmark = pytest.mark.slow


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def entries(cache_home: Path) -> dict[str, int]:
    """Cache file (relative path) -> modification time in ns."""
    return {p.relative_to(cache_home).as_posix(): p.stat().st_mtime_ns
            for p in sorted((cache_home / "sitrep").rglob("*.cache"))}


def test_a_warm_cache_builds_the_same_bytes_and_compiles_nothing_again(tmp_path: Path) -> None:
    cache_home = tmp_path / "cache"
    cold = mkdocs_build(SAMPLE, tmp_path / "cold", env={"XDG_CACHE_HOME": str(cache_home)})
    assert cold.returncode == 0, cold.stderr
    first = entries(cache_home)
    kinds = {Path(name).parent.name.split("-")[0] for name in first}
    assert kinds == {"sitrep", "theme"}, first  # both environments keep their compiled templates
    assert len(first) > 20
    warm = mkdocs_build(SAMPLE, tmp_path / "warm", env={"XDG_CACHE_HOME": str(cache_home)})
    assert warm.returncode == 0, warm.stderr
    assert entries(cache_home) == first  # every template came from the cache: none written again
    assert tree(tmp_path / "warm") == tree(tmp_path / "cold")


def test_a_changed_template_is_compiled_again(tmp_path: Path) -> None:
    portal = copy_sample(tmp_path / "portal")
    config = portal / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "custom_dir" not in text
    config.write_text(text.replace("theme:\n  name: material\n", "theme:\n  name: material\n  custom_dir: overrides\n"),
                      encoding="utf-8")
    partial = portal / "overrides" / "partials" / "copyright.html"
    partial.parent.mkdir(parents=True)
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    for words in ("Kept by the first team", "Kept by the second team"):
        partial.write_text(f'<div class="md-copyright">{words}</div>\n', encoding="utf-8")
        site = tmp_path / "site"
        result = mkdocs_build(portal, site, env=env)
        assert result.returncode == 0, result.stderr
        status_page = (site / "index.html").read_text(encoding="utf-8")
        assert words in status_page
        incident_page = next((site / "incidents").glob("*/index.html")).read_text(encoding="utf-8")
        assert words in incident_page  # record pages too: they are filled into one rendered shell
    assert "first team" not in status_page


def test_a_cache_folder_that_cannot_be_used_does_not_stop_the_build(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "cache-home"
    not_a_folder.write_text("a file where the cache folder would be\n", encoding="utf-8")
    blocked = mkdocs_build(SAMPLE, tmp_path / "blocked", env={"XDG_CACHE_HOME": str(not_a_folder)})
    assert blocked.returncode == 0, blocked.stderr
    usual = mkdocs_build(SAMPLE, tmp_path / "usual", env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert usual.returncode == 0, usual.stderr
    assert tree(tmp_path / "blocked") == tree(tmp_path / "usual")
