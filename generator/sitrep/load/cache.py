"""The findings cache of ``sitrep validate``: per-file findings keyed by content hash."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from sitrep.load.loaded import Loaded, Ref
from sitrep.model.config import SitrepConfig
from sitrep.model.diagnostics import Diagnostic
from sitrep.model.files import write_atomically

#: Part of the cache's key: raise it when a check finds something else in the same bytes
#: (2: links in code spans and nested fences are no longer read; 3: updates below the closing
#: '---', escalations on updates, ids of unreadable records; 4: people named and public postmortem text;
#: 5: 'resolved' before the update that resolved it, times in the future, the time of the check kept;
#: 6: public incident text (title, update messages, body) and the people of incidents' role fields, records
#: in the wrong folder recognised by their distinctive fields, updates without their '- '; 7: retired components;
#: 8: action items' closing dates (an incident's start and each closing date kept for the cross-record check);
#: 9: bare severity numbers, invisible characters named with their columns.
FINDINGS_VERSION = 9
#: The findings that depend on the time of the check: never cached, so they go once the time comes.
TIMELY_CODES = frozenset({"future-time"})


def file_digest(raw: bytes) -> str:
    """The findings cache's key for a file's content."""
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


class FindingsCache:
    """Per-file validation findings keyed by the file's content hash.

    Lives in ``.sitrep-cache/``; one file per configuration and Sitrep version,
    so changing mkdocs.yml or upgrading invalidates everything. Never required:
    a missing or corrupt cache is rebuilt. Stored as JSON, not pickle: the folder
    sits in the checkout, and loading a pickle a branch or pull request brought
    along would run any code it contains.
    """

    def __init__(self, directory: Path, config: SitrepConfig, now: datetime | None = None):
        """``now``: the time of this check. Findings of a later check are not reused (the clock went
        back, SOURCE_DATE_EPOCH was pinned earlier): a time they found in the past may be ahead of ``now``."""
        from sitrep import __version__

        # The components retired by the day of the check are part of the key: an open incident on one is an
        # error from its retirement day on, so the day it comes every file is checked again, once.
        today = now.astimezone(UTC).date() if now is not None else None
        retired = ",".join(c.id for c in config.components if today is not None and c.retired_by(today))
        key = hashlib.blake2b(
            f"{__version__}|{FINDINGS_VERSION}|{config.model_dump_json()}|{retired}".encode(), digest_size=8
        ).hexdigest()
        self.path = directory / f"validate-{key}.json"
        self.now = now
        self.entries: dict[str, list[object]] = {}
        try:
            with self.path.open("rb") as fh:
                stored = json.load(fh)
            if isinstance(stored, dict) and isinstance(stored.get("files"), dict) and self._still_valid(stored):
                self.entries = stored["files"]
        except (OSError, ValueError, RecursionError):
            self.entries = {}

        #: findings of the files the cache knows, read back from the JSON
        self.known: dict[str, Loaded] = {}
        for rel, entry in self.entries.items():
            loaded = self._from_json(entry)
            if loaded is not None:
                self.known[rel] = loaded

    def _still_valid(self, stored: dict[str, object]) -> bool:
        """Whether findings checked at ``stored['checked_at']`` hold at ``self.now`` (not earlier)."""
        if self.now is None:
            return True
        checked_at = stored.get("checked_at")
        try:
            return isinstance(checked_at, str) and datetime.fromisoformat(checked_at) <= self.now
        except ValueError:
            return False

    def digest_of(self, rel: str) -> str | None:
        """The content hash the cache has findings for, if any."""
        known = self.known.get(rel)
        return known.digest if known else None

    def findings(self, rel: str) -> Loaded:
        """The cached findings of an unchanged file."""
        return self.known[rel]

    @staticmethod
    def _from_json(entry: object) -> Loaded | None:
        try:  # a damaged or hand-made file is a miss, never a crash
            digest, diags, refs, id_line, record_id, valid, people, public = entry  # type: ignore[misc]
            if not (isinstance(digest, str) and digest):
                return None
            return Loaded(
                None,
                [Diagnostic(str(p), int(n), "error" if lv == "error" else "warning", str(c), str(m))
                 for p, n, lv, c, m in diags],
                [Ref(str(src), int(n), str(k), str(t)) for src, n, k, t in refs],
                int(id_line), None if record_id is None else str(record_id), bool(valid), digest,
                tuple(str(p) for p in people), tuple((int(n), str(t)) for n, t in public),
            )
        except (TypeError, ValueError):
            return None

    @staticmethod
    def _to_json(loaded: Loaded) -> list[object]:
        return [loaded.digest, [[d.path, d.line, d.level, d.code, d.message] for d in loaded.diagnostics],
                [[r.source, r.line, r.kind, r.target] for r in loaded.refs],
                loaded.id_line, loaded.record_id, loaded.valid, list(loaded.people),
                [[n, t] for n, t in loaded.public_lines]]

    def save(self, files: list[tuple[str, str]], results: list[Loaded]) -> None:
        """Store the findings of every file that has a hash; rewrites only when something changed."""
        entries = {rel: loaded for (_, rel), loaded in zip(files, results, strict=True)
                   if loaded.digest and not any(d.code in TIMELY_CODES for d in loaded.diagnostics)}
        if entries.keys() == self.known.keys() and all(
                self.known[rel] is loaded for rel, loaded in entries.items()):
            return  # nothing new: a warm run writes nothing
        try:
            files_data = {rel: self.entries[rel] if self.known.get(rel) is loaded else self._to_json(loaded)
                          for rel, loaded in entries.items()}
            data = {"checked_at": self.now.isoformat() if self.now else None, "files": files_data}
            # dumps (the C encoder in one go) is several times faster than dump()
            write_atomically(self.path, json.dumps(data, separators=(",", ":")).encode("utf-8"))
        except OSError:
            pass  # a read-only checkout still validates, just without the cache
