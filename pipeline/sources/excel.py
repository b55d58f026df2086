"""The staff list as an Excel workbook (openpyxl): one row per person, Vietnamese headers, có/không
cells and the emulation title as drop-down lists, so the roster can live where officers keep it.

`export_staff` writes the workbook from an input (complete or not: a `new-unit` file gives a blank,
formatted sheet); `read_staff` reads it back into roster entries, every cell checked, each problem
naming the sheet, row, column and the cell's value. Nothing is written to an input here.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.textnorm import clean_text
from pipeline.vocab import INDIVIDUAL_TITLES, by_label, yes_no

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


class SheetError(Exception):
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


def read_staff(path: Path) -> list[dict]:
    """The roster in the workbook, every cell checked; raises SheetError listing every problem."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # not a workbook, damaged, password-protected…
        raise SheetError([f"{path}: không mở được tệp Excel ({type(exc).__name__}); lưu lại dạng .xlsx rồi thử lại"]) from None
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    problems: list[str] = []
    where = lambda r, c: f"{path.name}: trang “{ws.title}”, dòng {r}, cột {get_column_letter(c)} ({COLUMNS[c - 1][0]})"  # noqa: E731
    header = [clean_text(str(v)).strip() if v is not None else "" for v in (rows[0] if rows else [])]
    expected = [h for h, _, _ in COLUMNS]
    fields = [f for _, f, _ in COLUMNS]
    header = [expected[fields.index(EARLIER_HEADERS[h])] if h in EARLIER_HEADERS else h for h in header]
    if header[: len(expected)] != expected:
        raise SheetError([f"{path.name}: trang “{ws.title}”, dòng 1: tiêu đề cột không đúng mẫu; xuất lại mẫu bằng "
                          "“dvht staff export” và chép dữ liệu vào"])
    title_code = by_label(INDIVIDUAL_TITLES)
    people = []
    for r, row in enumerate(rows[1:], 2):
        row = list(row) + [None] * (len(COLUMNS) - len(row))
        if all(v is None or str(v).strip() == "" for v in row[1:len(COLUMNS)]):
            continue
        person: dict = {}
        for c, (header_text, field, kind) in enumerate(COLUMNS, 1):
            value = row[c - 1]
            text = clean_text(str(value)).strip() if value is not None else ""
            if kind == "index":
                continue
            if kind == "text":
                if field == "name" and not text:
                    problems.append(f"{where(r, c)}: thiếu họ và tên")
                person[field] = " ".join(text.split())
            elif kind == "yesno":
                answer = yes_no(value) if isinstance(value, (str, bool)) else None
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
    if not people and not problems:
        problems.append(f"{path.name}: trang “{ws.title}” chưa có ai trong danh sách")
    if problems:
        raise SheetError(problems)
    return people
