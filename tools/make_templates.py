"""Build the docxtpl templates in templates/ with python-docx (reproducible; `make templates`).

The committed .docx files are what the pipeline renders; an officer may restyle them in Word
(keep the {{ … }} and {% … %} tags whole) and `make check-templates` will say if a tag broke.
Format: Nghị định 30/2020/NĐ-CP — A4, margins 20/20/30/15 mm, Times New Roman 14 pt body,
justified, first-line indent 1,27 cm, 6 pt after paragraphs, page number centred at the top
from the second page.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT, WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

OUT = Path(__file__).resolve().parent.parent / "templates"
FONT = "Times New Roman"
CENTER, RIGHT, LEFT, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY


# ---------------------------------------------------------------- document set-up

def new_document(size: float = 14, spacing: float = 1.15) -> Document:
    doc = Document()
    props = doc.core_properties
    props.author = props.last_modified_by = "dvht-dossier"
    props.title = props.subject = props.keywords = props.comments = ""
    for style_name in ("Normal", "Table Grid"):
        style = doc.styles[style_name]
        style.font.name = FONT
        style.font.size = Pt(size)
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
    normal = doc.styles["Normal"].paragraph_format
    normal.space_before, normal.space_after = Pt(0), Pt(6)
    normal.line_spacing = spacing
    normal.alignment = JUSTIFY
    normal.first_line_indent = Cm(1.27)
    setup_section(doc.sections[0])
    return doc


def setup_section(section) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)


def page_numbers(section, first_page: bool = False) -> None:
    """Centred PAGE field in the top margin; hidden on the section's first page unless `first_page`."""
    section.different_first_page_header_footer = not first_page
    section.header.is_linked_to_previous = False
    para = section.header.paragraphs[0]
    para.alignment = CENTER
    para.paragraph_format.first_line_indent = Cm(0)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = para.add_run()
        run.font.size = Pt(13)
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        elif text == " PAGE ":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
            run._r.append(el)
        else:
            run.text = text
    if not first_page:
        section.first_page_header.is_linked_to_previous = False


def restart_numbering(section, start: int = 1) -> None:
    pg = OxmlElement("w:pgNumType")
    pg.set(qn("w:start"), str(start))
    section._sectPr.append(pg)


# ---------------------------------------------------------------- paragraphs

def para(container, text: str = "", *, bold=False, italic=False, size=None, align=None, indent=True,
         before=None, after=None, caps=False, keep_next=False, page_break_before=False):
    p = container.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if caps:
            run.font.all_caps = True
    fmt = p.paragraph_format
    if align is not None:
        fmt.alignment = align
    if not indent or align in (CENTER, RIGHT):
        fmt.first_line_indent = Cm(0)
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if keep_next:
        fmt.keep_with_next = True
    if page_break_before:
        fmt.page_break_before = True
    return p


def runs(container, *parts, align=None, indent=True, after=None, keep_next=False):
    """A paragraph of several runs: parts are (text, {'bold':…, 'italic':…, 'size':…})."""
    p = para(container, align=align, indent=indent, after=after, keep_next=keep_next)
    for text, style in parts:
        run = p.add_run(text)
        run.bold = style.get("bold", False)
        run.italic = style.get("italic", False)
        if "size" in style:
            run.font.size = Pt(style["size"])
    return p


def tag(container, text: str):
    """A paragraph holding only a {%p … %} tag (removed by docxtpl when rendering)."""
    return para(container, text, indent=False, after=0)


def text_list(container, var: str, *, italic=False, indent=True):
    """Each entry of a list variable as its own paragraph."""
    tag(container, f"{{%p for line in {var} %}}")
    para(container, "{{ line }}", italic=italic, indent=indent)
    tag(container, "{%p endfor %}")


B, I = {"bold": True}, {"italic": True}


# ---------------------------------------------------------------- tables

def no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def widths(table, *mm) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), mm):
        col.set(qn("w:w"), str(int(Mm(w).twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, mm):
            cell.width = Mm(w)


def cell_text(cell, text: str = "", *, bold=False, italic=False, size=13, align=CENTER, after=0, before=0):
    p = cell.paragraphs[0]
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(size)
    fmt = p.paragraph_format
    fmt.alignment, fmt.first_line_indent = align, Cm(0)
    fmt.space_after, fmt.space_before = Pt(after), Pt(before)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return p


def cell_line(cell, text: str, **kw):
    p = cell.add_paragraph()
    run = p.add_run(text)
    run.bold, run.italic = kw.get("bold", False), kw.get("italic", False)
    run.font.size = Pt(kw.get("size", 13))
    p.paragraph_format.alignment = kw.get("align", CENTER)
    p.paragraph_format.first_line_indent = Cm(0)
    p.paragraph_format.space_after = Pt(0)
    return p


def unbreakable_block(container, width_mm: float):
    """A borderless, padding-free one-cell table whose row may not split: its paragraphs stay on one
    page (LibreOffice does not always honour long keep-with-next chains). Returns the cell."""
    table = container.add_table(rows=1, cols=1)
    no_borders(table)
    widths(table, width_mm)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right", "top", "bottom"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.append(margins)
    cant_split(table.rows[0])
    cell = table.rows[0].cells[0]
    cell._tc.remove(cell.paragraphs[0]._p)  # content is added paragraph by paragraph
    return cell


def repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def cant_split(row) -> None:
    el = OxmlElement("w:cantSplit")
    row._tr.get_or_add_trPr().append(el)


def rule_below(paragraph, length_mm: float) -> None:
    """The short rule under the unit name / the motto: a bottom border on a narrow centred paragraph."""
    ppr = paragraph._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    ppr.append(bdr)


def underline_rule(cell, length_mm: float, cell_mm: float):
    """A centred horizontal rule `length_mm` long inside a cell `cell_mm` wide."""
    p = cell.add_paragraph()
    fmt = p.paragraph_format
    side = Mm((cell_mm - length_mm) / 2)
    fmt.left_indent = fmt.right_indent = side
    fmt.first_line_indent = Cm(0)
    fmt.space_after = Pt(0)
    rule_below(p, length_mm)
    run = p.add_run()
    run.font.size = Pt(2)
    return p


def signature(container, cols: list[tuple[str, str, str]], col_mm: list[float], gap_lines: int = 4, date_var: str = ""):
    """Borderless signature table: per column (authority line, note, name variable); `date_var`
    puts the place and date, italic, above the last column's authority line."""
    table = container.add_table(rows=1, cols=len(cols))
    no_borders(table)
    widths(table, *col_mm)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, (cell, (title, note, name)) in enumerate(zip(table.rows[0].cells, cols)):
        if date_var and i == len(cols) - 1:
            cell_text(cell, date_var, italic=True, size=14, after=0)
            cell_line(cell, title, bold=True, size=14)
        else:
            cell_text(cell, title, bold=True, size=13 if len(cols) > 2 else 14)
        if note:
            cell_line(cell, note, italic=True, size=13)
        for _ in range(gap_lines):
            cell_line(cell, "")
        cell_line(cell, name, bold=True, size=13 if len(cols) > 2 else 14)
    cant_split(table.rows[0])
    return table


def national_header(container, left_top: str, left_bold: str, number: str | None, date_var: str):
    """Nghị định 30 header block: agency and unit on the left, the national name and motto on the right."""
    table = container.add_table(rows=1, cols=2)
    no_borders(table)
    widths(table, 64, 104)
    left, right = table.rows[0].cells
    cell_text(left, left_top, size=12)
    cell_line(left, left_bold, bold=True, size=12)
    underline_rule(left, 25, 64)
    if number:
        cell_line(left, number, size=13).paragraph_format.space_before = Pt(6)
    cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    cell_line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13)
    underline_rule(right, 56, 104)
    date = cell_line(right, date_var, italic=True, size=14)
    date.paragraph_format.space_before = Pt(6)
    return table


def form_label(container, label: str):
    return para(container, label, bold=True, align=RIGHT, after=0, size=13)


# ---------------------------------------------------------------- Mẫu 1

def indicator_body(doc, prefix: str):
    """1. Mô tả hiện trạng … 4. Tự đánh giá for `prefix` (an indicator context)."""
    para(doc, "1. Mô tả hiện trạng", bold=True, keep_next=True)
    text_list(doc, f"{prefix}.description")
    para(doc, "Minh chứng:", bold=True, italic=True, keep_next=True)
    text_list(doc, f"{prefix}.evidence")
    para(doc, "2. Điểm mạnh:", bold=True, keep_next=True)
    text_list(doc, f"{prefix}.strengths")
    para(doc, "3. Tồn tại:", bold=True, keep_next=True)
    text_list(doc, f"{prefix}.weaknesses")
    runs(doc, ("4. Tự đánh giá: ", B), (f"{{{{ {prefix}.level }}}}", B), keep_next=True)
    tag(doc, f"{{%p for line in {prefix}.figures %}}")
    para(doc, "{{ line }}", italic=True, size=13)
    tag(doc, "{%p endfor %}")


def indicator_heading(doc, prefix: str):
    """Tiêu chí / Chỉ tiêu texts, word for word; both levels when they differ."""
    tag(doc, f"{{%p if {prefix}.texts_differ %}}")
    runs(doc, (f"Chỉ tiêu {{{{ {prefix}.number }}}}: ", B), (f"Mức độ 1: {{{{ {prefix}.text_level1 }}}}", {}))
    para(doc, f"Mức độ 2: {{{{ {prefix}.text_level2 }}}}")
    tag(doc, "{%p else %}")
    runs(doc, (f"Chỉ tiêu {{{{ {prefix}.number }}}}: ", B), (f"{{{{ {prefix}.text_level1 }}}}", {}))
    tag(doc, "{%p endif %}")


def mau_1():
    doc = new_document(size=13, spacing=1.0)  # a sheet per page where the texts allow
    page_numbers(doc.sections[0])
    tag(doc, "{%p for s in sheets %}")
    p = form_label(doc, "Mẫu 1")
    p.paragraph_format.page_break_before = True
    para(doc, "PHIẾU ĐÁNH GIÁ TIÊU CHÍ", bold=True, align=CENTER, after=0)
    runs(doc, ("Đơn vị: ", B), ("{{ unit.short_name }}", {}), align=CENTER, after=6)
    para(doc, "PHIẾU ĐÁNH GIÁ CHỈ TIÊU", bold=True, align=CENTER, after=12)
    runs(doc, ("Họ và tên người đánh giá 1: ", {}), ("{{ s.assessor1 }}", B), indent=False, after=0)
    runs(doc, ("Họ và tên người đánh giá 2: ", {}), ("{{ s.assessor2 }}", B), indent=False)
    runs(doc, ("Tiêu chí {{ s.criterion_number }}: ", B), ("{{ s.criterion_title }}", {}))
    indicator_heading(doc, "s")
    indicator_body(doc, "s")
    para(doc, "{{ place_date }}", italic=True, align=RIGHT, before=6, keep_next=True)
    signature(doc, [("NGƯỜI ĐÁNH GIÁ 1", "(Ký, ghi rõ họ tên)", "{{ s.assessor1 }}"),
                    ("NGƯỜI ĐÁNH GIÁ 2", "(Ký, ghi rõ họ tên)", "{{ s.assessor2 }}"),
                    ("TỔ TRƯỞNG", "(Ký, ghi rõ họ tên)", "{{ leader }}")], [55, 55, 55])
    tag(doc, "{%p endfor %}")
    return doc


# ---------------------------------------------------------------- Mẫu 2

def mau_2():
    doc = new_document()
    page_numbers(doc.sections[0])
    form_label(doc, "Mẫu 2")
    para(doc, "BẢNG TỔNG HỢP KẾT QUẢ TỰ ĐÁNH GIÁ", bold=True, align=CENTER, after=0)
    para(doc, "CÁC TIÊU CHÍ, CHỈ TIÊU", bold=True, align=CENTER, after=6)
    runs(doc, ("Đơn vị: ", B), ("{{ unit.short_name }}", {}), align=CENTER, after=12)
    col = [24, 17, 21, 21, 21, 21, 20, 20]  # 165 mm: the text width
    table = doc.add_table(rows=2, cols=8)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    h1, h2 = table.rows
    for i, text in ((0, "Tiêu chí"), (1, "Chỉ tiêu")):
        cell_text(h1.cells[i].merge(h2.cells[i]), text, bold=True)
    cell_text(h1.cells[2].merge(h1.cells[4]), "Xếp loại Chỉ tiêu", bold=True)
    cell_text(h1.cells[5].merge(h1.cells[7]), "Xếp loại Tiêu chí", bold=True)
    for i, text in enumerate(["Không đạt", "Đạt Mức độ 1", "Đạt Mức độ 2"] * 2):
        cell_text(h2.cells[2 + i], text, bold=True, size=12)
    repeat_header(h1)
    repeat_header(h2)

    def tag_row(text):
        cell_text(table.add_row().cells[0], text, size=10)

    def indicator_row(applicable: bool):
        row = table.add_row()
        cell_text(row.cells[0], "{% vm %}Tiêu chí {{ c.number }}", bold=True)
        cell_text(row.cells[1], "{{ r.number }}")
        if applicable:
            for i in range(3):
                cell_text(row.cells[2 + i], f"{{{{ r.marks[{i}] }}}}", bold=True)
        else:
            cell_text(row.cells[2].merge(row.cells[4]), "Không áp dụng", italic=True, size=12)
        for i in range(3):
            cell_text(row.cells[5 + i], f"{{% vm %}}{{{{ c.marks[{i}] }}}}", bold=True)
        cant_split(row)

    # {%tr …%} rows vanish when rendered; {% vm %} merges a criterion's cells down its indicator rows
    tag_row("{%tr for c in criteria %}")
    tag_row("{%tr for r in c.rows %}")
    tag_row("{%tr if r.applicable %}")
    indicator_row(True)
    tag_row("{%tr else %}")
    indicator_row(False)
    tag_row("{%tr endif %}")
    tag_row("{%tr endfor %}")
    tag_row("{%tr endfor %}")
    widths(table, *col)
    para(doc, "Ghi chú: đánh dấu X vào ô tương ứng; “Không áp dụng”: chỉ tiêu không áp dụng đối với loại đơn vị này, không tính khi xếp loại.",
         italic=True, size=12, before=6)
    para(doc, "", after=0)
    signature(doc, [("", "", ""), ("TỔ TRƯỞNG", "(Ký, ghi rõ họ tên)", "{{ leader }}")], [55, 110], date_var="{{ place_date }}")
    return doc


# ---------------------------------------------------------------- Mẫu 3

def mau_3():
    doc = new_document()
    cover = doc.sections[0]
    cover.different_first_page_header_footer = True
    # the cover: parent agency and unit, title, place and date
    para(doc, "{{ unit.parent_agency_upper }}", align=CENTER, size=14, after=0)
    para(doc, "{{ unit.name_upper }}", bold=True, align=CENTER, size=14, after=0)
    underline = para(doc, align=CENTER, after=0)
    underline.paragraph_format.left_indent = underline.paragraph_format.right_indent = Mm(60)
    rule_below(underline, 45)
    for _ in range(9):
        para(doc, "", after=6)
    para(doc, "BÁO CÁO TỰ ĐÁNH GIÁ", bold=True, align=CENTER, size=22, after=12)
    para(doc, "ĐƠN VỊ HỌC TẬP CẤP HUYỆN NĂM {{ year }}", bold=True, align=CENTER, size=16, after=0)
    for _ in range(14):
        para(doc, "", after=6)
    para(doc, "{{ place_date }}", italic=True, align=CENTER)

    # page 1: the team, with an empty signature column
    body = doc.add_section(WD_SECTION.NEW_PAGE)
    setup_section(body)
    restart_numbering(body)
    page_numbers(body)
    para(doc, "DANH SÁCH VÀ CHỮ KÝ", bold=True, align=CENTER, after=0)
    para(doc, "THÀNH VIÊN TỔ TỰ ĐÁNH GIÁ", bold=True, align=CENTER, after=12)
    team = doc.add_table(rows=3, cols=5)
    team.style = doc.styles["Table Grid"]
    team.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(team, 12, 45, 50, 28, 30)
    for cell, text in zip(team.rows[0].cells, ["TT", "Họ và tên", "Chức danh, chức vụ, đơn vị công tác", "Nhiệm vụ", "Chữ ký"]):
        cell_text(cell, text, bold=True)
    repeat_header(team.rows[0])
    cell_text(team.rows[1].cells[0], "{%tr for m in team %}", size=10)
    row = team.rows[2]
    cell_text(row.cells[0], "{{ m.index }}")
    cell_text(row.cells[1], "{{ m.name }}", align=LEFT)
    cell_text(row.cells[2], "{{ m.position }}", align=LEFT)
    cell_text(row.cells[3], "{{ m.role }}")
    cell_text(row.cells[4], "")
    row.height = Cm(1.3)
    cant_split(row)
    cell_text(team.add_row().cells[0], "{%tr endfor %}", size=10)
    runs(doc, ("Quyết định thành lập Tổ tự đánh giá: ", I), ("{{ team_decision }}", I), indent=False).paragraph_format.space_before = Pt(6)

    # page 2: abbreviations used in the report
    para(doc, "DANH SÁCH CHỮ VIẾT TẮT", bold=True, align=CENTER, after=12, page_break_before=True)
    abbr = doc.add_table(rows=3, cols=3)
    abbr.style = doc.styles["Table Grid"]
    abbr.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(abbr, 15, 45, 105)
    for cell, text in zip(abbr.rows[0].cells, ["STT", "CHỮ VIẾT TẮT", "NỘI DUNG"]):
        cell_text(cell, text, bold=True)
    repeat_header(abbr.rows[0])
    cell_text(abbr.rows[1].cells[0], "{%tr for a in abbreviations %}", size=10)
    cell_text(abbr.rows[2].cells[0], "{{ a.index }}")
    cell_text(abbr.rows[2].cells[1], "{{ a.short }}")
    cell_text(abbr.rows[2].cells[2], "{{ a.full }}", align=LEFT)
    cell_text(abbr.add_row().cells[0], "{%tr endfor %}", size=10)

    # from page 3: the report, under the Nghị định 30 header block
    para(doc, "", after=0, page_break_before=True)
    national_header(doc, "{{ unit.parent_agency_upper }}", "{{ unit.name_upper }}", "{{ report_number }}", "{{ place_date }}")
    para(doc, "BÁO CÁO TỰ ĐÁNH GIÁ", bold=True, align=CENTER, before=18, after=0)
    para(doc, "“Đơn vị học tập” cấp huyện năm {{ year }}", bold=True, align=CENTER, after=12)
    para(doc, "NỘI DUNG TỰ BÁO CÁO", bold=True, align=CENTER, after=12)

    para(doc, "A. ĐẶT VẤN ĐỀ", bold=True, indent=False, keep_next=True)
    for title, var in (("1. Tình hình chung của đơn vị", "general_situation"),
                       ("2. Mục đích tự đánh giá", "purpose"),
                       ("3. Tóm tắt quá trình và những vấn đề nổi bật trong hoạt động tự đánh giá", "process_summary")):
        para(doc, title, bold=True, keep_next=True)
        text_list(doc, var)

    para(doc, "B. TỰ ĐÁNH GIÁ", bold=True, indent=False, keep_next=True)
    tag(doc, "{%p for c in criteria %}")
    runs(doc, ("Tiêu chí {{ c.number }}: ", B), ("{{ c.title }}", B), keep_next=True)
    tag(doc, "{%p for s in c.sheets %}")
    tag(doc, "{%p if s.applicable %}")
    indicator_heading(doc, "s")
    indicator_body(doc, "s")
    tag(doc, "{%p else %}")
    runs(doc, ("Chỉ tiêu {{ s.number }}: ", B), ("{{ s.text_level1 }} ", {}), ("— Không áp dụng đối với {{ unit.kind_label }}.", I))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    block = unbreakable_block(doc, 165)  # a criterion's conclusion stays on one page
    runs(block, ("Kết luận về Tiêu chí {{ c.number }}", B))
    runs(block, ("Điểm mạnh nổi bật:", I))
    text_list(block, "c.strengths")
    runs(block, ("Những điểm yếu cơ bản:", I))
    text_list(block, "c.weaknesses")
    para(block, "{{ c.count_line }}")
    runs(block, ("Tiêu chí {{ c.number }}: ", B), ("{{ c.level }}", B))
    para(doc, "", after=0)
    tag(doc, "{%p endfor %}")

    para(doc, "C. KẾT LUẬN CHUNG", bold=True, indent=False, keep_next=True)
    text_list(doc, "conclusion")
    para(doc, "Các kết luận khác:", bold=True, keep_next=True)
    text_list(doc, "other_conclusions")

    para(doc, "", after=0)
    signature(doc, [("", "", ""), ("TỔ TRƯỞNG", "(Ký tên, đóng dấu)", "{{ leader }}")], [55, 110], date_var="{{ place_date }}")
    return doc


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, build in (("mau-1-phieu-danh-gia-chi-tieu.docx", mau_1),
                        ("mau-2-bang-tong-hop.docx", mau_2),
                        ("mau-3-bao-cao-tu-danh-gia.docx", mau_3)):
        build().save(OUT / name)
        print(f"wrote templates/{name}")


if __name__ == "__main__":
    main()
