"""Writing files so that nobody ever sees half of one: the only place Sitrep replaces files and folders."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: the pipe keeps its default buffer
    fcntl = None  # type: ignore[assignment]

from sitrep.model import write_helper
from sitrep.model.write_helper import HEADER, write_all, write_file

#: What to do when a file cannot be read or written, by errno (the rest: :data:`OTHER_FIX`).
OS_ERROR_FIX = {
    errno.EACCES: "check the permissions of the file and of its folder (ls -ld), or run as their owner",
    errno.EPERM: "check the permissions of the file and of its folder (ls -ld), or run as their owner",
    errno.EROFS: "the disk is mounted read-only: work in a checkout on a writable disk",
    errno.ENOSPC: "free some disk space",
    errno.EDQUOT: "free some of your disk quota",
    errno.ENOENT: "check the path: a folder on the way does not exist",
    errno.ENOTDIR: "move or rename the file that stands where a folder goes",
    errno.EISDIR: "give the path of a file, not of a folder",
}
OTHER_FIX = "check the path and its disk, then try again"


class _ReadOnlyFile(PermissionError):
    """A file to be replaced has no write permission: its owner asked that it not change."""


def os_error_fix(exc: OSError) -> str:
    """What to do about ``exc`` (an error reading or writing a file), in a few words."""
    if isinstance(exc, _ReadOnlyFile):
        return "make it writable first (chmod u+w), if it is meant to change"
    return OS_ERROR_FIX.get(exc.errno or 0, OTHER_FIX)


def describe_os_error(exc: OSError) -> str:
    """One line for an error reading or writing a file: which file, what the system said, what to do."""
    where = f"{os.fsdecode(exc.filename)}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}. To fix: {os_error_fix(exc)}"


def write_atomically(path: Path, data: bytes, check: Callable[[bytes], None] | None = None, *,
                     exclusive: bool = False, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then move it into place.

    ``check(bytes)`` runs on the bytes read back from the temporary file and may
    raise to abort: the original is then left untouched. An existing file keeps
    its permission bits; a read-only one is not replaced (a :class:`PermissionError`).
    A symbolic link keeps pointing where it did: the file it points to is replaced.
    With ``exclusive`` an existing ``path`` is never replaced: :class:`FileExistsError`,
    also when another process created it meanwhile. The temporary file is removed
    whatever happens, and an error names ``path``, not it. Parent folders are
    created. ``durable=False`` skips waiting for the disk (``fsync``): for files a
    build can make again, such as the pages of a built site.
    """
    if not exclusive and path.is_symlink():
        path = Path(os.path.realpath(path))
    mode = None
    if not exclusive:
        with contextlib.suppress(FileNotFoundError):
            mode = path.stat().st_mode & 0o7777
    if mode is not None and not mode & 0o222:  # replacing it would ignore what its owner asked
        raise _ReadOnlyFile(errno.EACCES, "the file is read-only", str(path))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:  # a file where a folder goes: not "the name is taken" to the callers
        raise NotADirectoryError(errno.ENOTDIR, "a file stands where this folder goes", exc.filename) from None
    try:
        # 0o666 less the umask, like any new file (mkstemp's 0o600 would stick to a linked record).
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise type(exc)(exc.errno, exc.strerror, str(path)) from None
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
            if mode is not None:  # keep the file's permission bits
                os.chmod(tmp, mode)
            os.replace(tmp, path)
    except OSError as exc:
        if exc.filename in (None, str(tmp), tmp):
            raise type(exc)(exc.errno, exc.strerror, str(path)) from None
        raise
    finally:
        tmp.unlink(missing_ok=True)


def write_tree(folder: Path, files: Iterable[tuple[str, bytes]]) -> int:
    """Write each (path relative to ``folder``, bytes), making folders on the way; return how many.

    Plain writes, not atomic ones: for output a command makes again in full, into a folder it
    was given (``sitrep generate``'s pages and theme files) or made (a revision's records).
    """
    count = 0
    for rel, data in files:
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        count += 1
    return count


def remove_folder(path: str | Path) -> None:
    """Remove a folder and what it holds, if it is there (a build's staging folder)."""
    shutil.rmtree(path, ignore_errors=True)


def swap_in(staging: str | Path, target_dir: str | Path) -> None:
    """Replace the folder ``target_dir`` with the finished folder ``staging`` (old content removed)."""
    target = Path(target_dir)
    backup = target.with_name(f".{target.name}.sitrep-old")
    shutil.rmtree(backup, ignore_errors=True)
    if target.exists():
        os.replace(target, backup)
    os.replace(staging, target)
    shutil.rmtree(backup, ignore_errors=True)


#: The pipe's buffer where the system allows it (Linux's default limit for any user is 1 MiB).
_PIPE_BUFFER = 1 << 20


class BackgroundWriter:
    """Writes the files of a new build in a helper process, while this one renders.

    For a staging folder only: its files are written in place, and the folder replaces
    the published site as a whole (:func:`swap_in`) once the build has succeeded.

    Why a process: a writing thread needs the interpreter's lock back after each system
    call (mkdir, open, write, close), and gets it only when the rendering thread is made
    to let go, so the two took turns more than they worked at once (a 10,000-incident
    build took 10-18 % longer). The helper (:mod:`sitrep.model.write_helper`) is run by
    the same Python; the pages reach it through a pipe, at most the pipe's buffer (1 MiB
    where Linux allows it) ahead of the disk. Where no helper can start, files are
    written here as they come.

    An error writing a file is raised, as the :class:`OSError` the helper met (number,
    message, file name), by every later :meth:`write` and by :meth:`close`.
    """

    def __init__(self) -> None:
        self._error: OSError | None = None
        self._closed = False
        self._helper: subprocess.Popen[bytes] | None = None
        script = write_helper.__file__
        if not (sys.executable and script and os.path.isfile(script)):  # an embedded or zipped Sitrep
            return
        try:
            self._helper = subprocess.Popen([sys.executable, "-I", "-S", script],
                                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except OSError:  # no interpreter to start
            return
        assert self._helper.stdin is not None
        self._pipe = self._helper.stdin.fileno()
        if hasattr(fcntl, "F_SETPIPE_SZ"):
            with contextlib.suppress(OSError):  # above the system's limit: the default buffer (64 KiB)
                fcntl.fcntl(self._pipe, fcntl.F_SETPIPE_SZ, _PIPE_BUFFER)

    def write(self, path: str, data: bytes) -> None:
        """Hand ``data`` over to be written at ``path`` (parent folders created)."""
        self._raise_error()
        if self._closed:
            raise ValueError("write to a closed BackgroundWriter")
        if self._helper is None:
            write_file(path, data)
            return
        name = os.fsencode(path)
        try:
            write_all(self._pipe, HEADER.pack(len(name), len(data)) + name)
            write_all(self._pipe, data)
        except BrokenPipeError as exc:  # the helper stopped: it says why when it exits
            self._stop_helper()
            if self._error is None:
                self._error = exc
            raise self._error from None

    def close(self) -> None:
        """Wait until every file handed over is written; raise the writing error, if any."""
        if not self._closed:
            self._closed = True
            self._stop_helper()
        self._raise_error()

    def _stop_helper(self) -> None:
        helper, self._helper = self._helper, None
        if helper is None:
            return
        assert helper.stdin is not None and helper.stderr is not None
        with contextlib.suppress(BrokenPipeError):
            helper.stdin.close()  # end of the files: the helper writes what it has and exits
        said = helper.stderr.read()
        helper.stderr.close()
        if helper.wait() != 0 and self._error is None:
            self._error = write_helper.error_from(helper.returncode, said)

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error
