"""Input files: which files under `inputs/` are unit-years, and reading one safely.

Every file that looks like an input gets an answer: a job, a refusal with its reason (a folder
named 2024.yaml, a FIFO or device, a link that is broken or leaves the inputs folder, a file over
the size limit, 2024.yaml beside 2024.yml), or a note that it was skipped and why (2024.YAML,
2024.yaml.txt as Windows hides extensions). Kind and size are checked before any byte is read.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.problems import PipelineError

MAX_BYTES = 2 * 1024 * 1024
# The one naming rule of units and years. ASCII digits only (`\d` also takes “２０２４”) and `\Z`, not `$` (which
# lets “2024\n” through): `.match` of these is a whole-name match.
UNIT = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}\Z")  # a unit's folder under inputs/ (and under outputs/)
YEAR = re.compile(r"^[0-9]{4}\Z")
SUFFIXES = (".yaml", ".yml")
YEAR_FILE = re.compile(r"^([0-9]{4})\.(yaml|yml)\Z")  # what a unit-year file is named: 2024.yaml or 2024.yml


class SourceError(PipelineError):
    """An input file that cannot be read as one; the message says why, in Vietnamese."""


def is_unit_folder(name: str) -> bool:
    """The one rule for a unit folder's name (`inputs/<unit>/`): a-z, 0-9 and “-”, at most 60."""
    return bool(UNIT.match(name))


def slug(text: str) -> str:
    """The one rule from a name to a folder: “Tân Mỹ” → “tan-my” (no accents, đ → d, words joined by “-”)."""
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")


def year_of(path: Path | str) -> int | None:
    """The year a unit-year file is for (`2024.yaml`, `2024.yml`), else None (`2024.YAML`, `ghi-chu.yaml`)."""
    m = YEAR_FILE.match(Path(path).name)
    return int(m.group(1)) if m else None


def year_files(folder: Path) -> dict[int, list[Path]]:
    """{year: its files} of a unit folder: normally one each; two (2024.yaml and 2024.yml) is a conflict."""
    out: dict[int, list[Path]] = {}
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return out
    for path in entries:
        year = year_of(path)
        if year is not None:
            out.setdefault(year, []).append(path)
    return out


@dataclass
class Decoded:
    """An input's text and how it was stored, so that an edit can write it back the same way."""

    text: str
    encoding: str  # the codec of the bytes after the BOM: utf-8, utf-16-le, utf-16-be
    bom: bytes

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)


class DecodeError(PipelineError):
    def __init__(self, line: int | None, message: str):
        self.line, self.message = line, message
        super().__init__(message)


def decode(raw: bytes) -> Decoded:
    """The one decoding of an input file (the loader, `staff import`, `new-year` and the editor all use it):
    UTF-8 with or without BOM, UTF-16 with its BOM; anything else is refused naming the line."""
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(bom):
            try:
                return Decoded(raw[2:].decode(codec), codec, bom)
            except UnicodeDecodeError:
                raise DecodeError(None, "tệp UTF-16 bị hỏng; hãy lưu lại với mã hóa UTF-8") from None
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    body = raw[len(bom):]
    try:
        return Decoded(body.decode("utf-8"), "utf-8", bom)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        byte = body[exc.start]
        raise DecodeError(line, (
            f"tệp không phải mã hóa UTF-8 (byte 0x{byte:02X} không hợp lệ ở dòng {line}); "
            "có thể tệp được lưu bằng Windows-1258, TCVN3 (ABC) hoặc VNI. "
            "Hãy mở tệp và lưu lại với mã hóa UTF-8 (Notepad: Save As → Encoding: UTF-8).")) from None


@dataclass
class Found:
    unit: str
    year: str
    path: Path


@dataclass
class Scan:
    jobs: list[Found]
    refused: list[tuple[str, str]]  # (key, message)
    skipped: list[str]  # messages


def read_bytes(path: Path, root: Path | None = None) -> bytes:
    """The file's bytes, refusing before reading anything that is not a regular file of at most MAX_BYTES
    (a FIFO or /dev/zero would hang or never end), or a link leaving `root`."""
    path = Path(path)
    try:
        if path.is_symlink():
            target = Path(os.path.realpath(path))
            if not target.exists():
                raise SourceError(f"{path}: liên kết hỏng (tệp đích không còn) — xóa hoặc tạo lại liên kết")
            if root is not None and not target.is_relative_to(Path(os.path.realpath(root))):
                raise SourceError(f"{path}: liên kết trỏ ra ngoài thư mục {root} — không đọc")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except SourceError:
        raise
    except IsADirectoryError:
        raise SourceError(f"{path}: là thư mục, không phải tệp dữ liệu") from None
    except OSError as exc:
        from pipeline.core.oserrors import explain

        raise SourceError(f"{path}: không đọc được tệp: {explain(exc, path)}") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise SourceError(f"{path}: là thư mục, không phải tệp dữ liệu")
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(f"{path}: không phải tệp thường (thiết bị, ống dẫn…) — không đọc")
        if info.st_size > MAX_BYTES:
            raise SourceError(f"{path}: tệp quá lớn ({info.st_size / 1048576:.1f} MB; tối đa {MAX_BYTES // 1048576} MB) — không đọc")
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise SourceError(f"{path}: tệp quá lớn (trên {MAX_BYTES // 1048576} MB) — không đọc")
    return data


def kind_problem(path: Path, root: Path) -> str | None:
    """Why `path` cannot be an input, judged without reading it."""
    return entry_problem(path, root, MAX_BYTES, broken="xóa hoặc tạo lại liên kết", outside="không đọc",
                         folder="không phải tệp dữ liệu — đổi tên thư mục này", large=" — không đọc")


def entry_problem(path: Path, root: Path, max_bytes: int, *, broken: str, outside: str, folder: str,
                  large: str = "") -> str | None:
    """The one rule for a file that arrives from outside (an input, a template), judged without opening it: a
    regular file (no FIFO or device ever opened), no link that is broken or leaves `root`, at most `max_bytes`.
    The words after each finding say what to do about it."""
    try:
        if path.is_symlink():
            target = Path(os.path.realpath(path))
            if not target.exists():
                return f"{path}: liên kết hỏng (tệp đích không còn) — {broken}"
            if not target.is_relative_to(Path(os.path.realpath(root))):
                return f"{path}: liên kết trỏ ra ngoài thư mục {root} — {outside}"
        info = path.stat()
    except OSError as exc:
        from pipeline.core.oserrors import explain

        return f"{path}: {explain(exc, path)}"
    if stat.S_ISDIR(info.st_mode):
        return f"{path}: là thư mục, {folder}"
    if not stat.S_ISREG(info.st_mode):
        return f"{path}: không phải tệp thường (thiết bị, ống dẫn…) — không đọc"
    if info.st_size > max_bytes:
        return f"{path}: tệp quá lớn ({info.st_size / 1048576:.1f} MB; tối đa {max_bytes // 1048576} MB){large}"
    return None


def scan(inputs: Path, unit: str | None = None, year: int | str | None = None) -> Scan:
    """Every `inputs/<unit>/<year>.yaml`, narrowed by unit and year, each with its answer."""
    result = Scan([], [], [])
    try:
        folders = sorted(p for p in inputs.iterdir() if not p.name.startswith("."))
    except OSError as exc:
        from pipeline.core.oserrors import explain

        result.refused.append((str(inputs), explain(exc, inputs)))
        return result
    for folder in folders:
        if not folder.is_dir():
            if folder.name.lower().endswith(SUFFIXES):
                result.skipped.append(f"bỏ qua {folder}: tệp dữ liệu phải nằm trong thư mục của đơn vị, ví dụ {inputs}/ten-don-vi/{folder.name}")
            continue
        if unit and folder.name != unit:
            continue
        by_year: dict[str, list[Path]] = {}
        for path in sorted(folder.iterdir()):
            name = path.name
            if name.startswith("."):
                continue
            stem, suffix = os.path.splitext(name)
            if suffix not in SUFFIXES:
                lowered = name.lower()
                if lowered.endswith(SUFFIXES):
                    result.skipped.append(f"bỏ qua {path}: đuôi tệp phải viết thường (đổi tên thành {stem}{suffix.lower()})")
                elif re.match(r".*\.ya?ml\.[a-z0-9]+$", lowered):
                    meant = re.match(r"(.*\.ya?ml)\.", name, re.IGNORECASE).group(1)
                    result.skipped.append(f"bỏ qua {path}: tên tệp có đuôi thừa (Windows thường ẩn đuôi tệp); đổi tên thành {meant}")
                continue
            if year and stem != str(year):
                continue
            by_year.setdefault(stem, []).append(path)
        for stem, paths in sorted(by_year.items()):
            key = f"{folder.name}/{stem}"
            if len(paths) > 1:
                result.refused.append((key, f"{folder}: có cả {' và '.join(p.name for p in paths)} cho cùng một năm; giữ một tệp, xóa tệp kia"))
                continue
            path = paths[0]
            problem = kind_problem(path, inputs)
            if problem:
                result.refused.append((key, problem))
            elif not UNIT.match(folder.name) or not YEAR.match(stem):
                result.refused.append((f"{folder.name}/{path.name}", (
                    f"{path}: tên không hợp lệ — cần inputs/<tên-đơn-vị>/<năm>.yaml, tên đơn vị chỉ gồm chữ thường "
                    "không dấu, số và dấu “-” (ví dụ inputs/quang-phu/2024.yaml)")))
            else:
                result.jobs.append(Found(folder.name, stem, path))
    return result
