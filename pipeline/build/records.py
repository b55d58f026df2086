"""Records the pipeline wrote earlier and reads back — `outputs/.manifest.json` and each dossier's
`ket-qua.json` — read like any input from outside, since other accounts, a sync tool or a colleague may
have touched them: a regular file (never a FIFO, a device, a folder), inside its tree (a link leaving it is
not followed), of a bounded size, of the expected shape (pydantic). A bad record is treated as absent, with
a note that names the file and never shows its content.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from pipeline.core.problems import PipelineError, Problem
from pipeline.core.vocab import LEVEL_LABELS, NOT_APPLICABLE_LABEL

MAX_RECORD = 1024 * 1024
MAX_KEPT_WARNINGS = 1000  # a dossier's warnings kept in the build record (the count is kept whole)
MAX_MANIFEST = 64 * 1024 * 1024
_LEVELS = "|".join([*LEVEL_LABELS.values(), NOT_APPLICABLE_LABEL])
LevelLabel = Annotated[str, StringConstraints(pattern=rf"^({_LEVELS})$")]
Figure = Annotated[str, StringConstraints(pattern=r"^\d{1,9}/\d{1,9}$")]
Short = Annotated[str, StringConstraints(max_length=2000)]


class RecordError(PipelineError):
    """A record that is not one (the message names the file, never its content)."""


def read_json(path: Path, root: Path, max_bytes: int = MAX_RECORD):
    """The JSON value in `path`, or RecordError: not a regular file inside `root`, too big, not JSON."""
    try:
        real = Path(os.path.realpath(path))
        if not real.is_relative_to(Path(os.path.realpath(root))):
            raise RecordError(f"{path}: liên kết trỏ ra ngoài thư mục {root} — không đọc")
        info = os.lstat(real)
        if not stat.S_ISREG(info.st_mode):
            raise RecordError(f"{path}: không phải tệp thường — không đọc")
        if info.st_size > max_bytes:
            raise RecordError(f"{path}: tệp quá lớn — không đọc")
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise RecordError(f"{path}: không phải tệp thường — không đọc")
            raw = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise RecordError("") from None  # absent: nothing to say
    except OSError as exc:
        raise RecordError(f"{path}: không đọc được (mã {exc.errno})") from None
    if len(raw) > max_bytes:
        raise RecordError(f"{path}: tệp quá lớn — không đọc")
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise RecordError(f"{path}: không phải JSON hợp lệ") from None


class _M(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class IndicatorRecord(_M):
    level: LevelLabel
    figures: list[Figure] = Field(max_length=50)
    why_not: list[Short] = Field(default_factory=list, max_length=50)


class Record(_M):
    """The shape of `ket-qua.json` as far as a later build reads it (see `build.changes.diff`)."""
    unit_level: LevelLabel
    criteria: dict[Annotated[str, StringConstraints(pattern=r"^\d{1,2}$")], LevelLabel] = Field(max_length=50)
    indicators: dict[Annotated[str, StringConstraints(pattern=r"^\d{1,2}\.\d{1,2}$")], IndicatorRecord] = Field(max_length=200)


Hex64 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class ProblemRecord(_M):
    """A warning of a built dossier, kept to be reported again when it is unchanged."""
    file: Short = ""
    line: int | None = Field(default=None, ge=1, le=10_000_000)
    field: Short = ""
    message: Short
    warning: bool = True


class ManifestEntry(_M):
    """One dossier's line of the build record: the fields a later run reads are checked; others are kept
    as they are (a later version's), for the code that reads them to check."""
    model_config = ConfigDict(extra="allow", strict=True)
    fingerprint: Hex64
    level: Short = ""
    pdf: bool = False
    warnings: list[ProblemRecord | Short] = Field(default_factory=list, max_length=MAX_KEPT_WARNINGS)  # text: an older version's
    warning_count: int = Field(default=0, ge=0, le=10_000_000)  # all of them, when more than are kept
    files: list[Short] = Field(default_factory=list, max_length=100)
    templates: list[Short] = Field(default_factory=list, max_length=100)
    hashes: dict[Short, Hex64] = Field(default_factory=dict, max_length=100)  # the Word files as written, to tell a hand edit


def read_record(path: Path, root: Path) -> tuple[dict | None, str | None]:
    """(the verdict record kept beside a dossier, or None; a note when one was there but not usable)."""
    try:
        data = read_json(path, root)
        return Record.model_validate(data).model_dump(), None
    except RecordError as exc:
        return None, (f"bỏ qua bản ghi kết quả cũ: {exc}" if str(exc) else None)
    except ValidationError:
        return None, f"bỏ qua bản ghi kết quả cũ: {path}: nội dung không đúng dạng — không so sánh với lần trước"


def read_manifest(path: Path, root: Path) -> tuple[dict[str, dict], str | None]:
    """(the entries of the build record that have the expected shape; a note when the file was not usable)."""
    try:
        data = read_json(path, root, MAX_MANIFEST)
    except RecordError as exc:
        return {}, (f"{exc}; mọi hồ sơ sẽ được lập lại" if str(exc) else None)
    if not isinstance(data, dict):
        return {}, f"{path}: nội dung không đúng dạng; mọi hồ sơ sẽ được lập lại"
    out, dropped = {}, 0
    for key, value in data.items():
        try:
            out[key] = ManifestEntry.model_validate(value).model_dump()
        except ValidationError:
            dropped += 1
    return out, (f"{path}: {dropped} mục không đúng dạng, các hồ sơ đó sẽ được lập lại" if dropped else None)


def stored_problems(entry: dict) -> list[Problem]:
    """The warnings a manifest entry (already read through `ManifestEntry`) kept, as problems."""
    out = []
    for w in entry.get("warnings", []):
        if isinstance(w, dict):
            out.append(Problem(w.get("file", ""), w.get("line"), w.get("field", ""), w.get("message", ""), w.get("warning", True)))
        elif isinstance(w, str):  # an older version kept the line as printed: "⚠ file:line: field: message"
            out.append(Problem("", None, "", w.removeprefix("⚠ ").removeprefix("✗ "), True))
    return out
