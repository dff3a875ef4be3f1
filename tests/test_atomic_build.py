"""A failed build leaves the previously built site untouched; a good one replaces it whole."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.support.sitebuild import copy_sample, mkdocs_build

pytestmark = [pytest.mark.slow]


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    dest = tmp_path / "portal"
    copy_sample(dest)
    return dest


def test_failed_builds_leave_the_previous_site_untouched(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert mkdocs_build(project, site).returncode == 0
    before = tree_digest(site)
    assert "index.html" in before

    # 1. An invalid record: the build stops before writing anything.
    bad = project / "incidents" / "2026" / "2026-11-20-bad.md"
    bad.write_text("---\ntitle: Bad\nseverity: SEV9\n---\n", encoding="utf-8")
    result = mkdocs_build(project, site)
    assert result.returncode != 0
    assert "incidents/2026/2026-11-20-bad.md:3: error: severity" in result.stdout + result.stderr
    assert tree_digest(site) == before
    bad.unlink()

    # 2. A failure late in the build (a strict-mode warning from a broken docs link, raised after
    #    every page was written): still nothing of it reaches the published folder.
    (project / "docs" / "broken.md").write_text("# Broken\n\n[missing](nowhere.md)\n", encoding="utf-8")
    result = mkdocs_build(project, site)
    assert result.returncode != 0
    assert tree_digest(site) == before
    assert not [p for p in tmp_path.iterdir() if "sitrep-staging" in p.name], "staging is cleaned up"
    (project / "docs" / "broken.md").unlink()

    # 3. A good build replaces the site completely (a removed incident's page is gone).
    referenced = " ".join(p.read_text(encoding="utf-8") for p in (project / "postmortems").glob("*.md"))
    victim = next(p for p in sorted((project / "incidents" / "2025").glob("*.md")) if p.stem not in referenced)
    victim.unlink()
    assert mkdocs_build(project, site).returncode == 0
    after = tree_digest(site)
    assert f"incidents/{victim.stem}/index.html" in before
    assert f"incidents/{victim.stem}/index.html" not in after
    assert not [p for p in tmp_path.iterdir() if "sitrep" in p.name]


def test_a_page_that_cannot_be_written_stops_the_build_in_one_line(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert mkdocs_build(project, site).returncode == 0
    before = tree_digest(site)
    victim = sorted((project / "incidents" / "2026").glob("*.md"))[0].stem
    # A hook puts a file where the incident's page folder goes, once the build's folder exists:
    # the process writing the pages then fails on it, as it would on a full or read-only disk.
    (project / "plant.py").write_text(
        "import os\n\n\ndef on_env(env, config, files):\n"
        "    os.makedirs(os.path.join(config.site_dir, 'incidents'), exist_ok=True)\n"
        f"    open(os.path.join(config.site_dir, 'incidents', {victim!r}), 'w').close()\n",
        encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - plant.py\n", encoding="utf-8")
    result = mkdocs_build(project, site)
    said = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in said
    assert f"could not write {tmp_path}" in said and f"/incidents/{victim}/index.html: Not a directory" in said
    assert "the published site is unchanged. To fix: " in said
    assert tree_digest(site) == before
    assert not [p for p in tmp_path.iterdir() if "sitrep-staging" in p.name], "staging is cleaned up"
