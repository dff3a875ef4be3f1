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
from sitrep.text.markdown import Link, links, page_link


def drop_links_to_absent(body: str, present_paths: Iterable[str], source_path: str, *,
                         repo_path: str | None = None, moved: Mapping[str, str] | None = None) -> str:
    """Turn relative Markdown links to ``.md`` pages this edition lacks into their plain text.

    ``source_path`` is the docs-relative path of the generated page the body is
    embedded in; a link is resolved against it and kept when it lands on one of
    ``present_paths`` (docs-relative ``.md`` paths of the build). With
    ``repo_path`` (where the record lives in the repository) and ``moved``
    (repository path of a record -> docs path of its page), links written
    relative to the record file are first re-pointed at the generated page,
    e.g. ``../incidents/2026/x.md`` -> ``../incidents/x.md``. Links are read by
    :func:`sitrep.text.markdown.links`, as the validator reads them: links in code
    (fences, spans, indented blocks), images, absolute and external links are left alone.
    """
    # BodyLinks passes its frozenset for every body: copying it per call made a build quadratic.
    present = present_paths if isinstance(present_paths, frozenset | set) else set(present_paths)
    base = posixpath.dirname(source_path)

    def replacement(link: Link) -> str | None:
        """What the link becomes: None to keep it, else the new text of the whole link."""
        file_part = page_link(link.target)
        if file_part is None:
            return None
        if repo_path is not None and moved:
            in_repo = posixpath.normpath(posixpath.join(posixpath.dirname(repo_path), file_part))
            page = moved.get(in_repo)
            if page is not None:
                if page not in present:
                    return link.text
                new = posixpath.relpath(page, base or ".") + link.target[len(file_part):]
                if new == link.target:
                    return None
                return body[link.start:link.target_start] + new + body[link.target_end:link.end]
        resolved = posixpath.normpath(posixpath.join(base, file_part))
        return None if resolved in present else link.text

    pieces: list[str] = []
    last = 0
    for link in links(body):
        new_text = replacement(link)
        if new_text is not None:
            pieces += [body[last:link.start], new_text]
            last = link.end
    pieces.append(body[last:])
    return "".join(pieces)


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
