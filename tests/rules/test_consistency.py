"""A dossier that cannot contradict itself: dates in reading order, figures in prose from the data
(placeholders), stale hand-typed figures warned, warnings first-class (`--strict`), one set of
checks for `validate` and `dossier`."""

from __future__ import annotations

import re

import pytest

from conftest import EXAMPLE_TEXT, edit, line_of, run_cli
from hostile_cases import STAFF_END, STAFF_START
from pipeline.core.problems import InputError
from pipeline.rules.assess import assess_file


def problems(path, strict=False):
    with pytest.raises(InputError) as exc:
        assess_file(path, strict=strict)
    return exc.value.problems


def warnings_of(path):
    loaded, _ = assess_file(path)
    return loaded.warnings


def at(found, field):
    hits = [p for p in found if p.field == field]
    assert hits, f"nothing at {field}: {found}"
    return hits


def test_example_is_clean():
    loaded, _ = assess_file("inputs/quang-phu/2024.yaml")
    assert loaded.warnings == []


# ---------------------------------------------------------------- dates in reading order

def test_evidence_after_the_sheets_that_cite_it_is_an_error_naming_the_line(write_input):
    text = edit(EXAMPLE_TEXT, "        date: 30/12/2024", "        date: 07/01/2025")  # 3.3's title, after the sheets (06/01)
    [p] = at(problems(write_input(text)), 'indicators."3.3".evidence[1].date')
    assert not p.warning and p.line == line_of(text, "date: 07/01/2025")
    assert "07/01/2025 sau ngày ký phiếu đánh giá Mẫu 1 (report.sheets_date) 06/01/2025" in p.message
    # without a sheets date the sheets carry the report's date
    text = edit(EXAMPLE_TEXT, "  sheets_date: 06/01/2025", "  #")
    text = edit(text, "        date: 30/12/2024", "        date: 09/01/2025")
    [p] = at(problems(write_input(text)), 'indicators."3.3".evidence[1].date')
    assert "sau ngày báo cáo 08/01/2025" in p.message


def test_a_date_in_the_future_is_refused(write_input):
    text = edit(EXAMPLE_TEXT, "  date: 09/01/2025", "  date: 09/01/2099")
    found = at(problems(write_input(text)), "request.date")
    assert any("ở tương lai" in p.message for p in found)


def test_sheets_and_summary_dated_before_the_report_and_in_order(write_input):
    text = edit(EXAMPLE_TEXT, "sheets_date: 06/01/2025", "sheets_date: 10/01/2025")
    text = edit(text, "summary_date: 07/01/2025", "summary_date: 05/01/2025")
    found = problems(write_input(text))
    assert any("sau ngày báo cáo 08/01/2025" in p.message for p in at(found, "report.sheets_date"))
    assert any("trước các phiếu Mẫu 1 (10/01/2025)" in p.message for p in at(found, "report.summary_date"))


def test_to_trinh_not_before_the_report_and_late_is_a_warning(write_input):
    text = edit(EXAMPLE_TEXT, "  date: 09/01/2025", "  date: 07/01/2025")
    [p] = at(problems(write_input(text)), "request.date")
    assert "trước ngày báo cáo tự đánh giá 08/01/2025" in p.message and p.line == line_of(text, "  date: 07/01/2025")
    text = edit(EXAMPLE_TEXT, "  date: 09/01/2025", "  date: 20/01/2025")
    [w] = at(warnings_of(write_input(text)), "request.date")
    assert w.warning and "sau hạn gửi hồ sơ (15/01/2025" in w.message


def test_report_inside_the_year_is_a_warning(write_input):
    text = edit(EXAMPLE_TEXT, "date: 08/01/2025", "date: 31/12/2024")
    text = edit(text, "sheets_date: 06/01/2025", "sheets_date: 30/12/2024")
    text = edit(text, "summary_date: 07/01/2025", "summary_date: 30/12/2024")
    text = edit(text, "        date: 03/01/2025", "        date: 28/12/2024")
    text = edit(text, "        date: 30/12/2024", "        date: 29/12/2024")
    [w] = warnings_of(write_input(text))
    assert w.field == "report.date" and "số liệu tính đến 31/12/2024" in w.message


def test_district_bodies_after_the_2025_reform_are_a_warning(write_input):
    text = EXAMPLE_TEXT.replace("year: 2025", "year: 2025")
    text = edit(text, "  date: 09/01/2025", "  date: 09/01/2026")
    text = edit(text, "date: 08/01/2025", "date: 08/01/2026")
    found = problems(write_input(text))  # the 2024 file dated 2026 is refused for the report…
    warned = {p.field: p for p in found if p.warning and "01/07/2025" in p.message}
    for field, needle in (("recognition.receiver", "  receiver: Phòng"), ("recognition.authority", "  authority: Chủ tịch Ủy"),
                          ("report.recipients[1]", "    - Phòng Giáo dục và Đào tạo huyện Quảng Điền"),
                          ("request.recipients[1]", "    - Hội Khuyến học huyện Quảng Điền")):  # (its second occurrence)
        occurrence = 2 if field == "request.recipients[1]" else 1
        assert field in warned and warned[field].line == line_of(text, needle, occurrence), field
    assert "huyện Quảng Điền" in warned["recognition.receiver"].message


# ---------------------------------------------------------------- figures in prose

def test_unknown_placeholder_is_refused_with_its_line_and_the_known_names(write_input):
    text = edit(EXAMPLE_TEXT, "{2.3.so} người đã tham gia", "{2.3.so_nguoi} người đã tham gia")
    [p] = at(problems(write_input(text)), 'indicators."2.3".description')
    assert p.line == line_of(text, "{2.3.so_nguoi}")
    assert "“{2.3.so_nguoi}”" in p.message and "{so_thanh_vien}" in p.message and "{2.3.phan_so}" in p.message
    assert "{3.4.so}" not in p.message  # 3.4 does not apply to a commune


def _drop_staff(text: str, keep: int) -> str:
    """The example's roster cut to its first `keep` people."""
    block = text[STAFF_START:STAFF_END]
    people = block.split("\n  - name: ")
    return text[:STAFF_START] + "\n  - name: ".join(people[:keep + 1]) + text[STAFF_END:]


def test_a_smaller_commune_prints_its_own_figures_and_a_stale_typed_fraction_is_warned(tmp_path):
    from docx import Document

    from pipeline.cli.dossier import build_all
    from pipeline.documents import DOCUMENTS

    text = _drop_staff(EXAMPLE_TEXT, 24)
    text = edit(text, "Năm 2024 có {2.5.phan_so} thành viên", "Năm 2024 có 28/30 thành viên")  # typed by hand, stale
    (tmp_path / "inputs" / "xa-moi").mkdir(parents=True)
    path = tmp_path / "inputs" / "xa-moi" / "2024.yaml"
    path.write_text(text, encoding="utf-8")
    loaded, a = assess_file(path)
    assert a.staff_total == 24
    [w] = loaded.warnings
    assert w.field == 'indicators."2.5".description' and w.line == line_of(text, "28/30 thành viên")
    assert "“28/30”" in w.message and f"{a.indicator('2.5').checks[0].numerator}/24" in w.message
    lines: list[str] = []
    assert build_all(tmp_path / "inputs", tmp_path / "out", pdf=False, progress=False, out=lines.append) == 0
    assert any("(1 cảnh báo)" in line for line in lines) and any("28/30" in line for line in lines)
    prose = []
    for spec in DOCUMENTS:
        d = Document(str(tmp_path / "out" / "xa-moi" / "2024" / spec.template))
        prose += [p.text for p in d.paragraphs]
    body = "\n".join(prose)
    assert "UBND xã có 24 cán bộ" in body and "gồm 05 thành viên" in body
    r24 = a.indicator("2.4")
    assert f"{r24.checks[0].numerator}/24 thành viên có chứng chỉ" in body
    assert not re.search(r"\b\d+/30\b", body.replace("28/30 thành viên đạt danh hiệu “Lao động", ""))  # no stale “/30” from a placeholder


def test_people_counts_typed_by_hand_are_checked(write_input):
    text = edit(EXAMPLE_TEXT, "UBND xã có {so_thanh_vien} cán bộ", "UBND xã có 32 cán bộ")
    [w] = warnings_of(write_input(text))
    assert w.field == "report.general_situation" and "“có 32 cán bộ”" in w.message and w.line == line_of(text, "có 32 cán bộ")


# ---------------------------------------------------------------- counts and names

def test_roster_cross_checks(write_input):
    text = edit(EXAMPLE_TEXT, "  - name: Trần Thị Hạnh\n    position: Phó Chủ tịch UBND xã",
                "  - name: Nguyễn Quốc Việt\n    position: Phó Chủ tịch UBND xã")
    [w] = warnings_of(write_input(text))
    assert w.field == "staff[3].name" and "đã có ở người thứ 2" in w.message
    text = EXAMPLE_TEXT.replace("language_certificate: true", "language_certificate: false")
    ws = warnings_of(write_input(text))
    assert any(w.field == "staff" and "có chứng nhận, chứng chỉ ngoại ngữ hoặc tiếng dân tộc thiểu số" in w.message for w in ws)
    text = edit(EXAMPLE_TEXT, "      name: Nguyễn Thị Lan\n      position: Công chức Văn phòng", "      name: Phan Thị Thu Hà\n      position: Công chức Văn phòng")
    found = problems(write_input(text))
    assert any(p.field == "team.members[3].name" and not p.warning and "đã có trong Tổ" in p.message for p in found)


def test_every_problem_at_once(write_input):
    text = edit(EXAMPLE_TEXT, "    - id: lan\n", "    - id: Lan Anh\n")  # an invalid id…
    text = edit(text, "    assessors: [ha, mai]", "    assessors: [ha, ha]")  # …does not hide an assessor problem
    found = problems(write_input(text))
    fields = {p.field for p in found}
    assert "team.members[3].id" in fields and 'indicators."3.2".assessors' in fields
    text = edit(EXAMPLE_TEXT, "year: 2024", "year: 1899")
    text = edit(text, "    assessors: [ha, mai]", "    assessors: [ha, ha]")
    fields = {p.field for p in problems(write_input(text, name="1899.yaml"))}
    assert "year" in fields and 'indicators."3.2".assessors' in fields


# ---------------------------------------------------------------- one set of checks, exit codes

def test_validate_runs_what_dossier_runs(write_input, tmp_path):
    text = edit(EXAMPLE_TEXT, "    assessors: [anh, ha]\n    declared_level: muc-2", "    assessors: [anh, ha]\n    declared_level: muc-1")
    res = run_cli("validate", str(write_input(text)))
    assert res.returncode == 1 and "declared_level" in res.stderr and "Đạt Mức độ 2" in res.stderr
    bad = write_input(EXAMPLE_TEXT, unit="Quang Phu")
    res = run_cli("validate", str(bad))
    assert res.returncode == 1 and "thư mục “Quang Phu”" in res.stderr


def test_exit_codes_warnings_and_strict(tmp_path):
    text = edit(EXAMPLE_TEXT, "  date: 09/01/2025", "  date: 20/01/2025")  # late: a warning
    folder = tmp_path / "inputs" / "xa-a"
    folder.mkdir(parents=True)
    (folder / "2024.yaml").write_text(text, encoding="utf-8")
    res = run_cli("validate", str(tmp_path / "inputs"))
    assert res.returncode == 0 and "1 cảnh báo" in res.stdout and "⚠" in res.stderr and "request.date" in res.stderr
    res = run_cli("validate", str(tmp_path / "inputs"), "--strict")
    assert res.returncode == 1 and "request.date" in res.stderr
    out = str(tmp_path / "out")
    res = run_cli("dossier", str(tmp_path / "inputs"), "--outputs", out, "--no-pdf")
    assert res.returncode == 0 and "(1 cảnh báo)" in res.stdout and "sau hạn gửi hồ sơ" in res.stdout
    res = run_cli("dossier", str(tmp_path / "inputs"), "--outputs", out, "--no-pdf")  # unchanged: still warned
    assert res.returncode == 0 and "= không đổi" in res.stdout and "sau hạn gửi hồ sơ" in res.stdout
    res = run_cli("dossier", str(tmp_path / "inputs"), "--outputs", out, "--no-pdf", "--strict")
    assert res.returncode == 1 and "✗ lỗi" in res.stdout
    res = run_cli("evaluate", str(folder / "2024.yaml"))
    assert res.returncode == 0 and "sau hạn gửi hồ sơ" in res.stderr
