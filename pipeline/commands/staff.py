"""`staff export` / `staff import`: the roster between an input and an Excel workbook.

Import replaces the `staff:` block of the YAML by editing the text (no round-trip YAML library): the
lines from `staff:` (or `staff_counts:`) to the next top-level field are rewritten, every other line —
comments included — stays byte for byte. The file is replaced atomically, and only if the workbook
had no problem and the new file still loads.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from pipeline.commands.scaffold import STAFF_FACTS, Writer
from pipeline.load import parse, read_text
from pipeline.sources.excel import export_staff, read_staff

TOP_KEY = re.compile(r"^[A-Za-z_\"'][^:#]*:")


def export(input_path: Path, xlsx: Path) -> int:
    data, *_ = parse(read_text(input_path), str(input_path))  # an unfinished (new-unit) file exports too
    people = [p for p in (data.get("staff") or []) if isinstance(p, dict)]
    unit = data.get("unit") or {}
    return export_staff(people, xlsx, unit.get("name", "") if isinstance(unit, dict) else "")


def _block(lines: list[str]) -> tuple[int, int]:
    """[start, end) of the top-level `staff:`/`staff_counts:` block; comments before the next field stay."""
    start = next((i for i, line in enumerate(lines) if re.match(r"^(staff|staff_counts):", line)), None)
    if start is None:
        raise KeyError("staff")
    end = len(lines)
    for i in range(start + 1, len(lines)):
        if TOP_KEY.match(lines[i]):
            end = i
            break
    while end > start + 1 and (lines[end - 1].startswith("#") or not lines[end - 1].strip()):
        end -= 1
    return start, end


def import_(xlsx: Path, input_path: Path) -> int:
    """Replace the input's staff list with the workbook's; returns how many people."""
    from pipeline.load import load
    from pipeline.problems import InputError

    people = read_staff(xlsx)
    text = input_path.read_text(encoding="utf-8-sig")
    lines = text.split("\n")
    try:
        start, end = _block(lines)
    except KeyError:
        start = end = len(lines)
    old = "\n".join(lines[start:end])
    w = Writer(("true", "false") if re.search(r":\s*(true|false)\s*$", old, re.MULTILINE) else ("có", "không"))
    w.key("staff")
    for person in people:
        w.field("name", person["name"], 2, dash=True)
        w.field("position", person.get("position", ""), 4)
        for fact in STAFF_FACTS:
            w.field(fact, person[fact], 4)
    new = "\n".join(lines[:start] + w.lines + lines[end:])
    tmp = input_path.with_name(input_path.name + ".tmp")
    tmp.write_text(new, encoding="utf-8", newline="\n")
    try:
        load(tmp)
    except InputError as exc:
        if any("staff" in p.field for p in exc.problems):
            tmp.unlink()
            raise
    os.replace(tmp, input_path)
    return len(people)
