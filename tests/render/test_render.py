"""Stage 4 — render: the three forms opened with python-docx and checked for real content."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import pytest
from docx import Document
from docx.enum.section import WD_SECTION
from docx.shared import Mm

from conftest import EXAMPLE, HOSTILE_SHOWN, docx_texts
from pipeline.core.formatting import long_date, place_date
from pipeline.core.vocab import Level
from pipeline.criteria import load_catalogue
from pipeline.documents import DOCUMENTS as FORMS
from pipeline.render.engine import build_contexts, render_all
from pipeline.rules.assess import assess_file

CAT = load_catalogue("tt24-2023")
LOADED, ASSESSMENT = assess_file(EXAMPLE)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def doc(built, form_key, unit="quang-phu"):
    form = next(f for f in FORMS if f.key == form_key)
    return Document(str(built / unit / "2024" / form.template))


paragraphs = docx_texts


def full_text(document):
    return "\n".join(paragraphs(document))


@pytest.mark.parametrize("day, expected", [
    (dt.date(2024, 2, 5), "ngày 05 tháng 02 năm 2024"),
    (dt.date(2024, 6, 14), "ngày 14 tháng 6 năm 2024"),
    (dt.date(2024, 12, 20), "ngày 20 tháng 12 năm 2024"),
    (dt.date(2024, 1, 9), "ngày 09 tháng 01 năm 2024"),
    (dt.date(2024, 3, 1), "ngày 01 tháng 3 năm 2024"),
])
def test_date_leading_zero_rule(day, expected):
    assert long_date(day) == expected
    assert place_date("Quảng Phú", day) == f"Quảng Phú, {expected}"


def test_mau1_one_sheet_per_applicable_indicator_with_verbatim_texts(built):
    d = doc(built, "mau-1")
    texts = paragraphs(d)
    starts = [p for p in d.paragraphs if p.text == "Mẫu 1"]
    assert len(starts) == 13
    # each sheet is its own section, numbered on its own: starts on a new page, no number on its first page
    assert len(d.sections) == 13
    for section in d.sections:
        assert section.start_type == WD_SECTION.NEW_PAGE and section.different_first_page_header_footer
        assert section._sectPr.find(f"{W}pgNumType").get(f"{W}start") == "1"
    body = full_text(d)
    for result in ASSESSMENT.indicators:
        if result.applicable:
            assert result.text_level1 in body
            assert result.text_level2 in body
        else:
            assert result.text_level1 not in body  # 3.4/3.5 get no sheet
    sheet_24 = body[body.index("Chỉ tiêu 4: Mức độ 1: Tối thiểu 50%") - 400:]
    sheet_24 = sheet_24[:sheet_24.index("Mẫu 1", 400)]
    assert ("Chỉ tiêu 4: Mức độ 1: Tối thiểu 50% Thành viên trong đơn vị có chứng nhận hoặc chứng chỉ ngoại ngữ hoặc tiếng "
            "dân tộc thiểu số đáp ứng yêu cầu công việc hoặc vị trí việc làm (không bao gồm thành viên trong đơn vị là tổ "
            "chức kinh tế).") in sheet_24
    assert ("Mức độ 2: Tối thiểu 70% Thành viên trong đơn vị có trình độ ngoại ngữ hoặc tiếng dân tộc thiểu số đáp ứng "
            "yêu cầu công việc hoặc vị trí việc làm") in sheet_24
    assert "4. Tự đánh giá: Đạt Mức độ 1" in sheet_24 and "18/30" in sheet_24 and "9/30" in sheet_24
    assert "Họ và tên người đánh giá 1: Trương Thị Mai" in sheet_24 and "Họ và tên người đánh giá 2: Lê Thị Ngọc Ánh" in sheet_24
    assert "[2.4-01] Bảng tổng hợp trình độ ngoại ngữ của cán bộ, công chức năm 2024, số 201/BC-UBND ngày 12/12/2024 của UBND xã Quảng Phú." in sheet_24
    levels = [t.removeprefix("4. Tự đánh giá: ") for t in texts if t.startswith("4. Tự đánh giá: ")]
    assert levels == [i.label for i in ASSESSMENT.indicators if i.applicable]
    assert texts.count("NGƯỜI ĐÁNH GIÁ 1") == 13 and texts.count("Nguyễn Quốc Việt") >= 13
    assert "Tiêu chí 1: Về điều kiện xây dựng “Đơn vị học tập”" in body and '"' not in body  # typographic quotes
    assert "Quảng Phú, ngày 06 tháng 01 năm 2025" in body  # report.sheets_date


def test_mau1_multiline_text_becomes_paragraphs_and_bullets_stay(built):
    texts = paragraphs(doc(built, "mau-1"))
    assert "- Tổ chức 12 chuyên đề tại Trung tâm học tập cộng đồng với 1.250 lượt người tham gia." in texts
    assert "Kế hoạch được ban hành sớm, nội dung cụ thể, có phân công trách nhiệm rõ ràng." in texts
    assert "Việc triển khai được kiểm tra, sơ kết định kỳ." in texts


def _grid(table):
    """Rows of (text, vMerge, gridSpan) per <w:tc>, read from the XML (merged cells stay visible)."""
    rows = []
    for tr in table._tbl.iter(f"{W}tr"):
        cells = []
        for tc in tr.iter(f"{W}tc"):
            vm = tc.find(f"{W}tcPr/{W}vMerge")
            span = tc.find(f"{W}tcPr/{W}gridSpan")
            text = "".join(t.text or "" for t in tc.iter(f"{W}t"))
            cells.append((text, None if vm is None else vm.get(f"{W}val", "continue"), int(span.get(f"{W}val")) if span is not None else 1))
        rows.append(cells)
    return rows


def test_mau2_marks_match_the_evaluation_and_criteria_cells_are_merged(built):
    d = doc(built, "mau-2")
    [table] = d.tables[:1]
    rows = _grid(table)[2:]  # after the two header rows
    assert len(rows) == 15
    results = ASSESSMENT.indicators
    for cells, result in zip(rows, results):
        assert cells[1][0] == str(result.number)
        if result.applicable:
            marks = [c[0] for c in cells[2:5]]
            assert marks == ["X" if result.level == lv else "" for lv in Level], result.code
            crit_cells = cells[5:8]
        else:
            assert cells[2][0] == "Không áp dụng" and cells[2][2] == 3
            crit_cells = cells[3:6]
        crit = ASSESSMENT.criteria[result.criterion - 1]
        first = result.number == 1
        assert [c[1] for c in crit_cells] == ["restart" if first else "continue"] * 3
        if first:
            assert [c[0] for c in crit_cells] == ["X" if crit.level == lv else "" for lv in Level]
            assert cells[0][0] == f"Tiêu chí {result.criterion}" and cells[0][1] == "restart"
        else:
            assert cells[0][1] == "continue" and cells[0][0] == ""
    text = full_text(d)
    assert "BẢNG TỔNG HỢP KẾT QUẢ TỰ ĐÁNH GIÁ" in text and "Đơn vị: UBND xã Quảng Phú" in text
    assert "TỔ TRƯỞNG" in text and "Nguyễn Quốc Việt" in text


def test_mau3_cover_team_abbreviations_and_content(built):
    d = doc(built, "mau-3")
    texts = paragraphs(d)
    assert texts[0] == "ỦY BAN NHÂN DÂN HUYỆN QUẢNG ĐIỀN" and texts[1] == "ỦY BAN NHÂN DÂN XÃ QUẢNG PHÚ"
    assert "ĐƠN VỊ HỌC TẬP CẤP HUYỆN NĂM 2024" in texts
    team, abbr = d.tables[0], d.tables[1]
    rows = [[c.text for c in r.cells] for r in team.rows]
    assert rows[0] == ["TT", "Họ và tên", "Chức danh, chức vụ, đơn vị công tác", "Nhiệm vụ", "Chữ ký"]
    assert rows[1] == ["1", "Nguyễn Quốc Việt", "Phó Chủ tịch UBND xã", "Tổ trưởng", ""]
    assert rows[2][3] == "Thư ký" and len(rows) == 6 and all(r[4] == "" for r in rows[1:])
    shorts = [r.cells[1].text for r in abbr.rows[1:]]
    assert {"UBND", "MTTQ", "TNCS", "KH", "QĐ"} <= set(shorts)
    assert "CNTT" not in shorts  # built-in, but the report never uses it
    assert [r.cells[0].text for r in abbr.rows[1:]] == [str(i) for i in range(1, len(shorts) + 1)]
    body = "\n".join(texts)
    for heading in ("A. ĐẶT VẤN ĐỀ", "1. Tình hình chung của đơn vị", "2. Mục đích tự đánh giá", "B. TỰ ĐÁNH GIÁ", "C. KẾT LUẬN CHUNG"):
        assert heading in texts
    for n in (1, 2, 3):
        assert f"5. Kết luận về Tiêu chí {n}:" in texts
    assert ("Tiêu chí 1 có 05 chỉ tiêu áp dụng: không có chỉ tiêu không đạt, không có chỉ tiêu đạt Mức độ 1, "
            "05 chỉ tiêu đạt Mức độ 2.") in texts
    assert "Tiêu chí 2: Đạt Mức độ 1" in texts
    assert "Đạt Mức độ 1: 03 chỉ tiêu (23,1%)" in body and "Đạt Mức độ 2: 10 chỉ tiêu (76,9%)" in body
    assert "Đạt Mức độ 1: 01 tiêu chí (33,3%)" in body and "Đạt Mức độ 2: 02 tiêu chí (66,7%)" in body
    assert "UBND xã Quảng Phú tự đánh giá đạt “Đơn vị học tập” cấp huyện Mức độ 1" in body
    na = "Không áp dụng đối với Ủy ban nhân dân cấp xã: chỉ tiêu này không tính khi xếp loại tiêu chí."
    assert texts.count(na) == 2 and texts[texts.index(na) - 1].startswith("Mức độ 2: ")  # after 3.4's two texts
    assert "—" not in body and "loại đơn vị này" not in body
    assert "Số: 08/BC-UBND" in body and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in body and "Độc lập - Tự do - Hạnh phúc" in body


@pytest.mark.parametrize("form_key", ["mau-1", "mau-2", "mau-3"])
def test_page_format_nghi_dinh_30(built, form_key):
    d = doc(built, form_key)
    for section in d.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        mm = {k: round(getattr(section, f"{k}_margin").mm, 1) for k in ("top", "bottom", "left", "right")}
        assert 20 <= mm["top"] <= 25 and 20 <= mm["bottom"] <= 25, mm
        assert 30 <= mm["left"] <= 35 and 15 <= mm["right"] <= 20, mm
    normal = d.styles["Normal"]
    assert normal.font.name == "Times New Roman" and 13 <= normal.font.size.pt <= 14
    assert normal.paragraph_format.space_after.pt >= 6
    assert abs(normal.paragraph_format.first_line_indent - Mm(12.7)) < Mm(0.1)
    last = d.sections[-1]
    assert last.different_first_page_header_footer  # no number on the first page
    header_xml = last.header._element.xml
    assert "PAGE" in header_xml and 'w:val="center"' in header_xml


def test_mau3_numbering_restarts_after_the_cover(built):
    d = doc(built, "mau-3")
    assert len(d.sections) == 2
    start = d.sections[1]._sectPr.find(f"{W}pgNumType")
    assert start is not None and start.get(f"{W}start") == "1"


@pytest.mark.parametrize("form_key", ["mau-1", "mau-2", "mau-3"])
def test_hostile_text_prints_as_typed(built, form_key):
    d = doc(built, form_key, unit="thu-nghiem")
    text = full_text(d)
    assert HOSTILE_SHOWN in text and "49" not in re.findall(r"\b49\b", text)
    assert "\x0b" not in text
    path = built / "thu-nghiem" / "2024" / next(f for f in FORMS if f.key == form_key).template
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    assert "A &amp; B &lt;test&gt;" in xml


def test_rendering_is_deterministic():
    first, _ = render_all(LOADED.model, ASSESSMENT, CAT)
    second, _ = render_all(LOADED.model, ASSESSMENT, CAT)
    assert first == second and len(first) == 6
    info = zipfile.ZipFile(__import__("io").BytesIO(first["mau-2"])).infolist()
    assert {i.date_time for i in info} == {(2000, 1, 1, 0, 0, 0)}


def test_render_uses_the_assessment_not_its_own_arithmetic():
    # a different assessment for the same input must change the documents: render recomputes nothing
    from dataclasses import replace

    changed = replace(ASSESSMENT, unit_level=Level.LEVEL_2)
    contexts, _ = build_contexts(LOADED.model, changed, CAT)
    assert any("Mức độ 2" in line and "tự đánh giá đạt" in line for line in contexts["mau-3"]["conclusion"])
    assert "Mức độ 2" in contexts["to-trinh"]["request"]["ask"]
