"""Writing files so that nobody ever sees half of one: the only place Sitrep replaces files and folders."""

from __future__ import annotations

import contextlib
import os
import queue
import secrets
import shutil
import threading
from collections.abc import Callable
from pathlib import Path


def write_atomically(path: Path, data: bytes, check: Callable[[bytes], None] | None = None, *,
                     exclusive: bool = False, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then move it into place.

    ``check(bytes)`` runs on the bytes read back from the temporary file and may
    raise to abort: the original is then left untouched. An existing file keeps
    its permission bits. With ``exclusive`` an existing ``path`` is never
    replaced: :class:`FileExistsError`, also when another process created it
    meanwhile. The temporary file is removed whatever happens. Parent folders
    are created. ``durable=False`` skips waiting for the disk (``fsync``): for
    files a build can make again, such as the pages of a built site.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # 0o666 less the umask, like any new file (mkstemp's 0o600 would stick to a linked record).
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
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


class BackgroundWriter:
    """Writes files of a new build on a second thread, so the disk waits overlap the rendering.

    For a staging folder only: its files are written in place, and the folder replaces
    the published site as a whole (:func:`swap_in`) once the build has succeeded.

    Writing 10,000 pages into folders of their own spends most of its time waiting for
    the disk, with the interpreter's lock released; the thread that renders goes on
    meanwhile. At most ``backlog`` files wait in memory. An error on the writing thread
    is raised by every later :meth:`write` and by :meth:`close`.
    """

    def __init__(self, backlog: int = 128) -> None:
        self._queue: queue.Queue[tuple[str, bytes] | None] = queue.Queue(maxsize=backlog)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, name="sitrep-writer", daemon=True)
        self._thread.start()

    def write(self, path: str, data: bytes) -> None:
        """Queue ``data`` to be written at ``path`` (parent folders created)."""
        self._raise_error()
        self._queue.put((path, data))

    def close(self) -> None:
        """Wait until every queued file is written; raise the writing thread's error, if any."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        self._raise_error()

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def _drain(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue  # keep taking items so the renderer never blocks on a full queue
            path, data = item
            try:
                _write_file(path, data)
            except BaseException as exc:  # handed to the rendering thread
                self._error = exc


#: Opening a page's file to write it, replacing what a previous build left.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def _write_file(path: str, data: bytes) -> None:
    """Write ``data`` at ``path`` with as few system calls as can be.

    The writing thread gives up the interpreter's lock for each call and waits for it
    again after, while the other thread renders: fewer calls, fewer waits. Most pages
    are ``<folder>/index.html`` in a folder of their own whose parent exists already.
    """
    folder = os.path.dirname(path)
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
    fd = os.open(path, _CREATE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
