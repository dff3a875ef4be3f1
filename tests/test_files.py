"""The one atomic-write function: never half a file, never a stray temporary file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitrep.model.files import BackgroundWriter, swap_in, write_atomically


def test_replaces_a_file_keeping_its_permission_bits(tmp_path: Path) -> None:
    path = tmp_path / "record.md"
    path.write_bytes(b"old")
    path.chmod(0o640)
    write_atomically(path, b"new")
    assert path.read_bytes() == b"new"
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.md"]


def test_a_failing_check_leaves_the_original_and_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "record.md"
    path.write_bytes(b"old")
    seen = []

    def refuse(data: bytes) -> None:
        seen.append(data)
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        write_atomically(path, b"new", refuse)
    assert seen == [b"new"]
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.md"]


def test_exclusive_creates_folders_and_a_new_file_with_the_usual_mode(tmp_path: Path) -> None:
    path = tmp_path / "incidents" / "2026" / "x.md"
    write_atomically(path, b"text", exclusive=True)
    assert path.read_bytes() == b"text"
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    with pytest.raises(FileExistsError):
        write_atomically(path, b"other", exclusive=True)
    assert path.read_bytes() == b"text"
    assert [p.name for p in path.parent.iterdir()] == ["x.md"]


def test_swap_in_replaces_a_folder_whole(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "old.html").write_text("old")
    (tmp_path / "staging").mkdir()
    (tmp_path / "staging" / "new.html").write_text("new")
    swap_in(tmp_path / "staging", tmp_path / "site")
    assert [p.name for p in (tmp_path / "site").iterdir()] == ["new.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_background_writer_writes_every_file_before_close_returns(tmp_path: Path) -> None:
    writer = BackgroundWriter(backlog=4)
    for n in range(50):  # more than the backlog: write() waits for room instead of holding them all
        writer.write(str(tmp_path / f"page-{n}" / "index.html"), f"page {n}".encode())
    writer.close()
    assert sorted(p.read_text() for p in tmp_path.glob("*/index.html")) == sorted(f"page {n}" for n in range(50))


def test_background_writer_reports_a_failed_write(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file where a folder should be")
    writer = BackgroundWriter(backlog=2)
    writer.write(str(tmp_path / "taken" / "index.html"), b"lost")
    refused = 0
    for n in range(10):  # the queue keeps draining after the error, so nothing blocks
        try:
            writer.write(str(tmp_path / f"after-{n}.html"), b"x")
        except OSError:
            refused += 1
    with pytest.raises(OSError):
        writer.close()
    assert refused > 0  # the renderer learns of it while it goes on, not only at the end
