"""Find record files in a repository and read their bytes."""

from __future__ import annotations

import os
from pathlib import Path

KINDS = {"incidents": "incident", "postmortems": "postmortem", "runbooks": "runbook"}
#: Files in record folders that are not records.
IGNORED_NAMES = {"README.md", "index.md"}


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
