"""The one atomic-write function: never half a file, never a stray temporary file."""

from __future__ import annotations

import os
import sys
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
    writer = BackgroundWriter()
    for n in range(50):  # more than the backlog: write() waits for room instead of holding them all
        writer.write(str(tmp_path / f"page-{n}" / "index.html"), f"page {n}".encode())
    writer.close()
    assert sorted(p.read_text() for p in tmp_path.glob("*/index.html")) == sorted(f"page {n}" for n in range(50))


def test_background_writer_reports_a_failed_write(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file where a folder should be")
    writer = BackgroundWriter()
    writer.write(str(tmp_path / "taken" / "index.html"), b"lost")
    refused = None
    for n in range(100):  # 6.4 MB, more than the pipe holds: the writer must have stopped by then
        try:
            writer.write(str(tmp_path / f"after-{n}.html"), b"x" * 65536)
        except OSError as exc:
            refused = exc
            break
    # The renderer learns of it while it goes on, not only at the end, as the error the helper met.
    assert isinstance(refused, NotADirectoryError)
    assert refused.filename == str(tmp_path / "taken" / "index.html")
    with pytest.raises(NotADirectoryError):
        writer.close()
    with pytest.raises(NotADirectoryError):  # and again, whoever asks
        writer.write(str(tmp_path / "later.html"), b"x")


def test_background_writer_writes_here_when_no_helper_can_start(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python-here"))
    writer = BackgroundWriter()
    writer.write(str(tmp_path / "site" / "page" / "index.html"), b"<p>written</p>")
    writer.close()
    assert (tmp_path / "site" / "page" / "index.html").read_bytes() == b"<p>written</p>"
