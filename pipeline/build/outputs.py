"""The outputs folder, kept safe: one run at a time (a lock), each dossier swapped in whole, a run
killed half-way put back, and the manifest of what was built from what.

Everything here survives what a real office machine does to a folder: a lock or manifest left
damaged (a folder, a link, `-1`, JSON of another shape) is repaired or ignored, never a crash; a file
held open by Word is named. The locks are the operating system's (filelock), so a run that dies —
killed, a power cut — leaves nothing that blocks or misleads the next one.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import time
from pathlib import Path

from filelock import FileLock, Timeout

from pipeline.core.problems import PipelineError

MANIFEST = ".manifest.json"
LOCK = ".lock"
STAGING = ".staging-"


class BuildLocked(PipelineError):
    pass


def _os_lock(path: Path) -> FileLock:
    """An OS lock on `path` (fcntl on Linux and macOS, msvcrt on Windows, through filelock), taken at once or
    not at all. The system drops it when its process ends, however it ends: nothing is ever left to take over."""
    if path.is_symlink():  # a link where our lock file belongs: removed, its target never opened
        path.unlink()
    elif path.exists() and not path.is_dir() and not path.is_file():  # a FIFO or a device: never opened
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


class HeldOpen(PermissionError):
    """A dossier folder that cannot be renamed because files in it are open (Word, a PDF reader)."""

    def __init__(self, folder: Path, files: list[Path]):
        super().__init__(errno.EACCES, "held open", str(files[0] if files else folder))
        self.winerror = 32  # ERROR_SHARING_VIOLATION, as Windows says it for the file itself
        self.folder, self.files = folder, files


def swap_in(staged: Path, final: Path, trash_root: Path) -> None:
    """Replace `final` by `staged` with two renames; the old folder is removed only afterwards.
    On Windows a folder cannot be renamed while a file in it is open (Word, a PDF reader): the first
    rename fails, nothing changes, and the error names the open files (`HeldOpen`)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if final.exists():
        trash_root.mkdir(parents=True, exist_ok=True)
        old = trash_root / f"{final.parent.name}__{final.name}"
        try:
            _rename(final, old)
        except PermissionError as exc:
            held = held_open(final)
            if held or _windows():
                raise HeldOpen(final, held) from exc
            raise
    try:
        _rename(staged, final)
    except OSError:
        if old is not None:
            os.replace(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


RENAME_TRIES = 4  # on Windows: a virus scanner or OneDrive holds a new file for a moment


def _rename(src: Path, dst: Path) -> None:
    for attempt in range(RENAME_TRIES if _windows() else 1):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if attempt == RENAME_TRIES - 1 or not _windows():
                raise
            time.sleep(0.25 * (attempt + 1))


def _windows() -> bool:
    return os.name == "nt"


def held_open(folder: Path) -> list[Path]:
    """The files of `folder` another program has open. On Windows each file is tried for exclusive
    access; elsewhere (and as a second opinion) the owner files Word (`~$…`) and LibreOffice
    (`.~lock.…#`) leave beside the document they opened name it."""
    try:
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink())
    except OSError:
        return []
    documents = [p for p in files if not _is_owner_file(p.name)]
    if _windows():
        held = [p for p in documents if _in_use(p)]
        if held:
            return held
    owners = [p.name for p in files if _is_owner_file(p.name)]
    return [p for p in documents if any(_owns(o, p.name) for o in owners)]


def _is_owner_file(name: str) -> bool:
    return name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#"))


def _owns(owner: str, name: str) -> bool:
    if owner.startswith(".~lock."):
        return owner[len(".~lock."):-1] == name
    # Word: "~$" before a short name, in place of its first one or two characters otherwise
    rest = owner[2:]
    return name.endswith(rest) and 0 <= len(name) - len(rest) <= 2 and len(rest) >= 3


def _in_use(path: Path) -> bool:  # pragma: no cover - Windows only
    """Open with no sharing at all: fails with a sharing violation while any other program has it open."""
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.CreateFileW.restype = wintypes.HANDLE
    kernel32.CreateFileW.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, wintypes.DWORD, wintypes.LPVOID,
                                     wintypes.DWORD, wintypes.DWORD, wintypes.HANDLE]
    handle = kernel32.CreateFileW(str(path), 0x80000000, 0, None, 3, 0x80, None)  # GENERIC_READ, no share, OPEN_EXISTING
    if handle == wintypes.HANDLE(-1).value:
        return ctypes.get_last_error() in (32, 33)  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION
    kernel32.CloseHandle(handle)
    return False

HAND_EDITED = "sua tay"  # `to-trinh-de-nghi-cong-nhan (sua tay 2026-12-01).docx`
WATCHED = (".docx",)  # the files an officer opens and edits by hand


def fingerprints(folder: Path, names: list[str]) -> dict[str, str]:
    """sha256 of each Word file among `names` as the pipeline wrote it, to tell a hand edit later."""
    import hashlib

    out = {}
    for name in names:
        if name.endswith(WATCHED):
            try:
                out[name] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
            except OSError:
                pass
    return out


def keep_by_hand(final: Path, staged: Path, entry: dict, day=None) -> list[str]:
    """Before `staged` replaces `final`: every Word file changed since the pipeline wrote it (its sha256
    differs from the one recorded then) is kept in `staged` as `<name> (sua tay <date>).docx`, and every
    file the pipeline did not write (the officer's own, an earlier hand-edited copy) is carried over as it
    is. Returns what was kept, in the officer's words, for the run's report."""
    import datetime as dt
    import hashlib

    if not final.is_dir():
        return []
    recorded = entry.get("hashes") if isinstance(entry.get("hashes"), dict) else {}
    ours = set(entry.get("files") or []) if isinstance(entry.get("files"), list) else set()
    day = (day or dt.date.today()).isoformat()
    notes = []
    for path in sorted(final.iterdir()):
        name = path.name
        if path.is_dir() and not path.is_symlink():
            if name not in ours and not (staged / name).exists():
                shutil.copytree(path, staged / name, symlinks=True)
                notes.append(f"giữ nguyên thư mục {name} (không do máy lập) trong thư mục hồ sơ")
            continue
        if not path.is_file() or path.is_symlink():
            continue
        if name in ours or name in recorded:
            want = recorded.get(name)
            if not want:
                continue
            if hashlib.sha256(path.read_bytes()).hexdigest() == want:
                continue
            kept = _free_name(staged, f"{path.stem} ({HAND_EDITED} {day})", path.suffix)
            shutil.copy2(path, staged / kept)
            notes.append(f"{name} đã được sửa tay sau lần lập trước: bản sửa tay giữ lại thành “{kept}” cạnh bản mới "
                         "(chép phần đã sửa vào tệp .yaml nếu cần, để lần lập sau có sẵn)")
        elif not (staged / name).exists():
            shutil.copy2(path, staged / name)
            if HAND_EDITED not in name:
                notes.append(f"giữ nguyên tệp {name} (không do máy lập) trong thư mục hồ sơ")
    return notes


def _free_name(folder: Path, stem: str, suffix: str) -> str:
    for n in range(1, 1000):
        name = f"{stem}{'' if n == 1 else f' {n}'}{suffix}"
        if not (folder / name).exists():
            return name
    raise FileExistsError(folder / (stem + suffix))


def recover(outputs: Path) -> None:
    """Put back any dossier a killed run had moved aside but not replaced, and drop its staging folder; a staging
    folder whose owner is alive (its OS lock held) is left alone."""
    for tmp in sorted(outputs.glob(STAGING + "*")):
        if tmp.name.endswith(".lock") and not tmp.is_symlink():
            continue
        if tmp.is_symlink() or not tmp.is_dir():  # not ours: a staging folder is never a link
            tmp.unlink(missing_ok=True)
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
    from pipeline.build import records

    entries, note = records.read_manifest(outputs / MANIFEST, outputs)
    if note and notes is not None:
        notes.append(note)
    return entries
