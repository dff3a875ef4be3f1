"""Relative links in record bodies, made to work on the generated site.

Records link to each other as files in the repository (``../runbooks/db.md``);
their pages live elsewhere on the site (``runbooks/db.md`` → ``/runbooks/db/``)
and an edition may leave the target out. :class:`BodyLinks` re-points such links
at the generated pages and turns links to pages this edition does not publish
into their plain text: a strict build would fail on them, and their titles are
not ours to show.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sitrep.model.portal import Portal
from sitrep.render import urls

_MD_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]*)\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+[\"'][^\"'\n]*[\"'])?\s*\)")


_FENCE = re.compile(r"^\s*(```|~~~)")


_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")


_EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^#|^/")


def drop_links_to_absent(body: str, present_paths: Iterable[str], source_path: str, *,
                         repo_path: str | None = None, moved: Mapping[str, str] | None = None) -> str:
    """Turn relative Markdown links to ``.md`` pages this edition lacks into their plain text.

    ``source_path`` is the docs-relative path of the generated page the body is
    embedded in; a link is resolved against it and kept when it lands on one of
    ``present_paths`` (docs-relative ``.md`` paths of the build). With
    ``repo_path`` (where the record lives in the repository) and ``moved``
    (repository path of a record -> docs path of its page), links written
    relative to the record file are first re-pointed at the generated page,
    e.g. ``../incidents/2026/x.md`` -> ``../incidents/x.md``. Links in code
    (fences, spans), images, absolute and external links are left alone.
    """
    present = set(present_paths)
    base = posixpath.dirname(source_path)

    def fix(match: re.Match[str]) -> str:
        target = match.group("target")
        if _EXTERNAL.match(target):
            return match.group(0)
        file_part, hash_, fragment = target.partition("#")
        if not file_part.endswith(".md"):
            return match.group(0)
        if repo_path is not None and moved:
            in_repo = posixpath.normpath(posixpath.join(posixpath.dirname(repo_path), file_part))
            page = moved.get(in_repo)
            if page is not None:
                if page not in present:
                    return match.group("text")
                new = posixpath.relpath(page, base or ".") + hash_ + fragment
                return match.group(0).replace(target, new, 1) if new != target else match.group(0)
        resolved = posixpath.normpath(posixpath.join(base, file_part))
        return match.group(0) if resolved in present else match.group("text")

    out: list[str] = []
    in_fence = False
    for line in body.splitlines(keepends=True):
        if _FENCE.match(line):
            in_fence = not in_fence
            out.append(line)
            continue
        if in_fence or "](" not in line:
            out.append(line)
            continue
        pieces: list[str] = []
        last = 0
        for span in _CODE_SPAN.finditer(line):
            pieces.append(_MD_LINK.sub(fix, line[last:span.start()]))
            pieces.append(span.group(0))
            last = span.end()
        pieces.append(_MD_LINK.sub(fix, line[last:]))
        out.append("".join(pieces))
    return "".join(out)


def strip_title(body: str) -> str:
    """The body without a leading H1: the page header shows the record's title already."""
    lines = body.strip().splitlines()
    if lines and re.match(r"^#\s+\S", lines[0]):
        lines = lines[1:]
    return "\n".join(lines).strip()


def record_page_paths(portal: Portal) -> tuple[frozenset[str], dict[str, str]]:
    """(docs paths of every record page of this edition, repository path -> docs path of its page).

    Pass both to :func:`drop_links_to_absent` (``present_paths`` and ``moved``) for
    any record body embedded in a page, incidents included: an incident stored at
    ``incidents/2026/x.md`` is published at ``incidents/x.md``, so its body's
    relative links must be re-pointed.
    """
    groups = (("incident", portal.incidents), ("postmortem", portal.postmortems), ("runbook", portal.runbooks))
    present = frozenset(urls.record_page(kind, r.id) for kind, records in groups for r in records)
    moved = {r.path: urls.record_page(kind, r.id) for kind, records in groups for r in records if r.path}
    return present, moved


@dataclass(frozen=True)
class BodyLinks:
    """The record pages of one edition, for fixing the links of every body embedded in a page."""

    present: frozenset[str]
    moved: Mapping[str, str]

    @classmethod
    def of(cls, portal: Portal) -> BodyLinks:
        """The record pages an (audience-filtered) portal publishes."""
        return cls(*record_page_paths(portal))

    def fix(self, body: str, page_path: str, repo_path: str | None) -> str:
        """``body`` with its relative links re-pointed at generated pages or dropped to text."""
        return drop_links_to_absent(body, self.present, page_path, repo_path=repo_path or None, moved=self.moved)
