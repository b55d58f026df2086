"""The questions `menu.cmd` asks before a yearly command, then the command itself (`pipeline.cli.main`):

    python -m pipeline.cli.ask new-unit | new-year | staff-export | staff-import

Asked in Python, not with cmd.exe's `set /p`: Python reads the console as Unicode (a unit's name
typed with its accents arrives whole), and nothing typed is ever parsed by cmd.exe (a `"` or `&` in
a name is text, never a command). Units and years are chosen from numbered lists of what exists.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from pathlib import Path

from pipeline.cli import app as cli

USAGE = "cách dùng: python -m pipeline.cli.ask new-unit | new-year | staff-export | staff-import"


class Stop(Exception):
    """The officer left the question (Ctrl-C, end of input)."""


class Asker:
    def __init__(self, ask=input, out=print, inputs: Path = Path("inputs")):
        self._ask, self.out, self.inputs = ask, out, inputs

    def text(self, prompt: str, default: str = "") -> str:
        try:
            answer = self._ask(prompt + (f" [{default}]" if default else "") + ": ")
        except (EOFError, KeyboardInterrupt):
            raise Stop from None
        answer = unicodedata.normalize("NFC", answer).strip()
        return answer or default

    def year(self, prompt: str, default: str = "") -> str:
        while True:
            answer = self.text(prompt, default)
            if len(answer) == 4 and answer.isascii() and answer.isdigit():
                return answer
            self.out("  Năm viết bốn chữ số, ví dụ 2025.")

    def pick(self, title: str, items: list[str], default: int) -> int:
        self.out(title)
        for i, item in enumerate(items, 1):
            self.out(f"  {i}  {item}")
        while True:
            answer = self.text("Số", str(default + 1))
            if answer.isascii() and answer.isdigit() and 1 <= int(answer) <= len(items):
                return int(answer) - 1
            self.out(f"  Gõ một số từ 1 đến {len(items)}.")

    def units(self) -> dict[str, list[str]]:
        """Each unit folder with its years, oldest first (what `dvht dossier` would build)."""
        from pipeline.sources import scan

        years: dict[str, list[str]] = {}
        for job in scan(self.inputs).jobs if self.inputs.is_dir() else []:
            years.setdefault(job.unit, []).append(job.year)
        return {u: sorted(y) for u, y in sorted(years.items())}

    def year_file(self, what: str) -> Path | None:
        files = [(u, y) for u, ys in self.units().items() for y in ys]
        if not files:
            self.out(f"✗ Chưa có tệp dữ liệu nào trong {self.inputs}: tạo đơn vị mới trước.")
            return None
        latest = max(range(len(files)), key=lambda i: (files[i][1], files[i][0]))
        i = self.pick(f"{what} của tệp nào?", [f"{u} năm {y}  ({self.inputs / u / (y + '.yaml')})" for u, y in files], latest)
        unit, year = files[i]
        return next(p for p in (self.inputs / unit).glob(f"{year}.y*ml"))


def new_unit(a: Asker) -> int:
    while True:
        name = a.text("Tên đầy đủ của đơn vị, ví dụ Ủy ban nhân dân xã Tân Mỹ")
        if name:
            break
        a.out("  Cần tên đơn vị.")
    year = a.year("Năm đánh giá, ví dụ 2025")
    code = cli.main(["new-unit", "--name", name, "--year", year, "--inputs", str(a.inputs)])
    if code == 0:
        a.out("  Điền tiếp trong trình soạn thảo (việc 1 của menu) hoặc mở tệp bằng Notepad.")
    return code


def new_year(a: Asker) -> int:
    units = a.units()
    if not units:
        a.out(f"✗ Chưa có đơn vị nào trong {a.inputs}: tạo đơn vị mới trước.")
        return 1
    names = list(units)
    i = a.pick("Năm mới cho đơn vị nào?", [f"{u}  (các năm: {', '.join(units[u])})" for u in names], 0)
    unit = names[i]
    year = a.year(f"Năm mới của {unit}", str(int(units[unit][-1]) + 1))
    return cli.main(["new-year", unit, year, "--inputs", str(a.inputs)])


def _workbook(path: Path) -> Path:
    return path.with_name(f"danh-sach-{path.stem}.xlsx")


def staff_export(a: Asker, open_file=None) -> int:
    path = a.year_file("Xuất danh sách thành viên")
    if path is None:
        return 1
    target = _workbook(path)
    if target.exists():  # perhaps being filled in: never written over
        a.out(f"ℹ Đã có {target} (có thể đang điền dở), không ghi đè: mở tệp đó. "
              "Muốn xuất lại từ đầu thì xóa hoặc đổi tên tệp đó trước.")
        _open(target, open_file)
        return 0
    code = cli.main(["staff", "export", str(path), str(target)])
    if code == 0:
        a.out("  Điền trong Excel, lưu, rồi chọn việc 6 (Nhập danh sách thành viên từ Excel).")
        _open(target, open_file)
    return code


def staff_import(a: Asker) -> int:
    path = a.year_file("Nhập danh sách thành viên vào")
    if path is None:
        return 1
    workbook = _workbook(path)
    if not workbook.exists():
        a.out(f"Không thấy {workbook}.")
        answer = a.text("Kéo tệp Excel vào cửa sổ này (hoặc gõ đường dẫn) rồi nhấn Enter").strip('"').strip()
        if not answer:
            a.out("✗ Chưa chọn tệp Excel nào.")
            return 1
        workbook = Path(answer)
    return cli.main(["staff", "import", str(workbook), str(path)])


def _open(path: Path, open_file=None) -> None:
    opener = open_file or (getattr(os, "startfile", None) if sys.platform == "win32" else None)
    if opener is not None:
        try:
            opener(str(path))
        except OSError:
            pass  # no program for .xlsx: the path was printed


TASKS = {"new-unit": new_unit, "new-year": new_year, "staff-export": staff_export, "staff-import": staff_import}


def main(argv: list[str] | None = None, ask=input, out=print, inputs: Path = Path("inputs")) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] not in TASKS:
        print(USAGE, file=sys.stderr)
        return 2
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError):
            pass
    try:
        return TASKS[argv[0]](Asker(ask, out, inputs))
    except Stop:
        out("Đã dừng, chưa làm gì.")
        return 130


if __name__ == "__main__":
    sys.exit(main())
