"""The process that writes a build's pages for :class:`sitrep.model.files.BackgroundWriter`.

Run as a script by the same Python (``python -I -S write_helper.py``), so it imports the
standard library only: it starts in about 10 ms and holds 3.7 MiB of its own. The
pipe it reads brings, for each file, :data:`HEADER` (the sizes of the path and of the
content), the path, then the content. On an error it writes ``errno NUL message NUL
path`` to its standard error and stops; :func:`error_from` reads that back.
"""

from __future__ import annotations

import errno
import os
import signal
import struct
import sys

#: Before each file in the pipe: the sizes of its path and of its content.
HEADER = struct.Struct("<II")

#: Opening a page's file to write it, replacing what a previous build left.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to the file descriptor ``fd`` (a write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_file(path: str, data: bytes) -> None:
    """Write ``data`` at ``path`` with as few system calls as can be.

    Most pages are ``<folder>/index.html`` in a folder of their own whose parent exists
    already: one ``mkdir``, then the file.
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
        write_all(fd, data)
    finally:
        os.close(fd)


def error_from(status: int, said: bytes) -> OSError:
    """The error the helper reported on its standard error, or one saying how it stopped."""
    parts = said.split(b"\0", 2)
    if len(parts) == 3 and parts[0].isdigit():
        return OSError(int(parts[0]), parts[1].decode("utf-8", "replace"), os.fsdecode(parts[2]))
    last = said.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
    return OSError(errno.EIO, f"the process writing the site's pages stopped (exit status {status}): {last[0]}")


def serve() -> int:
    """Write each file the standard input brings, until it closes; on an error, report it and stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the build, which closes the pipe
    read = sys.stdin.buffer.read
    while len(head := read(HEADER.size)) == HEADER.size:
        name_size, data_size = HEADER.unpack(head)
        name, data = read(name_size), read(data_size)
        if len(data) != data_size:  # the build stopped in the middle of a file: write no half of it
            return 1
        try:
            write_file(os.fsdecode(name), data)
        except OSError as exc:
            number, message = exc.errno or errno.EIO, (exc.strerror or str(exc)).encode()
            sys.stderr.buffer.write(b"%d\0%s\0%s" % (number, message, os.fsencode(exc.filename or name)))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(serve())
