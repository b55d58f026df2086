"""`staff export` / `staff import`: the roster between an input and an Excel workbook.

Import replaces the value of `staff:` (or `staff_counts:`, renamed `staff:`) through the round-trip
editor (`pipeline.sources.yaml_edit`): every other byte of the input — comments, line endings,
encoding, anchors — stays, the new values read back as the sheet says, and the file is replaced
atomically only if the workbook had no problem and the new input's roster is valid.
Export never destroys a workbook: one already there is kept beside the new one, renamed.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.commands.new_unit import Refused
from pipeline.commands.scaffold import STAFF_FACTS
from pipeline.sources.excel import export_staff, read_staff


@dataclass
class Exported:
    people: int
    path: Path
    kept: Path | None  # the workbook that was there, renamed


def kept_name(path: Path, label: str, day: dt.date | None = None) -> Path:
    """`danh-sach.xlsx` → `danh-sach (ban cu 2026-12-01).xlsx` beside it, numbered if that exists too."""
    day = day or dt.date.today()
    for n in range(1, 1000):
        extra = "" if n == 1 else f" {n}"
        candidate = path.with_name(f"{path.stem} ({label} {day.isoformat()}{extra}){path.suffix}")
        if not candidate.exists() and not candidate.is_symlink():
            return candidate
    raise Refused(f"đã có quá nhiều bản cũ của {path.name} bên cạnh nó; dọn bớt rồi chạy lại")


def export(input_path: Path, xlsx: Path) -> Exported:
    from pipeline.sources.load import parse, read_text

    if xlsx.suffix.lower() != ".xlsx":
        raise Refused(f"tệp Excel phải có đuôi .xlsx, không phải “{xlsx.name}”")
    data, *_ = parse(read_text(input_path), str(input_path))  # an unfinished (new-unit) file exports too
    people = [p for p in (data.get("staff") or []) if isinstance(p, dict)]
    unit = data.get("unit") or {}
    target = Path(os.path.realpath(xlsx)) if xlsx.is_symlink() else xlsx
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".xlsx", dir=target.parent)
    os.close(fd)
    try:
        n = export_staff(people, Path(tmp), unit.get("name", "") if isinstance(unit, dict) else "")
        kept = None
        if target.exists():
            kept = kept_name(target, "ban cu")
            os.replace(target, kept)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return Exported(n, xlsx, kept)


def import_(xlsx: Path, input_path: Path) -> int:
    """Replace the input's staff list with the workbook's; returns how many people."""
    from pipeline.core.problems import InputError, Problem
    from pipeline.sources.files import MAX_BYTES
    from pipeline.sources.load import load_text
    from pipeline.sources.yaml_edit import load_for_edit

    people = read_staff(xlsx)
    doc = load_for_edit(input_path)
    estimate = len(doc.raw) + sum(len(str(p.get("name", "")).encode()) + len(str(p.get("position", "")).encode()) + 200
                                  for p in people)
    if estimate > MAX_BYTES:  # said before anything is written (or even rendered)
        raise InputError([Problem(str(input_path), None, "staff", (
            f"{len(people):,} người từ {xlsx.name} làm tệp dữ liệu lớn quá giới hạn {MAX_BYTES // 1048576} MB "
            "— chưa nhập, tệp giữ nguyên; kiểm tra trang Excel có dòng thừa").replace(",", "."))])
    old = doc.source_of(("staff",)) or ""
    yes, no = ("true", "false") if any(w in old for w in (": true", ": false")) else ("có", "không")
    entries = []
    for person in people:
        entry = {"name": person["name"], "position": person.get("position", "")}
        for fact in STAFF_FACTS:
            value = person[fact]
            entry[fact] = (True if yes == "true" else yes) if value is True else (False if no == "false" else no) if value is False else value
        entries.append(entry)
    if doc.has(("staff",)) or doc.source_of(("staff",)) is not None:
        doc.set(("staff",), entries)
    elif doc.has(("staff_counts",)):
        doc.set(("staff_counts",), entries, key="staff")
    else:
        doc.add((), "staff", entries)
    text = doc.render()
    try:
        load_text(text, input_path)
    except InputError as exc:
        staff = [p for p in exc.problems if p.field.startswith("staff")]
        if staff:
            raise InputError(staff) from None
    doc.save()
    return len(people)
