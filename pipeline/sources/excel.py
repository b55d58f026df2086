"""The staff list as an Excel workbook (openpyxl): one row per person, Vietnamese headers, có/không
cells and the emulation title as drop-down lists, so the roster can live where officers keep it.

`export_staff` writes the workbook from an input (complete or not: a `new-unit` file gives a blank,
formatted sheet); `read_staff` reads it back into roster entries, every cell checked, each problem
naming the sheet, row, column and the cell's value. Nothing is written to an input here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.core.problems import PipelineError
from pipeline.core.textnorm import clean_text
from pipeline.core.vocab import INDIVIDUAL_TITLES, by_label, yes_no

SHEET = "Thành viên"
LISTS = "Danh mục"
COLUMNS = [  # (header, input field, kind)
    ("STT", None, "index"),
    ("Họ và tên", "name", "text"),
    ("Chức danh, chức vụ", "position", "text"),
    ("Tuân thủ kỷ luật, nội quy; đoàn kết, hợp tác (2.1)", "discipline", "yesno"),
    ("Hoàn thành chương trình học tập, bồi dưỡng của nhà nước hoặc của đơn vị, đoàn thể (2.2)", "training_completed", "yesno"),
    ("Được đào tạo, tham gia chuyển đổi số (2.3)", "digital_training", "yesno"),
    ("Có chứng nhận, chứng chỉ ngoại ngữ hoặc tiếng dân tộc thiểu số (2.4, Mức độ 1)", "language_certificate", "yesno"),
    ("Ngoại ngữ hoặc tiếng dân tộc thiểu số đáp ứng vị trí việc làm (2.4, Mức độ 2)", "language_meets_job", "yesno"),
    ("Danh hiệu thi đua cá nhân (2.5)", "emulation_title", "title"),
    ("Công dân học tập (3.1)", "learning_citizen", "yesno"),
]
# Headers of workbooks exported by earlier versions, still read (the column means the same).
EARLIER_HEADERS = {
    "Hoàn thành chương trình học tập, bồi dưỡng (2.2)": "training_completed",
    "Có chứng nhận, chứng chỉ ngoại ngữ (2.4)": "language_certificate",
    "Ngoại ngữ đáp ứng vị trí việc làm (2.4)": "language_meets_job",
}
WIDTHS = [6, 28, 34, 16, 16, 16, 16, 16, 30, 14]
BLANK_ROWS = 60  # formatted rows with drop-downs below the people, for a roster that grows


class SheetError(PipelineError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _cell(value, kind: str):
    if value is None:
        return None
    if kind == "yesno":
        return "có" if value is True else "không" if value is False else str(value)
    if kind == "title":
        return INDIVIDUAL_TITLES.get(value, value)
    return value


def export_staff(people: list[dict], path: Path, unit_name: str = "") -> int:
    """Write the roster to `path`; returns the number of people written."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    lists = wb.create_sheet(LISTS)
    lists.append(["Có/không", "Danh hiệu thi đua cá nhân"])
    titles = list(INDIVIDUAL_TITLES.values())
    for i in range(max(2, len(titles))):
        lists.append(["có" if i == 0 else "không" if i == 1 else None, titles[i] if i < len(titles) else None])
    lists.sheet_state = "hidden"
    ws.append([h for h, _, _ in COLUMNS])
    for col, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
        cell = ws.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    ws.row_dimensions[1].height = 48
    ws.freeze_panes = "C2"
    written = 0
    for person in people:
        if not person.get("name"):
            continue
        written += 1
        ws.append([written] + [_cell(person.get(field), kind) for _, field, kind in COLUMNS[1:]])
    last = max(written + 1 + BLANK_ROWS, 2)
    yesno = DataValidation(type="list", formula1=f"='{LISTS}'!$A$2:$A$3", allow_blank=True,
                           showErrorMessage=True, errorTitle="Chỉ ghi có hoặc không", error="Chọn “có” hoặc “không”.")
    title = DataValidation(type="list", formula1=f"='{LISTS}'!$B$2:$B${len(titles) + 1}", allow_blank=True,
                           showErrorMessage=True, errorTitle="Danh hiệu không có trong danh mục", error="Chọn một danh hiệu trong danh sách.")
    ws.add_data_validation(yesno)
    ws.add_data_validation(title)
    for col, (_, _, kind) in enumerate(COLUMNS, 1):
        letter = get_column_letter(col)
        if kind == "yesno":
            yesno.add(f"{letter}2:{letter}{last}")
        elif kind == "title":
            title.add(f"{letter}2:{letter}{last}")
    if unit_name:
        wb.properties.title = f"Danh sách thành viên — {unit_name}"
    wb.save(path)
    return written


MAX_WORKBOOK = 20 * 1024 * 1024


def _workbook_bytes(path: Path) -> bytes:
    """The file's bytes: a regular file of bounded size (never a FIFO or a device), every XML part of the
    package free of DTDs and entities (XXE, “billion laughs”) — checked before openpyxl parses anything."""
    import os
    import stat

    from pipeline.sources.docxsafety import xml_problems

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_WORKBOOK:
                raise SheetError([f"{path}: không phải tệp Excel thường hoặc quá lớn (tối đa {MAX_WORKBOOK // 1048576} MB) — không đọc"])
            data = fh.read(MAX_WORKBOOK + 1)
    except OSError as exc:
        from pipeline.core.oserrors import explain

        raise SheetError([f"{path}: {explain(exc, path)}"]) from None
    unsafe = xml_problems(data)
    if unsafe:
        raise SheetError([f"{path}: tệp Excel bị từ chối, không đọc: {p}; mở bằng Excel rồi lưu lại dạng .xlsx" for p in unsafe])
    return data


MAX_ROWS = 10_000  # an input holds at most 2 MB, about 8.000 people; beyond this the sheet is refused unread


def read_staff(path: Path) -> list[dict]:
    """The roster in the workbook, every cell checked; raises SheetError listing every problem.

    Every row that holds data is read, whatever the sheet's stored dimension says (Excel and other
    tools leave it stale). Rows hidden by hand or by a filter are refused, naming them: the officer
    decides whether those people count. A formula whose value Excel did not save, an error value
    (#N/A…) and a date typed into a text column are named as such."""
    import io

    data = _workbook_bytes(path)  # kind, size, and no DTD or entity in any part: before openpyxl parses anything
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)  # not read-only: that mode trusts the stored dimension
        formulas = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # noqa: BLE001 - not a workbook, damaged, password-protected, hostile XML…
        raise SheetError([f"{path}: không mở được tệp Excel ({type(exc).__name__}); lưu lại dạng .xlsx rồi thử lại"]) from None
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    fs = formulas[ws.title]
    rows = list(ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=max(ws.max_column, len(COLUMNS))))
    filled = sum(1 for row in rows[1:] if not all(_empty(c, fs) for c in row[1:len(COLUMNS)]))
    if filled > MAX_ROWS:  # rows that only carry formatting do not count
        raise SheetError([f"{path.name}: trang “{ws.title}” có {filled:,} dòng có dữ liệu; tối đa {MAX_ROWS:,} người — "
                          "chưa nhập (xóa các dòng thừa rồi thử lại)".replace(",", ".")])
    problems: list[str] = []
    where = lambda r, c: f"{path.name}: trang “{ws.title}”, dòng {r}, cột {get_column_letter(c)} ({COLUMNS[c - 1][0]})"  # noqa: E731
    header = [clean_text(str(c.value)).strip() if c.value is not None else "" for c in (rows[0] if rows else [])]
    expected = [h for h, _, _ in COLUMNS]
    fields = [f for _, f, _ in COLUMNS]
    header = [expected[fields.index(EARLIER_HEADERS[h])] if h in EARLIER_HEADERS else h for h in header]
    if header[: len(expected)] != expected:
        raise SheetError([f"{path.name}: trang “{ws.title}”, dòng 1: tiêu đề cột không đúng mẫu; xuất lại mẫu bằng "
                          "“dvht staff export” và chép dữ liệu vào"])
    title_code = by_label(INDIVIDUAL_TITLES)
    people = []
    hidden = []
    for r, row in enumerate(rows[1:], 2):
        cells = list(row[: len(COLUMNS)])
        if all(_empty(c, fs) for c in cells[1:]):
            continue
        if ws.row_dimensions[r].hidden:
            hidden.append(r)
            continue
        person: dict = {}
        for c, (header_text, field, kind) in enumerate(COLUMNS, 1):
            if kind == "index":
                continue
            cell = cells[c - 1] if c - 1 < len(cells) else None
            value = cell.value if cell is not None else None
            odd = _odd_cell(cell, fs)
            if odd:
                problems.append(f"{where(r, c)}: {odd}")
                person[field] = None
                continue
            text = clean_text(str(value)).strip() if value is not None else ""
            if kind != "yesno" and isinstance(value, bool):  # Excel's TRUE/FALSE where words belong
                problems.append(f"{where(r, c)}: ô là giá trị đúng/sai ({'TRUE' if value else 'FALSE'}) của Excel; ghi chữ")
                person[field] = None
                continue
            if kind == "text":
                if field == "name" and not text:
                    problems.append(f"{where(r, c)}: thiếu họ và tên")
                person[field] = " ".join(text.split())
            elif kind == "yesno":
                answer = yes_no(text) if isinstance(value, str) else value if isinstance(value, bool) else None
                if not isinstance(answer, bool):
                    problems.append(f"{where(r, c)}: “{text}” không hợp lệ; ghi “có” hoặc “không”" if text else f"{where(r, c)}: ô trống; ghi “có” hoặc “không”")
                person[field] = answer
            else:
                code = title_code(text)
                if code not in INDIVIDUAL_TITLES:
                    shown = "; ".join(INDIVIDUAL_TITLES.values())
                    problems.append(f"{where(r, c)}: “{text}” không có trong danh mục danh hiệu ({shown})" if text
                                    else f"{where(r, c)}: ô trống; chọn danh hiệu (“Không có danh hiệu” nếu không có)")
                person[field] = code
        people.append(person)
    if hidden:
        shown = ", ".join(str(r) for r in hidden[:20]) + (f" và {len(hidden) - 20} dòng khác" if len(hidden) > 20 else "")
        why = "đang bật bộ lọc (Filter) hoặc ẩn dòng" if ws.auto_filter.ref else "có dòng bị ẩn (Hide)"
        problems.append(f"{path.name}: trang “{ws.title}” {why}: {len(hidden)} dòng có dữ liệu đang bị ẩn (dòng {shown}). "
                        "Máy không đoán người ở dòng ẩn có tính hay không — bỏ lọc / hiện lại các dòng (Clear Filter, "
                        "Unhide), xóa hẳn dòng của người không còn trong danh sách, lưu rồi nhập lại")
    if not people and not problems:
        problems.append(f"{path.name}: trang “{ws.title}” chưa có ai trong danh sách")
    if problems:
        raise SheetError(problems)
    return people


def _empty(cell, formulas) -> bool:
    if cell is None:
        return True
    if cell.value is None:  # a formula whose value was never saved is not empty
        f = formulas.cell(row=cell.row, column=cell.column).value
        return f is None or (isinstance(f, str) and not f.startswith("="))
    return str(cell.value).strip() == ""


def _odd_cell(cell, formulas) -> str | None:
    """Why a cell's value cannot be read as typed: a formula without its saved value, an error, a date."""
    if cell is None:
        return None
    value = cell.value
    if value is None:
        f = formulas.cell(row=cell.row, column=cell.column).value
        if f is not None and not (isinstance(f, str) and not f.startswith("=")):
            return (f"ô có công thức ({str(getattr(f, 'text', f))[:40]}) mà Excel chưa lưu giá trị (tệp được tạo bằng "
                    "công cụ khác hoặc chưa tính lại); mở bằng Excel, lưu lại, hoặc thay công thức bằng giá trị")
        return None
    if cell.data_type == "e":
        return f"ô báo lỗi {value} của Excel; sửa công thức hoặc ghi giá trị"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return ("ô là ngày giờ (Excel có thể đã tự đổi chữ đã gõ thành ngày); định dạng ô là Văn bản (Text) "
                "rồi gõ lại đúng chữ")
    if isinstance(value, float):
        return f"ô là số {str(value).replace('.', ',')}; ghi chữ"
    return None
