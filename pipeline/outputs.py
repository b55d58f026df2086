"""The outputs folder, kept safe: one run at a time (a lock), each dossier swapped in whole, a run
killed half-way put back, and the manifest of what was built from what.

Everything here survives what a real office machine does to a folder: a lock or manifest left
damaged (a folder, `-1`, a 20-digit pid, JSON of another shape) is repaired or ignored, never a
crash; a file held open by Word is named.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

MANIFEST = ".manifest.json"
LOCK = ".lock"
MAX_PID = 2**31 - 1


class BuildLocked(Exception):
    pass


class Lock:
    """outputs/.lock, created exclusively; a lock left by a dead process (or holding no valid pid) is taken over."""

    def __init__(self, outputs: Path):
        self.path = outputs / LOCK

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                if self.path.is_dir() and not self.path.is_symlink():
                    _remove_folder(self.path)  # not ours to keep: a lock is a file
                    continue
                pid = self._holder()
                if pid and _alive(pid):
                    raise BuildLocked(f"một lần lập hồ sơ khác đang chạy (tiến trình {pid}); chờ nó xong rồi chạy lại. "
                                      f"Nếu chắc chắn không còn, xóa tệp {self.path}") from None
                self.path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w") as fh:
                fh.write(str(os.getpid()))
            return self
        raise BuildLocked(f"không tạo được khóa {self.path}; xóa {self.path} rồi chạy lại")

    def _holder(self) -> int | None:
        try:
            if not stat.S_ISREG(os.lstat(self.path).st_mode):  # a FIFO would block the read: no pid in it anyway
                return None
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as fh:
                text = fh.read(64).decode("ascii", errors="replace").strip()
        except OSError:
            return None
        return int(text) if text.isdigit() and 0 < int(text) <= MAX_PID else None

    def __exit__(self, *exc):
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass


def _remove_folder(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        raise BuildLocked(f"{path} là một thư mục có nội dung, không phải khóa; xóa thư mục đó rồi chạy lại") from None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return _alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True
    return True


def _alive_windows(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    ctypes.windll.kernel32.CloseHandle(handle)
    return True


def swap_in(staged: Path, final: Path, trash_root: Path) -> None:
    """Replace `final` by `staged` with two renames; the old folder is removed only afterwards.
    A file of the old folder held open (Word on Windows) makes the first rename fail: nothing changes."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if final.exists():
        trash_root.mkdir(parents=True, exist_ok=True)
        old = trash_root / f"{final.parent.name}__{final.name}"
        os.replace(final, old)
    try:
        os.replace(staged, final)
    except OSError:
        if old is not None:
            os.replace(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def recover(outputs: Path) -> None:
    """Put back any dossier a killed run had moved aside but not replaced; drop stale staging."""
    for tmp in outputs.glob(".staging-*"):
        if tmp.is_symlink() or not tmp.is_dir():  # not ours: a staging folder is never a link
            tmp.unlink(missing_ok=True)
            continue
        trash = tmp / "_old"
        for old in trash.glob("*__*") if trash.is_dir() else []:
            unit, year = old.name.split("__", 1)
            final = outputs / unit / year
            if not final.exists():
                os.replace(old, final)
        shutil.rmtree(tmp, ignore_errors=True)


def write_manifest(outputs: Path, manifest: dict) -> None:
    path = outputs / MANIFEST
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)  # damaged: a folder where our record belongs
    import tempfile

    # a fresh exclusive file (never through a link planted at a fixed name), renamed over the record
    fd, tmp = tempfile.mkstemp(dir=outputs, prefix=MANIFEST + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_manifest(outputs: Path, notes: list[str] | None = None) -> dict[str, dict]:
    """The record of earlier builds; anything damaged, linked out of `outputs/`, or of another shape reads
    as “nothing built yet” for that entry (with a note in `notes`), so the next run rebuilds it (never a
    crash, never --force needed, never its content shown)."""
    from pipeline import records

    entries, note = records.read_manifest(outputs / MANIFEST, outputs)
    if note and notes is not None:
        notes.append(note)
    return entries
