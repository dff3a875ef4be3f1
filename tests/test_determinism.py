"""Same commit, same bytes; cosmetic edits never move an identifier.

* two real ``mkdocs build`` runs of the sample portal at one SOURCE_DATE_EPOCH,
  into two different folders, give byte-identical trees;
* renaming a component's display name, editing an update message or a title
  changes no feed entry id (Atom ``id`` / RSS ``guid``), no page URL, no API id
  and no calendar UID (library level, :func:`sitrep.render.site.build_site`).
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from pathlib import Path

import feedparser
import pytest
from icalendar import Calendar

from tests.support.helpers_build import (
    DEFAULT_COMPONENTS,
    INC,
    INCIDENT,
    MNT,
    OPEN,
    OPEN_INCIDENT,
    SMALL_PORTAL,
    site_bytes,
    write_portal,
)
from tests.support.sitebuild import SAMPLE, SAMPLE_NOW, mkdocs_build, sample_site


def tree(root: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``root``."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
@pytest.mark.xdist_group("sample-site")
def test_two_builds_of_the_same_commit_are_byte_identical() -> None:
    first = sample_site()
    with tempfile.TemporaryDirectory(prefix="sitrep-again-") as tmp:
        second = Path(tmp) / "elsewhere" / "site"
        result = mkdocs_build(SAMPLE, second, "public", SAMPLE_NOW)
        assert result.returncode == 0, result.stderr
        a, b = tree(first), tree(second)
    assert sorted(set(a) ^ set(b)) == [], "files only in one build"
    differing = sorted(path for path in a if a[path] != b[path])
    assert differing == [], f"{len(differing)} file(s) differ between two builds: {differing[:20]}"
    assert len(a) > 100


# --------------------------------------------------------------------------- stable identifiers
def identifiers(files: dict[str, bytes]) -> dict[str, list[str]]:
    """Every identifier a consumer keeps: feed ids, page paths, API ids, calendar UIDs."""
    out: dict[str, list[str]] = {}
    for name in ("history.rss", "history.atom", "updates.rss", "updates.atom"):
        feed = feedparser.parse(files[name])
        assert feed.bozo == 0, feed.get("bozo_exception")
        out[name] = sorted(e.id for e in feed.entries)
        out[f"{name} links"] = sorted(e.link for e in feed.entries)
    out["pages"] = sorted(path for path in files if path.endswith(".md"))
    out["files"] = sorted(path for path in files if not path.endswith(".md"))
    api = json.loads(files["api/v2/incidents.json"])
    out["api incidents"] = sorted(i["id"] for i in api["incidents"])
    out["api updates"] = sorted(u["id"] for i in api["incidents"] for u in i["incident_updates"])
    out["api shortlinks"] = sorted(i["shortlink"] for i in api["incidents"])
    components = json.loads(files["api/v2/components.json"])["components"]
    out["api components"] = sorted(c["id"] for c in components)
    cal = Calendar.from_ical(files["maintenance.ics"])
    out["ics"] = sorted(str(e["UID"]) for e in cal.walk("VEVENT"))
    return out


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


EDITS = {
    "component renamed": ({}, (("web-app", "Web app (renamed)"), *DEFAULT_COMPONENTS[1:]), "Web app (renamed)"),
    "update message edited": ({INC: _edit(INCIDENT, "We are investigating errors on the Publishing API.",
                                          "Corrected, we were investigating 5xx errors on the Publishing API.")},
                              DEFAULT_COMPONENTS, "Corrected, we were investigating"),
    "open incident message edited": ({OPEN: _edit(OPEN_INCIDENT, "A cache node is overloaded; we are adding capacity.",
                                                  "A cache node is overloaded (typo fixed).")},
                                     DEFAULT_COMPONENTS, "typo fixed"),
    "titles edited": ({INC: _edit(INCIDENT, "title: Publishing API errors", "title: Publishing API errors (5xx)"),
                       MNT: SMALL_PORTAL[MNT].replace("title: Database upgrade", "title: Database upgrade to v17")},
                      DEFAULT_COMPONENTS, "Database upgrade to v17"),
}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    return identifiers(site_bytes(write_portal(tmp_path_factory.mktemp("base"), SMALL_PORTAL)))


@pytest.mark.parametrize("name", sorted(EDITS))
def test_cosmetic_edits_keep_every_identifier(baseline, tmp_path: Path, name: str) -> None:
    changes, components, shown = EDITS[name]
    files = site_bytes(write_portal(tmp_path, {**SMALL_PORTAL, **changes}, components=components))
    everything = b"".join(files.values())
    assert shown.encode() in everything, "the edit is published"
    assert identifiers(files) == baseline


def test_feed_ids_have_the_documented_form(baseline) -> None:
    assert all(baseline.values()), "every kind of identifier is present in the small portal"
    assert baseline["history.atom"] == baseline["history.rss"]
    assert all(i.startswith("https://status.test.example/incidents/") for i in baseline["history.atom"])
    tag = re.compile(r"^tag:status\.test\.example,\d{4}:incident/[a-z0-9-]+/update/\d{8}T\d{6}Z-[a-z_-]+$")
    assert all(tag.match(i) for i in baseline["updates.atom"]), baseline["updates.atom"]
