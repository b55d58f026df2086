"""Operating-system failures in Vietnamese, each with what to do (disk full, no permission, a file
held open by Word on Windows, a file where a folder should be…)."""

from __future__ import annotations

import errno
from pathlib import Path

_WORD_LOCK = (32, 33)  # Windows: ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION


def explain(exc: OSError, path: str | Path | None = None) -> str:
    held = getattr(exc, "files", None)
    if held is not None:  # outputs.HeldOpen: a dossier folder Windows would not rename
        return _held_open(held, getattr(exc, "folder", ""))
    where = str(path or exc.filename or "")
    code = exc.errno
    if getattr(exc, "winerror", None) in _WORD_LOCK or (isinstance(exc, PermissionError) and _looks_open_in_word(where)):
        return f"tệp {where} đang mở trong Word (hoặc chương trình khác): đóng tệp đó rồi chạy lại"
    if code == errno.ENOSPC:
        return f"ổ đĩa đầy, không ghi được {where}: giải phóng dung lượng rồi chạy lại"
    if code in (errno.EACCES, errno.EPERM):
        return f"không có quyền ghi hoặc đọc {where}: kiểm tra quyền của thư mục (hoặc chọn thư mục khác bằng --outputs)"
    if code == errno.EROFS:
        return f"{where} nằm trên ổ chỉ đọc: chọn thư mục khác bằng --outputs"
    if code == errno.ENOTDIR:
        return f"đường dẫn {where} có một phần là tệp, không phải thư mục: đổi tên hoặc xóa tệp đó"
    if code == errno.EISDIR:
        return f"{where} là thư mục, cần là tệp: đổi tên hoặc xóa thư mục đó"
    if code == errno.ENOENT:
        return f"không tìm thấy {where}"
    if code == errno.EEXIST:
        return f"{where} đã có"
    if code == errno.ENAMETOOLONG:
        return f"đường dẫn quá dài: {where}"
    return f"lỗi hệ điều hành khi xử lý {where} (mã {code}): {exc.strerror or exc}"


def _held_open(files: list, folder) -> str:
    if not files:
        return (f"một tệp trong thư mục {folder} đang mở (trong Word, trình đọc PDF hoặc đang được OneDrive đồng bộ), "
                "nên không thay được hồ sơ: đóng các tệp của thư mục đó rồi chạy lại")
    names = ", ".join(str(f) for f in files)
    if len(files) == 1:
        return f"tệp {names} đang mở trong Word (hoặc chương trình khác): đóng tệp đó rồi chạy lại"
    return f"các tệp {names} đang mở trong Word (hoặc chương trình khác): đóng các tệp đó rồi chạy lại"


def _looks_open_in_word(where: str) -> bool:
    import sys

    return sys.platform == "win32" and where.lower().endswith((".docx", ".pdf"))
