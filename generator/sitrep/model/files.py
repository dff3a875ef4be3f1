"""Writing files so that nobody ever sees half of one: the only place Sitrep replaces files and folders."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path


def write_atomically(path: Path, data: bytes, check: Callable[[bytes], None] | None = None, *,
                     exclusive: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then move it into place.

    ``check(bytes)`` runs on the bytes read back from the temporary file and may
    raise to abort: the original is then left untouched. An existing file keeps
    its permission bits. With ``exclusive`` an existing ``path`` is never
    replaced: :class:`FileExistsError`, also when another process created it
    meanwhile. The temporary file is removed whatever happens. Parent folders
    are created.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # 0o666 less the umask, like any new file (mkstemp's 0o600 would stick to a linked record).
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if check is not None:
            check(tmp.read_bytes())
        if exclusive:
            try:
                os.link(tmp, path)  # atomic, and fails if the name exists, unlike os.replace
            except FileExistsError:
                raise
            except OSError:  # file systems without hard links: exclusive create instead
                with path.open("xb") as fh:
                    fh.write(data)
        else:
            with contextlib.suppress(FileNotFoundError):  # keep the file's permission bits
                os.chmod(tmp, path.stat().st_mode & 0o7777)
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def swap_in(staging: str | Path, target_dir: str | Path) -> None:
    """Replace the folder ``target_dir`` with the finished folder ``staging`` (old content removed)."""
    target = Path(target_dir)
    backup = target.with_name(f".{target.name}.sitrep-old")
    shutil.rmtree(backup, ignore_errors=True)
    if target.exists():
        os.replace(target, backup)
    os.replace(staging, target)
    shutil.rmtree(backup, ignore_errors=True)
