"""Load a whole portal: discover record files, read and validate them, check references.

``load_portal`` is the one entry point the CLI, the MkDocs plugin and the tests
use. It reads every file once, reports every problem in one pass and never
writes anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from .config import SitrepConfig
from .diagnostics import Diagnostic, Diagnostics
from .reader import read_record
from .records import Incident, Postmortem, Record, Runbook
from .validation import check_record

KINDS = {"incidents": "incident", "postmortems": "postmortem", "runbooks": "runbook"}
#: Files in record folders that are not records.
IGNORED_NAMES = {"README.md", "index.md"}
#: Below this many files one process is faster than starting workers.
PARALLEL_THRESHOLD = 2_000

_LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
_FENCE = re.compile(r"^\s*(```|~~~)")


class Ref(NamedTuple):
    """A reference from one record to another, kept with its line for cross-checks."""

    source: str
    line: int
    kind: str  # "runbook", "incident", "link"
    target: str


@dataclass(frozen=True)
class Portal:
    """All valid records of a repository, with lookups. Immutable."""

    config: SitrepConfig
    incidents: tuple[Incident, ...] = ()
    postmortems: tuple[Postmortem, ...] = ()
    runbooks: tuple[Runbook, ...] = ()
    _index: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({
            "incident": {i.id: i for i in self.incidents},
            "postmortem": {p.id: p for p in self.postmortems},
            "runbook": {r.id: r for r in self.runbooks},
            "path": {r.path: r for r in (*self.incidents, *self.postmortems, *self.runbooks)},
        })
        # Reverse indexes: pages ask these once per incident or runbook.
        self._index["pm_by_incident"] = {}
        for pm in self.postmortems:
            for incident_id in pm.incidents:
                self._index["pm_by_incident"].setdefault(incident_id, []).append(pm)  # type: ignore[attr-defined]
        self._index["incidents_by_runbook"] = {}
        for inc in self.incidents:
            for runbook_id in inc.runbooks:
                self._index["incidents_by_runbook"].setdefault(runbook_id, []).append(inc)  # type: ignore[attr-defined]

    def incident(self, incident_id: str) -> Incident | None:
        return self._index["incident"].get(incident_id)  # type: ignore[return-value]

    def runbook(self, runbook_id: str) -> Runbook | None:
        return self._index["runbook"].get(runbook_id)  # type: ignore[return-value]

    def postmortem(self, postmortem_id: str) -> Postmortem | None:
        return self._index["postmortem"].get(postmortem_id)  # type: ignore[return-value]

    def by_path(self, path: str) -> Record | None:
        return self._index["path"].get(path)

    def postmortems_for(self, incident_id: str) -> list[Postmortem]:
        return list(self._index["pm_by_incident"].get(incident_id, []))  # type: ignore[arg-type]

    def incidents_using(self, runbook_id: str) -> list[Incident]:
        return list(self._index["incidents_by_runbook"].get(runbook_id, []))  # type: ignore[arg-type]

    def for_audience(self, audience: str) -> Portal:
        """The records a given edition may show: everything, or only public records."""
        if audience == "internal":
            return self
        return Portal(
            config=self.config,
            incidents=tuple(i for i in self.incidents if i.visibility == "public"),
            postmortems=tuple(p for p in self.postmortems if p.visibility == "public"),
            runbooks=tuple(r for r in self.runbooks if r.visibility == "public"),
        )


@dataclass
class _Loaded:
    record: Record | None
    diagnostics: list[Diagnostic]
    refs: list[Ref]
    id_line: int = 1
    record_id: str | None = None
    #: False when the file has an id but its fields are invalid: the id still
    #: counts for duplicates and references, so those are not reported twice.
    valid: bool = True
    #: Hash of the file's bytes, when a findings cache asked for it ("" otherwise).
    digest: str = ""


def discover(root: Path) -> list[tuple[str, str]]:
    """(kind, posix path relative to root) of every record file, sorted."""
    found: list[tuple[str, str]] = []
    for folder, kind in KINDS.items():
        base = root / folder
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
            folder_rel = Path(dirpath).relative_to(root).as_posix()  # once per folder: it is slow
            found += [(kind, f"{folder_rel}/{name}") for name in filenames
                      if name.endswith(".md") and name not in IGNORED_NAMES and not name.startswith((".", "_"))]
    return sorted(found, key=lambda kp: kp[1])


def load_file(root: Path, kind: str, rel: str, config: SitrepConfig,
              cached_digest: str | None = None) -> _Loaded | None:
    """Read and validate one file; never raises for bad content.

    With ``cached_digest`` (a findings cache is in use; "" when it knows nothing
    of the file) the result carries the hash of the file's bytes, and None is
    returned when that hash equals ``cached_digest``: the cached findings hold.
    """
    diags = Diagnostics()
    try:
        raw = _read_bytes(os.path.join(root, rel))
    except OSError as exc:
        diags.error(rel, 1, "unreadable", f"cannot read the file: {exc.strerror}")
        return _Loaded(None, diags.items, [])
    digest = ""
    if cached_digest is not None:
        digest = file_digest(raw)
        if digest == cached_digest:
            return None
    loaded = _check_file(kind, rel, raw, config, diags)
    loaded.digest = digest
    return loaded


def file_digest(raw: bytes) -> str:
    """The findings cache's key for a file's content."""
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


#: The front-matter field of each kind that names other records, and what it names.
REFERENCE_FIELDS = {"incident": ("runbooks", "runbook"), "postmortem": ("incidents", "incident"),
                    "runbook": ("related", "runbook")}


def _check_file(kind: str, rel: str, raw: bytes, config: SitrepConfig, diags: Diagnostics) -> _Loaded:
    rf = read_record(rel, raw, diags)
    if rf is None:
        return _Loaded(None, diags.items, [])
    record = check_record(kind, rf, config, diags)
    # References are checked for invalid records too, so one run reports a dangling
    # reference alongside a typo elsewhere in the same file.
    field_name, target_kind = REFERENCE_FIELDS[kind]
    targets = rf.data.get(field_name)
    refs = [Ref(rel, rf.line_of((field_name, i)), target_kind, target)
            for i, target in enumerate(targets if isinstance(targets, list) else ()) if isinstance(target, str)]
    refs += markdown_links(rel, rf.body, rf.body_line)
    if record is None:
        raw_id = rf.data.get("id", Path(rel).stem)
        return _Loaded(None, diags.items, refs, rf.line_of(("id",)),
                       raw_id if isinstance(raw_id, str) else None, valid=False)
    return _Loaded(record, diags.items, refs, rf.line_of(("id",)), record.id)


def _read_bytes(path: str) -> bytes:
    """A file's bytes, with fewer objects than open(): this runs once per record."""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        chunks = [os.read(fd, size + 1)]
        while chunks[-1]:  # the file grew, or a size of 0 was reported (procfs, pipes)
            chunks.append(os.read(fd, 1 << 16))
        return b"".join(chunks)
    finally:
        os.close(fd)


def markdown_links(path: str, body: str, first_line: int) -> Iterable[Ref]:
    """Relative links to other Markdown files in a body (outside code fences)."""
    if "](" not in body:  # most bodies have no links: skip the line scan
        return
    in_fence = False
    for offset, text in enumerate(body.splitlines()):
        if _FENCE.match(text):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        for match in _LINK.finditer(text):
            target = match.group(1)
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^#|^/", target):
                continue
            file_part = target.split("#", 1)[0]
            if file_part.endswith(".md"):
                yield Ref(path, first_line + offset, "link", file_part)


def resolve_link(source: str, target: str) -> str:
    """Repository-relative path a relative link in ``source`` points to."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _load_chunk(args: tuple[str, list[tuple[str, str]], SitrepConfig, bool, list[str | None]]) -> list[_Loaded | None]:
    root, files, config, keep, cached = args
    loaded = []
    for (kind, rel), cached_digest in zip(files, cached, strict=True):
        item = load_file(Path(root), kind, rel, config, cached_digest)
        if item is not None and not keep:
            item.record = None  # only findings travel back to the parent process
        loaded.append(item)
    return loaded


def load_portal(root: Path, config: SitrepConfig, jobs: int | None = None) -> tuple[Portal, Diagnostics]:
    """Read every record under ``root``; return the valid ones and all diagnostics."""
    files = discover(root)
    results = _load_all(root, files, config, jobs, keep=True)
    diags, by_kind = _collect(root, files, results)  # type: ignore[arg-type]
    incidents = sorted(by_kind["incident"].values(), key=lambda i: (i.start, i.id))  # type: ignore[attr-defined]
    portal = Portal(
        config=config,
        incidents=tuple(incidents),  # type: ignore[arg-type]
        postmortems=tuple(sorted(by_kind["postmortem"].values(), key=lambda p: (p.date, p.id))),  # type: ignore[attr-defined]
        runbooks=tuple(sorted(by_kind["runbook"].values(), key=lambda r: r.id)),  # type: ignore[arg-type]
    )
    return portal, diags


def validate_portal(root: Path, config: SitrepConfig, jobs: int | None = None,
                    cache_dir: Path | None = None) -> tuple[dict[str, int], Diagnostics]:
    """Check every record under ``root`` without keeping them: counts per kind and diagnostics.

    Faster than :func:`load_portal` on large repositories: worker processes send
    back only their findings, and with ``cache_dir`` the findings for files whose
    bytes (and the configuration) have not changed are reused.
    """
    files = discover(root)
    if cache_dir is None:
        results = _load_all(root, files, config, jobs, keep=False)
    else:
        cache = FindingsCache(cache_dir, config)
        # Workers hash each file as they read it and skip the ones the cache knows.
        fresh = _load_all(root, files, config, jobs, keep=False,
                          cached=[cache.digest_of(rel) or "" for _, rel in files])
        results = [cache.findings(rel) if item is None else item
                   for (_, rel), item in zip(files, fresh, strict=True)]
        cache.save(files, results)
    diags, by_kind = _collect(root, files, results)  # type: ignore[arg-type]
    return {kind: len(ids) for kind, ids in by_kind.items()}, diags


class FindingsCache:
    """Per-file validation findings keyed by the file's content hash.

    Lives in ``.sitrep-cache/``; one file per configuration and Sitrep version,
    so changing mkdocs.yml or upgrading invalidates everything. Never required:
    a missing or corrupt cache is rebuilt. Stored as JSON, not pickle: the folder
    sits in the checkout, and loading a pickle a branch or pull request brought
    along would run any code it contains.
    """

    def __init__(self, directory: Path, config: SitrepConfig):
        from . import __version__

        key = hashlib.blake2b(
            f"{__version__}|{config.model_dump_json()}".encode(), digest_size=8
        ).hexdigest()
        self.path = directory / f"validate-{key}.json"
        self.entries: dict[str, list[object]] = {}
        try:
            with self.path.open("rb") as fh:
                entries = json.load(fh)
            if isinstance(entries, dict):
                self.entries = entries
        except (OSError, ValueError, RecursionError):
            self.entries = {}

        #: findings of the files the cache knows, read back from the JSON
        self.known: dict[str, _Loaded] = {}
        for rel, entry in self.entries.items():
            loaded = self._from_json(entry)
            if loaded is not None:
                self.known[rel] = loaded

    def digest_of(self, rel: str) -> str | None:
        """The content hash the cache has findings for, if any."""
        known = self.known.get(rel)
        return known.digest if known else None

    def findings(self, rel: str) -> _Loaded:
        """The cached findings of an unchanged file."""
        return self.known[rel]

    @staticmethod
    def _from_json(entry: object) -> _Loaded | None:
        try:  # a damaged or hand-made file is a miss, never a crash
            digest, diags, refs, id_line, record_id, valid = entry  # type: ignore[misc]
            if not (isinstance(digest, str) and digest):
                return None
            return _Loaded(
                None,
                [Diagnostic(str(p), int(n), "error" if lv == "error" else "warning", str(c), str(m))
                 for p, n, lv, c, m in diags],
                [Ref(str(src), int(n), str(k), str(t)) for src, n, k, t in refs],
                int(id_line), None if record_id is None else str(record_id), bool(valid), digest,
            )
        except (TypeError, ValueError):
            return None

    @staticmethod
    def _to_json(loaded: _Loaded) -> list[object]:
        return [loaded.digest, [[d.path, d.line, d.level, d.code, d.message] for d in loaded.diagnostics],
                [[r.source, r.line, r.kind, r.target] for r in loaded.refs],
                loaded.id_line, loaded.record_id, loaded.valid]

    def save(self, files: list[tuple[str, str]], results: list[_Loaded]) -> None:
        """Store the findings of every file that has a hash; rewrites only when something changed."""
        entries = {rel: loaded for (_, rel), loaded in zip(files, results, strict=True) if loaded.digest}
        if entries.keys() == self.known.keys() and all(
                self.known[rel] is loaded for rel, loaded in entries.items()):
            return  # nothing new: a warm run writes nothing
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            data = {rel: self.entries[rel] if self.known.get(rel) is loaded else self._to_json(loaded)
                    for rel, loaded in entries.items()}
            # dumps (the C encoder in one go) is several times faster than dump()
            tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only checkout still validates, just without the cache


def _collect(root: Path, files: list[tuple[str, str]],
             results: list[_Loaded]) -> tuple[Diagnostics, dict[str, dict[str, Record | None]]]:
    diags = Diagnostics()
    by_kind: dict[str, dict[str, Record | None]] = {"incident": {}, "postmortem": {}, "runbook": {}}
    #: every id in use, including those of records that failed validation
    known: dict[str, dict[str, Record | None]] = {kind: {} for kind in by_kind}
    seen: dict[tuple[str, str], str] = {}
    refs: list[Ref] = []
    for (kind, rel), loaded in zip(files, results, strict=True):
        diags.extend(loaded.diagnostics)
        refs += loaded.refs
        if loaded.record_id is None:
            continue
        key = (kind, loaded.record_id)
        if key in seen:
            diags.error(rel, loaded.id_line, "duplicate-id",
                        f"{kind} id '{loaded.record_id}' is already used by {seen[key]}: ids must "
                        "be unique; rename this file or set a different 'id'")
            continue
        seen[key] = rel
        known[kind][loaded.record_id] = loaded.record
        if loaded.valid:
            by_kind[kind][loaded.record_id] = loaded.record
    _check_refs(root, known, {rel for _, rel in files}, refs, diags)
    return diags, by_kind


def _load_all(root: Path, files: list[tuple[str, str]], config: SitrepConfig, jobs: int | None,
              keep: bool, cached: list[str | None] | None = None) -> list[_Loaded | None]:
    """load_file on every file, in worker processes when there are many."""
    cached = cached if cached is not None else [None] * len(files)
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 8)
    if workers <= 1 or len(files) < PARALLEL_THRESHOLD:
        return [load_file(root, kind, rel, config, digest)
                for (kind, rel), digest in zip(files, cached, strict=True)]
    # Small chunks keep both workers busy to the end, even when one runs slower.
    size = -(-len(files) // (workers * 16))
    chunks = [(str(root), files[i:i + size], config, keep, cached[i:i + size]) for i in range(0, len(files), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [loaded for chunk in pool.map(_load_chunk, chunks) for loaded in chunk]


def _check_refs(root: Path, ids: dict[str, dict[str, Record | None]], paths: set[str],
                refs: list[Ref], diags: Diagnostics) -> None:
    for ref in refs:
        if ref.kind == "runbook" and ref.target not in ids["runbook"]:
            known = ", ".join(sorted(ids["runbook"])) or "none yet"
            diags.error(ref.source, ref.line, "unknown-runbook",
                        f"runbook '{ref.target}' does not exist (no runbooks/{ref.target}.md); "
                        f"known runbooks: {known}")
        elif ref.kind == "incident" and ref.target not in ids["incident"]:
            diags.error(ref.source, ref.line, "unknown-incident",
                        f"incident '{ref.target}' does not exist: use the incident's id (its file "
                        "name without .md, e.g. 2026-02-10-api-errors)")
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


def with_config(portal: Portal, config: SitrepConfig) -> Portal:
    """The same records under another configuration (e.g. another audience)."""
    return replace(portal, config=config, _index={})
