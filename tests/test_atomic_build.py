"""A failed build leaves the previously built site untouched; a good one replaces it whole."""

from __future__ import annotations

import errno
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


#: Hooks that put a file where the build writes a folder, once the build's folder exists: the writing
#: then fails on it, as it would on a full or read-only disk. What the one line names, for each.
_IN_THE_WAY = {
    # A page of Sitrep's: the process writing the pages fails on the incident's folder.
    "sitrep-page": ("    os.makedirs(os.path.join(config.site_dir, 'incidents'), exist_ok=True)\n"
                    "    open(os.path.join(config.site_dir, 'incidents', VICTIM), 'w').close()\n",
                    "/incidents/VICTIM/index.html: Not a directory"),
    # MkDocs' own writes: the theme's assets folder.
    "mkdocs-asset": ("    open(os.path.join(config.site_dir, 'assets'), 'w').close()\n", "/assets"),
}


@pytest.mark.parametrize("where", sorted(_IN_THE_WAY))
def test_a_file_that_cannot_be_written_stops_the_build_in_one_line(project: Path, tmp_path: Path,
                                                                  where: str) -> None:
    site = tmp_path / "site"
    assert mkdocs_build(project, site).returncode == 0
    before = tree_digest(site)
    victim = sorted((project / "incidents" / "2026").glob("*.md"))[0].stem
    hook, named = _IN_THE_WAY[where]
    hook, named = hook.replace("VICTIM", repr(victim)), named.replace("VICTIM", victim)
    (project / "plant.py").write_text(f"import os\n\n\ndef on_env(env, config, files):\n{hook}", encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - plant.py\n", encoding="utf-8")
    result = mkdocs_build(project, site)
    said = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in said
    assert f"could not write {tmp_path}" in said and named in said
    assert "the published site is unchanged. To fix: " in said
    assert tree_digest(site) == before
    assert not [p for p in tmp_path.iterdir() if "sitrep-staging" in p.name], "staging is cleaned up"


def test_a_full_disk_names_the_file_of_the_site_not_the_file_copied(tmp_path: Path) -> None:
    """A copy that fails on a full disk names its source first; the message names the site's file."""
    from mkdocs.exceptions import PluginError

    from sitrep.plugin import SitrepPlugin, staging_dir

    plugin = SitrepPlugin()
    plugin.final_site_dir = str(tmp_path / "site")
    target = f"{staging_dir(plugin.final_site_dir)}/assets/javascripts/bundle.js"
    error = OSError(errno.ENOSPC, "No space left on device", "/venv/material/bundle.js", None, target)
    with pytest.raises(PluginError) as raised:
        plugin.on_build_error(error=error)
    assert str(raised.value).startswith(f"could not write {target}: No space left on device; ")
    assert "To fix: free some disk space" in str(raised.value)
    # An error that is not about writing the site is left as it is, for MkDocs to show.
    plugin.final_site_dir = str(tmp_path / "site")
    plugin.on_build_error(error=FileNotFoundError(errno.ENOENT, "No such file", str(tmp_path / "docs" / "x.md")))
