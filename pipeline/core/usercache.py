"""The user's cache folder (compiled templates, template sets that passed the check), used only when it is
safe, and every entry authenticated before use.

- The folder (and each subfolder) must be a real directory, not a link, owned by the user and writable by
  no one else (POSIX); otherwise the cache is not used for this run, and a note says so once.
- Every entry carries an HMAC-SHA256 over its kind, its name and its bytes, with a per-user secret key kept
  outside the cache (`cache.key` in the user's configuration folder, mode 0600, or `DVHT_CACHE_KEY`). An
  entry planted, altered, truncated or copied under another name fails the check and is ignored (then
  rewritten); only the bytes of an authenticated entry are ever decoded.
- Links are never followed: entries are opened with O_NOFOLLOW and must be regular files of a bounded size;
  new entries are written to a fresh exclusive temporary file (a link planted under any name is never written
  through) and renamed into place; a failed write (disk full) removes its temporary file.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import tempfile
from pathlib import Path

KEY_BYTES = 32
MAX_ENTRY = 64 * 1024 * 1024
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_NOTES: list[str] = []
_KEY: list[bytes | None] = []  # [] = not loaded yet; [None] = unusable


def root() -> Path:
    """The user's own cache folder (DVHT_CACHE to choose another)."""
    configured = os.environ.get("DVHT_CACHE")
    if configured:
        return Path(configured)
    from platformdirs import user_cache_path

    return user_cache_path("dvht", appauthor=False)


def key_path() -> Path:
    configured = os.environ.get("DVHT_CACHE_KEY")
    if configured:
        return Path(configured)
    from platformdirs import user_config_path

    return user_config_path("dvht", appauthor=False, roaming=True) / "cache.key"


def notes() -> list[str]:
    """What the cache could not do this run (each said once), for the command line to show."""
    return list(_NOTES)


def _note(text: str) -> None:
    if text not in _NOTES:
        _NOTES.append(text)


def reset() -> None:
    """Forget the key and the notes (tests; a process that changed DVHT_CACHE/DVHT_CACHE_KEY)."""
    _NOTES.clear()
    _KEY.clear()


def _private(info: os.stat_result, kind_ok) -> bool:
    if not kind_ok(info.st_mode):
        return False
    if os.name == "nt":  # per-user folders are protected by their ACLs
        return True
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _safe_dir(path: Path, create: bool = True) -> bool:
    """Whether `path` is a real directory, the user's own and writable by no one else; made (0700) first if it
    is not there and `create`. Looked at before any attempt to make it: every read of an entry checks its
    folders, and a `mkdir` that fails on a folder already there costs an exception each time."""
    try:
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            if not create:
                return False
            try:
                os.mkdir(path, 0o700)
            except FileExistsError:  # made meanwhile by another run: judged like any other
                pass
            info = os.lstat(path)
        return _private(info, stat.S_ISDIR)
    except OSError:
        return False


def folder(kind: str) -> Path | None:
    """`<cache>/<kind>` when it and the cache folder are the user's own and private; None otherwise (noted)."""
    base = root()
    if not os.path.lexists(base):
        try:
            base.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass
    if not _safe_dir(base):
        _note(f"thư mục bộ nhớ đệm {base} không phải của riêng người dùng này (hoặc người khác ghi được, hoặc là "
              "liên kết): lần chạy này không dùng bộ nhớ đệm (chỉ chậm hơn). Xóa thư mục đó để lần sau tạo lại")
        return None
    sub = base / kind
    if not _safe_dir(sub):
        _note(f"thư mục bộ nhớ đệm {sub} không an toàn (liên kết, của người khác hoặc người khác ghi được): "
              "lần chạy này không dùng bộ nhớ đệm. Xóa thư mục đó để lần sau tạo lại")
        return None
    return sub


def _key() -> bytes | None:
    if _KEY:
        return _KEY[0]
    path = key_path()
    key = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY, 0o600)
        except FileExistsError:
            fd = None
        if fd is not None:
            fresh = secrets.token_bytes(KEY_BYTES)
            try:
                os.write(fd, fresh)
            finally:
                os.close(fd)
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _BINARY)
        try:
            info = os.fstat(fd)
            good = stat.S_ISREG(info.st_mode) and info.st_size == KEY_BYTES and (
                os.name == "nt" or (info.st_uid == os.getuid() and not info.st_mode & 0o077))
            data = os.read(fd, KEY_BYTES + 1) if good else b""
        finally:
            os.close(fd)
        key = data if len(data) == KEY_BYTES else None
    except OSError:
        key = None
    if key is None:
        _note(f"khóa của bộ nhớ đệm {path} không dùng được (không phải tệp riêng 0600 của người dùng này): "
              "lần chạy này không dùng bộ nhớ đệm. Xóa tệp đó để lần sau tạo lại")
    _KEY.append(key)
    return key


def _tag(key: bytes, kind: str, name: str, data: bytes) -> bytes:
    """HMAC-SHA256 over the entry's kind and name, then its bytes (given to OpenSSL as they are, not copied)."""
    mac = hmac.new(key, f"{kind}/{name}\0".encode(), hashlib.sha256)
    mac.update(data)
    return mac.digest()


def read(kind: str, name: str, max_bytes: int = MAX_ENTRY) -> bytes | None:
    """The authenticated bytes of an entry, or None (absent, a link, not a regular file, too big, not ours,
    or its tag does not match)."""
    where = folder(kind)
    key = _key() if where is not None else None
    if key is None:
        return None
    try:
        fd = os.open(where / name, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _BINARY)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not _private(info, stat.S_ISREG) or info.st_size > max_bytes + 32:
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            # the size fstat gave and one byte more: asking for max_bytes (64 MB) would allocate that much at
            # every read; an entry that grew since is cut there, and its tag then does not match
            blob = fh.read(info.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    tag, data = blob[:32], blob[32:]
    if len(tag) != 32 or not hmac.compare_digest(tag, _tag(key, kind, name, data)):
        return None
    return data


def write(kind: str, name: str, data: bytes) -> bool:
    """Store an entry (atomically: a fresh temporary file renamed into place); False when it could not be."""
    where = folder(kind)
    key = _key() if where is not None else None
    if key is None or "/" in name or "\\" in name or name.startswith("."):
        return False
    try:
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".", suffix=".tmp")  # O_CREAT|O_EXCL: never through a link
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_tag(key, kind, name, data))
            fh.write(data)
        os.replace(tmp, where / name)  # rename replaces a link planted at the name, never writes through it
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False
