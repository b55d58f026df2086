"""The outputs folder, kept safe: one run at a time (a lock), each dossier swapped in whole, a run
killed half-way put back, and the manifest of what was built from what.

Everything here survives what a real office machine does to a folder: a lock or manifest left
damaged (a folder, a link, `-1`, JSON of another shape) is repaired or ignored, never a crash; a file
held open by Word is named. The locks are the operating system's (filelock), so a run that dies —
killed, a power cut — leaves nothing that blocks or misleads the next one.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from filelock import FileLock, Timeout

MANIFEST = ".manifest.json"
LOCK = ".lock"
STAGING = ".staging-"


class BuildLocked(Exception):
    pass


def _os_lock(path: Path) -> FileLock:
    """An OS lock on `path` (fcntl on Linux and macOS, msvcrt on Windows, through filelock), taken at once or
    not at all. The system drops it when its process ends, however it ends: nothing is ever left to take over."""
    if path.is_symlink():  # a link where our lock file belongs: removed, its target never opened
        path.unlink()
    elif path.is_dir():  # damaged: a folder where our lock file belongs
        try:
            path.rmdir()
        except OSError:
            raise BuildLocked(f"{path} là một thư mục có nội dung, không phải khóa; xóa thư mục đó rồi chạy lại") from None
    lock = FileLock(str(path))
    lock.acquire(timeout=0)
    return lock


class Lock:
    """outputs/.lock, held with an OS lock for the whole run. The file itself stays (empty, or with whatever an
    older version or a damage left in it): what counts is the lock on it, which dies with its process."""

    def __init__(self, outputs: Path):
        self.path = outputs / LOCK
        self._lock: FileLock | None = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock = _os_lock(self.path)
        except Timeout:
            raise BuildLocked(f"một lần lập hồ sơ khác đang chạy với thư mục {self.path.parent}; chờ nó xong rồi chạy "
                              "lại") from None
        return self

    def __exit__(self, *exc):
        if self._lock is not None:
            self._lock.release()
            self._lock = None


class Staging:
    """This run's staging folder `outputs/.staging-<pid>/`, owned through an OS lock on `.staging-<pid>.lock`
    for as long as the run uses it, so that `recover` never cleans a folder a live run is writing."""

    def __init__(self, outputs: Path):
        self.path = outputs / f"{STAGING}{os.getpid()}"
        self._owner: FileLock | None = None

    def open(self) -> Path:
        self._owner = _os_lock(_owner_path(self.path))
        self.path.mkdir(parents=True, exist_ok=True)
        return self.path

    def close(self) -> None:
        """The folder removed, then its ownership given up."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self._owner is not None:
            self._owner.release()
            _owner_path(self.path).unlink(missing_ok=True)
            self._owner = None

    def __enter__(self) -> Path:
        return self.open()

    def __exit__(self, *exc):
        self.close()


def _owner_path(staging: Path) -> Path:
    return staging.with_name(staging.name + ".lock")


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
    """Put back any dossier a killed run had moved aside but not replaced, and drop its staging folder; a staging
    folder whose owner is alive (its OS lock held) is left alone."""
    for tmp in sorted(outputs.glob(STAGING + "*")):
        if tmp.name.endswith(".lock") or not tmp.is_dir() or tmp.is_symlink():
            continue
        owner = _owner_path(tmp)
        try:
            held = _os_lock(owner)
        except (Timeout, BuildLocked, OSError):
            continue  # a live run's (or one we cannot tell): not ours to touch
        try:
            trash = tmp / "_old"
            for old in trash.glob("*__*") if trash.is_dir() else []:
                unit, year = old.name.split("__", 1)
                final = outputs / unit / year
                if not final.exists():
                    final.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(old, final)
            shutil.rmtree(tmp, ignore_errors=True)
        finally:
            held.release()
            owner.unlink(missing_ok=True)
    for owner in outputs.glob(STAGING + "*.lock"):  # left without a folder by a run killed at its very end
        if not owner.with_name(owner.name[: -len(".lock")]).exists():
            try:
                _os_lock(owner).release()
                owner.unlink(missing_ok=True)
            except (Timeout, BuildLocked, OSError):
                pass


def write_manifest(outputs: Path, manifest: dict) -> None:
    path = outputs / MANIFEST
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)  # damaged: a folder where our record belongs
    tmp = outputs / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def read_manifest(outputs: Path) -> dict[str, dict]:
    """The record of earlier builds; anything damaged or of another shape reads as “nothing built yet”
    for that entry, so the next run rebuilds it (never a crash, never --force needed)."""
    try:
        data = json.loads((outputs / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items()
            if isinstance(k, str) and isinstance(v, dict) and isinstance(v.get("fingerprint"), str)}
