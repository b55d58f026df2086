"""`staff export` / `staff import` with the workbooks officers really make (issue 22, items 1–6):
stale dimensions, hidden and filtered rows, sizes, a filled workbook in the way, inputs with anchors,
links, CRLF, UTF-16, date and formula cells, NFD words."""

from __future__ import annotations

import io
import os
import shutil
import zipfile

import pytest
from openpyxl import load_workbook

from conftest import EXAMPLE, EXAMPLE_TEXT
from pipeline.cli import app as cli
from pipeline.rules.assess import assess_file
from pipeline.sources.load import load


@pytest.fixture
def unit(tmp_path):
    folder = tmp_path / "inputs" / "quang-phu"
    folder.mkdir(parents=True)
    shutil.copy(EXAMPLE, folder / "2024.yaml")
    return folder / "2024.yaml"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def exported(capsys, path, xlsx):
    code, out, err = run(capsys, "staff", "export", str(path), str(xlsx))
    assert code == 0, err
    return xlsx


def _set_dimension(xlsx, ref: str) -> None:
    """Rewrite the sheet's stored <dimension> as a stale tool leaves it."""
    import re

    data = io.BytesIO(xlsx.read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(data) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body, n = re.subn(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), body)
                assert n == 1
            zout.writestr(item, body)
    xlsx.write_bytes(out.getvalue())


def test_every_row_is_read_whatever_the_stored_dimension_says(unit, tmp_path, capsys):
    xlsx = exported(capsys, unit, tmp_path / "ds.xlsx")
    wb = load_workbook(xlsx)
    ws = wb["Thành viên"]
    ws.cell(row=31, column=6).value = "không"  # the 30th person: no digital training
    wb.save(xlsx)
    _set_dimension(xlsx, "A1:J21")
    code, out, err = run(capsys, "staff", "import", str(xlsx), str(unit))
    assert code == 0, err
    assert "Đã nhập 30 người" in out
    model = load(unit).model
    assert len(model.staff) == 30 and model.staff[29].digital_training is False
    _, a = assess_file(unit)
    assert next(r for r in a.indicators if r.code == "2.3").checks[0].denominator == 30


def test_hidden_or_filtered_rows_are_refused_naming_them(unit, tmp_path, capsys):
    xlsx = exported(capsys, unit, tmp_path / "ds.xlsx")
    wb = load_workbook(xlsx)
    ws = wb["Thành viên"]
    ws.row_dimensions[5].hidden = True
    ws.row_dimensions[9].hidden = True
    ws.auto_filter.ref = "A1:J31"
    wb.save(xlsx)
    before = unit.read_bytes()
    code, _, err = run(capsys, "staff", "import", str(xlsx), str(unit))
    assert code == 1
    assert "bộ lọc" in err and "2 dòng có dữ liệu đang bị ẩn (dòng 5, 9)" in err and "giữ nguyên" in err
    assert unit.read_bytes() == before


def test_an_import_too_large_for_an_input_is_refused_before_writing(unit, tmp_path, capsys, monkeypatch):
    from pipeline.sources import excel, files

    xlsx = exported(capsys, unit, tmp_path / "ds.xlsx")
    wb = load_workbook(xlsx)
    ws = wb["Thành viên"]
    for r in range(2, 32):
        ws.cell(row=r, column=3).value = "Công chức " + "x" * 3000
    wb.save(xlsx)
    before = unit.read_bytes()
    monkeypatch.setattr(files, "MAX_BYTES", len(before) + 50_000)  # the real limit, 2 MB, is ~8.000 people
    code, _, err = run(capsys, "staff", "import", str(xlsx), str(unit))
    assert code == 1 and "quá giới hạn" in err and "chưa nhập" in err
    assert unit.read_bytes() == before
    monkeypatch.setattr(excel, "MAX_ROWS", 20)
    code, _, err = run(capsys, "staff", "import", str(xlsx), str(unit))
    assert code == 1 and "tối đa 20 người" in err and unit.read_bytes() == before


def test_export_never_destroys_a_filled_workbook(unit, capsys):
    default = unit.with_suffix(".xlsx")
    exported(capsys, unit, default)
    wb = load_workbook(default)
    wb["Thành viên"].cell(row=2, column=2).value = "Người đã sửa trong Excel"
    wb.save(default)
    code, out, _ = run(capsys, "staff", "export", str(unit))  # the default: beside the input
    assert code == 0
    kept = [p for p in unit.parent.iterdir() if p.name.startswith("2024 (ban cu ")]
    assert len(kept) == 1 and kept[0].name in out
    assert load_workbook(kept[0])["Thành viên"].cell(row=2, column=2).value == "Người đã sửa trong Excel"
    assert load_workbook(default)["Thành viên"].cell(row=2, column=2).value != "Người đã sửa trong Excel"
    code, _, err = run(capsys, "staff", "export", str(unit), str(unit))  # a typo naming the YAML itself
    assert code == 2 and ".xlsx" in err and unit.read_text(encoding="utf-8") == EXAMPLE_TEXT


def test_import_into_a_linked_crlf_or_utf16_input_keeps_its_bytes(unit, tmp_path, capsys):
    xlsx = exported(capsys, unit, tmp_path / "ds.xlsx")
    wb = load_workbook(xlsx)
    ws = wb["Thành viên"]
    ws.cell(row=3, column=2).value = "2024-01-01"  # a name that looks like a date
    ws.cell(row=4, column=8).value = "kho\u0302ng"  # NFD “không”
    wb.save(xlsx)
    real = tmp_path / "that.yaml"
    for encoding, newline in (("utf-8", "\r\n"), ("utf-16", "\r\n"), ("utf-8-sig", "\n")):
        real.write_bytes(EXAMPLE_TEXT.replace("\n", newline).encode(encoding))
        unit.unlink()
        os.symlink(real, unit)
        code, out, err = run(capsys, "staff", "import", str(xlsx), str(unit))
        assert code == 0, err
        assert unit.is_symlink()
        decoded = real.read_bytes().decode(encoding)
        assert decoded.count("\r\n") == (decoded.count("\n") if newline == "\r\n" else 0)
        head = EXAMPLE_TEXT[: EXAMPLE_TEXT.index("\nstaff:")]
        assert decoded.replace("\r\n", "\n").startswith(head)  # everything before the list, comments included
        model = load(unit).model
        assert model.staff[1].name == "2024-01-01" and model.staff[2].language_meets_job is False
        assert [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_anchor_in_the_staff_list_used_later_in_the_file(unit, tmp_path, capsys):
    text = EXAMPLE_TEXT.replace("    position: Chủ tịch Hội Khuyến học xã", "    position: &hk Chủ tịch Hội Khuyến học xã", 1)
    text = text.replace("archive: VT, VHXH", "archive: VT, VHXH", 1)
    assert text.index("&hk") > text.index("\nstaff:")
    text += "\n# ghi chú cuối tệp\nx-alias: *hk\n"
    unit.write_text(text, encoding="utf-8")
    from pipeline.sources.load import parse

    assert parse(text, "x")[0]["x-alias"] == "Chủ tịch Hội Khuyến học xã"
    xlsx = exported(capsys, unit, tmp_path / "ds.xlsx")
    from pipeline.commands.staff import import_

    import_(xlsx, unit)
    new = unit.read_text(encoding="utf-8")
    assert parse(new, "x")[0]["x-alias"] == "Chủ tịch Hội Khuyến học xã"
    assert new.endswith("\n# ghi chú cuối tệp\nx-alias: \"Chủ tịch Hội Khuyến học xã\"\n")


def test_date_formula_and_error_cells_are_named_for_what_they_are(unit, tmp_path, capsys):
    import datetime as dt

    xlsx = exported(capsys, unit, tmp_path / "ds.xlsx")
    wb = load_workbook(xlsx)
    ws = wb["Thành viên"]
    ws.cell(row=2, column=3).value = dt.datetime(2024, 3, 2)
    ws.cell(row=3, column=4).value = '=IF(B3="","","có")'  # openpyxl saves no cached value
    wb.save(xlsx)
    before = unit.read_bytes()
    code, _, err = run(capsys, "staff", "import", str(xlsx), str(unit))
    assert code == 1 and unit.read_bytes() == before
    assert "dòng 2, cột C" in err and "ngày giờ" in err and "2024-03-02" not in err.split("dòng 2, cột C")[1].split("\n")[0][:20]
    assert "dòng 3, cột D" in err and "công thức" in err and "chưa lưu giá trị" in err and "ô trống" not in err


def test_rows_that_only_carry_formatting_do_not_count_against_the_limit(unit, tmp_path, capsys, monkeypatch):
    from openpyxl.styles import PatternFill

    from pipeline.sources import excel

    xlsx = exported(capsys, unit, tmp_path / "ds.xlsx")
    wb = load_workbook(xlsx)
    ws = wb["Thành viên"]
    for r in range(32, 400):
        ws.cell(row=r, column=2).fill = PatternFill("solid", fgColor="FFFF00")
    wb.save(xlsx)
    monkeypatch.setattr(excel, "MAX_ROWS", 30)
    code, out, err = run(capsys, "staff", "import", str(xlsx), str(unit))
    assert code == 0 and "Đã nhập 30 người" in out, err
