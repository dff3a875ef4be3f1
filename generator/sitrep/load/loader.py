"""Load a whole portal: discover record files, read and validate them, check references.

``load_portal`` is the one entry point the CLI, the MkDocs plugin and the tests
use. It reads every file once, reports every problem in one pass and never
writes anything.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from sitrep.load.cache import FindingsCache, file_digest
from sitrep.load.discovery import discover, read_bytes, record_name
from sitrep.load.loaded import Loaded, Ref
from sitrep.load.reader import RecordFile, read_record
from sitrep.load.validation import check_public_names, check_record, misplaced_kind, people_named, public_prose
from sitrep.model.config import SitrepConfig
from sitrep.model.diagnostics import Diagnostics, name_invisible
from sitrep.model.field_messages import front_matter_needs
from sitrep.model.formatting import did_you_mean, quoted, similar_ids
from sitrep.model.invisible import find_invisible
from sitrep.model.portal import Portal
from sitrep.model.records import MODELS, Incident, Postmortem, Record
from sitrep.text.markdown import links, page_link
from sitrep.text.postmortem import action_items_in

#: Below this many files one process is faster than starting workers.
PARALLEL_THRESHOLD = 2_000



def load_file(root: Path, kind: str, rel: str, config: SitrepConfig,
              cached_digest: str | None = None, now: datetime | None = None) -> Loaded | None:
    """Read and validate one file; never raises for bad content.

    With ``cached_digest`` (a findings cache is in use; "" when it knows nothing
    of the file) the result carries the hash of the file's bytes, and None is
    returned when that hash equals ``cached_digest``: the cached findings hold.
    """
    diags = Diagnostics()
    try:
        raw = read_bytes(os.path.join(root, rel))
    except OSError as exc:
        diags.error(rel, 1, "unreadable", f"cannot read the file: {exc.strerror}")
        return Loaded(None, diags.items, [])
    digest = ""
    if cached_digest is not None:
        digest = file_digest(raw)
        if digest == cached_digest:
            return None
    loaded = _check_file(kind, rel, raw, config, diags, now)
    if not raw.isascii():  # a value that looks right but holds an invisible character: name it, on its column
        name_invisible(diags, rel, raw.decode("utf-8", "replace"))
        loaded.diagnostics = diags.items
    loaded.digest = digest
    return loaded


#: What a file of each kind without front matter is told to add (an older postmortem or runbook moved in);
#: an incident's fields depend on its kind and times, so the command that writes one is named instead.
NEEDS = {kind: front_matter_needs(kind, model) for kind, model in MODELS.items()}
NEEDS["incident"] = ("`sitrep new incident --title … --severity … --component ID=IMPACT --started … --at …` "
                     "writes an incident's front matter, to copy above this text")

#: The front-matter field of each kind that names other records, and what it names.
REFERENCE_FIELDS = {"incident": ("runbooks", "runbook"), "postmortem": ("incidents", "incident"),
                    "runbook": ("related", "runbook")}


def _check_file(kind: str, rel: str, raw: bytes, config: SitrepConfig, diags: Diagnostics,
                now: datetime | None) -> Loaded:
    rf = read_record(rel, raw, diags, NEEDS[kind])
    if rf is None:
        # Still known by its id, so references to it do not send people to other files.
        return Loaded(None, diags.items, [], *_unreadable_id(rel, raw), valid=False)
    record = check_record(kind, rf, config, diags, now)
    if record is None and misplaced_kind(kind, rf) is not None:
        # Its references and links are read where it belongs, once moved: only the move is reported.
        return Loaded(None, diags.items, [], *_unreadable_id(rel, raw), valid=False)
    # References are checked for invalid records too, so one run reports a dangling
    # reference alongside a typo elsewhere in the same file.
    field_name, target_kind = REFERENCE_FIELDS[kind]
    targets = rf.data.get(field_name)
    refs = [Ref(rel, rf.line_of((field_name, i)), target_kind, target)
            for i, target in enumerate(targets if isinstance(targets, list) else ()) if isinstance(target, str)]
    refs += markdown_links(rel, rf.body, rf.body_line)
    refs = _without_invisible(refs, field_name, diags)
    refs += _dates_to_compare(record, rf)
    if record is None:
        raw_id = rf.data.get("id", Path(rel).stem)
        return Loaded(None, diags.items, refs, rf.line_of(("id",)),
                       raw_id if isinstance(raw_id, str) else None, valid=False)
    return Loaded(record, diags.items, refs, rf.line_of(("id",)), record.id,
                  people=people_named(record, config), public_lines=public_prose(record, rf))


def _without_invisible(refs: list[Ref], field_name: str, diags: Diagnostics) -> list[Ref]:
    """The references that may name a record or file: one holding an invisible character names none (ids
    never hold one), and is reported here, on its line (:func:`name_invisible` then names the character and
    its column), rather than as a record that does not exist."""
    kept = []
    for ref in refs:
        if not find_invisible(ref.target):
            kept.append(ref)
        elif ref.kind == "link":
            diags.error(ref.source, ref.line, "broken-link", f"link {quoted(ref.target)} points to no file")
        else:
            diags.error(ref.source, ref.line, f"unknown-{ref.kind}", f"{field_name}: {quoted(ref.target)} is not "
                        f"the id of {'an' if ref.kind[0] in 'aeiou' else 'a'} {ref.kind}")
    return kept


def _dates_to_compare(record: Record | None, rf: RecordFile) -> list[Ref]:
    """The dates another file's rules need: an incident's start (``started``, its UTC day) and the
    closing dates of a postmortem's action items (``closed``, on the item's line), for
    :func:`_check_closing_dates`."""
    if isinstance(record, Incident):
        return [Ref(rf.path, rf.line_of(("started",)), "started", record.start.astimezone(UTC).date().isoformat())]
    if isinstance(record, Postmortem):
        return [Ref(rf.path, item.line, "closed", item.closed.isoformat())
                for item in action_items_in(record.body, record.body_line) if item.closed is not None]
    return []


def _check_closing_dates(files: list[tuple[str, str]], results: list[Loaded], diags: Diagnostics) -> None:
    """An action item closed before the earliest incident its postmortem covers started (UTC days)."""
    started: dict[str, str] = {}
    for (kind, _), loaded in zip(files, results, strict=True):
        if kind == "incident" and loaded.record_id is not None:
            for ref in loaded.refs:
                if ref.kind == "started":
                    started.setdefault(loaded.record_id, ref.target)
    for (kind, _), loaded in zip(files, results, strict=True):
        if kind != "postmortem":
            continue
        starts = sorted((started[ref.target], ref.target) for ref in loaded.refs
                        if ref.kind == "incident" and ref.target in started)
        if not starts:
            continue
        first, incident = starts[0]
        for ref in loaded.refs:
            if ref.kind == "closed" and ref.target < first:
                diags.error(ref.source, ref.line, "closed-before-start",
                            f"action item closed on {ref.target}, before the incident it follows up started "
                            f"({incident}, {first}, UTC): write the day the item was done, on or after "
                            f"{first} (check the year)")


_ID_LINE = re.compile(rb"""^id:[ \t]*(['"]?)([a-z0-9][a-z0-9-]{0,99})\1[ \t]*(?:#.*)?\r?$""", re.MULTILINE)


def _unreadable_id(rel: str, raw: bytes) -> tuple[int, str]:
    """(line, id) of a record whose front matter cannot be read: an ``id:`` line, else the file name."""
    found = _ID_LINE.search(raw)
    if found is not None:
        return raw.count(b"\n", 0, found.start()) + 1, found.group(2).decode("ascii")
    return 1, PurePosixPath(rel).stem


def markdown_links(path: str, body: str, first_line: int) -> Iterable[Ref]:
    """Relative links to other Markdown files in a body (outside code, as the site renders them)."""
    for link in links(body):
        file_part = page_link(link.target)
        if file_part is not None:
            yield Ref(path, first_line + link.line, "link", file_part)


def resolve_link(source: str, target: str) -> str:
    """Repository-relative path a relative link in ``source`` points to."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _load_chunk(args: tuple[str, list[tuple[str, str]], SitrepConfig, bool, list[str | None], datetime | None],
                ) -> list[Loaded | None]:
    root, files, config, keep, cached, now = args
    loaded = []
    for (kind, rel), cached_digest in zip(files, cached, strict=True):
        item = load_file(Path(root), kind, rel, config, cached_digest, now)
        if item is not None and not keep:
            item.record = None  # only findings travel back to the parent process
        loaded.append(item)
    return loaded


def load_portal(root: Path, config: SitrepConfig, jobs: int | None = 1,
                now: datetime | None = None) -> tuple[Portal, Diagnostics]:
    """Read every record under ``root``; return the valid ones and all diagnostics.

    ``now`` is the build's time: an incident's time after it is warned about (a typo'd year).

    In one process unless ``jobs`` asks for workers (None: one per core). Workers
    barely pay off here, unlike in :func:`validate_portal`: every record they
    validate is pickled back and unpickled at about a third of the cost of
    validating it, and at 10,000 incidents two workers hold 45 MiB of their own
    while the build holds the portal, which would be the build's peak.
    """
    misnamed: list[str] = []
    files = discover(root, misnamed)
    results = _load_all(root, files, config, jobs, keep=True, now=now)
    diags, by_kind = _collect(root, config, files, results, misnamed)  # type: ignore[arg-type]
    incidents = sorted(by_kind["incident"].values(), key=lambda i: (i.start, i.id))  # type: ignore[attr-defined]
    portal = Portal(
        config=config,
        incidents=tuple(incidents),  # type: ignore[arg-type]
        postmortems=tuple(sorted(by_kind["postmortem"].values(), key=lambda p: (p.date, p.id))),  # type: ignore[attr-defined]
        runbooks=tuple(sorted(by_kind["runbook"].values(), key=lambda r: r.id)),  # type: ignore[arg-type]
    )
    return portal, diags


def validate_portal(root: Path, config: SitrepConfig, jobs: int | None = None,
                    cache_dir: Path | None = None, now: datetime | None = None) -> tuple[dict[str, int], Diagnostics]:
    """Check every record under ``root`` without keeping them: counts per kind and diagnostics.

    Faster than :func:`load_portal` on large repositories: worker processes send
    back only their findings, and with ``cache_dir`` the findings for files whose
    bytes (and the configuration) have not changed are reused.
    """
    misnamed: list[str] = []
    files = discover(root, misnamed)
    if cache_dir is None:
        results = _load_all(root, files, config, jobs, keep=False, now=now)
    else:
        cache = FindingsCache(cache_dir, config, now)
        # Workers hash each file as they read it and skip the ones the cache knows.
        fresh = _load_all(root, files, config, jobs, keep=False,
                          cached=[cache.digest_of(rel) or "" for _, rel in files], now=now)
        results = [cache.findings(rel) if item is None else item
                   for (_, rel), item in zip(files, fresh, strict=True)]
        cache.save(files, results)
    diags, by_kind = _collect(root, config, files, results, misnamed)  # type: ignore[arg-type]
    return {kind: len(ids) for kind, ids in by_kind.items()}, diags


def _collect(root: Path, config: SitrepConfig, files: list[tuple[str, str]], results: list[Loaded],
             misnamed: list[str]) -> tuple[Diagnostics, dict[str, dict[str, Record | None]]]:
    diags = Diagnostics()
    for rel in misnamed:
        folder, name = posixpath.split(rel)
        diags.error(rel, 1, "file-name",
                    "not read as a record (only files named *.md are), so it is neither checked nor published: "
                    f"rename it to {posixpath.join(folder, record_name(name))}")
    by_kind: dict[str, dict[str, Record | None]] = {"incident": {}, "postmortem": {}, "runbook": {}}
    #: every id in use, including those of records that failed validation
    known: dict[str, dict[str, Record | None]] = {kind: {} for kind in by_kind}
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    told: set[tuple[str, str]] = set()
    refs: list[Ref] = []
    for (kind, rel), loaded in zip(files, results, strict=True):
        diags.extend(loaded.diagnostics)
        refs += loaded.refs
        if loaded.record_id is None:
            continue
        key = (kind, loaded.record_id)
        if key in seen:
            first, first_line = seen[key]
            diags.error(rel, loaded.id_line, "duplicate-id",
                        f"{kind} id '{loaded.record_id}' is already used by {first}: ids must "
                        "be unique; rename this file or set a different 'id'")
            if key not in told:
                # Files are read in name order, not the order they were made: the copy may be the first
                # one, and a pull request's annotation must reach it.
                told.add(key)
                diags.error(first, first_line, "duplicate-id",
                            f"{kind} id '{loaded.record_id}' is also used by {rel}: ids must be unique; "
                            "rename the file that is the copy or set a different 'id' in it")
            continue
        seen[key] = (rel, loaded.id_line)
        known[kind][loaded.record_id] = loaded.record
        if loaded.valid:
            by_kind[kind][loaded.record_id] = loaded.record
    _check_refs(root, known, {rel for _, rel in files}, refs, diags)
    _check_closing_dates(files, results, diags)
    check_public_names([(kind, rel, loaded.public_lines) for (kind, rel), loaded in zip(files, results, strict=True)],
                       [name for loaded in results for name in loaded.people], config, diags)
    return diags, by_kind


def _load_all(root: Path, files: list[tuple[str, str]], config: SitrepConfig, jobs: int | None,
              keep: bool, cached: list[str | None] | None = None, now: datetime | None = None) -> list[Loaded | None]:
    """load_file on every file, in worker processes when there are many."""
    cached = cached if cached is not None else [None] * len(files)
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 8)
    if workers <= 1 or len(files) < PARALLEL_THRESHOLD:
        return [load_file(root, kind, rel, config, digest, now)
                for (kind, rel), digest in zip(files, cached, strict=True)]
    # Imported here: multiprocessing and its helpers weigh 0.4 MiB that small portals never use.
    from concurrent.futures import ProcessPoolExecutor

    # Small chunks keep both workers busy to the end, even when one runs slower.
    size = -(-len(files) // (workers * 16))
    chunks = [(str(root), files[i:i + size], config, keep, cached[i:i + size], now)
              for i in range(0, len(files), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [loaded for chunk in pool.map(_load_chunk, chunks) for loaded in chunk]


def _check_refs(root: Path, ids: dict[str, dict[str, Record | None]], paths: set[str],
                refs: list[Ref], diags: Diagnostics) -> None:
    for ref in refs:
        if ref.kind == "runbook" and ref.target not in ids["runbook"]:
            known = ", ".join(sorted(ids["runbook"])) or "none yet"
            guess = did_you_mean(ref.target, ids["runbook"])
            diags.error(ref.source, ref.line, "unknown-runbook",
                        f"runbook '{ref.target}' does not exist (no runbooks/{ref.target}.md); "
                        + (guess if guess else f"known runbooks: {known}"))
        elif ref.kind == "incident" and ref.target not in ids["incident"]:
            close = similar_ids(ref.target, ids["incident"])
            guess = f"did you mean {', '.join(close)}?" if close else (
                "use the incident's id (its file name without .md, e.g. 2026-02-10-api-errors)")
            if not any(i[:10] == ref.target[:10] for i in close):
                # No record of that day: most likely an incident from before the portal (an old postmortem).
                guess += ("; a postmortem of an incident from before this portal needs the incident's record: "
                          "write it with `sitrep new incident --title … --severity … --component ID=IMPACT "
                          "--started … --at …` and `sitrep resolve ID --message … --at …`, then list the id it "
                          "prints here")
            diags.error(ref.source, ref.line, "unknown-incident", f"incident '{ref.target}' does not exist; {guess}")
        elif ref.kind == "link":
            target = resolve_link(ref.source, ref.target)
            if target.startswith("../") or target in paths or _is_file(root / target):
                continue
            diags.error(ref.source, ref.line, "broken-link",
                        f"link '{ref.target}' points to {target}, which does not exist: fix the "
                        "path (relative to this file) or remove the link")


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system, say: no such file
        return False
