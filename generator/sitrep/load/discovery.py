"""Find record files in a repository and read their bytes."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

#: The folder of each kind of record, below the records folder (``records_dir``).
RECORD_FOLDERS = {"incident": "incidents", "postmortem": "postmortems", "runbook": "runbooks"}
KINDS = {folder: kind for kind, folder in RECORD_FOLDERS.items()}
#: Files in record folders that are not records.
IGNORED_NAMES = {"README.md", "index.md"}


#: Endings of files meant as records but not named ``*.md`` (compared in lowercase, spaces and dots
#: at the end stripped): a web editor's default, another Markdown spelling, YAML.
RECORD_LIKE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".txt", ".yml", ".yaml")


def discover(root: Path, misnamed: list[str] | None = None) -> list[tuple[str, str]]:
    """(kind, posix path relative to root) of every record file, sorted.

    Files in the record folders that look like records but are not named ``*.md``
    (see :func:`looks_like_a_record`) are appended to ``misnamed`` when it is given:
    they would be skipped without a word.
    """
    found: list[tuple[str, str]] = []
    for folder, kind in KINDS.items():
        base = root / folder
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
            folder_rel = Path(dirpath).relative_to(root).as_posix()  # once per folder: it is slow
            for name in filenames:
                if name.startswith((".", "_")) or name in IGNORED_NAMES:
                    continue
                if name.endswith(".md"):
                    found.append((kind, f"{folder_rel}/{name}"))
                elif misnamed is not None and looks_like_a_record(os.path.join(dirpath, name)):
                    misnamed.append(f"{folder_rel}/{name}")
    if misnamed is not None:
        misnamed.sort()
    return sorted(found, key=lambda kp: kp[1])


def record_folder(kind: str, day: date | None = None) -> str:
    """The folder a new record of ``kind`` goes in: ``incidents/YYYY`` (the year of ``day``, the UTC
    day its impact or window starts; ``incidents/undated`` without one), ``postmortems``, ``runbooks``."""
    folder = RECORD_FOLDERS[kind]
    if kind == "incident":
        return f"{folder}/{day.year:04d}" if day else f"{folder}/undated"
    return folder


def record_file(kind: str, stem: str, day: date | None = None) -> str:
    """The path of a new record named ``stem`` (its id), relative to the records folder (see :func:`record_folder`)."""
    return f"{record_folder(kind, day)}/{stem}.md"


def looks_like_a_record(path: str) -> bool:
    """A file not named ``*.md`` that was meant as one: a record-like ending, none at all, or front matter."""
    name = os.path.basename(path)
    stem = record_name(name)[:-3]
    if stem.casefold() in ("readme", "index"):
        return False
    stripped = name.rstrip(" .\t")
    if stripped != name or stripped.casefold().endswith(RECORD_LIKE_SUFFIXES) or "." not in stripped:
        return True
    try:
        with open(path, "rb") as fh:
            return fh.readline(64).rstrip(b"\r\n \t").lstrip(b"\xef\xbb\xbf") == b"---"
    except OSError:
        return False


def record_name(name: str) -> str:
    """The ``*.md`` name a misnamed record should have: ``x.md.txt``, ``x.MD``, ``x``, ``x.md `` -> ``x.md``."""
    stem = name.rstrip(" .\t")
    while True:
        base, ext = os.path.splitext(stem)
        if not base or ext.casefold() not in RECORD_LIKE_SUFFIXES:
            return f"{stem}.md"
        stem = base.rstrip(" .\t")


def read_bytes(path: str) -> bytes:
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
